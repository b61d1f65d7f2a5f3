"""Evidence imports: real values pinned, both write paths, idempotence, and bad files refused whole."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse

from engines.errors import FileRefused
from school_improvement.core.models import AuditEvent, Job
from school_improvement.evidence import imports
from school_improvement.evidence.imports import import_ofsted_mi, import_performance
from school_improvement.evidence.models import Benchmark, CensusPoolSchool, Inspection, Measure
from school_improvement.register import importers

from .conftest import CENSUS_ABS, OFSTED_MI, PERF
from .factories import benchmark_rows, census_file, ks2_file, ks2_school, mi_row, mi_text, state

ENGINES = ["postgresql", "generic"]
REPO = Path(settings.BASE_DIR)
NAME = "2018-2019_850_ks2final.csv"


def small_ks2(**changes: str) -> bytes:
    rows = [
        ks2_school(115851, TELIG="60", PTRWM_EXP="63%", READPROG="-1.9", READPROG_LOWER="-3.4",
                   READPROG_UPPER="-0.3", MATPROG="NE"),
        ks2_school(115852, TELIG="4", PTRWM_EXP="SUPP", READPROG="SUPP"),
        ks2_school(115853, TELIG="45", PTRWM_EXP="71%", READPROG="1.2", READPROG_LOWER="0.1",
                   READPROG_UPPER="2.3"),
    ]
    for key, value in changes.items():
        urn, column = key.split("__")
        next(r for r in rows if r["URN"] == urn)[column] = value
    return ks2_file(rows + benchmark_rows("850"))


# --- real files ----------------------------------------------------------------------------


@pytest.mark.realdata
@pytest.mark.parametrize("engine", ENGINES)
def test_real_hampshire_2019_values_and_benchmarks(db, shared_data, engine):
    result = import_performance(data=shared_data / PERF / NAME, engine=engine)
    assert (result.rows_read, result.created) == (334, 11585)
    anstey = {m.measure: m for m in Measure.objects.filter(urn=115851, year=2019)}
    assert anstey["ks2.rwm_expected_pct"].value == Decimal("63")
    reading = anstey["ks2.reading_progress"]
    assert (reading.value, reading.lower, reading.upper) == (Decimal("-1.9"), Decimal("-3.4"), Decimal("-0.3"))
    assert reading.source_kind == "ks2" and not reading.provisional and reading.source_file == NAME
    marks = {(b.kind, b.la_code): b.value for b in Benchmark.objects.filter(measure="ks2.rwm_expected_pct", year=2019)}
    assert marks == {("la", "850"): Decimal("68"), ("national_all", ""): Decimal("65"),
                     ("national_state", ""): Decimal("65")}
    before = state()
    again = import_performance(data=shared_data / PERF / NAME, engine=engine)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 11585)
    assert state() == before


@pytest.mark.realdata
def test_both_paths_give_identical_rows(db, shared_data):
    files = [PERF + "/" + NAME, PERF + "/2018-2019_936_ks4final.csv", CENSUS_ABS + "/england_ks4provisional.csv",
             CENSUS_ABS + "/england_abs.csv"]
    seen = []
    for engine in ENGINES:
        for name in files:
            import_performance(data=shared_data / name, engine=engine)
        import_ofsted_mi(data=shared_data / OFSTED_MI, engine=engine)
        seen.append(state(with_ids=False))
        for model in (Measure, Benchmark, Inspection, CensusPoolSchool):
            model.objects.all().delete()
    assert seen[0] == {**seen[1], "audit_events": seen[0]["audit_events"]}
    assert seen[1]["audit_events"] == 2 * seen[0]["audit_events"] == 2 * (len(files) + 1)


@pytest.mark.realdata
def test_national_census_fills_the_similar_pupils_pool(db, shared_data):
    from engines.stats.comparator import load_census_pool

    result = import_performance(data=shared_data / CENSUS_ABS / "england_census.csv")
    assert dict(result.summary())["Census pool schools (state-funded) created or updated"] == 21946
    engine_pool = {s.urn: s for s in load_census_pool()}
    stored = {p.urn: p for p in CensusPoolSchool.objects.filter(year=2019)}
    assert set(stored) == set(engine_pool)
    for urn in (100000, 115851, 146023):
        mine, theirs = stored[urn], engine_pool[urn]
        assert (mine.phase, mine.pupils, mine.fsm_pct, mine.sen_pct) == (
            theirs.phase, theirs.pupils, theirs.fsm_pct, theirs.sen_pct)
    assert sum(1 for p in stored.values() if p.fsm_pct != engine_pool[p.urn].fsm_pct) == 0
    assert sum(1 for p in stored.values() if p.sen_pct != engine_pool[p.urn].sen_pct) == 0


# --- both write paths on generated files -----------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_reimport_writes_nothing_at_all(db, engine):
    import_performance(data=small_ks2(), filename=NAME, engine=engine)
    before = state()
    result = import_performance(data=small_ks2(), filename=NAME, engine=engine)
    assert (result.created, result.updated) == (0, 0)
    assert state() == before


@pytest.mark.parametrize("engine", ENGINES)
def test_a_newer_file_updates_only_what_changed_and_audits_it(db, engine):
    import_performance(data=small_ks2(), filename=NAME, engine=engine)
    audits = AuditEvent.objects.count()
    result = import_performance(data=small_ks2(**{"115853__PTRWM_EXP": "72%", "115852__PTRWM_EXP": "40%"}),
                                filename=NAME, engine=engine)
    assert (result.created, result.updated) == (0, 2)
    assert Measure.objects.get(urn=115852, year=2019, measure="ks2.rwm_expected_pct").status == "ok"
    assert AuditEvent.objects.count() == audits + 1
    event = AuditEvent.objects.latest("pk")
    assert event.action == "import"
    changes = {tuple(c["key"]): (c["before"], c["after"]) for c in event.changes["after"]["changed_values"]}
    assert changes[("115853", "2019", "ks2.rwm_expected_pct", "ks2")] == ({"value": "71.0000"}, {"value": "72.0000"})
    assert changes[("115852", "2019", "ks2.rwm_expected_pct", "ks2")] == (
        {"value": None, "status": "SUPP"}, {"value": "40.0000", "status": "ok"})


def test_missing_values_keep_their_reason_never_zero(db):
    import_performance(data=small_ks2(), filename=NAME)
    supp = Measure.objects.get(urn=115852, measure="ks2.rwm_expected_pct")
    assert (supp.value, supp.status) == (None, "SUPP")
    assert Measure.objects.get(urn=115851, measure="ks2.maths_progress").status == "NE"
    assert Measure.objects.get(urn=115851, measure="ks2.writing_progress").status == "blank"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_database_failure_mid_import_leaves_nothing(db, engine, monkeypatch):
    import_performance(data=small_ks2(), filename=NAME, engine=engine)
    before = state()
    real = imports._upsert

    def fail_on_benchmarks(table, frame, **kwargs):
        if table is imports.BENCHMARKS:
            raise DatabaseError("disk full")
        return real(table, frame, **kwargs)

    monkeypatch.setattr(imports, "_upsert", fail_on_benchmarks)
    with pytest.raises(FileRefused, match="nothing was saved"):
        import_performance(data=small_ks2(**{"115853__PTRWM_EXP": "99%"}), filename=NAME, engine=engine)
    assert state() == before


@pytest.mark.parametrize("engine", ENGINES)
def test_another_las_file_of_the_year_adds_its_schools(db, engine):
    """On PostgreSQL a file none of whose keys are stored yet (a family's first file of a year, or
    another LA's file of it) is COPYed straight into the table; both paths store the same rows."""
    first = import_performance(data=small_ks2(), filename=NAME, engine=engine)
    assert first.created == 3 * 35
    other = ks2_file([ks2_school(125040, la="936", PTRWM_EXP="80%"), *benchmark_rows("936")])
    second = import_performance(data=other, filename="2018-2019_936_ks2final.csv", engine=engine)
    assert (second.created, second.updated, second.unchanged) == (35, 0, 0)
    assert Measure.objects.filter(year=2019).count() == 4 * 35
    before = state()
    again = import_performance(data=other, filename="2018-2019_936_ks2final.csv", engine=engine)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 35)
    assert state() == before
    changed = import_performance(data=small_ks2(**{"115853__PTRWM_EXP": "72%"}), filename=NAME, engine=engine)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 3 * 35 - 1)


