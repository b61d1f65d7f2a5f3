"""Importers for hard evidence: DfE performance-table files, the performance-tables spine,
Ofsted management information and LAIT's LA regions.

Each service reads the whole file with the pure engines first (``engines.perf.parse_file``,
``engines.perf.establishments.parse_establishments``, ``engines.ofsted.mi.parse_mi``,
``engines.ingest.la.parse_la_code_list``), which refuse a bad file with file, row and column
(``FileRefused``); it checks every value fits the database, then writes everything in one
``transaction.atomic()``, so a refused or failed file leaves the database exactly as before.

* Performance tables (KS2, KS4 final and provisional, census, absence, KS4 destinations):
  school rows go to :class:`Measure` (one row per school, year, measure and file family), LA
  and national rows to :class:`Benchmark`. A census file also refreshes that year's
  :class:`CensusPoolSchool` rows, the national pool of the similar-pupils comparator.
* Ofsted MI: one :class:`Inspection` row per dated inspection block. MI files hold only the
  latest inspections, so earlier inspections already stored are kept: successive files build
  the history.
* The spine (xlsx): one :class:`SpineEstablishment` per establishment and year (school type,
  phase, ages, opening and closing, the other URN of a conversion).
* LAIT's ``la_code_list.xlsx``: one :class:`LaRegion` per LA number, the regions "same region
  first" of the similar-pupils comparator uses.

Change detection compares the values and statuses only (not the file name), so importing the
same file twice, or the national rows two LA files share, writes nothing the second time: no
rows and no audit. An import that changes anything writes one ``import`` audit row with the
counts and the before/after of the changed values (up to ``AUDIT_CHANGE_LIMIT``).

PostgreSQL has a fast path: the rows are COPYed (CSV straight from the polars frame, chunk by
chunk, in key order) into a temporary staging table, then one ``INSERT ... ON CONFLICT DO
UPDATE`` writes the new and changed rows only; when the table holds none of the file's keys yet
(a file family's first file of a year, or another LA's file of it) they are COPYed straight into
the table. Measure's key is its primary key (no surrogate id), so those rows maintain one index.
Every other database (the SQLite demo) takes the generic ORM path; both give the same rows, and
``engine="generic"`` forces the ORM path for tests.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import polars as pl
from django.db import DatabaseError, connection, models, transaction

from engines.errors import FileRefused
from engines.ingest.la import parse_la_code_list
from engines.ingest.tabular import read_source
from engines.ofsted import mi
from engines.perf.establishments import EstablishmentFile, parse_establishments
from engines.perf.mapping import Layout, layouts
from engines.perf.parse import ParsedFile, detect_layout, parse_file, read_header
from engines.stats.comparator import PHASE_BY_SCHOOLTYPE
from school_improvement.core import audit
from school_improvement.core.models import Council
from school_improvement.register.imports import ImportResult, ProgressLike

from .models import (
    VALUE_DIGITS,
    VALUE_PLACES,
    Benchmark,
    CensusPoolSchool,
    Inspection,
    LaRegion,
    Measure,
    SpineEstablishment,
)

Engine = Literal["auto", "postgresql", "generic"]
Source = bytes | str | Path

#: Changed values listed (before and after) in an import's audit row; beyond that, a count.
AUDIT_CHANGE_LIMIT = 1_000
_QUANTUM = Decimal(1).scaleb(-VALUE_PLACES)
_INTEGER_DIGITS = VALUE_DIGITS - VALUE_PLACES


class _NoProgress:
    def update(self, done: int, total: int | None = None, message: str = "") -> None:
        return None


@dataclass
class EvidenceImportResult(ImportResult):
    """An import's counts, plus lines of its own for the job's result page."""

    extra: list[list[Any]] = field(default_factory=list)

    def summary(self) -> list[list[Any]]:
        return super().summary() + self.extra


def _use_postgres(engine: Engine) -> bool:
    if engine == "generic":
        return False
    if engine == "postgresql":
        if connection.vendor != "postgresql":
            raise ValueError("engine='postgresql' needs a PostgreSQL database")
        return True
    return connection.vendor == "postgresql"


# --------------------------------------------------------------------------
# One upsert, two paths


@dataclass
class _Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class _Table:
    """How one model is written: its key, the fields written and those compared."""

    model: type[models.Model]
    keys: tuple[str, ...]
    fields: tuple[str, ...]  # written on create and update (keys excluded)
    compare: tuple[str, ...]  # a row changes when one of these differs

    @property
    def columns(self) -> tuple[str, ...]:
        return self.keys + self.fields


MEASURES = _Table(Measure, ("urn", "year", "measure", "source_kind"),
                  ("value", "lower", "upper", "status", "provisional", "source_file"),
                  ("value", "lower", "upper", "status", "provisional"))
BENCHMARKS = _Table(Benchmark, ("kind", "la_code", "year", "measure", "source_kind"),
                    ("value", "lower", "upper", "status", "provisional", "source_file"),
                    ("value", "lower", "upper", "status", "provisional"))
POOL = _Table(CensusPoolSchool, ("year", "urn"),
              ("la_code", "school_type", "phase", "pupils", "fsm_pct", "sen_pct", "source_file"),
              ("la_code", "school_type", "phase", "pupils", "fsm_pct", "sen_pct"))
SPINE_FIELDS = ("la_code", "estab", "laestab", "name", "nftype", "other_nftype", "minor_group", "is_primary",
                "is_secondary", "is_post16", "age_low", "age_high", "close_status", "open_date", "close_date",
                "is_new", "other_urn")
SPINE = _Table(SpineEstablishment, ("year", "urn"), (*SPINE_FIELDS, "source_file"), SPINE_FIELDS)
LA_REGIONS = _Table(LaRegion, ("la_code",), ("la_name", "region", "la_type", "source_file"),
                    ("la_name", "region", "la_type"))
INSPECTIONS = _Table(
    Inspection, ("urn_at_inspection", "era", "inspection_date"),
    ("urn", "publication_date", "inspection_number", "inspection_type", "overall", "judgements",
     "judgement_dates", "safeguarding", "category_of_concern", "school_name_at_inspection", "source_file"),
    ("urn", "publication_date", "inspection_number", "inspection_type", "overall", "judgements",
     "judgement_dates", "safeguarding", "category_of_concern", "school_name_at_inspection"),
)


def _upsert(table: _Table, frame: pl.DataFrame, *, engine: Engine, scope: dict[str, Any],
            presorted: bool = False) -> _Outcome:
    """Write ``frame`` (columns ``table.columns``) into the table; new and changed rows only.

    ``scope`` narrows the rows the generic path reads back (every row of the frame has it).
    PostgreSQL gets the rows in key order (faster index writes): ``presorted`` says the frame
    is already in that order.
    """
    if frame.height == 0:
        return _Outcome()
    frame = frame.select(table.columns)
    if _use_postgres(engine):
        return _pg_upsert(table, frame if presorted else frame.sort(list(table.keys)), scope)
    return _generic_upsert(table, frame, scope)


def _python_values(table: _Table, frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    """The frame's rows as model values (exact decimals, parsed JSON)."""
    converters: list[Callable[[Any], Any] | None] = []
    for name in table.columns:
        f = table.model._meta.get_field(name)
        if isinstance(f, models.DecimalField):
            converters.append(lambda v: None if v is None else Decimal(v).quantize(_QUANTUM))
        elif isinstance(f, models.JSONField):
            converters.append(lambda v: {} if v is None else json.loads(v))
        else:
            converters.append(None)
    rows = []
    for row in frame.iter_rows():
        rows.append(tuple(v if c is None else c(v) for v, c in zip(row, converters, strict=True)))
    return rows


