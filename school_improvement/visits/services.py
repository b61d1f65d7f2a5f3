"""Writes for adviser time and visits. Each service validates, runs in a transaction, records the
change in the audit log and returns the object. Who may call them is checked by the callers
through ``selectors`` (``can_write``, ``can_respond``...)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from school_improvement.core import audit
from school_improvement.register.models import Establishment, PortfolioAssignment

from .entitlements import council_settings, entitlements_for
from .models import (
    FOCUS_AREAS,
    TRANSITIONS,
    ActionStatus,
    AdviserCapacity,
    AgreedAction,
    CaseConference,
    CouncilVisitSettings,
    Finding,
    Funding,
    Purpose,
    Verdict,
    Visit,
    VisitEvent,
    VisitState,
    academic_year,
    term_of,
)
from .note_templates import template_for

#: School types a council's improvement service supports (GIAS type groups).
SUPPORTED_TYPE_GROUPS = ("Local authority maintained schools", "Academies", "Free Schools", "Special schools")


def _person(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _move(visit: Visit, action: str, actor: Any, note: str = "") -> VisitEvent:
    """Apply one transition of the declared state machine, recording who and why."""
    allowed, after = TRANSITIONS[action]
    if visit.state not in allowed:
        raise ValidationError(f"A visit that is '{visit.get_state_display().lower()}' cannot be {action}ed.")
    before = visit.state
    visit.state = after
    return VisitEvent.objects.create(visit=visit, actor=_person(actor), action=action, from_state=before,
                                     to_state=after, note=note)


def _locked(visit: Visit) -> Visit:
    return Visit.objects.select_for_update().get(pk=visit.pk)


# --- capacity and settings --------------------------------------------------------------------


def capacity_set(*, actor: Any, council: Any, adviser: Any, year: int, autumn_days: Decimal, spring_days: Decimal,
                 summer_days: Decimal, note: str = "") -> AdviserCapacity:
    """Set the days an adviser can give in each term of a school year."""
    for name, value in (("autumn_days", autumn_days), ("spring_days", spring_days), ("summer_days", summer_days)):
        if value is None or value < 0 or value > 100:
            raise ValidationError({name: "Enter days between 0 and 100."})
    if adviser.council_id != getattr(council, "pk", council):
        raise ValidationError("The adviser is not in this council.")
    with transaction.atomic():
        row = AdviserCapacity.objects.filter(council=council, adviser=adviser, year=year).first()
        before = audit.snapshot(row) if row else None
        if row is None:
            row = AdviserCapacity(council=council, adviser=adviser, year=year)
        row.autumn_days, row.spring_days, row.summer_days, row.note = autumn_days, spring_days, summer_days, note
        row.save()
        audit.record(actor=actor, action=audit.Action.UPDATE if before else audit.Action.CREATE, obj=row,
                     before=before, after=audit.snapshot(row))
    return row


def settings_update(*, actor: Any, council: Any, default_adviser_days: Decimal, default_visits_per_year: Decimal,
                    accuracy_window_days: int, note_due_days: int) -> CouncilVisitSettings:
    row = council_settings(council)
    with transaction.atomic():
        before = audit.snapshot(row)
        row.default_adviser_days, row.default_visits_per_year = default_adviser_days, default_visits_per_year
        row.accuracy_window_days, row.note_due_days = accuracy_window_days, note_due_days
        row.full_clean()
        row.save()
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=row, before=before, after=audit.snapshot(row))
    return row


# --- the schedule -----------------------------------------------------------------------------


def supported_schools(council: Any) -> Any:
    """The council's open schools its improvement service works with (not independent schools)."""
    return (Establishment.objects.in_council(council).open()
            .filter(type_group__in=SUPPORTED_TYPE_GROUPS))


def link_advisers(council: Any, school_ids: Sequence[int], on: dt.date | None = None) -> dict[int, Any]:
    """Each school's link adviser in force (the first, if a council has recorded two)."""
    day = on or timezone.localdate()
    rows = (PortfolioAssignment.objects.for_council(council)
            .filter(establishment_id__in=school_ids, is_link_adviser=True)
            .exclude(ends__lt=day).exclude(starts__gt=day).select_related("adviser").order_by("establishment_id", "id"))
    out: dict[int, Any] = {}
    for row in rows:
        out.setdefault(row.establishment_id, row.adviser)
    return out


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """The visiting part of a school year: the second week of September to mid-July."""
    return dt.date(year, 9, 8), dt.date(year + 1, 7, 15)