def test_a_failure_after_the_direct_copy_leaves_nothing(db, monkeypatch):
    before = state()
    real = imports._copy_csv
    copied = []

    def fail_after_copy(cursor, sql, frame):
        real(cursor, sql, frame)
        if sql.startswith('COPY "evidence_measure" ('):
            copied.append(frame.height)
            raise DatabaseError("disk full")

    monkeypatch.setattr(imports, "_copy_csv", fail_after_copy)
    with pytest.raises(FileRefused, match="nothing was saved"):
        import_performance(data=small_ks2(), filename=NAME, engine="postgresql")
    assert copied == [3 * 35]
    assert state() == before


def test_measures_are_keyed_by_urn_year_measure_and_file_family(db):
    """The composite primary key works with the ORM calls other apps use on Measure."""
    key = {"urn": 125040, "year": 2019, "measure": "absence.overall_pct", "source_kind": "absence"}
    row, created = Measure.objects.update_or_create(**key, defaults={"value": Decimal("4.1"), "status": "ok",
                                                                     "source_file": "a.csv"})
    assert created and row.pk == (125040, 2019, "absence.overall_pct", "absence")
    row, created = Measure.objects.update_or_create(**key, defaults={"value": Decimal("4.2"), "status": "ok",
                                                                     "source_file": "b.csv"})
    assert not created and Measure.objects.get(pk=row.pk).value == Decimal("4.2")
    Measure.objects.bulk_create([Measure(**{**key, "year": 2018}, status="SUPP", source_file="c.csv")])
    assert list(Measure.objects.filter(urn=125040).values_list("year", "status")) == [(2018, "SUPP"), (2019, "ok")]
    with pytest.raises(IntegrityError), transaction.atomic():
        Measure.objects.create(**key, status="ok", source_file="d.csv")