def _generic_upsert(table: _Table, frame: pl.DataFrame, scope: dict[str, Any]) -> _Outcome:
    """ORM upsert: read what exists in the scope, compare, bulk-create and bulk-update."""
    model, n = table.model, len(table.keys)
    composite = isinstance(model._meta.pk, models.CompositePrimaryKey)  # the key is the primary key
    incoming = {row[:n]: row[n:] for row in _python_values(table, frame)}
    compare_at = [table.fields.index(c) for c in table.compare]
    lookup = table.keys[0]
    probe = sorted({key[0] for key in incoming})
    existing: dict[tuple[Any, ...], tuple[int, tuple[Any, ...]]] = {}
    for start in range(0, len(probe), 2_000):
        chunk = probe[start : start + 2_000]
        rows = model._default_manager.filter(**scope, **{f"{lookup}__in": chunk}).values_list(
            "pk", *table.columns)
        for row in rows:
            existing[tuple(row[1 : 1 + n])] = (row[0], tuple(row[1 + n :]))
    out = _Outcome()
    to_create, to_update = [], []
    for key, values in incoming.items():
        found = existing.get(key)
        if found is None:
            out.created += 1
            to_create.append(model(**dict(zip(table.columns, key + values, strict=True))))
            continue
        old = found[1]
        if all(old[i] == values[i] for i in compare_at):
            out.unchanged += 1
            continue
        out.updated += 1
        if len(out.changes) < AUDIT_CHANGE_LIMIT:
            out.changes.append(_change(table, key, old, values))
        fields = dict(zip(table.columns, key + values, strict=True))
        to_update.append(model(**fields) if composite else model(pk=found[0], **fields))
    model._default_manager.bulk_create(to_create, batch_size=500)
    if to_update:
        model._default_manager.bulk_update(to_update, list(table.fields), batch_size=500)
    return out


def _audit_value(value: Any) -> Any:
    """A value as PostgreSQL prints it (``::text``), so both paths audit alike; JSON stays JSON."""
    if value is None or isinstance(value, dict | list):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _change(table: _Table, key: Sequence[Any], old: Sequence[Any], new: Sequence[Any]) -> dict[str, Any]:
    """One changed row for the audit: its key and the compared fields that differ."""
    before, after = {}, {}
    for name in table.compare:
        i = table.fields.index(name)
        a, b = old[i], new[i]
        if isinstance(a, str) and isinstance(b, dict | list):
            a = json.loads(a)
        if a != b:
            before[name], after[name] = _audit_value(a), _audit_value(b)
    return {"key": [_audit_value(k) for k in key], "before": before, "after": after}


