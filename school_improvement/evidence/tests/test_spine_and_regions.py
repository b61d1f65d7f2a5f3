"""The performance-tables spine and LAIT's LA regions: imports, refusals and what they change.

The spine gives each school's type in the tables (on the school page) and ties a converted
school to its previous URN (OTHERURN) when the links file lacks it. LAIT's regions are the ones
"same region first" of the similar-pupils comparator needs (rules.md 7.2).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from engines.errors import FileRefused
from engines.stats.comparator import ComparatorPool, load_census_pool, load_la_regions
from engines.testing.refusals import refused
from school_improvement.core.models import AuditEvent, Job
from school_improvement.evidence.imports import (
    detect_kind,
    import_la_regions,
    import_performance,
    import_spine,
)
from school_improvement.evidence.models import LaRegion, Measure, SpineEstablishment
from school_improvement.evidence.selectors import (
    evidence_urns,
    la_regions,
    school_evidence,
    similar_set,
    spine_predecessors,
)
from school_improvement.register import importers
from school_improvement.register.models import Establishment, LocalAuthority

from .conftest import CENSUS_ABS
from .factories import SPINE_HEADER, spine_row, spine_workbook, state, workbook

ENGINES = ["postgresql", "generic"]
SPINE = "dfe-perf-tables-2018-spine-ks5/2017-2018_england_spine.xlsx"
LA_CODE_LIST = "la-statistical-neighbours-lait/la_code_list.xlsx"
SPINE_NAME = "2017-2018_england_spine.xlsx"


def conversion() -> bytes:
    """A community school (URN 125040) that closed on 30 September 2018 and reopened as an
    academy (146023) the next day, each naming the other; and a new school without a predecessor."""
    return spine_workbook([
        spine_row(125040, ICLOSE=2, CLOSEDATE=dt.datetime(2018, 9, 30), OTHERURN=146023,
                  OTHERNFTYPE="Academy - Converter mainstream", NEWACFLAG=2),
        spine_row(146023, ISNEW=1, OPENDATE=dt.datetime(2018, 10, 1), OTHERURN=125040,
                  NFTYPE="Academy - Converter mainstream", OTHERNFTYPE="Community school", NEWACFLAG=1),
        spine_row(140652, ISNEW=1, OPENDATE=dt.datetime(2018, 9, 1), OTHERURN=999999,
                  NFTYPE="Academy sponsor led mainstream", NEWACFLAG=3),
    ])


# --- the spine ------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_the_real_2017_18_spine_imports_whole_and_once(db, shared_data):
    result = import_spine(data=shared_data / SPINE)
    assert (result.rows_read, result.created) == (26_078, 26_078)
    assert dict(result.extra)["Establishments tied to another URN (OTHERURN)"] == 3_592  # 3,596 less 4 "999999"
    assert SpineEstablishment.objects.filter(year=2018).count() == 26_078
    assert SpineEstablishment.objects.filter(close_status="2").count() == 2_146
    academy = SpineEstablishment.objects.get(year=2018, urn=146023)
    assert (academy.name, academy.nftype, academy.other_urn) == (
        "Pirbright Village Primary School", "Academy - Converter mainstream", 125040)
    assert (academy.is_new, academy.open_date, academy.laestab) == (True, dt.date(2018, 10, 1), "9362391")
    anstey = SpineEstablishment.objects.get(year=2018, urn=115851)
    assert (anstey.nftype, anstey.minor_group, anstey.is_primary, anstey.is_secondary) == (
        "Community school", "Maintained School", True, False)
    assert (anstey.age_low, anstey.age_high, anstey.close_status, anstey.other_urn) == (7, 11, "1", None)
    # OTHERURN ties, both ways round: the academy names its predecessor and the closed school its
    # successor; Marlborough Junior opened as an academy in January 2019 and closed that August.
    assert spine_predecessors([146023]) == [125040]
    assert spine_predecessors([125040]) == []
    assert spine_predecessors([145243]) == [103312]
    before = state()
    again = import_spine(data=shared_data / SPINE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 26_078)
    assert state() == before


@pytest.mark.parametrize("engine", ENGINES)
def test_both_write_paths_store_the_same_spine(db, engine):
    result = import_spine(data=conversion(), filename=SPINE_NAME, engine=engine)
    assert (result.created, dict(result.extra)["Establishments tied to another URN (OTHERURN)"]) == (3, 2)
    rows = {r.urn: r for r in SpineEstablishment.objects.all()}
    closed = rows[125040]
    assert (closed.close_status, closed.close_date, closed.other_urn) == ("2", dt.date(2018, 9, 30), 146023)
    assert (closed.la_code, closed.estab, closed.laestab, closed.other_nftype) == (
        "936", "2040", "9362040", "Academy - Converter mainstream")
    assert rows[146023].is_new and rows[146023].open_date == dt.date(2018, 10, 1)
    assert rows[140652].other_urn == 999999 and rows[140652].close_date is None
    assert AuditEvent.objects.filter(object_type="evidence.spineestablishment").count() == 1
    before = state()
    assert import_spine(data=conversion(), filename=SPINE_NAME, engine=engine).unchanged == 3
    assert state() == before
    # A changed fact updates its row (and is audited with before and after).
    changed = spine_workbook([spine_row(125040, NFTYPE="Foundation school")])
    assert import_spine(data=changed, filename=SPINE_NAME, engine=engine).updated == 1
    event = AuditEvent.objects.filter(object_type="evidence.spineestablishment").latest("pk")
    assert event.changes["after"]["changed_values"][0]["after"]["nftype"] == "Foundation school"


def test_a_spine_without_a_column_is_refused_naming_it(db):
    import_spine(data=conversion(), filename=SPINE_NAME)
    before = state()
    header = [c for c in SPINE_HEADER if c != "NFTYPE"]
    bad = spine_workbook([spine_row(100001)], header=header)
    refused(lambda: import_spine(data=bad, filename=SPINE_NAME), file=SPINE_NAME, row=1, column="NFTYPE",
            says="has no 'NFTYPE' column")
    assert state() == before


def test_a_spine_with_a_bad_value_is_refused_with_row_and_column(db):
    bad = spine_workbook([spine_row(100001), spine_row(100002, AGEL="eleven")])
    refused(lambda: import_spine(data=bad, filename=SPINE_NAME), file=SPINE_NAME, row=3, column="AGEL",
            says="not a whole number")
    not_a_workbook = b"URN,LA\n1,2"
    refused(lambda: import_spine(data=not_a_workbook, filename=SPINE_NAME), file=SPINE_NAME, row=None,
            column=None, says="not an .xlsx workbook")
    assert SpineEstablishment.objects.count() == 0


def test_the_spine_ties_a_converted_school_to_its_previous_urn(db, client, surrey_adviser):
    """No links file here: only the spine's OTHERURN ties the academy to the community school."""
    academy = Establishment.objects.create(urn=146023, name="Pirbright Village Primary School", la_id="936",
                                           phase="Primary", status="Open")
    assert evidence_urns(146023) == [146023]
    import_spine(data=conversion(), filename=SPINE_NAME)
    assert evidence_urns(146023) == [146023, 125040]
    assert evidence_urns(140652) == [140652]  # 999999 is "no predecessor", not a URN
    assert evidence_urns(125040) == [125040]  # a successor is not a predecessor
    Measure.objects.create(urn=125040, year=2018, measure="ks2.rwm_expected_pct", source_kind="ks2",
                           value=70, status="ok", source_file="2017-2018_936_ks2final.csv")
    evidence = school_evidence(academy)
    assert [m.urn for m in evidence.measures] == [125040]
    surrey_adviser(client)
    page = client.get(reverse("register:school_detail", args=[146023])).content.decode()
    assert "recorded under URN 125040" in page
    table = page[page.index('id="context"'):]
    assert "School type in the performance tables (NFTYPE)" in table
    assert "Academy - Converter mainstream" in table[:table.index("</table>")]


