"""Letters and notices from the council's own templates, as PDF and Word; the statement of action."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from school_improvement.journeys import letters, services
from school_improvement.journeys.models import EscalationStep

from .conftest import open_a1


def _notice(world) -> EscalationStep:
    journey = open_a1(world)
    return EscalationStep.objects.create(
        journey=journey, kind="warning_notice", state="issued", reason="No change", proposed_by=world.user("adviser"),
        grounds=["safety"], grounds_detail="Behaviour has broken down at lunchtimes.",
        required_actions="Adopt a behaviour policy.", compliance_by=dt.date(2026, 7, 1),
        issued_on=dt.date(2026, 5, 1))


def test_the_warning_notice_quotes_the_act_and_fills_the_school_grounds_and_compliance_date(world):
    doc = letters.step_document(_notice(world))
    text = " ".join(p for b in doc.blocks for p in b.paragraphs)
    assert "Alpha Primary School (URN 990001)" in text
    assert "(a) The safety of pupils or staff of the school is threatened" in text
    assert "01 July 2026" in text and "Behaviour has broken down" in text and "Adopt a behaviour policy" in text
    assert doc.draft == "" and ("Compliance period ends", "01 July 2026") in doc.meta


def test_the_head_of_service_edits_a_template_and_the_next_notice_uses_it(client_as, world):
    notice = _notice(world)
    hos = client_as("head_of_service")
    response = hos.post(reverse("journeys:templates"), {
        "kind": "warning_notice", "title": "Notice to $school_name",
        "body": "Dear governors of $school_name,\n\nComply by $compliance_by.\n\n$signed_by"})
    assert response.status_code == 302
    docx = hos.get(reverse("journeys:step_letter_docx", args=[notice.pk]))
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Notice to Alpha Primary School" in text and "Comply by 01 July 2026." in text
    # Another council's notices keep the default wording.
    assert letters.template_for(world.council_b.pk, "warning_notice") == letters.DEFAULT_TEMPLATES["warning_notice"]


def test_templates_refuse_unknown_placeholders_and_people_other_than_the_head_of_service(world):
    with pytest.raises(ValidationError, match=r"\$school"):
        services.template_save(actor=world.user("head_of_service"), kind="warning_notice", title="t",
                               body="Dear $school,")
    with pytest.raises(ValidationError, match="dollar"):
        services.template_save(actor=world.user("head_of_service"), kind="warning_notice", title="t",
                               body="It costs $5")
    with pytest.raises(PermissionDenied):
        services.template_save(actor=world.user("adviser"), kind="warning_notice", title="t", body="x")


def test_the_statement_of_action_pdf_and_word_go_to_the_governing_body(client_as, world):
    journey = open_a1(world)
    adviser = world.user("adviser")
    services.priority_add(actor=adviser, journey=journey, area="safeguarding", description="Record keeping")
    services.journey_move(actor=adviser, journey=journey, move="finish_diagnosis")
    services.objective_add(actor=adviser, journey=journey, title="Secure safeguarding records",
                           success_criteria="Every concern logged within a day")
    doc = letters.statement_document(journey)
    assert doc.draft == "Draft: not yet ratified."
    assert any(b.heading == "Priorities" and "Safeguarding: Record keeping" in b.bullets for b in doc.blocks)
    chair = client_as("chair_of_governors")
    pdf = chair.get(reverse("journeys:statement_pdf", args=[journey.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert chair.get(reverse("journeys:statement_docx", args=[journey.pk])).status_code == 200
    assert timezone.localdate()  # the documents are dated today