def _pg_upsert(table: _Table, frame: pl.DataFrame, scope: dict[str, Any]) -> _Outcome:
    """COPY into a temporary staging table, then one statement writes new and changed rows.

    When the table holds none of the rows' keys yet (a file family's first file of a year, or
    another LA's file of it), the rows are COPYed straight into the table: nothing can be
    changed or unchanged, and the unique key still refuses a row that is there after all. The
    test reads the key index only (the first key column's values within the scope). Rows arrive
    sorted by the key, which keeps the index writes local.

    The transaction commits without waiting for the WAL flush (``synchronous_commit off``):
    a crash in that instant can lose the whole import, never half of it.
    """
    model = table.model
    q = connection.ops.quote_name
    target = q(model._meta.db_table)
    column = {name: q(model._meta.get_field(name).column) for name in table.columns}  # type: ignore[union-attr,arg-type]
    char_fields = [n for n in table.columns if isinstance(model._meta.get_field(n), models.CharField)]
    frame = frame.with_columns([pl.col(n).fill_null("") for n in char_fields])
    stage = f"{model._meta.db_table}_stage"
    keys = [column[k] for k in table.keys]
    cols = [column[c] for c in table.columns]
    old = ", ".join(f"t.{column[c]} AS old_{i}" for i, c in enumerate(table.compare))
    differs = (f"({', '.join('t.' + column[c] for c in table.compare)}) IS DISTINCT FROM "
               f"({', '.join('s.' + column[c] for c in table.compare)})")
    on = " AND ".join([f"t.{k} = s.{k}" for k in keys] + [f"t.{column[n]} = %s" for n in scope])
    updates = ", ".join(f"{column[f]} = EXCLUDED.{column[f]}" for f in table.fields)
    json_fields = {n for n in table.columns if isinstance(model._meta.get_field(n), models.JSONField)}

    def text(expr: str, name: str) -> str:
        return expr if name in json_fields else f"{expr}::text"

    detail_cols = ", ".join(
        [f"'k{i}', {text('c.' + column[k], k)}" for i, k in enumerate(table.keys)]
        + [f"'o{i}', {text(f'c.old_{i}', name)}" for i, name in enumerate(table.compare)]
        + [f"'n{i}', {text('c.' + column[name], name)}" for i, name in enumerate(table.compare)]
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        within = "".join(f" AND {column[name]} = %s" for name in scope)
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {target} WHERE {keys[0]} = ANY(%s){within})",  # noqa: S608
            [frame.get_column(table.keys[0]).unique().to_list(), *scope.values()])
        if not cursor.fetchone()[0]:
            _copy_csv(cursor, f"COPY {target} ({', '.join(cols)}) FROM STDIN (FORMAT csv)", frame)
            return _Outcome(created=frame.height)
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{stage}")
        cursor.execute(f"CREATE TEMP TABLE {stage} AS SELECT {', '.join(cols)} FROM {target} WITH NO DATA")  # noqa: S608 (names from the model)
        _copy_csv(cursor, f"COPY {stage} ({', '.join(cols)}) FROM STDIN (FORMAT csv)", frame)
        cursor.execute(f"ANALYZE {stage}")
        cursor.execute(
            f"WITH changed AS MATERIALIZED ("  # noqa: S608 (names from the model)
            f" SELECT s.*, t.{keys[0]} IS NULL AS new_row_, {old} FROM {stage} s LEFT JOIN {target} t ON {on}"
            f" WHERE t.{keys[0]} IS NULL OR {differs}"
            f"), written AS ("
            f" INSERT INTO {target} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM changed"
            f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates} RETURNING 1"
            f") SELECT (SELECT count(*) FROM written),"
            f" count(*) FILTER (WHERE new_row_), count(*) FILTER (WHERE NOT new_row_),"
            f" (SELECT jsonb_agg(jsonb_build_object({detail_cols})) FROM"
            f"  (SELECT * FROM changed WHERE NOT new_row_ LIMIT {AUDIT_CHANGE_LIMIT}) c)"
            f" FROM changed", list(scope.values())
        )
        _written, created, updated, details = cursor.fetchone()
        cursor.execute(f"DROP TABLE {stage}")
    out = _Outcome(created=created, updated=updated, unchanged=frame.height - created - updated)
    for item in (json.loads(details) if isinstance(details, str) else details) or []:
        key = [item[f"k{i}"] for i in range(len(keys))]
        before, after = {}, {}
        for i, name in enumerate(table.compare):
            a, b = item[f"o{i}"], item[f"n{i}"]
            if a != b:
                before[name], after[name] = a, b
        out.changes.append({"key": key, "before": before, "after": after})
    return out


#: Rows per CSV chunk sent to COPY: the server parses one chunk while the next is written.
COPY_CHUNK_ROWS = 40_000


def _copy_csv(cursor: Any, sql: str, frame: pl.DataFrame) -> None:
    """COPY the frame as CSV, chunk by chunk, so writing the text overlaps the server's work."""
    with cursor.cursor.copy(sql) as copy:
        for start in range(0, frame.height, COPY_CHUNK_ROWS):
            buffer = io.BytesIO()
            frame.slice(start, COPY_CHUNK_ROWS).write_csv(buffer, include_header=False, null_value="")
            copy.write(buffer.getvalue())


