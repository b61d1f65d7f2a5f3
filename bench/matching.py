"""Bench: the optimal matching plan against a greedy nearest-provider baseline.

A generated region (2,000 needs, 1,000 providers; target at most 1 s for the full model) and,
with ``national=True``, a generated nation (20,000 needs, 10,000 providers; target at most
30 s). Both plans are made in the same run on the same instance; the table gives the time,
days met, priority-weighted days met, mean fit and travel, and the optimal/greedy ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
from dataclasses import dataclass

import numpy as np

from engines.matching import Need, Plan, Provider, Settings, greedy_plan, optimal_plan
from engines.matching.terms import TERMS, academic_year, term_dates

AREAS = ("early_reading", "maths", "send", "leadership", "governance", "english",
         "curriculum", "behaviour_and_attitudes", "early_years", "attendance",
         "safeguarding", "personal_development")
AREA_WEIGHTS = (14, 12, 12, 14, 8, 8, 8, 7, 5, 5, 4, 3)
PHASES = ("primary", "secondary", "special", "alternative_provision")
PHASE_WEIGHTS = (0.72, 0.20, 0.05, 0.03)
SCHOOL_KINDS = ("NLE", "LLE", "SLE", "hub", "strong_school")
OTHER_KINDS = ("council_adviser", "associate_adviser", "consultant", "trust_team")


@dataclass(frozen=True)
class Instance:
    label: str
    needs: list[Need]
    providers: list[Provider]
    target_seconds: float


def generate(n_needs: int, n_providers: int, width_km: float, height_km: float,
             seed: int) -> tuple[list[Need], list[Provider]]:
    """A synthetic area: schools clustered in towns, trusts and federations of neighbours,
    needs from a share of schools, providers mostly based in schools."""
    rng = np.random.default_rng(seed)
    n_schools = int(n_needs * 0.7)
    n_towns = max(1, n_schools // 30)
    towns = rng.uniform((0, 0), (width_km * 1000, height_km * 1000), size=(n_towns, 2))
    town_w = rng.lognormal(0, 1, n_towns)
    town = rng.choice(n_towns, size=n_schools, p=town_w / town_w.sum())
    xy = towns[town] + rng.normal(0, 4000, size=(n_schools, 2))
    phase = rng.choice(len(PHASES), size=n_schools, p=PHASE_WEIGHTS)
    urn = 100_000 + np.arange(n_schools)
    # About 40% of schools are in a trust of roughly ten schools from nearby towns.
    trust = np.where(rng.random(n_schools) < 0.4,
                     (town // 3) * 4 + rng.integers(0, 4, n_schools), -1)
    federation = np.where(rng.random(n_schools) < 0.04, town * 2 + rng.integers(0, 2, n_schools),
                          -1)

    def uid(prefix: str, value: int) -> str | None:
        return None if value < 0 else f"{prefix}{value}"

    area_p = np.array(AREA_WEIGHTS) / sum(AREA_WEIGHTS)
    # Needs' windows: a third within one term, a fifth over two terms running, the rest any time
    # in the school year; providers' days split over the three terms.
    dates = term_dates(academic_year(dt.date.today()))

    def window() -> tuple[dt.date | None, dt.date | None]:
        r, first = rng.random(), int(rng.integers(len(TERMS)))
        if r < 0.35:
            return dates[TERMS[first]]
        if r < 0.55:
            first = min(first, len(TERMS) - 2)
            return dates[TERMS[first]][0], dates[TERMS[first + 1]][1]
        return None, None

    def by_term(days: int) -> dict[str, int]:
        split = rng.multinomial(days, rng.dirichlet((2.0, 2.0, 2.0)))
        return {term: int(n) for term, n in zip(TERMS, split, strict=True)}

    needing = rng.choice(n_schools, size=n_needs)
    needs = []
    for k, s in enumerate(needing):
        needs.append(Need(
            id=f"N{k:05d}", school_urn=int(urn[s]), area=AREAS[rng.choice(len(AREAS), p=area_p)],
            phase=PHASES[phase[s]], days=int(rng.integers(1, 9)),
            priority=int(rng.choice((1, 2, 3, 5), p=(0.4, 0.3, 0.2, 0.1))),
            easting=float(xy[s, 0]), northing=float(xy[s, 1]),
            trust_uid=uid("T", trust[s]), federation_uid=uid("F", federation[s]), window=window(),
        ))
    providers = []
    for k in range(n_providers):
        n_areas = int(rng.integers(1, 5))
        chosen = rng.choice(len(AREAS), size=n_areas, replace=False, p=area_p)
        expertise = {AREAS[a]: round(float(rng.beta(4, 2)), 3) for a in chosen}
        if rng.random() < 0.75:
            s = int(rng.integers(n_schools))
            kind = SCHOOL_KINDS[rng.integers(len(SCHOOL_KINDS))]
            phases = {PHASES[phase[s]]}
            if rng.random() < 0.2:
                phases.add(PHASES[rng.choice(len(PHASES), p=PHASE_WEIGHTS)])
            near = rng.choice(n_schools, size=int(rng.integers(0, 3)))
            days = int(rng.integers(2, 12))
            providers.append(Provider(
                id=f"P{k:05d}", kind=kind, expertise=expertise, phases=frozenset(phases),
                days_available=days, term_days=by_term(days),
                easting=float(xy[s, 0]), northing=float(xy[s, 1]), own_school_urn=int(urn[s]),
                trust_uid=uid("T", trust[s]), federation_uid=uid("F", federation[s]),
                declared_conflicts=frozenset(int(urn[x]) for x in near),
                quality_ok=bool(rng.random() < 0.95),
            ))
        else:
            kind = OTHER_KINDS[rng.integers(len(OTHER_KINDS))]
            t = towns[rng.integers(n_towns)] + rng.normal(0, 8000, 2)
            phases = set(rng.choice(PHASES, size=int(rng.integers(1, 3)), replace=False,
                                    p=PHASE_WEIGHTS))
            days = int(rng.integers(4, 18))
            providers.append(Provider(
                id=f"P{k:05d}", kind=kind, expertise=expertise, phases=frozenset(phases),
                days_available=days, term_days=by_term(days), easting=float(t[0]), northing=float(t[1]),
                trust_uid=uid("T", int(rng.choice(trust))) if kind == "trust_team" else None,
            ))
    return needs, providers


def _row(label: str, plan: Plan, seconds: float) -> str:
    o = plan.objective
    return (f"{label:<28} {seconds:>8.3f} {plan.arcs:>10,} {plan.days_met:>9,} "
            f"{o.met_priority_days:>9,} {plan.mean_fit:>6.3f} {plan.mean_km:>8.2f} "
            f"{o.total_km:>11,.0f}")


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.3f}" if b else "-"


def bench(instance: Instance, repeats: int) -> bool:
    """Time both plans on one instance and print their rows and ratios."""
    settings = Settings()
    optimal_times, greedy_times = [], []
    for _ in range(repeats):
        optimal = optimal_plan(instance.needs, instance.providers, settings)
        optimal_times.append(optimal.solve_seconds)
        greedy = greedy_plan(instance.needs, instance.providers, settings)
        greedy_times.append(greedy.solve_seconds)
    t_opt, t_greedy = statistics.median(optimal_times), statistics.median(greedy_times)
    need_days = sum(n.days for n in instance.needs)
    capacity = sum(p.days_available for p in instance.providers)
    print(f"{instance.label}: {len(instance.needs):,} needs ({need_days:,} days), "
          f"{len(instance.providers):,} providers ({capacity:,} days); median of {repeats}")
    print(_row("  optimal (OR-Tools flow)", optimal, t_opt))
    print(_row("  greedy nearest provider", greedy, t_greedy))
    o, g = optimal.objective, greedy.objective
    print(f"  {'ratio optimal / greedy':<26} {_ratio(t_opt, t_greedy):>8} {'':>10} "
          f"{_ratio(optimal.days_met, greedy.days_met):>9} "
          f"{_ratio(o.met_priority_days, g.met_priority_days):>9} "
          f"{_ratio(optimal.mean_fit, greedy.mean_fit):>6} "
          f"{_ratio(optimal.mean_km, greedy.mean_km):>8} {_ratio(o.total_km, g.total_km):>11}")
    ok = t_opt <= instance.target_seconds
    print(f"  target: optimal plan in at most {instance.target_seconds:g} s: "
          f"{'met' if ok else 'MISSED'} ({t_opt:.3f} s)")
    return ok


def run(national: bool = False) -> bool:
    """Print the table; True when every time target is met."""
    instances = [Instance("region", *generate(2_000, 1_000, 120, 130, seed=7), target_seconds=1.0)]
    if national:
        instances.append(Instance("nation", *generate(20_000, 10_000, 360, 420, seed=8),
                                  target_seconds=30.0))
    header = (f"{'plan':<28} {'seconds':>8} {'arcs':>10} {'days met':>9} {'prio-days':>9} "
              f"{'fit':>6} {'km/day':>8} {'total km':>11}")
    print(header)
    print("-" * len(header))
    ok = True
    for instance in instances:
        ok &= bench(instance, repeats=5 if instance.label == "region" else 1)
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.matching", description=__doc__)
    parser.add_argument("--national", action="store_true", help="also the national instance")
    args = parser.parse_args(argv)
    return 0 if run(national=args.national) else 1


if __name__ == "__main__":
    sys.exit(main())
