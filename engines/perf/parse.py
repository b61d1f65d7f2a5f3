"""Import DfE performance-table files as published, layout by layout.

:func:`parse_file` reads one CSV file (KS2/KS4 final, KS4 provisional, census,
absence, KS4 destinations) strictly with :mod:`engines.ingest.tabular`, finds
its layout (:func:`detect_layout`) and year, and returns long rows: one per
record (school, LA or national benchmark) and measure, with the value, its
confidence limits and its status (``ok`` or the reason it is missing).

Decisions (so callers can rely on them):

* The year is the performance-tables year: the end year of the DfE download
  name (``2018-2019_850_ks2final.csv`` -> 2019), or the layout's fixed year.
  When both exist they must agree, otherwise the file is refused (a file of
  one year's layout named as another year). A caller's ``year=`` must agree too.
* School rows need a URN of digits and appear once per file; LA rows need an
  LA code; each (LA, record type) and national record type appears once.
* Summary rows (a layout's ``summary_rows``, e.g. the census ``NAT`` rows) are
  counted and skipped. Fields missing from short rows and whitespace-only cells
  are blank. A file is cut off only if it ends inside a quoted field or its
  last row stops before a key column (both refused by the tabular reader).
* Measure columns a layout maps must all be present, unless the layout is
  ``partial`` (the trimmed KS4 provisional file): then absent measures are
  listed in the report. A value is refused only in mapped measure columns;
  other columns (names, addresses) are not read.
* Values are kept as exact decimal text in the polars frame (``value``,
  ``lower``, ``upper``) and become :class:`Decimal` in :meth:`ParsedFile.rows`.
  The long table lists measure by measure (in code order), each in file order,
  so a stable sort by URN puts it in (URN, measure) order.
* A plain file (UTF-8, whole quoted fields on each line, no short rows) is read
  by polars directly, only the mapped columns; any other file goes through the
  strict reader of :mod:`engines.ingest.tabular`, which reads or refuses it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import polars as pl

from engines.errors import FileRefused
from engines.ingest.tabular import (
    BINARY_MAGIC,
    DEFAULT_MAX_FIELD_CHARS,
    UTF8_BOM,
    CsvLayout,
    Source,
    parse_csv_bytes,
    read_source,
    refuse_binary,
    split_line,
)
from engines.perf.mapping import (
    DFE_YEAR_PREFIX,
    Layout,
    LayoutError,
    MeasureColumns,
    catalogue,
    get_layout,
    layouts,
    rename_hint,
)
from engines.perf.values import CODES, OK, STATUSES, classify_columns, refusal_text

Refuser = Callable[[str, int, str | None], FileRefused]

VALUE_COLUMNS: tuple[str, ...] = (
    "row",
    "urn",
    "la_code",
    "kind",
    "rectype",
    "year",
    "measure",
    "value",
    "lower",
    "upper",
    "status",
    "source_file",
)


@dataclass(frozen=True)
class MeasureRow:
    """One value of one measure for one school or benchmark, as stored.

    ``urn`` is ``None`` for LA and national rows; ``la_code`` is ``None`` for
    national rows; ``rectype`` is the file's record-type code (``None`` in files
    without one). ``value`` is ``None`` unless ``status`` is ``ok``.
    """

    urn: str | None
    la_code: str | None
    kind: str
    rectype: str | None
    year: int
    measure: str
    value: Decimal | None
    lower: Decimal | None
    upper: Decimal | None
    status: str
    source_file: str
    row: int


@dataclass(frozen=True)
class FileReport:
    """What one file held: counts, measures present and absent, values by status."""

    file: str
    layout: str
    year: int
    rows_read: int
    schools: int
    la_rows: int
    national_rows: int
    summary_rows_skipped: int
    measures_present: tuple[str, ...]
    measures_absent: tuple[str, ...]
    status_counts: dict[str, int]
    warnings: tuple[str, ...] = ()


@dataclass
class ParsedFile:
    """A parsed performance-table file.

    ``records`` has one row per kept record (``row``, ``kind``, ``rectype``,
    ``urn``, ``la_code``, ``estab``, ``laestab`` and the layout's attributes such
    as ``name``); ``values`` is the long table (:data:`VALUE_COLUMNS`).
    """

    layout: Layout
    year: int
    source_file: str
    records: pl.DataFrame
    values: pl.DataFrame
    report: FileReport

    def rows(self) -> Iterator[MeasureRow]:
        """Every value as a :class:`MeasureRow` (exact decimals)."""
        for values in self.values.select(VALUE_COLUMNS).iter_rows():
            yield _measure_row(values)

    def get(
        self,
        measure: str,
        urn: str | None = None,
        *,
        kind: str = "school",
        la_code: str | None = None,
        rectype: str | None = None,
    ) -> MeasureRow | None:
        """The value of ``measure`` for a school (by URN) or a benchmark row."""
        frame = self.values.filter(pl.col("measure") == measure, pl.col("kind") == kind)
        if urn is not None:
            frame = frame.filter(pl.col("urn") == urn)
        if la_code is not None:
            frame = frame.filter(pl.col("la_code") == la_code)
        if rectype is not None:
            frame = frame.filter(pl.col("rectype") == rectype)
        if frame.height > 1:
            raise ValueError(f"{frame.height} rows match; give rectype= or la_code=")
        if frame.height == 0:
            return None
        return _measure_row(frame.select(VALUE_COLUMNS).row(0))

    def benchmarks(self) -> list[MeasureRow]:
        """The LA and national rows' values."""
        frame = self.values.filter(pl.col("kind") != "school").select(VALUE_COLUMNS)
        return [_measure_row(r) for r in frame.iter_rows()]


