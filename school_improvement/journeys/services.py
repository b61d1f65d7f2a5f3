"""Writes for improvement journeys. Each service checks who may act, runs in a transaction, writes
the audit log explicitly, and returns the object.

Changes of stage or status go through ``journey_move`` only: it asks the state machine
(``machine.plan_move``) and writes one new ``JourneyEvent`` row. Parts of a journey change only in
the stages the machine allows and never while the journey is paused or closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from school_improvement.accounts.permissions import has_perm
from school_improvement.accounts.roles import Role
from school_improvement.core import audit
from school_improvement.register.models import Establishment, SupportAssignment

from . import ladder, machine, measures, notify, selectors
from .machine import MoveRefused, Status
from .models import (
    EVALUATION_AREAS,
    BoardMeeting,
    DfeContact,
    EscalationStep,
    ExitCriterion,
    Journey,
    JourneyAction,
    JourneyEvent,
    LetterTemplate,
    Milestone,
    Objective,
    ObjectiveRating,
    Priority,
    Rag,
    Review,
    SupportLink,
)


class StaleEdit(Exception):
    """Someone else saved the record since the person opened it. ``current`` is what they saved."""

    def __init__(self, current: Any) -> None:
        super().__init__("Someone else saved this since you opened it.")
        self.current = current


def _clean(text: str | None) -> str:
    return (text or "").strip()


def _words(text: str | None) -> str:
    return " ".join((text or "").split())


def _locked(journey: Journey) -> Journey:
    return Journey.objects.select_for_update().select_related("school").get(pk=journey.pk)


def _require_manager(actor: Any, journey: Journey) -> None:
    if not selectors.is_manager(actor, journey):
        raise PermissionDenied


def _require_part(actor: Any, journey: Journey, part: str) -> None:
    _require_manager(actor, journey)
    if not machine.may_edit(journey.stage, journey.status, part):
        if journey.status != Status.OPEN:
            raise ValidationError(f"The journey is {journey.get_status_display().lower()}: it cannot be changed.")
        raise ValidationError(f"This cannot be changed while the journey is at the stage "
                              f"“{journey.stage_label}”.")


def _event(journey: Journey, actor: Any, action: str, *, from_stage: str, from_status: str, reason: str = "",
           skipped: tuple[str, ...] | list[str] = (), detail: dict[str, Any] | None = None) -> JourneyEvent:
    return JourneyEvent.objects.create(
        journey=journey, actor=actor if getattr(actor, "is_authenticated", False) else None, action=action,
        from_stage=from_stage, to_stage=journey.stage, from_status=from_status, to_status=journey.status,
        reason=reason, skipped_gates=list(skipped), detail=detail or {})


def _audit(actor: Any, obj: Any, action: str, detail: str, journey: Journey | None = None, **kw: Any) -> None:
    council = journey.council_id if journey is not None else getattr(obj, "council_id", None)
    audit.record(actor=actor, action=action, obj=obj, council=council, detail=detail, **kw)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def school_kind(school: Establishment) -> str:
    group = (school.type_group or "").lower()
    if "academ" in group or "free school" in group or "academy" in (school.type or "").lower():
        return Journey.SchoolKind.ACADEMY
    if "maintained" in group:
        return Journey.SchoolKind.MAINTAINED
    return Journey.SchoolKind.OTHER


def _is_owner_kind(user: Any, council_id: int) -> bool:
    return user.council_id == council_id and bool(user.roles & {Role.ADVISER, Role.SYSTEM_LEADER})


# --- opening -----------------------------------------------------------------------------------------


def journey_open(*, actor: Any, school: Establishment, owner: Any, reason: str = "",
                 category_decision: Any = None, clock_months: int = 12, council: Any = None) -> Journey:
    """Open a journey for a school, because its agreed category opens one or by a decision with a reason.

    ``category_decision``: the school's signed-off categorisation decision whose category opens a
    journey. Without it, ``reason`` records the decision to open one anyway.
    ``council``: for system work (the demo) where there is no actor.
    """
    if actor is not None:
        if not has_perm(actor, "journeys.open"):
            raise PermissionDenied
        council = actor.council_id
        if Role.HEAD_OF_SERVICE not in actor.roles and school.pk not in selectors.portfolio_ids(actor):
            raise PermissionDenied
    council_id = getattr(council, "pk", council)
    if council_id is None:
        raise ValidationError("A journey belongs to a council.")
    errors: dict[str, str] = {}
    if not Establishment.objects.in_council(council_id).filter(pk=school.pk).exists():
        errors["school"] = f"{school.name} is not in the council's area."
    if owner is None or not _is_owner_kind(owner, council_id):
        errors["owner"] = "The owner must be one of the council's advisers or system leaders."
    reason = _words(reason)
    category, label = "", ""
    if category_decision is not None:
        frozen = category_decision.frozen or {}
        if category_decision.school_id != school.pk or category_decision.council_id != council_id \
                or not (frozen.get("entitlement") or {}).get("opens_journey"):
            errors["category_decision"] = "That decision's category does not open a journey for this school."
        category = category_decision.category
        label = frozen.get("category_label") or category
        reason = reason or f"The school's agreed category, {label}, opens an improvement journey."
    elif not reason:
        errors["reason"] = "Give the reason for opening a journey."
    if not clock_months or not 1 <= int(clock_months) <= 36:
        errors["clock_months"] = "The clock runs for between 1 and 36 months."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if Journey.objects.filter(school=school).exclude(status=Status.CLOSED).exists():
            raise ValidationError({"school": f"{school.name} already has an improvement journey."})
        try:
            with transaction.atomic():
                journey = Journey.objects.create(
                    council_id=council_id, school=school, school_kind=school_kind(school), owner=owner,
                    opened_by=actor, opened_because=(Journey.OpenedBy.CATEGORY if category_decision is not None
                                                     else Journey.OpenedBy.DECISION),
                    opened_reason=reason, category=category, category_label=label,
                    category_decision_id=getattr(category_decision, "pk", None), clock_months=clock_months)
        except IntegrityError as exc:
            raise ValidationError({"school": f"{school.name} already has an improvement journey."}) from exc
        _event(journey, actor, "open", from_stage="", from_status="", reason=reason,
               detail={"owner": owner.pk, "category": category})
        _audit(actor, journey, audit.Action.CREATE, f"opened: {reason}", journey,
               after=audit.snapshot(journey, ["school_id", "owner_id", "stage", "status", "opened_because"]))
        notify.journey_people(journey, f"An improvement journey has been opened for {school.name}.",
                              exclude=actor, include_head_of_service=False)
    return journey


# --- moves --------------------------------------------------------------------------------------------------


@dataclass
class MoveExtra:
    """What some moves need: how the plan was ratified, the clock's new date."""

    ratified_as: str = ""
    meeting: BoardMeeting | None = None
    until: dt.date | None = None