def _school_day(day: dt.date) -> dt.date:
    """Off the Christmas holiday and the weekend."""
    if (day.month == 12 and day.day >= 19) or (day.month == 1 and day.day <= 5):
        day = dt.date(day.year + (1 if day.month == 12 else 0), 1, 6)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def spread_dates(start: dt.date, end: dt.date, count: int) -> list[dt.date]:
    """``count`` dates spread evenly between ``start`` and ``end``, each in the middle of its slot."""
    if count <= 0 or end < start:
        return []
    span = (end - start).days
    return [_school_day(start + dt.timedelta(days=int((i + 0.5) * span / count))) for i in range(count)]


def visit_days(adviser_days: Decimal, visits: int) -> Decimal:
    """The days each of ``visits`` visits takes, in half days, at least half a day."""
    if visits <= 0:
        return Decimal("0")
    halves = (Decimal(adviser_days) * 2 / visits).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return max(Decimal("0.5"), halves / 2)


@dataclass
class ScheduleResult:
    year: int
    created: int = 0
    schools: int = 0
    without_adviser: list[str] = field(default_factory=list)


def schedule_generate(*, actor: Any, council: Any, year: int, school_ids: Sequence[int] | None = None,
                      today: dt.date | None = None) -> ScheduleResult:
    """Plan each school's core visits for a school year from its cadence (visits a year) and
    entitlement (days a year), assigned to its link adviser. Running it again adds only the
    visits still missing; visits already planned, held or cancelled by hand are left alone."""
    today = today or timezone.localdate()
    schools = supported_schools(council)
    if school_ids is not None:
        schools = schools.filter(pk__in=school_ids)
    schools = list(schools.order_by("name"))
    ids = [s.pk for s in schools]
    entitlement = entitlements_for(council, ids)
    advisers = link_advisers(council, ids, today)
    existing: dict[int, int] = {}
    for school_id in (Visit.objects.for_council(council).filter(school_id__in=ids, year=year, funding=Funding.CORE)
                      .exclude(state=VisitState.CANCELLED).values_list("school_id", flat=True)):
        existing[school_id] = existing.get(school_id, 0) + 1
    start, end = year_bounds(year)
    if start <= today <= end:
        start = today + dt.timedelta(days=7)
    result = ScheduleResult(year=year)
    with transaction.atomic():
        new: list[Visit] = []
        for school in schools:
            ent = entitlement[school.pk]
            wanted = int(Decimal(ent.visits_per_year).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
            missing = wanted - existing.get(school.pk, 0)
            if missing <= 0:
                continue
            adviser = advisers.get(school.pk)
            if adviser is None:
                result.without_adviser.append(school.name)
            days = visit_days(ent.adviser_days, wanted)
            for index, day in enumerate(spread_dates(start, end, missing)):
                purpose = Purpose.MONITORING if ent.priority and index % 2 else Purpose.TERMLY_REVIEW
                new.append(Visit(
                    council_id=getattr(council, "pk", council), school=school, adviser=adviser, purpose=purpose,
                    funding=Funding.CORE, planned_date=day, days=days, year=year, term=term_of(day),
                    from_schedule=True, focus_areas=list(template_for(purpose).focus_areas)))
            result.schools += 1
        Visit.objects.bulk_create(new)
        result.created = len(new)
        audit.record(actor=actor, action=audit.Action.CREATE, council=council, object_type="visits.visit",
                     object_repr=f"visit schedule {year}",
                     detail=f"schedule generated for {year}: {result.created} visits at {result.schools} schools")
    return result


# --- visits and their notes -------------------------------------------------------------------


def visit_plan(*, actor: Any, council: Any, school: Establishment, planned_date: dt.date, purpose: str,
               funding: str = Funding.CORE, days: Decimal = Decimal("1"), adviser: Any = None) -> Visit:
    """Plan one visit (outside the schedule, or a traded one)."""
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": "Choose a purpose."})
    if funding not in Funding.values:
        raise ValidationError({"funding": "Choose core or traded."})
    if days is None or days <= 0 or days > 10:
        raise ValidationError({"days": "Enter the days the visit takes, between 0.5 and 10."})
    if adviser is not None and adviser.council_id != getattr(council, "pk", council):
        raise ValidationError({"adviser": "Choose an adviser of this council."})
    with transaction.atomic():
        visit = Visit.objects.create(
            council=council, school=school, adviser=adviser, purpose=purpose, funding=funding,
            planned_date=planned_date, days=days, year=academic_year(planned_date), term=term_of(planned_date),
            focus_areas=list(template_for(purpose).focus_areas))
        VisitEvent.objects.create(visit=visit, actor=_person(actor), action="plan", from_state="",
                                  to_state=visit.state)
        audit.record(actor=actor, action=audit.Action.CREATE, obj=visit, after=audit.snapshot(visit))
    return visit


def visit_reassign(*, actor: Any, visit: Visit, adviser: Any, planned_date: dt.date | None = None) -> Visit:
    """Give a planned visit to another adviser, or move its date."""
    if visit.state not in (VisitState.PLANNED, VisitState.DRAFT):
        raise ValidationError("Only a visit not yet sent to the school can be reassigned.")
    if adviser is not None and adviser.council_id != visit.council_id:
        raise ValidationError({"adviser": "Choose an adviser of this council."})
    with transaction.atomic():
        before = audit.snapshot(visit)
        visit.adviser = adviser
        if planned_date:
            visit.planned_date, visit.year, visit.term = planned_date, academic_year(planned_date), term_of(planned_date)
        visit.save()
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=visit, before=before, after=audit.snapshot(visit))
    return visit