def _atomic_write(file: str, write: Any) -> None:
    """Run ``write`` in one transaction; a database refusal becomes a FileRefused (nothing saved)."""
    try:
        with transaction.atomic():
            write()
    except DatabaseError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FileRefused(f"the database refused the data, so nothing was saved ({reason})", file=file) from exc


def _audit(*, actor: Any, council: Council | None, object_type: str, label: str,
           result: ImportResult, counts: dict[str, Any], changes: list[dict[str, Any]],
           more_changes: int) -> None:
    after: dict[str, Any] = {"file": result.source, **counts, "changed_values": changes}
    if more_changes:
        after["changed_values_not_listed"] = more_changes
    if result.notes:
        after["notes"] = result.notes
    audit.record(
        actor=actor, action=audit.Action.IMPORT, council=council, object_type=object_type,
        object_repr=f"{label}: {result.source}"[:300], after=after,
        detail=(f"{label} {result.source}: {result.rows_read} rows read, {result.created} created, "
                f"{result.updated} updated, {result.unchanged} unchanged"),
    )


# --------------------------------------------------------------------------
# Performance tables


def source_kind(layout: Layout) -> str:
    """The file family of a layout: ``ks2_2019`` -> ``ks2``, ``ks4_provisional_2019`` -> ..."""
    return re.sub(r"_\d{4}$", "", layout.id)


def _national_kind(layout: Layout, rectype: str) -> str:
    """England (all schools) or England (state-funded / maintained schools), from the layout."""
    label = layout.record_types[rectype].label.casefold()
    return Benchmark.Kind.NATIONAL_ALL if "all schools" in label else Benchmark.Kind.NATIONAL_STATE


def _check_sizes(parsed: ParsedFile) -> None:
    """Refuse the first value with more digits than the database keeps (never round silently)."""
    values = parsed.values
    pattern = rf"^[+-]?\d{{0,{_INTEGER_DIGITS}}}(\.\d{{0,{VALUE_PLACES}}})?$"
    short = VALUE_PLACES + 1  # no number text this short has too many digits on either side
    roles = ("value", "lower", "upper")

    def too_long(role: str) -> pl.Expr:
        col = pl.col(role)
        return col.is_not_null() & (col.str.len_bytes() > short) & ~col.str.contains(pattern)

    found = values.select([too_long(role).any().alias(role) for role in roles]).row(0, named=True)
    for role in (r for r in roles if found[r]):
        first = values.filter(too_long(role)).sort("row").row(0, named=True)
        columns = {m.measure: m for m in parsed.layout.measures}[first["measure"]]
        name = {"value": columns.value, "lower": columns.lower, "upper": columns.upper}[role]
        raise FileRefused(
            f"{first[role]!r} has more digits than are kept ({_INTEGER_DIGITS} before the "
            f"point, {VALUE_PLACES} after)", file=parsed.source_file, row=first["row"], column=name)


def _measure_frame(parsed: ParsedFile, kind: str, provisional: bool) -> pl.DataFrame:
    """The school rows in key order: the parser lists measure by measure in code order, so a
    stable sort by URN is enough (year and file family are the same on every row)."""
    return (
        parsed.values.lazy()
        .filter(pl.col("kind") == "school")
        .select(pl.col("urn").cast(pl.Int64), "measure", "value", "lower", "upper", "status")
        .sort("urn", maintain_order=True)
        .select(
            "urn",
            pl.lit(parsed.year, dtype=pl.Int64).alias("year"),
            "measure",
            pl.lit(kind).alias("source_kind"),
            "value", "lower", "upper", "status",
            pl.lit(provisional).alias("provisional"),
            pl.lit(parsed.source_file).alias("source_file"),
        )
        .collect()
    )


def _benchmark_frame(parsed: ParsedFile, kind: str, provisional: bool) -> pl.DataFrame:
    rows = parsed.values.lazy().filter(pl.col("kind") != "school").collect()
    if rows.height == 0:
        return rows
    national = {code: _national_kind(parsed.layout, code)
                for code, rt in parsed.layout.record_types.items() if rt.kind == "national"}
    return rows.select(
        pl.when(pl.col("kind") == "la").then(pl.lit(Benchmark.Kind.LA.value))
        .otherwise(pl.col("rectype").replace_strict(national, default=None, return_dtype=pl.String))
        .alias("kind"),
        pl.col("la_code").fill_null(""),
        pl.col("year").cast(pl.Int64),
        "measure",
        pl.lit(kind).alias("source_kind"),
        "value", "lower", "upper", "status",
        pl.lit(provisional).alias("provisional"),
        "source_file",
    )


POOL_MEASURES = {
    "census.pupils": "pupils", "census.fsm_count": "fsm", "census.sen_ehcp_pct": "ehcp",
    "census.sen_support_pct": "support",
}


