"""The services: opening, moves with gates and skips, history rows, read-only states, exit against data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from school_improvement.core.models import AuditEvent
from school_improvement.journeys import selectors, services
from school_improvement.journeys.models import HistoryImmutable, Journey, JourneyEvent

from .conftest import complete_statement, open_a1, set_absence, to_delivery, to_statement


def test_an_adviser_opens_a_journey_by_decision_with_a_reason_and_it_is_recorded(world, mailoutbox,
                                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        journey = open_a1(world)
    assert journey.stage == "diagnosis" and journey.status == "open" and journey.school_kind == "maintained"
    event = journey.events.get()
    assert event.action == "open" and event.actor == world.user("adviser") and "Results fell" in event.reason
    assert AuditEvent.objects.filter(object_type="journeys.journey", object_id=str(journey.pk)).exists()
    # The school's head and chair are told (the owner opened it, so is not).
    assert {m.to[0] for m in mailoutbox} == {"headteacher@example.test", "chair_of_governors@example.test"}


def test_opening_needs_a_reason_an_owner_of_the_right_kind_and_no_live_journey(world):
    adviser = world.user("adviser")
    with pytest.raises(ValidationError, match="reason"):
        services.journey_open(actor=adviser, school=world.a1, owner=adviser, reason=" ")
    with pytest.raises(ValidationError, match="advisers or system leaders"):
        services.journey_open(actor=adviser, school=world.a1, owner=world.user("headteacher"), reason="x")
    open_a1(world)
    with pytest.raises(ValidationError, match="already has"):
        open_a1(world)
    # A system leader may own one (Wigan's consortium lead); an adviser cannot open outside their portfolio.
    services.journey_open(actor=world.user("head_of_service"), school=world.a2, owner=world.user("system_leader"),
                          reason="Consortium lead to run it")
    with pytest.raises(PermissionDenied):
        services.journey_open(actor=adviser, school=world.a3, owner=adviser, reason="x")
    with pytest.raises(PermissionDenied):
        services.journey_open(actor=world.user("headteacher"), school=world.a1, owner=adviser, reason="x")


def test_a_gate_blocks_a_move_until_met_and_only_the_head_of_service_skips_it_with_a_reason(world, journey):
    adviser, hos = world.user("adviser"), world.user("head_of_service")
    with pytest.raises(ValidationError, match="priority"):
        services.journey_move(actor=adviser, journey=journey, move="finish_diagnosis")
    with pytest.raises(ValidationError, match="Only the head of service"):
        services.journey_move(actor=adviser, journey=journey, move="finish_diagnosis", skip=True, reason="urgent")
    journey = services.journey_move(actor=hos, journey=journey, move="finish_diagnosis", skip=True,
                                    reason="The inspection report is the diagnosis")
    event = journey.events.last()
    assert event.skipped_gates == ["priorities_recorded"] and event.actor == hos and event.reason
    assert journey.stage == "statement"


def test_the_statement_needs_objectives_exit_criteria_schedule_and_clock_before_ratification(world, journey):
    journey = to_statement(world, journey)
    with pytest.raises(ValidationError, match="Not yet"):
        services.journey_move(actor=world.user("adviser"), journey=journey, move="submit_statement")
    journey = complete_statement(world, journey)
    journey = services.journey_move(actor=world.user("adviser"), journey=journey, move="submit_statement")
    assert journey.stage == "ratification"
    with pytest.raises(PermissionDenied):  # the adviser cannot ratify as head of service
        services.journey_move(actor=world.user("adviser"), journey=journey, move="ratify")
    journey = services.journey_move(actor=world.user("head_of_service"), journey=journey, move="ratify")
    assert journey.stage == "delivery" and journey.ratified_as == "head_of_service"
    assert journey.decision_due == services.add_months(timezone.localdate(), 12)
    assert journey.next_review_due == journey.first_review_on


def test_an_improvement_board_ratifies_through_a_recorded_meeting(world, journey):
    journey = complete_statement(world, to_statement(world, journey))
    adviser = world.user("adviser")
    journey = services.journey_move(actor=adviser, journey=journey, move="submit_statement")
    meeting = services.meeting_record(actor=adviser, journey=journey, held_on=timezone.localdate(),
                                      attendees="Chair of the board\nHeadteacher", minutes="The board ratified it.")
    with pytest.raises(ValidationError, match="meeting"):
        services.journey_move(actor=adviser, journey=journey, move="ratify",
                              extra=services.MoveExtra(ratified_as="board"))
    journey = services.journey_move(actor=adviser, journey=journey, move="ratify",
                                    extra=services.MoveExtra(ratified_as="board", meeting=meeting))
    assert journey.ratified_as == "board" and journey.ratified_meeting == meeting


def test_paused_and_closed_journeys_are_read_only(world, delivery):
    adviser = world.user("adviser")
    journey = services.journey_move(actor=adviser, journey=delivery, move="pause", reason="Head on long-term leave")
    for call in (
        lambda: services.review_start(actor=adviser, journey=journey, held_on=timezone.localdate()),
        lambda: services.meeting_record(actor=adviser, journey=journey, held_on=timezone.localdate(),
                                        attendees="a", minutes="b"),
        lambda: services.journey_move(actor=adviser, journey=journey, move="escalate", reason="x"),
    ):
        with pytest.raises(ValidationError):
            call()
    journey = services.journey_move(actor=adviser, journey=journey, move="resume", reason="Head back")
    journey = services.journey_move(actor=world.user("head_of_service"), journey=journey, move="close",
                                    reason="The school closed")
    assert journey.status == "closed"
    with pytest.raises(ValidationError):
        services.journey_move(actor=world.user("head_of_service"), journey=journey, move="resume", reason="x")


def test_history_is_never_rewritten(world, journey):
    event = journey.events.get()
    event.reason = "rewritten"
    with pytest.raises(HistoryImmutable):
        event.save()
    with pytest.raises(HistoryImmutable):
        event.delete()
    with pytest.raises(HistoryImmutable):
        JourneyEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(HistoryImmutable):
        JourneyEvent.objects.all().delete()


def test_exit_is_checked_against_the_data_and_the_exit_report_is_frozen(world, delivery):
    adviser = world.user("adviser")
    with pytest.raises(ValidationError, match="exit criterion"):  # no data yet
        services.journey_move(actor=adviser, journey=delivery, move="exit", reason="Done")
    set_absence(world.a1.urn, "7.1")  # attendance 92.9%: not met
    assert not selectors.statement(delivery).exit_ready
    set_absence(world.a1.urn, "4.5", year=2020)  # attendance 95.5% in the latest year: met
    row = selectors.statement(delivery).exit_criteria[0]
    assert row.met and "95.5%" in row.check.text and "2019-20" in row.check.text
    journey = services.journey_move(actor=adviser, journey=delivery, move="exit", reason="Criteria met")
    assert journey.stage == "exited" and journey.status == "closed"
    assert journey.exit_report["criteria"][0]["met"] is True
    assert journey.events.last().action == "exit"


def test_on_exit_the_school_returns_to_the_lowest_support_category_as_an_agreed_decision(world, delivery):
    from school_improvement.categorisation.models import Decision, Round
    from school_improvement.categorisation.services import latest_final
    from school_improvement.categorisation.tests.conftest import publish_default
    from school_improvement.visits import entitlements

    version = publish_default(world)
    hos = world.user("head_of_service")
    round_ = Round.objects.create(council=world.council_a, name="Autumn", as_at=dt.date(2026, 9, 1),
                                  policy_version=version)
    Decision.objects.create(council=world.council_a, round=round_, school=world.a1, state="signed_off",
                            route="rules", category="intensive", adviser_days=Decimal("12"),
                            visits_per_year=Decimal("6"), signed_off_by=hos, signed_off_at=timezone.now())
    assert entitlements.entitlement_for(world.council_a, world.a1).category_id == "intensive"
    set_absence(world.a1.urn, "4.5", year=2020)
    journey = services.journey_move(actor=hos, journey=delivery, move="exit", reason="Criteria met")
    lowest, label = services.lowest_support_category(journey)
    decision = latest_final(world.council_a, [world.a1.pk])[world.a1.pk]
    assert decision.pk == journey.exit_report["category_decision"] and decision.category == lowest != "intensive"
    assert decision.round.scope == Round.Scope.JOURNEY_EXIT and decision.frozen["previous_category"] == "intensive"
    assert decision.events.get().action == "journey_exit"
    got = entitlements.entitlement_for(world.council_a, world.a1)
    assert (got.category_id, got.category, got.priority) == (lowest, label, False)


def test_a_criterion_the_data_cannot_check_is_judged_by_a_person_with_evidence(world, delivery):
    adviser = world.user("adviser")
    criterion = services.exit_criterion_add  # statement is ratified: criteria are fixed
    with pytest.raises(ValidationError):
        criterion(actor=adviser, journey=delivery, text="Governance strong")
    measured = delivery.exit_criteria.get()
    with pytest.raises(ValidationError, match="checked against the data"):
        services.exit_criterion_judge(actor=adviser, criterion=measured, met=True, note="x")


def test_support_tapers_with_each_change_recorded(world, delivery, support):
    adviser = world.user("adviser")
    link = services.support_link(actor=adviser, journey=delivery, assignment=support)
    services.support_taper(actor=adviser, link=link, intensity="reduced", note="Leaders now run the reading plan")
    services.support_taper(actor=adviser, link=link, intensity="light", note="Autonomy growing")
    tapers = delivery.events.filter(action="support_tapered")
    assert [e.detail["to"] for e in tapers] == ["reduced", "light"]


def test_the_clock_is_extended_only_by_the_head_of_service_to_a_later_date(world, delivery):
    with pytest.raises(PermissionDenied):
        services.journey_move(actor=world.user("adviser"), journey=delivery, move="extend_clock", reason="x",
                              extra=services.MoveExtra(until=delivery.decision_due + dt.timedelta(days=90)))
    hos = world.user("head_of_service")
    with pytest.raises(ValidationError, match="later"):
        services.journey_move(actor=hos, journey=delivery, move="extend_clock", reason="x",
                              extra=services.MoveExtra(until=delivery.decision_due))
    journey = services.journey_move(actor=hos, journey=delivery, move="extend_clock", reason="One more term",
                                    extra=services.MoveExtra(until=delivery.decision_due + dt.timedelta(days=90)))
    assert journey.events.last().detail["to"] == journey.decision_due.isoformat()


def test_actions_go_only_to_people_who_may_see_the_journey(world, delivery):
    adviser = world.user("adviser")
    with pytest.raises(ValidationError, match="may see"):
        services.action_add(actor=adviser, journey=delivery, description="x", owner=world.user("trust_leader"),
                            due_on=timezone.localdate())
    action = services.action_add(actor=adviser, journey=delivery, description="Publish the reading plan",
                                 owner=world.user("headteacher"), due_on=timezone.localdate())
    head = world.user("headteacher")
    action = services.action_update(actor=head, action=action, version=1, state="done", progress="Published")
    assert action.state == "done" and action.version == 2
    with pytest.raises(PermissionDenied):
        services.action_update(actor=world.user("chair_of_governors"), action=action, version=2, state="open",
                               progress="")


def test_journey_kinds(world):
    assert services.school_kind(world.a3) == Journey.SchoolKind.ACADEMY
    assert services.school_kind(world.a1) == Journey.SchoolKind.MAINTAINED
    assert services.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert services.add_months(dt.date(2026, 11, 15), 14) == dt.date(2028, 1, 15)


def test_delivery_fixture_reaches_delivery(world):
    journey = to_delivery(world, open_a1(world))
    assert [e.action for e in journey.events.all()] == [
        "open", "finish_diagnosis", "submit_statement", "ratify"]
