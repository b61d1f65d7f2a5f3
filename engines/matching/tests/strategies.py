"""Hypothesis strategies and a solver-free brute force for the matching tests."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from functools import cache

from hypothesis import strategies as st

from engines.matching import Need, Provider, Settings, conflicts, distance_m
from engines.matching.eligibility import fit_units, travel_metres
from engines.matching.model import Plan

#: The school year the tests plan (2025/26), and dates around its terms' edges.
YEAR = 2025
TERM_NAMES = ("autumn", "spring", "summer")
# Independent of the engine's terms module: (first, last) day of each term of YEAR.
TERM_SPANS = (
    (dt.date(2025, 9, 1), dt.date(2025, 12, 31)),
    (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    (dt.date(2026, 4, 1), dt.date(2026, 8, 31)),
)
DATES = (
    dt.date(2025, 6, 1),
    dt.date(2025, 8, 31),
    dt.date(2025, 9, 1),
    dt.date(2025, 11, 15),
    dt.date(2025, 12, 31),
    dt.date(2026, 1, 1),
    dt.date(2026, 2, 10),
    dt.date(2026, 3, 31),
    dt.date(2026, 4, 1),
    dt.date(2026, 6, 30),
    dt.date(2026, 8, 31),
    dt.date(2026, 9, 1),
)


def allowed_terms(window: tuple[dt.date | None, dt.date | None]) -> tuple[int, ...]:
    """Indexes of the terms of YEAR a window overlaps (no window: all)."""
    start, end = window
    return tuple(
        k
        for k, (first, last) in enumerate(TERM_SPANS)
        if (end is None or end >= first) and (start is None or start <= last)
    )


def term_caps(p: Provider) -> tuple[int, int, int]:
    """Days in each term: the year's total caps each; without a split, the total."""
    if p.term_days is None:
        return (p.days_available,) * 3
    return tuple(min(p.days_available, p.term_days.get(t, 0)) for t in TERM_NAMES)


def _window(pick: object) -> tuple[dt.date | None, dt.date | None]:
    """A window from a pick of two dates (or None for an open end), put in order."""
    a, b = pick
    if a is not None and b is not None and b < a:
        a, b = b, a
    return (a, b)


def _place(
    left: dict[object, list[int]], total: dict[object, int], p: Provider, n: Need, days: int
) -> bool:
    """Take ``days`` of ``p`` in ``n``'s window's terms, earliest first, if they are there."""
    terms = allowed_terms(n.window)
    if sum(left[p.id][k] for k in terms) < days or total[p.id] < days:
        return False
    total[p.id] -= days
    for k in terms:
        take = min(days, left[p.id][k])
        left[p.id][k] -= take
        days -= take
    return True


AREAS = ("maths", "send")
URNS = (100001, 100002, 100003, 100004)
TRUSTS = ("T1", "T2")
FEDERATIONS = ("F1", "F2")
FITS = (0.0, 0.25, 0.5, 0.5, 0.75, 0.75, 1.0)

coordinate = st.one_of(
    st.integers(0, 5).map(lambda k: k * 10_000.0),  # on a 10 km grid: equal distances, ties
    st.floats(0, 50_000, allow_nan=False, allow_infinity=False),
)


def _sometimes(draw: st.DrawFn, strategy: st.SearchStrategy, otherwise: object) -> object:
    """A value from ``strategy`` now and then (roughly one time in five), else ``otherwise``.

    Hypothesis leans towards simple values; this keeps conflicts common enough to test and
    rare enough that most instances still have something to match.
    """
    return draw(strategy) if draw(st.integers(0, 9)) in (3, 6) else otherwise


