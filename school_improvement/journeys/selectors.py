"""Reads for improvement journeys: the one way in, always narrowed to who may see each journey.

Who sees a journey (and nobody else: not other councils, trusts, clusters or the data team):

* the head of service: every journey of their council;
* advisers and associate advisers: journeys of the schools in their portfolio, and those they own;
* system leaders: journeys they own, and those whose support package names their assignment;
* the school's headteacher and chair of governors: their own school's journey. They see the
  ladder's letters and notices once issued, never steps still being considered, and only the
  soft intelligence shared with them.

Who changes it: the owner, the school's link adviser and the head of service ("managers");
whoever an action is assigned to updates that action.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from school_improvement.accounts.permissions import has_perm
from school_improvement.accounts.roles import Role
from school_improvement.brokerage.models import Match, MatchStatus, Need, NeedSource, NeedStatus
from school_improvement.register.models import PortfolioAssignment, SupportAssignment

from . import ladder, measures
from .machine import Stage, Status, allowed_moves, may_edit
from .models import (
    EVALUATION_AREAS,
    BoardMeeting,
    DfeContact,
    EscalationStep,
    ExitCriterion,
    Journey,
    JourneyAction,
    JourneyEvent,
    Milestone,
    Notification,
    Objective,
    ObjectiveRating,
    Priority,
    Review,
    SupportLink,
)

LIVE = (Status.OPEN, Status.PAUSED)


def _active(qs: QuerySet, today: dt.date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    return qs.filter(Q(starts__isnull=True) | Q(starts__lte=today)).filter(Q(ends__isnull=True) | Q(ends__gte=today))


def portfolio_ids(user: Any, *, link_only: bool = False) -> set[int]:
    """The schools in the person's adviser portfolio (cached on the user for the request)."""
    key = "_journey_link_schools" if link_only else "_journey_portfolio"
    cached = getattr(user, key, None)
    if cached is None:
        rows = _active(PortfolioAssignment.objects.for_user(user).filter(adviser=user))
        if link_only:
            rows = rows.filter(is_link_adviser=True)
        cached = set(rows.values_list("establishment_id", flat=True))
        setattr(user, key, cached)
    return cached


def school_seats(user: Any) -> dict[int, set[str]]:
    """School -> the roles (headteacher, chair) the person holds for it."""
    seats: dict[int, set[str]] = defaultdict(set)
    for a in user.active_assignments():
        if a.role in {Role.HEADTEACHER, Role.CHAIR_OF_GOVERNORS} and a.establishment_id:
            seats[a.establishment_id].add(a.role)
    return seats


def _visibility(user: Any) -> Q | None:
    roles = user.roles
    if Role.HEAD_OF_SERVICE in roles:
        return Q()
    clauses = [Q(owner=user)]
    if roles & {Role.ADVISER, Role.ASSOCIATE_ADVISER}:
        clauses.append(Q(school_id__in=portfolio_ids(user)))
    if Role.SYSTEM_LEADER in roles:
        clauses.append(Q(Exists(SupportLink.objects.filter(journey=OuterRef("pk"), assignment__provider=user))))
    seats = school_seats(user)
    if seats:
        clauses.append(Q(school_id__in=list(seats)))
    combined = clauses[0]
    for clause in clauses[1:]:
        combined |= clause
    return combined


def visible_journeys(user: Any) -> QuerySet[Journey]:
    """Every journey the person may see, and no other."""
    if not getattr(user, "is_authenticated", False) or not has_perm(user, "journeys.view"):
        return Journey.objects.none()
    condition = _visibility(user)
    if condition is None:
        return Journey.objects.none()
    return Journey.objects.for_user(user).filter(condition)


def journey_for(user: Any, pk: int) -> Journey:
    journey = visible_journeys(user).select_related("school", "owner", "ratified_by").filter(pk=pk).first()
    if journey is None:
        raise Http404
    return journey


# --- what the person may do -------------------------------------------------------------------------