def _decimal(text: str | None) -> Decimal | None:
    """Exact decimal of already-validated number text."""
    return None if text is None else Decimal(text)


def _measure_row(values: tuple) -> MeasureRow:
    """A MeasureRow from a row of the values frame (in VALUE_COLUMNS order)."""
    row, urn, la, kind, rectype, year, measure, value, lower, upper, status, source = values
    return MeasureRow(
        urn=urn,
        la_code=la,
        kind=kind,
        rectype=rectype,
        year=year,
        measure=measure,
        value=_decimal(value),
        lower=_decimal(lower),
        upper=_decimal(upper),
        status=status,
        source_file=source,
        row=row,
    )


# --- header and layout ---------------------------------------------------------


def read_header(data: bytes, file: str) -> list[str]:
    """Header names of CSV bytes (BOM removed, names stripped), for layout detection."""
    refuse_binary(data, file)
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    end = data.find(b"\n")
    first = (data if end < 0 else data[:end]).decode("utf-8", errors="replace").rstrip("\r")
    names = next(csv.reader(io.StringIO(first)), [])
    return [n.strip() for n in names]


def _candidates(header: Sequence[str], file_name: str, pool: Sequence[Layout]) -> list[Layout]:
    """Layouts whose header signature (and required name hint) the file matches."""
    found = [
        lay
        for lay in pool
        if lay.fits(header) and (not lay.name_hint_required or lay.name_matches(file_name))
    ]
    named = [lay for lay in found if lay.name_matches(file_name)]
    return named or found


def detect_layout(
    header: Sequence[str], filename: str, *, pool: Sequence[Layout] | None = None
) -> Layout:
    """The one layout ``header`` (and the file name) matches, or FileRefused saying why."""
    file = Path(filename).name
    pool = list(pool if pool is not None else layouts().values())
    found = _candidates(header, file, pool)
    if len(found) > 1:
        ids = ", ".join(lay.id for lay in found)
        raise FileRefused(
            f"the header matches several layouts ({ids}); pass layout=", file=file, row=1
        )
    if not found:
        raise _no_layout_refusal(header, file, pool)
    layout = found[0]
    others = [lay for lay in pool if lay.name_matches(file) and not layout.name_matches(file)]
    if layout.name_hint and others and not layout.name_matches(file):
        raise FileRefused(
            f"the file name says {others[0].name_hint!r} but the header is layout "
            f"{layout.describe()}",
            file=file,
            row=1,
        )
    return layout


def _no_layout_refusal(header: Sequence[str], file: str, pool: Sequence[Layout]) -> FileRefused:
    """Explain why no layout fits, naming the nearest one (and a missing column)."""

    def distance(lay: Layout) -> tuple[int, int]:
        named = 0 if lay.name_matches(file) else 1
        return (len(lay.signature_problems(header)) + named, named)

    nearest = min(pool, key=distance)
    problems = nearest.signature_problems(header)
    if nearest.name_hint_required and not nearest.name_matches(file):
        problems.append(f"the file name lacks {nearest.name_hint!r}")
    missing = nearest.missing_columns(header)
    near = len(problems) <= 2
    return FileRefused(
        f"the header matches no known layout; nearest is {nearest.id} ({nearest.title}), "
        f"but the file {'; '.join(problems)}",
        file=file,
        row=1,
        column=missing[0] if missing and near else None,
    )


