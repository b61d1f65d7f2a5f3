"""Generated evidence files and rows for tests (no real data needed)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import connection

from engines.ofsted.tests.synth import mi_row, mi_text  # noqa: F401  (re-exported for the tests)
from engines.perf.tests.synth import benchmark_rows, ks2_text  # noqa: F401
from school_improvement.core.models import AuditEvent
from school_improvement.evidence.models import (
    Benchmark,
    CensusPoolSchool,
    Inspection,
    LaRegion,
    Measure,
    SpineEstablishment,
)

TABLES = {
    Measure: "urn, year, measure, source_kind",
    Benchmark: "kind, la_code, year, measure, source_kind",
    Inspection: "urn_at_inspection, era, inspection_date",
    CensusPoolSchool: "year, urn",
    SpineEstablishment: "year, urn",
    LaRegion: "la_code",
}
CENSUS_HEADER = ("URN,LA,ESTAB,SCHOOLTYPE,NOR,NORG,NORB,PNORG,PNORB,TSENELSE,PSENELSE,TSENELK,PSENELK,"
                 "NUMEAL,NUMENGFL,NUMUNCFL,PNUMEAL,PNUMENGFL,PNUMUNCFL,NUMFSM,NUMFSMEVER,PNUMFSMEVER")


def checksum(model, order: str, *, with_ids: bool = True) -> str | None:
    """md5 of every row of the model's table (PostgreSQL); without ids to compare two paths."""
    table = model._meta.db_table
    columns = "t" if with_ids else "(" + ", ".join(
        f"t.{f.column}" for f in model._meta.concrete_fields if f.column != "id") + ")"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT md5(string_agg({columns}::text, '' ORDER BY {order})) FROM {table} t")  # noqa: S608
        return cursor.fetchone()[0]


def state(*, with_ids: bool = True) -> dict[str, object]:
    """Checksums of every evidence table and the audit count: equal means nothing changed."""
    out: dict[str, object] = {m.__name__: checksum(m, order, with_ids=with_ids) for m, order in TABLES.items()}
    out["audit_events"] = AuditEvent.objects.count()
    return out


def ks2_school(urn: int, la: str = "850", **values: str) -> dict[str, str]:
    row = {"RECTYPE": "1", "LEA": la, "ESTAB": str(2000 + urn % 1000), "URN": str(urn),
           "SCHNAME": f"School {urn}", "NFTYPE": "CY"}
    row.update(values)
    return row


def ks2_file(rows: Sequence[dict[str, str]], *, year: int = 2019, **options) -> bytes:
    return ks2_text(rows, year=year, **options).encode("utf-8")


def census_file(rows: Iterable[Sequence[object]], *, bom: bool = True) -> bytes:
    """A census file from (urn, la, schooltype, nor, numfsm, psenelse, psenelk) rows."""
    lines = [CENSUS_HEADER]
    for urn, la, school_type, nor, fsm, ehcp, support in rows:
        values = [urn, la, 2000 + int(urn) % 1000, school_type, nor, "", "", "", "", "", ehcp, "", support,
                  "", "", "", "", "", "", fsm, "", ""]
        lines.append(",".join(str(v) for v in values))
    return (b"\xef\xbb\xbf" if bom else b"") + "\n".join(lines).encode("utf-8")


def measures_for(urn: int, years: Iterable[int], *, la: str = "998", source_kind: str = "ks2") -> None:
    """Stored KS2 values for a school over some years, with LA and national benchmarks."""
    rows, marks = [], []
    for year in years:
        for code, value, lower, upper in (
            ("ks2.pupils_eligible", "30", None, None), ("ks2.rwm_expected_pct", "70", None, None),
            ("ks2.reading_progress", "1.5", "0.2", "2.8"), ("ks2.maths_progress", None, None, None),
            ("census.pupils", "210", None, None),
        ):
            status = "ok" if value is not None else "SUPP"
            kind = "census" if code.startswith("census") else source_kind
            rows.append(Measure(urn=urn, year=year, measure=code, source_kind=kind, status=status,
                                value=Decimal(value) if value else None, lower=Decimal(lower) if lower else None,
                                upper=Decimal(upper) if upper else None, source_file=f"{year}.csv"))
            for bench_kind, code_la in (("la", la), ("national_state", ""), ("national_all", "")):
                if kind == "census":
                    continue
                marks.append(Benchmark(kind=bench_kind, la_code=code_la, year=year, measure=code,
                                       source_kind=kind, status="ok", value=Decimal("65"), source_file=f"{year}.csv"))
    Measure.objects.bulk_create(rows)
    Benchmark.objects.bulk_create(marks, ignore_conflicts=True)


