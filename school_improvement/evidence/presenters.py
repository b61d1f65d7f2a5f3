"""What the school page shows: charts, tables, flags and the inspection history, as plain values.

Rules of presentation:

* a missing value shows its reason ("suppressed (SUPP)"), never zero, and leaves a gap in the
  chart with the code written at the foot;
* one figure per measure and year: final figures win over provisional ones, a published number
  over a missing one, the current school's row over a predecessor's (which is marked);
* benchmarks: the school's LA and England (state-funded schools where the file gives them,
  else all schools), from the same family of files;
* inspections are listed newest first, each in the words of its framework, with the ratings
  GIAS holds for the school and its predecessors where Ofsted MI has no row for that date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from engines.perf.mapping import catalogue

from . import charts
from .models import Benchmark, Inspection, Measure, Status
from .selectors import SchoolEvidence, SimilarSet
from .significance import Flag, attainment_flag, progress_flag

#: The measures charted on the school page, by key stage, in this order.
CHARTED: dict[str, tuple[str, list[str]]] = {
    "ks2": ("Key stage 2", [
        "ks2.rwm_expected_pct", "ks2.rwm_higher_pct", "ks2.reading_progress", "ks2.writing_progress",
        "ks2.maths_progress", "ks2.reading_average", "ks2.maths_average",
        "ks2.rwm_expected_disadvantaged_pct",
    ]),
    "ks4": ("Key stage 4", [
        "ks4.attainment8", "ks4.progress8", "ks4.basics_94_pct", "ks4.basics_95_pct",
        "ks4.ebacc_entry_pct", "ks4.ebacc_aps", "ks4.progress8_disadvantaged",
    ]),
}
#: Context shown as one table (census, absence, destinations).
CONTEXT: list[str] = [
    "census.pupils", "census.fsm_ever6_pct", "census.sen_ehcp_pct", "census.sen_support_pct",
    "census.eal_pct", "absence.overall_pct", "absence.persistent_pct", "dest.overall_pct",
    "dest.education_pct", "dest.apprenticeship_pct", "dest.employment_pct",
]
#: Whole-cohort percentages are tested against national with the cohort size of the same file.
COHORT = {"ks2": "ks2.pupils_eligible", "ks4": "ks4.pupils"}
WHOLE_COHORT = {"ks2.rwm_expected_pct", "ks2.rwm_higher_pct", "ks4.basics_94_pct", "ks4.basics_95_pct",
                "ks4.ebacc_entry_pct"}

STATUS_WORDS = {
    Status.SUPP: "suppressed", Status.NE: "no entries", Status.NP: "not published",
    Status.NA: "not applicable", Status.LOWCOV: "low coverage", Status.NEW: "new school",
    Status.SP: "small percentage (under 0.5%)", Status.RE: "redacted", Status.X: "not available",
}
AREA_LABELS = {
    "inclusion": "Inclusion", "curriculum_and_teaching": "Curriculum and teaching",
    "achievement": "Achievement", "attendance_and_behaviour": "Attendance and behaviour",
    "personal_development_and_wellbeing": "Personal development and well-being",
    "early_years": "Early years", "post_16": "Post-16 provision",
    "leadership_and_governance": "Leadership and governance",
    "quality_of_education": "Quality of education", "behaviour_and_attitudes": "Behaviour and attitudes",
    "personal_development": "Personal development",
    "leadership_and_management": "Leadership and management", "sixth_form": "Sixth form provision",
    "safeguarding": "Safeguarding",
}


def year_label(year: int) -> str:
    """Tables year 2019 -> "2018-19"."""
    return f"{year - 1}-{year % 100:02d}"


def missing_text(status: str) -> str:
    if status == Status.BLANK:
        return "blank in the published file (no reason given)"
    return f"{STATUS_WORDS.get(status, status)} ({status})"  # type: ignore[call-overload]


def value_text(value: Decimal | None, unit: str) -> str:
    return "" if value is None else charts.number_text(float(value), unit)


def measure_info(code: str) -> tuple[str, str, str, bool | None, bool]:
    """Label, description, unit, higher_is_better and has_limits of a measure code."""
    m = catalogue().get(code)
    if m is None:
        return code, "", "score", None, False
    return m.label, m.description, m.unit, m.higher_is_better, m.has_limits


def best_rows(measures: list[Measure], urns: list[int]) -> dict[tuple[str, int], Measure]:
    """One row per (measure, year): final over provisional, a number over a gap, nearest URN first."""
    order = {urn: i for i, urn in enumerate(urns)}
    chosen: dict[tuple[str, int], Measure] = {}
    for row in sorted(measures, key=lambda m: (m.provisional, m.status != Status.OK, order.get(m.urn, 99)),
                      reverse=True):
        chosen[(row.measure, row.year)] = row
    return chosen


def best_benchmarks(benchmarks: list[Benchmark]) -> dict[tuple[str, int, str], Benchmark]:
    """LA and England rows by (measure, year, "la" | "national"): final first, state-funded first."""
    chosen: dict[tuple[str, int, str], Benchmark] = {}
    rank: dict[str, int] = {Benchmark.Kind.LA: 0, Benchmark.Kind.NATIONAL_STATE: 0, Benchmark.Kind.NATIONAL_ALL: 1}
    for row in sorted(benchmarks, key=lambda b: (b.provisional, rank[b.kind]), reverse=True):
        where = "la" if row.kind == Benchmark.Kind.LA else "national"
        chosen[(row.measure, row.year, where)] = row
    return chosen


@dataclass
class YearRow:
    year: int
    label: str
    value: str  # the figure, or why there is none
    missing: bool
    interval: str
    la: str
    national: str
    note: str


@dataclass
class MeasurePanel:
    code: str
    label: str
    description: str
    chart: SafeString
    rows: list[YearRow]
    flag: Flag | None
    flag_year: str
    national_label: str

    @property
    def anchor(self) -> str:
        return self.code.replace(".", "-")


@dataclass
class ResultsGroup:
    title: str
    panels: list[MeasurePanel]


@dataclass
class ContextTable:
    years: list[str]
    rows: list[tuple[str, list[str]]]


@dataclass
class InspectionEntry:
    date: dt.date | None
    published: dt.date | None
    framework: str
    outcome: str
    judgements: list[tuple[str, str]] = field(default_factory=list)
    safeguarding: str = ""
    category: str = ""
    urn: int | None = None
    recorded_under: str = ""
    source: str = ""


def _panel(code: str, years: list[int], rows: dict[tuple[str, int], Measure],
           marks: dict[tuple[str, int, str], Benchmark], *, school_urn: int, la_name: str,
           school_name: str) -> MeasurePanel | None:
    present = [y for y in years if (code, y) in rows]
    if not present:
        return None
    label, description, unit, higher, has_limits = measure_info(code)
    national_kinds = {marks[(code, y, "national")].kind for y in present if (code, y, "national") in marks}
    national_label = ("England (all schools)" if national_kinds == {Benchmark.Kind.NATIONAL_ALL}
                      else "England (state-funded)")
    school_values, la_values, nat_values = [], [], []
    intervals: list[tuple[float, float] | None] = []
    missing: list[str | None] = []
    table: list[YearRow] = []
    spoken: list[str] = []
    for year in present:
        row = rows[(code, year)]
        la = marks.get((code, year, "la"))
        nat = marks.get((code, year, "national"))
        ok = row.status == Status.OK and row.value is not None
        school_values.append(float(row.value) if ok else None)
        la_values.append(float(la.value) if la and la.value is not None else None)
        nat_values.append(float(nat.value) if nat and nat.value is not None else None)
        has_interval = ok and row.lower is not None and row.upper is not None
        intervals.append((float(row.lower), float(row.upper)) if has_interval else None)  # type: ignore[arg-type]
        missing.append(None if ok else row.status)
        shown = value_text(row.value, unit) if ok else missing_text(row.status)
        spoken.append(shown)
        notes = []
        if row.urn != school_urn:
            notes.append(f"recorded under URN {row.urn}")
        if row.provisional:
            notes.append("provisional")
        table.append(YearRow(
            year=year, label=year_label(year), value=shown, missing=not ok,
            interval=(f"{value_text(row.lower, unit)} to {value_text(row.upper, unit)}" if has_interval else ""),
            la=_benchmark_text(la, unit),
            national=_benchmark_text(nat, unit),
            note=", ".join(notes),
        ))
    flag, flag_year = _flag(code, present, rows, marks, unit=unit, higher=higher, has_limits=has_limits)
    series = [charts.Series(school_name, "school", school_values)]
    if any(v is not None for v in la_values):
        series.append(charts.Series(la_name or "Local authority", "la", la_values))
    if any(v is not None for v in nat_values):
        series.append(charts.Series(national_label, "national", nat_values))
    x_labels = [year_label(y) for y in present]
    chart = charts.Chart(
        id=f"chart-{code.replace('.', '-')}", title=f"{label}: {school_name}",
        description=charts.describe(label, x_labels, spoken), x_labels=x_labels, series=series,
        unit=unit, intervals=intervals if any(intervals) else [], missing=missing,
        zero_line=has_limits,
    )
    return MeasurePanel(code=code, label=label, description=description,
                        chart=mark_safe(charts.render_svg(chart)),  # noqa: S308 (built from escaped text)
                        rows=table, flag=flag, flag_year=flag_year, national_label=national_label)


def _benchmark_text(row: Benchmark | None, unit: str) -> str:
    """A benchmark figure; a blank one is just not shown (national progress is 0 by definition)."""
    if row is None or row.status == Status.BLANK:
        return ""
    return value_text(row.value, unit) if row.value is not None else missing_text(row.status)


def _flag(code: str, years: list[int], rows: dict[tuple[str, int], Measure],
          marks: dict[tuple[str, int, str], Benchmark], *, unit: str, higher: bool | None,
          has_limits: bool) -> tuple[Flag | None, str]:
    """The flag of the latest year with a figure."""
    for year in reversed(years):
        row = rows[(code, year)]
        if row.status != Status.OK or row.value is None:
            continue
        if has_limits:
            return progress_flag(row.lower, row.upper), year_label(year)
        if unit == "pct" and code in WHOLE_COHORT:
            cohort = rows.get((COHORT[code.split(".")[0]], year))
            nat = marks.get((code, year, "national"))
            tested = attainment_flag(row.value, cohort.value if cohort else None,
                                     nat.value if nat else None, higher_is_better=higher)
            return (tested[0] if tested else None), year_label(year)
        return None, year_label(year)
    return None, ""


def results(evidence: SchoolEvidence, *, school_urn: int, school_name: str, la_name: str) -> list[ResultsGroup]:
    """The charted measures, grouped by key stage (groups without any figure left out)."""
    rows = best_rows(evidence.measures, evidence.urns)
    marks = best_benchmarks(evidence.benchmarks)
    years = sorted({m.year for m in evidence.measures})
    groups = []
    for title, codes in CHARTED.values():
        panels = [p for code in codes if (p := _panel(code, years, rows, marks, school_urn=school_urn,
                                                        la_name=la_name, school_name=school_name))]
        if panels:
            groups.append(ResultsGroup(title, panels))
    return groups


#: The context table's row of the school type the performance-tables spine gives for the year.
SPINE_TYPE_LABEL = "School type in the performance tables (NFTYPE)"


def spine_types(evidence: SchoolEvidence) -> dict[int, str]:
    """Tables year -> the school type (NFTYPE) of the spine, the school's own row first, else the
    nearest predecessor's (named by its URN)."""
    order = {urn: i for i, urn in enumerate(evidence.urns)}
    chosen: dict[int, Any] = {}
    for row in sorted(evidence.spine, key=lambda r: order.get(r.urn, len(order)), reverse=True):
        if row.nftype:
            chosen[row.year] = row
    return {year: row.nftype if row.urn == evidence.urns[0] else f"{row.nftype} (as URN {row.urn})"
            for year, row in chosen.items()}