def _pool_frame(parsed: ParsedFile) -> pl.DataFrame:
    """The census file's state-funded schools as comparator-pool rows (rules.md 7.2)."""
    records = parsed.records.filter(pl.col("kind") == "school")
    known = set(PHASE_BY_SCHOOLTYPE)
    unknown = records.filter(~pl.col("school_type").fill_null("").is_in(list(known)))
    if unknown.height:
        first = unknown.sort("row").row(0, named=True)
        column = parsed.layout.attributes["school_type"]
        raise FileRefused(f"unknown SCHOOLTYPE {first['school_type']!r}: it has no phase for the "
                          "similar-pupils comparator", file=parsed.source_file, row=first["row"], column=column)
    phases = {k: v for k, v in PHASE_BY_SCHOOLTYPE.items() if v is not None}
    wide = (
        parsed.values.filter(pl.col("kind") == "school", pl.col("measure").is_in(list(POOL_MEASURES)))
        .select("urn", pl.col("measure").replace_strict(POOL_MEASURES), pl.col("value").cast(pl.Float64))
        .pivot(on="measure", index="urn", values="value")
    )
    for name in POOL_MEASURES.values():
        if name not in wide.columns:
            wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(name))
    pupils, fsm = pl.col("pupils"), pl.col("fsm")
    return (
        records.filter(pl.col("school_type").is_in(list(phases)))
        .join(wide, on="urn", how="left")
        .select(
            pl.lit(parsed.year, dtype=pl.Int64).alias("year"),
            pl.col("urn").cast(pl.Int64),
            pl.col("la_code").fill_null(""),
            "school_type",
            pl.col("school_type").replace_strict(phases).alias("phase"),
            pupils.alias("pupils"),
            pl.when(fsm.is_not_null() & pupils.is_not_null() & (pupils != 0))
            .then(100.0 * fsm / pupils).otherwise(None).alias("fsm_pct"),
            (pl.col("ehcp") + pl.col("support")).alias("sen_pct"),
            pl.lit(parsed.source_file).alias("source_file"),
        )
    )


def import_performance(
    *, data: Source, filename: str | None = None, actor: Any = None, council: Council | None = None,
    progress: ProgressLike | None = None, engine: Engine = "auto", year: int | None = None,
) -> EvidenceImportResult:
    """Import one DfE performance-table file (its layout and year are detected from the file)."""
    progress = progress or _NoProgress()
    raw, file = read_source(data if not isinstance(data, str) else Path(data), filename)
    file = Path(file).name
    progress.update(0, None, f"Reading {file}")
    parsed = parse_file(raw, name=file, year=year)
    progress.update(0, None, "Checking values")
    _check_sizes(parsed)
    layout, report = parsed.layout, parsed.report
    kind = source_kind(layout)
    provisional = "provisional" in layout.id
    measures = _measure_frame(parsed, kind, provisional)
    benchmarks = _benchmark_frame(parsed, kind, provisional)
    pool = _pool_frame(parsed) if kind == "census" else None
    result = EvidenceImportResult(kind="performance", source=file, unit="school values", rows_read=report.rows_read)
    result.notes.extend(report.warnings)
    result.extra = [
        ["Layout", f"{layout.title} ({layout.id})"],
        ["Year", f"{parsed.year - 1}-{str(parsed.year)[2:]} tables"],
        ["Schools", report.schools],
        ["Measures in the file", len(report.measures_present)],
    ]
    if report.measures_absent:
        result.extra.append(["Measures absent from this file", ", ".join(report.measures_absent)])
        result.notes.append("Measures absent from this file: " + ", ".join(report.measures_absent))
    missing = {k: v for k, v in report.status_counts.items() if k != "ok"}
    if missing:
        result.extra.append(["Values missing, by reason", ", ".join(f"{k} {v:,}" for k, v in missing.items())])
    scope = {"year": parsed.year, "source_kind": kind}

    def write() -> None:
        progress.update(0, measures.height, "Writing school values")
        out = _upsert(MEASURES, measures, engine=engine, scope=scope, presorted=True)
        result.created, result.updated, result.unchanged = out.created, out.updated, out.unchanged
        progress.update(measures.height, measures.height, "Benchmarks and audit")
        bench = _upsert(BENCHMARKS, benchmarks, engine=engine, scope=scope)
        result.extra.append(["Benchmark values (LA and England) created or updated", bench.created + bench.updated])
        counts: dict[str, Any] = {"measures": _counts(out), "benchmarks": _counts(bench),
                                  "layout": layout.id, "year": parsed.year,
                                  "measures_absent": list(report.measures_absent)}
        changes = out.changes + bench.changes
        changed_total = out.updated + bench.updated
        changed = out.created + out.updated + bench.created + bench.updated
        if pool is not None:
            progress.update(measures.height, measures.height, "Saving the similar-pupils pool")
            pooled = _upsert(POOL, pool, engine=engine, scope={"year": parsed.year})
            result.extra.append(["Census pool schools (state-funded) created or updated",
                                 pooled.created + pooled.updated])
            counts["pool"] = _counts(pooled)
            changes += pooled.changes
            changed_total += pooled.updated
            changed += pooled.created + pooled.updated
        if changed:
            listed = changes[:AUDIT_CHANGE_LIMIT]
            _audit(actor=actor, council=council, object_type="evidence.measure", label="Performance tables",
                   result=result, counts=counts, changes=listed, more_changes=changed_total - len(listed))
        progress.update(measures.height, measures.height, "Performance data saved")

    _atomic_write(file, write)
    return result


