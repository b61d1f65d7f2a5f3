"""Reads for the evidence of one school, across its lineage, in a fixed number of queries.

Evidence is not confidential: whoever may see a school (``schools_for``) sees its evidence.
Callers pass a school they have already fetched through ``register.selectors.school_for``.

Lineage: a school's results and inspections include those of its predecessors, found through
the GIAS links (``register.selectors.lineage_urns``), through the performance-tables spine's
OTHERURN (a conversion the links file lacks: the closed school names its successor, the new
school its predecessor) and through Ofsted's "URN at time of inspection" (an inspection the MI
lists for this school but recorded under another URN ties that URN to the school, with its
results and the rating GIAS holds for it).

The number of queries does not depend on how many years of data there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from engines.stats.comparator import Comparator, ComparatorPool, PoolSchool
from school_improvement.register.models import Establishment, LocalAuthority
from school_improvement.register.selectors import lineage_urns

from .models import Benchmark, CensusPoolSchool, Inspection, LaRegion, Measure, SpineEstablishment

#: The result shown beside each similar school, by comparator phase.
SIMILAR_MEASURE = {"Primary": "ks2.rwm_expected_pct", "Secondary": "ks4.attainment8"}


def evidence_urns(urn: int) -> list[int]:
    """The school's URN, its predecessors (GIAS links), those the spine adds, then URNs tied by
    Ofsted MI. Three queries whatever the data (the spine adds one step of predecessors)."""
    urns = lineage_urns(urn)
    urns = urns + [u for u in spine_predecessors(urns) if u not in urns]
    ties = (Inspection.objects.filter(urn__in=urns).exclude(urn_at_inspection__in=urns)
            .values_list("urn_at_inspection", flat=True).distinct())
    return urns + sorted(set(ties))


def spine_predecessors(urns: list[int]) -> list[int]:
    """URNs the spine ties to ``urns`` as predecessors (one query): a school that closed naming
    one of them as its OTHERURN, or the OTHERURN of one of them that opened as new."""
    rows = SpineEstablishment.objects.filter(Q(urn__in=urns) | Q(other_urn__in=urns)).exclude(
        other_urn=None).exclude(other_urn=SpineEstablishment.NO_OTHER_URN).values_list(
        "urn", "other_urn", "close_status", "close_date", "is_new", "open_date")
    found: set[int] = set()
    for urn, other, close_status, close_date, is_new, open_date in rows:
        if other is None:
            continue
        if urn in urns and other not in urns and (is_new or open_date is not None):
            found.add(other)  # the new school names its predecessor
        elif other in urns and urn not in urns and (close_status == "2" or close_date is not None):
            found.add(urn)  # the closed school names its successor
    return sorted(found)


@dataclass
class SimilarSchool:
    urn: int
    name: str
    distance: float
    same_region: bool
    is_school: bool
    value: Any = None  # the Measure row of the shown result, if the product holds one
    rank: int | None = None


@dataclass
class SimilarSet:
    year: int  # census year of the pool
    phase: str
    pool_size: int
    pool_urn: int  # the URN the school has in the census (itself or a predecessor)
    measure: str | None
    result_year: int | None
    members: list[SimilarSchool] = field(default_factory=list)

    @property
    def with_results(self) -> int:
        return sum(1 for m in self.members if m.rank is not None)

    @property
    def school_rank(self) -> int | None:
        return next((m.rank for m in self.members if m.is_school), None)


@dataclass
class SchoolEvidence:
    urns: list[int]
    measures: list[Measure]
    benchmarks: list[Benchmark]
    inspections: list[Inspection]
    establishments: dict[int, Establishment]
    similar: SimilarSet | None
    spine: list[SpineEstablishment] = field(default_factory=list)


def school_evidence(school: Establishment, *, similar: bool = True) -> SchoolEvidence:
    """Everything the school page shows about results and inspections."""
    urns = evidence_urns(school.urn)
    measures = list(Measure.objects.filter(urn__in=urns).order_by("measure", "year", "urn"))
    codes = sorted({m.measure for m in measures})
    years = sorted({m.year for m in measures})
    benchmarks = list(
        Benchmark.objects.filter(measure__in=codes, year__in=years)
        .filter(Q(kind=Benchmark.Kind.LA, la_code=school.la_id or "")
                | Q(kind__in=[Benchmark.Kind.NATIONAL_ALL, Benchmark.Kind.NATIONAL_STATE]))
    ) if codes else []
    inspections = list(Inspection.objects.filter(Q(urn__in=urns) | Q(urn_at_inspection__in=urns))
                       .order_by("-inspection_date", "era"))
    establishments = {e.urn: e for e in Establishment.objects.filter(urn__in=urns)}
    spine = list(SpineEstablishment.objects.filter(urn__in=urns).order_by("year", "urn"))
    return SchoolEvidence(
        urns=urns, measures=measures, benchmarks=benchmarks, inspections=inspections,
        establishments=establishments,
        similar=similar_set(urns, measures) if similar else None,
        spine=spine,
    )


def la_regions() -> dict[str, str]:
    """LA code -> region for "same region first": LAIT's regions when imported (rules.md 7.2),
    else the register's DfE sub-regions. Never a mix: an LA LAIT gives no region has none."""
    regions = dict(LaRegion.objects.values_list("la_code", "region"))
    if regions:
        return {code: region for code, region in regions.items() if region}
    return dict(LocalAuthority.objects.exclude(region_name="").values_list("code", "region_name"))


