"""A deterministic synthetic council ("Borsetshire", LA 999) written in the real GIAS layouts.

``generate_council(seed)`` builds about 300 open establishments plus their closed
predecessors, trusts, federations, clusters, advisers and named demo people.
``SyntheticCouncil.write_files(directory)`` writes them as a GIAS search export, a GIAS
links file, the all-groups and group-links files, an ``edubasealldata`` extract of the
council, and KS2 final files for 2016-17, 2017-18 and 2018-19 (each in its year's layout).
Everything is fictional: URNs 900001+, postcode area ``BW``, telephone numbers from the
Ofcom drama range, e-mail addresses under ``.example``.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from engines.synthetic._common import (
    GENERIC_SCHOOL_WORDS,
    RC_SAINTS,
    SAINTS,
    STREET_TYPES,
    STREET_WORDS,
    gias_csv_text,
    gias_date,
    iso_date,
    pandas_csv_text,
    person_name,
    quote,
    rng_for,
    slug,
    write_bytes,
)
from engines.synthetic.geography import (
    CLUSTER_NAMES,
    PostcodeMaker,
    Town,
    build_towns,
    locate,
    urban_rural,
)

if TYPE_CHECKING:
    from engines.synthetic.ks2 import KS2School

from engines.synthetic.layouts import (
    ESTABLISHMENT_TYPES,
    GIAS_SEARCH_EXPORT_COLUMNS,
    GROUP_LINKS_COLUMNS,
    GROUP_TYPE_CODES,
    GROUPS_COLUMNS,
    LINKS_COLUMNS,
    PHASE_CODES,
    SEN_NEEDS,
)

LA_CODE = 999
LA_NAME = "Borsetshire"
REGION = "South East"
RSC_REGION = "South-East England and South London"
GSS_LA_CODE = "E10000099"
COUNTY = "Borsetshire"
EMAIL_DOMAIN = "borsetshire.example"
CE_DIOCESES = ("Diocese of Oxford", "Diocese of Oxford", "Diocese of Guildford")
RC_DIOCESES = ("Diocese of Portsmouth (rc)", "Archdiocese of Birmingham")

STATE_GROUPS = frozenset(
    {"Local authority maintained schools", "Academies", "Free Schools", "Special schools"}
)


@dataclass(frozen=True)
class Person:
    """A fictional person."""

    title: str
    first_name: str
    last_name: str
    email: str = ""

    @property
    def full_name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"


@dataclass
class School:
    """One establishment of the synthetic council (open or closed)."""

    urn: int
    name: str
    type_name: str
    phase: str
    estab: int | None = None
    status: str = "Open"
    low_age: int | None = None
    high_age: int | None = None
    open_date: dt.date | None = None
    close_date: dt.date | None = None
    reason_opened: str = "Not applicable"
    reason_closed: str = "Not applicable"
    gender: str = "Mixed"
    religious_character: str = "Does not apply"
    religious_ethos: str = "Does not apply"
    diocese: str = "Not applicable"
    admissions_policy: str = "Not applicable"
    nursery_provision: str = "No Nursery Classes"
    sixth_form: str = "Does not have a sixth form"
    special_classes: str = "No Special Classes"
    boarders: str = "No boarders"
    capacity: int | None = None
    pupils: int | None = None
    boys: int | None = None
    girls: int | None = None
    fsm_pct: float | None = None
    trust_flag: str = "Not applicable"
    trust_name: str = ""
    trust_uid: int | None = None
    sponsor_flag: str = "Not applicable"
    sponsor_name: str = ""
    federation_flag: str = "Not applicable"
    federation_name: str = ""
    federation_uid: int | None = None
    ofsted_rating: str = ""
    ofsted_last_inspection: dt.date | None = None
    head: Person | None = None
    head_job_title: str = "Headteacher"
    street: str = ""
    locality: str = ""
    address3: str = ""
    town: str = ""
    county: str = COUNTY
    postcode: str = ""
    website: str = ""
    telephone: str = ""
    district: str = ""
    ward: str = ""
    constituency: str = ""
    urban_rural: str = ""
    easting: int | None = None
    northing: int | None = None
    msoa_name: str = ""
    lsoa_name: str = ""
    msoa_code: str = ""
    lsoa_code: str = ""
    ukprn: str = ""
    uprn: str = ""
    last_changed: dt.date | None = None
    sen_needs: tuple[str, ...] = ()
    resourced_provision: str = ""
    resourced_on_roll: int | None = None
    resourced_capacity: int | None = None
    quality: float = 0.0
    lineage: int = 0
    predecessor_urns: tuple[int, ...] = ()
    cluster: str | None = None
    adviser: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def la_estab(self) -> str:
        """LAESTAB (LA code and four-digit establishment number), blank without a number."""
        return f"{LA_CODE}{self.estab:04d}" if self.estab is not None else ""

    @property
    def type_group(self) -> str:
        """GIAS establishment type group."""
        return ESTABLISHMENT_TYPES[self.type_name][2]

    @property
    def is_open(self) -> bool:
        """Open, or open but proposed to close."""
        return self.status != "Closed"

    @property
    def is_state_funded(self) -> bool:
        """State-funded school (maintained, academy, free school or state special school)."""
        return self.type_group in STATE_GROUPS and not self.type_name.startswith("Other indep")

    @property
    def is_academy(self) -> bool:
        """Academy or free school."""
        return self.type_group in ("Academies", "Free Schools")

    @property
    def has_ks2(self) -> bool:
        """Whether pupils sit KS2 tests here (age range spans 10-11)."""
        return (
            self.is_state_funded
            and self.low_age is not None
            and self.high_age is not None
            and self.low_age <= 7
            and self.high_age >= 11
            and self.phase in ("Primary", "All-through", "Not applicable")
        )


@dataclass
class Trust:
    """An academy trust (multi- or single-academy) or a foundation trust."""

    uid: int
    group_id: str
    name: str
    kind: str  # "Multi-academy trust", "Single-academy trust" or "Trust"
    incorporated: dt.date
    companies_house: str = ""
    ukprn: str = ""
    sponsor_uid: int | None = None
    sponsor_name: str = ""
    street: str = ""
    town: str = ""
    postcode: str = ""
    leader: Person | None = None
    urns: list[int] = field(default_factory=list)


@dataclass
class Federation:
    """A federation of maintained schools under one governing body."""

    uid: int
    name: str
    open_date: dt.date
    executive_head: Person | None = None
    urns: list[int] = field(default_factory=list)


@dataclass
class Link:
    """One row of the GIAS links file."""

    urn: int
    link_urn: int
    link_name: str
    link_type: str
    date: dt.date | None


@dataclass
class Cluster:
    """A locality cluster of schools."""

    code: str
    name: str
    lead: Person
    lead_school_urn: int
    urns: list[int] = field(default_factory=list)


@dataclass
class Adviser:
    """A school improvement adviser and their portfolio of schools."""

    code: str
    person: Person
    urns: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class DemoPerson:
    """A named demo login: who they are and what they are attached to."""

    role: str
    person: Person
    school_urn: int | None = None
    trust_uid: int | None = None
    cluster_code: str | None = None
    adviser_code: str | None = None


@dataclass
class SyntheticCouncil:
    """The whole synthetic council: establishments, groups, links and demo people."""

    seed: int
    as_at: dt.date
    la_code: int
    la_name: str
    region: str
    schools: list[School]
    links: list[Link]
    trusts: list[Trust]
    federations: list[Federation]
    clusters: list[Cluster]
    advisers: list[Adviser]
    demo_people: list[DemoPerson]

    def school(self, urn: int) -> School:
        """The school with this URN."""
        for school in self.schools:
            if school.urn == urn:
                return school
        raise KeyError(urn)

    def open_schools(self) -> list[School]:
        """Open establishments (including 'open, but proposed to close')."""
        return [s for s in self.schools if s.is_open]

    def state_schools(self) -> list[School]:
        """Open state-funded schools."""
        return [s for s in self.schools if s.is_open and s.is_state_funded]

    def demo_person(self, role: str) -> DemoPerson:
        """The demo person with this role."""
        for person in self.demo_people:
            if person.role == role:
                return person
        raise KeyError(role)

    def gias_rows(self) -> list[dict[str, str]]:
        """The GIAS search-export rows (column name to value), sorted by URN."""
        return [export_row(s, self) for s in sorted(self.schools, key=lambda s: s.urn)]

    def edubasealldata_rows(self) -> list[dict[str, str]]:
        """The same establishments in the full ``edubasealldata`` layout (codes added)."""
        from engines.synthetic.national import edubase_row_from_export

        trust_codes = {t.name: str(t.uid) for t in self.trusts}
        federation_codes = {f.name: str(f.uid) for f in self.federations}
        return [
            edubase_row_from_export(r, trust_codes=trust_codes, federation_codes=federation_codes)
            for r in self.gias_rows()
        ]

    def ks2_schools(self, year: str) -> list[KS2School]:
        """KS2 school descriptions for an academic year such as ``"2018-2019"``."""
        from engines.synthetic.ks2 import council_ks2_schools

        return council_ks2_schools(self, year)

    def write_files(self, directory: str | Path) -> dict[str, Path]:
        """Write every file in its real layout; returns name -> path."""
        from engines.synthetic.ks2 import KS2_YEARS, write_ks2
        from engines.synthetic.national import write_edubasealldata_rows

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        paths = {
            "gias": write_gias_search_export(self, directory / f"{LA_CODE}_gias.csv"),
            "links": write_links(self.links, directory / "links_edubasealldata.csv"),
            "groups": write_groups(self, directory / "groups.csv"),
            "group_links": write_group_links(self, directory / "group_links.csv"),
            "edubasealldata": write_edubasealldata_rows(
                directory / "edubasealldata.csv", self.edubasealldata_rows()
            ),
        }
        for year in KS2_YEARS:
            paths[f"ks2_{year}"] = write_ks2(
                directory / f"{year}_{LA_CODE}_ks2final.csv",
                year=year,
                schools=self.ks2_schools(year),
                seed=self.seed,
            )
        return paths


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------


def write_gias_search_export(council: SyntheticCouncil, path: Path) -> Path:
    """GIAS search export: UTF-8 (no BOM), CRLF, every field quoted bar numbers."""
    text = gias_csv_text(GIAS_SEARCH_EXPORT_COLUMNS, council.gias_rows())
    return write_bytes(path, text.encode("utf-8"))


def write_links(links: list[Link], path: Path) -> Path:
    """GIAS links file: cp1252, CRLF, URNs bare and other fields quoted, sorted by URN."""
    lines = [",".join(quote(c) for c in LINKS_COLUMNS)]
    for link in sorted(links, key=lambda x: (x.urn, x.link_urn)):
        lines.append(
            f"{link.urn},{link.link_urn},{quote(link.link_name)},{quote(link.link_type)},"
            f"{quote(gias_date(link.date))}"
        )
    return write_bytes(path, "\r\n".join(lines).encode("cp1252"))


def _float_text(value: str) -> str:
    """A number as pandas writes a float column (``7318714.0``)."""
    return f"{int(value)}.0" if value else ""


def _group_rows(council: SyntheticCouncil) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for trust in council.trusts:
        is_academy_trust = trust.kind != "Trust"
        leader = trust.leader
        rows.append(
            {
                "Group UID": str(trust.uid),
                "Group ID": trust.group_id,
                "Group Name": trust.name,
                "Companies House Number": _float_text(trust.companies_house),
                "Group Type (code)": GROUP_TYPE_CODES[trust.kind],
                "Group Type": trust.kind,
                "Open date": "" if is_academy_trust else iso_date(trust.incorporated),
                "Incorporated on (open date)": iso_date(trust.incorporated)
                if is_academy_trust
                else "",
                "Group Status (code)": "OPEN",
                "Group Status": "Open",
                "Group Street": trust.street,
                "Group Town": trust.town,
                "Group County": "Not recorded",
                "Group Postcode": trust.postcode,
                "Head of Group Title": leader.title if leader else "Not recorded",
                "Head of Group First Name": leader.first_name if leader else "",
                "Head of Group Last Name": leader.last_name if leader else "",
                "UKPRN": _float_text(trust.ukprn),
            }
        )
        if trust.sponsor_uid is not None:
            rows.append(
                {
                    "Group UID": str(trust.sponsor_uid),
                    "Group ID": f"SP9{trust.sponsor_uid % 10000:04d}",
                    "Group Name": trust.sponsor_name,
                    "Group Type (code)": GROUP_TYPE_CODES["School sponsor"],
                    "Group Type": "School sponsor",
                    "Open date": iso_date(trust.incorporated + dt.timedelta(days=200)),
                    "Group Status (code)": "OPEN",
                    "Group Status": "Open",
                    "Group County": "Not recorded",
                    "Head of Group Title": "Not recorded",
                }
            )
    for fed in council.federations:
        head = fed.executive_head
        rows.append(
            {
                "Group UID": str(fed.uid),
                "Group Name": fed.name,
                "Group Type (code)": GROUP_TYPE_CODES["Federation"],
                "Group Type": "Federation",
                "Open date": iso_date(fed.open_date),
                "Group Status (code)": "OPEN",
                "Group Status": "Open",
                "Group County": "Not recorded",
                "Head of Group Title": head.title if head else "Not recorded",
                "Head of Group First Name": head.first_name if head else "",
                "Head of Group Last Name": head.last_name if head else "",
            }
        )
    rows.sort(key=lambda r: int(r["Group UID"]))
    return rows


def write_groups(council: SyntheticCouncil, path: Path) -> Path:
    """All-groups file as re-saved by pandas: UTF-8, LF, minimal quoting, ISO dates."""
    rows = _group_rows(council)
    text = pandas_csv_text(GROUPS_COLUMNS, ([r.get(c, "") for c in GROUPS_COLUMNS] for r in rows))
    return write_bytes(path, text.encode("utf-8"))


def write_group_links(council: SyntheticCouncil, path: Path) -> Path:
    """Group links as re-saved by pandas: index column first, ISO dates, 1900-01-01 for blank."""
    groups = {int(r["Group UID"]): r for r in _group_rows(council)}
    records: list[tuple[int, int, dt.date | None]] = []
    for trust in council.trusts:
        for urn in trust.urns:
            school = council.school(urn)
            joined = school.open_date if school.is_academy else trust.incorporated
            if joined is not None and joined < trust.incorporated:
                joined = trust.incorporated + dt.timedelta(days=31)
            records.append((urn, trust.uid, joined))
            if trust.sponsor_uid is not None and school.sponsor_flag == "Linked to a sponsor":
                records.append((urn, trust.sponsor_uid, joined))
    for fed in council.federations:
        for urn in fed.urns:
            records.append((urn, fed.uid, fed.open_date))
    records.sort(key=lambda r: (r[0], r[1]))
    out = []
    for index, (urn, uid, joined) in enumerate(records):
        school = council.school(urn)
        group = groups[uid]
        type_code = ESTABLISHMENT_TYPES[school.type_name][0]
        out.append(
            [
                str(index),
                str(urn),
                str(uid),
                group.get("Group ID", ""),
                group["Group Name"],
                group.get("Companies House Number", ""),
                group["Group Type (code)"],
                group["Group Type"],
                "",
                group.get("Open date", ""),
                group.get("Incorporated on (open date)", ""),
                "OPEN",
                "Open",
                iso_date(joined) if joined else "1900-01-01",
                school.name,
                type_code,
                school.type_name,
                PHASE_CODES[school.phase],
                school.phase,
                str(LA_CODE),
                LA_NAME,
            ]
        )
    text = pandas_csv_text(GROUP_LINKS_COLUMNS, out)
    return write_bytes(path, text.encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# Rows in the GIAS search-export layout
# ---------------------------------------------------------------------------------------------


def _num(value: int | None) -> str:
    return "" if value is None else str(value)


def _fsm_text(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:.1f}"
    return "0" if text == "0.0" else text


def export_row(school: School, council: SyntheticCouncil) -> dict[str, str]:
    """A school as one row of the GIAS search export (all 110 columns)."""
    open_ = school.is_open
    state = school.is_state_funded
    census = _census_date(council.as_at) if open_ and school.pupils is not None else None
    head = school.head
    row: dict[str, str] = dict.fromkeys(GIAS_SEARCH_EXPORT_COLUMNS, "")
    row.update(
        {
            "URN": str(school.urn),
            "LA (code)": str(LA_CODE),
            "LA (name)": LA_NAME,
            "EstablishmentNumber": "" if school.estab is None else str(school.estab),
            "EstablishmentName": school.name,
            "TypeOfEstablishment (name)": school.type_name,
            "EstablishmentTypeGroup (name)": school.type_group,
            "EstablishmentStatus (name)": school.status,
            "ReasonEstablishmentOpened (name)": school.reason_opened,
            "OpenDate": gias_date(school.open_date),
            "ReasonEstablishmentClosed (name)": school.reason_closed,
            "CloseDate": gias_date(school.close_date),
            "PhaseOfEducation (name)": school.phase,
            "StatutoryLowAge": _num(school.low_age),
            "StatutoryHighAge": _num(school.high_age),
            "Boarders (name)": school.boarders,
            "NurseryProvision (name)": school.nursery_provision,
            "OfficialSixthForm (name)": school.sixth_form,
            "Gender (name)": school.gender,
            "ReligiousCharacter (name)": school.religious_character,
            "ReligiousEthos (name)": school.religious_ethos,
            "Diocese (name)": school.diocese,
            "AdmissionsPolicy (name)": school.admissions_policy,
            "SchoolCapacity": _num(school.capacity),
            "SpecialClasses (name)": school.special_classes,
            "CensusDate": gias_date(census),
            "NumberOfPupils": _num(school.pupils) if census else "",
            "NumberOfBoys": _num(school.boys) if census else "",
            "NumberOfGirls": _num(school.girls) if census else "",
            "PercentageFSM": _fsm_text(school.fsm_pct) if census else "",
            "TrustSchoolFlag (name)": school.trust_flag,
            "Trusts (name)": school.trust_name,
            "SchoolSponsorFlag (name)": school.sponsor_flag,
            "SchoolSponsors (name)": school.sponsor_name,
            "FederationFlag (name)": school.federation_flag,
            "Federations (name)": school.federation_name,
            "UKPRN": school.ukprn,
            "FurtherEducationType (name)": "Not applicable",
            "OfstedLastInsp": gias_date(school.ofsted_last_inspection),
            "LastChangedDate": gias_date(school.last_changed),
            "Street": school.street,
            "Locality": school.locality,
            "Address3": school.address3,
            "Town": school.town,
            "County (name)": school.county,
            "Postcode": school.postcode,
            "SchoolWebsite": school.website,
            "TelephoneNum": school.telephone,
            "HeadTitle (name)": head.title if head else "",
            "HeadFirstName": head.first_name if head else "",
            "HeadLastName": head.last_name if head else "",
            "HeadPreferredJobTitle": school.head_job_title if head else "",
            "BSOInspectorateName (name)": "Not applicable",
            "TeenMoth (name)": "Not applicable",
            "CCF (name)": "Not applicable",
            "SENPRU (name)": "Not applicable",
            "EBD (name)": "Not applicable",
            "EdByOther (name)": "Not applicable",
            "Section41Approved (name)": "Not applicable",
            "TypeOfResourcedProvision (name)": school.resourced_provision,
            "GOR (name)": REGION,
            "DistrictAdministrative (name)": school.district,
            "AdministrativeWard (name)": school.ward,
            "ParliamentaryConstituency (name)": school.constituency,
            "UrbanRural (name)": school.urban_rural,
            "GSSLACode (name)": GSS_LA_CODE,
            "Easting": _num(school.easting),
            "Northing": _num(school.northing),
            "MSOA (name)": school.msoa_name,
            "LSOA (name)": school.lsoa_name,
            "OfstedRating (name)": school.ofsted_rating,
            "RSCRegion (name)": RSC_REGION,
            "UPRN": school.uprn,
            "QABName (name)": "Not applicable",
            "EstablishmentAccredited (name)": "Not applicable",
            "MSOA (code)": school.msoa_code,
            "LSOA (code)": school.lsoa_code,
        }
    )
    for i, need in enumerate(school.sen_needs[:13], start=1):
        row[f"SEN{i} (name)"] = need
    if school.resourced_provision in ("Resourced provision", "Resourced provision and SEN unit"):
        row["ResourcedProvisionOnRoll"] = _num(school.resourced_on_roll)
        row["ResourcedProvisionCapacity"] = _num(school.resourced_capacity)
    if school.resourced_provision in ("SEN unit", "Resourced provision and SEN unit"):
        row["SenUnitOnRoll"] = _num(school.resourced_on_roll)
        row["SenUnitCapacity"] = _num(school.resourced_capacity)
    if school.is_academy:
        row["CCF (name)"] = "Not applicable" if school.reason_opened == "Academy Converter" else ""
        row["EdByOther (name)"] = row["CCF (name)"]
        if school.type_group == "Free Schools":
            row["FurtherEducationType (name)"] = ""
            row["Country (name)"] = "United Kingdom"
    if not state:
        _non_state_fields(school, row)
    if school.type_name == "Pupil referral unit":
        row.update(
            {
                "TeenMoth (name)": "Does not provide places for Teen Mothers",
                "CCF (name)": "Does not have child care facilities",
                "SENPRU (name)": "PRU Does have Provision for SEN",
                "EBD (name)": "PRU Does have EBD provision",
                "PlacesPRU": _num(school.capacity),
                "FTProv (name)": "PRU offers full time provision",
                "EdByOther (name)": "PRU does offer tuition by another provider",
            }
        )
    if not open_:
        for column in ("CensusDate", "NumberOfPupils", "NumberOfBoys", "NumberOfGirls"):
            row[column] = ""
    row.update({k: v for k, v in school.extra.items() if not k.startswith("_")})
    return row


def _non_state_fields(school: School, row: dict[str, str]) -> None:
    """Fields that differ for independent schools, colleges and children's centres."""
    if school.type_group in ("Independent schools", "Special schools"):
        row["Section41Approved (name)"] = "Not approved"
        row["InspectorateName (name)"] = school.extra.get("InspectorateName (name)", "ISI")
        if school.pupils is not None:
            row["SENStat"] = str(max(0, int(school.pupils * 0.02)))
            row["SENNoStat"] = str(max(0, int(school.pupils * 0.09)))
        row["FTProv (name)"] = ""
    if school.type_group == "Children's Centres":
        for column in (
            "Boarders (name)",
            "Gender (name)",
            "ReligiousCharacter (name)",
            "ReligiousEthos (name)",
            "AdmissionsPolicy (name)",
            "FurtherEducationType (name)",
            "CCF (name)",
            "EdByOther (name)",
            "HeadTitle (name)",
            "HeadPreferredJobTitle",
        ):
            row[column] = ""
        row["NurseryProvision (name)"] = "Not applicable"
        row["OfficialSixthForm (name)"] = "Not applicable"
        row["SpecialClasses (name)"] = "Not applicable"
        row["Section41Approved (name)"] = "Not applicable"
        row["GSSLACode (name)"] = "X999999"
    if school.type_group == "Colleges":
        row["FurtherEducationType (name)"] = "General Further Education College"
        row["Boarders (name)"] = "Not applicable"
        row["Section41Approved (name)"] = "Approved"
        row["TeenMoth (name)"] = "Does not provide places for Teen Mothers"
        row["CCF (name)"] = "Does not have child care facilities"