def is_school_reader(user: Any, journey: Journey) -> bool:
    """The school's own head or chair (and not also council staff on it)."""
    return journey.school_id in school_seats(user) and not is_manager(user, journey) \
        and not user.roles & {Role.HEAD_OF_SERVICE, Role.ADVISER, Role.ASSOCIATE_ADVISER}


def is_manager(user: Any, journey: Journey) -> bool:
    """The owner, the school's link adviser or the head of service of the journey's council."""
    if not has_perm(user, "journeys.manage") or journey.council_id != user.council_id:
        return False
    if Role.HEAD_OF_SERVICE in user.roles or journey.owner_id == user.pk:
        return True
    return Role.ADVISER in user.roles and journey.school_id in portfolio_ids(user, link_only=True)


def may_change(user: Any, journey: Journey, part: str) -> bool:
    return is_manager(user, journey) and may_edit(journey.stage, journey.status, part)


def may_skip(user: Any, journey: Journey) -> bool:
    return has_perm(user, "journeys.skip_gate") and journey.council_id == user.council_id


def may_ratify_as_head_of_service(user: Any, journey: Journey) -> bool:
    return has_perm(user, "journeys.ratify") and journey.council_id == user.council_id


def may_view_escalation(user: Any, journey: Journey) -> bool:
    if not has_perm(user, "journeys.view_escalation"):
        return False
    return is_manager(user, journey) or bool(user.roles & {Role.ASSOCIATE_ADVISER, Role.ADVISER}) \
        or journey.school_id in school_seats(user) or Role.HEAD_OF_SERVICE in user.roles


def may_update_action(user: Any, action: JourneyAction) -> bool:
    journey = action.journey
    if not may_edit(journey.stage, journey.status, "actions"):
        return False
    if is_manager(user, journey):
        return True
    return action.owner_id == user.pk and has_perm(user, "journeys.update_own_actions")


def moves_for(user: Any, journey: Journey) -> list[Any]:
    """The moves the person could make now (gates are checked when they try)."""
    if not is_manager(user, journey):
        return []
    out = []
    for move in allowed_moves(journey.stage, journey.status):
        if move.permission and not has_perm(user, move.permission):
            continue
        if move.name == "exit":
            continue  # exit has its own page, with the criteria checked against the data
        out.append(move)
    return out


# --- one journey ---------------------------------------------------------------------------------------


def events(journey: Journey) -> list[JourneyEvent]:
    return list(journey.events.select_related("actor").order_by("at", "id"))


@dataclass
class CriterionRow:
    item: Any
    check: measures.Check

    @property
    def met(self) -> bool | None:
        if self.check.measurable:
            return self.check.met
        return getattr(self.item, "judged_met", None)


@dataclass
class Statement:
    journey: Journey
    priorities: list[Priority]
    objectives: list[CriterionRow]
    milestones: list[Milestone]
    exit_criteria: list[CriterionRow]
    support: list[SupportLink]
    #: Needs raised with brokerage from the journey (``journey_needs``).
    needs: list[Any] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not statement_gaps(self)

    @property
    def exit_ready(self) -> bool:
        return bool(self.exit_criteria) and all(row.met for row in self.exit_criteria)


def evidence_urns(journey: Journey) -> list[int]:
    from school_improvement.evidence.selectors import evidence_urns as urns_of

    return urns_of(journey.school_id)


def statement(journey: Journey) -> Statement:
    """The statement of action, with measurable targets checked against the latest data."""
    objectives = list(journey.objectives.select_related("priority").order_by("id"))
    criteria = list(journey.exit_criteria.select_related("judged_by").order_by("id"))
    codes = {o.measure for o in objectives} | {c.measure for c in criteria}
    values = measures.latest_values(evidence_urns(journey), codes) if any(codes) else {}
    return Statement(
        journey=journey,
        priorities=list(journey.priorities.order_by("id")),
        objectives=[CriterionRow(o, measures.check(o, values)) for o in objectives],
        milestones=list(journey.milestones.select_related("objective").order_by("due_on", "id")),
        exit_criteria=[CriterionRow(c, measures.check(c, values)) for c in criteria],
        support=list(journey.support.select_related("assignment", "assignment__provider").order_by("id")),
        needs=journey_needs(journey),
    )


