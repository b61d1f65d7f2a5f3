"""Cell values of the DfE performance-table files: a number, or the reason it is missing.

A cell is one of:

* a number (``ok``): after stripping, removing one trailing ``%`` (percentage
  columns only) and stripping again, it fully matches
  ``[+-]?(\\d+(\\.\\d*)?|\\.\\d+)`` (the project's number rule, as in
  :mod:`engines.rules.dfe_verdicts`); the value is the exact :class:`Decimal`;
* a listed code (``SUPP``, ``NE``, ``NP``, ``NA``, ``LOWCOV``, ``NEW``, ``SP``,
  ``RE``, ``x``): the value is ``None`` and the status is the code;
* blank (empty, whitespace only, or a field missing from a short row): status
  ``blank``.

A missing value is never zero. Anything else refuses the whole file with the
row and column. :func:`status_expr` is the vectorised (polars) form of
:func:`parse_value`, used to classify whole columns at once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple

import polars as pl

from engines.errors import FileRefused

OK = "ok"
BLANK = "blank"

#: The codes DfE writes instead of a number, with their published meaning
#: (``dfe-perf-tables-2019-meta/abbreviations.xlsx``, "General abbreviations";
#: ``x`` is the symbol of the later explore-education-statistics files).
CODES: dict[str, str] = {
    "SUPP": (
        "Suppressed: usually 5 or fewer pupils or students covered by the measure "
        "(10 in the case of destination measures)"
    ),
    "NE": (
        "No entries: the school or college did not enter any pupils or students for the "
        "qualifications covered by the measure"
    ),
    "NP": (
        "Not published: for example Progress 8 for independent schools, or disadvantaged "
        "breakdowns for independent and non-maintained special schools"
    ),
    "NA": (
        "Not applicable: figures are either not available for the year in question, or the "
        "data field is not applicable to this school or college"
    ),
    "LOWCOV": (
        "Low coverage: shown for the value added measure and coverage indicator where fewer "
        "than 50% of pupils are included in the calculation"
    ),
    "NEW": "New institution",
    "SP": "Small percentage: the number is between 0% and 0.5%",
    "RE": "Redacted: not a reliable estimate, so not a fair measure of performance",
    "x": "Not available (symbol of the later DfE statistics files; not in the 2019 list)",
}

#: Every status a cell can have, in display order.
STATUSES: tuple[str, ...] = (OK, *CODES, BLANK)

#: What each status means, for the UI.
STATUS_MEANINGS: dict[str, str] = {
    OK: "A published number",
    **CODES,
    BLANK: "Blank in the published file (no value and no reason given)",
}

NUMBER_PATTERN = r"[+-]?(\d+(\.\d*)?|\.\d+)"
_NUMBER = re.compile(NUMBER_PATTERN)

#: Units of measure; only ``pct`` cells may carry a trailing ``%``.
UNITS: dict[str, str] = {
    "pct": "percentage (0 to 100)",
    "score": "score or average",
    "count": "number of pupils",
    "band": "published band (1 = well above average ... 5 = well below average)",
}


class CellValue(NamedTuple):
    """A parsed cell: the exact number (or ``None``) and its status."""

    value: Decimal | None
    status: str


def refusal_text(text: str, unit: str) -> str:
    """Why a cell is refused (the message of the FileRefused)."""
    shown = text if len(text) <= 40 else text[:37] + "..."
    if (
        unit != "pct"
        and text.strip().endswith("%")
        and _NUMBER.fullmatch(text.strip()[:-1].strip())
    ):
        return f"{shown!r} is a percentage in a {unit} column"
    codes = ", ".join(CODES)
    return f"{shown!r} is neither a number nor a listed code ({codes}, or blank)"


def parse_value(
    text: str | None,
    *,
    unit: str = "score",
    aliases: Mapping[str, str] | None = None,
    file: str = "",
    row: int | None = None,
    column: str | None = None,
) -> CellValue:
    """The number a cell holds, or the reason it has none; refuse anything else.

    ``aliases`` maps extra raw codes a layout declares to one of the statuses.
    """
    if text is None:
        return CellValue(None, BLANK)
    stripped = text.strip()
    if not stripped:
        return CellValue(None, BLANK)
    if stripped in CODES:
        return CellValue(None, stripped)
    if aliases and stripped in aliases:
        return CellValue(None, aliases[stripped])
    number = stripped
    if unit == "pct" and number.endswith("%"):
        number = number[:-1].strip()
    if _NUMBER.fullmatch(number):
        return CellValue(Decimal(number), OK)
    raise FileRefused(refusal_text(text, unit), file=file, row=row, column=column)


def number_text_expr(column: str, unit: str) -> pl.Expr:
    """The number text of a column's cells (``%`` removed for percentages), unvalidated."""
    stripped = pl.col(column).str.strip_chars()
    if unit == "pct":
        stripped = stripped.str.strip_suffix("%").str.strip_chars()
    return stripped