def _census_date(as_at: dt.date) -> dt.date:
    """The January school census day (third Thursday) before the as-at date."""
    year = as_at.year if as_at.month >= 2 else as_at.year - 1
    first = dt.date(year, 1, 1)
    first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + dt.timedelta(days=14)


# ---------------------------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------------------------


class _Builder:
    """Holds the random state while the council is assembled."""

    def __init__(self, seed: int, as_at: dt.date) -> None:
        self.seed = seed
        self.as_at = as_at
        self.rng = rng_for(seed, "council")
        self.towns = build_towns(seed)
        self.town_weights = np.array([t.weight for t in self.towns])
        self.postcodes = PostcodeMaker(seed)
        self.schools: list[School] = []
        self.names: set[str] = set()
        self.next_urn = 900_001
        self.estab_counters = {
            "nursery": 1000,
            "pru": 1100,
            "primary": 2000,
            "church_primary": 3000,
            "secondary": 4000,
            "foundation": 5200,
            "academy": 5300,
            "independent": 6000,
            "special": 7000,
            "college": 8000,
        }
        self.phones: set[str] = set()
        self.ukprns: set[str] = set()
        self.uprns: set[str] = set()

    # -- identifiers ------------------------------------------------------------------------

    def urn(self) -> int:
        urn = self.next_urn
        self.next_urn += int(self.rng.integers(1, 4))
        return urn

    def estab(self, band: str) -> int:
        self.estab_counters[band] += int(self.rng.integers(1, 4))
        return self.estab_counters[band]

    def phone(self) -> str:
        while True:
            number = f"01632 96{int(self.rng.integers(0, 10000)):04d}"
            if number[-4:-3] == "0" or number in self.phones:
                # keep to the Ofcom drama range 01632 960000-960999
                number = f"01632 960{int(self.rng.integers(0, 1000)):03d}"
            if number not in self.phones:
                self.phones.add(number)
                return number.replace(" ", "") if self.rng.random() < 0.7 else number

    def ukprn(self) -> str:
        while True:
            value = f"1099{int(self.rng.integers(0, 10000)):04d}"
            if value not in self.ukprns:
                self.ukprns.add(value)
                return value

    def uprn(self) -> str:
        while True:
            value = f"990{int(self.rng.integers(0, 10**9)):09d}"
            if value not in self.uprns:
                self.uprns.add(value)
                return value

    def person(self, domain: str | None = None) -> Person:
        title, first, last = person_name(self.rng)
        email = ""
        if domain:
            email = f"{first}.{last}@{domain}".lower().replace("'", "")
        return Person(title, first, last, email)

    # -- places -----------------------------------------------------------------------------

    def pick_town(self, *, min_weight: float = 0.0) -> Town:
        weights = np.where(self.town_weights >= min_weight, self.town_weights, 0.0)
        return self.towns[int(self.rng.choice(len(self.towns), p=weights / weights.sum()))]

    def place(self, school: School, town: Town) -> None:
        rng = self.rng
        school.town = town.name
        school.easting, school.northing = locate(rng, town)
        school.postcode = self.postcodes.make(town)
        school.district = town.district
        school.constituency = town.constituency
        school.ward = str(rng.choice(town.wards))
        school.urban_rural = urban_rural(rng, town)
        msoa = int(rng.choice(town.msoas))
        school.msoa_name = f"{town.district} {msoa:03d}"
        letter = "ABCDE"[int(rng.integers(0, 5))]
        school.lsoa_name = f"{school.msoa_name}{letter}"
        district_index = sorted({t.district for t in self.towns}).index(town.district)
        school.msoa_code = f"E02999{district_index}{msoa:02d}"
        school.lsoa_code = f"E01999{district_index}{msoa:02d}{'ABCDE'.index(letter)}"
        word, kind = str(rng.choice(STREET_WORDS)), str(rng.choice(STREET_TYPES))
        school.street = f"{word} {'Road' if word == kind else kind}"
        if town.kind in ("city", "town") and rng.random() < 0.45:
            school.locality = f"{rng.choice(GENERIC_SCHOOL_WORDS)} Estate"
        school.county = "" if rng.random() < 0.05 else COUNTY
        school.telephone = self.phone()
        school.uprn = "" if rng.random() < 0.02 else self.uprn()

    # -- names ------------------------------------------------------------------------------

    def unique(self, candidates: list[str]) -> str:
        for name in candidates:
            if name not in self.names:
                self.names.add(name)
                return name
        base = candidates[0]
        n = 2
        while f"{base} ({n})" in self.names:
            n += 1
        self.names.add(f"{base} ({n})")
        return f"{base} ({n})"

    def primary_name(
        self, town: Town, sub: str, religion: str, academy: bool, nursery: bool = False
    ) -> str:
        return self.unique(self.primary_candidates(town, sub, religion, academy, nursery))

    def primary_candidates(
        self, town: Town, sub: str, religion: str, academy: bool, nursery: bool = False
    ) -> list[str]:
        """Possible names for a primary-phase school, most plausible first."""
        rng = self.rng
        stage = {"infant": "Infant", "junior": "Junior", "primary": "Primary"}[sub]
        options: list[str] = []
        for _ in range(12):
            if religion == "Church of England":
                saint = str(rng.choice(SAINTS))
                options += [
                    f"St {saint}'s Church of England {stage} School",
                    f"{town.name} Church of England {stage} School",
                    f"St {saint}'s CofE {stage} School",
                    f"Holy Trinity Church of England {stage} School, {town.name}",
                ]
            elif religion == "Roman Catholic":
                saint = str(rng.choice(RC_SAINTS))
                options += [
                    f"St {saint}'s Catholic {stage} School",
                    f"Our Lady of Lourdes Catholic {stage} School, {town.name}",
                    f"St {saint}'s Catholic {stage} School, {town.name}",
                ]
            else:
                word = str(rng.choice(GENERIC_SCHOOL_WORDS))
                options += [
                    f"{town.name} {stage} School",
                    f"{word} {stage} School",
                    f"{town.name} Community {stage} School",
                ]
                if nursery:
                    options.append(f"{word} {stage} and Nursery School")
                if academy:
                    options += [f"{word} {stage} Academy", f"{town.name} {stage} Academy"]
        order = [int(i) for i in rng.permutation(len(options))]
        if academy and religion not in ("Church of England", "Roman Catholic"):
            order = sorted(order, key=lambda i: "Academy" not in options[i])
        return [options[i] for i in order]

    def secondary_name(self, town: Town, religion: str, academy: bool, selective: bool) -> str:
        rng = self.rng
        if selective:
            return self.unique([f"{town.name} Grammar School", "Borsetshire Grammar School"])
        if religion == "Church of England":
            return self.unique(
                [f"Bishop {rng.choice(SAINTS)} Church of England School", "St Alban's CofE Academy"]
            )
        if religion == "Roman Catholic":
            saint = str(rng.choice(RC_SAINTS))
            return self.unique([f"St {saint} Catholic School", f"St {saint} Catholic College"])
        options = [
            f"{town.name} School",
            f"{town.name} High School",
            f"{town.name} Community College",
            f"{rng.choice(GENERIC_SCHOOL_WORDS)} School",
        ]
        if academy:
            options = [
                f"{town.name} Academy",
                f"{rng.choice(GENERIC_SCHOOL_WORDS)} Academy",
            ] + options
        return self.unique(options)

    # -- ofsted -----------------------------------------------------------------------------

    def ofsted(self, quality: float) -> tuple[str, dt.date]:
        rng = self.rng
        score = quality + rng.normal(0, 0.55)
        if score > 1.05:
            rating = "Outstanding"
        elif score > -0.95:
            rating = "Good"
        elif score > -1.75:
            rating = "Requires improvement"
        else:
            rating = str(rng.choice(["Serious Weaknesses", "Special Measures"], p=[0.45, 0.55]))
        end = self.as_at
        if rating == "Outstanding" and rng.random() < 0.6:
            start = dt.date(2007, 1, 1)
            end = dt.date(2015, 7, 20)
        elif rating in ("Requires improvement", "Serious Weaknesses", "Special Measures"):
            start = dt.date(2018, 9, 1)
        else:
            start = dt.date(2015, 9, 1)
        for _ in range(50):
            day = start + dt.timedelta(days=int(rng.integers(0, (end - start).days)))
            covid = dt.date(2020, 3, 16) <= day <= dt.date(2021, 9, 1)
            if day.weekday() < 4 and day.month != 8 and not covid:
                return rating, day
        return rating, start


