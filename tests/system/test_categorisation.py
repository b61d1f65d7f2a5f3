"""Categorisation in a browser: a full round from proposal to representations to sign-off, with a
review group member's conflict of interest, and the head of service editing a policy. Axe is clean
on every page visited."""

from __future__ import annotations

import datetime as dt

import pytest

from school_improvement.categorisation.models import Decision, PolicyVersion
from school_improvement.categorisation.tests.conftest import add_ks2, add_national, publish_default
from school_improvement.evidence.models import Inspection
from school_improvement.intelligence.models import IntelligenceRecord

from .people import sign_in, sign_out

pytestmark = pytest.mark.browser

REPRESENTATION = "Since the spring we have a new deputy and a reading plan; results are rising."


def evidence(world) -> None:
    for year, a1, a2 in ((2017, "55", "78"), (2018, "50", "80"), (2019, "40", "82")):
        add_ks2(world.a1.urn, year, a1)
        add_ks2(world.a2.urn, year, a2)
        add_national(year)
    Inspection.objects.create(urn=world.a1.urn, urn_at_inspection=world.a1.urn, era="eif_graded",
                              inspection_date=dt.date(2023, 5, 10), overall="Requires improvement",
                              source_file="ofsted_mi.csv")
    IntelligenceRecord.objects.create(council=world.council_a, school=world.a1, type="safeguarding",
                                      date=dt.date.today() - dt.timedelta(days=20), severity=4,
                                      description="LADO referral", confidentiality="restricted")


def open_decision(visitor, decision: Decision, label: str) -> None:
    visitor.go(f"/categorisation/decisions/{decision.pk}/")
    visitor.check(label)


