"""Whole-council plans: rules never broken, exact lexicographic optimum, deterministic."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engines.matching.plan as plan_module
from engines.matching import (
    MatchingError,
    Need,
    Plan,
    Provider,
    Settings,
    conflicts,
    distance_m,
    greedy_plan,
    optimal_plan,
)
from engines.matching.tests.strategies import (
    TERM_NAMES,
    YEAR,
    allowed_terms,
    brute_force_key,
    instances,
    plan_key,
    random_instances,
    term_caps,
)

PLANNERS = [optimal_plan, greedy_plan]


def need(
    id: str = "n1",
    *,
    days: int = 2,
    priority: int = 1,
    area: str = "maths",
    e: float = 0.0,
    n: float = 0.0,
    urn: int = 1,
    **kw,
) -> Need:
    return Need(
        id=id,
        school_urn=urn,
        area=area,
        phase="primary",
        days=days,
        priority=priority,
        easting=e,
        northing=n,
        **kw,
    )


def provider(
    id: str = "p1",
    *,
    days: int = 2,
    fit: float = 0.8,
    area: str = "maths",
    e: float = 0.0,
    n: float = 0.0,
    **kw,
) -> Provider:
    return Provider(
        id=id,
        kind="SLE",
        expertise={area: fit},
        phases=frozenset({"primary"}),
        days_available=days,
        easting=e,
        northing=n,
        **kw,
    )


def check_rules(plan: Plan, ns: list[Need], ps: list[Provider], s: Settings) -> None:
    """Every rule, every time: no conflict (incl. distance, rejection), capacity, locks, and
    the days by term (see ``check_terms``)."""
    check_terms(plan, ns, ps, s)
    need_by_id = {x.id: x for x in ns}
    prov_by_id = {x.id: x for x in ps}
    used: dict[object, int] = defaultdict(int)
    met: dict[object, int] = defaultdict(int)
    pair_days: dict[tuple[object, object], int] = defaultdict(int)
    for a in plan.assignments:
        n, p = need_by_id[a.need_id], prov_by_id[a.provider_id]
        assert a.days >= 1
        assert conflicts(n, p, s) == [], (a, conflicts(n, p, s))
        assert (a.need_id, a.provider_id) not in s.rejected
        assert distance_m(n, p) <= s.max_distance_km * 1000
        used[p.id] += a.days
        met[n.id] += a.days
        pair_days[(n.id, p.id)] += a.days
    for p in ps:
        assert used[p.id] <= p.days_available
    for n in ns:
        assert met[n.id] + plan.unmet.get(n.id, 0) == n.days
    locked: dict[tuple[object, object], int] = defaultdict(int)
    for need_id, prov_id, days in s.locked:
        locked[(need_id, prov_id)] += days
    for pair, days in locked.items():
        assert pair_days[pair] >= days


def check_terms(plan: Plan, ns: list[Need], ps: list[Provider], s: Settings) -> None:
    """Each match's days are split by term in full; no provider is over its days in any term;
    no day falls in a term outside its need's window."""
    assert s.year == YEAR
    need_by_id = {x.id: x for x in ns}
    used: dict[tuple[object, str], int] = defaultdict(int)
    assert set(plan.by_term) == {(a.need_id, a.provider_id) for a in plan.assignments}
    for a in plan.assignments:
        split = plan.by_term[(a.need_id, a.provider_id)]
        assert sum(split.values()) == a.days
        assert all(days >= 1 for days in split.values())
        window = {TERM_NAMES[k] for k in allowed_terms(need_by_id[a.need_id].window)}
        assert set(split) <= window, (a, split, need_by_id[a.need_id].window)
        for term, days in split.items():
            used[(a.provider_id, term)] += days
    for p in ps:
        for term, cap in zip(TERM_NAMES, term_caps(p), strict=True):
            assert used[(p.id, term)] <= cap, (p, term, used[(p.id, term)])


@pytest.mark.parametrize("planner", PLANNERS)
@given(
    case=st.one_of(
        instances(max_needs=12, max_providers=8, max_days=6),
        random_instances(max_needs=30, max_providers=12, max_days=8),
    )
)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_plans_never_break_a_rule(planner, case):
    ns, ps, s = case
    check_rules(planner(ns, ps, s), ns, ps, s)


@given(
    case=st.one_of(
        instances(max_needs=4, max_providers=3, max_days=3),
        random_instances(max_needs=4, max_providers=3, max_days=3),
    )
)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_optimal_plan_equals_brute_force_on_small_instances(case):
    """The brute force respects each term's days and each need's window too."""
    ns, ps, s = case
    assert plan_key(optimal_plan(ns, ps, s), ns, ps) == brute_force_key(ns, ps, s)


@given(case=random_instances(max_needs=30, max_providers=12, max_days=8))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_optimal_plan_is_never_lexicographically_worse_than_greedy(case):
    ns, ps, s = case
    assert plan_key(optimal_plan(ns, ps, s), ns, ps) >= plan_key(greedy_plan(ns, ps, s), ns, ps)