def _sizes(rng: np.random.Generator, sub: str) -> int:
    if sub == "infant":
        return int(rng.choice([60, 90, 90, 180, 180, 270]))
    if sub == "junior":
        return int(rng.choice([120, 240, 240, 360]))
    return int(rng.choice([105, 140, 210, 210, 210, 315, 420, 420, 630], p=None))


def _academy_open_date(rng: np.random.Generator, as_at: dt.date, sponsor: bool) -> dt.date:
    years = np.arange(2011, as_at.year + 1)
    weights = np.array([12, 15, 10, 8, 8, 9, 10, 9, 8, 5, 4, 2, 2, 2, 2][: len(years)], float)
    if sponsor:
        weights = weights[::-1].copy()
    year = int(rng.choice(years, p=weights / weights.sum()))
    for _ in range(20):
        day = dt.date(year, int(rng.choice([1, 4, 6, 7, 8, 9, 9, 9, 10, 11, 12])), 1)
        if day <= as_at:
            return day
    return dt.date(year, 1, 1)


def generate_council(
    seed: int = 2024, *, as_at: dt.date = dt.date(2022, 4, 20)
) -> SyntheticCouncil:
    """Build the synthetic council deterministically from a seed."""
    b = _Builder(seed, as_at)
    _make_primaries(b)
    _make_secondaries(b)
    _make_other_state(b)
    _make_non_state(b)
    trusts, federations = _make_groups(b)
    links = _make_history(b)
    for school in b.schools:
        _finish(b, school)
    clusters, advisers = _make_clusters_and_advisers(b)
    council = SyntheticCouncil(
        seed=seed,
        as_at=as_at,
        la_code=LA_CODE,
        la_name=LA_NAME,
        region=REGION,
        schools=sorted(b.schools, key=lambda s: s.urn),
        links=links,
        trusts=trusts,
        federations=federations,
        clusters=clusters,
        advisers=advisers,
        demo_people=[],
    )
    council.demo_people = _make_demo_people(b, council)
    return council