def context_table(evidence: SchoolEvidence) -> ContextTable | None:
    rows = best_rows([m for m in evidence.measures if m.measure in CONTEXT], evidence.urns)
    types = spine_types(evidence)
    years = sorted({year for _, year in rows} | set(types))
    if not years:
        return None
    table = []
    if types:
        table.append((SPINE_TYPE_LABEL, [types.get(y, "") for y in years]))
    for code in CONTEXT:
        if not any((code, y) in rows for y in years):
            continue
        label, _, unit, _, _ = measure_info(code)
        cells = []
        for y in years:
            row = rows.get((code, y))
            if row is None:
                cells.append("")
            else:
                cells.append(value_text(row.value, unit) if row.status == Status.OK else missing_text(row.status))
        table.append((label, cells))
    return ContextTable([year_label(y) for y in years], table)


def inspection_history(evidence: SchoolEvidence, *, school_urn: int) -> list[InspectionEntry]:
    """Ofsted MI inspections and GIAS ratings across the lineage, newest first."""
    entries: list[InspectionEntry] = []
    seen: set[tuple[int, dt.date]] = set()
    for i in evidence.inspections:
        seen.add((i.urn_at_inspection, i.inspection_date))
        entries.append(_inspection_entry(i, school_urn))
    for urn in evidence.urns:
        school = evidence.establishments.get(urn)
        if school is None or not school.ofsted_rating:
            continue
        when = school.ofsted_last_inspection
        if when is not None and (urn, when) in seen:
            continue
        entries.append(InspectionEntry(
            date=when, published=None, framework="Rating held in GIAS", outcome=school.ofsted_rating,
            urn=urn, recorded_under="" if urn == school_urn else f"{school.name} (URN {urn})",
            source="Get Information about Schools",
        ))
    return sorted(entries, key=lambda e: (e.date is not None, e.date or dt.date.min), reverse=True)


