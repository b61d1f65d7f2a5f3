"""Matching needs for school support to providers: shortlists and whole-council plans.

Plain values in, plain values out; nothing here imports Django. The matcher proposes and
people decide: officers lock and reject pairs (``Settings.locked``, ``Settings.rejected``)
and re-run.
"""

from __future__ import annotations

from engines.matching.eligibility import capacity_left, conflicts, distance_m
from engines.matching.model import (
    AREA_LABELS,
    KIND_LABELS,
    Assignment,
    Candidate,
    Lock,
    MatchingError,
    Need,
    Objective,
    Plan,
    Provider,
    Rule,
    Settings,
    TermAssignment,
    area_label,
)
from engines.matching.plan import greedy_plan, optimal_plan
from engines.matching.shortlist import shortlist
from engines.matching.terms import (
    TERM_LABELS,
    TERMS,
    academic_year,
    term_dates,
    term_of,
    window_terms,
)

__all__ = [
    "AREA_LABELS",
    "KIND_LABELS",
    "Assignment",
    "Candidate",
    "Lock",
    "MatchingError",
    "Need",
    "Objective",
    "Plan",
    "Provider",
    "Rule",
    "Settings",
    "TERMS",
    "TERM_LABELS",
    "TermAssignment",
    "academic_year",
    "area_label",
    "capacity_left",
    "conflicts",
    "distance_m",
    "greedy_plan",
    "optimal_plan",
    "shortlist",
    "term_dates",
    "term_of",
    "window_terms",
]
