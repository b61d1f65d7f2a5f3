"""File layouts and the measure catalogue, loaded from data files.

Each DfE file layout is one YAML file in ``engines/perf/layouts/`` (see
``ks2_2019.yaml`` for a commented example); the measures they map to are
described once in ``engines/perf/catalogue.yaml``. A new DfE layout or a new
measure is a new or edited data file, not new code. Loading validates every
file strictly (unknown keys, unknown measures, bad units) and raises
:class:`LayoutError`, a programming error rather than a refused upload.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from engines.perf.values import STATUSES, UNITS

PERF_DIR = Path(__file__).resolve().parent
LAYOUT_DIR = PERF_DIR / "layouts"
CATALOGUE_FILE = PERF_DIR / "catalogue.yaml"

Kind = Literal["school", "la", "national"]
KINDS: tuple[str, ...] = ("school", "la", "national")
FIELD_TYPES = ("urn", "urn_or_blank", "text", "int", "flag", "date")

#: DfE download names start with the academic year: ``2018-2019_850_ks2final.csv``.
DFE_YEAR_PREFIX = re.compile(r"^(\d{4})-(\d{4})_")


class LayoutError(ValueError):
    """A layout or catalogue file is malformed (a bug in the data files, not in an upload)."""


@dataclass(frozen=True)
class Measure:
    """One product measure, as the UI shows it."""

    code: str
    label: str
    description: str
    unit: str
    higher_is_better: bool | None
    has_limits: bool = False


@dataclass(frozen=True)
class MeasureColumns:
    """Where a layout finds one measure: its value column and optional confidence limits."""

    measure: str
    value: str
    lower: str | None = None
    upper: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """Every source column of the measure."""
        return tuple(c for c in (self.value, self.lower, self.upper) if c)


@dataclass(frozen=True)
class RecordType:
    """What a RECTYPE code means: a school, an LA benchmark or a national benchmark."""

    code: str
    kind: Kind
    label: str


@dataclass(frozen=True)
class SummaryRule:
    """Rows whose ``column`` holds one of ``values`` are summaries: counted, not imported."""

    column: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class FieldSpec:
    """One column of an establishment list (the spine) and the field it becomes."""

    column: str
    name: str
    type: str


@dataclass(frozen=True)
class Layout:
    """One file layout: how to recognise it, where its year comes from, what it holds."""

    id: str
    title: str
    source: Path
    verified: bool
    kind: Literal["measures", "establishments"]
    format: Literal["csv", "xlsx"]
    encoding: Literal["utf-8", "cp1252"] = "utf-8"
    sheet: str | None = None
    name_hint: str | None = None
    name_hint_required: bool = False
    year_fixed: int | None = None
    year_from_file_name: bool = False
    year_min: int | None = None
    year_max: int | None = None
    year_evidence: str = ""
    header_has_year: bool = True
    period: str | None = None
    width: int | None = None
    requires: tuple[str, ...] = ()
    lacks: tuple[str, ...] = ()
    keys: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, str] = field(default_factory=dict)
    record_types: Mapping[str, RecordType] = field(default_factory=dict)
    summary_rows: tuple[SummaryRule, ...] = ()
    partial: bool = False
    code_aliases: Mapping[str, str] = field(default_factory=dict)
    measures: tuple[MeasureColumns, ...] = ()
    fields: tuple[FieldSpec, ...] = ()

    @property
    def key_columns(self) -> tuple[str, ...]:
        """The identifying columns every row must reach (RECTYPE, LA, ESTAB, URN)."""
        return tuple(
            self.keys[role] for role in ("rectype", "la", "estab", "urn") if role in self.keys
        )

    @property
    def measure_codes(self) -> tuple[str, ...]:
        """The measures this layout maps, in file order of the mapping."""
        return tuple(m.measure for m in self.measures)

    def missing_columns(self, header: Iterable[str]) -> list[str]:
        """Signature and key columns ``header`` lacks (keys first)."""
        names = set(header)
        wanted = dict.fromkeys([*self.key_columns, *self.requires])
        return [c for c in wanted if c not in names]

    def fits(self, header: Iterable[str]) -> bool:
        """Whether ``header`` has this layout's signature (:meth:`signature_problems` is empty)."""
        names = set(header)
        return not self.missing_columns(names) and not any(c in names for c in self.lacks)

    def signature_problems(self, header: Iterable[str]) -> list[str]:
        """Why ``header`` is not this layout (empty when it is)."""
        header = list(header)
        problems = []
        for column in self.missing_columns(header):
            problems.append(f"has no {column} column{rename_hint(column, header)}")
        names = set(header)
        problems += [f"has a {c} column, which this layout lacks" for c in self.lacks if c in names]
        return problems

    def name_matches(self, file_name: str) -> bool:
        """Whether the file name carries this layout's hint (for example ``ks2final``)."""
        return bool(self.name_hint and re.search(self.name_hint, file_name, re.IGNORECASE))

    def describe(self) -> str:
        """One line naming the layout and its evidence, for messages."""
        clues = [f"has {c}" for c in self.requires if c not in self.key_columns]
        clues += [f"lacks {c}" for c in self.lacks]
        return (
            f"{self.id} ({self.title}: {', '.join(clues)})"
            if clues
            else f"{self.id} ({self.title})"
        )


