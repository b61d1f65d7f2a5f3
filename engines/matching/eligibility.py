"""Which provider may help which need: conflicts of interest, phase, expertise and distance.

``conflicts`` answers for one pair in plain English; ``eligible_arcs`` finds every allowed pair
at once, pruned by distance with a k-d tree, for the plans. Both apply the same rules, in the
same arithmetic, so a pair is in the model exactly when ``conflicts`` is empty.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from engines.matching.model import (
    Id,
    Lock,
    MatchingError,
    Need,
    Provider,
    Settings,
    area_label,
)
from engines.matching.terms import FULL_MASK, TERMS, mask_terms, term_mask, window_terms

#: Fit is optimised in thousandths; distance in whole metres.
FIT_UNITS = 1000

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def id_key(value: Id) -> tuple[bool, Id]:
    """Sort key for ids: ints before strings, then by value."""
    return (isinstance(value, str), value)


def distance_m(need: Need, provider: Provider) -> float:
    """Straight-line distance in metres (the same arithmetic as the vectorised pruning)."""
    dx = float(need.easting) - float(provider.easting)
    dy = float(need.northing) - float(provider.northing)
    return math.sqrt(dx * dx + dy * dy)


def fit_units(fit: float) -> int:
    """Fit in the thousandths the plan optimises (round half to even, as numpy does)."""
    return int(round(fit * FIT_UNITS))


def travel_metres(metres: float) -> int:
    """Distance in the whole metres the plan optimises."""
    return int(round(metres))


def conflicts(need: Need, provider: Provider, settings: Settings) -> list[str]:
    """Plain-English reasons ``provider`` must not be proposed for ``need``; empty if allowed.

    Capacity is not a conflict: see ``capacity_left``.
    """
    reasons = []
    if provider.own_school_urn is not None and provider.own_school_urn == need.school_urn:
        reasons.append("The provider's own school is the school needing support.")
    if need.school_urn in provider.declared_conflicts:
        reasons.append("The provider has declared a conflict of interest with this school.")
    if (
        not settings.same_trust_allowed
        and need.trust_uid is not None
        and need.trust_uid == provider.trust_uid
    ):
        reasons.append("The provider is in the same trust as the school.")
    if need.federation_uid is not None and need.federation_uid == provider.federation_uid:
        reasons.append("The provider is in the same federation as the school.")
    if not provider.quality_ok:
        reasons.append(
            "The provider's own school is in a category of concern or below the "
            "council's quality bar."
        )
    if need.phase not in provider.phases:
        reasons.append(f"The provider does not work in the {need.phase} phase.")
    if provider.fit(need.area) <= 0:
        reasons.append(f"The provider has no expertise in {area_label(need.area)}.")
    km = distance_m(need, provider) / 1000
    if not distance_m(need, provider) <= settings.max_distance_km * 1000.0:
        reasons.append(
            f"The provider is {km:.1f} km away, beyond the council's limit of "
            f"{settings.max_distance_km:g} km."
        )
    if (need.id, provider.id) in settings.rejected:
        reasons.append("An officer rejected this pairing.")
    for rule in settings.rules:
        reason = rule(need, provider)
        if reason:
            reasons.append(reason)
    return reasons


def locked_days_by_provider(settings: Settings) -> dict[Id, int]:
    """Days each provider already gives to locked matches."""
    used: dict[Id, int] = defaultdict(int)
    for lock in settings.locks:
        used[lock.provider_id] += lock.days
    return dict(used)


# --- days by term -----------------------------------------------------------------------------
#
# A provider's days are capped per term and in total. A need may only use the terms its window
# overlaps (a set of terms, kept as a bit mask). Demand already placed on a provider (locks) is
# kept as days per window mask; where those days fall is left open, so any placement that fits
# will do. By max-flow/min-cut (Hall's condition on the three terms), demand ``d`` fits caps
# ``c`` and total ``D`` exactly when, for every set of terms T, the days of windows inside T are
# at most c(T), and all days are at most D. ``room`` turns that into the most extra days a
# window can still get.

#: Days per window mask (bit k set: term ``TERMS[k]`` allowed).
Demand = dict[int, int]


def need_mask(need: Need, year: int) -> int:
    """The terms of ``year`` the need's window overlaps, as a mask (0: none)."""
    return term_mask(window_terms(need.window, year))


def term_caps(provider: Provider) -> tuple[int, ...]:
    """Days the provider can give in each term, in the order of ``TERMS``."""
    return tuple(provider.term_capacity(t) for t in TERMS)


def _cap(caps: Sequence[int], mask: int) -> int:
    return sum(c for k, c in enumerate(caps) if mask >> k & 1)


def room(caps: Sequence[int], total: int, demand: Demand, mask: int) -> int:
    """The most days a need with window ``mask`` can still get from a provider with term
    ``caps`` and ``total`` days, given the ``demand`` it already carries (exact)."""
    if mask == 0:
        return 0
    best = total - sum(demand.values())
    for terms in range(FULL_MASK + 1):
        if terms & mask == mask:
            inside = sum(d for m, d in demand.items() if m & ~terms == 0)
            best = min(best, _cap(caps, terms) - inside)
    return max(best, 0)


