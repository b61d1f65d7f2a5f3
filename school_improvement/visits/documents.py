"""An issued note of visit as a PDF (weasyprint) and an editable Word copy for the governing body."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string

from .models import FOCUS_AREAS, Verdict, Visit


def note_context(visit: Visit, findings: list[Any], actions: list[Any]) -> dict[str, Any]:
    return {"visit": visit, "findings": findings, "actions": actions, "council": visit.council,
            "focus": [FOCUS_AREAS.get(a, a) for a in visit.focus_areas]}


def note_pdf(visit: Visit, findings: list[Any], actions: list[Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("visits/note_print.html", note_context(visit, findings, actions))
    return HTML(string=html).write_pdf()


def note_docx(visit: Visit, findings: list[Any], actions: list[Any]) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph(visit.council.name)
    doc.add_heading(f"Note of visit: {visit.school.name}", level=1)
    facts = [
        ("School", f"{visit.school.name} (URN {visit.school.urn})"),
        ("Date of visit", f"{visit.visit_date or visit.planned_date:%d %B %Y}"),
        ("Adviser", str(visit.adviser) if visit.adviser else ""),
        ("Purpose", visit.get_purpose_display()),
        ("Funded as", visit.get_funding_display()),
        ("Focus areas", ", ".join(FOCUS_AREAS.get(a, a) for a in visit.focus_areas) or "None recorded"),
        ("Issued", f"{visit.issued_at:%d %B %Y}" if visit.issued_at else "Not yet issued"),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    if visit.evidence_seen:
        doc.add_heading("Evidence seen", level=2)
        doc.add_paragraph(visit.evidence_seen)
    if visit.summary:
        doc.add_heading("Summary", level=2)
        doc.add_paragraph(visit.summary)
    doc.add_heading("Findings", level=2)
    for f in findings:
        title = f"{f.number}. {f.area_label}" if f.area_label else f"{f.number}."
        doc.add_heading(title, level=3)
        doc.add_paragraph(f.text)
        if f.head_verdict:
            doc.add_paragraph(f"The school marked this point {f.get_head_verdict_display().lower()}."
                              + (f" The school's response: {f.head_response}" if f.head_response else ""))
        if f.head_verdict == Verdict.INACCURATE and f.adviser_answer:
            doc.add_paragraph(f"The adviser's answer: {f.adviser_answer}"
                              + (" The point was amended." if f.amended else " The point stands."))
    if visit.head_comment:
        doc.add_heading("The headteacher's comment", level=2)
        doc.add_paragraph(visit.head_comment)
    if actions:
        doc.add_heading("Agreed actions", level=2)
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        head = table.rows[0].cells
        head[0].text, head[1].text, head[2].text = "Action", "Owner", "Due by"
        for a in actions:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = a.text, a.owner
            cells[2].text = f"{a.due:%d %B %Y}" if a.due else ""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