@pytest.mark.parametrize("planner", PLANNERS)
@given(case=random_instances(max_needs=20, max_providers=8, max_days=5), seed=st.integers(0, 1000))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_plans_do_not_depend_on_input_order(planner, case, seed):
    ns, ps, s = case
    shuffled_n, shuffled_p = ns[:], ps[:]
    random.Random(seed).shuffle(shuffled_n)
    random.Random(seed + 1).shuffle(shuffled_p)
    first, second = planner(ns, ps, s), planner(shuffled_n, shuffled_p, s)
    assert first.assignments == second.assignments
    assert first.unmet == second.unmet


def test_priority_wins_over_fit_and_fit_wins_over_travel():
    ns = [need("urgent", days=2, priority=3), need("routine", days=2, priority=1, urn=2)]
    ps = [provider("near_weak", days=2, fit=0.3), provider("far_strong", days=2, fit=0.9, e=30_000)]
    plan = optimal_plan(ns, ps)
    # Both needs are met either way; the urgent one gets the better fit although it is far.
    assert plan.unmet == {}
    assert {(a.need_id, a.provider_id, a.days) for a in plan.assignments} == {
        ("routine", "near_weak", 2),
        ("urgent", "far_strong", 2),
    }
    # With one provider, the urgent need takes it even though the other would fit better.
    short = optimal_plan(ns, [provider("only", days=2, fit=0.9)])
    assert short.unmet == {"routine": 2}
    assert short.objective.met_priority_days == 6


def test_equal_fit_goes_to_the_nearer_provider():
    plan = optimal_plan(
        [need(days=1)], [provider("far", fit=0.7, e=20_000), provider("near", fit=0.7, e=5_000)]
    )
    assert [a.provider_id for a in plan.assignments] == ["near"]
    assert plan.objective.total_km == pytest.approx(5.0)


def test_a_need_is_split_across_providers_in_whole_days():
    plan = optimal_plan([need(days=5)], [provider("a", days=2), provider("b", days=2, e=1000)])
    assert sorted((a.provider_id, a.days) for a in plan.assignments) == [("a", 2), ("b", 2)]
    assert plan.unmet == {"n1": 1}


def test_locked_days_are_kept_and_counted_against_capacity():
    ns = [need("n1", days=2), need("n2", days=2, urn=2)]
    ps = [provider("p1", days=3, fit=0.9), provider("p2", days=2, fit=0.5)]
    plan = optimal_plan(ns, ps, Settings(locked=(("n1", "p2", 2),)))
    assert ("n1", "p2", 2) in plan.assignments
    assert ("n2", "p1", 2) in plan.assignments
    assert plan.unmet == {}


def test_rejected_pairs_are_never_used_even_when_nothing_else_fits():
    plan = optimal_plan([need()], [provider()], Settings(rejected=frozenset({("n1", "p1")})))
    assert plan.assignments == []
    assert plan.unmet == {"n1": 2}


@pytest.mark.parametrize(
    ("lock", "message"),
    [
        (("n1", "nobody", 1), "unknown"),
        (("n1", "p1", 0), "whole number"),
        (("n1", "p1", 3), "exceed the 2 days needed"),
        (("n1", "far", 1), "beyond the council's limit"),
    ],
)
def test_impossible_locks_are_refused(lock, message):
    ps = [provider("p1", days=5), provider("far", e=90_000)]
    with pytest.raises(MatchingError, match=message):
        optimal_plan([need()], ps, Settings(locked=(lock,)))


def test_a_lock_beyond_the_providers_days_is_refused():
    ns = [need("n1"), need("n2", urn=2)]
    with pytest.raises(MatchingError, match="provider's 2 days"):
        optimal_plan(ns, [provider()], Settings(locked=(("n1", "p1", 2), ("n2", "p1", 1))))


def test_repeated_ids_are_refused():
    with pytest.raises(MatchingError, match="repeated need id"):
        optimal_plan([need(), need()], [provider()])


def test_extra_council_rules_are_applied():
    def not_consultants(n: Need, p: Provider) -> str | None:
        return "The council does not use consultants." if p.kind == "consultant" else None

    ps = [
        Provider(
            id="c",
            kind="consultant",
            expertise={"maths": 1.0},
            phases=frozenset({"primary"}),
            days_available=5,
            easting=0,
            northing=0,
        ),
        provider("p1", fit=0.2, e=30_000),
    ]
    plan = optimal_plan([need()], ps, Settings(rules=(not_consultants,)))
    assert [a.provider_id for a in plan.assignments] == ["p1"]


def test_empty_inputs_give_an_empty_plan():
    plan = optimal_plan([], [])
    assert plan.assignments == [] and plan.unmet == {} and plan.objective.met_priority_days == 0


@given(case=random_instances(max_needs=4, max_providers=3, max_days=3))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_potentials_from_the_solver_give_the_same_optimum(case):
    """The fallback used when Bellman-Ford would take too many passes."""
    ns, ps, s = case
    with mock.patch.object(plan_module, "MAX_RELAX_PASSES", 0):
        assert plan_key(optimal_plan(ns, ps, s), ns, ps) == brute_force_key(ns, ps, s)


