"""Conflicts of interest and the pruned model: the same rules, one pair or all at once."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engines.matching import MatchingError, Need, Provider, Settings, capacity_left, conflicts
from engines.matching.eligibility import eligible_arcs
from engines.matching.tests.strategies import instances, random_instances


def need(**kw) -> Need:
    base = {
        "id": "n1",
        "school_urn": 100,
        "area": "early_reading",
        "phase": "primary",
        "days": 3,
        "priority": 2,
        "easting": 400_000.0,
        "northing": 200_000.0,
    }
    return Need(**{**base, **kw})


def provider(**kw) -> Provider:
    base = {
        "id": "p1",
        "kind": "LLE",
        "expertise": {"early_reading": 0.9},
        "phases": frozenset({"primary"}),
        "days_available": 5,
        "easting": 410_000.0,
        "northing": 200_000.0,
        "own_school_urn": 200,
    }
    return Provider(**{**base, **kw})


def test_a_clean_pair_has_no_conflict():
    assert conflicts(need(), provider(), Settings()) == []


@pytest.mark.parametrize(
    ("need_kw", "provider_kw", "settings", "reason"),
    [
        ({}, {"own_school_urn": 100}, Settings(), "own school is the school needing support"),
        ({}, {"declared_conflicts": frozenset({100})}, Settings(), "declared a conflict"),
        ({"trust_uid": "T1"}, {"trust_uid": "T1"}, Settings(), "same trust"),
        ({"federation_uid": "F1"}, {"federation_uid": "F1"}, Settings(), "same federation"),
        ({}, {"quality_ok": False}, Settings(), "category of concern"),
        ({"phase": "secondary"}, {}, Settings(), "does not work in the secondary phase"),
        ({}, {"expertise": {"maths": 1.0}}, Settings(), "no expertise in early reading"),
        ({}, {"expertise": {"early_reading": 0.0}}, Settings(), "no expertise in early reading"),
        ({}, {"easting": 450_000.0}, Settings(), "50.0 km away, beyond the council's limit of 40"),
        ({}, {}, Settings(rejected=frozenset({("n1", "p1")})), "An officer rejected"),
        ({}, {}, Settings(rules=(lambda n, p: "Not across the county line.",)), "county line"),
    ],
)
def test_each_conflict_is_named_in_plain_english(need_kw, provider_kw, settings, reason):
    found = conflicts(need(**need_kw), provider(**provider_kw), settings)
    assert len(found) == 1
    assert reason in found[0]


def test_same_trust_can_be_allowed_by_the_council_but_never_same_federation():
    n = need(trust_uid="T1", federation_uid="F1")
    p = provider(trust_uid="T1", federation_uid="F1")
    found = conflicts(n, p, Settings(same_trust_allowed=True))
    assert len(found) == 1 and "federation" in found[0]


def test_the_distance_limit_is_inclusive():
    n, p = need(easting=0.0, northing=0.0), provider(easting=30_000.0, northing=40_000.0)
    assert conflicts(n, p, Settings(max_distance_km=50)) == []
    assert conflicts(n, p, Settings(max_distance_km=49.999)) != []


def test_capacity_left_deducts_locked_days():
    s = Settings(locked=(("n1", "p1", 2), ("n9", "p1", 1)))
    assert capacity_left(provider(), s) == 2


@pytest.mark.parametrize(
    "bad",
    [
        lambda: need(days=-1),
        lambda: need(days=1.5),
        lambda: need(priority=0),
        lambda: need(easting=float("nan")),
        lambda: provider(kind="guru"),
        lambda: provider(expertise={"maths": 1.2}),
        lambda: provider(days_available=-2),
        lambda: Settings(max_distance_km=-1),
    ],
)
def test_bad_values_are_refused(bad):
    with pytest.raises(MatchingError):
        bad()


@given(
    case=st.one_of(
        instances(max_needs=12, max_providers=8, max_days=4),
        random_instances(max_needs=25, max_providers=12, max_days=4),
    )
)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_pruned_model_holds_exactly_the_pairs_without_conflict(case):
    ns, ps, s = case
    capacity = np.array([p.days_available for p in ps], dtype=np.int64)
    arcs = eligible_arcs(ns, ps, s, capacity)
    built = set(zip(arcs.need.tolist(), arcs.provider.tolist(), strict=True))
    expected = {
        (i, j)
        for i, n in enumerate(ns)
        for j, p in enumerate(ps)
        if p.days_available > 0 and not conflicts(n, p, s)
    }
    assert built == expected
    for k, (i, j) in enumerate(zip(arcs.need, arcs.provider, strict=True)):
        assert arcs.fit[k] == ps[j].fit(ns[i].area)
