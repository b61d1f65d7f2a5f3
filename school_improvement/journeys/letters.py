"""Documents a journey produces, as PDF (weasyprint) and Word (python-docx) from one structure:
the statement of action (for the governing body), the exit report, and the letters and notices of
the escalation ladder, written from the council's own templates.

A council edits a template's wording; ``$placeholders`` are filled with plain text (never code:
``string.Template`` substitutes values and nothing else), and HTML is escaped when the PDF is drawn.
"""

from __future__ import annotations

import io
import string
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from . import ladder, selectors
from .models import EscalationStep, Journey, LetterTemplate

PLACEHOLDERS = {
    "school_name", "urn", "council_name", "date", "reason", "grounds", "grounds_detail", "compliance_by",
    "required_actions", "step", "authority", "headteacher", "signed_by",
}

_SIGN = "Yours faithfully,\n\n$signed_by\nOn behalf of $council_name"

DEFAULT_TEMPLATES: dict[str, tuple[str, str]] = {
    "letter_of_concern": ("Letter of concern: $school_name", (
        "To the chair of governors and the headteacher of $school_name (URN $urn).\n\n"
        "$council_name is concerned about the school. $reason\n\n"
        "We ask the governing body to work with the school improvement service on the improvement journey "
        "already agreed, and to tell us within four weeks what it will do. If the school does not improve, "
        "the council may consider giving a warning notice under section 60 of the Education and Inspections "
        "Act 2006.\n\n" + _SIGN)),
    "warning_notice": ("Warning notice under section 60 of the Education and Inspections Act 2006: $school_name", (
        "To the governing body of $school_name (URN $urn).\n\n"
        "$council_name gives this warning notice under section 60 of the Education and Inspections Act 2006. "
        "The council is satisfied that:\n\n$grounds\n\n"
        "The concerns that lead the council to this view:\n\n$grounds_detail\n\n"
        "The governing body must take the following action:\n\n$required_actions\n\n"
        "The compliance period ends on $compliance_by. If the governing body fails to comply with this notice, "
        "or to secure compliance, to the council's satisfaction by then, the school will be eligible for "
        "intervention, and the council may exercise its powers under sections 63 to 66 of the Act (which "
        "include appointing additional governors, replacing the governing body with an interim executive "
        "board and suspending the school's right to a delegated budget).\n\n"
        "A copy of this notice is sent to the headteacher and, where relevant, to the appropriate diocesan "
        "authority or the person who appoints foundation governors.\n\n" + _SIGN)),
    "eligible": ("Notice that $school_name is eligible for intervention", (
        "To the governing body of $school_name (URN $urn).\n\n"
        "$council_name gives notice that the school is eligible for intervention under Part 4 of the "
        "Education and Inspections Act 2006. $reason\n\n"
        "The council intends to consider the use of its intervention powers and will write again before "
        "exercising any of them.\n\n" + _SIGN)),
    "additional_governors": ("Appointment of additional governors: $school_name", (
        "To the governing body of $school_name (URN $urn).\n\n"
        "The school is eligible for intervention. Under section 64 of the Education and Inspections Act 2006, "
        "$council_name will appoint additional governors. $reason\n\n" + _SIGN)),
    "interim_executive_board": ("Interim executive board: $school_name", (
        "To the governing body of $school_name (URN $urn).\n\n"
        "The school is eligible for intervention. $council_name proposes, under section 65 of and Schedule 6 "
        "to the Education and Inspections Act 2006, that the governing body be replaced by an interim "
        "executive board. $reason\n\n" + _SIGN)),
    "budget_suspension": ("Suspension of the delegated budget: $school_name", (
        "To the governing body of $school_name (URN $urn).\n\n"
        "The school is eligible for intervention. Under section 66 of the Education and Inspections Act 2006, "
        "$council_name suspends the governing body's right to a delegated budget. $reason\n\n" + _SIGN)),
    "academy_order_referral": ("Referral to the Department for Education: $school_name", (
        "To the Department for Education, regions group.\n\n"
        "$council_name refers $school_name (URN $urn), which is eligible for intervention, for the Secretary "
        "of State to consider an academy order under section 4 of the Academies Act 2010. $reason\n\n"
        "The council's evidence and the history of its intervention are attached.\n\n" + _SIGN)),
}