def _authorise_move(actor: Any, journey: Journey, move: str, extra: MoveExtra) -> None:
    declared = machine.MOVES.get(move)
    if declared is None:
        raise ValidationError(f"There is no move called {move!r}.")
    if move == "ratify":
        if extra.ratified_as == Journey.RatifiedBy.BOARD:
            _require_manager(actor, journey)
            if extra.meeting is None or extra.meeting.journey_id != journey.pk:
                raise ValidationError("Say which improvement board meeting ratified the statement of action.")
        elif selectors.may_ratify_as_head_of_service(actor, journey):
            extra.ratified_as = Journey.RatifiedBy.HEAD_OF_SERVICE
        else:
            raise PermissionDenied
        return
    _require_manager(actor, journey)
    if declared.permission and not has_perm(actor, declared.permission):
        raise PermissionDenied


def journey_move(*, actor: Any, journey: Journey, move: str, reason: str = "", skip: bool = False,
                 extra: MoveExtra | None = None) -> Journey:
    """Move the journey along the state machine; one new event row records who, when and why."""
    extra = extra or MoveExtra()
    with transaction.atomic():
        journey = _locked(journey)
        _authorise_move(actor, journey, move, extra)
        declared = machine.MOVES[move]
        unmet = selectors.unmet_gates(journey, declared.gate)
        try:
            outcome = machine.plan_move(journey.stage, journey.status, move, unmet_gates=unmet, reason=reason,
                                        skip=skip, may_skip=selectors.may_skip(actor, journey))
        except MoveRefused as exc:
            raise ValidationError(str(exc)) from exc
        reason = _words(reason)
        detail: dict[str, Any] = {}
        today = timezone.localdate()
        journey.stage, journey.status = outcome.to_stage, outcome.to_status
        if move == "ratify":
            journey.ratified_by, journey.ratified_at, journey.ratified_as = actor, timezone.now(), extra.ratified_as
            journey.ratified_meeting = extra.meeting
            journey.clock_started_on = today
            journey.decision_due = add_months(today, journey.clock_months or 12)
            journey.next_review_due = journey.first_review_on or (
                today + dt.timedelta(weeks=journey.review_every_weeks or 6))
            detail = {"ratified_as": extra.ratified_as, "meeting": getattr(extra.meeting, "pk", None),
                      "decision_due": journey.decision_due.isoformat()}
        elif move == "extend_clock":
            if extra.until is None or (journey.decision_due and extra.until <= journey.decision_due) \
                    or extra.until <= today:
                raise ValidationError("Give the new date the decision is due, later than the current one.")
            detail = {"from": journey.decision_due.isoformat() if journey.decision_due else None,
                      "to": extra.until.isoformat()}
            journey.decision_due = extra.until
        elif move == "exit":
            _exit(journey, reason, actor)
            detail = {"exit_category": journey.exit_category,
                      "category_decision": (journey.exit_report or {}).get("category_decision")}
        elif move == "close":
            journey.closed_at = timezone.now()
        if move in {"exit", "close"}:
            closed = _close_needs(journey, actor, move, reason)
            if closed:
                detail["needs_closed"] = closed
            if move == "exit":
                journey.exit_report = {**(journey.exit_report or {}), "needs": _needs_summary(journey)}
        journey.save()
        _event(journey, actor, move, from_stage=outcome.from_stage, from_status=outcome.from_status, reason=reason,
               skipped=outcome.skipped_gates, detail=detail)
        _audit(actor, journey, audit.Action.UPDATE,
               f"{declared.label}" + (f"; gates skipped: {', '.join(outcome.skipped_gates)}"
                                      if outcome.skipped_gates else ""), journey,
               before={"stage": outcome.from_stage, "status": outcome.from_status},
               after={"stage": journey.stage, "status": journey.status})
        notify.after_move(journey, move, actor, reason)
    return journey


def lowest_support_category(journey: Journey) -> tuple[str, str]:
    """The lowest-support category of the council's policy (fewest adviser days), if categorisation knows it."""
    try:
        from school_improvement.categorisation.services import latest_final
    except ImportError:  # pragma: no cover - categorisation still being built
        return "", ""
    decision = latest_final(journey.council_id, [journey.school_id]).get(journey.school_id)
    if decision is None:
        from school_improvement.categorisation.models import Decision

        decision = (Decision.objects.for_council(journey.council_id).filter(state="signed_off")
                    .select_related("round__policy_version").order_by("-signed_off_at").first())
    if decision is None:
        return "", ""
    try:
        categories = list(decision.round.policy_version.engine_policy().categories)
    except Exception:  # noqa: BLE001 - an unreadable policy must not block an exit
        return "", ""
    if not categories:
        return "", ""
    lowest = min(categories, key=lambda c: (c.adviser_days, c.visits_per_year, -categories.index(c)))
    return lowest.id, lowest.label