def _resolve_layout(layout: Layout | str | None, header: Sequence[str], file: str) -> Layout:
    """The caller's layout (checked against the header) or the detected one."""
    if layout is None:
        return detect_layout(header, file)
    if isinstance(layout, str):
        try:
            layout = get_layout(layout)
        except LayoutError as error:
            raise FileRefused(str(error), file=file) from None
    problems = layout.signature_problems(header)
    if problems:
        missing = layout.missing_columns(header)
        raise FileRefused(
            f"this is not the {layout.id} layout ({layout.title}): the header {'; '.join(problems)}",
            file=file,
            row=1,
            column=missing[0] if missing else None,
        )
    return layout


def resolve_year(layout: Layout, file: str, year: int | None = None) -> int:
    """The tables year of a file: from the layout and/or the DfE download name."""
    match = DFE_YEAR_PREFIX.match(file)
    named: int | None = None
    if match:
        start, end = int(match.group(1)), int(match.group(2))
        if end != start + 1:
            raise FileRefused(
                f"years {start}-{end} in the file name are not consecutive", file=file
            )
        named = end
    if layout.year_fixed is not None:
        if named is not None and named != layout.year_fixed:
            raise FileRefused(
                f"the header is layout {layout.describe()}, the {layout.year_fixed - 1}-"
                f"{layout.year_fixed} layout, but the file name says {named - 1}-{named}: "
                "a file of another year's layout, or a misnamed download",
                file=file,
                row=1,
            )
        chosen = layout.year_fixed
    else:
        if named is None and year is None:
            raise FileRefused(
                f"layout {layout.id} takes its year from the file name, which has none "
                "(DfE names downloads like 2018-2019_<la>_ks2final.csv); pass year=",
                file=file,
            )
        chosen = named if named is not None else int(year or 0)
        low, high = layout.year_min, layout.year_max
        if (low is not None and chosen < low) or (high is not None and chosen > high):
            raise FileRefused(
                f"layout {layout.id} is for {low or '...'}-{high or '...'}, not {chosen}", file=file
            )
    if year is not None and year != chosen:
        raise FileRefused(f"the file is for {chosen}, not {year} as given", file=file)
    return chosen


# --- parsing ---------------------------------------------------------------------


def parse_file(
    source: Source,
    layout: Layout | str | None = None,
    *,
    name: str | None = None,
    year: int | None = None,
) -> ParsedFile:
    """Parse one performance-table CSV file, or raise FileRefused naming row and column."""
    data, file = read_source(source, name)
    file = Path(file).name
    header = read_header(data, file)
    lay = _resolve_layout(layout, header, file)
    if lay.kind != "measures" or lay.format != "csv":
        raise FileRefused(
            f"layout {lay.id} is an establishment list; read it with parse_establishments",
            file=file,
        )
    chosen_year = resolve_year(lay, file, year)
    warnings: list[str] = []
    present, absent = _present_measures(lay, header, file, warnings)
    wanted = _wanted_columns(lay, present)
    cells, lines, width = _read_cells(data, lay, file, wanted)
    if lay.width is not None and width != lay.width:
        warnings.append(f"{width} columns where layout {lay.id} has {lay.width}")
    if not lay.header_has_year and year is None:
        warnings.append(f"year {chosen_year} comes from layout {lay.id}: {lay.year_evidence}")
    if not lay.verified:
        warnings.append(f"layout {lay.id} is unverified: check the values against the source")
    return _build(cells, lines, lay, chosen_year, file, present, absent, warnings)


def _wanted_columns(lay: Layout, present: Sequence[MeasureColumns]) -> set[str]:
    """The columns :func:`_build` reads: keys, attributes, measures and summary-row markers."""
    columns = set(lay.key_columns) | set(lay.attributes.values())
    columns |= {c for m in present for c in m.columns}
    columns |= {rule.column for rule in lay.summary_rows}
    return columns