# --- bad files: refused whole, with file, row and column -------------------------------------


def _bad(kind: str) -> tuple[bytes, str, str]:
    """(file bytes, file name, the words the refusal must carry)."""
    good = small_ks2().decode("utf-8")
    if kind == "other_years_layout":
        data = ks2_file([ks2_school(115851, PTRWM_EXP="63%")], year=2018)
        return data, NAME, f"{NAME}, row 1: the header is layout ks2_2018"
    if kind == "cut_off_in_quotes":
        return (good + '\r\n1,,850,2001,115999,"Cut off, School').encode("utf-8"), NAME, f"{NAME}, row"
    if kind == "renamed_column":
        return good.replace(",MATPROG,", ",MAT_PROG,", 1).encode("utf-8"), NAME, f"{NAME}, row 1, column 'MATPROG'"
    if kind == "not_a_code":
        return small_ks2(**{"115852__PTRWM_EXP": "n/a"}), NAME, f"{NAME}, row 3, column 'PTRWM_EXP'"
    if kind == "bad_last_row":
        rows = [ks2_school(115851, PTRWM_EXP="63%"), ks2_school(115852, PTRWM_EXP="6x3%")]
        return ks2_file(rows), NAME, f"{NAME}, row 3, column 'PTRWM_EXP'"
    if kind == "too_many_decimals":
        return small_ks2(**{"115851__READPROG": "-1.123456"}), NAME, f"{NAME}, row 2, column 'READPROG'"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["other_years_layout", "cut_off_in_quotes", "renamed_column", "not_a_code",
                                  "bad_last_row", "too_many_decimals"])
def test_a_bad_file_is_refused_with_row_and_column_and_changes_nothing(db, kind):
    import_performance(data=small_ks2(), filename=NAME)
    before = state()
    data, name, words = _bad(kind)
    with pytest.raises(FileRefused) as refused:
        import_performance(data=data, filename=name)
    assert words in str(refused.value)
    assert state() == before


@pytest.mark.parametrize("bom", [True, False])
def test_with_and_without_a_bom(db, bom):
    data = ks2_file([ks2_school(115851, PTRWM_EXP="63%")], bom=bom)
    assert import_performance(data=data, filename=NAME).created > 0
    assert Measure.objects.get(urn=115851, measure="ks2.rwm_expected_pct").value == Decimal("63")


def test_census_pool_rows_and_an_unknown_school_type(db):
    rows = [(100001, 850, "State-funded primary", 200, 20, 2.0, 10.5),
            (100002, 850, "Independent school", 300, "NA", 0, 5),
            (100003, 936, "State-funded secondary", 900, "NA", 1.5, 9)]
    data = census_file(rows) + b"\nNAT,,,State-funded primary,1,,,,,,,,,,,,,,,,,"
    result = import_performance(data=data, filename="england_census.csv")
    assert dict(result.summary())["Census pool schools (state-funded) created or updated"] == 2
    first = CensusPoolSchool.objects.get(urn=100001)
    assert (first.phase, first.pupils, first.fsm_pct, first.sen_pct) == ("Primary", 200.0, 10.0, 12.5)
    assert CensusPoolSchool.objects.get(urn=100003).fsm_pct is None
    assert Measure.objects.filter(urn=100002, measure="census.pupils").exists(), "independents keep their figures"
    before = state()
    with pytest.raises(FileRefused, match=r"england_census.csv, row 3, column 'SCHOOLTYPE'"):
        import_performance(data=census_file([rows[0], (100004, 850, "Floating school", 10, 1, 0, 0)]),
                           filename="england_census.csv")
    assert state() == before


# --- Ofsted MI ---------------------------------------------------------------------------------


def _mi(*rows: dict[str, str]) -> bytes:
    return mi_text(list(rows)).encode("utf-8")


