"""Parsing generated performance-table files: values, benchmarks, reports and refusals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from engines.errors import FileRefused
from engines.perf.parse import parse_file
from engines.perf.tests.synth import (
    SCHOOL,
    benchmark_rows,
    ks2_text,
    national_ks2_2019_text,
)
from engines.testing.refusals import refused

NAME = "2018-2019_850_ks2final.csv"


def school(**changes: str) -> dict[str, str]:
    """The fixture school row with some cells changed."""
    return {**SCHOOL, **changes}


def write(tmp_path: Path, text: str, name: str = NAME) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def small_file(**options) -> str:
    rows = [school(), school(URN="115852", ESTAB="2002", PTRWM_EXP="NP"), *benchmark_rows()]
    return ks2_text(rows, **options)


# --- values, benchmarks and the report ------------------------------------------------


def test_values_limits_and_statuses(tmp_path: Path) -> None:
    parsed = parse_file(write(tmp_path, small_file()))
    assert parsed.year == 2019 and parsed.layout.id == "ks2_2019"
    rwm = parsed.get("ks2.rwm_expected_pct", "115851")
    assert (rwm.value, rwm.status, rwm.la_code, rwm.kind, rwm.rectype) == (
        Decimal("63"), "ok", "850", "school", "1"
    )  # fmt: skip
    reading = parsed.get("ks2.reading_progress", "115851")
    assert (reading.value, reading.lower, reading.upper) == (
        Decimal("-1.9"), Decimal("-3.4"), Decimal("-0.3")
    )  # fmt: skip
    higher = parsed.get("ks2.rwm_higher_pct", "115851")
    assert (higher.value, higher.lower, higher.upper, higher.status) == (None, None, None, "SUPP")
    assert (higher.source_file, higher.row, higher.year) == (NAME, 2, 2019)
    assert parsed.get("ks2.maths_progress", "115851").status == "NE"
    assert parsed.get("ks2.rwm_expected_pct", "115852").status == "NP"
    # A column the row never reached (trimmed short row) is blank, not zero.
    assert parsed.get("ks2.science_expected_pct", "115851").status == "blank"
    assert parsed.get("ks2.science_expected_pct", "115851").value is None


def test_la_and_national_rows_are_benchmarks(tmp_path: Path) -> None:
    parsed = parse_file(write(tmp_path, small_file()))
    la = parsed.get("ks2.rwm_expected_pct", kind="la")
    assert (la.urn, la.la_code, la.rectype, la.value) == (None, "850", "3", Decimal("68"))
    for rectype in ("4", "5"):
        national = parsed.get("ks2.rwm_expected_pct", kind="national", rectype=rectype)
        assert (national.urn, national.la_code, national.value) == (None, None, Decimal("65"))
    # Whitespace-only cells are blank.
    assert parsed.get("ks2.reading_progress", kind="national", rectype="4").status == "blank"
    assert {r.kind for r in parsed.benchmarks()} == {"la", "national"}


def test_report_counts(tmp_path: Path) -> None:
    report = parse_file(write(tmp_path, small_file())).report
    assert (report.rows_read, report.schools, report.la_rows, report.national_rows) == (5, 2, 1, 2)
    assert report.summary_rows_skipped == 0
    assert report.measures_absent == ()
    assert len(report.measures_present) == 35
    assert report.status_counts["SUPP"] == 2
    assert report.warnings == ()


def test_records_carry_identity(tmp_path: Path) -> None:
    records = parse_file(write(tmp_path, small_file())).records
    first = records.row(0, named=True)
    assert first["urn"] == "115851" and first["laestab"] == "8502001"
    assert first["name"] == "Anystreet Junior School" and first["nftype"] == "CY"
    assert records.filter(records["kind"] == "la").row(0, named=True)["laestab"] is None


def test_rows_are_exact_decimals(tmp_path: Path) -> None:
    rows = list(parse_file(write(tmp_path, small_file())).rows())
    assert len(rows) == 5 * 35
    assert all(r.value is None for r in rows if r.status != "ok")
    assert all(isinstance(r.value, Decimal) for r in rows if r.status == "ok")


@pytest.mark.parametrize("bom", [True, False])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
@pytest.mark.parametrize("trailing", [True, False])
def test_bom_line_ends_and_final_newline_are_all_fine(
    tmp_path: Path, bom: bool, newline: str, trailing: bool
) -> None:
    text = small_file(bom=bom, newline=newline, trailing_newline=trailing)
    parsed = parse_file(write(tmp_path, text))
    assert parsed.report.schools == 2
    assert parsed.get("ks2.rwm_expected_pct", "115851").value == 63


def test_bytes_and_a_display_name(tmp_path: Path) -> None:
    parsed = parse_file(small_file().encode(), name=NAME)
    assert parsed.source_file == NAME and parsed.report.schools == 2


# --- refusals ---------------------------------------------------------------------------


def test_text_that_is_not_a_code_refuses_with_row_and_column(tmp_path: Path) -> None:
    rows = [
        school(),
        school(URN="115852", ESTAB="2002", READPROG_UPPER="about 2"),
        *benchmark_rows(),
    ]
    path = write(tmp_path, ks2_text(rows))
    refused(lambda: parse_file(path), file=NAME, row=3, column="READPROG_UPPER", says="'about 2'")


def test_the_bad_row_as_the_last_row(tmp_path: Path) -> None:
    rows = [school(), *benchmark_rows()[:2], {**benchmark_rows()[2], "PTRWM_EXP": "n/a"}]
    path = write(tmp_path, ks2_text(rows, trailing_newline=False))
    refused(lambda: parse_file(path), file=NAME, row=5, column="PTRWM_EXP", says="listed code")


def test_leftmost_bad_cell_of_the_first_bad_row(tmp_path: Path) -> None:
    rows = [school(MATPROG="?", PTRWM_EXP="high"), school(URN="2", TELIG="many")]
    path = write(tmp_path, ks2_text(rows))
    refused(lambda: parse_file(path), file=NAME, row=2, column="PTRWM_EXP")


def test_percentage_in_a_score_column(tmp_path: Path) -> None:
    path = write(tmp_path, ks2_text([school(READPROG="-1.9%")]))
    refused(lambda: parse_file(path), file=NAME, row=2, column="READPROG", says="percentage")


def test_cut_off_inside_a_quoted_field(tmp_path: Path) -> None:
    text = ks2_text([school(), school(URN="115852")]) + '\r\n1,,850,2003,115853,"Unfinished Sch'
    path = write(tmp_path, text)
    refused(lambda: parse_file(path), file=NAME, row=4, column="SCHNAME", says="quoted field")


def test_last_row_without_its_key_columns_is_cut_off(tmp_path: Path) -> None:
    text = ks2_text([school(), school(URN="115852")]) + "\r\n1,ALPHA,850"
    path = write(tmp_path, text)
    refused(
        lambda: parse_file(path), file=NAME, row=4, column="ESTAB", says="stops before key column"
    )


@pytest.mark.parametrize("renamed", ["URN_", "urn"])
def test_renamed_key_column(tmp_path: Path, renamed: str) -> None:
    text = small_file().replace(",URN,", f",{renamed},", 1)
    path = write(tmp_path, text)
    refused(lambda: parse_file(path), file=NAME, row=1, column="URN", says="no URN column")
    refused(lambda: parse_file(path, "ks2_2019"), file=NAME, row=1, column="URN", says="renamed?")


def test_renamed_measure_column(tmp_path: Path) -> None:
    path = write(tmp_path, small_file().replace(",READ_AVERAGE,", ",READAVERAGE,", 1))
    refused(
        lambda: parse_file(path),
        file=NAME,
        row=1,
        column="READ_AVERAGE",
        says="found 'READAVERAGE': renamed?",
    )


def test_duplicate_school_urn(tmp_path: Path) -> None:
    rows = [school(), school(ESTAB="2002", URN="115852"), school(ESTAB="2003"), *benchmark_rows()]
    path = write(tmp_path, ks2_text(rows))
    refused(lambda: parse_file(path), file=NAME, row=4, column="URN", says="rows 2 and 4")


def test_duplicate_benchmark_rows(tmp_path: Path) -> None:
    rows = [school(), *benchmark_rows(), benchmark_rows()[2]]
    path = write(tmp_path, ks2_text(rows))
    refused(lambda: parse_file(path), file=NAME, row=6, column="RECTYPE", says="appears twice")


@pytest.mark.parametrize(("urn", "says"), [("", "no URN"), ("11585X", "not a number")])
def test_school_rows_need_a_urn(tmp_path: Path, urn: str, says: str) -> None:
    path = write(tmp_path, ks2_text([school(), school(URN=urn, ESTAB="9", SCHNAME="x")]))
    refused(lambda: parse_file(path), file=NAME, row=3, column="URN", says=says)


def test_unknown_record_type(tmp_path: Path) -> None:
    path = write(tmp_path, ks2_text([school(), school(URN="2", RECTYPE="7")]))
    refused(lambda: parse_file(path), file=NAME, row=3, column="RECTYPE", says="'7' is not one of")


def test_another_years_layout_named_as_a_different_year(tmp_path: Path) -> None:
    """A 2016-17 file (no PTRWM_EXP_3YR) saved under a 2018-19 name is refused."""
    rows = [{k: v for k, v in school().items() if k != "READPROG_DESCR"}]
    path = write(tmp_path, ks2_text(rows, year=2017), name=NAME)
    error = refused(lambda: parse_file(path), file=NAME, row=1, column=None, says="ks2_2017")
    assert "lacks PTRWM_EXP_3YR" in str(error) and "2018-2019" in str(error)
    # The same bytes under their own year's name are fine.
    good = write(tmp_path, ks2_text(rows, year=2017), name="2016-2017_850_ks2final.csv")
    assert parse_file(good).year == 2017


def test_a_ks2_header_named_as_ks4(tmp_path: Path) -> None:
    path = write(tmp_path, small_file(), name="2018-2019_850_ks4final.csv")
    refused(lambda: parse_file(path), file=path.name, row=1, column=None, says="'ks4final'")


def test_explicit_layout_must_match(tmp_path: Path) -> None:
    path = write(tmp_path, small_file())
    refused(lambda: parse_file(path, "ks2_2018"), file=NAME, row=1, column="PTRWM_EXP_16")
    refused(lambda: parse_file(path, "no_such"), file=NAME, row=None, column=None, says="no layout")


def test_caller_year_must_agree(tmp_path: Path) -> None:
    path = write(tmp_path, small_file())
    assert parse_file(path, year=2019).year == 2019
    refused(lambda: parse_file(path, year=2018), file=NAME, row=None, column=None, says="not 2018")


def test_non_consecutive_years_in_the_name(tmp_path: Path) -> None:
    path = write(tmp_path, small_file(), name="2017-2019_850_ks2final.csv")
    refused(lambda: parse_file(path), file=path.name, row=None, column=None, says="consecutive")


def test_a_spreadsheet_is_not_a_csv(tmp_path: Path) -> None:
    path = tmp_path / NAME
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    refused(lambda: parse_file(path), file=NAME, row=None, column=None, says="xlsx")


def test_unknown_header(tmp_path: Path) -> None:
    path = write(tmp_path, "A,B\n1,2", name="whatever.csv")
    refused(
        lambda: parse_file(path), file="whatever.csv", row=1, column=None, says="no known layout"
    )


# --- other layouts -----------------------------------------------------------------------


CENSUS_HEADER = (
    "URN,LA,ESTAB,SCHOOLTYPE,NOR,NORG,NORB,PNORG,PNORB,TSENELSE,PSENELSE,TSENELK,PSENELK,NUMEAL,"
    "NUMENGFL,NUMUNCFL,PNUMEAL,PNUMENGFL,PNUMUNCFL,NUMFSM,NUMFSMEVER,PNUMFSMEVER"
)


def test_census_summary_rows_are_skipped_not_refused() -> None:
    text = "\n".join(
        [
            "\ufeff" + CENSUS_HEADER,
            "100000,201,3614,State-funded primary,285,141,144,49.5,50.5,5,1.8,50,17.5,141,143,1,49.5,50.2,0.4,32,38,16.2",
            "100001,201,6005,Independent school,752,752,0,100,0,0,0,58,7.7,NA,NA,NA,NA,NA,NA,NA,NA,NA",
            ",201,,,,,,,,,,,,,,,,,,,,",
            "NAT,,SEC,State-funded secondary,3327970,1658168,1669802,49.8,50.2,55233,1.7,358555,10.8,561002,2751742,15226,16.9,82.7,0.5,468779,808599,27.7",
        ]
    )
    parsed = parse_file(text.encode(), name="england_census.csv")
    report = parsed.report
    assert (report.layout, report.year, report.rows_read) == ("census_2019", 2019, 4)
    assert (report.schools, report.summary_rows_skipped) == (2, 2)
    assert parsed.get("census.sen_ehcp_pct", "100000").value == Decimal("1.8")
    assert parsed.get("census.fsm_ever6_pct", "100000").value == Decimal("16.2")
    assert parsed.get("census.eal_pct", "100001").status == "NA"
    assert parsed.records.row(0, named=True)["school_type"] == "State-funded primary"
    assert any("year 2019 comes from layout census_2019" in w for w in report.warnings)
    assert parse_file(text.encode(), name="england_census.csv", year=2019).report.warnings == ()


def test_partial_layout_reports_absent_measures() -> None:
    header = "RECTYPE,LEA,ESTAB,URN,SCHNAME,ATT8SCR,P8MEA,P8CILOW,P8CIUPP"
    text = "\n".join(
        [header, "1,201,4000,137181,The School,47.1,0.12,-0.1,0.34", "7,,,,,46.5,-0.03,,"]
    )
    parsed = parse_file(text.encode(), name="england_ks4provisional.csv")
    assert parsed.layout.id == "ks4_provisional_2019"
    assert parsed.report.measures_present == ("ks4.attainment8", "ks4.progress8")
    assert "ks4.ebacc_aps" in parsed.report.measures_absent
    assert "ks4.progress8_english" in parsed.report.measures_absent
    p8 = parsed.get("ks4.progress8", "137181")
    assert (p8.value, p8.lower, p8.upper) == (Decimal("0.12"), Decimal("-0.1"), Decimal("0.34"))
    assert parsed.get("ks4.progress8", kind="national").value == Decimal("-0.03")
    # A measure without its limit columns still imports, without limits.
    trimmed = text.replace(",P8CIUPP", ",OTHER")
    partial = parse_file(trimmed.encode(), name="england_ks4provisional.csv")
    p8 = partial.get("ks4.progress8", "137181")
    assert (p8.value, p8.lower, p8.upper) == (Decimal("0.12"), None, None)
    assert any("no P8CIUPP column" in w for w in partial.report.warnings)
    # Without "ks4provisional" in its name the trimmed file matches no layout.
    with pytest.raises(FileRefused, match="nearest is ks4_provisional_2019"):
        parse_file(text.encode(), name="england_ks4.csv")


def test_record_types_can_be_words() -> None:
    header = open_header("ks4_destinations_2019")
    rows = [
        {"RECTYPE": "1", "LEA": "202", "ESTAB": "4000", "URN": "137181", "OVERALL_DESTPER": "94%", "APPRENPER": "SP"},
        {"RECTYPE": "LA", "LEA": "938", "OVERALL_DESTPER": "95%"},
        {"RECTYPE": "NAT", "OVERALL_DESTPER": "94%"},
    ]  # fmt: skip
    text = "\n".join([",".join(header)] + [",".join(r.get(c, "") for c in header) for r in rows])
    parsed = parse_file(text.encode(), name="england_ks4-pupdest.csv")
    assert parsed.get("dest.apprenticeship_pct", "137181").status == "SP"
    assert parsed.get("dest.overall_pct", kind="la").la_code == "938"
    assert parsed.get("dest.overall_pct", kind="national").value == Decimal("94")


def open_header(layout_id: str) -> list[str]:
    """A header with every column a layout needs (keys, signature and mapped columns)."""
    from engines.perf.mapping import get_layout

    lay = get_layout(layout_id)
    columns = [*lay.key_columns, *lay.requires, *lay.attributes.values()]
    columns += [c for m in lay.measures for c in m.columns]
    return list(dict.fromkeys(columns))


def test_post_2023_example_layout_takes_its_year_from_the_name() -> None:
    header = open_header("ks2_2023")
    row = {"RECTYPE": "1", "LEA": "850", "ESTAB": "2001", "URN": "115851", "PTRWM_EXP": "61%"}
    text = ",".join(header) + "\n" + ",".join(row.get(c, "") for c in header)
    parsed = parse_file(text.encode(), name="2024-2025_850_ks2final.csv")
    assert (parsed.layout.id, parsed.year) == ("ks2_2023", 2025)
    assert parsed.get("ks2.rwm_expected_pct", "115851").value == 61
    assert "ks2.reading_progress" not in parsed.report.measures_present
    assert any("unverified" in w for w in parsed.report.warnings)
    with pytest.raises(FileRefused, match="pass year="):
        parse_file(text.encode(), name="england_ks2final.csv")
    assert parse_file(text.encode(), name="england_ks2final.csv", year=2024).year == 2024


# --- speed -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def national_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("national") / "2018-2019_england_ks2final.csv"
    path.write_bytes(national_ks2_2019_text(16_000).encode("utf-8"))
    return path


def test_a_national_size_ks2_file_parses_whole(national_file: Path) -> None:
    """Its speed is measured by `make bench` (bench/evidence_ks2.py), never asserted here."""
    parsed = parse_file(national_file)
    report = parsed.report
    assert (report.schools, report.la_rows, report.national_rows) == (16_000, 150, 2)
    assert len(parsed.layout.measures) == 35
    assert parsed.values.height == 16_152 * 35


# --- the direct polars read and the strict reader agree ----------------------------------


def _quoted_name(text: str, name: str) -> str:
    return text.replace("Anystreet Junior School", name, 1)


PLAIN = small_file()
TRICKY = {
    "plain": PLAIN,
    "no BOM, LF, final newline": small_file(bom=False, newline="\n", trailing_newline=True),
    "a quoted name with commas": _quoted_name(PLAIN, '"Smith, Jones and Co, School"'),
    "a quoted name with an escaped quote": _quoted_name(PLAIN, '"The ""Best"" School"'),
    "a quoted name over two lines": _quoted_name(PLAIN, '"Two\r\nLines School"'),
    "a blank line in the middle": PLAIN.replace("\r\n3,", "\r\n\r\n3,", 1),
    "a line of commas and spaces": PLAIN.replace("\r\n3,", "\r\n , ,,\t,\r\n3,", 1),
    "a line of quoted blanks": PLAIN.replace("\r\n3,", '\r\n"",""," "\r\n3,', 1),
    "a line of non-breaking spaces": PLAIN.replace("\r\n3,", "\r\n\u00a0,\u00a0\r\n3,", 1),
    "a header with trailing commas": PLAIN.replace("\r\n", ",,\r\n", 1),
    "a row longer than the header": PLAIN + "," * 400,
    "a lone carriage return": _quoted_name(PLAIN, "Old\rMac School"),
    "not a code (refused)": _quoted_name(PLAIN, "X").replace("-1.9", "about 2", 1),
    "cut off in a quoted field (refused)": PLAIN + '\r\n1,,850,2003,115853,"Unfinished Sch',
    "a short last row (refused)": PLAIN + "\r\n1,ALPHA,850",
    "a short row in the middle (refused)": PLAIN.replace("\r\n3,", "\r\n1,ALPHA\r\n3,", 1),
    "a row without keys (refused)": PLAIN.replace("\r\n3,", "\r\n,,,,Name only\r\n3,", 1),
    "a repeated header name (refused)": PLAIN.replace("ALPHAIND", "LEA", 1),
    "not UTF-8 (refused)": PLAIN.replace("Anystreet", "Any\udcffstreet", 1),
}


def _outcome(data: bytes) -> object:
    try:
        parsed = parse_file(data, name=NAME)
    except FileRefused as error:
        return ("refused", error.row, error.column, str(error))
    return (parsed.values.rows(), parsed.records.rows(), parsed.report)


@pytest.mark.parametrize("case", list(TRICKY))
def test_the_direct_read_and_the_strict_reader_agree(case: str, monkeypatch) -> None:
    from engines.perf import parse

    data = TRICKY[case].encode("utf-8", errors="surrogateescape")
    direct = _outcome(data)
    monkeypatch.setattr(parse, "_plain_cells", lambda *args: None)
    assert direct == _outcome(data)


def test_plain_files_take_the_direct_read() -> None:
    from engines.perf import parse
    from engines.perf.mapping import get_layout

    layout = get_layout("ks2_2019")
    wanted = {"RECTYPE", "LEA", "ESTAB", "URN", "PTRWM_EXP"}
    for case in ("plain", "no BOM, LF, final newline", "a quoted name with commas",
                 "a blank line in the middle", "a line of commas and spaces"):  # fmt: skip
        data = TRICKY[case].encode("utf-8")
        assert parse._plain_cells(data, layout, wanted) is not None, case
    for case in ("a quoted name over two lines", "a lone carriage return",
                 "cut off in a quoted field (refused)", "a short last row (refused)"):  # fmt: skip
        data = TRICKY[case].encode("utf-8")
        assert parse._plain_cells(data, layout, wanted) is None, case