def rename_hint(column: str, header: Sequence[str]) -> str:
    """`` (found 'x': renamed?)`` when ``header`` has a name close to a missing ``column``."""
    close = [h for h in header if h.casefold() == column.casefold()]
    close = close or difflib.get_close_matches(column, list(header), n=1, cutoff=0.8)
    return f" (found {close[0]!r}: renamed?)" if close else ""


# --- loading -----------------------------------------------------------------

_TOP_KEYS = {
    "id", "title", "verified", "kind", "file", "year", "signature", "keys", "attributes",
    "record_types", "summary_rows", "partial", "code_aliases", "measures", "fields",
}  # fmt: skip
_FILE_KEYS = {"format", "encoding", "sheet", "name_hint", "name_hint_required"}
_YEAR_KEYS = {"fixed", "from_file_name", "min", "max", "evidence", "header_has_year", "period"}
_SIGNATURE_KEYS = {"width", "requires", "lacks"}
_KEY_ROLES = {"urn", "la", "estab", "rectype"}


def _mapping(value: Any, where: str) -> dict[str, Any]:
    """``value`` as a dict (YAML mapping) or a LayoutError."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise LayoutError(f"{where}: expected a mapping, got {type(value).__name__}")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    """``value`` as a tuple of strings (YAML list) or a LayoutError."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LayoutError(f"{where}: expected a list of column names")
    return tuple(value)


def _unknown(data: Mapping[str, Any], allowed: set[str], where: str) -> None:
    """Refuse keys a layout file may not have (catches typos)."""
    extra = sorted(set(data) - allowed)
    if extra:
        raise LayoutError(f"{where}: unknown key(s) {', '.join(extra)}")