# --- needs raised with brokerage ----------------------------------------------------------------------

#: Match states that hold days of a need (as brokerage counts them).
HOLDING = (MatchStatus.PROPOSED, MatchStatus.LOCKED, MatchStatus.AGREED)


def need_ref(journey: Journey | int) -> str:
    """How a need raised from a journey names it (``Need.source_ref``)."""
    return f"journey:{getattr(journey, 'pk', journey)}"


def journey_id_of(need: Need) -> int | None:
    """The journey a need was raised from, if any."""
    if need.source != NeedSource.JOURNEY:
        return None
    prefix, _, pk = (need.source_ref or "").partition(":")
    return int(pk) if prefix == "journey" and pk.isdigit() else None


def journey_needs(journey: Journey, *, status: str = "") -> list[Any]:
    """The needs raised from the journey (``Need`` rows), with the days matched (``matched``:
    proposed, locked or agreed) and ``agreed``, and the matches holding their days with their
    providers (``holding``), oldest first."""
    rows = (Need.objects.filter(council_id=journey.council_id, school_id=journey.school_id,
                                source=NeedSource.JOURNEY, source_ref=need_ref(journey))
            .select_related("created_by")
            .annotate(matched=Coalesce(Sum("matches__days", filter=Q(matches__status__in=HOLDING)), 0),
                      agreed=Coalesce(Sum("matches__days", filter=Q(matches__status=MatchStatus.AGREED)), 0))
            .prefetch_related(Prefetch("matches", to_attr="holding", queryset=Match.objects.filter(
                status__in=HOLDING).select_related("provider").order_by("status", "id")))
            .order_by("id"))
    if status:
        rows = rows.filter(status=status)
    return list(rows)


def open_journey_needs(journey: Journey) -> QuerySet[Need]:
    return Need.objects.filter(council_id=journey.council_id, source=NeedSource.JOURNEY,
                               source_ref=need_ref(journey), status=NeedStatus.OPEN).order_by("id")


def statement_gaps(s: Statement) -> list[str]:
    """What the statement of action still lacks before it can go for ratification."""
    gaps = []
    if not s.objectives:
        gaps.append("Add at least one objective.")
    elif any(not row.item.success_criteria.strip() for row in s.objectives):
        gaps.append("Give every objective its success criteria.")
    if not s.exit_criteria:
        gaps.append("Agree at least one exit criterion.")
    j = s.journey
    if not j.review_every_weeks or not j.first_review_on:
        gaps.append("Set the review schedule.")
    if not j.clock_months:
        gaps.append("Set the clock.")
    return gaps


def unmet_gates(journey: Journey, gate: str) -> list[str]:
    """The gate, if the journey does not pass it now."""
    if not gate:
        return []
    if gate == "priorities_recorded":
        return [] if journey.priorities.exists() else [gate]
    if gate == "statement_complete":
        return [gate] if statement_gaps(statement(journey)) else []
    if gate == "exit_criteria_met":
        return [] if statement(journey).exit_ready else [gate]
    if gate == "plan_ratified":
        return [] if journey.ratified_at else [gate]
    raise KeyError(gate)


def support_choices(journey: Journey) -> list[SupportAssignment]:
    """Support assignments for the school that the package does not include yet."""
    linked = journey.support.values("assignment_id")
    return list(_active(SupportAssignment.objects.for_council(journey.council_id)
                        .filter(establishment_id=journey.school_id)).exclude(pk__in=linked)
                .select_related("provider").order_by("id"))


def owner_choices(journey_or_council: Any) -> QuerySet[Any]:
    """Who may own a journey: the council's advisers and system leaders."""
    from school_improvement.accounts.models import User

    council_id = getattr(journey_or_council, "council_id", None) or getattr(journey_or_council, "pk", None) \
        or journey_or_council
    today = timezone.localdate()
    return (User.objects.filter(council_id=council_id, is_active=True,
                                role_assignments__role__in=[Role.ADVISER, Role.SYSTEM_LEADER],
                                role_assignments__starts__lte=today)
            .filter(Q(role_assignments__ends__isnull=True) | Q(role_assignments__ends__gte=today))
            .distinct().order_by("last_name", "first_name"))