def fits(caps: Sequence[int], total: int, demand: Demand) -> bool:
    """Whether ``demand`` can be placed in the terms its windows allow."""
    if sum(demand.values()) > total:
        return False
    return all(
        sum(d for m, d in demand.items() if m & ~terms == 0) <= _cap(caps, terms)
        for terms in range(FULL_MASK + 1)
    )


def lock_demand(settings: Settings, needs: Sequence[Need] = ()) -> dict[Id, Demand]:
    """Each provider's locked days by the window mask of their need. A lock whose need is not
    in ``needs`` is taken to allow any term."""
    year = settings.school_year
    masks = {n.id: need_mask(n, year) for n in needs}
    out: dict[Id, Demand] = defaultdict(lambda: defaultdict(int))
    for lock in settings.locks:
        out[lock.provider_id][masks.get(lock.need_id, FULL_MASK)] += lock.days
    return out


def capacity_left(
    provider: Provider, settings: Settings, need: Need | None = None, needs: Sequence[Need] = ()
) -> int:
    """The provider's days not taken by locked matches: in the terms of ``need``'s window when
    a need is given, else in any term. ``needs`` are the locked matches' needs (for their
    windows; a lock whose need is not given may fall in any term)."""
    mask = FULL_MASK if need is None else need_mask(need, settings.school_year)
    demand = lock_demand(settings, needs).get(provider.id, {})
    return room(term_caps(provider), provider.days_available, demand, mask)


def check_locks(
    needs: Sequence[Need], providers: Sequence[Provider], settings: Settings
) -> list[Lock]:
    """The locks, checked: known ids, whole days, no conflict, within need and capacity (the
    provider's total, and its days in the terms of each locked need's window)."""
    need_by_id = {n.id: n for n in needs}
    provider_by_id = {p.id: p for p in providers}
    need_days: dict[Id, int] = defaultdict(int)
    provider_days: dict[Id, int] = defaultdict(int)
    demand: dict[Id, Demand] = defaultdict(lambda: defaultdict(int))
    year = settings.school_year
    locks: list[Lock] = []
    for lock in settings.locks:
        label = f"locked match {lock.need_id}-{lock.provider_id}"
        if lock.need_id not in need_by_id or lock.provider_id not in provider_by_id:
            raise MatchingError(f"{label}: unknown need or provider")
        if not isinstance(lock.days, int) or isinstance(lock.days, bool) or lock.days < 1:
            raise MatchingError(f"{label}: days must be a whole number >= 1")
        need, provider = need_by_id[lock.need_id], provider_by_id[lock.provider_id]
        reasons = conflicts(need, provider, settings)
        if reasons:
            raise MatchingError(f"{label} cannot stand: {' '.join(reasons)}")
        need_days[need.id] += lock.days
        provider_days[provider.id] += lock.days
        if need_days[need.id] > need.days:
            raise MatchingError(f"{label}: locks exceed the {need.days} days needed")
        if provider_days[provider.id] > provider.days_available:
            raise MatchingError(
                f"{label}: locks exceed the provider's {provider.days_available} days"
            )
        mask = need_mask(need, year)
        demand[provider.id][mask] += lock.days
        if not fits(term_caps(provider), provider.days_available, demand[provider.id]):
            terms = ", ".join(mask_terms(mask)) or "no term of the school year"
            raise MatchingError(
                f"{label}: locks exceed the provider's days in the terms of the "
                f"need's window ({terms})"
            )
        locks.append(lock)
    return locks


@dataclass(frozen=True)
class Arcs:
    """Every allowed (need, provider) pair, by index into the given lists, sorted."""

    need: IntArray
    provider: IntArray
    metres: FloatArray
    fit: FloatArray

    def __len__(self) -> int:
        return len(self.need)


def _codes(values: Sequence[object]) -> tuple[IntArray, dict[object, int]]:
    """Integer codes for values (None is -1), and the code book."""
    book: dict[object, int] = {}
    out = np.fromiter(
        (-1 if v is None else book.setdefault(v, len(book)) for v in values),
        dtype=np.int64,
        count=len(values),
    )
    return out, book