def _counts(out: _Outcome) -> dict[str, int]:
    return {"created": out.created, "updated": out.updated, "unchanged": out.unchanged}


# --------------------------------------------------------------------------
# Ofsted management information


def _inspection_frame(inspections: Sequence[mi.Inspection]) -> pl.DataFrame:
    def dates(values: dict[str, dt.date | None]) -> str:
        return json.dumps({k: v.isoformat() if v else None for k, v in values.items()}, sort_keys=True)

    return pl.DataFrame(
        {
            "urn_at_inspection": [int(i.urn_at_inspection) for i in inspections],
            "era": [i.era for i in inspections],
            "inspection_date": [i.inspection_date for i in inspections],
            "urn": [int(i.urn) for i in inspections],
            "publication_date": [i.publication_date for i in inspections],
            "inspection_number": [i.inspection_number or "" for i in inspections],
            "inspection_type": [i.inspection_type or "" for i in inspections],
            "overall": [i.overall or "" for i in inspections],
            "judgements": [json.dumps(i.judgements, sort_keys=True) for i in inspections],
            "judgement_dates": [dates(i.judgement_dates) for i in inspections],
            "safeguarding": [i.safeguarding or "" for i in inspections],
            "category_of_concern": [i.category_of_concern or "" for i in inspections],
            "school_name_at_inspection": [i.school_name_at_inspection or "" for i in inspections],
            "source_file": [i.source_file for i in inspections],
        },
        schema_overrides={"inspection_date": pl.Date, "publication_date": pl.Date},
    )


def _check_inspections(inspections: Sequence[mi.Inspection], file: str) -> None:
    """Refuse values longer than the columns keep, and one inspection listed twice."""
    limits = {
        "inspection_number": ("Inspection number", 30), "inspection_type": ("Inspection type", 120),
        "overall": ("overall outcome", 120), "school_name_at_inspection": ("School name at time of inspection", 300),
    }
    seen: dict[tuple[str, str, dt.date], int] = {}
    for i in inspections:
        for attr, (column, limit) in limits.items():
            value = getattr(i, attr) or ""
            if len(value) > limit:
                raise FileRefused(f"the value is {len(value)} characters long; at most {limit} fit",
                                  file=file, row=i.source_row, column=column)
        key = (i.urn_at_inspection, i.era, i.inspection_date)
        if key in seen and seen[key] != i.source_row:
            raise FileRefused(f"the inspection of URN {i.urn_at_inspection} on {i.inspection_date:%d/%m/%Y} "
                              f"is also on row {seen[key]}", file=file, row=i.source_row, column="URN")
        seen[key] = i.source_row


def import_ofsted_mi(
    *, data: Source, filename: str | None = None, actor: Any = None, council: Council | None = None,
    progress: ProgressLike | None = None, engine: Engine = "auto",
) -> EvidenceImportResult:
    """Import Ofsted management information (latest inspections, 2026 layout)."""
    progress = progress or _NoProgress()
    raw, file = read_source(data if not isinstance(data, str) else Path(data), filename)
    file = Path(file).name
    progress.update(0, None, f"Reading {file}")
    inspections = mi.parse_mi(raw, name=file)
    _check_inspections(inspections, file)
    frame = _inspection_frame(inspections)
    rows = len({i.source_row for i in inspections})
    result = EvidenceImportResult(kind="ofsted_mi", source=file, unit="inspections", rows_read=rows)
    ties = mi.predecessor_ties(inspections)
    eras = {era: sum(1 for i in inspections if i.era == era) for era in mi.ERAS}
    result.extra = [
        ["Inspections by framework", ", ".join(f"{Inspection.Era(e).label}: {n}" for e, n in eras.items() if n)],
        ["Schools tied to a predecessor's inspection (URN at time of inspection)", len(ties)],
    ]

    def write() -> None:
        progress.update(0, len(inspections), "Saving inspections")
        out = _upsert(INSPECTIONS, frame, engine=engine, scope={})
        result.created, result.updated, result.unchanged = out.created, out.updated, out.unchanged
        if out.created or out.updated:
            _audit(actor=actor, council=council, object_type="evidence.inspection", label="Ofsted MI",
                   result=result, counts={"inspections": _counts(out), "predecessor_ties": len(ties)},
                   changes=out.changes, more_changes=out.updated - len(out.changes))
        progress.update(len(inspections), len(inspections), "Inspections saved")

    _atomic_write(file, write)
    return result


# --------------------------------------------------------------------------
# The performance-tables spine (establishment list) and LAIT's LA regions


def _check_text_lengths(frame: pl.DataFrame, limits: dict[str, tuple[str, int]], file: str,
                        rows: pl.Series) -> None:
    """Refuse the first (top, then leftmost) text longer than its column keeps."""
    for name, (column, limit) in limits.items():
        too_long = frame.get_column(name).fill_null("").str.len_chars() > limit
        if too_long.any():
            index = int(too_long.arg_true()[0])
            length = len(frame.get_column(name)[index])
            raise FileRefused(f"the value is {length} characters long; at most {limit} fit",
                              file=file, row=int(rows[index]), column=column)


def _max_length(model: type[models.Model], name: str) -> int:
    f = model._meta.get_field(name)
    assert isinstance(f, models.CharField) and f.max_length is not None
    return f.max_length