def _record_exit_category(journey: Journey, category: str, summary: str, actor: Any) -> int | None:
    """The school's agreed category becomes the lowest-support one (a signed-off categorisation decision)."""
    if not category:
        return None
    try:
        from school_improvement.categorisation.services import decision_after_journey_exit
    except ImportError:  # pragma: no cover - categorisation not installed
        return None
    decision = decision_after_journey_exit(
        actor=actor, council=journey.council_id, school=journey.school, category=category,
        reason=summary or "The school met its exit criteria.", journey_label=f"improvement journey {journey.pk}")
    return getattr(decision, "pk", None)


def _exit(journey: Journey, summary: str, actor: Any = None) -> None:
    s = selectors.statement(journey)
    category, label = lowest_support_category(journey)
    journey.exit_category, journey.exit_category_label = category, label
    journey.exit_summary = summary
    journey.closed_at = timezone.now()
    journey.exit_report = {
        "at": timezone.now().isoformat(), "school": journey.school.name, "urn": journey.school_id,
        "opened": journey.opened_at.date().isoformat(), "category_on_exit": label or category,
        "summary": summary,
        "criteria": [{"text": row.item.text, "measurable": row.check.measurable, "met": row.met,
                      "check": row.check.text, "judged_note": row.item.judged_note} for row in s.exit_criteria],
        "objectives": [{"title": row.item.title, "latest_rag": row.item.latest_rag, "check": row.check.text}
                       for row in s.objectives],
        "reviews": journey.reviews.filter(state=Review.State.COMPLETE).count(),
        "meetings": journey.meetings.count(),
        "category_decision": _record_exit_category(journey, category, summary, actor),
    }


def _close_needs(journey: Journey, actor: Any, move: str, reason: str) -> list[int]:
    """The journey's open brokerage needs close with it (their proposed and locked matches go;
    agreed support stays). Returns the ids of the needs closed."""
    from school_improvement.brokerage import services as brokerage

    why = (f"improvement journey {journey.pk} " + ("exited" if move == "exit" else "closed")
           + (f": {reason}" if reason else ""))
    closed = []
    for need in selectors.open_journey_needs(journey).select_for_update():
        brokerage.need_close(actor=actor, need=need, reason=why[:300])
        closed.append(need.pk)
    return closed


def _needs_summary(journey: Journey) -> list[dict[str, Any]]:
    """The needs raised from the journey as plain values (for the exit report)."""
    return [{"need": n.pk, "area": n.get_area_display(), "days": n.days, "agreed": n.agreed,
             "providers": sorted({m.provider.name for m in n.holding if m.status == "agreed"}),
             "status": n.status} for n in selectors.journey_needs(journey)]


# --- diagnosis -----------------------------------------------------------------------------------------


@transaction.atomic
def diagnosis_update(*, actor: Any, journey: Journey, summary: str) -> Journey:
    journey = _locked(journey)
    _require_part(actor, journey, "diagnosis")
    before = {"diagnosis_summary": journey.diagnosis_summary}
    journey.diagnosis_summary = _clean(summary)
    journey.save(update_fields=["diagnosis_summary", "updated_at"])
    _audit(actor, journey, audit.Action.UPDATE, "diagnosis summary", journey, before=before,
           after={"diagnosis_summary": journey.diagnosis_summary})
    return journey


@transaction.atomic
def priority_add(*, actor: Any, journey: Journey, area: str, description: str) -> Priority:
    journey = _locked(journey)
    _require_part(actor, journey, "diagnosis")
    if area not in dict(EVALUATION_AREAS):
        raise ValidationError({"area": "Choose an Ofsted evaluation area."})
    if not _clean(description):
        raise ValidationError({"description": "Describe the priority."})
    priority = Priority.objects.create(journey=journey, area=area, description=_clean(description),
                                       created_by=actor)
    _audit(actor, priority, audit.Action.CREATE, "priority added", journey,
           after=audit.snapshot(priority, ["journey_id", "area", "description"]))
    return priority


@transaction.atomic
def priority_remove(*, actor: Any, priority: Priority) -> None:
    journey = _locked(priority.journey)
    _require_part(actor, journey, "diagnosis")
    _audit(actor, priority, audit.Action.DELETE, "priority removed", journey,
           before=audit.snapshot(priority, ["journey_id", "area", "description"]))
    priority.delete()


# --- statement of action -----------------------------------------------------------------------------


def _target(measure: str, comparison: str, threshold: Any) -> tuple[str, str, Decimal | None]:
    measure = (measure or "").strip()
    if not measure:
        return "", "", None
    if not measures.is_known(measure):
        raise ValidationError({"measure": f"{measure!r} is not a measure the product holds."})
    if comparison not in measures.COMPARE:
        raise ValidationError({"comparison": "Choose how the figure is compared with the threshold."})
    if threshold is None or threshold == "":
        raise ValidationError({"threshold": "Enter the threshold as a number."})
    try:
        value = Decimal(str(threshold))
    except (InvalidOperation, TypeError) as exc:
        raise ValidationError({"threshold": "Enter the threshold as a number."}) from exc
    return measure, comparison, value


