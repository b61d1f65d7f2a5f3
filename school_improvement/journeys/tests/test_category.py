"""Journeys opened by an agreed category whose policy opens one; exit back to the lowest-support category."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from school_improvement.journeys import selectors, services

from .conftest import set_absence, to_delivery

POLICY = Path(__file__).resolve().parents[3] / "policies" / "default_council.yaml"


def signed_off(world, school, category: str, label: str, opens: bool):
    from school_improvement.categorisation.models import Decision, Policy, PolicyVersion, Round

    policy = Policy.objects.get_or_create(council=world.council_a, name="Default council categorisation")[0]
    version = PolicyVersion.objects.get_or_create(
        council=world.council_a, policy=policy, version="2025.1",
        defaults={"yaml": POLICY.read_text(), "effective_from": dt.date(2025, 11, 10), "status": "published"})[0]
    round_ = Round.objects.get_or_create(council=world.council_a, name="Autumn round", as_at=dt.date(2026, 1, 1),
                                         policy_version=version)[0]
    return Decision.objects.create(
        council=world.council_a, round=round_, school=school, state="signed_off", route="rules",
        proposed_category=category, category=category, signed_off_at=timezone.now(),
        proposal={"council_restricted": {"triggers": [{"label": "Attendance", "text": "Overall absence 8.1%"}]}},
        frozen={"category": category, "category_label": label,
                "entitlement": {"adviser_days": 12, "visits_per_year": 6, "opens_journey": opens},
                "proposal": {"council_restricted": {"triggers": [{"label": "Attendance",
                                                                  "text": "Overall absence 8.1% (2018-19)"}]},
                             "headteacher": {"triggers": [{"label": "Attendance", "text": "Attendance is low"}]}}})


def test_a_category_that_opens_a_journey_is_listed_and_opens_one_without_another_reason(client_as, world):
    decision = signed_off(world, world.a1, "intensive", "Intensive", opens=True)
    signed_off(world, world.a2, "universal", "Universal", opens=False)
    adviser = world.user("adviser")
    awaiting = selectors.schools_awaiting_journey(adviser)
    assert [row["school"] for row in awaiting] == [world.a1]
    home = client_as("adviser").get(reverse("core:home")).content.decode()
    assert "schools whose category opens a journey" in home
    journey = services.journey_open(actor=adviser, school=world.a1, owner=adviser, category_decision=decision)
    assert journey.opened_because == "category" and journey.category_label == "Intensive"
    assert "Intensive, opens an improvement journey" in journey.opened_reason
    assert selectors.schools_awaiting_journey(adviser) == []
    # The diagnosis shows the category and the triggers the reader may see.
    page = client_as("adviser").get(reverse("journeys:diagnosis", args=[journey.pk])).content.decode()
    assert "Overall absence 8.1% (2018-19)" in page
    page = client_as("headteacher").get(reverse("journeys:diagnosis", args=[journey.pk])).content.decode()
    assert "Attendance is low" in page and "Overall absence 8.1%" not in page


def test_a_decision_whose_category_does_not_open_a_journey_cannot_be_used_as_the_reason(world):
    decision = signed_off(world, world.a1, "universal", "Universal", opens=False)
    with pytest.raises(ValidationError, match="does not open"):
        services.journey_open(actor=world.user("adviser"), school=world.a1, owner=world.user("adviser"),
                              category_decision=decision)


def test_on_exit_the_school_returns_to_the_policys_lowest_support_category(world):
    signed_off(world, world.a1, "intensive", "Intensive", opens=True)
    from .conftest import open_a1

    journey = to_delivery(world, open_a1(world))
    set_absence(world.a1.urn, "3.0")
    journey = services.journey_move(actor=world.user("adviser"), journey=journey, move="exit", reason="Met")
    assert (journey.exit_category, journey.exit_category_label) == ("universal", "Universal")
    assert journey.exit_report["category_on_exit"] == "Universal"
