"""The watchlist: what needs attention, who sees which journeys, and the same number of queries for
10 and for 150 open journeys."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from school_improvement.journeys import notify, selectors
from school_improvement.journeys.models import Journey, JourneyAction, Notification, Objective
from school_improvement.journeys.tasks import send_all_reminders
from school_improvement.testing.world import make_school


def make_journeys(world, count: int, start: int = 0) -> list[Journey]:
    """``count`` live journeys in council A, each with a red objective and an overdue action."""
    today = timezone.localdate()
    la = world.a1.la
    made = []
    for i in range(start, start + count):
        school = make_school(980000 + i, f"Watch School {i:03d}", la)
        journey = Journey.objects.create(
            council=world.council_a, school=school, school_kind="maintained", owner=world.user("adviser"),
            opened_because="decision", opened_reason="test", stage="delivery", status="open",
            next_review_due=today - dt.timedelta(days=1 + i % 3), decision_due=today + dt.timedelta(days=i - 5))
        Objective.objects.create(journey=journey, title="Reading", success_criteria="x",
                                 latest_rag="red" if i % 2 else "green")
        JourneyAction.objects.create(journey=journey, description="Do it", owner=world.user("adviser"),
                                     due_on=today - dt.timedelta(days=2))
        made.append(journey)
    return made


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_dashboard_costs_the_same_queries_for_10_and_150_open_journeys(client_as, world):
    make_journeys(world, 10)
    client = client_as("head_of_service")
    urls = [reverse("journeys:dashboard"), reverse("journeys:dashboard") + "?flag=red",
            reverse("api:journey_watchlist"), reverse("core:home")]
    for url in urls:  # warm caches (content types, templates) that the first request fills
        _queries(client, url)
    ten = {url: _queries(client, url) for url in urls}
    make_journeys(world, 140, start=10)
    assert selectors.watchlist(world.user("head_of_service")).count() == 150
    hundred_fifty = {url: _queries(client, url) for url in urls}
    assert ten == hundred_fifty


def test_the_watchlist_flags_overdue_reviews_red_objectives_late_actions_and_the_clock(world):
    journeys = make_journeys(world, 10)
    hos = world.user("head_of_service")
    counts = selectors.watch_counts(hos)
    assert (counts.live, counts.overdue_review, counts.red, counts.actions) == (10, 10, 5, 10)
    assert counts.clock == 5  # decision_due = today - 5 .. today + 4: five already past
    red = selectors.watchlist(hos, selectors.WatchFilters(flag="red"))
    assert {j.pk for j in red} == {j.pk for j in journeys if j.objectives.get().latest_rag == "red"}
    row = selectors.watchlist(hos).first()
    assert row.actions_overdue == 1 and row.open_actions == 1


def test_each_person_sees_only_their_journeys_on_the_watchlist(world):
    make_journeys(world, 3)  # owned by a1's adviser, schools outside any portfolio
    other = Journey.objects.create(council=world.council_a, school=world.a2, school_kind="maintained",
                                   owner=world.others["adviser"], opened_because="decision", opened_reason="x")
    assert selectors.watchlist(world.user("adviser")).count() == 3
    assert other not in selectors.watchlist(world.user("adviser"))
    assert other in selectors.watchlist(world.others["adviser"])
    assert selectors.watchlist(world.user("head_of_service")).count() == 4
    assert selectors.watchlist(world.others["head_of_service_b"]).count() == 0
    for role in ("data_officer", "review_group", "trust_leader", "cluster_lead", "administrator", "auditor"):
        assert not selectors.visible_journeys(world.user(role)).exists(), role


def test_reminders_go_once_by_email_and_in_the_interface(world, mailoutbox, django_capture_on_commit_callbacks):
    make_journeys(world, 2)
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify.send_reminders(council=world.council_a)
    # per journey: a review overdue (owner), the clock past (owner and head of service) for one, an action late
    assert sent == Notification.objects.count() and sent >= 5
    assert len(mailoutbox) == sent
    with django_capture_on_commit_callbacks(execute=True):
        assert notify.send_reminders(council=world.council_a) == 0
        assert send_all_reminders() == 0  # the morning task: every council, nothing twice
    assert len(mailoutbox) == sent