@transaction.atomic
def objective_add(*, actor: Any, journey: Journey, title: str, success_criteria: str, priority: Priority | None = None,
                  measure: str = "", comparison: str = "", threshold: Any = None) -> Objective:
    journey = _locked(journey)
    _require_part(actor, journey, "statement")
    errors = {}
    if not _clean(title):
        errors["title"] = "Give the objective a title."
    if not _clean(success_criteria):
        errors["success_criteria"] = "Say what success looks like."
    if priority is not None and priority.journey_id != journey.pk:
        errors["priority"] = "That priority belongs to another journey."
    if errors:
        raise ValidationError(errors)
    code, cmp, value = _target(measure, comparison, threshold)
    objective = Objective.objects.create(journey=journey, priority=priority, title=_words(title),
                                         success_criteria=_clean(success_criteria), measure=code,
                                         comparison=cmp, threshold=value)
    _audit(actor, objective, audit.Action.CREATE, "objective added", journey,
           after=audit.snapshot(objective, ["journey_id", "title", "measure", "comparison", "threshold"]))
    return objective


@transaction.atomic
def objective_remove(*, actor: Any, objective: Objective) -> None:
    journey = _locked(objective.journey)
    _require_part(actor, journey, "statement")
    _audit(actor, objective, audit.Action.DELETE, "objective removed", journey,
           before=audit.snapshot(objective, ["journey_id", "title"]))
    objective.delete()


@transaction.atomic
def milestone_add(*, actor: Any, journey: Journey, title: str, due_on: dt.date,
                  objective: Objective | None = None) -> Milestone:
    journey = _locked(journey)
    _require_part(actor, journey, "statement")
    if not _clean(title) or due_on is None:
        raise ValidationError("Give the milestone a title and a date.")
    if objective is not None and objective.journey_id != journey.pk:
        raise ValidationError({"objective": "That objective belongs to another journey."})
    milestone = Milestone.objects.create(journey=journey, title=_words(title), due_on=due_on, objective=objective)
    _audit(actor, milestone, audit.Action.CREATE, "milestone added", journey,
           after=audit.snapshot(milestone, ["journey_id", "title", "due_on"]))
    return milestone


@transaction.atomic
def milestone_done(*, actor: Any, milestone: Milestone, done_on: dt.date | None = None) -> Milestone:
    journey = _locked(milestone.journey)
    _require_part(actor, journey, "milestones")
    milestone.done_on = done_on or timezone.localdate()
    milestone.save(update_fields=["done_on"])
    _audit(actor, milestone, audit.Action.UPDATE, "milestone reached", journey,
           after={"done_on": milestone.done_on.isoformat()})
    return milestone


@transaction.atomic
def exit_criterion_add(*, actor: Any, journey: Journey, text: str, measure: str = "", comparison: str = "",
                       threshold: Any = None) -> ExitCriterion:
    journey = _locked(journey)
    _require_part(actor, journey, "statement")
    if not _clean(text):
        raise ValidationError({"text": "Describe the exit criterion."})
    code, cmp, value = _target(measure, comparison, threshold)
    criterion = ExitCriterion.objects.create(journey=journey, text=_words(text), measure=code, comparison=cmp,
                                             threshold=value)
    _audit(actor, criterion, audit.Action.CREATE, "exit criterion agreed", journey,
           after=audit.snapshot(criterion, ["journey_id", "text", "measure", "comparison", "threshold"]))
    return criterion


@transaction.atomic
def exit_criterion_remove(*, actor: Any, criterion: ExitCriterion) -> None:
    journey = _locked(criterion.journey)
    _require_part(actor, journey, "statement")
    _audit(actor, criterion, audit.Action.DELETE, "exit criterion removed", journey,
           before=audit.snapshot(criterion, ["journey_id", "text"]))
    criterion.delete()


@transaction.atomic
def exit_criterion_judge(*, actor: Any, criterion: ExitCriterion, met: bool, note: str) -> ExitCriterion:
    """A person judges a criterion the data cannot check (measurable ones are checked, not judged)."""
    journey = _locked(criterion.journey)
    _require_part(actor, journey, "exit_criteria")
    if criterion.is_measurable:
        raise ValidationError("This criterion is checked against the data, not judged.")
    if not _clean(note):
        raise ValidationError({"note": "Give the evidence for the judgement."})
    before = audit.snapshot(criterion, ["judged_met", "judged_note"])
    criterion.judged_met, criterion.judged_note = met, _clean(note)
    criterion.judged_by, criterion.judged_at = actor, timezone.now()
    criterion.save()
    _audit(actor, criterion, audit.Action.UPDATE, "exit criterion judged", journey, before=before,
           after=audit.snapshot(criterion, ["judged_met", "judged_note"]))
    return criterion


@transaction.atomic
def schedule_set(*, actor: Any, journey: Journey, review_every_weeks: int, first_review_on: dt.date,
                 clock_months: int) -> Journey:
    """The review schedule and the clock (e.g. half-termly reviews over twelve months)."""
    journey = _locked(journey)
    _require_part(actor, journey, "statement")
    errors = {}
    if not review_every_weeks or not 1 <= review_every_weeks <= 26:
        errors["review_every_weeks"] = "Reviews come every 1 to 26 weeks."
    if first_review_on is None:
        errors["first_review_on"] = "Give the date of the first review."
    if not clock_months or not 1 <= clock_months <= 36:
        errors["clock_months"] = "The clock runs for between 1 and 36 months."
    if errors:
        raise ValidationError(errors)
    fields = ["review_every_weeks", "first_review_on", "clock_months"]
    before = audit.snapshot(journey, fields)
    journey.review_every_weeks, journey.first_review_on, journey.clock_months = (
        review_every_weeks, first_review_on, clock_months)
    journey.save(update_fields=[*fields, "updated_at"])
    _audit(actor, journey, audit.Action.UPDATE, "review schedule and clock", journey, before=before,
           after=audit.snapshot(journey, fields))
    return journey