# --- days by term and needs' windows ------------------------------------------------------------

AUTUMN_ONLY = (dt.date(2025, 9, 1), dt.date(2025, 12, 31))
YEAR_2025 = Settings(year=2025)


@pytest.mark.parametrize("planner", PLANNERS)
@given(
    case=st.one_of(
        instances(max_needs=12, max_providers=8, max_days=6),
        random_instances(max_needs=30, max_providers=12, max_days=8),
    )
)
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_provider_is_over_its_days_in_any_term_nor_outside_a_window(planner, case):
    ns, ps, s = case
    check_terms(planner(ns, ps, s), ns, ps, s)


def test_a_need_uses_only_the_terms_of_its_window():
    ns = [need("autumn", days=4, priority=3, window=AUTUMN_ONLY)]
    ps = [provider("p1", days=6, term_days={"autumn": 1, "spring": 5})]
    plan = optimal_plan(ns, ps, YEAR_2025)
    assert plan.assignments == [("autumn", "p1", 1)]
    assert plan.by_term == {("autumn", "p1"): {"autumn": 1}}
    assert plan.unmet == {"autumn": 3}


def test_each_term_is_a_separate_capacity_and_windows_share_them_optimally():
    # The urgent need may use any term; the routine one only autumn. The plan puts the urgent
    # need in spring so that both are met.
    ns = [
        need("urgent", days=2, priority=3),
        need("routine", days=2, priority=1, urn=2, window=AUTUMN_ONLY),
    ]
    ps = [provider("p1", days=4, term_days={"autumn": 2, "spring": 2})]
    plan = optimal_plan(ns, ps, YEAR_2025)
    assert plan.unmet == {}
    assert plan.by_term == {("routine", "p1"): {"autumn": 2}, ("urgent", "p1"): {"spring": 2}}
    assert plan.days_by_term() == {"p1": {"autumn": 2, "spring": 2, "summer": 0}}
    assert [tuple(t) for t in plan.term_assignments] == [
        ("routine", "p1", "autumn", 2),
        ("urgent", "p1", "spring", 2),
    ]


def test_a_need_split_across_terms_and_the_years_total_binds():
    plan = optimal_plan(
        [need(days=5)],
        [provider("p1", days=4, term_days={"autumn": 2, "spring": 2, "summer": 2})],
        YEAR_2025,
    )
    assert plan.assignments == [("n1", "p1", 4)]
    assert sum(plan.by_term[("n1", "p1")].values()) == 4
    assert plan.unmet == {"n1": 1}


def test_no_window_is_any_term_of_the_year_and_a_window_outside_it_gets_nothing():
    ps = [provider("p1", days=3, term_days={"summer": 3})]
    open_ = optimal_plan([need(days=2)], ps, YEAR_2025)
    assert open_.by_term == {("n1", "p1"): {"summer": 2}}
    last_year = optimal_plan(
        [need(days=2, window=(dt.date(2025, 1, 1), dt.date(2025, 7, 1)))], ps, YEAR_2025
    )
    assert last_year.assignments == [] and last_year.unmet == {"n1": 2}
    open_ended = optimal_plan([need(days=2, window=(dt.date(2026, 5, 1), None))], ps, YEAR_2025)
    assert open_ended.by_term == {("n1", "p1"): {"summer": 2}}


def test_locked_days_are_placed_in_their_needs_window_terms():
    # The lock must sit in autumn (its need's window), leaving spring for the other need.
    ns = [need("locked", days=2, window=AUTUMN_ONLY), need("other", days=2, urn=2)]
    ps = [provider("p1", days=4, term_days={"autumn": 2, "spring": 2})]
    plan = optimal_plan(ns, ps, Settings(year=2025, locked=(("locked", "p1", 2),)))
    assert plan.by_term == {("locked", "p1"): {"autumn": 2}, ("other", "p1"): {"spring": 2}}
    assert plan.unmet == {}


def test_a_lock_beyond_the_days_of_its_windows_terms_is_refused():
    ps = [provider("p1", days=6, term_days={"autumn": 1, "spring": 5})]
    with pytest.raises(MatchingError, match=r"terms of the need's window \(autumn\)"):
        optimal_plan(
            [need(days=2, window=AUTUMN_ONLY)], ps, Settings(year=2025, locked=(("n1", "p1", 2),))
        )


def test_windows_are_read_against_the_settings_year():
    ns = [need(days=2, window=AUTUMN_ONLY)]
    ps = [provider("p1", days=2, term_days={"autumn": 2})]
    assert optimal_plan(ns, ps, Settings(year=2025)).unmet == {}
    assert optimal_plan(ns, ps, Settings(year=2026)).unmet == {"n1": 2}


@pytest.mark.parametrize("bad", [{"winter": 2}, {"autumn": -1}, {"spring": 1.5}])
def test_bad_term_days_are_refused(bad):
    with pytest.raises(MatchingError):
        provider(term_days=bad)


def test_a_window_ending_before_it_starts_is_refused():
    with pytest.raises(MatchingError, match="ends before it starts"):
        need(window=(dt.date(2026, 1, 2), dt.date(2026, 1, 1)))