def ungraded(urn: str, date: str, outcome: str, urn_at: str | None = None) -> dict[str, str]:
    return mi_row(urn, **{"Latest ungraded inspection number": f"U{urn}{date[-4:]}",
                          "Date of latest ungraded inspection": date,
                          "URN at time of the ungraded inspection": urn_at or urn,
                          "Ungraded inspection overall outcome": outcome})


@pytest.mark.parametrize("engine", ENGINES)
def test_ofsted_history_builds_up_and_reimport_changes_nothing(db, engine):
    import_ofsted_mi(data=_mi(ungraded("200001", "05/05/2021", "School remains Good")), filename="mi_2022.csv",
                     engine=engine)
    newer = _mi(ungraded("200001", "12/03/2025", "Standards maintained"),
                ungraded("200002", "14/12/2023", "School remains Outstanding", urn_at="100002"))
    result = import_ofsted_mi(data=newer, filename="mi_2026.csv", engine=engine)
    assert (result.created, result.updated) == (2, 0)
    assert list(Inspection.objects.filter(urn=200001).values_list("overall", flat=True)) == [
        "Standards maintained", "School remains Good"]
    tie = Inspection.objects.get(urn=200002)
    assert tie.urn_at_inspection == 100002 and tie.era == "ungraded"
    before = state()
    assert import_ofsted_mi(data=newer, filename="mi_2026.csv", engine=engine).unchanged == 2
    assert state() == before


def test_a_bad_ofsted_file_is_refused_whole(db):
    import_ofsted_mi(data=_mi(ungraded("200001", "05/05/2021", "School remains Good")), filename="mi.csv")
    before = state()
    bad = _mi(ungraded("200003", "01/02/2024", "Standards maintained"),
              ungraded("200004", "2024-02-01", "Standards maintained"))
    with pytest.raises(FileRefused, match=r"mi.csv, row 3, column 'Date of latest ungraded inspection'"):
        import_ofsted_mi(data=bad, filename="mi.csv")
    assert state() == before


# --- as people run them --------------------------------------------------------------------------


def test_both_kinds_are_offered_on_the_upload_page(world, client_as):
    labels = [k.label for k in importers.available()]
    assert "DfE performance tables (KS2, KS4, census, absence, destinations)" in labels
    assert "Ofsted management information" in labels
    page = client_as("data_officer").get(reverse("register:import_list")).content.decode()
    assert "Ofsted management information" in page


@pytest.mark.realdata
def test_provisional_ks4_upload_reports_the_absent_measures(world, client_as, shared_data, settings, tmp_path,
                                                           django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    client = client_as("data_officer")
    data = (shared_data / CENSUS_ABS / "england_ks4provisional.csv").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("register:import_list"), {
            "kind": "evidence.import_performance",
            "file": SimpleUploadedFile("england_ks4provisional.csv", data, content_type="text/csv")})
    assert response.status_code == 302
    job = Job.objects.latest("pk")
    assert job.status == Job.Status.SUCCEEDED, job.error
    summary = dict(job.result["summary"])
    assert summary["Measures absent from this file"].startswith("ks4.disadvantaged_pct, ks4.attainment8_disadvantaged")
    assert "ks4.progress8_english" in summary["Measures absent from this file"]
    assert summary["School values created"] == 60445
    assert Measure.objects.filter(source_kind="ks4_provisional", provisional=True).count() == 60445
    page = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    assert "Measures absent from this file" in page


def test_import_evidence_command_goes_on_after_a_refused_file(db, tmp_path, capsys):
    good = tmp_path / NAME
    good.write_bytes(small_ks2())
    bad = tmp_path / "2018-2019_936_ks2final.csv"
    bad.write_bytes(small_ks2(**{"115852__PTRWM_EXP": "n/a"}))
    mi = tmp_path / "ofsted_mi.csv"
    mi.write_bytes(_mi(ungraded("200001", "05/05/2021", "School remains Good")))
    with pytest.raises(CommandError, match="1 of 3 files refused"):
        call_command("import_evidence", str(bad), str(good), str(mi))
    out, err = capsys.readouterr()
    assert "row 3, column 'PTRWM_EXP'" in err
    assert "Ofsted management information" in out
    assert Measure.objects.filter(source_file=NAME).count() > 0 and Inspection.objects.count() == 1


@pytest.mark.slow
def test_sqlite_path_end_to_end(tmp_path):
    """The demo's database: a fresh SQLite file, the generic path, the command twice."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "school_improvement.config.settings.local",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}", "VAR_DIR": str(tmp_path)}
    data = tmp_path / NAME
    data.write_bytes(small_ks2())

    def manage(*args: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    manage("migrate", "--no-input", "-v0")
    first = manage("import_evidence", str(data))
    assert "School values created: 105" in first
    second = manage("import_evidence", str(data))
    assert "School values created: 0" in second and "School values unchanged: 105" in second