def test_a_full_round_from_proposal_to_representations_to_sign_off(visitor, browser_world):
    world = browser_world
    evidence(world)
    version = publish_default(world)

    # The head of service starts the round.
    sign_in(visitor, world.user("head_of_service"))
    visitor.go("/categorisation/")
    visitor.page.click("main >> text=Start a round")
    visitor.page.wait_for_url("**/categorisation/rounds/new/")
    visitor.check("round-form")
    visitor.page.fill("#id_name", "Autumn round")
    visitor.page.select_option("#id_policy_version", str(version.pk))
    visitor.page.click("main button[type=submit]")
    visitor.page.wait_for_url("**/categorisation/rounds/*/")
    visitor.check("round-pack")
    assert "Alpha Primary School" in visitor.page.inner_text("#pack")
    d1 = Decision.objects.get(school=world.a1)
    assert d1.proposed_category == "intensive"
    open_decision(visitor, d1, "hos-decision")
    assert "A serious concern recorded in the last year" in visitor.page.inner_text("main")
    sign_out(visitor)

    # A review group member: a conflict with a2 (redacted), and the group's decision on a1.
    sign_in(visitor, world.user("review_group"))
    visitor.go(f"/categorisation/rounds/{d1.round_id}/")
    visitor.page.click("text=Declare a conflict of interest")
    visitor.check("conflict-form")
    visitor.page.select_option("#id_school", str(world.a2.urn))
    visitor.page.fill("#id_reason", "I am a governor of this school")
    visitor.page.click("main button[type=submit]")
    visitor.page.wait_for_url(f"**/categorisation/rounds/{d1.round_id}/")
    visitor.check("redacted-pack")
    assert "Redacted" in visitor.page.inner_text("#pack")
    open_decision(visitor, Decision.objects.get(school=world.a2), "redacted-decision")
    assert "redacted" in visitor.page.inner_text("main")
    open_decision(visitor, d1, "group-decision")
    assert "A serious concern recorded in the last year" not in visitor.page.inner_text("main")
    visitor.page.click("text=Record the group's decision")
    visitor.check("moderate-form")
    visitor.page.check("#id_outcome_1")  # overridden, but without a reason or category
    visitor.page.click("main button[type=submit]")
    visitor.check("moderate-errors")
    assert "There is a problem" in visitor.page.inner_text("main")
    visitor.page.check("#id_outcome_0")  # agreed
    visitor.page.click("main button[type=submit]")
    visitor.page.wait_for_url(f"**/categorisation/decisions/{d1.pk}/")
    visitor.check("moderated")
    sign_out(visitor)

    # The head of service sends the letter.
    sign_in(visitor, world.user("head_of_service"))
    open_decision(visitor, d1, "before-letter")
    visitor.page.click("text=Send the letter to the school")
    visitor.page.wait_for_url(f"**/categorisation/decisions/{d1.pk}/")
    visitor.check("letter-sent")
    sign_out(visitor)

    # The headteacher reads the provisional category and makes representations.
    sign_in(visitor, world.user("headteacher"))
    visitor.check("head-home")
    assert "Your school's category" in visitor.page.inner_text("main")
    open_decision(visitor, d1, "head-decision")
    main = visitor.page.inner_text("main")
    assert "Intensive" in main and "Provisional" in main and "serious concern" not in main.lower()
    visitor.page.click("text=Respond to the category")
    visitor.check("respond-form")
    visitor.page.check("#id_response_1")
    visitor.page.fill("#id_text", REPRESENTATION)
    visitor.page.click("main button[type=submit]")
    visitor.page.wait_for_url(f"**/categorisation/decisions/{d1.pk}/")
    visitor.check("represented")
    assert REPRESENTATION in visitor.page.inner_text("#representation")
    sign_out(visitor)

    # The head of service answers and signs off; the evidence is frozen.
    sign_in(visitor, world.user("head_of_service"))
    open_decision(visitor, d1, "to-answer")
    visitor.page.click("text=Answer the representations")
    visitor.check("answer-form")
    visitor.page.check("#id_outcome_1")  # not upheld
    visitor.page.fill("#id_answer", "Thank you. The plan is welcome; the evidence still supports intensive support.")
    visitor.page.click("main button[type=submit]")
    visitor.page.wait_for_url(f"**/categorisation/decisions/{d1.pk}/")
    visitor.page.click("text=Sign off the category")
    visitor.page.wait_for_url(f"**/categorisation/decisions/{d1.pk}/")
    visitor.check("signed-off")
    d1.refresh_from_db()
    assert d1.state == "signed_off" and d1.frozen["representation"]["outcome"] == "not_upheld"
    visitor.go("/categorisation/")
    assert "Intensive" in visitor.page.inner_text("#category-table")
    visitor.go(f"/register/schools/{world.a1.urn}/")
    assert "Category history" in visitor.page.inner_text("main")
    for path in ("/categorisation/rounds/", "/categorisation/reopened/", "/categorisation/backtest/",
                 "/categorisation/past/", "/categorisation/policies/"):
        visitor.go(path)
    sign_out(visitor)

    # The head sees the final category and the answer.
    sign_in(visitor, world.user("headteacher"))
    open_decision(visitor, d1, "head-final")
    main = visitor.page.inner_text("main")
    assert "Final" in main and "the evidence still supports intensive support" in main


def test_the_head_of_service_loads_edits_and_publishes_a_policy(visitor, browser_world):
    world = browser_world
    sign_in(visitor, world.user("head_of_service"))
    visitor.go("/categorisation/policies/")
    visitor.page.click("text=Load a policy that ships, or import one")
    visitor.check("policy-new")
    visitor.page.check("input[name=preset][value=liverpool_style]")
    visitor.page.click("text=Load this policy")
    visitor.page.wait_for_url("**/categorisation/versions/*/")
    visitor.check("draft")
    assert "Categories and what each brings" in visitor.page.inner_text("main")
    version = PolicyVersion.objects.get()
    visitor.page.click("text=Edit the draft")
    visitor.check("edit")
    text = visitor.page.input_value("#id_yaml")
    visitor.page.fill("#id_yaml", text.replace('measure("absence.persistent_pct")', 'measure("absence.persistant")', 1))
    visitor.page.click("main button[type=submit]")
    visitor.check("edit-refused")
    assert "There is a problem" in visitor.page.inner_text("main") and "Line" in visitor.page.inner_text("main")
    visitor.page.fill("#id_yaml", text.replace("adviser_days: 3", "adviser_days: 4", 1))
    visitor.page.click("main button[type=submit]")
    visitor.page.wait_for_url(f"**/categorisation/versions/{version.pk}/")
    visitor.page.click("text=Publish this version")
    visitor.page.wait_for_url(f"**/categorisation/versions/{version.pk}/")
    visitor.check("published")
    version.refresh_from_db()
    assert version.status == "published" and "adviser_days: 4" in version.yaml
