"""The school year's three terms, as the matcher counts a provider's days.

The same boundaries as ``school_improvement.visits.models.term_of`` (a brokerage test checks
they agree on every day): autumn 1 September - 31 December, spring 1 January - 31 March,
summer 1 April - 31 August. A school year is named by the calendar year it starts in (2025 for
2025/26). Plain Python, no Django, so the engine and the apps can share it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

AUTUMN, SPRING, SUMMER = "autumn", "spring", "summer"
#: The terms in the order they fall in a school year.
TERMS: tuple[str, ...] = (AUTUMN, SPRING, SUMMER)
TERM_LABELS: dict[str, str] = {AUTUMN: "Autumn term", SPRING: "Spring term", SUMMER: "Summer term"}

#: A need's window: first and last day (inclusive); None leaves that end open.
Window = tuple[dt.date | None, dt.date | None]


def academic_year(day: dt.date) -> int:
    """The school year a date falls in, by the year it starts: 2025 for 2025/26."""
    return day.year if day.month >= 9 else day.year - 1


def term_of(day: dt.date) -> str:
    """The term a date falls in."""
    if day.month >= 9:
        return AUTUMN
    if day.month <= 3:
        return SPRING
    return SUMMER


def term_dates(year: int) -> dict[str, tuple[dt.date, dt.date]]:
    """First and last day of each term of the school year starting in ``year``."""
    return {
        AUTUMN: (dt.date(year, 9, 1), dt.date(year, 12, 31)),
        SPRING: (dt.date(year + 1, 1, 1), dt.date(year + 1, 3, 31)),
        SUMMER: (dt.date(year + 1, 4, 1), dt.date(year + 1, 8, 31)),
    }


def window_terms(window: Window, year: int) -> tuple[str, ...]:
    """The terms of the school year ``year`` that overlap ``window``, in order.

    No window (both ends None) is every term of the year; a window wholly outside the year
    overlaps none.
    """
    start, end = window
    out = []
    for term, (first, last) in term_dates(year).items():
        if (end is None or end >= first) and (start is None or start <= last):
            out.append(term)
    return tuple(out)


def term_mask(terms: Iterable[str]) -> int:
    """A set of terms as a bit mask (autumn 1, spring 2, summer 4)."""
    mask = 0
    for term in terms:
        mask |= 1 << TERMS.index(term)
    return mask


def mask_terms(mask: int) -> tuple[str, ...]:
    """The terms in a bit mask, in order."""
    return tuple(t for k, t in enumerate(TERMS) if mask >> k & 1)


#: Every non-empty set of terms, as masks.
ALL_MASKS: tuple[int, ...] = tuple(range(1, 1 << len(TERMS)))
FULL_MASK = (1 << len(TERMS)) - 1
