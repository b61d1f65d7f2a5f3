"""Parsers for GIAS (Get Information about Schools) downloads.

Each returns plain dataclasses with typed values, ready for a database
importer, or raises :class:`FileRefused` naming file, row and column.

* establishments: the search-results export ("(name)" columns only, UTF-8)
  or the full ``edubasealldata`` download ("(code)" and "(name)" pairs,
  cp1252); the layout is detected from the header. ``read_establishments``
  gives the same values as typed polars columns (and the other columns as
  compact JSON built by polars) for bulk loaders;
* establishment links (``links_edubasealldata*.csv``, cp1252);
* all groups (``allgroupsdata``) and group links (including the
  pandas-re-saved copy with an index column and ``1900-01-01`` blanks).
"""

from __future__ import annotations

import dataclasses
import gc
import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, TypeVar

import polars as pl

from engines.errors import FileRefused
from engines.ingest.tabular import (
    UTF8_BOM,
    CsvLayout,
    Source,
    Table,
    first_line,
    parse_csv_bytes,
    read_source,
    refuse_binary,
    split_line,
)

GIAS_DATE = "%d-%m-%Y"
ISO_DATE = "%Y-%m-%d"
_DATE_PATTERNS = {
    GIAS_DATE: r"^\d{2}-\d{2}-\d{4}$",
    ISO_DATE: r"^\d{4}-\d{2}-\d{2}$",
    "%d/%m/%Y": r"^\d{2}/\d{2}/\d{4}$",
}
_WHOLE = r"^\d+$"
_DECIMAL = r"^\d+(?:\.\d+)?$"
#: pandas writes whole numbers read as floats with a trailing ".0".
_FLOATY_WHOLE = r"^\d+(?:\.0+)?$"
#: GIAS statuses that count as open.
OPEN_STATUSES = frozenset({"Open", "Open, but proposed to close"})
NO_LINKS = "Does not have links"

_COMMON_KEYS = (
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "OpenDate",
    "CloseDate",
)
SEARCH_EXPORT = CsvLayout(
    name="GIAS establishment search export",
    encoding="utf-8",
    key_columns=(
        *_COMMON_KEYS,
        "TypeOfEstablishment (name)",
        "EstablishmentStatus (name)",
        "PhaseOfEducation (name)",
    ),
)
EDUBASEALLDATA = CsvLayout(
    name="GIAS edubasealldata",
    encoding="cp1252",
    key_columns=(
        *_COMMON_KEYS,
        "TypeOfEstablishment (code)",
        "TypeOfEstablishment (name)",
        "EstablishmentStatus (code)",
        "EstablishmentStatus (name)",
        "PhaseOfEducation (code)",
        "PhaseOfEducation (name)",
    ),
)
LINKS = CsvLayout(
    name="GIAS establishment links",
    encoding="cp1252",
    key_columns=("URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate"),
)
_GROUP_KEYS = ("Group UID", "Group Name", "Group Type", "Group Status")
GROUPS_UTF8 = CsvLayout(
    name="GIAS all groups", encoding="utf-8", key_columns=_GROUP_KEYS, repair_c1_controls=True
)
GROUPS_CP1252 = CsvLayout(name="GIAS all groups", encoding="cp1252", key_columns=_GROUP_KEYS)
_GROUP_LINK_KEYS = ("URN", "Group UID", "Group Type")
GROUP_LINKS_UTF8 = CsvLayout(
    name="GIAS group links", encoding="utf-8", key_columns=_GROUP_LINK_KEYS, repair_c1_controls=True
)
GROUP_LINKS_CP1252 = CsvLayout(
    name="GIAS group links", encoding="cp1252", key_columns=_GROUP_LINK_KEYS
)

GiasLayoutName = Literal["search_export", "edubasealldata"]
T = TypeVar("T")


# --------------------------------------------------------------------------
# Typed column helpers (vectorised; refuse at the first bad cell; each returns a Series)


def _absent(t: Table, dtype: pl.DataType) -> pl.Series:
    return pl.Series(values=[None] * len(t), dtype=dtype)


