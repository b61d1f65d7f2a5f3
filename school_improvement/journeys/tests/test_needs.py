"""Needs raised with brokerage from a journey's support package: who may raise them, the history row,
the support that joins the package when brokerage agrees a match, and needs closing with the journey."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from school_improvement.brokerage import services as brokerage
from school_improvement.brokerage.models import Match, MatchStatus, Need
from school_improvement.brokerage.tests.factories import build_places
from school_improvement.core.models import AuditEvent
from school_improvement.journeys import selectors, services
from school_improvement.journeys.models import SupportLink

from .conftest import set_absence, to_statement


def raise_need(world, journey, actor=None, **extra):
    values = {"area": "early_reading", "days": 4, "priority": 3, "note": "Phonics in key stage 1"}
    return services.need_raise(actor=actor or world.user("adviser"), journey=journey, **{**values, **extra})


def test_a_manager_raises_a_need_from_the_journey_with_its_clock_as_the_window(world, delivery):
    need = raise_need(world, delivery)
    delivery.refresh_from_db()
    assert need.source == "journey" and need.source_ref == f"journey:{delivery.pk}"
    assert need.school == world.a1 and need.council_id == delivery.council_id and need.days == 4
    assert (need.window_start, need.window_end) == (delivery.clock_started_on, delivery.decision_due)
    event = delivery.events.last()
    assert event.action == "need_raised" and event.actor == world.user("adviser") and event.detail["need"] == need.pk
    assert AuditEvent.objects.filter(object_type="journeys.journey", object_id=str(delivery.pk),
                                     detail__contains=f"need {need.pk} raised").exists()
    assert AuditEvent.objects.filter(object_type="brokerage.need", object_id=str(need.pk)).exists()
    [listed] = selectors.statement(delivery).needs
    assert listed.pk == need.pk and listed.matched == 0 and listed.agreed == 0 and listed.holding == []
    # A window given explicitly is kept; another journey's needs are not listed.
    start = dt.date.today() + dt.timedelta(days=10)
    other = raise_need(world, delivery, window_start=start, window_end=start + dt.timedelta(days=60))
    assert other.window_start == start
    Need.objects.create(council=world.council_a, school=world.a1, area="send", days=2, source="journey",
                        source_ref="journey:999999")
    assert [n.pk for n in selectors.journey_needs(delivery)] == [need.pk, other.pk]


def test_only_whoever_may_change_the_package_raises_a_need_and_never_on_a_read_only_journey(world, journey):
    with pytest.raises(ValidationError, match="Diagnosis"):  # the package is not open at diagnosis
        raise_need(world, journey)
    journey = to_statement(world, journey)
    for role in ("system_leader", "headteacher", "associate_adviser"):
        with pytest.raises(PermissionDenied):
            raise_need(world, journey, actor=world.user(role))
    with pytest.raises(ValidationError) as caught:
        raise_need(world, journey, area="juggling", days=0)
    assert {"area", "days"} <= set(caught.value.message_dict)
    raise_need(world, journey, actor=world.user("head_of_service"))
    paused = services.journey_move(actor=world.user("adviser"), journey=journey, move="pause", reason="Leave")
    with pytest.raises(ValidationError, match="paused"):
        raise_need(world, paused)
    assert Need.objects.count() == 1
    assert list(journey.events.filter(action="need_raised").values_list("actor", flat=True)) == \
        [world.user("head_of_service").pk]


def test_an_agreed_match_for_the_journeys_need_joins_its_support_package(world, delivery):
    places = build_places(world)
    hos = world.user("head_of_service")
    need = raise_need(world, delivery)
    brokerage.matching_run(actor=hos, council=world.council_a)
    assert not selectors.visible_journeys(places.leader).filter(pk=delivery.pk).exists()
    match = brokerage.match_agree(actor=hos, match=Match.objects.get(need=need))
    link = SupportLink.objects.get(journey=delivery)
    assert link.assignment == match.support_assignment and link.note == f"Brokered for need {need.pk}"
    assert link.added_by == hos
    event = delivery.events.last()
    assert event.action == "support_brokered" and event.actor == hos
    assert event.detail["need"] == need.pk and event.detail["assignment"] == link.assignment_id
    assert AuditEvent.objects.filter(object_type="journeys.supportlink", object_id=str(link.pk)).exists()
    # The provider is now named on the journey, and the statement shows the days agreed.
    assert selectors.visible_journeys(places.leader).filter(pk=delivery.pk).exists()
    [row] = selectors.statement(delivery).needs
    assert row.agreed == 4 and row.matched == 4 and [m.provider.name for m in row.holding] == ["Near SLE"]


def test_a_paused_journey_or_a_need_from_elsewhere_gets_no_automatic_support(world, delivery):
    build_places(world)
    hos = world.user("head_of_service")
    need = raise_need(world, delivery)
    other = brokerage.need_create(actor=hos, council=world.council_a, school=world.a1, area="leadership", days=1)
    services.journey_move(actor=world.user("adviser"), journey=delivery, move="pause", reason="Head on leave")
    brokerage.matching_run(actor=hos, council=world.council_a)
    for row in (need, other):
        match = brokerage.match_agree(actor=hos, match=Match.objects.filter(need=row).first())
        assert match.status == MatchStatus.AGREED and match.support_assignment_id
    assert not SupportLink.objects.exists()
    assert not delivery.events.filter(action="support_brokered").exists()


def test_the_journeys_open_needs_close_when_it_exits_or_closes(world, delivery):
    adviser, hos = world.user("adviser"), world.user("head_of_service")
    need = raise_need(world, delivery)
    done = raise_need(world, delivery, area="leadership", days=2)
    brokerage.need_close(actor=hos, need=done, reason="Met by the trust")
    elsewhere = brokerage.need_create(actor=hos, council=world.council_a, school=world.a1, area="send", days=1)
    set_absence(world.a1.urn, "4.5", year=2020)
    journey = services.journey_move(actor=adviser, journey=delivery, move="exit", reason="Criteria met")
    need.refresh_from_db()
    elsewhere.refresh_from_db()
    assert need.status == "closed" and need.closed_at is not None and elsewhere.status == "open"
    assert journey.events.last().detail["needs_closed"] == [need.pk]
    assert [n["need"] for n in journey.exit_report["needs"]] == [need.pk, done.pk]
    assert AuditEvent.objects.filter(object_type="brokerage.need", object_id=str(need.pk),
                                     detail__contains="exited: Criteria met").exists()
    # Closing without exit (head of service) closes them too.
    second = services.journey_open(actor=hos, school=world.a2, owner=adviser, reason="Leadership")
    second = services.journey_move(actor=hos, journey=second, move="finish_diagnosis", skip=True, reason="Known")
    raised = raise_need(world, second, actor=hos)
    services.journey_move(actor=hos, journey=second, move="close", reason="The school became an academy")
    raised.refresh_from_db()
    assert raised.status == "closed"


def test_the_statement_page_raises_a_need_and_lists_it(client_as, world, delivery):
    url = reverse("journeys:statement", args=[delivery.pk])
    client = client_as("adviser")
    page = client.get(url).content.decode()
    assert "Raise a need with brokerage" in page and "No needs raised from this journey yet." in page
    assert f'value="{delivery.clock_started_on:%d/%m/%Y}"' in page  # the window defaults to the clock
    bad = client.post(url, {"part": "need", "need-area": "", "need-days": "0", "need-priority": "2"})
    assert bad.status_code == 400 and "govuk-error-summary" in bad.content.decode()
    response = client.post(url, {"part": "need", "need-area": "early_reading", "need-days": "3",
                                 "need-priority": "3", "need-window_start": "", "need-window_end": "",
                                 "need-note": "Phonics"})
    assert response.status_code == 302 and response["Location"].endswith("#need")
    need = Need.objects.get()
    assert need.days == 3 and need.source_ref == f"journey:{delivery.pk}" and need.window_end == delivery.decision_due
    page = client.get(url).content.decode()
    assert reverse("brokerage:need_detail", args=[need.pk]) in page and "Not matched yet" in page
    # The school's head sees the need but neither the form nor the brokerage link.
    page = client_as("headteacher").get(url).content.decode()
    assert "Early reading" in page and "Raise a need with brokerage" not in page
    assert reverse("brokerage:need_detail", args=[need.pk]) not in page
    # The statement of action document lists it.
    assert client_as("adviser").get(reverse("journeys:statement_pdf", args=[delivery.pk])).status_code == 200


def test_the_api_lists_and_raises_a_journeys_needs_under_the_same_permissions(client_as, world, delivery):
    url = reverse("api:journey_needs", args=[delivery.pk])
    client = client_as("adviser")
    created = client.post(url, {"area": "early_reading", "days": 2, "priority": 3}, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["days"] == 2 and created.json()["status"] == "open" and created.json()["matched"] == 0
    assert [n["id"] for n in client.get(url).json()] == [created.json()["id"]]
    detail = client.get(reverse("api:journey_detail", args=[delivery.pk])).json()
    assert [n["id"] for n in detail["needs"]] == [created.json()["id"]] and "support" in detail
    assert client_as("system_leader").post(url, {"area": "send", "days": 1},
                                           content_type="application/json").status_code == 404  # not theirs
    head = client_as("headteacher")
    assert head.get(url).status_code == 200
    assert head.post(url, {"area": "send", "days": 1}, content_type="application/json").status_code == 403


def test_the_watchlist_reads_no_large_decision_json(world):
    from .test_category import signed_off

    signed_off(world, world.a1, "intensive", "Intensive", opens=True)
    [row] = selectors.schools_awaiting_journey(world.user("adviser"))
    assert {"proposal", "frozen"} <= row["decision"].get_deferred_fields()
    assert row["category"] == "Intensive"
    adviser = world.user("adviser")
    journey = services.journey_open(actor=adviser, school=world.a1, owner=adviser, category_decision=row["decision"])
    assert journey.opened_because == "category" and journey.category_label == "Intensive"