def load_world_evidence(folder) -> None:
    """Three years of generated KS2 results, a census pool and an inspection for the test world
    (schools 990001-990003 of LA 998), imported through the importers."""
    from engines.synthetic.ks2 import KS2_YEARS, write_ks2
    from school_improvement.evidence.imports import import_ofsted_mi, import_performance

    pool = [(990001, 998, "State-funded primary", 200, 24, 2.0, 12.0),
            (990002, 998, "State-funded primary", 420, 30, 1.0, 9.0),
            (990003, 998, "State-funded primary", 90, 30, 3.5, 20.0)]
    pool += [(980000 + i, 997 if i % 3 else 998, "State-funded primary", 80 + 11 * i, 5 + i % 17,
              1 + (i % 5) * 0.5, 8 + i % 9) for i in range(45)]
    schools = [(urn, la) for urn, la, *_ in pool]
    for year in KS2_YEARS:
        path = write_ks2(folder / f"{year}_998_ks2final.csv", year=year, schools=schools, seed=7)
        import_performance(data=path)
    import_performance(data=census_file(pool), filename="england_census.csv")
    mi = mi_text([
        mi_row("990001", **{"Inspection number of latest OEIF graded inspection": "10200300",
                            "Inspection start date of latest OEIF graded inspection": "04/10/2022",
                            "Publication date of latest OEIF graded inspection": "15/11/2022",
                            "URN at time of latest OEIF graded inspection": "990001",
                            "Latest OEIF overall effectiveness": "2", "Latest OEIF quality of education": "2",
                            "Latest OEIF behaviour and attitudes": "1", "Latest OEIF personal development": "2",
                            "Latest OEIF effectiveness of leadership and management": "2",
                            "Latest OEIF  safeguarding is effective?": "Yes"}),
    ])
    import_ofsted_mi(data=mi.encode("utf-8"), filename="ofsted_mi.csv")


def workbook(rows: Sequence[Sequence[object]], *, sheet: str = "england") -> bytes:
    """An .xlsx workbook of one sheet holding ``rows`` (the first is the header)."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


#: The 2017-18 spine's columns, in the published order.
SPINE_HEADER = [
    "URN", "LA", "ESTAB", "LAESTAB", "SCHNAME", "OTHERSCHNAME", "STREET", "LOCALITY", "ADDRESS3", "TOWN",
    "POSTCODE", "TELNUM", "ICLOSE", "OPENDATE", "CLOSEDATE", "ISNEW", "MINORGROUP", "NFTYPE", "OTHERNFTYPE",
    "ISPRIMARY", "ISSECONDARY", "ISPOST16", "AGEL", "AGEH", "GENDER", "SIXFGENDER", "RELDENOM", "ADMPOL",
    "OTHERURN", "NEWACFLAG", "RE-BROKERED",
]


def spine_row(urn: int, **values: object) -> dict[str, object]:
    """A spine row (column -> value): an open community primary school unless told otherwise."""
    row: dict[str, object] = {
        "URN": urn, "LA": 936, "ESTAB": 2000 + urn % 1000, "LAESTAB": 9362000 + urn % 1000,
        "SCHNAME": f"School {urn}", "TOWN": "Woking", "POSTCODE": "GU1 1AA", "ICLOSE": 1, "ISNEW": 0,
        "MINORGROUP": "Maintained School", "NFTYPE": "Community school", "ISPRIMARY": 1, "ISSECONDARY": 0,
        "ISPOST16": 0, "AGEL": 4, "AGEH": 11, "GENDER": "Mixed", "RELDENOM": "Does not apply",
        "ADMPOL": "Not recorded", "NEWACFLAG": 6,
    }
    row.update(values)
    return row


def spine_workbook(rows: Iterable[dict[str, object]], *, header: Sequence[str] = SPINE_HEADER) -> bytes:
    return workbook([list(header), *([row.get(c) for c in header] for row in rows)])
