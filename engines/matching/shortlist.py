"""A need's shortlist: the best few providers, with reasons a person can weigh."""

from __future__ import annotations

from collections.abc import Sequence

from engines.matching.eligibility import (
    FIT_UNITS,
    conflicts,
    distance_m,
    fit_units,
    id_key,
    lock_demand,
    need_mask,
    room,
    term_caps,
    travel_metres,
)
from engines.matching.model import KIND_LABELS, Candidate, Need, Provider, Settings, area_label

#: Travel takes less than a tenth of a score point, so it only orders equal fits.
TRAVEL_POINTS = 0.09


def shortlist(
    need: Need,
    providers: Sequence[Provider],
    settings: Settings | None = None,
    k: int = 3,
    needs: Sequence[Need] = (),
) -> list[Candidate]:
    """The ``k`` best allowed providers with days left in the terms of the need's window,
    ranked as the optimal plan prefers them: best fit, then nearest, then most days left, then
    id.

    ``score`` is out of 100: the fit in points, less under a tenth of a point for travel.
    ``needs`` are the needs of the locked matches, for their windows (see ``capacity_left``).
    """
    settings = settings or Settings()
    demand = lock_demand(settings, [need, *needs])
    mask = need_mask(need, settings.school_year)
    max_km = settings.max_distance_km
    ranked = []
    for provider in providers:
        left = room(term_caps(provider), provider.days_available, demand.get(provider.id, {}), mask)
        if left <= 0 or conflicts(need, provider, settings):
            continue
        metres = distance_m(need, provider)
        key = (
            -fit_units(provider.fit(need.area)),
            travel_metres(metres),
            -left,
            id_key(provider.id),
        )
        ranked.append((key, provider, metres, left))
    ranked.sort(key=lambda item: item[0])
    out = []
    for _key, provider, metres, left in ranked[:k]:
        fit = provider.fit(need.area)
        km = metres / 1000
        travel = TRAVEL_POINTS * (km / max_km if max_km else 0.0)
        out.append(
            Candidate(
                provider_id=provider.id,
                score=round(fit_units(fit) * 100 / FIT_UNITS - travel, 3),
                fit=fit,
                distance_km=round(km, 3),
                capacity_left=left,
                reasons=_reasons(need, provider, fit, km, left, max_km),
            )
        )
    return out


def _reasons(
    need: Need, provider: Provider, fit: float, km: float, left: int, max_km: float
) -> list[str]:
    strength = "Strong" if fit >= 0.8 else "Good" if fit >= 0.5 else "Some"
    area = area_label(need.area)
    reasons = [f"{strength} expertise in {area} (fit {fit:.2f} out of 1)."]
    evidence = provider.evidence.get(need.area)
    if evidence:
        reasons.append(f"What the data and inspections show: {evidence.rstrip('.')}.")
    reasons.append(f"{km:.1f} km from the school, within the council's {max_km:g} km limit.")
    when = "" if need.window == (None, None) else " in the terms of the window"
    if left >= need.days:
        reasons.append(f"{left} days free{when}, enough for all {need.days} days needed.")
    else:
        reasons.append(
            f"{left} days free{when}, so can cover {left} of the {need.days} days needed."
        )
    kind = KIND_LABELS[provider.kind]
    reasons.append(
        f"{kind}, working in the {need.phase} phase, with no conflict of interest found."
    )
    return reasons