def _new(b: _Builder, town: Town, **kwargs) -> School:
    school = School(urn=b.urn(), **kwargs)
    school.quality = float(b.rng.normal(0, 1))
    school.lineage = school.urn
    b.place(school, town)
    b.schools.append(school)
    return school


_PRIMARY_TYPES: tuple[tuple[str, str, int], ...] = (
    # type, religion, count
    ("Community school", "Does not apply", 70),
    ("Voluntary aided school", "Church of England", 13),
    ("Voluntary aided school", "Roman Catholic", 11),
    ("Voluntary controlled school", "Church of England", 20),
    ("Foundation school", "None", 8),
    ("Academy converter", "Does not apply", 29),
    ("Academy converter", "Church of England", 9),
    ("Academy converter", "Roman Catholic", 4),
    ("Academy sponsor led", "Does not apply", 13),
    ("Free schools", "None", 3),
)


def _make_primaries(b: _Builder) -> None:
    rng = b.rng
    slots: list[tuple[str, str]] = []
    for type_name, religion, count in _PRIMARY_TYPES:
        slots += [(type_name, religion)] * count
    order = rng.permutation(len(slots))
    slots = [slots[i] for i in order]
    # about 20 infant/junior pairs on shared sites, plus a few lone infant schools
    subs = ["primary"] * len(slots)
    pair_towns: dict[int, Town] = {}
    pairs = 0
    for i in range(len(slots) - 1):
        if pairs >= 20:
            break
        if (
            subs[i] == "primary"
            and subs[i + 1] == "primary"
            and "Free schools" not in (slots[i][0], slots[i + 1][0])
            and slots[i][1] == slots[i + 1][1]
        ):
            subs[i], subs[i + 1] = "infant", "junior"
            pair_towns[i] = pair_towns[i + 1] = b.pick_town()
            pairs += 1
    lone = [i for i, s in enumerate(subs) if s == "primary" and slots[i][0] == "Community school"]
    for i in lone[:4]:
        subs[i] = "infant"
    shared_name: dict[int, str] = {}
    for i, ((type_name, religion), sub) in enumerate(zip(slots, subs, strict=True)):
        town = pair_towns.get(i) or b.pick_town()
        academy = type_name in ("Academy converter", "Academy sponsor led", "Free schools")
        low, high = {"infant": (4, 7), "junior": (7, 11), "primary": (4, 11)}[sub]
        nursery = sub != "junior" and rng.random() < 0.3
        if nursery:
            low = int(rng.choice([2, 3, 3]))
        if sub == "junior" and i - 1 in shared_name:
            stem = shared_name[i - 1]
            twin = stem.replace("Infant and Nursery", "Junior").replace("Infant", "Junior")
            if not academy:  # a maintained junior school is not called an academy
                twin = twin.replace(" Academy", " School")
            name = b.unique([twin] + b.primary_candidates(town, sub, religion, academy))
        else:
            name = b.primary_name(town, sub, religion, academy, nursery)
        if sub == "infant" and i in pair_towns:
            shared_name[i] = name
        school = _new(
            b,
            town,
            name=name,
            type_name=type_name,
            phase="Primary",
            low_age=low,
            high_age=high,
            religious_character=religion,
            nursery_provision="Has Nursery Classes" if nursery else "No Nursery Classes",
        )
        school.extra["_sub"] = sub
        school.capacity = _sizes(rng, sub)
        if town.kind == "village" and sub == "primary":
            school.capacity = int(rng.choice([56, 84, 105, 140, 210]))
        _set_type_fields(b, school)