def assignee_choices(journey: Journey) -> list[Any]:
    """Who an action may be assigned to: people who may see the journey."""
    from school_improvement.accounts.models import User

    today = timezone.localdate()
    people = (User.objects.filter(council_id=journey.council_id, is_active=True,
                                  role_assignments__starts__lte=today)
              .filter(Q(role_assignments__ends__isnull=True) | Q(role_assignments__ends__gte=today))
              .filter(Q(role_assignments__role=Role.HEAD_OF_SERVICE)
                      | Q(pk=journey.owner_id)
                      | Q(role_assignments__role__in=[Role.HEADTEACHER, Role.CHAIR_OF_GOVERNORS],
                          role_assignments__establishment_id=journey.school_id)
                      | Q(role_assignments__role__in=[Role.ADVISER, Role.ASSOCIATE_ADVISER],
                          portfolio__establishment_id=journey.school_id)
                      | Q(pk__in=journey.support.values("assignment__provider_id")))
              .distinct().order_by("last_name", "first_name"))
    return list(people)


def may_see(user: Any, journey: Journey) -> bool:
    return visible_journeys(user).filter(pk=journey.pk).exists()


# --- diagnosis ------------------------------------------------------------------------------------------


@dataclass
class Diagnosis:
    journey: Journey
    category: dict[str, Any] | None
    triggers: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    inspections: list[Any]
    intelligence: list[Any] | None  # None: the reader may not see soft intelligence
    visit_notes: list[Any] | None  # None: the visits capability is not installed
    priorities_by_area: list[tuple[str, str, list[Priority]]] = field(default_factory=list)


DIAGNOSIS_MEASURES = [
    "ks2.rwm_expected_pct", "ks2.reading_progress", "ks2.writing_progress", "ks2.maths_progress",
    "ks2.rwm_expected_disadvantaged_pct", "ks4.attainment8", "ks4.progress8", "ks4.basics_94_pct",
    "ks4.progress8_disadvantaged", "absence.overall_pct", "absence.persistent_pct", "census.fsm_ever6_pct",
    "census.sen_support_pct",
]


def _category(user: Any, journey: Journey) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The school's latest agreed category and the triggers the reader may see (if categorisation is here)."""
    if not apps.is_installed("school_improvement.categorisation"):
        return None, []
    try:
        from school_improvement.categorisation.services import latest_final
    except ImportError:  # pragma: no cover - categorisation still being built
        return None, []
    decision = latest_final(journey.council_id, [journey.school_id]).get(journey.school_id)
    if decision is None:
        return None, []
    frozen = decision.frozen or {}
    audience = "headteacher"
    if is_school_reader(user, journey):
        audience = "chair" if Role.CHAIR_OF_GOVERNORS in school_seats(user).get(journey.school_id, set()) \
            and Role.HEADTEACHER not in school_seats(user).get(journey.school_id, set()) else "headteacher"
    else:
        restricted = Role.HEAD_OF_SERVICE in user.roles or journey.school_id in portfolio_ids(user, link_only=True)
        audience = "council_restricted" if restricted else "council"
    proposal = (frozen.get("proposal") or decision.proposal or {}).get(audience) or {}
    category = {"id": decision.category, "label": frozen.get("category_label") or decision.category,
                "signed_off_at": decision.signed_off_at,
                "opens_journey": (frozen.get("entitlement") or {}).get("opens_journey")}
    return category, list(proposal.get("triggers") or [])