def _read_cells(
    data: bytes, lay: Layout, file: str, wanted: set[str]
) -> tuple[pl.DataFrame, list[int], int]:
    """The cells of the ``wanted`` columns (blanks as ``""``), each row's line, the header width.

    A plain file (see :func:`_plain_cells`) is read by polars directly, parsing only the wanted
    columns. Anything else goes through the strict reader of :mod:`engines.ingest.tabular`,
    which reads it or refuses it with row and column; both give the same cells.
    """
    plain = _plain_cells(data, lay, wanted)
    if plain is not None:
        return plain
    table = parse_csv_bytes(
        data,
        CsvLayout(
            name=f"{lay.id} ({lay.title})", encoding=lay.encoding, key_columns=lay.key_columns
        ),
        file=file,
    )
    return table.frame, table.lines, len(table.header)


def _plain_cells(
    data: bytes, lay: Layout, wanted: set[str]
) -> tuple[pl.DataFrame, list[int], int] | None:
    """The wanted cells of a plain file, or None when the strict reader must judge it.

    Plain: UTF-8 (a BOM allowed), line ends LF or CRLF, every line with whole quoted fields
    (so a record is a line and the file cannot end inside a quoted field), no line longer than
    a field may be, a header of distinct non-blank names with the key columns, at least one
    data row, and no data row stopping before a key column. Lines of only commas and spaces
    are dropped as blank, as the strict reader does.
    """
    if lay.encoding != "utf-8" or any(data.startswith(magic) for magic, _ in BINARY_MAGIC):
        return None
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
    if b"\x00" in data or data.count(b"\r") != data.count(b"\r\n"):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    pieces = data.split(b"\n")
    if pieces[-1] == b"":
        pieces.pop()  # a final newline ends the last line; it does not start another
    if len(pieces) < 2 or max(map(len, pieces)) > DEFAULT_MAX_FIELD_CHARS:
        return None
    separators = [piece.count(b",") for piece in pieces]
    for i, piece in enumerate(pieces):
        if b'"' in piece:
            if piece.count(b'"') & 1:
                return None
            separators[i] = sum(part.count(b",") for part in piece.split(b'"')[0::2])
    names = [n.strip() for n in split_line(pieces[0].decode("utf-8").rstrip("\r"))]
    while names and not names[-1]:
        names.pop()
    if not names or "" in names or len(set(names)) != len(names):
        return None
    if any(key not in names for key in lay.key_columns):
        return None
    index = [j for j, name in enumerate(names) if name in wanted]
    schema = {f"column_{j + 1}": pl.String for j in range(max(separators) + 1)}
    try:
        frame = pl.read_csv(
            data,
            has_header=False,
            schema=schema,
            columns=index,
            missing_columns="insert",
            empty_string_is_null=False,
            encoding="utf8",
            quote_char='"',
        )
    except Exception:  # noqa: BLE001 - any polars complaint: the strict reader decides
        return None
    if frame.height != len(pieces):
        return None
    frame = frame.with_columns(pl.all().fill_null(""))
    frame.columns = [names[j] for j in index]
    body = frame.slice(1)
    # A row without its keys: a blank line (dropped) or the strict reader's to judge.
    keys = [key for key in lay.key_columns if key in body.columns]
    suspects = body.with_row_index("at").filter(
        pl.all_horizontal(pl.col(keys).str.strip_chars() == "")
    )
    blank = set(suspects.get_column("at").to_list())
    for at in blank:
        piece = pieces[at + 1]
        if b'"' in piece or piece.strip(b" \t\r,"):
            return None
    last_key = max((names.index(key) for key in lay.key_columns), default=-1)
    if any(n < last_key and i - 1 not in blank for i, n in enumerate(separators) if i):
        return None  # a row stopping before a key column: the strict reader refuses it
    lines = [i + 2 for i in range(body.height) if i not in blank]
    if blank:
        body = body.with_row_index("at").filter(~pl.col("at").is_in(list(blank))).drop("at")
    if body.height == 0:
        return None
    return body, lines, len(names)


def _present_measures(
    lay: Layout, header: Sequence[str], file: str, warnings: list[str]
) -> tuple[list[MeasureColumns], list[str]]:
    """The layout's measures whose columns the header has; refuse gaps unless partial.

    In a partial layout a measure is present when its value column is; missing
    confidence-limit columns then leave the limits empty (with a warning).
    """
    names = set(header)
    present: list[MeasureColumns] = []
    absent: list[str] = []
    for m in lay.measures:
        missing = [c for c in m.columns if c not in names]
        if not missing:
            present.append(m)
            continue
        if lay.partial and m.value not in names:
            absent.append(m.measure)
            continue
        if lay.partial:
            present.append(MeasureColumns(m.measure, m.value))
            warnings.append(f"{m.measure}: no {' or '.join(missing)} column, so no limits")
            continue
        hint = rename_hint(missing[0], list(header))
        raise FileRefused(
            f"the header has no {missing[0]!r} column for measure {m.measure}{hint}; "
            f"layout {lay.id} needs it",
            file=file,
            row=1,
            column=missing[0],
        )
    if not present:
        raise FileRefused(
            f"the header has none of the measure columns of layout {lay.id}", file=file, row=1
        )
    return present, absent