def _spine_layout(file: str) -> Layout:
    """The establishment-list layout for a file: the one its name matches, else the only one."""
    known = [lay for lay in layouts().values() if lay.kind == "establishments"]
    named = [lay for lay in known if lay.name_matches(file)]
    return (named or known)[0]


def _spine_frame(parsed: EstablishmentFile) -> pl.DataFrame:
    """The spine rows as :class:`SpineEstablishment` columns (blank text as "")."""
    text = {"la_code", "estab", "laestab", "name", "nftype", "other_nftype", "minor_group", "close_status"}
    frame = pl.DataFrame(parsed.rows, infer_schema_length=None)
    for name in SPINE.columns:
        if name not in frame.columns and name not in ("year", "source_file"):
            frame = frame.with_columns(pl.lit(None).alias(name))
    return frame.select(
        pl.lit(parsed.year, dtype=pl.Int64).alias("year"),
        pl.col("urn").cast(pl.Int64),
        *[pl.col(n).cast(pl.String).fill_null("") for n in SPINE_FIELDS if n in text],
        *[pl.col(n).cast(pl.Boolean) for n in ("is_primary", "is_secondary", "is_post16", "is_new")],
        *[pl.col(n).cast(pl.Int64) for n in ("age_low", "age_high")],
        *[pl.col(n).cast(pl.Date) for n in ("open_date", "close_date")],
        pl.col("other_urn").cast(pl.String).replace("", None).cast(pl.Int64),
        pl.lit(parsed.source_file).alias("source_file"),
        pl.int_range(2, len(parsed.rows) + 2, dtype=pl.Int64).alias("row"),
    ).select(*SPINE.columns, "row")


def import_spine(
    *, data: Source, filename: str | None = None, actor: Any = None, council: Council | None = None,
    progress: ProgressLike | None = None, engine: Engine = "auto",
) -> EvidenceImportResult:
    """Import a performance-tables spine workbook (for example the 2017-18 ``england_spine.xlsx``)."""
    progress = progress or _NoProgress()
    raw, file = read_source(data if not isinstance(data, str) else Path(data), filename)
    file = Path(file).name
    progress.update(0, None, f"Reading {file}")
    parsed = parse_establishments(raw, _spine_layout(file), name=file)
    frame = _spine_frame(parsed)
    columns = {f.name: f.column for f in parsed.layout.fields}
    limits = {name: (columns[name], _max_length(SpineEstablishment, name))
              for name in ("la_code", "estab", "laestab", "name", "nftype", "other_nftype", "minor_group",
                           "close_status") if name in columns}
    _check_text_lengths(frame, limits, file, frame.get_column("row"))
    for name in ("age_low", "age_high", "other_urn"):
        values = frame.get_column(name)
        bad = (values < 0) | (values > (32_767 if name != "other_urn" else 2_147_483_647))
        if bad.any():
            index = int(bad.fill_null(False).arg_true()[0])
            raise FileRefused(f"{values[index]} is out of range", file=file,
                              row=int(frame.get_column("row")[index]), column=columns[name])
    frame = frame.drop("row")
    tied = frame.filter(pl.col("other_urn").is_not_null()
                        & (pl.col("other_urn") != SpineEstablishment.NO_OTHER_URN)).height
    result = EvidenceImportResult(kind="spine", source=file, unit="establishments", rows_read=frame.height)
    result.extra = [
        ["Layout", f"{parsed.layout.title} ({parsed.layout.id})"],
        ["Year", f"{parsed.year - 1}-{str(parsed.year)[2:]} tables"],
        ["Establishments tied to another URN (OTHERURN)", tied],
    ]

    def write() -> None:
        progress.update(0, frame.height, "Saving establishments")
        out = _upsert(SPINE, frame, engine=engine, scope={"year": parsed.year})
        result.created, result.updated, result.unchanged = out.created, out.updated, out.unchanged
        if out.created or out.updated:
            _audit(actor=actor, council=council, object_type="evidence.spineestablishment",
                   label="Performance-tables spine", result=result,
                   counts={"establishments": _counts(out), "year": parsed.year, "layout": parsed.layout.id},
                   changes=out.changes[:AUDIT_CHANGE_LIMIT],
                   more_changes=out.updated - min(len(out.changes), AUDIT_CHANGE_LIMIT))
        progress.update(frame.height, frame.height, "Establishments saved")

    _atomic_write(file, write)
    return result