def check_template(body: str) -> None:
    """Refuse a template with a placeholder the product does not fill (a typo would print as is)."""
    names: set[str] = set()
    for match in string.Template.pattern.finditer(body):
        if match.group("invalid") is not None:
            raise ValidationError({"body": "A $ sign must start a placeholder (write $$ for a dollar sign)."})
        name = match.group("named") or match.group("braced")
        if name:
            names.add(name)
    unknown = sorted(names - PLACEHOLDERS)
    if unknown:
        raise ValidationError({"body": f"Unknown placeholders: {', '.join('$' + n for n in unknown)}."})


def template_for(council_id: int, kind: str) -> tuple[str, str]:
    row = LetterTemplate.objects.filter(council_id=council_id, kind=kind).first()
    return (row.title, row.body) if row else DEFAULT_TEMPLATES[kind]


def templates_for(council_id: int) -> list[dict[str, Any]]:
    own = {t.kind: t for t in LetterTemplate.objects.filter(council_id=council_id).select_related("updated_by")}
    out = []
    for kind, (title, body) in DEFAULT_TEMPLATES.items():
        row = own.get(kind)
        out.append({"kind": kind, "label": ladder.RUNGS[kind].label, "title": row.title if row else title,
                    "body": row.body if row else body, "custom": row is not None, "row": row})
    return out


# --- one structure, two formats -----------------------------------------------------------------------


@dataclass
class Block:
    heading: str = ""
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)  # first row is the header


@dataclass
class Document:
    title: str
    council: str
    meta: list[tuple[str, str]] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    draft: str = ""  # a note printed at the top while the document is not final


def to_pdf(doc: Document) -> bytes:
    from weasyprint import HTML

    html = render_to_string("journeys/document.html", {"doc": doc})
    return HTML(string=html).write_pdf()


def to_docx(doc: Document) -> bytes:
    from docx import Document as Word

    word = Word()
    word.add_paragraph(doc.council)
    word.add_heading(doc.title, level=1)
    if doc.draft:
        word.add_paragraph(doc.draft)
    for label, value in doc.meta:
        word.add_paragraph(f"{label}: {value}")
    for block in doc.blocks:
        if block.heading:
            word.add_heading(block.heading, level=2)
        for text in block.paragraphs:
            word.add_paragraph(text)
        for text in block.bullets:
            word.add_paragraph(text, style="List Bullet")
        if block.table:
            table = word.add_table(rows=0, cols=len(block.table[0]))
            table.style = "Table Grid"
            for row in block.table:
                cells = table.add_row().cells
                for i, value in enumerate(row):
                    cells[i].text = value
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


# --- the statement of action and the exit report -----------------------------------------------------------


def _date(value: Any) -> str:
    return f"{value:%d %B %Y}" if value else "not set"


def statement_document(journey: Journey) -> Document:
    s = selectors.statement(journey)
    meta = [("School", f"{journey.school.name} (URN {journey.school_id})"), ("Owner", str(journey.owner)),
            ("Opened", _date(journey.opened_at)), ("Stage", journey.stage_label),
            ("Reviews", f"every {journey.review_every_weeks} weeks from {_date(journey.first_review_on)}"
             if journey.review_every_weeks else "not set"),
            ("Clock", f"{journey.clock_months} months" + (f", decision due {_date(journey.decision_due)}"
                                                          if journey.decision_due else ""))]
    if journey.ratified_at:
        by = "the improvement board" if journey.ratified_as == "board" else f"{journey.ratified_by}, head of service"
        meta.append(("Ratified", f"{_date(journey.ratified_at)} by {by}"))
    blocks = [
        Block("Why the school is on an improvement journey", [journey.opened_reason]),
        Block("Diagnosis", [journey.diagnosis_summary] if journey.diagnosis_summary else []),
        Block("Priorities", bullets=[f"{p.get_area_display()}: {p.description}" for p in s.priorities]),
        Block("Objectives and success criteria", table=[["Objective", "Success criteria", "Checked against data"]] + [
            [row.item.title, row.item.success_criteria, row.check.text or "Judged at review"]
            for row in s.objectives]),
        Block("Milestones", table=[["Milestone", "Due", "Reached"]] + [
            [m.title, _date(m.due_on), _date(m.done_on) if m.done_on else ""] for m in s.milestones]),
        Block("Support package", bullets=[
            f"{link.assignment.provider}: {link.assignment.purpose} ({link.assignment.days:g} days; "
            f"{link.get_intensity_display().lower()})" for link in s.support]),
        Block("Needs raised with brokerage", table=[["Need", "Days", "Agreed", "Provider", "Status"]] + [
            [f"{n.get_area_display()} ({n.get_priority_display().lower()} priority)", str(n.days), str(n.agreed),
             ", ".join(m.provider.name for m in n.holding if m.status == "agreed"), n.get_status_display()]
            for n in s.needs]),
        Block("Exit criteria, agreed up front", bullets=[
            row.item.text + (f" ({row.check.text})" if row.check.text else "") for row in s.exit_criteria]),
    ]
    blocks = [b for b in blocks if b.paragraphs or b.bullets or len(b.table) > 1]
    return Document(title=f"Statement of action: {journey.school.name}", council=journey.council.name, meta=meta,
                    blocks=blocks,
                    draft="" if journey.ratified_at else "Draft: not yet ratified.")


