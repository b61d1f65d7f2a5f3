"""Bench: a national-size KS2 file (16,000 schools, 2018-19 layout) imported into PostgreSQL.

Each measured step runs in its own child process (its own peak memory, the same start-up). The
reference, measured in the same run on the same file, is the least any importer must do: polars
reads the file, turns the measure columns into long rows (school, column, value) and COPYs them
into an UNLOGGED scratch table. Target: the first import at most 3x the reference.

Then the school page: its query count with 1 and with 10 years of a school's results (must be
equal), through the Django test client against the same database.

``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/school_improvement_bench``) names
the bench database; it is created and migrated if needed, and its evidence tables are emptied.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.register_import import (
    REPO,
    _ensure_database,
    _environment,
    _peak_mb,
    _setup_django,
    _Stages,
)

NATIONAL_SCHOOLS = 16_000
TARGET_RATIO = 3.0
FILE_NAME = "2018-2019_england_ks2final.csv"


def _child_reference(path: Path) -> dict[str, Any]:
    """polars reads the file and unpivots the measure columns; COPY into an UNLOGGED table."""
    import polars as pl
    from django.db import connection

    from engines.perf.mapping import get_layout

    columns = [c for m in get_layout("ks2_2019").measures for c in m.columns]
    start = time.perf_counter()
    frame = pl.read_csv(path, infer_schema=False, truncate_ragged_lines=True)
    long = frame.unpivot(on=columns, index=["RECTYPE", "LEA", "URN"], variable_name="column", value_name="value")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_evidence_scratch")
        cursor.execute("CREATE UNLOGGED TABLE bench_evidence_scratch "
                       "(rectype text, lea text, urn text, column_name text, value text)")
        buffer = io.BytesIO()
        long.write_csv(buffer, include_header=False)
        with cursor.cursor.copy("COPY bench_evidence_scratch FROM STDIN (FORMAT csv)") as copy:
            copy.write(buffer.getbuffer())
        cursor.execute("SELECT count(*) FROM bench_evidence_scratch")
        rows = cursor.fetchone()[0]
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_evidence_scratch")
    return {"seconds": seconds, "rows": rows, "peak_mb": _peak_mb()}


def _child_import(path: Path) -> dict[str, Any]:
    from school_improvement.evidence.imports import import_performance

    stages = _Stages()
    result = import_performance(data=path, filename=path.name, progress=stages)
    return {"seconds": time.perf_counter() - stages.start, "rows": result.created + result.updated + result.unchanged,
            "counts": result.counts(), "stages": stages.marks, "peak_mb": _peak_mb()}


def _child_pages(path: Path) -> dict[str, Any]:
    """Query counts of one school's page with 1 and with 10 years of its results."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from school_improvement.accounts.roles import Role
    from school_improvement.core.models import Council
    from school_improvement.evidence.models import Benchmark, Measure
    from school_improvement.register.models import Establishment, LocalAuthority
    from school_improvement.testing.world import make_user, verified_login

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    urn = Measure.objects.filter(measure="ks2.rwm_expected_pct", status="ok").order_by("urn").values_list(
        "urn", flat=True).first()
    la_code = Benchmark.objects.filter(kind="la").order_by("la_code").values_list("la_code", flat=True).first()
    la, _ = LocalAuthority.objects.get_or_create(code=la_code, defaults={"name": f"LA {la_code}"})
    council, _ = Council.objects.get_or_create(slug="bench-council", defaults={"name": "Bench council"})
    council.local_authorities.add(la)
    Establishment.objects.update_or_create(urn=urn, defaults={"name": "Bench Primary School", "la": la,
                                                              "phase": "Primary", "status": "Open"})
    user = make_user(council, f"bench_adviser_{int(time.time())}", Role.ADVISER)
    client = Client()
    verified_login(client, user)
    url = f"/register/schools/{urn}/"

    def count() -> tuple[int, float]:
        client.get(url)  # warm: session and caches
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        return len(queries.captured_queries), time.perf_counter() - start

    one, one_seconds = count()
    # Nine earlier years: copies of the school's 2019 values and of the benchmarks.
    with connection.cursor() as cursor:
        for offset in range(1, 10):
            cursor.execute(
                "INSERT INTO evidence_measure (urn, year, measure, source_kind, value, lower, upper, status,"
                " provisional, source_file) SELECT urn, year - %s, measure, source_kind, value, lower, upper,"
                " status, provisional, source_file FROM evidence_measure WHERE urn = %s AND year = 2019"
                " ON CONFLICT DO NOTHING", [offset, urn])
            cursor.execute(
                "INSERT INTO evidence_benchmark (kind, la_code, year, measure, source_kind, value, lower, upper,"
                " status, provisional, source_file) SELECT kind, la_code, year - %s, measure, source_kind, value,"
                " lower, upper, status, provisional, source_file FROM evidence_benchmark WHERE year = 2019"
                " ON CONFLICT DO NOTHING", [offset])
    ten, ten_seconds = count()
    years = Measure.objects.filter(urn=urn).values("year").distinct().count()
    return {"urn": urn, "one": one, "ten": ten, "years": years, "one_seconds": one_seconds,
            "ten_seconds": ten_seconds}


