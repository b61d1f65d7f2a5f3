"""Plain values the matcher takes and returns: needs, providers, settings, candidates, plans."""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from engines.matching.terms import TERMS, Window, academic_year

#: Ids are the caller's (database keys or codes); all needs' ids, and all providers', must be
#: mutually comparable (all ``str`` or all ``int``) because ties are broken by id.
Id = str | int

#: Kinds of provider of support, with the words shown to people.
KIND_LABELS: dict[str, str] = {
    "NLE": "National leader of education",
    "LLE": "Local leader of education",
    "SLE": "Specialist leader of education",
    "hub": "Teaching school hub",
    "strong_school": "Strong school",
    "trust_team": "Trust central team",
    "council_adviser": "Council adviser",
    "associate_adviser": "Associate adviser",
    "consultant": "External consultant",
}

#: Words for the common areas of expertise; any other code is shown with underscores as spaces.
AREA_LABELS: dict[str, str] = {
    "early_reading": "early reading",
    "send": "special educational needs and disabilities (SEND)",
    "leadership": "leadership and management",
    "governance": "governance",
    "maths": "mathematics",
    "english": "English",
    "curriculum": "curriculum and teaching",
    "quality_of_education": "quality of education",
    "behaviour_and_attitudes": "behaviour and attitudes",
    "personal_development": "personal development",
    "early_years": "early years",
    "sixth_form": "sixth form",
    "safeguarding": "safeguarding",
    "attendance": "attendance",
    "inclusion": "inclusion",
}


def area_label(area: str) -> str:
    """Plain words for an area-of-expertise code."""
    return AREA_LABELS.get(area, area.replace("_", " "))


class MatchingError(ValueError):
    """The inputs cannot be matched as given (bad value, impossible lock); the message says why."""


@dataclass(frozen=True)
class Need:
    """A school's need for support: ``days`` of help in ``area``, weighted by ``priority``.

    ``easting``/``northing`` are British National Grid metres. ``window`` is the first and last
    day (either may be None, open) the support may happen in: the need only uses a provider's
    days in the terms of the school year (``Settings.year``) that overlap it; no window is any
    term of that year.
    """

    id: Id
    school_urn: int
    area: str
    phase: str
    days: int
    priority: int
    easting: float
    northing: float
    trust_uid: str | None = None
    federation_uid: str | None = None
    window: Window = (None, None)

    def __post_init__(self) -> None:
        window = tuple(self.window) if self.window is not None else (None, None)
        if len(window) != 2 or any(d is not None and not isinstance(d, dt.date) for d in window):
            raise MatchingError(
                f"need {self.id}: window must be two dates (or None), not {self.window!r}"
            )
        if window[0] is not None and window[1] is not None and window[1] < window[0]:
            raise MatchingError(f"need {self.id}: the window ends before it starts")
        object.__setattr__(self, "window", window)
        if not _is_int(self.days) or self.days < 0:
            raise MatchingError(
                f"need {self.id}: days must be a whole number >= 0, not {self.days!r}"
            )
        if not _is_int(self.priority) or self.priority < 1:
            raise MatchingError(
                f"need {self.id}: priority must be a whole number >= 1, not {self.priority!r}"
            )
        _check_point(f"need {self.id}", self.easting, self.northing)


@dataclass(frozen=True)
class Provider:
    """A provider of support with ``days_available`` and an expertise fit (0-1) per area.

    ``term_days`` gives the days available in each term (``terms.TERMS``; a term left out has
    none); ``days_available`` is then a cap on the year's total as well (pass the sum when there
    is none). Without ``term_days`` only the total counts: every day may fall in any term.

    ``evidence`` optionally says, per area, what the product's data and inspections show the
    provider is strong in (plain English); shortlists quote it.
    """

    id: Id
    kind: str
    expertise: Mapping[str, float]
    phases: frozenset[str]
    days_available: int
    easting: float
    northing: float
    own_school_urn: int | None = None
    trust_uid: str | None = None
    federation_uid: str | None = None
    declared_conflicts: frozenset[int] = frozenset()
    quality_ok: bool = True
    evidence: Mapping[str, str] = field(default_factory=dict)
    term_days: Mapping[str, int] | None = None

    def __post_init__(self) -> None:
        if self.term_days is not None:
            for term, days in self.term_days.items():
                if term not in TERMS:
                    raise MatchingError(f"provider {self.id}: unknown term {term!r}")
                if not _is_int(days) or days < 0:
                    raise MatchingError(
                        f"provider {self.id}: days in the {term} term must be a whole "
                        f"number >= 0, not {days!r}"
                    )
        if self.kind not in KIND_LABELS:
            raise MatchingError(f"provider {self.id}: unknown kind {self.kind!r}")
        if not _is_int(self.days_available) or self.days_available < 0:
            raise MatchingError(
                f"provider {self.id}: days_available must be a whole number >= 0, "
                f"not {self.days_available!r}"
            )
        for area, fit in self.expertise.items():
            if not (isinstance(fit, int | float) and 0.0 <= fit <= 1.0):
                raise MatchingError(f"provider {self.id}: fit for {area} must be 0-1, not {fit!r}")
        _check_point(f"provider {self.id}", self.easting, self.northing)

    def fit(self, area: str) -> float:
        """Expertise fit for ``area`` (0 when the provider has none)."""
        return float(self.expertise.get(area, 0.0))

    def term_capacity(self, term: str) -> int:
        """Days the provider can give in ``term`` (never more than the year's total)."""
        if self.term_days is None:
            return self.days_available
        return min(self.days_available, int(self.term_days.get(term, 0)))