@dataclass
class DraftNote:
    """What the adviser has written so far. ``None`` leaves a field as it is."""

    purpose: str | None = None
    visit_date: dt.date | None = None
    focus_areas: list[str] | None = None
    evidence_seen: str | None = None
    summary: str | None = None
    findings: list[tuple[str, str]] | None = None  # (area, text), in order; blank texts dropped
    actions: list[tuple[str, str, dt.date | None]] | None = None  # (text, owner, due)


NOTE_FIELDS = ("purpose", "visit_date", "focus_areas", "evidence_seen", "summary", "draft_saved_at", "state")


def visit_save_draft(*, actor: Any, visit: Visit, note: DraftNote, autosave: bool = False) -> Visit:
    """Save the note as it stands (each keystroke's autosave, or the Save button). A planned visit
    becomes a draft. Points and actions are kept by position: the school has not seen them yet."""
    with transaction.atomic():
        visit = _locked(visit)
        if visit.state not in (VisitState.PLANNED, VisitState.DRAFT):
            raise ValidationError("The note has gone to the school and can no longer be edited.")
        before = audit.snapshot(visit, NOTE_FIELDS)
        if visit.state == VisitState.PLANNED:
            _move(visit, "start", actor)
        if note.purpose is not None and note.purpose in Purpose.values:
            visit.purpose = note.purpose
        if note.visit_date is not None:
            visit.visit_date = note.visit_date
        if note.focus_areas is not None:
            visit.focus_areas = [a for a in note.focus_areas if a in FOCUS_AREAS]
        if note.evidence_seen is not None:
            visit.evidence_seen = note.evidence_seen
        if note.summary is not None:
            visit.summary = note.summary
        visit.draft_saved_at = timezone.now()
        visit.save()
        if note.findings is not None:
            rows = [(area if area in FOCUS_AREAS else "", text.strip()) for area, text in note.findings if text.strip()]
            existing = {f.position: f for f in visit.findings.all()}
            for position, (area, text) in enumerate(rows):
                finding = existing.pop(position, None) or Finding(visit=visit, position=position)
                if finding.pk is None or (finding.area, finding.text) != (area, text):
                    finding.area, finding.text = area, text
                    finding.save()
            Finding.objects.filter(pk__in=[f.pk for f in existing.values()]).delete()
        if note.actions is not None:
            rows_a = [(t.strip(), o.strip(), d) for t, o, d in note.actions if t.strip()]
            current = {a.position: a for a in visit.actions.all()}
            for position, (text, owner, due) in enumerate(rows_a):
                action = current.pop(position, None) or AgreedAction(
                    council_id=visit.council_id, school_id=visit.school_id, visit=visit, position=position)
                if action.pk is None or (action.text, action.owner, action.due) != (text, owner, due):
                    action.text, action.owner, action.due = text, owner, due
                    action.save()
            AgreedAction.objects.filter(pk__in=[a.pk for a in current.values()]).delete()
        after = audit.snapshot(visit, NOTE_FIELDS)
        # An autosave is recorded once per minute at most: the audit log keeps who changed the
        # note and when, not every keystroke.
        last = before.get("draft_saved_at")
        quiet = autosave and last and (timezone.now() - dt.datetime.fromisoformat(last)).total_seconds() < 60
        if not quiet:
            audit.record(actor=actor, action=audit.Action.UPDATE, obj=visit, before=before, after=after,
                         detail="note autosaved" if autosave else "note saved")
    return visit