def _make_secondaries(b: _Builder) -> None:
    rng = b.rng
    specs = (
        [("Community school", "Does not apply", False)] * 3
        + [("Voluntary aided school", "Church of England", False)]
        + [("Voluntary aided school", "Roman Catholic", False)] * 2
        + [("Foundation school", "None", False)] * 2
        + [("Academy converter", "Does not apply", False)] * 17
        + [("Academy converter", "Does not apply", True)]
        + [("Academy converter", "Church of England", False)]
        + [("Academy converter", "Roman Catholic", False)]
        + [("Academy sponsor led", "Does not apply", False)] * 6
        + [("Free schools", "None", False)] * 2
    )
    for type_name, religion, selective in specs:
        town = b.pick_town(min_weight=1.0)
        academy = type_name in ("Academy converter", "Academy sponsor led", "Free schools")
        school = _new(
            b,
            town,
            name=b.secondary_name(town, religion, academy, selective),
            type_name=type_name,
            phase="Secondary",
            low_age=11,
            high_age=18 if rng.random() < 0.6 else 16,
            religious_character=religion,
            admissions_policy="Selective" if selective else "Non-selective",
        )
        if selective:
            school.gender = "Boys"
        school.sixth_form = (
            "Has a sixth form" if school.high_age == 18 else "Does not have a sixth form"
        )
        school.capacity = int(rng.choice([5, 6, 6, 7, 8, 8, 9, 10])) * 150 + (
            int(rng.choice([150, 200, 250, 300])) if school.high_age == 18 else 0
        )
        _set_type_fields(b, school)
    for type_name in ("Free schools", "Academy converter"):
        town = b.pick_town(min_weight=3.0)
        school = _new(
            b,
            town,
            name=b.unique([f"{town.name} All-through School", f"{town.name} Learning Campus"]),
            type_name=type_name,
            phase="All-through",
            low_age=4,
            high_age=18,
            sixth_form="Has a sixth form",
            admissions_policy="Non-selective",
            religious_character="None" if type_name == "Free schools" else "Does not apply",
        )
        school.capacity = 1_500 + int(rng.integers(0, 6)) * 60
        _set_type_fields(b, school)


def _make_other_state(b: _Builder) -> None:
    rng = b.rng
    special_names = [
        "Brambles School",
        "Orchard House School",
        "Meadow View School",
        "The Willows School",
        "Kestrel Park School",
        "Riverbank Academy",
        "Hawthorn Tree School",
        "Lantern Academy",
        "Oak Lodge School",
    ]
    special_types = (
        ["Community special school"] * 5
        + ["Foundation special school"]
        + ["Academy special converter"] * 2
        + ["Academy special sponsor led"]
    )
    for name, type_name in zip(special_names, special_types, strict=True):
        low = int(rng.choice([2, 3, 4, 5, 11]))
        high = int(rng.choice([11, 16, 19, 19])) if low < 11 else int(rng.choice([16, 19]))
        school = _new(
            b,
            b.pick_town(min_weight=1.0),
            name=b.unique([name]),
            type_name=type_name,
            phase="Not applicable",
            low_age=low,
            high_age=high,
            special_classes="Has Special Classes",
            nursery_provision="Not applicable" if low >= 4 else "Has Nursery Classes",
            sixth_form="Has a sixth form" if high >= 18 else "Not applicable",
        )
        school.capacity = int(rng.integers(60, 220))
        school.sen_needs = tuple(
            sorted(
                {str(x) for x in rng.choice(SEN_NEEDS, size=int(rng.integers(1, 4)), replace=False)}
            )
        )
        _set_type_fields(b, school)
    pru = _new(
        b,
        b.pick_town(min_weight=5.0),
        name=b.unique(["Borsetshire Pupil Referral Service"]),
        type_name="Pupil referral unit",
        phase="Not applicable",
        low_age=5,
        high_age=16,
        nursery_provision="Not applicable",
        sixth_form="Not applicable",
        special_classes="Not applicable",
        federation_flag="Not applicable",
    )
    pru.capacity = 60
    _set_type_fields(b, pru)
    for _ in range(3):
        town = b.pick_town(min_weight=1.0)
        nursery = _new(
            b,
            town,
            name=b.unique([f"{town.name} Nursery School", f"{town.name} Early Years Centre"]),
            type_name="Local authority nursery school",
            phase="Nursery",
            low_age=2,
            high_age=5,
            nursery_provision="Has Nursery Classes",
            sixth_form="Not applicable",
            special_classes="Not applicable",
        )
        nursery.capacity = int(rng.integers(60, 130))
        _set_type_fields(b, nursery)
    for name in ("Felpersham Sixth Form College", "Borchester Sixth Form College"):
        town = b.towns[0] if name.startswith("Felp") else b.towns[1]
        college = _new(
            b,
            town,
            name=b.unique([name]),
            type_name="Academy 16-19 converter",
            phase="16 plus",
            low_age=16,
            high_age=19,
            sixth_form="Has a sixth form",
            nursery_provision="No Nursery Classes",
            special_classes="Not applicable",
        )
        college.capacity = None
        _set_type_fields(b, college)


def _make_non_state(b: _Builder) -> None:
    rng = b.rng
    for i in range(40):
        town = b.pick_town(min_weight=0.5)
        special = i >= 34
        word = str(rng.choice(GENERIC_SCHOOL_WORDS))
        if special:
            names = [
                f"{word} House School",
                f"{word} Specialist School",
                f"{town.name} Hall School",
            ]
            type_name = "Other independent special school"
            group = "Special schools"
        else:
            names = [
                f"{town.name} Preparatory School",
                f"{word} House School",
                f"St {rng.choice(SAINTS)}'s School, {town.name}",
                f"{town.name} Park College",
                f"{word} Montessori School",
                f"{town.name} High School for Girls",
            ]
            type_name = "Other independent school"
            group = "Independent schools"
        low = int(rng.choice([2, 3, 4, 7, 11]))
        high = int(rng.choice([11, 13, 16, 18])) if low < 11 else 18
        school = _new(
            b,
            town,
            name=b.unique([str(x) for x in rng.permutation(names)]),
            type_name=type_name,
            phase="Not applicable",
            low_age=low,
            high_age=high,
            estab=b.estab("independent"),
            gender=str(rng.choice(["Mixed", "Mixed", "Mixed", "Boys", "Girls"])),
            religious_character=str(rng.choice(["None", "None", "Christian", "Church of England"])),
            religious_ethos=str(
                rng.choice(
                    ["None", "Christian", "Inter- / non- denominational", "Church of England"]
                )
            ),
            admissions_policy=str(rng.choice(["Not applicable", "Non-selective", "Selective"])),
            boarders=str(rng.choice(["No boarders", "No boarders", "Boarding school"])),
            sixth_form="Has a sixth form" if high == 18 else "Does not have a sixth form",
            nursery_provision="Has Nursery Classes" if low <= 3 else "No Nursery Classes",
            special_classes="Has Special Classes" if special else "No Special Classes",
            open_date=dt.date(int(rng.integers(1950, 2019)), 9, 1),
            fsm_pct=0.0,
        )
        if school.type_group != group:
            raise AssertionError(school.type_name)
        school.capacity = int(rng.integers(60, 900)) if not special else int(rng.integers(20, 120))
        school.pupils = int(school.capacity * rng.uniform(0.6, 0.98))
        _split_gender(rng, school)
        school.ukprn = b.ukprn()
        school.website = f"www.{slug(school.name)}.example"
        school.head = b.person()
        male = school.head.title == "Mr"
        school.head_job_title = str(
            rng.choice(
                ["Headteacher", "Head", "Headmaster" if male else "Headmistress", "Principal"]
            )
        )
        if special:
            school.extra["InspectorateName (name)"] = "Ofsted"
            school.ofsted_rating, school.ofsted_last_inspection = b.ofsted(0.4)
            school.sen_needs = (str(rng.choice(SEN_NEEDS)),)
        if rng.random() < 0.4:
            school.extra["PropsName"] = f"{school.name.split(',')[0]} Trust Ltd"
        school.extra["_done"] = "1"
    for i in range(25):
        town = b.pick_town(min_weight=0.5)
        linked = i >= 21
        name = b.unique(
            [
                f"{town.name} Children's Centre",
                f"{town.name} Sure Start Children's Centre",
                f"{rng.choice(GENERIC_SCHOOL_WORDS)} Children's Centre",
            ]
        )
        centre = _new(
            b,
            town,
            name=name,
            type_name="Children's centre linked site" if linked else "Children's centre",
            phase="Not applicable",
            open_date=None if linked else dt.date(int(rng.integers(2006, 2011)), 1, 1),
            reason_opened="",
            reason_closed="",
            nursery_provision="Not applicable",
            sixth_form="Not applicable",
            special_classes="Not applicable",
        )
        centre.head = b.person()
        centre.website = f"www.{slug(name)}.borsetshire.example"
        centre.extra["_done"] = "1"
    for name in ("Borchester College", "Felpersham College of Further Education"):
        town = b.towns[1] if name.startswith("Borch") else b.towns[0]
        college = _new(
            b,
            town,
            name=b.unique(
                [name, f"{name.split()[0]} College of Technology", f"{name} (Main Site)"]
            ),
            type_name="Further education",
            phase="16 plus",
            low_age=16,
            high_age=99,
            estab=b.estab("college"),
            sixth_form="Has a sixth form",
            special_classes="Not applicable",
            admissions_policy="Not applicable",
        )
        college.ukprn = b.ukprn()
        college.head = b.person()
        college.head_job_title = "Principal"
        college.website = f"www.{slug(name)}.ac.example"
        college.ofsted_rating, college.ofsted_last_inspection = b.ofsted(-0.2)
        if name.startswith("Felp"):
            college.ofsted_rating = "Inadequate"
        college.extra["FEHEIdentifier"] = str(8000 + int(rng.integers(100, 999)))
        college.extra["_done"] = "1"