def _inspection_entry(i: Inspection, school_urn: int) -> InspectionEntry:
    given = i.judgements or {}
    order = list(AREA_LABELS)
    judgements = [(AREA_LABELS.get(k, k.replace("_", " ").capitalize()), given[k])
                  for k in sorted(given, key=lambda k: order.index(k) if k in order else len(order))
                  if k != "safeguarding" and given[k]]
    if i.era == Inspection.Era.REPORT_CARD:
        outcome = "Report card (no overall grade under this framework)"
    elif i.era in {Inspection.Era.EIF_GRADED, Inspection.Era.EIF_NOT_JUDGED}:
        outcome = f"Overall effectiveness: {i.overall or 'not recorded'}"
    else:
        outcome = i.overall
    safeguarding = (i.judgements or {}).get("safeguarding") or ""
    if i.era == Inspection.Era.REPORT_CARD and safeguarding:
        safeguarding = f"Safeguarding standards: {safeguarding}"
    elif safeguarding:
        safeguarding = f"Safeguarding: {safeguarding}"
    categories = {"SM": "Special measures", "SWK": "Serious weaknesses"}
    under = ""
    if i.urn_at_inspection != school_urn:
        under = f"{i.school_name_at_inspection or 'a predecessor'} (URN {i.urn_at_inspection})"
    return InspectionEntry(
        date=i.inspection_date, published=i.publication_date, framework=i.get_era_display(),
        outcome=outcome, judgements=judgements, safeguarding=safeguarding,
        category=categories.get(i.category_of_concern, ""), urn=i.urn_at_inspection,
        recorded_under=under, source="Ofsted management information",
    )


