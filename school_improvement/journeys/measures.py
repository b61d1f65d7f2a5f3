"""Measurable success and exit criteria: "attendance above 94%" checked against the evidence data.

A criterion names a measure code from the evidence catalogue (``engines/perf/catalogue.yaml``) or a
derived one (attendance is 100 minus overall absence), a comparison and a threshold. The check
reads the school's latest published value (its own URN first, then its predecessors'), in one
query for any number of criteria.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engines.perf.mapping import catalogue

#: Derived measures: code -> (label, unit, the published measure it comes from, how).
DERIVED: dict[str, tuple[str, str, str, Callable[[Decimal], Decimal]]] = {
    "attendance.overall_pct": ("Attendance (100% minus overall absence)", "pct", "absence.overall_pct",
                               lambda v: Decimal(100) - v),
}

COMPARE: dict[str, Callable[[Decimal, Decimal], bool]] = {
    ">=": lambda v, t: v >= t,
    ">": lambda v, t: v > t,
    "<=": lambda v, t: v <= t,
    "<": lambda v, t: v < t,
}
COMPARISON_WORDS = {">=": "at least", ">": "above", "<=": "at most", "<": "below"}


def measure_choices() -> list[tuple[str, str]]:
    """The measures a criterion may name: derived ones first, then the catalogue's scored ones."""
    out = [(code, label) for code, (label, *_rest) in DERIVED.items()]
    for code, m in sorted(catalogue().items()):
        if m.higher_is_better is not None:
            out.append((code, f"{m.label} ({code})"))
    return out


def label_of(code: str) -> str:
    if code in DERIVED:
        return DERIVED[code][0]
    m = catalogue().get(code)
    return m.label if m else code


def unit_of(code: str) -> str:
    if code in DERIVED:
        return DERIVED[code][1]
    m = catalogue().get(code)
    return m.unit if m else ""


def source_code(code: str) -> str:
    return DERIVED[code][2] if code in DERIVED else code


def is_known(code: str) -> bool:
    return code in DERIVED or code in catalogue()


@dataclass(frozen=True)
class Check:
    """The outcome of checking one measurable target against the data."""

    measurable: bool
    met: bool | None  # None: no data to check against
    value: Decimal | None = None
    year: int | None = None
    text: str = ""


def describe(measure: str, comparison: str, threshold: Decimal | None) -> str:
    unit = "%" if unit_of(measure) == "pct" else ""
    shown = f"{Decimal(threshold).normalize():f}" if threshold is not None else "?"
    return f"{label_of(measure)} {COMPARISON_WORDS.get(comparison, comparison)} {shown}{unit}"


def latest_values(urns: Sequence[int], codes: Iterable[str]) -> dict[str, tuple[Decimal, int]]:
    """Each measure's latest published value for the school (its own URN preferred in a year)."""
    from school_improvement.evidence.models import Measure, Status

    sources = {source_code(c) for c in codes if c}
    if not sources or not urns:
        return {}
    rank = {urn: i for i, urn in enumerate(urns)}
    best: dict[str, tuple[int, int, bool, Decimal]] = {}
    rows = Measure.objects.filter(urn__in=list(urns), measure__in=sorted(sources), status=Status.OK,
                                  value__isnull=False).values_list("measure", "year", "urn", "provisional", "value")
    for code, year, urn, provisional, value in rows:
        key = (year, -rank.get(urn, 99), not provisional)
        current = best.get(code)
        if current is None or key > current[:3]:
            best[code] = (*key, value)  # type: ignore[assignment]
    return {code: (row[3], row[0]) for code, row in best.items()}


def check(target: Any, values: dict[str, tuple[Decimal, int]]) -> Check:
    """Check one objective or exit criterion (anything with measure, comparison, threshold)."""
    if not getattr(target, "is_measurable", False):
        return Check(measurable=False, met=None)
    wanted = describe(target.measure, target.comparison, target.threshold)
    found = values.get(source_code(target.measure))
    if found is None:
        return Check(measurable=True, met=None, text=f"{wanted}: no published figure yet.")
    raw, year = found
    value = DERIVED[target.measure][3](raw) if target.measure in DERIVED else raw
    met = COMPARE[target.comparison](value, Decimal(target.threshold))
    unit = "%" if unit_of(target.measure) == "pct" else ""
    return Check(measurable=True, met=met, value=value, year=year,
                 text=f"{wanted}: {value.normalize():f}{unit} in {year - 1}-{str(year)[-2:]} "
                      f"({'met' if met else 'not met'}).")