def _split_gender(rng: np.random.Generator, school: School) -> None:
    if school.pupils is None:
        return
    if school.gender == "Boys":
        school.boys, school.girls = school.pupils, 0
    elif school.gender == "Girls":
        school.boys, school.girls = 0, school.pupils
    else:
        school.boys = int(rng.binomial(school.pupils, 0.51))
        school.girls = school.pupils - school.boys


def _set_type_fields(b: _Builder, school: School) -> None:
    """Fields that follow from the establishment type (state-funded schools)."""
    rng = b.rng
    t = school.type_name
    maintained = school.type_group == "Local authority maintained schools" or t in (
        "Community special school",
        "Foundation special school",
    )
    sub = school.extra.get("_sub", "")
    primaryish = school.phase in ("Primary", "Nursery")
    if maintained:
        if t == "Local authority nursery school":
            band = "nursery"
        elif t == "Pupil referral unit":
            band = "pru"
        elif "special" in t:
            band = "special"
        elif t == "Foundation school":
            band = "foundation"
        elif primaryish and t in ("Voluntary aided school", "Voluntary controlled school"):
            band = "church_primary"
        elif primaryish:
            band = "primary"
        else:
            band = "secondary"
        school.estab = b.estab(band)
        school.federation_flag = (
            "Not under a federation" if t != "Pupil referral unit" else "Not applicable"
        )
        if t == "Foundation school":
            school.trust_flag = "Not supported by a trust"
    else:
        school.estab = b.estab("special" if "special" in t else "academy")
        school.federation_flag = "Not applicable"
        school.reason_closed = ""
        if (
            t == "Academy converter"
            or t == "Academy special converter"
            or t == "Academy 16-19 converter"
        ):
            school.reason_opened = "Academy Converter"
            school.open_date = _academy_open_date(rng, b.as_at, sponsor=False)
        else:
            school.reason_opened = "New Provision"
            school.open_date = _academy_open_date(rng, b.as_at, sponsor=True)
            if t == "Free schools":
                school.open_date = dt.date(int(rng.integers(2012, 2021)), 9, 1)
                school.religious_ethos = "None"
                school.diocese = ""
                school.admissions_policy = "" if school.phase == "Primary" else "Non-selective"
            else:
                school.religious_ethos = "None"
                school.special_classes = "Not applicable"
        if school.phase == "Primary" and rng.random() < 0.15:
            school.sixth_form = "Not applicable"
    rc = school.religious_character
    if rc == "Church of England":
        school.diocese = str(rng.choice(CE_DIOCESES))
    elif rc == "Roman Catholic":
        school.diocese = str(rng.choice(RC_DIOCESES))
    elif t != "Free schools":
        school.diocese = "Not applicable"
    if t == "Voluntary controlled school" and rng.random() < 0.05:
        school.religious_character = "Church of England/Methodist"
    if school.phase == "Primary" and school.sixth_form == "Does not have a sixth form":
        school.sixth_form = "Does not have a sixth form"
    if "special" in t:
        school.special_classes = "Has Special Classes"
    elif school.phase in ("Primary", "Secondary", "All-through") and school.special_classes not in (
        "Not applicable",
    ):
        r = rng.random()
        if r < 0.12:
            school.special_classes = "Has Special Classes"
            school.resourced_provision = str(rng.choice(["Resourced provision", "SEN unit"]))
            school.resourced_capacity = int(rng.choice([8, 10, 12, 14, 16, 20]))
            school.resourced_on_roll = max(0, school.resourced_capacity - int(rng.integers(0, 5)))
            school.sen_needs = (str(rng.choice(SEN_NEEDS)),)
        elif r < 0.2:
            school.special_classes = "Not applicable"
    if sub == "infant":
        school.sixth_form = "Not applicable" if rng.random() < 0.3 else school.sixth_form