def _pool(year: int, phase: str) -> list[PoolSchool]:
    regions = la_regions()
    rows = CensusPoolSchool.objects.filter(year=year, phase=phase).values_list(
        "urn", "la_code", "pupils", "fsm_pct", "sen_pct")
    return [PoolSchool(urn, phase, regions.get(la), pupils, fsm, sen) for urn, la, pupils, fsm, sen in rows]


def similar_set(urns: list[int], measures: list[Measure]) -> SimilarSet | None:
    """The DfE similar-pupils comparator set (30, the school included) from the stored census pool.

    The school is found in the latest census pool under its own URN or, failing that, the
    nearest predecessor's. Each member's result is the headline measure of its phase in the
    latest year the school has a value of it (the pool's year when it has none).
    """
    entries = list(CensusPoolSchool.objects.filter(urn__in=urns).values_list("urn", "year", "phase"))
    if not entries:
        return None
    order = {urn: i for i, urn in enumerate(urns)}
    pool_urn, year, phase = max(entries, key=lambda e: (e[1], -order[e[0]]))
    schools = _pool(year, phase)
    chosen: list[Comparator] = ComparatorPool(schools).similar(pool_urn)
    result = SimilarSet(year=year, phase=phase, pool_size=len(schools), pool_urn=pool_urn,
                        measure=SIMILAR_MEASURE.get(phase), result_year=None)
    if not chosen:
        return result
    member_urns = [c.urn for c in chosen]
    names = dict(Establishment.objects.filter(urn__in=member_urns).values_list("urn", "name"))
    values: dict[int, Measure] = {}
    if result.measure:
        own = [m for m in measures if m.measure == result.measure and m.value is not None]
        result.result_year = max((m.year for m in own), default=year)
        rows = Measure.objects.filter(urn__in=member_urns[1:], measure=result.measure, year=result.result_year)
        for row in sorted(rows, key=lambda m: m.provisional, reverse=True):
            values[row.urn] = row  # final figures win over provisional ones
        mine = [m for m in own if m.year == result.result_year]
        if mine:
            values[pool_urn] = sorted(mine, key=lambda m: (m.provisional, order.get(m.urn, 99)))[0]
    result.members = [
        SimilarSchool(urn=c.urn, name=names.get(c.urn, ""), distance=c.distance, same_region=c.same_region,
                      is_school=i == 0, value=values.get(c.urn))
        for i, c in enumerate(chosen)
    ]
    ranked = sorted((m for m in result.members if m.value is not None and m.value.value is not None),
                    key=lambda m: m.value.value, reverse=True)
    for m in ranked:
        m.rank = 1 + sum(1 for other in ranked if other.value.value > m.value.value)
    return result


def measures_for_urns(urns: list[int]) -> QuerySet[Measure]:
    """Every figure held for a school and its predecessors (evidence is not confidential)."""
    return Measure.objects.filter(urn__in=urns).order_by("source_kind", "measure", "year", "urn")
