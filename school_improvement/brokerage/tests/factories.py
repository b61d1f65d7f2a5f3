"""Providers, needs, matches and claims for tests (including the permission matrix)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from school_improvement.brokerage.models import Match, Need, Provider, SupportClaim
from school_improvement.evidence.models import Inspection
from school_improvement.register.models import Establishment, SupportAssignment
from school_improvement.testing.world import make_school, make_user


def make_provider(council: Any, *, name: str = "Early Reading SLE", user: Any = None, school: Any = None,
                  easting: int = 450000, northing: int = 120000, expertise: dict | None = None,
                  days: int = 4, phases: tuple[str, ...] = ("primary",), kind: str = "SLE") -> Provider:
    return Provider.objects.create(
        council=council, name=name, kind=kind, user=user, school=school,
        easting=None if school else easting, northing=None if school else northing,
        phases=list(phases), expertise=expertise or {"early_reading": 0.9, "leadership": 0.5},
        autumn_days=days, spring_days=days, summer_days=days)


def make_need(council: Any, school: Any, *, area: str = "early_reading", days: int = 4, priority: int = 2) -> Need:
    return Need.objects.create(council=council, school=school, area=area, days=days, priority=priority)


def make_match(council: Any, school: Any, *, status: str = "proposed", provider: Any = None) -> Match:
    need = make_need(council, school)
    provider = provider or make_provider(council, name=f"Provider for {school.name}")
    return Match.objects.create(council=council, need=need, provider=provider, days=2, status=status, fit=0.9,
                                distance_km=3.0, reasons=["Strong expertise in early reading."])


def make_assignment(council: Any, school: Any, provider_user: Any, days: Decimal = Decimal("4")) -> SupportAssignment:
    return SupportAssignment.objects.create(council=council, provider=provider_user, establishment=school,
                                            purpose="Early reading", days=days)


def make_claim(council: Any, school: Any, provider_user: Any) -> SupportClaim:
    assignment = make_assignment(council, school, provider_user)
    return SupportClaim.objects.create(council=council, assignment=assignment, claimed_by=provider_user,
                                       delivered_on=timezone.localdate() - dt.timedelta(days=2), days=Decimal("1"),
                                       summary="Phonics training for Year 1 staff.")


def build_places(world: Any) -> SimpleNamespace:
    """The map described in conftest.py."""
    Establishment.objects.filter(pk=world.a1.pk).update(easting=450000, northing=120000)
    Establishment.objects.filter(pk=world.a2.pk).update(easting=455000, northing=121000)
    Establishment.objects.filter(pk=world.a3.pk).update(easting=451000, northing=119000)
    weak_school = make_school(990020, "Delta Primary School", world.a1.la, easting=452000, northing=118000)
    Inspection.objects.create(urn=weak_school.pk, urn_at_inspection=weak_school.pk, era="eif_graded",
                              inspection_date=dt.date(2025, 3, 1), overall="Inadequate", category_of_concern="SM",
                              source_file="test")
    strong_school = make_school(990021, "Epsilon Primary School", world.a1.la, easting=453000, northing=120000,
                                ofsted_rating="Outstanding")
    Inspection.objects.create(urn=strong_school.pk, urn_at_inspection=strong_school.pk, era="eif_graded",
                              inspection_date=dt.date(2024, 5, 1), overall="Outstanding",
                              judgements={"quality_of_education": "Outstanding",
                                          "leadership_and_management": "Outstanding"}, source_file="test")
    for school in (world.a1, world.a2, world.a3):
        school.refresh_from_db()
    council = world.council_a
    expertise = {"early_reading": 0.9, "leadership": 0.6}
    leader = make_user(council, "near_leader", "system_leader")
    near = Provider.objects.create(council=council, name="Near SLE", kind="SLE", user=leader,
                                   school=strong_school, phases=["primary"], expertise=expertise,
                                   autumn_days=2, spring_days=2, summer_days=2)
    far = Provider.objects.create(council=council, name="Far NLE", kind="NLE", easting=510000, northing=120000,
                                  phases=["primary"], expertise={"early_reading": 1.0, "leadership": 1.0},
                                  autumn_days=5, spring_days=5, summer_days=5)
    trust = Provider.objects.create(council=council, name="Gamma head", kind="LLE", school=world.a3,
                                    user=world.user("associate_adviser"), phases=["primary"],
                                    expertise={"early_reading": 1.0, "leadership": 0.8},
                                    autumn_days=3, spring_days=3, summer_days=3)
    weak = Provider.objects.create(council=council, name="Delta consultant", kind="consultant", school=weak_school,
                                   phases=["primary"], expertise={"early_reading": 1.0},
                                   autumn_days=5, spring_days=5, summer_days=5)
    return SimpleNamespace(leader=leader, near=near, far=far, trust=trust, weak=weak, weak_school=weak_school,
                           strong_school=strong_school)