# --- LAIT's regions -------------------------------------------------------------------------------


@pytest.mark.realdata
def test_the_la_code_list_gives_each_la_its_region(db, shared_data):
    result = import_la_regions(data=shared_data / LA_CODE_LIST)
    assert (result.rows_read, result.created) == (171, 171)
    assert dict(result.extra)["Local authorities with a region"] == 158
    assert LaRegion.objects.exclude(region="").count() == 158
    assert LaRegion.objects.get(la_code="850").region == "South East"
    assert LaRegion.objects.get(la_code="936").region == "South East"
    assert {int(code): region for code, region in la_regions().items()} == load_la_regions()
    before = state()
    assert import_la_regions(data=shared_data / LA_CODE_LIST).unchanged == 171
    assert state() == before


def test_regions_fall_back_to_the_registers_sub_regions_until_the_list_is_imported(db):
    LocalAuthority.objects.create(code="850", name="Hampshire", region_name="South East A")
    LocalAuthority.objects.create(code="936", name="Surrey", region_name="South East B")
    assert la_regions() == {"850": "South East A", "936": "South East B"}
    codes = workbook([["LA Number", "LA Name", "Region", "Type"], [850, "Hampshire", "South East", "SC"],
                      [936, "Surrey", "South East", "SC"], [921, "Isles of Scilly", "NA", None]],
                     sheet="Sheet1")
    assert detect_kind(codes, "la_code_list.xlsx") == "la_regions"
    import_la_regions(data=codes, filename="la_code_list.xlsx")
    assert la_regions() == {"850": "South East", "936": "South East"}


