"""Brokerage in a browser: an officer reviews a shortlist, runs the matcher, locks a match with
fewer days and runs it again, then agrees it; the provider claims days and the school confirms.
Axe is clean on every page, the map included."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from school_improvement.brokerage.models import Match, MatchStatus, Need, SupportClaim
from school_improvement.brokerage.tests.factories import build_places

from .people import sign_in, sign_out

pytestmark = pytest.mark.browser


def test_an_officer_runs_matching_locks_and_reruns_and_the_provider_claims(visitor, browser_world):
    world = browser_world
    places = build_places(world)
    need_a1 = Need.objects.create(council=world.council_a, school=world.a1, area="early_reading", days=4, priority=3)
    Need.objects.create(council=world.council_a, school=world.a2, area="early_reading", days=6, priority=2)

    sign_in(visitor, world.user("head_of_service"))
    visitor.go("/brokerage/needs/")
    visitor.page.click(f"a[href='/brokerage/needs/{need_a1.pk}/']")
    visitor.check("need-shortlist")
    main = visitor.page.inner_text("main")
    assert "Near SLE" in main and "Strong expertise in early reading" in main
    visitor.page.click("text=Other providers with this expertise")
    assert "same trust" in visitor.page.inner_text("main")

    visitor.go("/brokerage/plan/")
    visitor.page.click("main button:has-text('Run the matcher')")
    visitor.page.wait_for_url("**/brokerage/plan/")
    visitor.check("plan-run")
    match = Match.objects.get(need=need_a1)
    row = visitor.page.locator(f"#match-{match.pk}")
    row.locator("input[name=days]").fill("3")
    row.locator("button:has-text('Lock')").click()
    visitor.page.wait_for_url("**/brokerage/plan/")
    match.refresh_from_db()
    assert match.status == MatchStatus.LOCKED and match.days == 3
    visitor.page.click("main button:has-text('Run the matcher again')")
    visitor.page.wait_for_url("**/brokerage/plan/")
    visitor.check("plan-rerun")
    assert Match.objects.filter(pk=match.pk, status=MatchStatus.LOCKED, days=3).exists()
    visitor.page.locator(f"#match-{match.pk}").locator("button:has-text('Agree')").click()
    visitor.page.wait_for_url("**/brokerage/plan/")
    match.refresh_from_db()
    assert match.status == MatchStatus.AGREED
    visitor.go("/brokerage/gap/")
    assert visitor.page.locator("svg[role=img] circle").count() >= 2
    visitor.go("/brokerage/providers/")
    sign_out(visitor)

    # The provider claims a day and a half against the agreed support.
    sign_in(visitor, places.leader)
    visitor.go("/brokerage/support/")
    visitor.page.click("text=Claim days")
    visitor.check("claim-form")
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    visitor.page.fill("#id_delivered_on", yesterday)
    visitor.page.fill("#id_days", "1.5")
    visitor.page.fill("#id_summary", "Phonics training for Reception and Year 1 staff.")
    visitor.page.click("main button[type=submit]")
    visitor.page.wait_for_url("**/brokerage/support/")
    visitor.check("claimed")
    sign_out(visitor)

    # The school confirms, with feedback.
    sign_in(visitor, world.user("headteacher"))
    visitor.page.click("text=claims of support waiting for you to confirm")
    visitor.page.click("text=Confirm or dispute")
    visitor.check("confirm-form")
    visitor.page.check("#id_confirmed_0")
    visitor.page.check("#id_usefulness_0")
    visitor.page.fill("#id_feedback", "Practical and well pitched.")
    visitor.page.click("main button[type=submit]")
    visitor.page.wait_for_url("**/brokerage/support/")
    visitor.check("confirmed")
    assert SupportClaim.objects.get().status == "confirmed"
