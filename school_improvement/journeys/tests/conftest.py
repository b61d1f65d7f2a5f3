"""Journeys across the test world: a1's journey owned by its link adviser, with the system
leader's support in the package; helpers that walk a journey to a stage through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from school_improvement.evidence.models import Measure
from school_improvement.journeys import services
from school_improvement.journeys.models import Journey
from school_improvement.register.models import SupportAssignment


def open_a1(world, **extra) -> Journey:
    return services.journey_open(actor=world.user("adviser"), school=world.a1, owner=world.user("adviser"),
                                 reason="Results fell sharply and the head is new.", **extra)


def to_statement(world, journey: Journey) -> Journey:
    adviser = world.user("adviser")
    services.priority_add(actor=adviser, journey=journey, area="achievement",
                          description="Reading at the end of key stage 2.")
    return services.journey_move(actor=adviser, journey=journey, move="finish_diagnosis")


def complete_statement(world, journey: Journey) -> Journey:
    adviser = world.user("adviser")
    services.objective_add(actor=adviser, journey=journey, title="Raise attendance",
                           success_criteria="Attendance above 94% this year.", measure="attendance.overall_pct",
                           comparison=">", threshold="94")
    services.exit_criterion_add(actor=adviser, journey=journey, text="Attendance above 94%",
                                measure="attendance.overall_pct", comparison=">", threshold="94")
    return services.schedule_set(actor=adviser, journey=journey, review_every_weeks=6,
                                 first_review_on=timezone.localdate() + dt.timedelta(days=42), clock_months=12)


def to_delivery(world, journey: Journey) -> Journey:
    journey = complete_statement(world, to_statement(world, journey))
    journey = services.journey_move(actor=world.user("adviser"), journey=journey, move="submit_statement")
    return services.journey_move(actor=world.user("head_of_service"), journey=journey, move="ratify")


def set_absence(urn: int, value: str, year: int = 2019) -> Measure:
    return Measure.objects.update_or_create(
        urn=urn, year=year, measure="absence.overall_pct", source_kind="absence",
        defaults={"value": Decimal(value), "status": "ok", "source_file": "test.csv"})[0]


@pytest.fixture
def journey(world) -> Journey:
    return open_a1(world)


@pytest.fixture
def delivery(world) -> Journey:
    return to_delivery(world, open_a1(world))


@pytest.fixture
def support(world) -> SupportAssignment:
    return SupportAssignment.objects.get(establishment=world.a1)
