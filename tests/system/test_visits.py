"""Visits in a browser: an adviser drafts a note (saved as they type, and kept through a lost
connection) and sends it; the headteacher marks a point inaccurate and responds; the adviser
answers and issues it. Axe is clean on every page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from school_improvement.visits.models import Finding, Visit, VisitState
from school_improvement.visits.tests.factories import make_visit

from .people import sign_in, sign_out

pytestmark = pytest.mark.browser


def status_says(visitor, words: str) -> None:
    visitor.page.wait_for_function(
        "words => document.querySelector('[data-autosave-status]').textContent.includes(words)", arg=words)


def test_an_adviser_drafts_and_issues_a_note_the_head_marks_a_point_inaccurate(visitor, browser_world):
    world = browser_world
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    visit = make_visit(world.council_a, world.a1, world.user("adviser"), VisitState.PLANNED, planned=yesterday)
    sign_in(visitor, world.user("adviser"))
    assert "Your visits" in visitor.page.inner_text("main")
    visitor.go("/visits/")
    visitor.page.click(f"a[href='/visits/{visit.pk}/']")
    visitor.check("planned-visit")
    visitor.page.click("text=Write the note")
    visitor.page.wait_for_url(f"**/visits/{visit.pk}/note/")
    visitor.page.wait_for_selector("form[data-autosave-ready=true]")
    visitor.check("note-form")

    # Typed text is saved without pressing a button.
    visitor.page.fill("#id_summary", "A productive termly review with the headteacher.")
    visitor.page.fill("#id_finding_0_text", "Reading standards have risen since the autumn.")
    status_says(visitor, "Draft saved at")
    assert Visit.objects.get(pk=visit.pk).summary == "A productive termly review with the headteacher."

    # The connection drops: the draft is kept on the device and saved when it returns.
    visitor.page.context.set_offline(True)
    visitor.page.fill("#id_finding_1_text", "Governors do not yet challenge leaders on attendance.")
    status_says(visitor, "connection seems to be lost")
    assert not Finding.objects.filter(visit=visit, position=1).exists()
    visitor.page.context.set_offline(False)
    visitor.page.evaluate("window.dispatchEvent(new Event('online'))")
    status_says(visitor, "Draft saved at")
    assert Finding.objects.filter(visit=visit, position=1).exists()

    visitor.page.fill("#id_action_0_text", "Review attendance data at each governors' meeting.")
    visitor.page.fill("#id_action_0_owner", "Chair of governors")
    visitor.page.fill("#id_action_0_due", (timezone.localdate() + dt.timedelta(days=30)).strftime("%d/%m/%Y"))
    visitor.page.click("button[name=send]")
    visitor.page.wait_for_url(f"**/visits/{visit.pk}/")
    visitor.check("sent")
    assert "With the school for factual accuracy" in visitor.page.inner_text("main")
    sign_out(visitor)

    # The headteacher checks the note: point 2 is inaccurate.
    sign_in(visitor, world.user("headteacher"))
    visitor.check("head-home")
    visitor.page.click("text=Check the note of the visit")
    visitor.page.wait_for_url(f"**/visits/{visit.pk}/respond/")
    visitor.check("respond-form")
    visitor.page.click("main button[type=submit]")
    visitor.check("respond-errors")
    assert "There is a problem" in visitor.page.inner_text("main")
    first, second = Finding.objects.filter(visit=visit).order_by("position")
    visitor.page.check(f"#id_verdict_{first.pk}_0")
    visitor.page.check(f"#id_verdict_{second.pk}_1")
    visitor.page.fill(f"#id_response_{second.pk}", "Governors reviewed attendance at their March meeting.")
    visitor.page.click("main button[type=submit]")
    visitor.page.wait_for_url(f"**/visits/{visit.pk}/")
    visitor.check("head-responded")
    sign_out(visitor)

    # The adviser answers and issues the note; the head cannot veto it.
    sign_in(visitor, world.user("adviser"))
    visitor.go(f"/visits/{visit.pk}/")
    visitor.page.click("text=Answer the school")
    visitor.page.wait_for_url(f"**/visits/{visit.pk}/answer/")
    visitor.check("answer-form")
    visitor.page.fill(f"#id_answer_{second.pk}",
                      "The minutes show attendance was noted, not challenged; the point stands.")
    visitor.page.click("button[name=issue]")
    visitor.page.wait_for_url(f"**/visits/{visit.pk}/")
    visitor.check("issued")
    main = visitor.page.inner_text("main")
    assert "Issued" in main and "the point stands" in main and "PDF" in main
    assert Visit.objects.get(pk=visit.pk).state == VisitState.ISSUED
    visitor.go("/visits/caseload/")
    visitor.go("/visits/actions/")