def exit_report_document(journey: Journey) -> Document:
    report = journey.exit_report or {}
    meta = [("School", f"{journey.school.name} (URN {journey.school_id})"), ("Opened", _date(journey.opened_at)),
            ("Exited", _date(journey.closed_at)),
            ("Category on exit", report.get("category_on_exit") or "the policy's lowest-support category")]
    blocks = [
        Block("Summary", [report.get("summary", "")]),
        Block("Exit criteria", table=[["Criterion", "Met", "Evidence"]] + [
            [c["text"], {True: "Met", False: "Not met"}.get(c["met"], "Not assessed"),
             c.get("check") or c.get("judged_note") or ""] for c in report.get("criteria", [])]),
        Block("Objectives at the last review", table=[["Objective", "Latest RAG", "Data"]] + [
            [o["title"], (o.get("latest_rag") or "not rated").title(), o.get("check") or ""]
            for o in report.get("objectives", [])]),
        Block("Support brokered", table=[["Need", "Days", "Agreed", "Provider"]] + [
            [n["area"], str(n["days"]), str(n["agreed"]), ", ".join(n.get("providers") or [])]
            for n in report.get("needs", [])]),
        Block("The journey", [f"{report.get('reviews', 0)} progress reviews and {report.get('meetings', 0)} "
                              "improvement board meetings were held."]),
    ]
    return Document(title=f"Exit report: {journey.school.name}", council=journey.council.name, meta=meta,
                    blocks=[b for b in blocks if b.paragraphs or len(b.table) > 1])


# --- letters and notices ---------------------------------------------------------------------------------


def _headteacher(journey: Journey) -> str:
    return journey.school.head_name or "The headteacher"


def step_values(step: EscalationStep) -> dict[str, str]:
    journey = step.journey
    signer = step.approved_by or step.proposed_by
    return {
        "school_name": journey.school.name, "urn": str(journey.school_id), "council_name": journey.council.name,
        "date": _date(step.issued_on or timezone.localdate()), "reason": step.reason,
        "grounds": "\n".join(f"({chr(97 + i)}) {ladder.GROUNDS[g]}" for i, g in enumerate(step.grounds)
                             if g in ladder.GROUNDS),
        "grounds_detail": step.grounds_detail, "compliance_by": _date(step.compliance_by),
        "required_actions": step.required_actions, "step": step.get_kind_display(),
        "authority": step.rung.authority, "headteacher": _headteacher(journey),
        "signed_by": f"{signer}" if signer else "Head of school improvement",
    }


def step_document(step: EscalationStep) -> Document:
    title_t, body_t = template_for(step.journey.council_id, step.kind)
    values = step_values(step)
    title = string.Template(title_t).safe_substitute(values)
    body = string.Template(body_t).safe_substitute(values)
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    meta = [("Date", values["date"]), ("School", f"{values['school_name']} (URN {values['urn']})"),
            ("Power", values["authority"])]
    if step.kind == "warning_notice":
        meta.append(("Compliance period ends", values["compliance_by"]))
    return Document(title=title, council=step.journey.council.name, meta=meta, blocks=[Block("", paragraphs)],
                    draft="" if step.state in ladder.DONE_STATES else "Draft: not yet issued.")