def _texts(t: Table, name: str, *, blanks: frozenset[str] = frozenset()) -> pl.Series:
    """Cells as text, blank (or a listed placeholder) as null; all null if the column is absent."""
    if not t.has_column(name):
        return _absent(t, pl.String())
    values = t.frame.get_column(name)
    if blanks:
        values = values.replace(list(blanks), [""] * len(blanks))
    return values.replace("", None)


def _ints(t: Table, name: str, *, zero_is_none: bool = False, floaty: bool = False) -> pl.Series:
    """Whole numbers (blank as null); refuse anything else."""
    if not t.has_column(name):
        return _absent(t, pl.Int64())
    bad = t.first_failure(name, _FLOATY_WHOLE if floaty else _WHOLE)
    if bad is not None:
        value = t.frame.item(bad, name)
        raise t.refuse(f"{value!r} is not a whole number", bad, name)
    col = pl.col(name).replace("", None)
    if floaty:
        col = col.str.replace(r"\.0+$", "")
    values = t.frame.select(col.cast(pl.Int64)).to_series()
    if zero_is_none:
        values = values.replace(0, None)
    return values


def _floats(t: Table, name: str) -> pl.Series:
    """Decimal numbers (blank as null); refuse anything else."""
    if not t.has_column(name):
        return _absent(t, pl.Float64())
    bad = t.first_failure(name, _DECIMAL)
    if bad is not None:
        value = t.frame.item(bad, name)
        raise t.refuse(f"{value!r} is not a number", bad, name)
    return t.frame.select(pl.col(name).replace("", None).cast(pl.Float64)).to_series()


def _dates(
    t: Table, name: str, formats: tuple[str, ...] = (GIAS_DATE,), *, blanks: tuple[str, ...] = ()
) -> pl.Series:
    """Dates in one of ``formats`` (blank or a listed sentinel as null); refuse anything else."""
    if not t.has_column(name):
        return _absent(t, pl.Date())
    col = pl.col(name)
    if blanks:
        col = col.replace(list(blanks), [""] * len(blanks))
    parsed = [
        pl.when(col.str.contains(_DATE_PATTERNS[fmt])).then(col.str.to_date(fmt, strict=False))
        for fmt in formats
    ]
    out = t.frame.select(
        pl.coalesce(parsed).alias("date"),
        ((col != "") & pl.coalesce(parsed).is_null()).alias("bad"),
    )
    bad = out.get_column("bad").arg_true()
    if len(bad):
        i = int(bad[0])
        value = t.frame.item(i, name)
        shown = " or ".join(
            f.replace("%d", "dd").replace("%m", "mm").replace("%Y", "yyyy") for f in formats
        )
        raise t.refuse(f"{value!r} is not a date (expected {shown})", i, name)
    return out.get_column("date")


def _required_ids(t: Table, name: str) -> pl.Series:
    """A non-blank whole-number identifier column (URN, UID)."""
    col = pl.col(name)
    bad = t.frame.select((~col.str.contains(_WHOLE)).arg_true()).to_series()
    if len(bad):
        i = int(bad[0])
        value = t.frame.item(i, name)
        problem = "is blank" if value == "" else f"is {value!r}, not a number"
        raise t.refuse(f"{name} {problem}", i, name)
    return t.frame.select(col.cast(pl.Int64)).to_series()


def _refuse_duplicates(t: Table, name: str, values: pl.Series) -> None:
    """Refuse the first value that repeats an earlier row's."""
    repeats = (~values.is_first_distinct()).arg_true()
    if len(repeats):
        i = int(repeats[0])
        first = int((values == values[i]).arg_true()[0])
        raise t.refuse(f"{name} {values[i]} appears twice (first at row {t.lines[first]})", i, name)


def _build(cls: type[T], columns: Mapping[str, Sequence[object] | pl.Series]) -> list[T]:
    """Instances of a dataclass from equal-length columns (lists or Series), in field order."""
    order = [f.name for f in dataclasses.fields(cls)]  # type: ignore[arg-type]
    missing = set(order) - set(columns)
    assert not missing, f"no column for {missing}"
    lists = [c.to_list() if isinstance(c, pl.Series) else c for c in (columns[n] for n in order)]
    # Tens of thousands of new objects: the cyclic GC would only rescan them.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return [cls(*values) for values in zip(*lists, strict=True)]
    finally:
        if enabled:
            gc.enable()


