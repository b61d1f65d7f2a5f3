"""Cell values: numbers, percentages, the missing-value codes, and refusals."""

from __future__ import annotations

import warnings
from decimal import Decimal

import polars as pl
import pytest

from engines.errors import FileRefused
from engines.perf.values import (
    BLANK,
    CODES,
    OK,
    STATUS_MEANINGS,
    STATUSES,
    classify_columns,
    parse_value,
    status_expr,
    value_expr,
)

SAMPLES = [
    "68%", "68 %", " 68% ", "0%", "100%", "-1.9", "+2", ".5", "5.", "0", "-0", "104",
    "SUPP", "NE", "NP", "NA", "LOWCOV", "NEW", "SP", "RE", "x", "", " ", "\t",
    "abc", "1e3", "1,234", "na", "Supp", "N/A", "--", "%", "68%%", "X", "NaN", "6 8",
]  # fmt: skip


def test_every_status_has_a_meaning() -> None:
    assert set(STATUS_MEANINGS) == set(STATUSES)
    assert STATUSES[0] == OK and STATUSES[-1] == BLANK
    assert set(CODES) == {"SUPP", "NE", "NP", "NA", "LOWCOV", "NEW", "SP", "RE", "x"}


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("68%", "pct", Decimal("68")),
        (" 68 % ", "pct", Decimal("68")),
        ("68", "pct", Decimal("68")),  # the census writes bare percentages
        ("0%", "pct", Decimal("0")),
        ("-1.9", "score", Decimal("-1.9")),
        ("+.5", "score", Decimal("0.5")),
        ("5.", "score", Decimal("5")),
        ("649249", "count", Decimal("649249")),
        ("3", "band", Decimal("3")),
    ],
)
def test_numbers_are_exact(text: str, unit: str, value: Decimal) -> None:
    parsed = parse_value(text, unit=unit)
    assert parsed.status == OK
    assert parsed.value == value
    assert isinstance(parsed.value, Decimal)


@pytest.mark.parametrize("code", list(CODES))
def test_codes_are_kept_never_zero(code: str) -> None:
    assert parse_value(code, unit="pct") == (None, code)
    assert parse_value(f" {code} ", unit="score") == (None, code)


@pytest.mark.parametrize("text", [None, "", " ", "\t  "])
def test_blank_and_whitespace_are_blank(text: str | None) -> None:
    assert parse_value(text) == (None, BLANK)


@pytest.mark.parametrize("text", ["abc", "1e3", "1,234", "na", "Supp", "N/A", "--", "X", "NaN"])
def test_other_text_refuses_with_row_and_column(text: str) -> None:
    with pytest.raises(FileRefused) as info:
        parse_value(text, unit="pct", file="f.csv", row=7, column="PTRWM_EXP")
    error = info.value
    assert (error.file, error.row, error.column) == ("f.csv", 7, "PTRWM_EXP")
    assert "neither a number nor a listed code" in str(error)


def test_percentage_sign_only_in_percentage_columns() -> None:
    with pytest.raises(FileRefused, match="percentage in a score column"):
        parse_value("-1.9%", unit="score", file="f.csv", row=2, column="READPROG")


def test_layout_aliases_map_extra_codes() -> None:
    assert parse_value("c", aliases={"c": "SUPP"}) == (None, "SUPP")


@pytest.mark.parametrize("unit", ["pct", "score", "count", "band"])
def test_vectorised_form_agrees_with_parse_value(unit: str) -> None:
    frame = pl.DataFrame({"c": SAMPLES})
    status = status_expr("c", unit)
    got = frame.select(status.alias("s"), value_expr("c", unit, status).alias("v")).rows()
    for text, (status_text, value_text) in zip(SAMPLES, got, strict=True):
        try:
            expected = parse_value(text, unit=unit)
        except FileRefused:
            assert status_text is None, text
            continue
        assert status_text == expected.status, text
        assert (None if value_text is None else Decimal(value_text)) == expected.value, text


@pytest.mark.parametrize("unit", ["pct", "score", "count", "band"])
def test_column_classification_agrees_with_parse_value(unit: str) -> None:
    texts = [t for t in SAMPLES if t is not None]
    frame = pl.DataFrame({"c": [t.strip() for t in texts], "d": ["c"] * len(texts)})
    got = classify_columns(frame, {"c": unit, "d": "score"}, aliases={"c": "SUPP"})
    assert got.columns == ["c", "d", "c\x00status", "d\x00status", "c\x00value", "d\x00value"]
    rows = got.select("c\x00status", "c\x00value").rows()
    for text, (status_text, value_text) in zip(texts, rows, strict=True):
        try:
            expected = parse_value(text, unit=unit, aliases={"c": "SUPP"})
        except FileRefused:
            assert status_text is None, text
            continue
        assert status_text == expected.status, text
        assert (None if value_text is None else Decimal(value_text)) == expected.value, text
    assert set(got.get_column("d\x00status")) == {"SUPP"}


@pytest.mark.realdata
def test_codes_match_the_published_abbreviations(shared_data) -> None:
    """Every general abbreviation of abbreviations.xlsx is a status, and ``x`` is the only extra."""
    openpyxl = pytest.importorskip("openpyxl")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(
            shared_data / "dfe-perf-tables-2019-meta" / "abbreviations.xlsx", read_only=True
        )
        rows = [
            [c for c in row if c is not None]
            for row in book.active.iter_rows(max_col=2, values_only=True)
        ]
    start = next(i for i, r in enumerate(rows) if r and r[0] == "General abbreviations:")
    listed = set()
    for row in rows[start + 1 :]:
        if row and row[0] == "Notes: ":
            break
        if len(row) == 2:
            listed.add(str(row[0]).strip())
    assert listed == {"NEW", "NE", "NA", "SUPP", "NP", "LOWCOV", "SP", "RE"}
    assert set(CODES) - listed == {"x"}