def _visit_notes(user: Any, journey: Journey) -> list[dict[str, Any]] | None:
    """The school's visit notes the reader may see (newest first), when the visits capability is here."""
    if not apps.is_installed("school_improvement.visits"):
        return None
    try:
        from school_improvement.visits import selectors as visits
    except ImportError:  # pragma: no cover
        return None
    reader = getattr(visits, "visits_for", None)
    if reader is None:
        return None
    rows = (reader(user).filter(school_id=journey.school_id).exclude(state__in=["planned", "cancelled"])
            .select_related("adviser").order_by("-planned_date")[:5])
    return [{"date": v.visit_date or v.planned_date, "purpose": v.get_purpose_display(), "summary": v.summary,
             "state": v.get_state_display(), "adviser": v.adviser} for v in rows]


def diagnosis(user: Any, journey: Journey) -> Diagnosis:
    """Everything the product holds about the school, on one page, as far as the reader may see it."""
    from school_improvement.evidence.models import Inspection, Measure
    from school_improvement.evidence.models import Status as MeasureStatus
    from school_improvement.intelligence import selectors as intel

    urns = evidence_urns(journey)
    rows = (Measure.objects.filter(urn__in=urns, measure__in=DIAGNOSIS_MEASURES)
            .order_by("measure", "-year", "provisional"))
    latest: dict[str, list[Any]] = defaultdict(list)
    for m in rows:
        if len(latest[m.measure]) < 3 and all(r.year != m.year for r in latest[m.measure]):
            latest[m.measure].append(m)
    table = []
    for code in DIAGNOSIS_MEASURES:
        if code not in latest:
            continue
        years = latest[code]
        table.append({"code": code, "label": measures.label_of(code), "unit": measures.unit_of(code),
                      "years": [{"year": f"{m.year - 1}-{str(m.year)[-2:]}",
                                 "value": m.value if m.status == MeasureStatus.OK else None,
                                 "status": m.get_status_display()} for m in years]})
    inspections = list(Inspection.objects.filter(Q(urn__in=urns) | Q(urn_at_inspection__in=urns))
                       .order_by("-inspection_date")[:3])
    intelligence = None
    if intel.may_see_any(user):
        intelligence = list(intel.visible_records(user).filter(school_id=journey.school_id)
                            .order_by("-date", "-id")[:20])
        intel.note_viewed(user, intelligence, f"improvement journey {journey.pk} diagnosis")
    category, triggers = _category(user, journey)
    by_area: dict[str, list[Priority]] = defaultdict(list)
    for p in journey.priorities.order_by("id"):
        by_area[p.area].append(p)
    return Diagnosis(
        journey=journey, category=category, triggers=triggers, measures=table, inspections=inspections,
        intelligence=intelligence, visit_notes=_visit_notes(user, journey),
        priorities_by_area=[(code, label, by_area[code]) for code, label in EVALUATION_AREAS if by_area[code]],
    )


# --- reviews, meetings, actions -----------------------------------------------------------------------


def reviews(journey: Journey) -> list[Review]:
    return list(journey.reviews.select_related("created_by", "updated_by")
                .prefetch_related("ratings__objective").order_by("number"))


def review_for(user: Any, pk: int) -> Review:
    review = Review.objects.select_related("journey", "journey__school").filter(
        pk=pk, journey__in=visible_journeys(user)).first()
    if review is None:
        raise Http404
    return review


def review_ratings(review: Review) -> list[tuple[Objective, ObjectiveRating | None]]:
    ratings = {r.objective_id: r for r in review.ratings.all()}
    return [(o, ratings.get(o.pk)) for o in review.journey.objectives.order_by("id")]


def meetings(journey: Journey) -> list[BoardMeeting]:
    return list(journey.meetings.select_related("recorded_by").prefetch_related("actions__owner")
                .order_by("-held_on", "-id"))


def actions(journey: Journey) -> list[JourneyAction]:
    return list(journey.actions.select_related("owner", "meeting").order_by("state", "due_on", "id"))


def action_for(user: Any, pk: int) -> JourneyAction:
    action = JourneyAction.objects.select_related("journey", "journey__school", "owner").filter(
        pk=pk, journey__in=visible_journeys(user)).first()
    if action is None:
        raise Http404
    return action


def my_actions(user: Any) -> QuerySet[JourneyAction]:
    return (JourneyAction.objects.filter(owner=user, state=JourneyAction.State.OPEN,
                                         journey__in=visible_journeys(user), journey__status=Status.OPEN)
            .select_related("journey", "journey__school").order_by("due_on"))