# --------------------------------------------------------------------------
# JSON built by polars (sparse objects of raw cells, no Python loop per row)

#: Characters that JSON strings must escape.
_JSON_SPECIAL = r'["\\\x00-\x1f]'
_CONTROL = r"[\x00-\x1f]"
_CONTROL_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def json_text(value: object) -> str:
    """Compact JSON as the loaders store it (UTF-8 text, no spaces)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_string_body(col: pl.Expr, *, control: bool) -> pl.Expr:
    """The inside of a JSON string literal for each cell (quotes and backslashes escaped;
    control characters too when ``control``)."""
    col = col.str.replace_all("\\", "\\\\", literal=True).str.replace_all('"', '\\"', literal=True)
    if control:
        for code in range(0x20):
            char = chr(code)
            col = col.str.replace_all(
                char, _CONTROL_ESCAPES.get(char, f"\\u{code:04x}"), literal=True
            )
    return col


def json_objects(
    frame: pl.DataFrame, names: Sequence[str], *, extra_fragments: Sequence[str] = ()
) -> tuple[pl.Expr | None, list[str]]:
    """An expression giving, per row of ``frame``, a compact JSON object of the non-blank
    cells of ``names`` (key = column name, value = the cell as text).

    ``extra_fragments`` name columns of ready-made ``,"key":value`` fragments (null to leave
    out) appended to the object. Also returns the columns the expression reads. Columns that
    are blank in every row are left out of the plan, and cells that need no escaping are
    copied as they are, so a national file takes a fraction of a second.
    """
    names = list(names)
    k = len(names)
    stats = (
        frame.select(
            *[(pl.col(n) == "").sum().alias(f"b{i}") for i, n in enumerate(names)],
            *[
                pl.col(n).str.contains(_JSON_SPECIAL).any().alias(f"s{i}")
                for i, n in enumerate(names)
            ],
        ).row(0)
        if names
        else ()
    )
    blanks, special = stats[:k], stats[k:]
    escaped = [n for n, flag in zip(names, special, strict=True) if flag]
    found = frame.select(pl.col(escaped).str.contains(_CONTROL).any()).row(0) if escaped else ()
    control = dict(zip(escaped, found, strict=True))
    pieces: list[pl.Expr] = []
    used: list[str] = []
    for i, name in enumerate(names):
        if blanks[i] == frame.height:
            continue
        used.append(name)
        col = pl.col(name)
        body = _json_string_body(col, control=control[name]) if special[i] else col
        key = pl.lit("," + json_text(name) + ':"')
        if blanks[i] == 0:
            pieces += [key, body, pl.lit('"')]
        else:
            pieces.append(pl.when(col != "").then(pl.concat_str([key, body, pl.lit('"')])))
    for name in extra_fragments:
        pieces.append(pl.col(name))
        used.append(name)
    if not pieces:
        return None, used
    inner = pl.concat_str(pieces, ignore_nulls=True)
    return pl.concat_str([pl.lit("{"), inner.str.slice(1), pl.lit("}")]), used


# --------------------------------------------------------------------------
# Establishments


@dataclass(slots=True)
class Establishment:
    """One GIAS establishment with the fields a council uses, typed.

    ``*_code`` fields are None in the search export, which has names only.
    ``extras`` keeps every other non-blank column (raw text) so nothing is
    lost (held as compact JSON, ``extras_json``, and decoded on access);
    ``row`` is the physical line in the source file.
    """

    urn: int
    la_code: str
    la_name: str | None
    establishment_number: str | None
    laestab: str | None
    name: str
    type_code: str | None
    type: str | None
    type_group_code: str | None
    type_group: str | None
    status_code: str | None
    status: str | None
    reason_opened_code: str | None
    reason_opened: str | None
    open_date: date | None
    reason_closed_code: str | None
    reason_closed: str | None
    close_date: date | None
    phase_code: str | None
    phase: str | None
    statutory_low_age: int | None
    statutory_high_age: int | None
    religious_character_code: str | None
    religious_character: str | None
    diocese_code: str | None
    diocese: str | None
    school_capacity: int | None
    census_date: date | None
    number_of_pupils: int | None
    percentage_fsm: float | None
    trust_flag: str | None
    trust_code: str | None
    trust_name: str | None
    sponsor_name: str | None
    federation_flag: str | None
    federation_code: str | None
    federation_name: str | None
    ukprn: str | None
    ofsted_rating: str | None
    ofsted_last_inspection: date | None
    street: str | None
    locality: str | None
    address3: str | None
    town: str | None
    county: str | None
    postcode: str | None
    easting: int | None
    northing: int | None
    head_title: str | None
    head_first_name: str | None
    head_last_name: str | None
    head_job_title: str | None
    linked_establishments: tuple[str, ...]
    extras_json: str
    row: int

    @property
    def extras(self) -> dict[str, str]:
        """The other non-blank columns, by column name (decoded from ``extras_json``)."""
        decoded: dict[str, str] = json.loads(self.extras_json)
        return decoded

    @property
    def is_open(self) -> bool:
        """Open, including "Open, but proposed to close"."""
        return self.status in OPEN_STATUSES


@dataclass(slots=True)
class EstablishmentExtract:
    """A parsed GIAS establishments file and the layout it was detected as."""

    layout: GiasLayoutName
    file: str
    establishments: list[Establishment] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.establishments)

    def by_urn(self) -> dict[int, Establishment]:
        """Establishments keyed by URN (unique within a file)."""
        return {e.urn: e for e in self.establishments}


# Field -> source column for plain text fields ("(code)" ones are absent in the search export).
_TEXT_FIELDS = {
    "la_name": "LA (name)",
    "type_code": "TypeOfEstablishment (code)",
    "type": "TypeOfEstablishment (name)",
    "type_group_code": "EstablishmentTypeGroup (code)",
    "type_group": "EstablishmentTypeGroup (name)",
    "status_code": "EstablishmentStatus (code)",
    "status": "EstablishmentStatus (name)",
    "reason_opened_code": "ReasonEstablishmentOpened (code)",
    "reason_opened": "ReasonEstablishmentOpened (name)",
    "reason_closed_code": "ReasonEstablishmentClosed (code)",
    "reason_closed": "ReasonEstablishmentClosed (name)",
    "phase_code": "PhaseOfEducation (code)",
    "phase": "PhaseOfEducation (name)",
    "religious_character_code": "ReligiousCharacter (code)",
    "religious_character": "ReligiousCharacter (name)",
    "diocese_code": "Diocese (code)",
    "diocese": "Diocese (name)",
    "trust_flag": "TrustSchoolFlag (name)",
    "trust_code": "Trusts (code)",
    "trust_name": "Trusts (name)",
    "sponsor_name": "SchoolSponsors (name)",
    "federation_flag": "FederationFlag (name)",
    "federation_code": "Federations (code)",
    "federation_name": "Federations (name)",
    "ukprn": "UKPRN",
    "ofsted_rating": "OfstedRating (name)",
    "street": "Street",
    "locality": "Locality",
    "address3": "Address3",
    "town": "Town",
    "county": "County (name)",
    "postcode": "Postcode",
    "head_title": "HeadTitle (name)",
    "head_first_name": "HeadFirstName",
    "head_last_name": "HeadLastName",
    "head_job_title": "HeadPreferredJobTitle",
}
_INT_FIELDS = {
    "statutory_low_age": "StatutoryLowAge",
    "statutory_high_age": "StatutoryHighAge",
    "school_capacity": "SchoolCapacity",
    "number_of_pupils": "NumberOfPupils",
}
_DATE_FIELDS = {
    "open_date": "OpenDate",
    "close_date": "CloseDate",
    "census_date": "CensusDate",
    "ofsted_last_inspection": "OfstedLastInsp",
}
LINKED = "Linked establishments"
#: Every typed field and the column it is read from (``laestab`` is derived from two).
SOURCE_COLUMNS: dict[str, str] = {
    "urn": "URN",
    "la_code": "LA (code)",
    "establishment_number": "EstablishmentNumber",
    "name": "EstablishmentName",
    **_TEXT_FIELDS,
    **_INT_FIELDS,
    **_DATE_FIELDS,
    "percentage_fsm": "PercentageFSM",
    "easting": "Easting",
    "northing": "Northing",
}
#: Columns of the dataclass's ``extras``: those not read into a field.
_MAPPED = frozenset({*SOURCE_COLUMNS.values(), LINKED})
#: Columns that are "(code)" in edubasealldata apart from those the search export also has.
_SEARCH_EXPORT_CODES = {"LA (code)", "MSOA (code)", "LSOA (code)"}
#: Helper columns of ready-made JSON fragments (see ``EstablishmentTable``).
_LINKED_FRAGMENT = "__linked_json"
_TRAILING_FRAGMENT = "__trailing_json"


def detect_establishment_layout(data: bytes, file: str) -> CsvLayout:
    """The establishments layout named by the header: "(code)" columns mean edubasealldata."""
    refuse_binary(data, file)
    first = first_line(data).removeprefix(UTF8_BOM)
    names = {n.strip() for n in split_line(first.decode("cp1252", errors="replace").rstrip("\r"))}
    if any(n.endswith(" (code)") and n not in _SEARCH_EXPORT_CODES for n in names):
        return EDUBASEALLDATA
    return SEARCH_EXPORT


@dataclass(slots=True)
class EstablishmentTable:
    """A checked GIAS establishments file as columns, for loaders that work on whole columns.

    ``frame`` holds one typed column per :class:`Establishment` field (blank as null) apart
    from ``linked_establishments`` and ``extras_json``, then ``row`` (the physical line).
    ``table`` is the raw text; :meth:`iter_extras_json` builds the JSON of any set of its columns.
    """

    layout: GiasLayoutName
    file: str
    table: Table
    frame: pl.DataFrame

    def __len__(self) -> int:
        return self.frame.height

    def linked(self) -> list[tuple[str, ...]]:
        """Per row, the linked establishments ("Linked establishments" and the unnamed
        fields GIAS spills further links into), without "Does not have links"."""
        t = self.table
        if not t.has_column(LINKED):
            return [()] * len(t)
        first = t.frame.get_column(LINKED)
        keep = ((first != "") & (first != NO_LINKS)).to_list()
        out: list[tuple[str, ...]] = [
            (v,) if k else () for v, k in zip(first.to_list(), keep, strict=True)
        ]
        for i, more in t.extra.items():
            out[i] = tuple(v for v in (first[i], *more) if v and v != NO_LINKS)
        return out

    def _fragments(self, *, linked: bool) -> tuple[pl.DataFrame, list[str]]:
        """The raw frame with the JSON fragments of the linked establishments (a list) and
        of unnamed trailing fields ("field N"); rows that have none hold null."""
        t = self.table
        frame, names = t.frame, []
        if t.has_column(LINKED):
            if linked:
                links = self.linked()
                key = "," + json_text(LINKED) + ":"
                fragment = [key + json_text(list(v)) if v else None for v in links]
                frame = frame.with_columns(pl.Series(_LINKED_FRAGMENT, fragment, dtype=pl.String))
                names.append(_LINKED_FRAGMENT)
        elif t.extra:
            trailing: list[str | None] = [None] * len(t)
            width = len(t.header)
            for i, values in t.extra.items():
                parts = [
                    "," + json_text(f"field {k}") + ":" + json_text(v)
                    for k, v in enumerate(values, start=width + 1)
                    if v.strip()
                ]
                trailing[i] = "".join(parts) or None
            frame = frame.with_columns(pl.Series(_TRAILING_FRAGMENT, trailing, dtype=pl.String))
            names.append(_TRAILING_FRAGMENT)
        return frame, names

    def iter_extras_json(
        self, exclude: Collection[str], *, linked: bool = True, size: int | None = None
    ) -> Iterator[pl.Series]:
        """Per row, compact JSON of the non-blank cells of every column not in ``exclude``
        (with ``linked``, "Linked establishments" as a list), in slices of ``size`` rows (all
        at once by default), so a loader can send one slice while the next is built."""
        frame, fragments = self._fragments(linked=linked)
        names = [n for n in self.table.header if n not in exclude and n != LINKED]
        expr, used = json_objects(frame, names, extra_fragments=fragments)
        n = len(frame)
        step = size or max(n, 1)
        frame = frame.select(used)
        for start in range(0, n, step):
            if expr is None:
                yield pl.Series("extras", ["{}"] * min(step, n - start), dtype=pl.String)
            else:
                yield frame.slice(start, step).select(expr.alias("extras")).to_series()


def read_establishments(source: Source, *, name: str | None = None) -> EstablishmentTable:
    """Read and check a GIAS establishments file (search export or edubasealldata) into
    typed columns; see :func:`parse_establishments` for one object per establishment."""
    data, file = read_source(source, name)
    layout = detect_establishment_layout(data, file)
    t = parse_csv_bytes(data, layout, file=file)
    del data

    urns = _required_ids(t, "URN")
    _refuse_duplicates(t, "URN", urns)
    bad = t.frame.select((~pl.col("LA (code)").str.contains(_WHOLE)).arg_true()).to_series()
    if len(bad):
        i = int(bad[0])
        raise t.refuse(
            f"LA (code) {t.frame.item(i, 'LA (code)')!r} is not a number", i, "LA (code)"
        )
    columns: dict[str, pl.Series] = {
        "urn": urns,
        "la_code": t.frame.get_column("LA (code)"),
        "la_name": _texts(t, "LA (name)"),
        "establishment_number": _texts(t, "EstablishmentNumber"),
        "laestab": _laestabs(t),
        "name": t.frame.get_column("EstablishmentName"),
    }
    for fld, col in _TEXT_FIELDS.items():
        columns.setdefault(fld, _texts(t, col))
    for fld, col in _INT_FIELDS.items():
        columns[fld] = _ints(t, col)
    for fld, col in _DATE_FIELDS.items():
        columns[fld] = _dates(t, col)
    columns["percentage_fsm"] = _floats(t, "PercentageFSM")
    # GIAS writes 0,0 for "no grid reference".
    columns["easting"] = _ints(t, "Easting", zero_is_none=True)
    columns["northing"] = _ints(t, "Northing", zero_is_none=True)
    columns["row"] = pl.Series(values=t.lines, dtype=pl.Int64)
    order = [
        f.name
        for f in dataclasses.fields(Establishment)
        if f.name not in {"linked_establishments", "extras_json"}
    ]
    frame = pl.DataFrame([columns[n].alias(n) for n in order])
    kind: GiasLayoutName = "edubasealldata" if layout is EDUBASEALLDATA else "search_export"
    return EstablishmentTable(layout=kind, file=file, table=t, frame=frame)


def parse_establishments(source: Source, *, name: str | None = None) -> EstablishmentExtract:
    """Parse a GIAS establishments file (search export or edubasealldata)."""
    table = read_establishments(source, name=name)
    columns: dict[str, Sequence[object] | pl.Series] = {
        n: table.frame.get_column(n) for n in table.frame.columns
    }
    columns["linked_establishments"] = table.linked()
    (extras,) = table.iter_extras_json(_MAPPED, linked=False)
    columns["extras_json"] = extras
    return EstablishmentExtract(
        layout=table.layout, file=table.file, establishments=_build(Establishment, columns)
    )


def _laestabs(t: Table) -> pl.Series:
    """LA code + establishment number as the 7-digit LAESTAB, when both are numeric."""
    la, number = pl.col("LA (code)"), pl.col("EstablishmentNumber")
    ok = la.str.contains(r"^\d{1,3}$") & number.str.contains(r"^\d{1,4}$")
    laestab = pl.when(ok).then(pl.concat_str(la.str.zfill(3), number.str.zfill(4)))
    return t.frame.select(laestab).to_series()


# --------------------------------------------------------------------------
# Establishment links


@dataclass(frozen=True, slots=True)
class EstablishmentLink:
    """One row of the links file: ``link_urn`` is ``link_type`` of ``urn``.

    e.g. ``EstablishmentLink(146023, 125040, ..., "Predecessor", ...)`` means
    125040 is the predecessor of 146023.
    """

    urn: int
    link_urn: int
    link_name: str
    link_type: str
    established: date | None
    row: int


def parse_links(source: Source, *, name: str | None = None) -> list[EstablishmentLink]:
    """Parse a GIAS ``links_edubasealldata`` file (cp1252, dd-mm-yyyy)."""
    data, file = read_source(source, name)
    t = parse_csv_bytes(data, LINKS, file=file)
    blank = t.frame.select((pl.col("LinkType") == "").arg_true()).to_series()
    if len(blank):
        raise t.refuse("LinkType is blank", int(blank[0]), "LinkType")
    columns: dict[str, Sequence[object] | pl.Series] = {
        "urn": _required_ids(t, "URN"),
        "link_urn": _required_ids(t, "LinkURN"),
        "link_name": t.column("LinkName"),
        "link_type": t.column("LinkType"),
        "established": _dates(t, "LinkEstablishedDate"),
        "row": t.lines,
    }
    return _build(EstablishmentLink, columns)


# --------------------------------------------------------------------------
# Groups (trusts, federations, sponsors...)

#: GIAS "Group Type" values as published.
MULTI_ACADEMY_TRUST = "Multi-academy trust"
SINGLE_ACADEMY_TRUST = "Single-academy trust"
FEDERATION = "Federation"
TRUST = "Trust"
SCHOOL_SPONSOR = "School sponsor"
NOT_RECORDED = frozenset({"Not recorded"})


@dataclass(slots=True)
class Group:
    """One GIAS group (academy trust, federation, sponsor, ...)."""

    uid: int
    group_id: str | None
    name: str
    companies_house_number: str | None
    type_code: str | None
    type: str
    status_code: str | None
    status: str
    open_date: date | None
    closed_date: date | None
    incorporated_on: date | None
    street: str | None
    locality: str | None
    address3: str | None
    town: str | None
    county: str | None
    postcode: str | None
    head_title: str | None
    head_first_name: str | None
    head_last_name: str | None
    ukprn: str | None
    row: int

    @property
    def is_open(self) -> bool:
        """Status "Open"."""
        return self.status == "Open"


@dataclass(slots=True)
class GroupLink:
    """An establishment's membership of a group."""

    urn: int
    group_uid: int
    group_id: str | None
    group_name: str | None
    group_type: str
    group_status: str | None
    joined_date: date | None
    group_open_date: date | None
    group_closed_date: date | None
    companies_house_number: str | None
    establishment_name: str | None
    type_of_establishment: str | None
    phase: str | None
    la_code: str | None
    la_name: str | None
    row: int