class Lock(NamedTuple):
    """An officer's agreed match: honoured first, its days counted against capacity."""

    need_id: Id
    provider_id: Id
    days: int


#: An extra council rule: given a need and a provider, a plain-English reason they must not be
#: paired, or None when the rule allows it.
Rule = Callable[[Need, Provider], str | None]


@dataclass(frozen=True)
class Settings:
    """Council settings for matching. ``rules`` are extra council rules (see ``Rule``).

    ``year`` is the school year being planned (by the year it starts: 2025 for 2025/26); needs'
    windows are read against its terms. None is the school year of today's date.
    """

    max_distance_km: float = 40.0
    same_trust_allowed: bool = False
    locked: Sequence[tuple[Id, Id, int]] = ()
    rejected: Collection[tuple[Id, Id]] = frozenset()
    rules: Sequence[Rule] = ()
    year: int | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.max_distance_km) and self.max_distance_km >= 0):
            raise MatchingError(f"max_distance_km must be >= 0, not {self.max_distance_km!r}")
        if self.year is not None and not _is_int(self.year):
            raise MatchingError(f"year must be a whole number, not {self.year!r}")
        object.__setattr__(self, "locked", tuple(Lock(*lock) for lock in self.locked))
        object.__setattr__(self, "rejected", frozenset(tuple(pair) for pair in self.rejected))
        object.__setattr__(self, "rules", tuple(self.rules))

    @property
    def locks(self) -> tuple[Lock, ...]:
        """The locked matches as ``Lock`` values."""
        return tuple(Lock(*lock) for lock in self.locked)

    @property
    def school_year(self) -> int:
        """``year``, or the school year of today's date when it is None."""
        return self.year if self.year is not None else academic_year(dt.date.today())


@dataclass(frozen=True)
class Candidate:
    """One provider on a need's shortlist, with the reasons in plain English."""

    provider_id: Id
    score: float
    fit: float
    distance_km: float
    capacity_left: int
    reasons: list[str]


class Assignment(NamedTuple):
    """Days of a need given to a provider (locked days included)."""

    need_id: Id
    provider_id: Id
    days: int


class TermAssignment(NamedTuple):
    """The days of an ``Assignment`` that fall in one term."""

    need_id: Id
    provider_id: Id
    term: str
    days: int


class Objective(NamedTuple):
    """The plan's three tiers, most important first.

    ``met_priority_days`` is the sum of priority x days met; ``total_fit`` the sum of fit x days;
    ``total_km`` the sum of distance x days (each day of support is a journey).
    """

    met_priority_days: int
    total_fit: float
    total_km: float


@dataclass(frozen=True)
class Plan:
    """A whole-council plan: who helps whom for how many days, and what is left unmet.

    ``by_term`` says, for each assignment's (need id, provider id), how many of its days fall
    in which term (terms in order, none with 0 days); the days add up to the assignment's.
    """

    assignments: list[Assignment]
    unmet: dict[Id, int]
    objective: Objective
    solve_seconds: float
    arcs: int = 0  # eligible need-provider pairs after pruning (the size of the model)
    by_term: dict[tuple[Id, Id], dict[str, int]] = field(default_factory=dict)

    @property
    def term_assignments(self) -> list[TermAssignment]:
        """Every assignment's days per term, in the order of ``assignments`` and of the terms."""
        return [
            TermAssignment(a.need_id, a.provider_id, term, days)
            for a in self.assignments
            for term, days in self.by_term.get((a.need_id, a.provider_id), {}).items()
        ]

    def days_by_term(self) -> dict[Id, dict[str, int]]:
        """Days each provider gives in each term under this plan."""
        out: dict[Id, dict[str, int]] = {}
        for (_need_id, provider_id), split in self.by_term.items():
            row = out.setdefault(provider_id, dict.fromkeys(TERMS, 0))
            for term, days in split.items():
                row[term] += days
        return out

    @property
    def days_met(self) -> int:
        return sum(a.days for a in self.assignments)

    @property
    def mean_fit(self) -> float:
        days = self.days_met
        return self.objective.total_fit / days if days else 0.0

    @property
    def mean_km(self) -> float:
        days = self.days_met
        return self.objective.total_km / days if days else 0.0


def _is_int(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_point(who: str, easting: float, northing: float) -> None:
    if not (math.isfinite(easting) and math.isfinite(northing)):
        raise MatchingError(f"{who}: easting and northing must be finite numbers")