# --- escalation ---------------------------------------------------------------------------------------


@dataclass
class Escalation:
    journey: Journey
    steps: list[EscalationStep]
    contacts: list[DfeContact]
    rungs: list[dict[str, Any]]
    school_view: bool


def visible_steps(user: Any, journey: Journey) -> QuerySet[EscalationStep]:
    steps = journey.steps.select_related("proposed_by", "approved_by")
    if is_school_reader(user, journey):
        return steps.filter(state__in=ladder.DONE_STATES)
    return steps


def escalation(user: Any, journey: Journey) -> Escalation:
    school_view = is_school_reader(user, journey)
    steps = list(visible_steps(user, journey).order_by("proposed_at", "id"))
    done = {s.kind for s in steps if s.state in ladder.DONE_STATES}
    live = {s.kind for s in steps if s.state not in {ladder.StepState.WITHDRAWN}}
    rungs = [{"rung": r, "done": r.kind in done, "live": r.kind in live,
              "needs": ladder.unmet_rung(r.kind, done)} for r in ladder.LADDER]
    contacts = [] if school_view else list(journey.dfe_contacts.select_related("recorded_by"))
    return Escalation(journey=journey, steps=steps, contacts=contacts, rungs=rungs, school_view=school_view)


def step_for(user: Any, pk: int) -> EscalationStep:
    step = EscalationStep.objects.select_related("journey", "journey__school", "journey__council").filter(
        pk=pk, journey__in=visible_journeys(user)).first()
    if step is None or not may_view_escalation(user, step.journey) \
            or not visible_steps(user, step.journey).filter(pk=pk).exists():
        raise Http404
    return step


# --- the watchlist ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WatchFilters:
    flag: str = ""  # overdue_review, red, actions, clock
    stage: str = ""
    mine: bool = False

    @classmethod
    def from_query(cls, params: Any) -> WatchFilters:
        return cls(flag=params.get("flag", ""), stage=params.get("stage", ""),
                   mine=params.get("mine") in {"1", "true", "yes"})


