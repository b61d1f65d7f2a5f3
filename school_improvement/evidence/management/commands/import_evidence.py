"""``manage.py import_evidence FILE...``: import evidence files in order.

Performance-table CSV files, Ofsted MI, the performance-tables spine (xlsx) and LAIT's
``la_code_list.xlsx`` (LA regions). Each file is recognised from its header (a DfE layout, the
Ofsted MI layout, the spine layout or the "LA Number" and "Region" columns) and imported
in its own transaction; a refused file is reported with its row and column, changes nothing,
and the command goes on to the next file, failing at the end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from engines.errors import FileRefused
from school_improvement.evidence.imports import FILE_KINDS, detect_kind, file_kind


class Command(BaseCommand):
    help = ("Import DfE performance-table files (KS2, KS4, census, absence, destinations), the spine, "
            "Ofsted MI and LAIT's LA regions.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, help="files as published")
        parser.add_argument("--kind", choices=[kind.name for kind in FILE_KINDS],
                            help="what the files are (recognised from the header when left out)")
        parser.add_argument("--year", type=int, help="tables year (2019 for 2018-19), to confirm a file's year")

    def handle(self, *args: Any, **options: Any) -> None:
        refused = []
        for path in options["files"]:
            if not path.is_file():
                refused.append(f"{path}: no such file")
                self.stderr.write(refused[-1])
                continue
            data = path.read_bytes()
            try:
                kind = file_kind(options["kind"] or detect_kind(data, path.name))
                extra = {"year": options["year"]} if options["year"] and kind.name == "performance" else {}
                result = kind.service(data=data, filename=path.name, **extra)
            except FileRefused as exc:
                refused.append(str(exc))
                self.stderr.write(f"Refused, nothing saved: {exc}")
                continue
            self.stdout.write(f"{path.name} ({kind.label})")
            for label, value in result.summary():
                shown = f"{value:,}" if isinstance(value, int) else str(value)
                self.stdout.write(f"  {label}: {shown}")
            for note in result.notes:
                self.stdout.write(f"  - {note}")
        if refused:
            raise CommandError(f"{len(refused)} of {len(options['files'])} files refused")