def eligible_arcs(
    needs: Sequence[Need],
    providers: Sequence[Provider],
    settings: Settings,
    capacity: Sequence[int] | IntArray,
    active: Sequence[bool] | npt.NDArray[np.bool_] | None = None,
    rooms: IntArray | None = None,
    masks: IntArray | None = None,
) -> Arcs:
    """All allowed pairs of an ``active`` need and a provider with ``capacity`` left, and, when
    ``rooms`` (provider x window mask: days left) and ``masks`` (each need's window mask) are
    given, with days left in the terms of the need's window.

    Providers are indexed per (area, phase) in a k-d tree and each need's group is queried
    within the maximum distance, so only pairs that could ever be matched are built; the
    remaining rules are applied to those pairs as arrays.
    """
    max_m = settings.max_distance_km * 1000.0
    n_need, n_prov = len(needs), len(providers)
    capacity = np.asarray(capacity, dtype=np.int64)
    active_mask = np.ones(n_need, bool) if active is None else np.asarray(active, bool)
    need_xy = np.array([(n.easting, n.northing) for n in needs], dtype=np.float64).reshape(-1, 2)
    prov_xy = np.array([(p.easting, p.northing) for p in providers], dtype=np.float64).reshape(
        -1, 2
    )

    # Providers able to take any day in (area, phase): quality, capacity, phase and fit > 0.
    able: dict[tuple[str, str], list[int]] = defaultdict(list)
    for j, p in enumerate(providers):
        if not p.quality_ok or capacity[j] <= 0:
            continue
        for area, score in p.expertise.items():
            if score > 0:
                for phase in p.phases:
                    able[(area, phase)].append(j)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, n in enumerate(needs):
        if active_mask[i] and (n.area, n.phase) in able:
            groups[(n.area, n.phase)].append(i)

    need_parts: list[IntArray] = []
    prov_parts: list[IntArray] = []
    fit_parts: list[FloatArray] = []
    for (area, phase), need_idx in sorted(groups.items()):
        cand = np.array(sorted(able[(area, phase)]), dtype=np.int64)
        tree = cKDTree(prov_xy[cand])
        # A hair wider than the limit; the exact test below decides.
        hits = tree.query_ball_point(need_xy[need_idx], r=max_m * (1 + 1e-9) + 1e-3)
        lengths = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(hits))
        flat = np.fromiter(
            itertools.chain.from_iterable(hits), dtype=np.int64, count=int(lengths.sum())
        )
        need_parts.append(np.repeat(np.array(need_idx, dtype=np.int64), lengths))
        prov_parts.append(cand[flat])
        fits = np.array([providers[j].fit(area) for j in cand], dtype=np.float64)
        fit_parts.append(fits[flat])
    if not need_parts:
        empty = np.zeros(0, np.int64)
        return Arcs(empty, empty, np.zeros(0), np.zeros(0))
    ni = np.concatenate(need_parts)
    pj = np.concatenate(prov_parts)
    fit = np.concatenate(fit_parts)

    dx = need_xy[ni, 0] - prov_xy[pj, 0]
    dy = need_xy[ni, 1] - prov_xy[pj, 1]
    metres = np.sqrt(dx * dx + dy * dy)
    keep = metres <= max_m

    trust, trust_book = _codes([n.trust_uid for n in needs])
    p_trust = np.array(
        [trust_book.get(p.trust_uid, -2) if p.trust_uid is not None else -2 for p in providers],
        dtype=np.int64,
    ).reshape(-1)
    if not settings.same_trust_allowed:
        keep &= ~((trust[ni] >= 0) & (trust[ni] == p_trust[pj]))
    fed, fed_book = _codes([n.federation_uid for n in needs])
    p_fed = np.array(
        [
            fed_book.get(p.federation_uid, -2) if p.federation_uid is not None else -2
            for p in providers
        ],
        dtype=np.int64,
    ).reshape(-1)
    keep &= ~((fed[ni] >= 0) & (fed[ni] == p_fed[pj]))
    urn, urn_book = _codes([n.school_urn for n in needs])
    p_own = np.array(
        [urn_book.get(p.own_school_urn, -2) for p in providers], dtype=np.int64
    ).reshape(-1)
    keep &= p_own[pj] != urn[ni]
    n_urn = max(len(urn_book), 1)
    declared = np.array(
        [
            j * n_urn + urn_book[u]
            for j, p in enumerate(providers)
            for u in p.declared_conflicts
            if u in urn_book
        ],
        dtype=np.int64,
    )
    if len(declared):
        keep &= ~np.isin(pj * n_urn + urn[ni], declared)
    if settings.rejected:
        need_pos = {n.id: i for i, n in enumerate(needs)}
        prov_pos = {p.id: j for j, p in enumerate(providers)}
        rejected = np.array(
            [
                need_pos[a] * n_prov + prov_pos[b]
                for a, b in settings.rejected
                if a in need_pos and b in prov_pos
            ],
            dtype=np.int64,
        )
        if len(rejected):
            keep &= ~np.isin(ni * n_prov + pj, rejected)
    if settings.rules:
        for k in np.flatnonzero(keep):
            need, provider = needs[ni[k]], providers[pj[k]]
            if any(rule(need, provider) for rule in settings.rules):
                keep[k] = False

    if rooms is not None and masks is not None:
        keep &= rooms[pj, masks[ni]] > 0

    ni, pj, metres, fit = ni[keep], pj[keep], metres[keep], fit[keep]
    order = np.lexsort((pj, ni))
    return Arcs(ni[order], pj[order], metres[order], fit[order])


def check_unique(needs: Sequence[Need], providers: Sequence[Provider]) -> None:
    """Refuse repeated ids."""
    for what, items in (("need", needs), ("provider", providers)):
        ids = [x.id for x in items]
        if len(set(ids)) != len(ids):
            raise MatchingError(f"repeated {what} id")