def _load_yaml(text: str) -> Any:
    """Safe YAML, with libyaml's C loader when PyYAML has it (ten times faster)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


def load_catalogue(path: Path = CATALOGUE_FILE) -> dict[str, Measure]:
    """The measure catalogue from its YAML file."""
    data = _mapping(_load_yaml(path.read_text(encoding="utf-8")), path.name)
    catalogue: dict[str, Measure] = {}
    for code, spec in data.items():
        where = f"{path.name}: {code}"
        spec = _mapping(spec, where)
        _unknown(spec, {"label", "description", "unit", "higher_is_better", "has_limits"}, where)
        if not re.fullmatch(r"[a-z0-9]+\.[a-z0-9_]+", code):
            raise LayoutError(f"{where}: measure codes look like 'ks2.rwm_expected_pct'")
        if spec.get("unit") not in UNITS:
            raise LayoutError(f"{where}: unit must be one of {', '.join(UNITS)}")
        better = spec.get("higher_is_better")
        if better not in (True, False, None):
            raise LayoutError(f"{where}: higher_is_better must be true, false or null")
        if not spec.get("label") or not spec.get("description"):
            raise LayoutError(f"{where}: label and description are required")
        catalogue[code] = Measure(
            code=code,
            label=str(spec["label"]),
            description=str(spec["description"]),
            unit=str(spec["unit"]),
            higher_is_better=better,
            has_limits=bool(spec.get("has_limits", False)),
        )
    return catalogue


def _measures(
    data: Any, where: str, catalogue: Mapping[str, Measure]
) -> tuple[MeasureColumns, ...]:
    """The ``measures:`` block: code -> column, or code -> {value, lower, upper}."""
    result: list[MeasureColumns] = []
    for code, spec in _mapping(data, where).items():
        here = f"{where}: {code}"
        if code not in catalogue:
            raise LayoutError(f"{here}: not in the measure catalogue ({CATALOGUE_FILE.name})")
        if isinstance(spec, str):
            spec = {"value": spec}
        spec = _mapping(spec, here)
        _unknown(spec, {"value", "lower", "upper"}, here)
        if not isinstance(spec.get("value"), str):
            raise LayoutError(f"{here}: needs a value column")
        lower, upper = spec.get("lower"), spec.get("upper")
        if (lower is None) != (upper is None):
            raise LayoutError(f"{here}: give both lower and upper limits, or neither")
        if lower is not None and not catalogue[code].has_limits:
            raise LayoutError(f"{here}: the catalogue says this measure has no confidence limits")
        result.append(MeasureColumns(code, spec["value"], lower, upper))
    columns = [c for m in result for c in m.columns]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise LayoutError(f"{where}: column(s) mapped twice: {', '.join(repeated)}")
    return tuple(result)


def load_layout(path: Path, catalogue: Mapping[str, Measure] | None = None) -> Layout:
    """One layout from its YAML file, validated against the catalogue."""
    catalogue = catalogue if catalogue is not None else load_catalogue()
    where = path.name
    data = _mapping(_load_yaml(path.read_text(encoding="utf-8")), where)
    _unknown(data, _TOP_KEYS, where)
    if data.get("id") != path.stem:
        raise LayoutError(f"{where}: id must be the file name without .yaml ({path.stem!r})")
    kind = data.get("kind", "measures")
    if kind not in ("measures", "establishments"):
        raise LayoutError(f"{where}: kind must be measures or establishments")
    file = _mapping(data.get("file"), f"{where}: file")
    _unknown(file, _FILE_KEYS, f"{where}: file")
    fmt = file.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise LayoutError(f"{where}: file.format must be csv or xlsx")
    encoding = file.get("encoding", "utf-8")
    if encoding not in ("utf-8", "cp1252"):
        raise LayoutError(f"{where}: file.encoding must be utf-8 or cp1252")
    year = _mapping(data.get("year"), f"{where}: year")
    _unknown(year, _YEAR_KEYS, f"{where}: year")
    fixed, from_name = year.get("fixed"), bool(year.get("from_file_name", False))
    if (fixed is None) == (not from_name):
        raise LayoutError(
            f"{where}: year needs exactly one of fixed: <year> or from_file_name: true"
        )
    if fixed is not None and not isinstance(fixed, int):
        raise LayoutError(f"{where}: year.fixed must be a year such as 2019")
    signature = _mapping(data.get("signature"), f"{where}: signature")
    _unknown(signature, _SIGNATURE_KEYS, f"{where}: signature")
    keys = _mapping(data.get("keys"), f"{where}: keys")
    _unknown(keys, _KEY_ROLES, f"{where}: keys")
    if "urn" not in keys:
        raise LayoutError(f"{where}: keys.urn is required")
    record_types: dict[str, RecordType] = {}
    for code, spec in _mapping(data.get("record_types"), f"{where}: record_types").items():
        spec = _mapping(spec, f"{where}: record_types {code}")
        if spec.get("kind") not in KINDS:
            raise LayoutError(
                f"{where}: record_types {code}: kind must be one of {', '.join(KINDS)}"
            )
        record_types[str(code)] = RecordType(str(code), spec["kind"], str(spec.get("label", code)))
    if ("rectype" in keys) != bool(record_types):
        raise LayoutError(f"{where}: keys.rectype and record_types go together")
    summaries: list[SummaryRule] = []
    for i, spec in enumerate(data.get("summary_rows") or []):
        spec = _mapping(spec, f"{where}: summary_rows[{i}]")
        summaries.append(SummaryRule(str(spec["column"]), tuple(str(v) for v in spec["values"])))
    aliases = {str(k): str(v) for k, v in _mapping(data.get("code_aliases"), where).items()}
    bad = sorted(v for v in aliases.values() if v not in STATUSES)
    if bad:
        raise LayoutError(f"{where}: code_aliases must map to one of {', '.join(STATUSES)}")
    measures = _measures(data.get("measures"), where, catalogue)
    fields: list[FieldSpec] = []
    for column, spec in _mapping(data.get("fields"), f"{where}: fields").items():
        spec = _mapping(spec, f"{where}: fields {column}")
        if spec.get("type") not in FIELD_TYPES:
            raise LayoutError(
                f"{where}: fields {column}: type must be one of {', '.join(FIELD_TYPES)}"
            )
        fields.append(FieldSpec(str(column), str(spec["name"]), str(spec["type"])))
    if kind == "measures" and not measures:
        raise LayoutError(f"{where}: a measures layout needs measures")
    if kind == "establishments" and not fields:
        raise LayoutError(f"{where}: an establishments layout needs fields")
    return Layout(
        id=str(data["id"]),
        title=str(data.get("title", data["id"])),
        source=path,
        verified=bool(data.get("verified", False)),
        kind=kind,
        format=fmt,
        encoding=encoding,
        sheet=file.get("sheet"),
        name_hint=file.get("name_hint"),
        name_hint_required=bool(file.get("name_hint_required", False)),
        year_fixed=fixed,
        year_from_file_name=from_name,
        year_min=year.get("min"),
        year_max=year.get("max"),
        year_evidence=str(year.get("evidence", "")),
        header_has_year=bool(year.get("header_has_year", True)),
        period=year.get("period"),
        width=signature.get("width"),
        requires=_strings(signature.get("requires"), f"{where}: signature.requires"),
        lacks=_strings(signature.get("lacks"), f"{where}: signature.lacks"),
        keys={str(k): str(v) for k, v in keys.items()},
        attributes={str(k): str(v) for k, v in _mapping(data.get("attributes"), where).items()},
        record_types=record_types,
        summary_rows=tuple(summaries),
        partial=bool(data.get("partial", False)),
        code_aliases=aliases,
        measures=measures,
        fields=tuple(fields),
    )


def load_layouts(directory: Path = LAYOUT_DIR) -> dict[str, Layout]:
    """Every ``*.yaml`` layout of a directory, by id."""
    measures = catalogue()  # loaded once
    return {p.stem: load_layout(p, measures) for p in sorted(directory.glob("*.yaml"))}


@cache
def catalogue() -> dict[str, Measure]:
    """The measure catalogue (loaded once)."""
    return load_catalogue()


@cache
def layouts() -> dict[str, Layout]:
    """The shipped layouts (loaded once), by id."""
    return load_layouts()


def get_layout(layout_id: str) -> Layout:
    """A shipped layout by id, or a LayoutError listing the known ones."""
    known = layouts()
    if layout_id not in known:
        raise LayoutError(f"no layout {layout_id!r}; known: {', '.join(known)}")
    return known[layout_id]


def file_name_year(file_name: str) -> int | None:
    """The year a DfE download name gives (``2018-2019_...`` -> 2019), if any."""
    match = DFE_YEAR_PREFIX.match(Path(file_name).name)
    return int(match.group(2)) if match else None


def units(layout: Layout, codes: Sequence[str] | None = None) -> dict[str, str]:
    """Unit of each measure of a layout (from the catalogue)."""
    cat = catalogue()
    return {
        m.measure: cat[m.measure].unit
        for m in layout.measures
        if codes is None or m.measure in codes
    }