_GROUP_DATE_FORMATS = (ISO_DATE, "%d/%m/%Y", GIAS_DATE)
#: pandas' re-save writes this for a blank date.
PANDAS_BLANK_DATE = "1900-01-01"


def _pick_layout(data: bytes, utf8: CsvLayout, cp1252: CsvLayout) -> CsvLayout:
    """UTF-8 if the bytes are valid UTF-8, else cp1252 (GIAS downloads are cp1252)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return cp1252
    return utf8


def _companies_house(t: Table, name: str) -> list[str | None]:
    """Companies House numbers, repairing pandas' float form (``6893415.0`` -> ``06893415``)."""
    out: list[str | None] = []
    for value in _texts(t, name).to_list():
        if value is not None:
            whole = value[:-2] if value.endswith(".0") else value
            value = whole.zfill(8) if whole.isdigit() else value
        out.append(value)
    return out


def _whole_text(t: Table, name: str) -> list[str | None]:
    """Numeric identifiers as text, repairing a pandas ``.0`` suffix."""
    return [None if v is None else str(v) for v in _ints(t, name, floaty=True).to_list()]


def parse_groups(source: Source, *, name: str | None = None) -> list[Group]:
    """Parse a GIAS all-groups file (``allgroupsdata``)."""
    data, file = read_source(source, name)
    t = parse_csv_bytes(data, _pick_layout(data, GROUPS_UTF8, GROUPS_CP1252), file=file)
    uids = _required_ids(t, "Group UID")
    _refuse_duplicates(t, "Group UID", uids)
    columns: dict[str, Sequence[object] | pl.Series] = {
        "uid": uids,
        "group_id": _texts(t, "Group ID"),
        "name": t.column("Group Name"),
        "companies_house_number": _companies_house(t, "Companies House Number"),
        "type_code": _texts(t, "Group Type (code)"),
        "type": t.column("Group Type"),
        "status_code": _texts(t, "Group Status (code)"),
        "status": t.column("Group Status"),
        "open_date": _dates(t, "Open date", _GROUP_DATE_FORMATS, blanks=(PANDAS_BLANK_DATE,)),
        "closed_date": _dates(t, "Closed Date", _GROUP_DATE_FORMATS, blanks=(PANDAS_BLANK_DATE,)),
        "incorporated_on": _dates(
            t, "Incorporated on (open date)", _GROUP_DATE_FORMATS, blanks=(PANDAS_BLANK_DATE,)
        ),
        "street": _texts(t, "Group Street"),
        "locality": _texts(t, "Group Locality"),
        "address3": _texts(t, "Group Address 3"),
        "town": _texts(t, "Group Town"),
        "county": _texts(t, "Group County", blanks=NOT_RECORDED),
        "postcode": _texts(t, "Group Postcode"),
        "head_title": _texts(t, "Head of Group Title", blanks=NOT_RECORDED),
        "head_first_name": _texts(t, "Head of Group First Name"),
        "head_last_name": _texts(t, "Head of Group Last Name"),
        "ukprn": _whole_text(t, "UKPRN"),
        "row": t.lines,
    }
    return _build(Group, columns)


