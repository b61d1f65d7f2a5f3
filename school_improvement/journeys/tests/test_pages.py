"""The journey pages through the test client: a whole journey by forms, the school's view, documents."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse
from django.utils import timezone

from school_improvement.journeys.models import Journey, JourneyAction, Review

from .conftest import open_a1, set_absence, to_delivery


def _d(days: int = 0) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).strftime("%d/%m/%Y")


def test_an_adviser_walks_a_journey_from_opening_to_exit_through_the_pages(client_as, world, support):
    client = client_as("adviser")
    page = client.get(reverse("journeys:open")).content.decode()
    assert "Alpha Primary School (990001)" in page and "Beta Primary" not in page  # their portfolio only
    response = client.post(reverse("journeys:open"), {"school": world.a1.urn, "owner": world.user("adviser").pk,
                                                      "reason": "Results fell sharply.", "clock_months": 12})
    journey = Journey.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("journeys:diagnosis", args=[journey.pk])
    diag = reverse("journeys:diagnosis", args=[journey.pk])
    assert client.post(diag, {"part": "priority", "priority-area": "", "priority-description": ""}).status_code == 400
    client.post(diag, {"part": "priority", "priority-area": "achievement",
                       "priority-description": "Reading at key stage 2"})
    client.post(diag, {"part": "summary", "summary-summary": "Weak phonics teaching in key stage 1."})
    page = client.get(diag).content.decode()
    assert "Reading at key stage 2" in page and "Weak phonics" in page and "Achievement" in page
    move = reverse("journeys:move", args=[journey.pk])
    assert client.post(move, {"move": "finish_diagnosis"}).status_code == 302
    st = reverse("journeys:statement", args=[journey.pk])
    client.post(st, {"part": "objective", "objective-title": "Raise attendance",
                     "objective-success_criteria": "Attendance above 94%", "objective-measure": "attendance.overall_pct",
                     "objective-comparison": ">", "objective-threshold": "94"})
    client.post(st, {"part": "exit_criterion", "exit_criterion-text": "Attendance above 94%",
                     "exit_criterion-measure": "attendance.overall_pct", "exit_criterion-comparison": ">",
                     "exit_criterion-threshold": "94"})
    client.post(st, {"part": "milestone", "milestone-title": "Attendance officer in post",
                     "milestone-due_on": _d(30)})
    client.post(st, {"part": "schedule", "schedule-review_every_weeks": "6", "schedule-first_review_on": _d(42),
                     "schedule-clock_months": "12"})
    client.post(st, {"part": "support", "support-assignment": support.pk, "support-note": "Reading lead"})
    page = client.get(st).content.decode()
    assert "Raise attendance" in page and "Attendance officer in post" in page and "Early reading" in page
    assert "Before it goes for ratification" not in page
    assert client.post(move, {"move": "submit_statement"}).status_code == 302
    assert client.get(reverse("journeys:statement_pdf", args=[journey.pk]))["Content-Type"] == "application/pdf"
    docx = client.get(reverse("journeys:statement_docx", args=[journey.pk]))
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Statement of action: Alpha Primary School" in text and "Draft: not yet ratified." in text

    hos = client_as("head_of_service")
    assert hos.post(move, {"move": "ratify", "ratified_as": "head_of_service"}).status_code == 302
    client = client_as("adviser")
    reviews = reverse("journeys:reviews", args=[journey.pk])
    response = client.post(reviews, {"held_on": _d()})
    review = Review.objects.get()
    objective = journey.objectives.get()
    response = client.post(reverse("journeys:review", args=[review.pk]), {
        "version": review.version, f"rag_{objective.pk}": "red", f"evidence_{objective.pk}": "Attendance 91%",
        "summary": "Slow start", "next_review_on": _d(42), "complete": "on"})
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.latest_rag == "red"
    board = reverse("journeys:board", args=[journey.pk])
    client.post(board, {"part": "meeting", "meeting-held_on": _d(), "meeting-attendees": "Chair\nHead",
                        "meeting-minutes": "Reviewed attendance."})
    client.post(board, {"part": "action", "action-description": "Call every persistently absent family",
                        "action-owner": world.user("headteacher").pk, "action-due_on": _d(14)})
    assert JourneyAction.objects.get().owner == world.user("headteacher")
    set_absence(world.a1.urn, "4.0")
    exit_page = client.get(reverse("journeys:exit", args=[journey.pk])).content.decode()
    assert "96%" in exit_page and "Met" in exit_page
    assert client.post(reverse("journeys:exit", args=[journey.pk]), {"reason": "Attendance is back above 94%."}
                       ).status_code == 302
    journey.refresh_from_db()
    assert journey.stage == "exited"
    pdf = client.get(reverse("journeys:exit_report", args=[journey.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    detail = client.get(reverse("journeys:detail", args=[journey.pk])).content.decode()
    for label in ("Opened", "Finish the diagnosis", "Submit the statement", "Ratify", "Exit the journey"):
        assert label in detail


def test_the_head_sees_their_journey_updates_their_action_and_sees_no_restricted_intelligence(client_as, world):
    from school_improvement.intelligence.models import IntelligenceRecord

    journey = to_delivery(world, open_a1(world))
    IntelligenceRecord.objects.create(council=world.council_a, school=world.a1, type="complaint",
                                      date=dt.date(2026, 1, 5), severity=3, description="Zqsecretq HR matter",
                                      confidentiality="restricted")
    action = JourneyAction.objects.create(journey=journey, description="Write to parents", owner=world.user("headteacher"),
                                          due_on=timezone.localdate())
    adviser = client_as("adviser")
    assert "Zqsecretq" in adviser.get(reverse("journeys:diagnosis", args=[journey.pk])).content.decode()
    head = client_as("headteacher")
    home = head.get(reverse("core:home")).content.decode()
    assert "Action for you: Write to parents" in home and "Alpha Primary School: delivery" in home
    assert "Zqsecretq" not in head.get(reverse("journeys:diagnosis", args=[journey.pk])).content.decode()
    assert head.post(reverse("journeys:diagnosis", args=[journey.pk]), {"part": "summary"}).status_code == 403
    response = head.post(reverse("journeys:action", args=[action.pk]),
                         {"version": 1, "state": "done", "progress": "Letter sent"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.state == "done" and action.updated_by == world.user("headteacher")
    # The school page shows the journey to the head; the trust leader sees neither.
    assert "Improvement journey" in head.get(reverse("register:school_detail", args=[world.a1.urn])).content.decode()
    trust = client_as("trust_leader")
    assert "Improvement journey" not in trust.get(reverse("register:school_detail", args=[world.a1.urn])).content.decode()
    assert trust.get(reverse("journeys:detail", args=[journey.pk])).status_code == 403


def test_a_stale_review_edit_is_refused_and_shows_the_other_persons_change(client_as, world):
    journey = to_delivery(world, open_a1(world))
    objective = journey.objectives.get()
    from school_improvement.journeys import services

    review = services.review_start(actor=world.user("adviser"), journey=journey, held_on=timezone.localdate())
    url = reverse("journeys:review", args=[review.pk])
    hos = client_as("head_of_service")
    assert hos.post(url, {"version": 1, f"rag_{objective.pk}": "amber", "summary": "Head of service's view"}
                    ).status_code == 302
    adviser = client_as("adviser")
    response = adviser.post(url, {"version": 1, f"rag_{objective.pk}": "green", "summary": "Adviser's view"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "saved this review" in page and "Head of service&#x27;s view" in page and "Adviser&#x27;s view" in page
    review.refresh_from_db()
    assert review.summary == "Head of service's view" and review.version == 2
    # Saving again (now on version 2) keeps the adviser's, knowingly.
    assert adviser.post(url, {"version": 2, f"rag_{objective.pk}": "green", "summary": "Adviser's view"}
                        ).status_code == 302
    review.refresh_from_db()
    assert review.summary == "Adviser's view" and review.version == 3


def test_the_escalation_ladder_to_a_warning_notice_with_its_pdf(client_as, world):
    journey = to_delivery(world, open_a1(world))
    adviser = client_as("adviser")
    move = reverse("journeys:move", args=[journey.pk])
    assert adviser.post(move, {"move": "escalate", "reason": "No progress after two reviews"}).status_code == 302
    esc = reverse("journeys:escalation", args=[journey.pk])
    adviser.post(esc, {"part": "propose", "propose-kind": "letter_of_concern", "propose-reason": "No progress"})
    response = adviser.post(esc, {"part": "propose", "propose-kind": "warning_notice", "propose-reason": "x"})
    assert response.status_code == 400 and "First issue the step below it" in response.content.decode()
    step = journey.steps.get()
    hos = client_as("head_of_service")
    hos.post(esc, {"part": "step", "step-step": step.pk, "step-move": "approve"})
    hos.post(esc, {"part": "step", "step-step": step.pk, "step-move": "issue", "step-issued_on": _d()})
    step.refresh_from_db()
    assert step.state == "issued"
    hos.post(esc, {"part": "propose", "propose-kind": "warning_notice", "propose-reason": "Standards",
                   "propose-grounds": ["standards", "management"], "propose-grounds_detail": "Reading at 38%.",
                   "propose-required_actions": "Appoint a reading lead.", "propose-compliance_by": _d(60)})
    notice = journey.steps.get(kind="warning_notice")
    hos.post(esc, {"part": "step", "step-step": notice.pk, "step-move": "approve"})
    hos.post(esc, {"part": "step", "step-step": notice.pk, "step-move": "issue"})
    head = client_as("headteacher")
    page = head.get(esc).content.decode()
    assert "Warning notice: issued" in page and "No progress" not in page  # the reason is the council's
    pdf = head.get(reverse("journeys:step_letter_pdf", args=[notice.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    events = [e.action for e in journey.events.all()]
    assert events.count("step_issue") == 2 and "escalate" in events