def _run_child(step: str, path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.evidence_ks2", "--child", step, str(path)],
        cwd=REPO, env=_environment(), capture_output=True, text=True, timeout=1800,
    )
    if done.returncode != 0:
        raise SystemExit(f"bench step {step} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _empty_evidence() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE evidence_measure, evidence_benchmark, evidence_inspection, "
                       "evidence_censuspoolschool, evidence_spineestablishment, evidence_laregion")


def main(rows: int | None = None, schools: int = NATIONAL_SCHOOLS) -> bool:
    """Run the bench, print a table; True when the targets are met. (``rows`` is the register's.)"""
    url = _environment()["DATABASE_URL"]
    print(f"database: {urlsplit(url)._replace(netloc=urlsplit(url).hostname or '').geturl()}")
    _ensure_database(url)
    _setup_django()
    from django.core.management import call_command

    from engines.synthetic.ks2 import write_ks2

    call_command("migrate", verbosity=0, interactive=False)
    _empty_evidence()
    with tempfile.TemporaryDirectory(prefix="bench-evidence-") as tmp:
        start = time.perf_counter()
        path = write_ks2(Path(tmp) / FILE_NAME, year="2018-2019", n_schools=schools, seed=0)
        print(f"generated a KS2 2018-19 file for {schools:,} mainstream schools (plus special), "
              f"{path.stat().st_size / 1e6:.1f} MB ({time.perf_counter() - start:.1f} s, not measured)", flush=True)
        reference = _run_child("reference", path)
        steps = [
            ("import into empty tables", _run_child("import", path)),
            ("re-import, nothing changed", _run_child("import", path)),
        ]
        pages = _run_child("pages", path)
    print()
    header = f"{'step':<30} {'seconds':>8} {'rows/s':>10} {'x ref':>6} {'peak MB':>8}  counts"
    print(header)
    print("-" * len(header))
    print(f"{'reference: polars + COPY':<30} {reference['seconds']:>8.2f} "
          f"{reference['rows'] / reference['seconds']:>10,.0f} {1:>6.2f} {reference['peak_mb']:>8.0f}  "
          f"{reference['rows']:,} long rows")
    for label, step in steps:
        c = step["counts"]
        print(f"{label:<30} {step['seconds']:>8.2f} {step['rows'] / step['seconds']:>10,.0f} "
              f"{step['seconds'] / reference['seconds']:>6.2f} {step['peak_mb']:>8.0f}  "
              f"created {c['created']:,}, updated {c['updated']:,}, unchanged {c['unchanged']:,}")
    print()
    for label, step in steps:
        marks = step["stages"] + [("done", step["seconds"])]
        split = ", ".join(f"{name.lower()} {marks[i + 1][1] - t:.2f}s" for i, (name, t) in enumerate(marks[:-1]))
        print(f"{label}: {split}")
    ratio = steps[0][1]["seconds"] / reference["seconds"]
    print(f"\nschool page (URN {pages['urn']}): {pages['one']} queries with 1 year "
          f"({pages['one_seconds'] * 1000:.0f} ms), {pages['ten']} with {pages['years']} years "
          f"({pages['ten_seconds'] * 1000:.0f} ms)")
    ok = ratio <= TARGET_RATIO and pages["one"] == pages["ten"] and pages["years"] == 10
    print(f"target: first import at most {TARGET_RATIO:g}x the reference (got {ratio:.2f}x), the same number "
          f"of queries with 1 and 10 years (got {pages['one']} and {pages['ten']}): {'met' if ok else 'MISSED'}")
    return ok


def _child_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", choices=["reference", "import", "pages"], required=True)
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    _setup_django()
    run = {"reference": _child_reference, "import": _child_import, "pages": _child_pages}[args.child]
    print(json.dumps(run(args.file)))


if __name__ == "__main__":
    if "--child" in sys.argv:
        _child_main(sys.argv[1:])
    else:
        sys.exit(0 if main() else 1)