def _first(mask: pl.Series) -> int | None:
    """Index of the first true value of a boolean series, if any."""
    hits = mask.arg_true()
    return int(hits[0]) if len(hits) else None


def _build(
    raw: pl.DataFrame,
    lines: list[int],
    lay: Layout,
    year: int,
    file: str,
    present: list[MeasureColumns],
    absent: list[str],
    warnings: list[str],
) -> ParsedFile:
    """Classify rows and cells, check keys, and make the long values table."""
    keys = lay.keys
    columns = _wanted_columns(lay, present)
    frame = raw.select([pl.col(c).str.strip_chars() for c in raw.columns if c in columns])
    frame = frame.with_columns(pl.Series("row", lines, dtype=pl.Int64))
    rows_read = frame.height

    def refuse(message: str, index: int, column: str | None) -> FileRefused:
        return FileRefused(message, file=file, row=lines[index], column=column)

    summary = pl.repeat(False, frame.height, eager=True)
    for rule in lay.summary_rows:
        summary = summary | frame.get_column(rule.column).is_in(list(rule.values))
    frame = frame.filter(~summary)
    lines = frame.get_column("row").to_list()
    summaries = rows_read - frame.height

    rectype_col = keys.get("rectype")
    if rectype_col:
        codes = {code: rt.kind for code, rt in lay.record_types.items()}
        kind = frame.get_column(rectype_col).replace_strict(
            codes, default=None, return_dtype=pl.String
        )
        bad = _first(kind.is_null())
        if bad is not None:
            value = frame.get_column(rectype_col)[bad]
            known = ", ".join(lay.record_types)
            raise refuse(f"record type {value!r} is not one of {known}", bad, rectype_col)
        frame = frame.with_columns(kind.alias("kind"), pl.col(rectype_col).alias("rectype"))
    else:
        frame = frame.with_columns(
            pl.lit("school").alias("kind"), pl.lit(None, dtype=pl.String).alias("rectype")
        )
    _check_keys(frame, lay, refuse)
    frame = _identity_columns(frame, lay)

    units = {column: catalogue()[m.measure].unit for m in present for column in m.columns}
    checked = classify_columns(frame, units, lay.code_aliases)
    _check_cells(checked, list(units), lay, refuse)

    meta = [
        pl.col("row"),
        pl.col("urn"),
        pl.col("la_code"),
        pl.col("kind"),
        pl.col("rectype"),
        pl.lit(year, dtype=pl.Int32).alias("year"),
    ]
    parts = []
    for m in sorted(present, key=lambda m: m.measure):  # a record's values in code order
        null = pl.lit(None, dtype=pl.String)
        parts.append(
            checked.select(
                *meta,
                pl.lit(m.measure).alias("measure"),
                pl.col(f"{m.value}\x00value").alias("value"),
                pl.col(f"{m.lower}\x00value").alias("lower") if m.lower else null.alias("lower"),
                pl.col(f"{m.upper}\x00value").alias("upper") if m.upper else null.alias("upper"),
                pl.col(f"{m.value}\x00status").alias("status"),
                pl.lit(file).alias("source_file"),
            )
        )
    values = pl.concat(parts, how="vertical")
    records = frame.select(
        "row",
        "kind",
        "rectype",
        "urn",
        "la_code",
        "estab",
        "laestab",
        *[
            (pl.col(col) if col in frame.columns else pl.lit(None, dtype=pl.String)).alias(attr)
            for attr, col in lay.attributes.items()
        ],
    )
    kinds = records.get_column("kind").value_counts()
    count = dict(
        zip(kinds.get_column("kind").to_list(), kinds.get_column("count").to_list(), strict=True)
    )
    status_counts = dict.fromkeys(STATUSES, 0)
    if values.height:
        counted = values.get_column("status").value_counts()
        for status, n in counted.iter_rows():
            status_counts[status] = n
    report = FileReport(
        file=file,
        layout=lay.id,
        year=year,
        rows_read=rows_read,
        schools=count.get("school", 0),
        la_rows=count.get("la", 0),
        national_rows=count.get("national", 0),
        summary_rows_skipped=summaries,
        measures_present=tuple(m.measure for m in present),
        measures_absent=tuple(absent),
        status_counts={k: v for k, v in status_counts.items() if v},
        warnings=tuple(warnings),
    )
    return ParsedFile(lay, year, file, records, values, report)