@st.composite
def needs(draw: st.DrawFn, max_needs: int, max_days: int) -> list[Need]:
    n = draw(st.integers(1, max_needs))
    return [
        Need(
            id=f"n{i}",
            school_urn=draw(st.sampled_from(URNS)),
            area=draw(st.sampled_from(AREAS)),
            phase=_sometimes(draw, st.just("secondary"), "primary"),
            days=_sometimes(draw, st.just(0), draw(st.integers(1, max_days))),
            priority=draw(st.integers(1, 3)),
            easting=draw(coordinate),
            northing=draw(coordinate),
            trust_uid=_sometimes(draw, st.sampled_from(TRUSTS), None),
            federation_uid=_sometimes(draw, st.sampled_from(FEDERATIONS), None),
            window=_window(
                draw(
                    st.one_of(
                        st.just((None, None)),
                        st.tuples(
                            st.none() | st.sampled_from(DATES), st.none() | st.sampled_from(DATES)
                        ),
                    )
                )
            ),
        )
        for i in range(n)
    ]


@st.composite
def providers(draw: st.DrawFn, max_providers: int, max_days: int) -> list[Provider]:
    n = draw(st.integers(1, max_providers))
    out = []
    for j in range(n):
        fit = st.one_of(st.sampled_from(FITS), st.floats(0, 1))
        expertise = {area: draw(fit) for area in AREAS}
        total = _sometimes(draw, st.just(0), draw(st.integers(1, max_days)))
        term_days = draw(
            st.one_of(
                st.none(),
                st.fixed_dictionaries({t: st.integers(0, max_days) for t in TERM_NAMES}),
                st.fixed_dictionaries(
                    {}, optional={t: st.integers(0, max_days) for t in TERM_NAMES}
                ),
            )
        )
        if term_days is not None and draw(st.booleans()):
            total = sum(term_days.values())  # the usual case: the year is the sum of its terms
        out.append(
            Provider(
                id=f"p{j}",
                kind=draw(st.sampled_from(("NLE", "SLE", "council_adviser", "strong_school"))),
                expertise=expertise,
                phases=_sometimes(
                    draw,
                    st.sampled_from(
                        (frozenset({"secondary"}), frozenset({"primary", "secondary"}))
                    ),
                    frozenset({"primary"}),
                ),
                days_available=total,
                term_days=term_days,
                easting=draw(coordinate),
                northing=draw(coordinate),
                own_school_urn=_sometimes(draw, st.sampled_from(URNS), None),
                trust_uid=_sometimes(draw, st.sampled_from(TRUSTS), None),
                federation_uid=_sometimes(draw, st.sampled_from(FEDERATIONS), None),
                declared_conflicts=_sometimes(
                    draw, st.frozensets(st.sampled_from(URNS), max_size=2), frozenset()
                ),
                quality_ok=_sometimes(draw, st.just(False), True),
            )
        )
    return out


@st.composite
def instances(
    draw: st.DrawFn, max_needs: int = 4, max_providers: int = 3, max_days: int = 3
) -> tuple[list[Need], list[Provider], Settings]:
    """Needs, providers and settings with some rejections and valid locks."""
    ns = draw(needs(max_needs, max_days))
    ps = draw(providers(max_providers, max_days))
    pairs = [(n.id, p.id) for n in ns for p in ps]
    rejected = frozenset(draw(st.lists(st.sampled_from(pairs), max_size=2)))
    base = Settings(
        max_distance_km=draw(st.sampled_from((20.0, 40.0, 40.0, 60.0))),
        same_trust_allowed=draw(st.booleans()),
        rejected=rejected,
        year=YEAR,
    )
    need_left = {n.id: n.days for n in ns}
    term_left = {p.id: list(term_caps(p)) for p in ps}
    prov_left = {p.id: p.days_available for p in ps}
    locks = []
    for n, p in draw(st.lists(st.tuples(st.sampled_from(ns), st.sampled_from(ps)), max_size=3)):
        room = min(need_left[n.id], prov_left[p.id])
        if room and not conflicts(n, p, base):
            days = draw(st.integers(1, room))
            if _place(term_left, prov_left, p, n, days):
                locks.append((n.id, p.id, days))
                need_left[n.id] -= days
    settings = Settings(
        max_distance_km=base.max_distance_km,
        same_trust_allowed=base.same_trust_allowed,
        rejected=rejected,
        locked=tuple(locks),
        year=YEAR,
    )
    return ns, ps, settings


