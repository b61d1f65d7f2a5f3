"""Quality evidence for providers, from what the product holds about their own school: its latest
inspection (or the rating GIAS carries), its key stage results, and its agreed category.

``quality_for`` says, per provider, whether their school passes the council's quality bar and,
per area of expertise, what the data and inspections show the school is strong in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from school_improvement.evidence.models import Inspection, Measure, Status
from school_improvement.visits.entitlements import entitlements_for

from .models import QualityBar

STRONG = {"Outstanding", "Good", "Exceptional", "Strong standard"}
CONCERN = {"Inadequate", "Urgent improvement", "Serious weaknesses", "Special measures"}
BELOW_GOOD = {"Requires improvement", "Needs attention"}

#: Area of expertise -> inspection judgements that speak to it, best first.
AREA_JUDGEMENTS: dict[str, tuple[str, ...]] = {
    "leadership": ("leadership_and_governance", "leadership_and_management"),
    "governance": ("leadership_and_governance", "leadership_and_management"),
    "quality_of_education": ("curriculum_and_teaching", "quality_of_education"),
    "curriculum": ("curriculum_and_teaching", "quality_of_education"),
    "early_reading": ("curriculum_and_teaching", "quality_of_education"),
    "english": ("curriculum_and_teaching", "quality_of_education"),
    "maths": ("curriculum_and_teaching", "quality_of_education"),
    "behaviour_and_attitudes": ("attendance_and_behaviour", "behaviour_and_attitudes"),
    "attendance": ("attendance_and_behaviour", "behaviour_and_attitudes"),
    "personal_development": ("personal_development_and_wellbeing", "personal_development"),
    "early_years": ("early_years",),
    "sixth_form": ("post_16", "sixth_form"),
    "inclusion": ("inclusion",),
    "send": ("inclusion",),
}
JUDGEMENT_WORDS: dict[str, str] = {
    "leadership_and_governance": "leadership and governance", "leadership_and_management": "leadership and management",
    "curriculum_and_teaching": "curriculum and teaching", "quality_of_education": "the quality of education",
    "attendance_and_behaviour": "attendance and behaviour", "behaviour_and_attitudes": "behaviour and attitudes",
    "personal_development_and_wellbeing": "personal development and well-being",
    "personal_development": "personal development", "early_years": "early years", "post_16": "post-16",
    "sixth_form": "the sixth form", "inclusion": "inclusion",
}
#: Area of expertise -> results that speak to it (progress: above 0 is above the national average).
AREA_MEASURES: dict[str, tuple[tuple[str, str], ...]] = {
    "early_reading": (("ks2.reading_progress", "reading progress at key stage 2"),),
    "english": (("ks2.reading_progress", "reading progress at key stage 2"),
                ("ks2.writing_progress", "writing progress at key stage 2")),
    "maths": (("ks2.maths_progress", "maths progress at key stage 2"),),
    "quality_of_education": (("ks4.progress8", "Progress 8"), ("ks2.rwm_expected_pct", "")),
    "curriculum": (("ks4.progress8", "Progress 8"),),
}


@dataclass
class Quality:
    ok: bool = True
    headline: str = "No inspection or results held for a school of theirs."
    concerns: list[str] = field(default_factory=list)
    evidence: dict[str, str] = field(default_factory=dict)
    inspection: Any = None


def _latest_inspections(urns: list[int]) -> dict[int, Any]:
    latest: dict[int, Any] = {}
    for row in Inspection.objects.filter(urn__in=urns).order_by("urn", "-inspection_date", "era"):
        latest.setdefault(row.urn, row)
    return latest


def _latest_measures(urns: list[int]) -> dict[tuple[int, str], Any]:
    codes = sorted({code for pairs in AREA_MEASURES.values() for code, _ in pairs})
    latest: dict[tuple[int, str], Any] = {}
    for row in (Measure.objects.filter(urn__in=urns, measure__in=codes, status=Status.OK)
                .order_by("urn", "measure", "-year")):
        latest.setdefault((row.urn, row.measure), row)
    return latest


def _words(value: Any) -> str:
    return str(value or "").strip()


def quality_for(council: Any, providers: Iterable[Any], bar: str = QualityBar.CONCERN) -> dict[int, Quality]:
    """Each provider's quality evidence, in a fixed number of queries."""
    providers = list(providers)
    urns = sorted({p.school_id for p in providers if p.school_id})
    inspections = _latest_inspections(urns)
    measures = _latest_measures(urns)
    categories = entitlements_for(council, urns) if urns else {}
    out: dict[int, Quality] = {}
    for provider in providers:
        school = provider.school if provider.school_id else None
        if school is None:
            out[provider.pk] = Quality()
            continue
        quality = Quality()
        inspection = inspections.get(school.pk)
        quality.inspection = inspection
        judgements = dict(inspection.judgements or {}) if inspection else {}
        overall = _words(inspection.overall) if inspection else _words(school.ofsted_rating)
        when = f" ({inspection.inspection_date:%B %Y})" if inspection else ""
        quality.headline = (f"{school.name}: {overall or 'no overall grade'} at its last inspection{when}."
                            if overall or inspection else f"{school.name}: no inspection held.")
        if inspection and inspection.category_of_concern:
            quality.concerns.append(f"{school.name} is in a category of concern (Ofsted).")
        if overall in CONCERN:
            quality.concerns.append(f"{school.name} was judged {overall} at its last inspection.")
        urgent = [JUDGEMENT_WORDS.get(str(k), str(k)) for k, v in judgements.items() if _words(v) in CONCERN]
        if urgent:
            quality.concerns.append(f"{school.name} needs urgent improvement in {', '.join(urgent)}.")
        if inspection and inspection.safeguarding == "not met":
            quality.concerns.append(f"Safeguarding was not met at {school.name}'s last inspection.")
        category = categories.get(school.pk)
        if category is not None and category.priority:
            quality.concerns.append(f"{school.name} is in the council's {category.category or 'priority'} category.")
        if bar == QualityBar.GOOD:
            if overall in BELOW_GOOD:
                quality.concerns.append(f"{school.name} was judged {overall}: below the council's bar of Good.")
            weak = [JUDGEMENT_WORDS.get(str(k), str(k)) for k, v in judgements.items() if _words(v) in BELOW_GOOD]
            if weak:
                quality.concerns.append(f"{school.name} needs attention in {', '.join(weak)}.")
        quality.ok = not quality.concerns
        for area in set(provider.expertise) | set(AREA_JUDGEMENTS):
            parts = []
            for key in AREA_JUDGEMENTS.get(area, ()):
                grade = _words(judgements.get(key))
                if grade in STRONG:
                    parts.append(f"{school.name} was judged {grade} for {JUDGEMENT_WORDS.get(key, key)}{when}")
                    break
            if not parts and overall in {"Outstanding", "Exceptional"}:
                parts.append(f"{school.name} was judged {overall} overall{when}")
            for code, label in AREA_MEASURES.get(area, ()):
                row = measures.get((school.pk, code))
                if row is None or row.value is None or not label:
                    continue
                value = Decimal(row.value)
                if value > 0:
                    parts.append(f"its {label} was {value:+.1f} in {row.year - 1}/{str(row.year)[-2:]}, "
                                 "above the national average")
            if parts:
                quality.evidence[area] = "; ".join(parts)
        out[provider.pk] = quality
    return out
