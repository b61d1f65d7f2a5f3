"""Improvement journeys in a browser: one journey from diagnosis to exit, and one escalation to a
warning notice whose PDF is opened and read. axe is clean on every page visited."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from school_improvement.evidence.models import Measure
from school_improvement.journeys.models import Journey

from .people import sign_in, sign_out

pytestmark = pytest.mark.browser


def _day(days: int = 0) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).strftime("%d/%m/%Y")


def _submit(visitor, text: str) -> None:
    visitor.page.click(f"main button:has-text('{text}')")
    visitor.page.wait_for_load_state("load")


def _move(visitor, journey: Journey, link_text: str, label: str) -> None:
    visitor.go(f"/journeys/{journey.pk}/")
    visitor.page.click(f"#moves >> text={link_text}")
    visitor.page.wait_for_url("**/move/**")
    visitor.check(f"{label}-confirm")


def pdf_text(visitor, url: str) -> str:
    response = visitor.page.request.get(visitor.base_url + url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(response.body())
        return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                              text=True).stdout


def test_an_adviser_takes_a_school_from_diagnosis_to_exit(visitor, browser_world):
    world = browser_world
    adviser, hos = world.user("adviser"), world.user("head_of_service")
    sign_in(visitor, adviser)
    visitor.go(f"/register/schools/{world.a1.urn}/")
    visitor.page.click("text=Open an improvement journey")
    visitor.page.wait_for_url("**/journeys/open/**")
    visitor.check("open-form")
    visitor.page.fill("#id_reason", "Reading results fell for the second year and the head is new.")
    _submit(visitor, "Open the journey")
    journey = Journey.objects.get()
    visitor.check("diagnosis")
    assert "What the evidence says" in visitor.page.inner_text("main")

    # Diagnosis: priorities by Ofsted evaluation area, then on to the statement of action.
    visitor.page.select_option("#id_priority-area", "achievement")
    visitor.page.fill("#id_priority-description", "Reading at the end of key stage 2")
    _submit(visitor, "Add the priority")
    visitor.check("priority-added")
    _move(visitor, journey, "Finish the diagnosis", "finish-diagnosis")
    _submit(visitor, "Finish the diagnosis")

    visitor.go(f"/journeys/{journey.pk}/statement/")
    visitor.check("statement")
    visitor.page.click("text=Add an objective")
    visitor.page.fill("#id_objective-title", "Raise attendance")
    visitor.page.fill("#id_objective-success_criteria", "Attendance above 94% this year")
    visitor.page.select_option("#id_objective-measure", "attendance.overall_pct")
    visitor.page.select_option("#id_objective-comparison", ">")
    visitor.page.fill("#id_objective-threshold", "94")
    _submit(visitor, "Add the objective")
    visitor.page.click("text=Add an exit criterion")
    visitor.page.fill("#id_exit_criterion-text", "Attendance above 94%")
    visitor.page.select_option("#id_exit_criterion-measure", "attendance.overall_pct")
    visitor.page.select_option("#id_exit_criterion-comparison", ">")
    visitor.page.fill("#id_exit_criterion-threshold", "94")
    _submit(visitor, "Add the exit criterion")
    visitor.page.click("text=Set the schedule and clock")
    visitor.page.fill("#id_schedule-first_review_on", _day(42))
    _submit(visitor, "Save the schedule")
    visitor.check("statement-complete")
    assert "Before it goes for ratification" not in visitor.page.inner_text("main")
    _move(visitor, journey, "Submit the statement", "submit")
    _submit(visitor, "Submit the statement")
    sign_out(visitor)

    # The head of service ratifies it from the watchlist.
    sign_in(visitor, hos)
    visitor.go("/journeys/")
    visitor.check("dashboard")
    visitor.page.click("#watchlist >> text=Alpha Primary School")
    visitor.check("overview-for-ratification")
    _move(visitor, journey, "Ratify the statement", "ratify")
    visitor.page.check("#id_ratified_as_0")
    _submit(visitor, "Ratify the statement")
    visitor.check("ratified")
    journey.refresh_from_db()
    assert journey.stage == "delivery" and journey.decision_due is not None
    sign_out(visitor)

    # The adviser reviews progress: red to begin with.
    sign_in(visitor, adviser)
    visitor.go(f"/journeys/{journey.pk}/reviews/")
    visitor.check("reviews")
    visitor.page.fill("#id_held_on", _day())
    _submit(visitor, "Start the review")
    visitor.check("review-form")
    objective = journey.objectives.get()
    visitor.page.check(f"#id_rag_{objective.pk}_0")  # red
    visitor.page.fill(f"#id_evidence_{objective.pk}", "Attendance 91% this half term.")
    visitor.page.fill("#id_next_review_on", _day(42))
    visitor.page.check("#id_complete")
    _submit(visitor, "Save the review")
    visitor.check("review-saved")
    objective.refresh_from_db()
    assert objective.latest_rag == "red"

    # Next year's published absence (3.8%) meets the exit criterion: attendance 96.2%.
    Measure.objects.create(urn=world.a1.urn, year=2026, measure="absence.overall_pct", source_kind="absence",
                           value=Decimal("3.8"), status="ok", source_file="absence.csv")
    visitor.go(f"/journeys/{journey.pk}/")
    visitor.page.click("text=Check the exit criteria and exit")
    visitor.check("exit-check")
    assert "96.2%" in visitor.page.inner_text("#exit-check")
    visitor.page.fill("#id_reason", "Attendance is above 94% and leaders sustain it without support.")
    _submit(visitor, "Exit the journey")
    visitor.check("exited")
    journey.refresh_from_db()
    assert journey.stage == "exited" and journey.status == "closed"
    text = " ".join(pdf_text(visitor, f"/journeys/{journey.pk}/exit-report.pdf").split())
    assert "Exit report: Alpha Primary School" in text and "Attendance above 94%" in text
    history = visitor.page.inner_text("#history-table")
    for step in ("Opened", "Finish the diagnosis", "Submit the statement", "Ratify", "Exit the journey"):
        assert step in history


def test_an_escalation_to_a_warning_notice_whose_pdf_names_the_school_and_the_grounds(visitor, browser_world):
    from school_improvement.journeys import services

    world = browser_world
    adviser, hos = world.user("adviser"), world.user("head_of_service")
    journey = services.journey_open(actor=adviser, school=world.a1, owner=adviser, reason="Standards fell")
    services.priority_add(actor=adviser, journey=journey, area="achievement", description="Reading")
    services.journey_move(actor=adviser, journey=journey, move="finish_diagnosis")

    sign_in(visitor, adviser)
    _move(visitor, journey, "Escalate", "escalate")
    visitor.page.fill("#id_reason", "No improvement after two half-terms; governors have not acted.")
    _submit(visitor, "Escalate")
    visitor.go(f"/journeys/{journey.pk}/escalation/")
    visitor.check("ladder")
    visitor.page.select_option("#id_propose-kind", "letter_of_concern")
    visitor.page.fill("#id_propose-reason", "Reading results have fallen for three years.")
    _submit(visitor, "Propose the step")
    visitor.check("concern-proposed")
    sign_out(visitor)

    sign_in(visitor, hos)
    visitor.go(f"/journeys/{journey.pk}/escalation/")
    _submit(visitor, "Approve")
    _submit(visitor, "Issue")
    visitor.check("concern-issued")
    visitor.page.select_option("#id_propose-kind", "warning_notice")
    visitor.page.fill("#id_propose-reason", "The letter of concern brought no change.")
    visitor.page.check("#id_propose-grounds_0")  # standards
    visitor.page.check("#id_propose-grounds_1")  # management and governance
    visitor.page.fill("#id_propose-grounds_detail", "Only 38% of pupils reached the expected standard in reading, "
                                                    "writing and maths; the governing body has not met since March.")
    visitor.page.fill("#id_propose-required_actions", "Appoint a reading lead and meet monthly to monitor progress.")
    visitor.page.fill("#id_propose-compliance_by", _day(60))
    _submit(visitor, "Propose the step")
    visitor.check("notice-proposed")
    notice = journey.steps.get(kind="warning_notice")
    if notice.state == "proposed":
        visitor.page.click(f"#step-{notice.pk} >> button:has-text('Approve')")
        visitor.page.wait_for_load_state("load")
    visitor.page.click(f"#step-{notice.pk} >> button:has-text('Issue')")
    visitor.page.wait_for_load_state("load")
    visitor.check("notice-issued")
    notice.refresh_from_db()
    assert notice.state == "issued" and notice.grounds == ["standards", "management"]
    sign_out(visitor)

    # The school's head sees the issued notice (not the council's reasons) and opens its PDF.
    sign_in(visitor, world.user("headteacher"))
    visitor.go(f"/journeys/{journey.pk}/escalation/")
    visitor.check("head-sees-notice")
    main = visitor.page.inner_text("main")
    assert "Warning notice: issued" in main and "governors have not acted" not in main
    text = " ".join(pdf_text(visitor, f"/journeys/steps/{notice.pk}/letter.pdf").split())
    assert "Alpha Primary School" in text and "section 60 of the Education and Inspections Act 2006" in text
    assert "unacceptably low" in text and "serious breakdown in the way the school is managed" in text
    assert "Only 38% of pupils" in text and "Appoint a reading lead" in text


def test_every_journey_page_is_axe_clean_for_the_people_who_use_it(visitor, browser_world):
    """The board, actions, notifications, templates, support tapering, judged criteria, a stale review
    and an academy's DfE log, each checked with axe as its users see it."""
    from school_improvement.journeys import services

    world = browser_world
    adviser, hos, head = world.user("adviser"), world.user("head_of_service"), world.user("headteacher")
    journey = services.journey_open(actor=adviser, school=world.a1, owner=adviser, reason="Standards fell")
    services.priority_add(actor=adviser, journey=journey, area="achievement", description="Reading")
    journey = services.journey_move(actor=adviser, journey=journey, move="finish_diagnosis")
    objective = services.objective_add(actor=adviser, journey=journey, title="Reading", success_criteria="65% RWM")
    services.exit_criterion_add(actor=adviser, journey=journey, text="Governors hold leaders to account")
    services.schedule_set(actor=adviser, journey=journey, review_every_weeks=6, first_review_on=timezone.localdate(),
                          clock_months=12)
    from school_improvement.register.models import SupportAssignment

    services.support_link(actor=adviser, journey=journey, assignment=SupportAssignment.objects.get(
        establishment=world.a1))
    # A need raised with brokerage: its row in the package is checked with axe too.
    services.need_raise(actor=adviser, journey=journey, area="early_reading", days=3, priority=2)
    journey = services.journey_move(actor=adviser, journey=journey, move="submit_statement")
    journey = services.journey_move(actor=hos, journey=journey, move="ratify")
    meeting = services.meeting_record(actor=adviser, journey=journey, held_on=timezone.localdate(),
                                      attendees="Board chair\nHeadteacher", minutes="Agreed the reading plan.")
    action = services.action_add(actor=adviser, journey=journey, description="Share the reading plan", owner=head,
                                 due_on=timezone.localdate() - dt.timedelta(days=1), meeting=meeting)
    review = services.review_start(actor=adviser, journey=journey, held_on=timezone.localdate())

    sign_in(visitor, adviser)
    for path in (f"/journeys/{journey.pk}/statement/", f"/journeys/{journey.pk}/board/", "/journeys/",
                 f"/journeys/{journey.pk}/", f"/journeys/{journey.pk}/exit/", "/journeys/notifications/",
                 f"/journeys/{journey.pk}/move/?move=pause", f"/journeys/{journey.pk}/diagnosis/"):
        visitor.go(path)
    visitor.go(f"/journeys/reviews/{review.pk}/")
    # Someone else saves the review while the adviser has it open: the adviser is told and shown it.
    services.review_save(actor=hos, review=review, version=1, summary="The head of service's summary",
                         next_review_on=None, ratings={objective.pk: ("amber", "From the board")})
    visitor.page.check(f"#id_rag_{objective.pk}_2")  # green
    visitor.page.fill("#id_summary", "The adviser's summary")
    _submit(visitor, "Save the review")
    visitor.check("stale-review")
    shown = visitor.page.inner_text("#their-change")
    assert "The head of service's summary" in shown and "The adviser's summary" in shown and "Amber" in shown
    sign_out(visitor)

    # The head of service: templates, opening, and an academy's log of DfE regions group contacts.
    # (One sign-in each: a second-factor code is good once, so signing in twice within 30s fails.)
    academy = services.journey_open(actor=hos, school=world.a3, owner=adviser, reason="Trust not engaging")
    academy = services.journey_move(actor=hos, journey=academy, move="escalate", reason="Refer to the DfE")
    sign_in(visitor, hos)
    visitor.go("/journeys/templates/")
    visitor.go("/journeys/open/")
    visitor.go(f"/journeys/{academy.pk}/escalation/")
    visitor.page.fill("#id_contact-on", _day())
    visitor.page.fill("#id_contact-contact", "Regions group case lead")
    visitor.page.fill("#id_contact-summary", "Referred the academy's falling results.")
    visitor.page.fill("#id_contact-evidence_sent", "Two progress reviews")
    _submit(visitor, "Log it")
    visitor.check("dfe-log")
    assert "Regions group case lead" in visitor.page.inner_text("#dfe-contacts")
    sign_out(visitor)

    # The head: their action, updated; the board page; no escalation internals.
    sign_in(visitor, head)
    visitor.check("head-home")
    visitor.page.click("text=Action for you: Share the reading plan")
    visitor.check("head-action")
    visitor.page.check("#id_state_1")  # done
    visitor.page.fill("#id_progress", "Shared at the parents' evening.")
    _submit(visitor, "Save the update")
    visitor.check("head-action-done")
    action.refresh_from_db()
    assert action.state == "done"
    for path in (f"/journeys/{journey.pk}/board/", f"/journeys/{journey.pk}/statement/",
                 f"/journeys/{journey.pk}/reviews/", f"/journeys/{journey.pk}/escalation/"):
        visitor.go(path)
    sign_out(visitor)