def test_a_code_list_without_regions_is_refused(db):
    codes = workbook([["LA Number", "LA Name"], [850, "Hampshire"]], sheet="Sheet1")
    refused(lambda: import_la_regions(data=codes, filename="la_code_list.xlsx"), file="la_code_list.xlsx",
            row=None, column="Region", says="no regions")
    twice = workbook([["LA Number", "LA Name", "Region"], [850, "Hampshire", "South East"],
                      [850, "Hampshire", "South East"]], sheet="Sheet1")
    with pytest.raises(FileRefused, match="LA number 850 is listed twice"):
        import_la_regions(data=twice, filename="la_code_list.xlsx")
    assert LaRegion.objects.count() == 0


@pytest.mark.realdata
def test_anstey_juniors_similar_set_uses_laits_regions(db, shared_data):
    """The register holds the DfE meta sub-regions; with la_code_list imported the set is the
    engine's, computed with load_la_regions()."""
    for code, region in load_la_regions().items():
        LocalAuthority.objects.get_or_create(code=f"{code:03d}", defaults={
            "name": str(code), "region_name": f"{region} A" if code % 2 else f"{region} B"})
    import_performance(data=shared_data / CENSUS_ABS / "england_census.csv")
    import_la_regions(data=shared_data / LA_CODE_LIST)
    found = similar_set([115851], [])
    engine = ComparatorPool(load_census_pool()).similar(115851)
    assert found is not None and len(found.members) == 30
    assert [m.urn for m in found.members] == [c.urn for c in engine]
    assert [m.same_region for m in found.members] == [c.same_region for c in engine]
    assert [round(m.distance, 12) for m in found.members] == [round(c.distance, 12) for c in engine]


# --- as people run them -------------------------------------------------------------------------


def test_both_kinds_are_offered_and_run_from_the_upload_page(world, client_as, settings, tmp_path,
                                                           django_capture_on_commit_callbacks):
    labels = [k.label for k in importers.available()]
    assert "Performance-tables spine (xlsx establishment list)" in labels
    assert "LA regions (LAIT la_code_list.xlsx)" in labels
    settings.MEDIA_ROOT = tmp_path
    client = client_as("data_officer")
    assert "LA regions (LAIT la_code_list.xlsx)" in client.get(reverse("register:import_list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("register:import_list"), {
            "kind": "evidence.import_spine",
            "file": SimpleUploadedFile(SPINE_NAME, conversion(), content_type="application/octet-stream")})
    assert response.status_code == 302
    job = Job.objects.latest("pk")
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert dict(job.result["summary"])["Establishments created"] == 3
    assert SpineEstablishment.objects.count() == 3


def test_the_command_recognises_both_workbooks(db, tmp_path, capsys):
    spine = tmp_path / SPINE_NAME
    spine.write_bytes(conversion())
    codes = tmp_path / "la_code_list.xlsx"
    codes.write_bytes(workbook([["LA Number", "LA Name", "Region", "Type"],
                                [936, "Surrey", "South East", "SC"]], sheet="Sheet1"))
    other = tmp_path / "other.xlsx"
    other.write_bytes(workbook([["A", "B"], [1, 2]]))
    with pytest.raises(CommandError, match="1 of 3 files refused"):
        call_command("import_evidence", str(spine), str(other), str(codes))
    out, err = capsys.readouterr()
    assert "Performance-tables spine" in out and "LA regions" in out
    assert "other.xlsx: is a workbook, but neither" in err
    assert SpineEstablishment.objects.count() == 3 and LaRegion.objects.count() == 1