@dataclass
class SimilarRow:
    urn: int
    name: str
    is_school: bool
    same_region: bool
    distance: str
    result: str
    rank: int | None
    visible: bool


def similar_rows(similar: SimilarSet, visible: set[int] | frozenset[int] = frozenset()) -> list[SimilarRow]:
    unit = measure_info(similar.measure)[2] if similar.measure else "score"
    out = []
    for m in similar.members:
        if m.value is None:
            result = "no result held"
        elif m.value.status != Status.OK:
            result = missing_text(m.value.status)
        else:
            result = value_text(m.value.value, unit)
        out.append(SimilarRow(urn=m.urn, name=m.name or "Name not held", is_school=m.is_school,
                              same_region=m.same_region, distance=f"{m.distance:.3f}", result=result, rank=m.rank,
                              visible=m.urn in visible))
    return out


def section_context(evidence: SchoolEvidence, school: Any, *, visible: set[int] | None = None) -> dict[str, Any]:
    """The template context of the school page section (``visible``: similar schools the reader may open)."""
    la_name = school.la.name if getattr(school, "la", None) else ""
    similar = evidence.similar
    return {
        "school": school,
        "groups": results(evidence, school_urn=school.urn, school_name=school.name, la_name=la_name),
        "context": context_table(evidence),
        "inspections": inspection_history(evidence, school_urn=school.urn),
        "similar": similar,
        "similar_rows": similar_rows(similar, visible or set()) if similar else [],
        "similar_measure": measure_info(similar.measure)[0] if similar and similar.measure else "",
        "similar_census": year_label(similar.year) if similar else "",
        "similar_year": year_label(similar.result_year) if similar and similar.result_year else "",
        "predecessors": [u for u in evidence.urns if u != school.urn],
        "la_name": la_name,
    }