@st.composite
def random_instances(
    draw: st.DrawFn, max_needs: int = 4, max_providers: int = 3, max_days: int = 3
) -> tuple[list[Need], list[Provider], Settings]:
    """Like ``instances``, but from a Hypothesis-seeded ``Random`` with set rates, so that
    most instances have several allowed pairs, shared providers and ties."""
    rnd = draw(st.randoms(use_true_random=True))

    def rare(value: object, otherwise: object, rate: float = 0.1) -> object:
        return value if rnd.random() < rate else otherwise

    def point() -> float:
        return rnd.choice((rnd.randrange(0, 5) * 10_000.0, rnd.uniform(0, 50_000)))

    ns = [
        Need(
            id=f"n{i}",
            school_urn=rnd.choice(URNS),
            area=rnd.choice(AREAS),
            phase=rare("secondary", "primary"),
            days=rare(0, rnd.randint(1, max_days)),
            priority=rnd.randint(1, 3),
            easting=point(),
            northing=point(),
            trust_uid=rare(rnd.choice(TRUSTS), None, 0.3),
            federation_uid=rare(rnd.choice(FEDERATIONS), None),
            window=rare(
                (None, None), _window((rnd.choice((None, *DATES)), rnd.choice((None, *DATES)))), 0.3
            ),
        )
        for i in range(rnd.randint(1, max_needs))
    ]

    def terms_and_total() -> tuple[dict[str, int] | None, int]:
        if rnd.random() < 0.15:
            return None, rare(0, rnd.randint(1, max_days))
        split = {
            t: rnd.randint(0, max(1, max_days // 2)) for t in TERM_NAMES if rnd.random() < 0.85
        }
        total = sum(split.values())
        return split, (rnd.randint(0, total) if total and rnd.random() < 0.2 else total)

    capacity = [terms_and_total() for _ in range(rnd.randint(1, max_providers))]
    ps = [
        Provider(
            id=f"p{j}",
            kind="SLE",
            expertise={a: rnd.choice((*FITS, rnd.random())) for a in AREAS},
            phases=rare(frozenset({"secondary"}), frozenset({"primary", "secondary"})),
            days_available=total,
            term_days=split,
            easting=point(),
            northing=point(),
            own_school_urn=rare(rnd.choice(URNS), None, 0.2),
            trust_uid=rare(rnd.choice(TRUSTS), None, 0.3),
            federation_uid=rare(rnd.choice(FEDERATIONS), None),
            declared_conflicts=rare(frozenset({rnd.choice(URNS)}), frozenset()),
            quality_ok=rare(False, True),
        )
        for j, (split, total) in enumerate(capacity)
    ]
    pairs = [(n.id, p.id) for n in ns for p in ps]
    rejected = frozenset(rnd.sample(pairs, rnd.randint(0, min(2, len(pairs)))))
    base = Settings(
        max_distance_km=rnd.choice((30.0, 40.0, 60.0)),
        same_trust_allowed=rnd.random() < 0.3,
        rejected=rejected,
        year=YEAR,
    )
    locks = []
    need_left = {n.id: n.days for n in ns}
    term_left = {p.id: list(term_caps(p)) for p in ps}
    prov_left = {p.id: p.days_available for p in ps}
    for _ in range(rnd.randint(0, 2)):
        n, p = rnd.choice(ns), rnd.choice(ps)
        room = min(need_left[n.id], prov_left[p.id])
        if room and not conflicts(n, p, base):
            days = rnd.randint(1, room)
            if _place(term_left, prov_left, p, n, days):
                locks.append((n.id, p.id, days))
                need_left[n.id] -= days
    return (
        ns,
        ps,
        Settings(
            max_distance_km=base.max_distance_km,
            same_trust_allowed=base.same_trust_allowed,
            rejected=rejected,
            locked=tuple(locks),
            year=YEAR,
        ),
    )


Key = tuple[int, int, int]  # (priority-days, fit thousandths x days, -metres x days)


def plan_key(plan: Plan, ns: Sequence[Need], ps: Sequence[Provider]) -> Key:
    """The plan's lexicographic objective in the units the solver optimises (bigger is better)."""
    need_by_id = {n.id: n for n in ns}
    prov_by_id = {p.id: p for p in ps}
    p_days = fit = metres = 0
    for a in plan.assignments:
        n, p = need_by_id[a.need_id], prov_by_id[a.provider_id]
        p_days += n.priority * a.days
        fit += fit_units(p.fit(n.area)) * a.days
        metres += travel_metres(distance_m(n, p)) * a.days
    return (p_days, fit, -metres)


def brute_force_key(ns: Sequence[Need], ps: Sequence[Provider], settings: Settings) -> Key:
    """The best lexicographic objective by trying every whole-day split of every need over
    the (provider, term) pairs it may use, within each term's days and each provider's total.

    Locked days are placed first, in every way their need's window allows; then needs are
    taken in turn, and for each, every split of its days over its allowed providers and
    terms that fits what is left is tried, with the best completion of the rest added
    (memoised on what is left). No solver is used. Assumes ``settings.year == YEAR``.
    """
    assert settings.year == YEAR
    locked_need: dict[object, int] = defaultdict(int)
    start: Key = (0, 0, 0)
    need_by_id = {n.id: n for n in ns}
    prov_index = {p.id: j for j, p in enumerate(ps)}
    # Slots: (provider index, term index); a state is the days left per slot, then per provider.
    n_slots = 3 * len(ps)
    caps = [c for p in ps for c in term_caps(p)]
    totals = [p.days_available for p in ps]
    lock_slots = []
    for need_id, prov_id, days in settings.locked:
        n, p = need_by_id[need_id], ps[prov_index[prov_id]]
        locked_need[need_id] += days
        start = _add(start, _value(n, p, days))
        lock_slots.append(([3 * prov_index[prov_id] + k for k in allowed_terms(n.window)], days))
    allowed = [
        [
            3 * j + k
            for j, p in enumerate(ps)
            if not conflicts(n, p, settings)
            for k in allowed_terms(n.window)
        ]
        for n in ns
    ]

    @cache
    def best(i: int, left: tuple[int, ...]) -> Key | None:
        """Best value of needs i.. given ``left``; None if the locks did not fit."""
        if i == len(ns):
            return (0, 0, 0)
        n = ns[i]
        want = n.days - locked_need[n.id]
        choice: Key | None = None
        for split in _splits([min(left[s], left[n_slots + s // 3]) for s in allowed[i]], want):
            rest = list(left)
            total: Key = (0, 0, 0)
            for s, days in zip(allowed[i], split, strict=True):
                rest[s] -= days
                rest[n_slots + s // 3] -= days
                total = _add(total, _value(n, ps[s // 3], days))
            if any(x < 0 for x in rest):
                continue
            after = best(i + 1, tuple(rest))
            assert after is not None
            total = _add(total, after)
            if choice is None or total > choice:
                choice = total
        return choice

    def placements(k: int, left: list[int]):
        """Every way of placing locks k.. in their terms: the days left after each."""
        if k == len(lock_slots):
            yield tuple(left)
            return
        slots, days = lock_slots[k]
        for split in _splits([left[s] for s in slots], days):
            if sum(split) != days:
                continue
            rest = left[:]
            for s, d in zip(slots, split, strict=True):
                rest[s] -= d
                rest[n_slots + s // 3] -= d
            if all(x >= 0 for x in rest):
                yield from placements(k + 1, rest)

    results = [best(0, left) for left in set(placements(0, caps + totals))]
    values = [r for r in results if r is not None]
    assert values, "the locks do not fit"
    return _add(start, max(values))


def _splits(bounds: Sequence[int], most: int):
    """Every tuple of whole days, one per bound and within it, adding up to at most ``most``."""
    if not bounds:
        yield ()
        return
    for first in range(min(most, bounds[0]) + 1):
        for rest in _splits(bounds[1:], most - first):
            yield (first, *rest)


def _value(n: Need, p: Provider, days: int) -> Key:
    return (
        n.priority * days,
        fit_units(p.fit(n.area)) * days,
        -travel_metres(distance_m(n, p)) * days,
    )


def _add(a: Key, b: Key) -> Key:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2])