def _add_link(journey: Journey, actor: Any, assignment: SupportAssignment, note: str, *, action: str,
              detail: dict[str, Any] | None = None) -> SupportLink:
    """Write the package row, its history row and its audit; tell the named provider."""
    link = SupportLink.objects.create(journey=journey, assignment=assignment, note=_words(note)[:300],
                                      added_by=actor if getattr(actor, "is_authenticated", False) else None)
    _event(journey, actor, action, from_stage=journey.stage, from_status=journey.status,
           detail={"assignment": assignment.pk, "provider": assignment.provider_id, **(detail or {})})
    _audit(actor, link, audit.Action.CREATE, "support added to the package" if action == "support_added"
           else f"brokered support added to the package: {link.note}", journey,
           after=audit.snapshot(link, ["journey_id", "assignment_id", "intensity"]))
    notify.people(journey, [assignment.provider], f"You are named in the support package of "
                  f"{journey.school.name}'s improvement journey.", exclude=actor)
    return link


@transaction.atomic
def support_link(*, actor: Any, journey: Journey, assignment: SupportAssignment, note: str = "") -> SupportLink:
    """Add a support assignment (a named provider) to the package."""
    journey = _locked(journey)
    _require_part(actor, journey, "support")
    if assignment.council_id != journey.council_id or assignment.establishment_id != journey.school_id:
        raise ValidationError("That support is not for this school.")
    if journey.support.filter(assignment=assignment).exists():
        raise ValidationError("That support is already in the package.")
    return _add_link(journey, actor, assignment, note, action="support_added")


def support_link_brokered(*, actor: Any, need: Any, assignment: SupportAssignment,
                          match: Any = None) -> SupportLink | None:
    """Brokerage agreed a match for a need raised from a journey: its support assignment joins the
    journey's package. System-safe: brokerage has already decided who may agree the match (the
    head of service or a brokerage officer, who need not manage the journey); this only checks that
    the need, the assignment and the journey are the same council's and school's and that the
    journey may take support now. A paused or closed journey (or none) is left alone: ``None``."""
    journey_id = selectors.journey_id_of(need)
    if journey_id is None:
        return None
    with transaction.atomic():
        journey = (Journey.objects.select_for_update().select_related("school")
                   .filter(pk=journey_id, council_id=need.council_id, school_id=need.school_id).first())
        if journey is None or not machine.may_edit(journey.stage, journey.status, "support"):
            return None
        if assignment.council_id != journey.council_id or assignment.establishment_id != journey.school_id:
            return None
        if getattr(actor, "is_authenticated", False) and actor.council_id != journey.council_id:
            return None
        existing = journey.support.filter(assignment=assignment).first()
        if existing is not None:
            return existing
        return _add_link(journey, actor, assignment, f"Brokered for need {need.pk}", action="support_brokered",
                         detail={"need": need.pk, "match": getattr(match, "pk", None)})


def clock_window(journey: Journey) -> tuple[dt.date, dt.date]:
    """The journey's clock as a window: from ratification (else today) to the decision due (else the
    clock's length from the start)."""
    start = journey.clock_started_on or timezone.localdate()
    end = journey.decision_due or add_months(start, journey.clock_months or 12)
    return start, end


def need_raise(*, actor: Any, journey: Journey, area: str, days: int, priority: int,
               window_start: dt.date | None = None, window_end: dt.date | None = None, note: str = "") -> Any:
    """Raise a brokerage need from the journey's support package (``brokerage.services.need_create``
    with the journey as its source). Whoever may change the package may raise one; never while the
    journey is paused or closed. The window defaults to the journey's clock."""
    from school_improvement.brokerage import services as brokerage
    from school_improvement.brokerage.models import NeedSource

    with transaction.atomic():
        journey = _locked(journey)
        _require_part(actor, journey, "support")
        start, end = clock_window(journey)
        window_start = window_start or start
        window_end = window_end or (end if end >= window_start else None)
        need = brokerage.need_create(
            actor=actor, council=journey.council_id, school=journey.school, area=area, days=days,
            priority=priority, window_start=window_start, window_end=window_end, source=NeedSource.JOURNEY,
            source_ref=selectors.need_ref(journey), note=_clean(note))
        _event(journey, actor, "need_raised", from_stage=journey.stage, from_status=journey.status,
               detail={"need": need.pk, "area": need.area, "days": need.days, "priority": need.priority})
        _audit(actor, journey, audit.Action.UPDATE, f"need {need.pk} raised with brokerage: {need.days} days of "
               f"{need.get_area_display().lower()}", journey)
    return need


@transaction.atomic
def support_taper(*, actor: Any, link: SupportLink, intensity: str, note: str) -> SupportLink:
    """Taper support as the school's autonomy grows; each change is a new event row."""
    journey = _locked(link.journey)
    _require_part(actor, journey, "support")
    if intensity not in SupportLink.Intensity.values:
        raise ValidationError({"intensity": "Choose how much support continues."})
    if not _words(note):
        raise ValidationError({"note": "Say why the support changes."})
    before = link.intensity
    link.intensity, link.note = intensity, _words(note)
    link.save(update_fields=["intensity", "note"])
    _event(journey, actor, "support_tapered", from_stage=journey.stage, from_status=journey.status,
           reason=link.note, detail={"link": link.pk, "from": before, "to": intensity})
    _audit(actor, link, audit.Action.UPDATE, "support tapered", journey, before={"intensity": before},
           after={"intensity": intensity})
    return link


# --- reviews ----------------------------------------------------------------------------------------------