def _count(model: Any, **filters: Any) -> Any:
    rows = (model.objects.filter(journey=OuterRef("pk"), **filters).order_by().values("journey")
            .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def watchlist(user: Any, filters: WatchFilters | None = None, today: dt.date | None = None) -> QuerySet[Journey]:
    """Live journeys the person sees, each with what needs attention, in one query.

    Flags: a review overdue, red objectives (at the latest review), actions past their date,
    and the clock run out (a decision due).
    """
    f = filters or WatchFilters()
    today = today or timezone.localdate()
    rows = (visible_journeys(user).filter(status__in=LIVE)
            .select_related("school", "owner")
            .annotate(red_objectives=_count(Objective, latest_rag="red"),
                      actions_overdue=_count(JourneyAction, state=JourneyAction.State.OPEN, due_on__lt=today),
                      open_actions=_count(JourneyAction, state=JourneyAction.State.OPEN))
            .order_by("decision_due", "school__name"))
    if f.mine and Role.HEAD_OF_SERVICE not in user.roles:
        rows = rows.filter(Q(owner=user) | Q(school_id__in=portfolio_ids(user)))
    if f.mine and Role.HEAD_OF_SERVICE in user.roles:
        rows = rows.filter(owner=user)
    if f.stage in {s.value for s in Stage}:
        rows = rows.filter(stage=f.stage)
    if f.flag == "overdue_review":
        rows = rows.filter(next_review_due__lt=today)
    elif f.flag == "red":
        rows = rows.filter(red_objectives__gt=0)
    elif f.flag == "actions":
        rows = rows.filter(actions_overdue__gt=0)
    elif f.flag == "clock":
        rows = rows.filter(decision_due__lt=today)
    return rows


@dataclass
class WatchCounts:
    live: int
    overdue_review: int
    red: int
    actions: int
    clock: int
    by_stage: dict[str, int]


def watch_counts(user: Any, today: dt.date | None = None) -> WatchCounts:
    """The dashboard's totals, in two queries whatever the number of journeys."""
    today = today or timezone.localdate()
    base = visible_journeys(user).filter(status__in=LIVE)
    red = Exists(Objective.objects.filter(journey=OuterRef("pk"), latest_rag="red"))
    late = Exists(JourneyAction.objects.filter(journey=OuterRef("pk"), state=JourneyAction.State.OPEN,
                                               due_on__lt=today))
    totals = base.aggregate(
        live=Count("pk"), overdue_review=Count("pk", filter=Q(next_review_due__lt=today)),
        red=Count("pk", filter=Q(red)), actions=Count("pk", filter=Q(late)),
        clock=Count("pk", filter=Q(decision_due__lt=today)))
    by_stage = dict(base.order_by().values_list("stage").annotate(n=Count("pk")).values_list("stage", "n"))
    return WatchCounts(by_stage=by_stage, **totals)


def school_journeys(user: Any, school: Any) -> list[Journey]:
    return list(visible_journeys(user).filter(school=school).select_related("owner").order_by("-opened_at"))


# --- opening ------------------------------------------------------------------------------------------


def _latest_signed_off(council_id: int) -> dict[int, Any]:
    """Each school's latest signed-off categorisation decision, without its large JSON (the proposal
    and the frozen evidence): only what the watchlist and the opening page show, with whether its
    category opens a journey and its label read in the database. ``frozen`` loads on demand (when a
    journey is opened from the decision)."""
    from school_improvement.categorisation.models import Decision, DecisionState

    rows = (Decision.objects.for_council(council_id).filter(state=DecisionState.SIGNED_OFF)
            .only("id", "council_id", "round_id", "school_id", "state", "category", "signed_off_at")
            .annotate(opens_journey=Case(When(frozen__entitlement__opens_journey=True, then=Value(True)),
                                         default=Value(False), output_field=BooleanField()),
                      frozen_label=KT("frozen__category_label"))
            .order_by("school_id", "-signed_off_at", "-id"))
    out: dict[int, Any] = {}
    for d in rows:
        out.setdefault(d.school_id, d)
    return out


def schools_awaiting_journey(user: Any) -> list[dict[str, Any]]:
    """Schools whose agreed category opens a journey and which have no live journey yet."""
    if not has_perm(user, "journeys.open") or not apps.is_installed("school_improvement.categorisation"):
        return []
    from school_improvement.register.models import Establishment

    finals = _latest_signed_off(user.council_id)
    live = set(Journey.objects.for_user(user).filter(status__in=LIVE).values_list("school_id", flat=True))
    wanted = [d for school_id, d in finals.items() if school_id not in live and d.opens_journey]
    if Role.HEAD_OF_SERVICE not in user.roles:
        mine = portfolio_ids(user)
        wanted = [d for d in wanted if d.school_id in mine]
    schools = {s.pk: s for s in Establishment.objects.filter(pk__in=[d.school_id for d in wanted])}
    return sorted(({"school": schools[d.school_id], "decision": d, "category": d.frozen_label or d.category}
                   for d in wanted if d.school_id in schools), key=lambda r: r["school"].name)


def openable_schools(user: Any) -> QuerySet[Any]:
    """Schools a journey may be opened for by decision: the council's (the head of service) or the
    adviser's portfolio, open, without a live journey."""
    from school_improvement.register.models import Establishment

    schools = Establishment.objects.in_council(user.council_id).open()
    if Role.HEAD_OF_SERVICE not in user.roles:
        schools = schools.filter(pk__in=portfolio_ids(user))
    live = Journey.objects.filter(status__in=LIVE).values("school_id")
    return schools.exclude(pk__in=live).order_by("name")


# --- notifications ---------------------------------------------------------------------------------


def notifications_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.for_user(user).filter(user=user).select_related("journey", "journey__school")


def unread_count(user: Any) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def exit_criteria(journey: Journey) -> list[ExitCriterion]:
    return list(journey.exit_criteria.order_by("id"))