def _check_keys(frame: pl.DataFrame, lay: Layout, refuse: Refuser) -> None:
    """School rows need a URN of digits, LA rows an LA code; no record may appear twice."""
    urn_col, la_col, rt_col = lay.keys["urn"], lay.keys.get("la"), lay.keys.get("rectype")
    kind = frame.get_column("kind")
    urn = frame.get_column(urn_col)
    la = frame.get_column(la_col) if la_col else pl.repeat("", frame.height, eager=True)
    bad = _first((kind == "school") & ~urn.str.contains(r"^\d+$"))
    if bad is not None:
        shown = urn[bad]
        message = "a school row has no URN" if shown == "" else f"URN {shown!r} is not a number"
        raise refuse(message, bad, urn_col)
    bad = _first((kind == "la") & (la == ""))
    if bad is not None:
        raise refuse("a local-authority row has no LA code", bad, la_col)
    rectype = frame.get_column("rectype").fill_null("")
    key = pl.select(
        pl.when(kind == "school")
        .then(pl.concat_str([pl.lit("school"), urn], separator=" "))
        .when(kind == "la")
        .then(pl.concat_str([pl.lit("la"), rectype, la], separator=" "))
        .otherwise(pl.concat_str([pl.lit("national"), rectype], separator=" "))
    ).to_series()
    dup = _first(~key.is_first_distinct())
    if dup is None:
        return
    rows = frame.get_column("row")
    first = rows[int((key == key[dup]).arg_true()[0])]
    where = f"(rows {first} and {rows[dup]})"
    if kind[dup] == "school":
        raise refuse(f"URN {urn[dup]} appears twice {where}", dup, urn_col)
    if kind[dup] == "la":
        raise refuse(f"the row of LA {la[dup]} appears twice {where}", dup, la_col)
    message = f"the national row (record type {rectype[dup]}) appears twice {where}"
    raise refuse(message, dup, rt_col)


def _identity_columns(frame: pl.DataFrame, lay: Layout) -> pl.DataFrame:
    """``urn``, ``la_code``, ``estab`` and ``laestab`` (LEA + ESTAB) per record."""
    keys = lay.keys
    blank = pl.lit(None, dtype=pl.String)

    def col(role: str) -> pl.Expr:
        return pl.col(keys[role]).replace("", None) if role in keys else blank

    school = pl.col("kind") == "school"
    national = pl.col("kind") == "national"
    la_code, estab = col("la"), col("estab")
    laestab = (
        pl.when(school & la_code.str.contains(r"^\d{3}$") & estab.str.contains(r"^\d{1,4}$"))
        .then(pl.concat_str([la_code, estab.str.zfill(4)]))
        .otherwise(blank)
    )
    return frame.with_columns(
        pl.when(school).then(col("urn")).otherwise(blank).alias("urn"),
        pl.when(national).then(blank).otherwise(la_code).alias("la_code"),
        pl.when(school).then(estab).otherwise(blank).alias("estab"),
        laestab.alias("laestab"),
    )


def _check_cells(frame: pl.DataFrame, columns: list[str], lay: Layout, refuse: Refuser) -> None:
    """Refuse the first (top, then leftmost) cell that is neither a number nor a code."""
    if not columns:
        return
    status_cols = [f"{c}\x00status" for c in columns]
    bad_row = _first(frame.select(pl.any_horizontal(pl.col(status_cols).is_null())).to_series())
    if bad_row is None:
        return
    order = {c: i for i, c in enumerate(frame.columns)}
    bad_cols = [
        c for c, s in zip(columns, status_cols, strict=True) if frame.get_column(s)[bad_row] is None
    ]
    column = min(bad_cols, key=lambda c: order[c])
    unit = next(catalogue()[m.measure].unit for m in lay.measures if column in m.columns)
    raise refuse(refusal_text(frame.get_column(column)[bad_row], unit), bad_row, column)


__all__ = [
    "CODES",
    "OK",
    "FileReport",
    "MeasureRow",
    "ParsedFile",
    "detect_layout",
    "parse_file",
    "read_header",
    "resolve_year",
]
