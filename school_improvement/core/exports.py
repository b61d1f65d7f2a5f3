"""CSV and XLSX exports of lists, with spreadsheet formulas neutralised and the export audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import xlsxwriter
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from engines.safe_export import neutralise_cell

from . import audit

Column = tuple[str, Callable[[Any], Any]]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cells(row: Any, columns: Sequence[Column]) -> list[Any]:
    values = []
    for _, getter in columns:
        value = getter(row)
        if value is None:
            value = ""
        elif not isinstance(value, int | float | str):
            value = str(value)
        values.append(neutralise_cell(value))
    return values


def export_response(
    request: HttpRequest,
    *,
    rows: Iterable[Any],
    columns: Sequence[Column],
    filename: str,
    fmt: str,
    audit_label: str,
) -> HttpResponseBase:
    """Stream a CSV, or build an XLSX, of ``rows``; record the export in the audit log."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    audit.record(actor=request.user, action=audit.Action.EXPORT, object_type="export",
                 object_repr=audit_label, detail=f"{fmt} export: {request.get_full_path()}")
    headers = [label for label, _ in columns]
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def stream() -> Iterable[str]:
            yield "\ufeff"  # a BOM so Excel reads UTF-8
            yield writer.writerow(headers)
            for row in rows:
                yield writer.writerow(_cells(row, columns))

        streamed = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        streamed["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
        return streamed
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
    sheet = workbook.add_worksheet(filename[:31])
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, headers, bold)
    for index, row in enumerate(rows, start=1):
        for col, value in enumerate(_cells(row, columns)):
            if isinstance(value, str):
                sheet.write_string(index, col, value)
            else:
                sheet.write(index, col, value)
    sheet.freeze_panes(1, 0)
    workbook.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    return response


DOCUMENT_TYPES = {"pdf": "application/pdf",
                  "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def document_response(content: bytes, fmt: str, name: str, *, inline: bool = False) -> HttpResponse:
    """A generated letter or report (``fmt`` "pdf" or "docx") as ``name.fmt``; ``inline`` opens a
    PDF in the browser instead of downloading it."""
    response = HttpResponse(content, content_type=DOCUMENT_TYPES[fmt])
    disposition = "inline" if inline and fmt == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}.{fmt}"'
    return response