def _check_ready_to_send(visit: Visit, today: dt.date) -> None:
    errors: dict[str, list[str]] = {}
    if visit.visit_date is None:
        errors.setdefault("visit_date", []).append("Enter the date of the visit.")
    elif visit.visit_date > today:
        errors.setdefault("visit_date", []).append("A note can be sent only once the visit has taken place.")
    if not visit.findings.exists():
        errors.setdefault("__all__", []).append("Write at least one point before sending the note.")
    for action in visit.actions.all():
        if not action.owner or action.due is None:
            errors.setdefault("__all__", []).append(
                f"Agreed action {action.position + 1} needs an owner and a due date.")
    if errors:
        raise ValidationError(errors)


def visit_send(*, actor: Any, visit: Visit, today: dt.date | None = None) -> Visit:
    """Send the note to the school's headteacher for a factual-accuracy check."""
    today = today or timezone.localdate()
    with transaction.atomic():
        visit = _locked(visit)
        _check_ready_to_send(visit, today)
        _move(visit, "send", actor)
        window = council_settings(visit.council_id).accuracy_window_days
        visit.sent_at, visit.accuracy_due = timezone.now(), today + dt.timedelta(days=window)
        visit.save()
        for finding in visit.findings.all():
            finding.text_as_sent = finding.text
            finding.save(update_fields=["text_as_sent"])
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=visit,
                     detail=f"note sent to the school; factual accuracy by {visit.accuracy_due}")
    return visit


def visit_respond(*, actor: Any, visit: Visit, verdicts: dict[int, tuple[str, str]], comment: str = "") -> Visit:
    """The headteacher marks each point accurate or inaccurate, with a response to any inaccurate one."""
    with transaction.atomic():
        visit = _locked(visit)
        findings = list(visit.findings.all())
        errors: dict[str, list[str]] = {}
        for finding in findings:
            verdict, response = verdicts.get(finding.pk, ("", ""))
            if verdict not in Verdict.values:
                errors[f"verdict_{finding.pk}"] = [f"Say whether point {finding.number} is accurate."]
            elif verdict == Verdict.INACCURATE and not response.strip():
                errors[f"response_{finding.pk}"] = [f"Say what is inaccurate in point {finding.number}."]
        if errors:
            raise ValidationError(errors)
        _move(visit, "respond", actor, note=comment)
        for finding in findings:
            verdict, response = verdicts[finding.pk]
            finding.head_verdict, finding.head_response = verdict, response.strip()
            finding.save(update_fields=["head_verdict", "head_response"])
        visit.head_comment, visit.responded_at = comment.strip(), timezone.now()
        visit.save()
        inaccurate = sum(1 for f in findings if verdicts[f.pk][0] == Verdict.INACCURATE)
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=visit,
                     detail=f"school responded: {inaccurate} of {len(findings)} points marked inaccurate")
    return visit