@transaction.atomic
def review_start(*, actor: Any, journey: Journey, held_on: dt.date) -> Review:
    journey = _locked(journey)
    _require_part(actor, journey, "reviews")
    if held_on is None:
        raise ValidationError({"held_on": "Give the date of the review."})
    number = (journey.reviews.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    review = Review.objects.create(journey=journey, number=number, held_on=held_on, created_by=actor,
                                   updated_by=actor)
    ObjectiveRating.objects.bulk_create(ObjectiveRating(review=review, objective=o) for o in journey.objectives.all())
    _audit(actor, review, audit.Action.CREATE, f"review {number} started", journey)
    return review


def review_values(review: Review) -> dict[str, Any]:
    """What a review says, as plain values (to compare two people's edits)."""
    return {
        "held_on": review.held_on, "summary": review.summary, "next_review_on": review.next_review_on,
        "state": review.state,
        "ratings": {r.objective_id: {"rag": r.rag, "evidence": r.evidence} for r in review.ratings.all()},
    }


def review_save(*, actor: Any, review: Review, version: int, summary: str, next_review_on: dt.date | None,
                ratings: dict[int, tuple[str, str]], complete: bool = False) -> Review:
    """Save a review made on ``version``. If someone saved it since, nothing is written and
    ``StaleEdit`` carries their version, so the person sees it and nothing is lost."""
    with transaction.atomic():
        journey = Journey.objects.get(pk=review.journey_id)
        _require_part(actor, journey, "reviews")
        errors: dict[str, str] = {}
        for rag, _evidence in ratings.values():
            if rag and rag not in Rag.values:
                errors["ratings"] = "Rate each objective red, amber or green."
        if complete:
            if next_review_on is None:
                errors["next_review_on"] = "Give the date of the next review."
            if any(not rag for rag, _ in ratings.values()) or not ratings:
                errors["ratings"] = "Rate every objective before completing the review."
        if next_review_on is not None and next_review_on <= review.held_on:
            errors["next_review_on"] = "The next review comes after this one."
        if errors:
            raise ValidationError(errors)
        before = review_values(Review.objects.prefetch_related("ratings").get(pk=review.pk))
        updated = Review.objects.filter(pk=review.pk, version=version).update(
            version=F("version") + 1, summary=_clean(summary), next_review_on=next_review_on,
            updated_by=actor, updated_at=timezone.now(),
            **({"state": Review.State.COMPLETE, "completed_at": timezone.now()} if complete else {}))
        if not updated:
            raise StaleEdit(Review.objects.prefetch_related("ratings").select_related("updated_by")
                            .get(pk=review.pk))
        known = set(journey.objectives.values_list("pk", flat=True))
        for objective_id, (rag, evidence) in ratings.items():
            if objective_id in known:
                ObjectiveRating.objects.update_or_create(review_id=review.pk, objective_id=objective_id,
                                                         defaults={"rag": rag, "evidence": _clean(evidence)})
        review = Review.objects.prefetch_related("ratings").select_related("journey").get(pk=review.pk)
        if review.state == Review.State.COMPLETE:
            _after_completed_review(journey, review)
        _audit(actor, review, audit.Action.UPDATE, f"review {review.number} saved (version {review.version})",
               journey, before=_plain(before), after=_plain(review_values(review)))
        if complete:
            notify.journey_people(journey, f"Review {review.number} of {journey.school.name}'s improvement "
                                           f"journey is complete.", exclude=actor)
    return review


def _rag_label(rag: str) -> str:
    return Rag(rag).label if rag in Rag.values else "Not rated"


def review_changes(*, review_form: Any, theirs: Review) -> list[dict[str, Any]]:
    """Where the other person's saved review differs from what this person submitted."""
    data = review_form.cleaned_data if hasattr(review_form, "cleaned_data") else {}
    mine = {"summary": _clean(data.get("summary")), "next_review_on": data.get("next_review_on")}
    saved = review_values(theirs)
    out = []
    if mine["summary"] != saved["summary"]:
        out.append({"label": "Summary of progress", "theirs": saved["summary"], "yours": mine["summary"]})
    if mine["next_review_on"] != saved["next_review_on"]:
        out.append({"label": "Date of the next review", "theirs": saved["next_review_on"],
                    "yours": mine["next_review_on"]})
    titles = dict(theirs.journey.objectives.values_list("pk", "title"))
    for objective_id, (rag, evidence) in (review_form.ratings() if data else {}).items():
        other = saved["ratings"].get(objective_id, {"rag": "", "evidence": ""})
        if rag != other["rag"]:
            out.append({"label": f"RAG rating: {titles.get(objective_id, '')}", "theirs": _rag_label(other["rag"]),
                        "yours": _rag_label(rag)})
        if _clean(evidence) != other["evidence"]:
            out.append({"label": f"Evidence: {titles.get(objective_id, '')}", "theirs": other["evidence"],
                        "yours": _clean(evidence)})
    return out


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    out["ratings"] = {str(k): v for k, v in values["ratings"].items()}
    return {k: audit._plain(v) if not isinstance(v, dict) else v for k, v in out.items()}


def _after_completed_review(journey: Journey, review: Review) -> None:
    latest = journey.reviews.filter(state=Review.State.COMPLETE).order_by("-number").first()
    if latest is None or latest.pk != review.pk:
        return
    for rating in review.ratings.all():
        Objective.objects.filter(pk=rating.objective_id).update(latest_rag=rating.rag)
    Journey.objects.filter(pk=journey.pk).update(next_review_due=review.next_review_on)


# --- board meetings and actions ---------------------------------------------------------------------------


@transaction.atomic
def meeting_record(*, actor: Any, journey: Journey, held_on: dt.date, attendees: str, minutes: str) -> BoardMeeting:
    journey = _locked(journey)
    _require_part(actor, journey, "meetings")
    errors = {}
    if held_on is None:
        errors["held_on"] = "Give the date of the meeting."
    if not _clean(attendees):
        errors["attendees"] = "List who attended."
    if not _clean(minutes):
        errors["minutes"] = "Record the minutes."
    if errors:
        raise ValidationError(errors)
    meeting = BoardMeeting.objects.create(journey=journey, held_on=held_on, attendees=_clean(attendees),
                                          minutes=_clean(minutes), recorded_by=actor)
    _audit(actor, meeting, audit.Action.CREATE, "improvement board meeting recorded", journey,
           after={"held_on": held_on.isoformat()})
    return meeting


@transaction.atomic
def action_add(*, actor: Any, journey: Journey, description: str, owner: Any, due_on: dt.date,
               meeting: BoardMeeting | None = None) -> JourneyAction:
    journey = _locked(journey)
    _require_part(actor, journey, "actions")
    errors = {}
    if not _words(description):
        errors["description"] = "Describe the action."
    if due_on is None:
        errors["due_on"] = "Give the date it is due."
    if owner is None or not selectors.may_see(owner, journey):
        errors["owner"] = "The action's owner must be someone who may see this journey."
    if meeting is not None and meeting.journey_id != journey.pk:
        errors["meeting"] = "That meeting belongs to another journey."
    if errors:
        raise ValidationError(errors)
    action = JourneyAction.objects.create(journey=journey, meeting=meeting, description=_words(description),
                                          owner=owner, due_on=due_on, created_by=actor, updated_by=actor)
    _audit(actor, action, audit.Action.CREATE, "action assigned", journey,
           after=audit.snapshot(action, ["journey_id", "owner_id", "due_on", "description"]))
    notify.people(journey, [owner], f"An action on {journey.school.name}'s improvement journey is assigned to "
                  f"you, due {due_on:%d %B %Y}: {action.description}", exclude=actor,
                  url=reverse("journeys:action", args=[action.pk]))
    return action


def action_update(*, actor: Any, action: JourneyAction, version: int, state: str, progress: str) -> JourneyAction:
    """The action's owner (or a manager) updates its progress. Stale edits are refused (``StaleEdit``)."""
    with transaction.atomic():
        action = JourneyAction.objects.select_related("journey", "journey__school").get(pk=action.pk)
        if not selectors.may_update_action(actor, action):
            if not selectors.may_see(actor, action.journey):
                raise PermissionDenied
            if action.journey.status != Status.OPEN:
                raise ValidationError("The journey is not open: its actions cannot be changed.")
            raise PermissionDenied
        if state not in JourneyAction.State.values:
            raise ValidationError({"state": "Say whether the action is open or done."})
        before = audit.snapshot(action, ["state", "progress", "completed_on"])
        updated = JourneyAction.objects.filter(pk=action.pk, version=version).update(
            version=F("version") + 1, state=state, progress=_clean(progress), updated_by=actor,
            updated_at=timezone.now(),
            completed_on=timezone.localdate() if state == JourneyAction.State.DONE else None)
        if not updated:
            raise StaleEdit(JourneyAction.objects.select_related("updated_by").get(pk=action.pk))
        action.refresh_from_db()
        _audit(actor, action, audit.Action.UPDATE, "action updated", action.journey, before=before,
               after=audit.snapshot(action, ["state", "progress", "completed_on"]))
        if state == JourneyAction.State.DONE and action.journey.owner_id != getattr(actor, "pk", None):
            notify.people(action.journey, [action.journey.owner], f"{actor} marked an action done on "
                          f"{action.journey.school.name}'s journey: {action.description}", exclude=actor)
    return action


# --- escalation -------------------------------------------------------------------------------------------


def _done_kinds(journey: Journey) -> set[str]:
    return set(journey.steps.filter(state__in=ladder.DONE_STATES).values_list("kind", flat=True))


@transaction.atomic
def step_propose(*, actor: Any, journey: Journey, kind: str, reason: str, skip: bool = False,
                 grounds: list[str] | None = None, grounds_detail: str = "", compliance_by: dt.date | None = None,
                 required_actions: str = "") -> EscalationStep:
    """Propose the next step on the ladder, with a reason; the rung below must be issued (or the
    head of service skips the gate with a reason)."""
    journey = _locked(journey)
    _require_part(actor, journey, "escalation")
    if not journey.is_maintained:
        raise ValidationError("The ladder applies to maintained schools. For an academy, log the referrals and "
                              "contacts with the DfE regions group.")
    if kind not in ladder.RUNGS:
        raise ValidationError({"kind": "Choose a step on the ladder."})
    reason = _clean(reason)
    if not reason:
        raise ValidationError({"reason": "Give the reason for this step."})
    if journey.steps.filter(kind=kind).exclude(state=ladder.StepState.WITHDRAWN).exists():
        raise ValidationError({"kind": "That step is already on this journey's ladder."})
    missing = ladder.unmet_rung(kind, _done_kinds(journey))
    skipped_reason = ""
    if missing:
        if not skip:
            raise ValidationError(f"First issue the step below it: {ladder.RUNGS[missing].label.lower()}.")
        if not selectors.may_skip(actor, journey):
            raise ValidationError("Only the head of service may skip a step on the ladder.")
        skipped_reason = reason
    errors: dict[str, str] = {}
    grounds = [g for g in (grounds or []) if g]
    if kind == "warning_notice":
        if not grounds or any(g not in ladder.GROUNDS for g in grounds):
            errors["grounds"] = "Choose at least one of the s60 grounds."
        if not _clean(grounds_detail):
            errors["grounds_detail"] = "Describe the concerns that meet the grounds."
        if compliance_by is None or compliance_by <= timezone.localdate():
            errors["compliance_by"] = "Set the date by which the governing body must comply (in the future)."
        if not _clean(required_actions):
            errors["required_actions"] = "Say what the governing body must do."
    if errors:
        raise ValidationError(errors)
    step = EscalationStep.objects.create(
        journey=journey, kind=kind, reason=reason, proposed_by=actor, grounds=grounds,
        grounds_detail=_clean(grounds_detail), compliance_by=compliance_by, required_actions=_clean(required_actions),
        gate_skipped_reason=skipped_reason)
    _event(journey, actor, "step_proposed", from_stage=journey.stage, from_status=journey.status, reason=reason,
           skipped=[f"rung:{missing}"] if missing else [], detail={"step": step.pk, "kind": kind})
    _audit(actor, step, audit.Action.CREATE, f"{step.get_kind_display()} proposed", journey,
           after=audit.snapshot(step, ["kind", "state", "grounds", "compliance_by"]))
    notify.head_of_service(journey, f"{step.get_kind_display()} proposed for {journey.school.name}: approval needed.",
                           exclude=actor)
    return step


@transaction.atomic
def step_move(*, actor: Any, step: EscalationStep, move: str, reason: str = "", issued_on: dt.date | None = None,
              response: str = "", response_on: dt.date | None = None) -> EscalationStep:
    """Approve (head of service), issue, record the school's response, conclude or withdraw a step."""
    journey = _locked(step.journey)
    step = EscalationStep.objects.select_for_update().get(pk=step.pk)
    _require_part(actor, journey, "escalation")
    if move not in ladder.STEP_MOVES:
        raise ValidationError(f"There is no step move called {move!r}.")
    sources, target, reason_required = ladder.STEP_MOVES[move]
    if step.state not in sources:
        raise ValidationError(f"The {step.get_kind_display().lower()} is "
                              f"{ladder.STEP_STATE_LABELS[step.state].lower()}: it cannot be {move}d now.")
    if move == "approve" and not has_perm(actor, "journeys.approve_escalation"):
        raise PermissionDenied
    reason = _clean(reason)
    if reason_required and not reason:
        raise ValidationError({"reason": "Give the reason."})
    before = audit.snapshot(step, ["state", "issued_on", "response", "response_on", "outcome"])
    if move == "approve":
        step.approved_by, step.approved_at = actor, timezone.now()
    elif move == "issue":
        step.issued_on = issued_on or timezone.localdate()
    elif move == "respond":
        if not _clean(response):
            raise ValidationError({"response": "Record what the school said."})
        step.response, step.response_on = _clean(response), response_on or timezone.localdate()
    elif move == "conclude":
        step.outcome = reason[:200]
    step.state = target
    step.save()
    _event(journey, actor, f"step_{move}", from_stage=journey.stage, from_status=journey.status, reason=reason,
           detail={"step": step.pk, "kind": step.kind, "state": step.state})
    _audit(actor, step, audit.Action.UPDATE, f"{step.get_kind_display()}: {move}", journey, before=before,
           after=audit.snapshot(step, ["state", "issued_on", "response", "response_on", "outcome"]))
    if move == "issue":
        notify.journey_people(journey, f"{step.get_kind_display()} issued to {journey.school.name}.", exclude=actor,
                              school=True, url=reverse("journeys:step_letter_pdf", args=[step.pk]))
    return step


@transaction.atomic
def dfe_contact_add(*, actor: Any, journey: Journey, on: dt.date, kind: str, contact: str, summary: str,
                    evidence_sent: str = "") -> DfeContact:
    """For an academy: log a referral to, or a contact with, the DfE regions group."""
    journey = _locked(journey)
    _require_part(actor, journey, "escalation")
    errors = {}
    if kind not in ladder.DFE_CONTACT_KINDS:
        errors["kind"] = "Choose the kind of contact."
    if on is None:
        errors["on"] = "Give the date."
    if not _words(contact):
        errors["contact"] = "Say who at the regions group."
    if not _clean(summary):
        errors["summary"] = "Summarise the contact."
    if errors:
        raise ValidationError(errors)
    row = DfeContact.objects.create(journey=journey, on=on, kind=kind, contact=_words(contact),
                                    summary=_clean(summary), evidence_sent=_clean(evidence_sent), recorded_by=actor)
    _event(journey, actor, "dfe_contact", from_stage=journey.stage, from_status=journey.status,
           detail={"contact": row.pk, "kind": kind})
    _audit(actor, row, audit.Action.CREATE, "DfE regions group contact logged", journey,
           after=audit.snapshot(row, ["on", "kind", "contact"]))
    return row


# --- notifications ---------------------------------------------------------------------------------------


def notifications_read(*, actor: Any) -> int:
    """Mark the person's notifications read (their own only)."""
    from .models import Notification

    return Notification.objects.filter(user=actor, council_id=actor.council_id, read_at__isnull=True).update(
        read_at=timezone.now())


# --- templates -------------------------------------------------------------------------------------------


@transaction.atomic
def template_save(*, actor: Any, kind: str, title: str, body: str) -> LetterTemplate:
    from .letters import DEFAULT_TEMPLATES, check_template

    if not has_perm(actor, "journeys.edit_templates"):
        raise PermissionDenied
    if kind not in DEFAULT_TEMPLATES:
        raise ValidationError({"kind": "There is no letter of that kind."})
    if not _words(title) or not _clean(body):
        raise ValidationError("Give the letter a title and a body.")
    check_template(body)
    row = LetterTemplate.objects.filter(council_id=actor.council_id, kind=kind).first()
    before = audit.snapshot(row, ["title", "body"]) if row else None
    if row is None:
        row = LetterTemplate(council_id=actor.council_id, kind=kind)
    row.title, row.body, row.updated_by = _words(title), _clean(body), actor
    row.save()
    audit.record(actor=actor, action=audit.Action.UPDATE if before else audit.Action.CREATE, obj=row,
                 before=before, after=audit.snapshot(row, ["title", "body"]), detail=f"letter template {kind}")
    return row