def _make_groups(b: _Builder) -> tuple[list[Trust], list[Federation]]:
    rng = b.rng
    trusts: list[Trust] = []
    uid = 99_000
    mat_specs = [
        ("BORSETSHIRE LEARNING PARTNERSHIP", "Borsetshire Learning Partnership", None),
        (
            "Felpersham Diocesan Academies Trust",
            "Felpersham Diocesan Academies Trust",
            "Church of England",
        ),
        (
            "ST BENEDICT CATHOLIC ACADEMY TRUST",
            "St Benedict Catholic Academy Trust",
            "Roman Catholic",
        ),
        ("Vale Primary Trust", "Vale Primary Trust", None),
        ("BORCHESTER SCHOOLS TRUST", "Borchester Schools Trust", None),
        ("Heydon Berrow Education Trust", "Heydon Berrow Education Trust", None),
        ("LAKESIDE LEARNING TRUST", "Lakeside Learning Trust", None),
        ("Compass Academies Trust", "Compass Academies Trust", None),
    ]
    academies = [s for s in b.schools if s.is_academy]
    church = {
        "Church of England": [s for s in academies if s.religious_character == "Church of England"],
        "Roman Catholic": [s for s in academies if s.religious_character == "Roman Catholic"],
    }
    single = [
        s
        for s in academies
        if s.phase in ("Secondary", "16 plus") and s.type_name == "Academy converter"
    ][:3] + [s for s in academies if s.phase == "16 plus"]
    assigned: set[int] = {s.urn for s in single}
    for group in church.values():
        assigned |= {s.urn for s in group}
    for name, sponsor, religion in mat_specs:
        uid += int(rng.integers(1, 9))
        leader = b.person(EMAIL_DOMAIN.replace("borsetshire", slug(sponsor)))
        trust = Trust(
            uid=uid,
            group_id=f"TR9{uid % 10000:04d}",
            name=name,
            kind="Multi-academy trust",
            incorporated=dt.date(int(rng.integers(2011, 2017)), int(rng.integers(1, 13)), 1),
            companies_house=f"9{int(rng.integers(0, 10**6)):06d}",
            ukprn=b.ukprn(),
            sponsor_uid=uid + 1,
            sponsor_name=sponsor,
            leader=leader,
        )
        uid += 1
        trust.street = f"{rng.choice(STREET_WORDS)} House"
        town = b.pick_town(min_weight=3.0)
        trust.town = town.name
        trust.postcode = b.postcodes.make(town)
        if religion:
            trust.urns = [s.urn for s in church[religion]]
        trusts.append(trust)
    geo_trusts = [t for t, spec in zip(trusts, mat_specs, strict=True) if spec[2] is None]
    hubs = {t.uid: b.pick_town(min_weight=1.0) for t in geo_trusts}
    remaining = [s for s in academies if s.urn not in assigned]
    cap = -(-len(remaining) // len(geo_trusts)) + 3
    for school in remaining:
        town = next(t for t in b.towns if t.name == school.town)
        open_trusts = [t for t in geo_trusts if len(t.urns) < cap]
        best = min(
            open_trusts,
            key=lambda t: (
                (hubs[t.uid].easting - town.easting) ** 2
                + (hubs[t.uid].northing - town.northing) ** 2
                + float(rng.uniform(0, 2.5e8))
            ),
        )
        best.urns.append(school.urn)
    for school in single:
        uid += int(rng.integers(1, 9))
        trusts.append(
            Trust(
                uid=uid,
                group_id=f"TR9{uid % 10000:04d}",
                name=school.name.upper(),
                kind="Single-academy trust",
                incorporated=(school.open_date or b.as_at)
                - dt.timedelta(days=int(rng.integers(30, 200))),
                companies_house=f"9{int(rng.integers(0, 10**6)):06d}",
                ukprn=b.ukprn(),
                street=school.street,
                town=school.town,
                postcode=school.postcode,
                urns=[school.urn],
            )
        )
    foundation = [s for s in b.schools if s.type_name == "Foundation school"]
    uid += 7
    coop = Trust(
        uid=uid,
        group_id="",
        name="Hollerton Co-operative Learning Trust",
        kind="Trust",
        incorporated=dt.date(2010, 4, 1),
        urns=[s.urn for s in foundation[:3]],
    )
    trusts.append(coop)
    for trust in trusts:
        for urn in trust.urns:
            school = next(s for s in b.schools if s.urn == urn)
            school.trust_uid = trust.uid
            school.trust_name = trust.name
            if trust.kind == "Trust":
                school.trust_flag = "Supported by a trust"
                continue
            school.trust_flag = (
                "Supported by a multi-academy trust"
                if trust.kind == "Multi-academy trust"
                else "Supported by a single-academy trust"
            )
            if trust.kind == "Multi-academy trust" and (
                school.reason_opened == "New Provision" or rng.random() < 0.6
            ):
                school.sponsor_flag = "Linked to a sponsor"
                school.sponsor_name = trust.sponsor_name
            else:
                school.sponsor_flag = "-"
    # federations: infant/junior pairs first, then small village schools
    federations: list[Federation] = []
    infants = [s for s in b.schools if s.extra.get("_sub") == "infant" and not s.is_academy]
    for infant in infants:
        if len(federations) >= 3:
            break
        junior_name = infant.name.replace("Infant", "Junior")
        junior = next((s for s in b.schools if s.name == junior_name and not s.is_academy), None)
        if junior is None:
            continue
        uid += int(rng.integers(1, 9))
        stem = infant.name.replace(" Infant School", "").replace(" Church of England", "")
        federations.append(
            Federation(
                uid=uid,
                name=f"The Federation of {stem} Infant and Junior Schools",
                open_date=dt.date(int(rng.integers(2012, 2020)), 9, 1),
                executive_head=b.person(),
                urns=[infant.urn, junior.urn],
            )
        )
    villages = [
        s
        for s in b.schools
        if s.phase == "Primary"
        and not s.is_academy
        and s.extra.get("_sub") == "primary"
        and (s.capacity or 999) <= 140
    ]
    for i in range(0, min(len(villages) - 1, 4), 2):
        first, second = villages[i], villages[i + 1]
        uid += int(rng.integers(1, 9))
        federations.append(
            Federation(
                uid=uid,
                name=f"{first.town} and {second.town} Schools Federation",
                open_date=dt.date(int(rng.integers(2014, 2021)), 9, 1),
                executive_head=b.person(),
                urns=[first.urn, second.urn],
            )
        )
    for fed in federations:
        for n, urn in enumerate(fed.urns):
            school = next(s for s in b.schools if s.urn == urn)
            school.federation_flag = "Supported by a federation"
            school.federation_name = fed.name
            school.federation_uid = fed.uid
            school.head_job_title = "Executive Headteacher" if n == 0 else "Head of School"
            if n == 0:
                school.head = fed.executive_head
    return trusts, federations


def _predecessor_type(school: School) -> str:
    if "special" in school.type_name:
        return "Community special school"
    if school.religious_character == "Roman Catholic":
        return "Voluntary aided school"
    if school.religious_character == "Church of England":
        return "Voluntary controlled school" if school.urn % 2 else "Voluntary aided school"
    return "Foundation school" if school.urn % 7 == 0 else "Community school"


def _make_history(b: _Builder) -> list[Link]:
    """Closed predecessors for recent academies, one amalgamation, one merger, one closure."""
    rng = b.rng
    links: list[Link] = []
    cutoff = dt.date(2016, 9, 1)
    for school in list(b.schools):
        if not school.is_academy or school.open_date is None or school.open_date < cutoff:
            continue
        if school.type_group == "Free Schools" or school.phase == "16 plus":
            continue
        converter = school.reason_opened == "Academy Converter"
        if not converter and rng.random() < 0.5:
            continue
        close = school.open_date - dt.timedelta(days=1)
        old_name = school.name
        for a, c in ((" Primary Academy", " Primary School"), (" Academy", " School")):
            if old_name.endswith(a):
                old_name = old_name[: -len(a)] + c
                break
        if old_name in b.names and old_name != school.name:
            alternative = f"{old_name}, {school.town}"
            old_name = (
                alternative
                if school.town not in old_name and alternative not in b.names
                else school.name
            )
        b.names.add(old_name)
        pred_type = _predecessor_type(school)
        pred = replace(
            school,
            urn=b.urn(),
            name=old_name,
            type_name=pred_type,
            status="Closed",
            open_date=None,
            close_date=close,
            reason_opened="Not applicable",
            reason_closed="Academy Converter" if converter else "For Academy",
            trust_flag="Not applicable",
            trust_name="",
            trust_uid=None,
            sponsor_flag="Not applicable",
            sponsor_name="",
            federation_flag="Not under a federation",
            federation_name="",
            federation_uid=None,
            religious_ethos="Does not apply",
            extra=dict(school.extra),
        )
        if pred_type == "Foundation school" and pred.religious_character == "Does not apply":
            pred.religious_character = "None"
        pred.quality = school.quality + float(rng.normal(0, 0.3))
        pred.lineage = pred.urn
        school.lineage = pred.urn
        school.predecessor_urns = (pred.urn,)
        pred.estab = b.estab(_band_for(pred))
        b.schools.append(pred)
        links.append(Link(pred.urn, school.urn, school.name, "Successor", close))
        links.append(Link(school.urn, pred.urn, pred.name, "Predecessor", school.open_date))
    # amalgamation: an infant and a junior school close, a new primary opens
    town = b.pick_town(min_weight=1.0)
    day = dt.date(2018, 9, 1)
    parts = []
    for sub, (low, high) in (("Infant", (4, 7)), ("Junior", (7, 11))):
        part = _new(
            b,
            town,
            name=b.unique([f"{town.name} {sub} School", f"{town.name} County {sub} School"]),
            type_name="Community school",
            phase="Primary",
            low_age=low,
            high_age=high,
            status="Closed",
            close_date=day - dt.timedelta(days=1),
            reason_closed="Result of Amalgamation/Merger",
        )
        part.capacity = 180 if sub == "Infant" else 240
        part.estab = b.estab("primary")
        part.federation_flag = "Not under a federation"
        parts.append(part)
    merged = _new(
        b,
        town,
        name=b.unique(
            [f"{town.name} Primary School", f"{town.name} Community Primary School"]
            + b.primary_candidates(town, "primary", "Does not apply", False)
        ),
        type_name="Community school",
        phase="Primary",
        low_age=4,
        high_age=11,
        open_date=day,
        reason_opened="Result of Amalgamation",
    )
    merged.capacity = 420
    merged.extra["_sub"] = "primary"
    _set_type_fields(b, merged)
    merged.quality = float(np.mean([p.quality for p in parts]))
    merged.predecessor_urns = tuple(p.urn for p in parts)
    merged.lineage = parts[1].urn
    for part in parts:
        links.append(
            Link(part.urn, merged.urn, merged.name, "Successor - amalgamated", part.close_date)
        )
        links.append(Link(merged.urn, part.urn, part.name, "Predecessor - amalgamated", day))
    # merger: a junior school merges into the infant school next door, which carries on
    candidates = [
        s
        for s in b.schools
        if s.extra.get("_sub") == "infant"
        and s.is_open
        and not s.is_academy
        and s.federation_uid is None
    ]
    if candidates:
        keeper = candidates[0]
        town = next(t for t in b.towns if t.name == keeper.town)
        day = dt.date(2019, 9, 1)
        junior = _new(
            b,
            town,
            name=b.unique(
                [keeper.name.replace("Infant and Nursery", "Junior").replace("Infant", "Junior")]
                + b.primary_candidates(town, "junior", keeper.religious_character, False)
            ),
            type_name=keeper.type_name,
            phase="Primary",
            low_age=7,
            high_age=11,
            status="Closed",
            close_date=day - dt.timedelta(days=1),
            reason_closed="Result of Amalgamation/Merger",
            religious_character=keeper.religious_character,
            diocese=keeper.diocese,
        )
        junior.estab = b.estab(_band_for(junior))
        junior.capacity = 240
        junior.federation_flag = "Not under a federation"
        keeper.name = b.unique(
            [
                keeper.name.replace("Infant", "Primary"),
                f"{town.name} Primary School",
                f"{keeper.name.replace(' Infant', '').replace(' School', '')} Primary School",
            ]
            + b.primary_candidates(town, "primary", keeper.religious_character, False)
        )
        keeper.high_age = 11
        keeper.capacity = (keeper.capacity or 180) + 240
        keeper.extra["_sub"] = "primary"
        keeper.predecessor_urns = (junior.urn,)
        junior.lineage = junior.urn
        links.append(
            Link(junior.urn, keeper.urn, keeper.name, "Successor - merged", junior.close_date)
        )
        links.append(Link(keeper.urn, junior.urn, junior.name, "Predecessor - merged", day))
    # a plain closure of a tiny village school, and one school proposed to close
    town = next(t for t in b.towns if t.kind == "village")
    closed = _new(
        b,
        town,
        name=b.unique([f"{town.name} Church of England Primary School"]),
        type_name="Voluntary controlled school",
        phase="Primary",
        low_age=4,
        high_age=11,
        status="Closed",
        close_date=dt.date(2017, 8, 31),
        reason_closed="Closure",
        religious_character="Church of England",
        diocese=CE_DIOCESES[0],
    )
    closed.capacity = 42
    closed.estab = b.estab("church_primary")
    closed.federation_flag = "Not under a federation"
    closed.quality = -0.8
    small = [s for s in b.schools if s.is_open and s.phase == "Primary" and (s.capacity or 0) <= 84]
    if small:
        small[0].status = "Open, but proposed to close"
    return links


def _band_for(school: School) -> str:
    if school.type_name in ("Voluntary aided school", "Voluntary controlled school"):
        return "church_primary" if school.phase == "Primary" else "secondary"
    if school.type_name == "Foundation school":
        return "foundation"
    if "special" in school.type_name:
        return "special"
    return "primary" if school.phase == "Primary" else "secondary"


def _finish(b: _Builder, school: School) -> None:
    """Pupil numbers, FSM, Ofsted, head teacher and contact details."""
    rng = b.rng
    if school.extra.pop("_done", None):
        school.last_changed = b.as_at - dt.timedelta(days=int(rng.integers(5, 900)))
        return
    town = next(t for t in b.towns if t.name == school.town)
    if school.capacity:
        fill = rng.uniform(0.72, 1.06) if school.phase != "Nursery" else rng.uniform(0.8, 1.3)
        school.pupils = max(8, int(school.capacity * fill))
        if school.nursery_provision == "Has Nursery Classes" and school.phase == "Primary":
            school.pupils += int(rng.choice([13, 26, 39, 52]))
        _split_gender(rng, school)
    elif school.phase == "16 plus":
        school.pupils = None
    base = 0.045 + 0.22 * town.deprivation**1.5
    fsm = float(np.clip(rng.lognormal(np.log(base * 100), 0.45) - 4 * school.quality, 0.5, 62))
    if school.phase == "Secondary":
        fsm *= 0.8
    if "special" in school.type_name or school.type_name == "Pupil referral unit":
        fsm = float(np.clip(fsm * 2.2, 10, 70))
    school.fsm_pct = round(fsm, 1) if school.pupils else None
    school.ukprn = "" if school.type_name == "Local authority nursery school" else b.ukprn()
    if school.status == "Closed":
        school.last_changed = (school.close_date or b.as_at) + dt.timedelta(
            days=int(rng.integers(1, 60))
        )
        if rng.random() < 0.55:
            school.ofsted_rating, school.ofsted_last_inspection = b.ofsted(school.quality)
            if school.close_date and school.ofsted_last_inspection > school.close_date:
                school.ofsted_last_inspection = school.close_date - dt.timedelta(
                    days=int(rng.integers(200, 1500))
                )
    else:
        school.last_changed = b.as_at - dt.timedelta(days=int(rng.integers(1, 500)))
        school.ofsted_rating, school.ofsted_last_inspection = b.ofsted(school.quality)
        opened = school.open_date
        if opened and school.ofsted_last_inspection < opened:
            # not inspected since opening yet: GIAS shows no judgement
            if (b.as_at - opened).days < 365 * 3 or rng.random() < 0.2:
                school.ofsted_rating, school.ofsted_last_inspection = "", None
            else:
                span = (b.as_at - opened).days
                school.ofsted_last_inspection = opened + dt.timedelta(
                    days=int(rng.integers(min(300, span - 1), span))
                )
                if dt.date(2020, 3, 16) <= school.ofsted_last_inspection <= dt.date(2021, 9, 1):
                    school.ofsted_last_inspection = dt.date(2019, 11, 14)
                    if school.ofsted_last_inspection < opened:
                        school.ofsted_rating, school.ofsted_last_inspection = "", None
    if school.head is None:
        domain = f"{slug(school.name)}.{EMAIL_DOMAIN}"
        school.head = b.person(domain)
        if school.is_academy and school.phase in ("Secondary", "All-through", "16 plus"):
            school.head_job_title = "Principal"
        else:
            school.head_job_title = str(
                rng.choice(
                    ["Headteacher", "Head Teacher", "Acting Headteacher", "Headteacher"],
                    p=[0.8, 0.1, 0.03, 0.07],
                )
            )
    school.website = f"www.{slug(school.name)}.borsetshire.sch.uk" if rng.random() < 0.95 else ""
    school.extra.pop("_sub", None)


def _make_clusters_and_advisers(b: _Builder) -> tuple[list[Cluster], list[Adviser]]:
    rng = b.rng
    towns = {t.name: t for t in b.towns}
    state = [s for s in b.schools if s.is_open and s.is_state_funded]
    clusters: dict[str, list[School]] = {name: [] for name in CLUSTER_NAMES}
    unclustered = {
        s.urn
        for s in state
        if s.type_name in ("Pupil referral unit", "Academy 16-19 converter")
        or s.phase == "All-through"
    }
    for school in state:
        if school.urn in unclustered:
            continue
        town = towns[school.town]
        if len(town.clusters) == 1:
            name = town.clusters[0]
        elif town.name == "Felpersham":
            north = (school.northing or 0) >= town.northing
            name = town.clusters[0] if north else town.clusters[1]
        else:
            east = (school.easting or 0) >= town.easting
            name = town.clusters[0] if east else town.clusters[1]
        clusters[name].append(school)
        school.cluster = name
    result: list[Cluster] = []
    for i, name in enumerate(CLUSTER_NAMES, start=1):
        members = sorted(clusters[name], key=lambda s: s.urn)
        lead_school = next((s for s in members if s.phase == "Primary"), members[0])
        result.append(
            Cluster(
                code=f"C{i:02d}",
                name=name,
                lead=lead_school.head or Person("Mx", "Cluster", "Lead"),
                lead_school_urn=lead_school.urn,
                urns=[s.urn for s in members],
            )
        )
    advisers: list[Adviser] = []
    for i in range(8):
        person = b.person(EMAIL_DOMAIN)
        advisers.append(Adviser(code=f"A{i + 1:02d}", person=person))
    without = set(rng.choice([s.urn for s in state], size=6, replace=False).tolist())
    for i, cluster in enumerate(result):
        for urn in cluster.urns:
            if urn in without:
                continue
            # mostly the cluster's adviser, sometimes a neighbour's
            j = i if rng.random() < 0.85 else (i + 1) % len(advisers)
            advisers[j].urns.append(urn)
    for urn in sorted(unclustered):
        if urn not in without:
            advisers[int(rng.integers(0, len(advisers)))].urns.append(urn)
    by_urn = {s.urn: s for s in b.schools}
    for adviser in advisers:
        adviser.urns.sort()
        for urn in adviser.urns:
            by_urn[urn].adviser = adviser.code
    return result, advisers


def _make_demo_people(b: _Builder, council: SyntheticCouncil) -> list[DemoPerson]:
    """One named person per demo role, tied to consistent records."""
    candidates = [
        s
        for s in council.schools
        if s.is_open
        and s.type_name == "Community school"
        and s.phase == "Primary"
        and s.has_ks2
        and s.cluster
        and s.adviser
        and s.federation_uid is None
        and s.high_age == 11
        and (s.low_age or 9) <= 4
        and not s.predecessor_urns
    ]
    preference = {"Requires improvement": 0, "Good": 1, "Outstanding": 2}
    chosen = min(candidates, key=lambda s: (preference.get(s.ofsted_rating, 3), s.urn))
    trust = max(
        (t for t in council.trusts if t.kind == "Multi-academy trust"), key=lambda t: len(t.urns)
    )
    cluster = next(c for c in council.clusters if c.name == chosen.cluster)
    adviser = next(a for a in council.advisers if a.code == chosen.adviser)
    if chosen.head is None or trust.leader is None:
        raise ValueError("demo school and trust need named leaders")
    school_domain = f"{slug(chosen.name)}.{EMAIL_DOMAIN}"
    chair = b.person(school_domain)
    return [
        DemoPerson("council_admin", b.person(EMAIL_DOMAIN)),
        DemoPerson("head_of_school_improvement", b.person(EMAIL_DOMAIN)),
        DemoPerson("data_analyst", b.person(EMAIL_DOMAIN)),
        DemoPerson("adviser", adviser.person, adviser_code=adviser.code),
        DemoPerson("headteacher", chosen.head, school_urn=chosen.urn),
        DemoPerson("chair_of_governors", chair, school_urn=chosen.urn),
        DemoPerson("trust_leader", trust.leader, trust_uid=trust.uid),
        DemoPerson(
            "cluster_lead",
            cluster.lead,
            school_urn=cluster.lead_school_urn,
            cluster_code=cluster.code,
        ),
    ]


# ---------------------------------------------------------------------------------------------
# Hostile variants (for importer tests; never part of the demo)
# ---------------------------------------------------------------------------------------------

#: Hostile but valid values, all encodable in cp1252 so every layout can carry them.
HOSTILE_NAMES: tuple[str, ...] = (
    'St Mary’s & St John’s "Federated" Church of England Primary School, Borchester',
    '=HYPERLINK("http://evil.example","Click") Primary School',
    "+44 Academy",
    "-1 Infant School",
    "@Home Learning Centre",
    "<script>alert('x')</script> Junior School",
    "Robert'); DROP TABLE schools;-- Primary School",
    "Hillside\r\nInfant School",
    "  Oakfield Primary School  ",
    "Café Crème – Académie “Élan” " + "x" * 200,
)


def hostile_variant(
    council: SyntheticCouncil, *, count: int = len(HOSTILE_NAMES)
) -> SyntheticCouncil:
    """A deep copy of the council where some open schools carry hostile-but-valid names.

    The values exercise CSV quoting (commas, quotes, embedded CRLF), spreadsheet formula
    prefixes, markup, SQL-looking text, surrounding spaces, cp1252 punctuation and very long
    names. The demo itself never uses them.
    """
    variant = copy.deepcopy(council)
    targets = [s for s in variant.schools if s.is_open and s.is_state_funded][:count]
    renamed: dict[int, str] = {}
    for school, name in zip(targets, HOSTILE_NAMES, strict=False):
        school.name = name
        renamed[school.urn] = name
    for link in variant.links:
        if link.link_urn in renamed:
            link.link_name = renamed[link.link_urn]
    for school in targets:
        if school.head is not None:
            school.head = replace(school.head, last_name="O'Brien-D'Arcy")
        school.locality = '=SUM(A1:A2), "quoted"'
    return variant


def council_summary(council: SyntheticCouncil) -> dict[str, dict[str, int]]:
    """Counts of open establishments by phase and by type group (for tests and docs)."""
    phases: dict[str, int] = defaultdict(int)
    groups: dict[str, int] = defaultdict(int)
    for school in council.open_schools():
        phases[school.phase] += 1
        groups[school.type_group] += 1
    return {"phase": dict(phases), "type_group": dict(groups)}