def import_la_regions(
    *, data: Source, filename: str | None = None, actor: Any = None, council: Council | None = None,
    progress: ProgressLike | None = None, engine: Engine = "auto",
) -> EvidenceImportResult:
    """Import LAIT's ``la_code_list.xlsx``: each LA number's region, for "same region first"."""
    progress = progress or _NoProgress()
    raw, file = read_source(data if not isinstance(data, str) else Path(data), filename)
    file = Path(file).name
    progress.update(0, None, f"Reading {file}")
    codes = parse_la_code_list(raw, name=file)
    if not codes or all(c.region is None for c in codes):
        raise FileRefused("has no regions: the 'Region' column is missing or empty", file=file,
                          column="Region")
    seen: set[str] = set()
    for c in codes:
        if c.code in seen:
            raise FileRefused(f"LA number {c.code} is listed twice", file=file, column="LA Number")
        seen.add(c.code)
    frame = pl.DataFrame({
        "la_code": [c.code for c in codes], "la_name": [c.name for c in codes],
        "region": [c.region or "" for c in codes], "la_type": [c.type or "" for c in codes],
        "source_file": [file] * len(codes),
    }, schema=dict.fromkeys(LA_REGIONS.columns, pl.String))
    limits = {"la_name": ("LA Name", 200), "region": ("Region", 100), "la_type": ("Type", 20)}
    for name, (column, limit) in limits.items():
        long = [c for c in frame.get_column(name).to_list() if len(c) > limit]
        if long:
            raise FileRefused(f"{long[0][:40]!r}... is {len(long[0])} characters long; at most {limit} fit",
                              file=file, column=column)
    regions = sorted({c.region for c in codes if c.region})
    result = EvidenceImportResult(kind="la_regions", source=file, unit="local authorities", rows_read=len(codes))
    result.extra = [["Regions", ", ".join(regions)],
                    ["Local authorities with a region", sum(1 for c in codes if c.region)]]

    def write() -> None:
        progress.update(0, frame.height, "Saving regions")
        out = _upsert(LA_REGIONS, frame, engine=engine, scope={})
        result.created, result.updated, result.unchanged = out.created, out.updated, out.unchanged
        if out.created or out.updated:
            _audit(actor=actor, council=council, object_type="evidence.laregion", label="LA regions",
                   result=result, counts={"la_regions": _counts(out)}, changes=out.changes,
                   more_changes=out.updated - len(out.changes))
        progress.update(frame.height, frame.height, "Regions saved")

    _atomic_write(file, write)
    return result


# --------------------------------------------------------------------------
# Which importer a file needs


def detect_kind(data: bytes, filename: str) -> str:
    """``"performance"``, ``"ofsted"``, ``"spine"`` or ``"la_regions"`` from a file's header
    (FileRefused when none)."""
    file = Path(filename).name
    if data.startswith(b"PK\x03\x04"):
        return _workbook_kind(data, file)
    header = read_header(data, file)
    folded = {" ".join(h.split()).casefold() for h in header}
    if " ".join(mi.REPORT_CARD_COLUMNS["urn_at"].split()).casefold() in folded:
        return "ofsted"
    detect_layout(header, file)  # refuses with the nearest layout and what is missing
    return "performance"


def _workbook_kind(data: bytes, file: str) -> str:
    """A spine (its layout's header) or LAIT's LA code list ("LA Number" and "Region")."""
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        sheet = reader.load_sheet(0, header_row=None, n_rows=20, dtypes="string").to_polars()
    except Exception as error:  # noqa: BLE001 - any reader failure refuses the file
        raise FileRefused(f"cannot be read as a workbook: {error}", file=file) from None
    rows = [{str(v).strip() for v in row if v is not None} for row in sheet.iter_rows()]
    if any(lay.kind == "establishments" and lay.fits(rows[0] if rows else set())
           for lay in layouts().values()):
        return "spine"
    if any({"LA Number", "Region"} <= row for row in rows):
        return "la_regions"
    raise FileRefused("is a workbook, but neither a performance-tables spine nor LAIT's la_code_list.xlsx "
                      "(no 'LA Number' and 'Region' header)", file=file)


@dataclass(frozen=True)
class EvidenceFileKind:
    name: str
    job_kind: str
    label: str
    description: str
    service: Any


FILE_KINDS: tuple[EvidenceFileKind, ...] = (
    EvidenceFileKind(
        "performance", "evidence.import_performance",
        "DfE performance tables (KS2, KS4, census, absence, destinations)",
        "A compare-school-performance download as published: KS2 or KS4 final (any LA or "
        "England), the KS4 provisional file, the census (which also refreshes the national pool "
        "of the similar-pupils comparator), absence or KS4 destinations. The layout and the "
        "year are recognised from the file.", import_performance),
    EvidenceFileKind(
        "ofsted", "evidence.import_ofsted_mi", "Ofsted management information",
        "Ofsted's state-funded schools latest inspections file (2026 layout): report cards, "
        "graded and ungraded inspections, including those recorded under a predecessor's URN.",
        import_ofsted_mi),
    EvidenceFileKind(
        "spine", "evidence.import_spine", "Performance-tables spine (xlsx establishment list)",
        "The DfE performance tables' list of establishments for a year, as published (for example "
        "2017-2018_england_spine.xlsx): each school's type in the tables (NFTYPE), phase, age range, "
        "opening and closing, and the other URN of a conversion, which ties a school to its "
        "predecessor.", import_spine),
    EvidenceFileKind(
        "la_regions", "evidence.import_la_regions", "LA regions (LAIT la_code_list.xlsx)",
        "LAIT's list of local authority numbers with their region: the regions the similar-pupils "
        "comparator puts first (rules.md 7.2). Without it, the register's DfE sub-regions are used.",
        import_la_regions),
)


def file_kind(name: str) -> EvidenceFileKind:
    for kind in FILE_KINDS:
        if name in {kind.name, kind.job_kind}:
            return kind
    raise KeyError(name)