def visit_answer(*, actor: Any, visit: Visit, answers: dict[int, tuple[str, str]]) -> Visit:
    """The adviser answers each point the school marked inaccurate, amending it or keeping it."""
    with transaction.atomic():
        visit = _locked(visit)
        findings = list(visit.findings.all())
        errors: dict[str, list[str]] = {}
        for finding in findings:
            answer, new_text = answers.get(finding.pk, ("", ""))
            if finding.head_verdict == Verdict.INACCURATE and not answer.strip():
                errors[f"answer_{finding.pk}"] = [f"Answer the school's response to point {finding.number}."]
        if errors:
            raise ValidationError(errors)
        _move(visit, "answer", actor)
        visit.save()
        for finding in findings:
            answer, new_text = answers.get(finding.pk, ("", ""))
            finding.adviser_answer = answer.strip()
            if new_text.strip():
                finding.text = new_text.strip()
            finding.save(update_fields=["adviser_answer", "text"])
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=visit, detail="adviser answered the school")
    return visit


def visit_issue(*, actor: Any, visit: Visit, today: dt.date | None = None) -> Visit:
    """Issue the note. The head cannot veto it: once answered, or once the window has closed
    without a response, it is issued as the adviser wrote it, with the exchange attached."""
    today = today or timezone.localdate()
    with transaction.atomic():
        visit = _locked(visit)
        if visit.state == VisitState.WITH_SCHOOL and visit.accuracy_due and today <= visit.accuracy_due:
            raise ValidationError(f"The school has until {visit.accuracy_due:%d %B %Y} to check the note.")
        _move(visit, "issue", actor)
        visit.issued_at, visit.issued_by = timezone.now(), _person(actor)
        visit.save()
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=visit, detail="note of visit issued")
    return visit


def visit_cancel(*, actor: Any, visit: Visit, reason: str) -> Visit:
    if not reason.strip():
        raise ValidationError({"reason": "Say why the visit is cancelled."})
    with transaction.atomic():
        visit = _locked(visit)
        _move(visit, "cancel", actor, note=reason.strip())
        visit.save()
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=visit, detail=f"visit cancelled: {reason}")
    return visit


# --- actions and case conferences -------------------------------------------------------------


def action_complete(*, actor: Any, action: AgreedAction, note: str = "") -> AgreedAction:
    if action.status == ActionStatus.DONE:
        return action
    with transaction.atomic():
        action.status, action.done_at, action.done_by = ActionStatus.DONE, timezone.now(), _person(actor)
        action.done_note = note.strip()
        action.save()
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=action, detail="action done")
    return action


def action_reopen(*, actor: Any, action: AgreedAction) -> AgreedAction:
    with transaction.atomic():
        action.status, action.done_at, action.done_by = ActionStatus.OPEN, None, None
        action.save()
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=action, detail="action reopened")
    return action


def conference_record(*, actor: Any, council: Any, school: Establishment, held_on: dt.date, attendees: list[str],
                      evidence_reviewed: str, decisions: str, next_review: dt.date | None = None,
                      actions: Sequence[tuple[str, str, dt.date]] = ()) -> CaseConference:
    """Record a case conference about a priority school, with the actions it agreed."""
    errors = {}
    people = [a.strip() for a in attendees if a.strip()]
    if not people:
        errors["attendees"] = "List who attended, one per line."
    if not evidence_reviewed.strip():
        errors["evidence_reviewed"] = "Say what evidence was reviewed."
    if not decisions.strip():
        errors["decisions"] = "Record what was decided."
    if next_review and next_review < held_on:
        errors["next_review"] = "The next review must be after the conference."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        conference = CaseConference.objects.create(
            council=council, school=school, held_on=held_on, chaired_by=_person(actor), attendees=people,
            evidence_reviewed=evidence_reviewed.strip(), decisions=decisions.strip(), next_review=next_review,
            created_by=_person(actor))
        for position, (text, owner, due) in enumerate(actions):
            AgreedAction.objects.create(council=council, school=school, conference=conference, position=position,
                                        text=text, owner=owner, due=due)
        audit.record(actor=actor, action=audit.Action.CREATE, obj=conference, after=audit.snapshot(conference))
    return conference