def parse_group_links(source: Source, *, name: str | None = None) -> list[GroupLink]:
    """Parse GIAS group links (raw, or re-saved by pandas with an index column)."""
    data, file = read_source(source, name)
    t = parse_csv_bytes(data, _pick_layout(data, GROUP_LINKS_UTF8, GROUP_LINKS_CP1252), file=file)
    urns = _required_ids(t, "URN")
    uids = _required_ids(t, "Group UID")
    pairs = pl.DataFrame({"u": urns, "g": uids})
    repeats = (~pairs.is_unique()).arg_true()
    if len(repeats):
        i = int(repeats[0])
        raise t.refuse(f"URN {urns[i]} is linked to group {uids[i]} more than once", i, "URN")
    blanks = (PANDAS_BLANK_DATE,)
    columns: dict[str, Sequence[object] | pl.Series] = {
        "urn": urns,
        "group_uid": uids,
        "group_id": _texts(t, "Group ID"),
        "group_name": _texts(t, "Group Name"),
        "group_type": t.column("Group Type"),
        "group_status": _texts(t, "Group Status"),
        "joined_date": _dates(t, "Joined date", _GROUP_DATE_FORMATS, blanks=blanks),
        "group_open_date": _dates(t, "Open date", _GROUP_DATE_FORMATS, blanks=blanks),
        "group_closed_date": _dates(t, "Closed Date", _GROUP_DATE_FORMATS, blanks=blanks),
        "companies_house_number": _companies_house(t, "Companies House Number"),
        "establishment_name": _texts(t, "EstablishmentName"),
        "type_of_establishment": _texts(t, "TypeOfEstablishment (name)"),
        "phase": _texts(t, "PhaseOfEducation (name)"),
        "la_code": _texts(t, "LA (code)"),
        "la_name": _texts(t, "LA (name)"),
        "row": t.lines,
    }
    return _build(GroupLink, columns)


__all__ = [
    "EDUBASEALLDATA",
    "LINKS",
    "OPEN_STATUSES",
    "SEARCH_EXPORT",
    "SOURCE_COLUMNS",
    "Establishment",
    "EstablishmentExtract",
    "EstablishmentLink",
    "EstablishmentTable",
    "FileRefused",
    "Group",
    "GroupLink",
    "detect_establishment_layout",
    "json_text",
    "parse_establishments",
    "parse_group_links",
    "parse_groups",
    "parse_links",
    "read_establishments",
]