def status_expr(column: str, unit: str, aliases: Mapping[str, str] | None = None) -> pl.Expr:
    """Vectorised :func:`parse_value` status: null where the cell would be refused."""
    stripped = pl.col(column).str.strip_chars()
    number = number_text_expr(column, unit)
    codes = {code: code for code in CODES} | dict(aliases or {})
    return (
        pl.when(stripped.is_null() | (stripped == ""))
        .then(pl.lit(BLANK))
        .when(stripped.is_in(list(codes)))
        .then(stripped.replace_strict(codes, default=None, return_dtype=pl.String))
        .when(number.str.contains(f"^{NUMBER_PATTERN}$"))
        .then(pl.lit(OK))
        .otherwise(pl.lit(None, dtype=pl.String))
    )


def value_expr(column: str, unit: str, status: pl.Expr) -> pl.Expr:
    """Vectorised value text: the number text where ``status`` is ``ok``, else null."""
    return pl.when(status == OK).then(number_text_expr(column, unit)).otherwise(None)


def classify_columns(
    frame: pl.DataFrame, units: Mapping[str, str], aliases: Mapping[str, str] | None = None
) -> pl.DataFrame:
    """:func:`parse_value` over whole columns of already-stripped cells, in three passes.

    ``units`` maps each column to its unit. Adds ``<column>\x00status`` (null where the cell
    would be refused) and ``<column>\x00value`` (the number text where the status is ``ok``).
    The same result as :func:`status_expr` and :func:`value_expr`, computing each part once.
    """
    codes = {code: code for code in CODES} | dict(aliases or {})
    pattern = f"^{NUMBER_PATTERN}$"
    first = []
    for column, unit in units.items():
        cell = pl.col(column)
        number = cell.str.strip_suffix("%").str.strip_chars() if unit == "pct" else cell
        first.append(number.alias(f"{column}\x00number"))
        first.append(
            cell.replace_strict(codes, default=None, return_dtype=pl.String).alias(
                f"{column}\x00code"
            )
        )
    frame = frame.with_columns(first)
    statuses = []
    for column in units:
        number, code = pl.col(f"{column}\x00number"), pl.col(f"{column}\x00code")
        statuses.append(
            pl.when(pl.col(column) == "")
            .then(pl.lit(BLANK))
            .when(code.is_not_null())
            .then(code)
            .when(number.str.contains(pattern))
            .then(pl.lit(OK))
            .otherwise(pl.lit(None, dtype=pl.String))
            .alias(f"{column}\x00status")
        )
    frame = frame.with_columns(statuses)
    values = [
        pl.when(pl.col(f"{column}\x00status") == OK)
        .then(pl.col(f"{column}\x00number"))
        .otherwise(None)
        .alias(f"{column}\x00value")
        for column in units
    ]
    scratch = [f"{column}\x00{part}" for column in units for part in ("number", "code")]
    return frame.with_columns(values).drop(scratch)
