"""Reads for adviser time and visits, always scoped to the reader.

Who sees a visit: the head of service every visit of the council; an adviser or associate the
visits they make and those at schools in their portfolio; a headteacher their school's notes
from the moment they go to the school for checking; a chair of governors issued notes only.
Drafts are seen by the council only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from school_improvement.accounts.models import User
from school_improvement.accounts.permissions import has_perm
from school_improvement.accounts.roles import Role
from school_improvement.register.models import Establishment, PortfolioAssignment

from .entitlements import Entitlement, council_settings, entitlements_for
from .models import (
    HEAD_STATES,
    TERMS,
    ActionStatus,
    AdviserCapacity,
    AgreedAction,
    CaseConference,
    Funding,
    Term,
    Visit,
    VisitState,
    academic_year,
)
from .services import link_advisers, supported_schools

ADVISER_ROLES = frozenset({Role.ADVISER, Role.ASSOCIATE_ADVISER})


def today() -> dt.date:
    return timezone.localdate()


def current_year() -> int:
    return academic_year(today())


def is_manager(user: Any) -> bool:
    """The head of service: every visit, capacity and case conference of the council."""
    return Role.HEAD_OF_SERVICE in getattr(user, "roles", frozenset())


def _school_ids(user: Any, role: str) -> list[int]:
    return [a.establishment_id for a in user.active_assignments() if a.role == role and a.establishment_id]


def portfolio_ids(user: Any) -> QuerySet:
    """The schools in the person's own adviser portfolio, in force today."""
    day = today()
    return (PortfolioAssignment.objects.for_user(user).filter(adviser=user)
            .exclude(ends__lt=day).exclude(starts__gt=day).values("establishment_id"))


def visits_for(user: Any) -> QuerySet[Visit]:
    if not getattr(user, "is_authenticated", False) or not has_perm(user, "visits.view"):
        return Visit.objects.none()
    base = Visit.objects.for_user(user)
    if is_manager(user):
        return base
    roles = user.roles
    condition = Q(pk__in=[])
    if roles & ADVISER_ROLES:
        condition |= Q(adviser=user) | Q(school_id__in=portfolio_ids(user))
    if Role.HEADTEACHER in roles:
        condition |= Q(school_id__in=_school_ids(user, Role.HEADTEACHER), state__in=HEAD_STATES)
    if Role.CHAIR_OF_GOVERNORS in roles:
        condition |= Q(school_id__in=_school_ids(user, Role.CHAIR_OF_GOVERNORS), state=VisitState.ISSUED)
    return base.filter(condition)


def visit_for(user: Any, pk: int) -> Visit:
    visit = visits_for(user).select_related("school", "adviser", "issued_by").filter(pk=pk).first()
    if visit is None:
        raise Http404
    return visit


def is_staff_reader(user: Any) -> bool:
    """Council staff (rather than the school) reading visits."""
    roles: frozenset[str] = getattr(user, "roles", frozenset())
    return is_manager(user) or bool(roles & ADVISER_ROLES)


def can_write(user: Any, visit: Visit) -> bool:
    """The visit's adviser (or a portfolio adviser taking an unassigned visit), or the head of service."""
    if not has_perm(user, "visits.record") or visit.council_id != user.council_id:
        return False
    if is_manager(user):
        return True
    if not user.roles & ADVISER_ROLES:
        return False
    if visit.adviser_id == user.pk:
        return True
    return visit.adviser_id is None and portfolio_ids(user).filter(establishment_id=visit.school_id).exists()


def can_plan(user: Any, school: Establishment) -> bool:
    if not has_perm(user, "visits.record"):
        return False
    if is_manager(user):
        return Establishment.objects.in_council(user.council_id).filter(pk=school.pk).exists()
    return bool(user.roles & ADVISER_ROLES) and portfolio_ids(user).filter(establishment_id=school.pk).exists()


def can_respond(user: Any, visit: Visit) -> bool:
    return (has_perm(user, "visits.respond") and visit.state == VisitState.WITH_SCHOOL
            and visit.school_id in _school_ids(user, Role.HEADTEACHER))


def school_for_planning(user: Any, urn: int) -> Establishment:
    school = Establishment.objects.in_council(user.council_id).filter(pk=urn).first()
    if school is None or not can_plan(user, school):
        raise Http404
    return school


# --- lists ------------------------------------------------------------------------------------


@dataclass
class VisitFilters:
    state: str = ""
    when: str = ""  # "overdue", "upcoming", "notes_due", "with_school"
    year: int | None = None
    adviser: str = ""
    school: str = ""

    @classmethod
    def from_query(cls, query: Any) -> VisitFilters:
        year = str(query.get("year", ""))
        return cls(state=str(query.get("state", ""))[:20], when=str(query.get("when", ""))[:20],
                   year=int(year) if year.isdigit() else None, adviser=str(query.get("adviser", ""))[:12],
                   school=str(query.get("school", ""))[:12])


def overdue_visit_q(day: dt.date) -> Q:
    """Visits past their planned date whose note is not started."""
    return Q(state=VisitState.PLANNED, planned_date__lt=day)


def notes_due_q(day: dt.date, note_due_days: int) -> Q:
    """Notes the adviser owes: drafts past the council's time for a note, answers owed to the
    school, and notes whose factual-accuracy window has closed (ready to issue)."""
    late = day - dt.timedelta(days=note_due_days)
    return (Q(state=VisitState.DRAFT, planned_date__lt=late)
            | Q(state=VisitState.RESPONDED)
            | Q(state=VisitState.WITH_SCHOOL, accuracy_due__lt=day))


def visit_list(user: Any, filters: VisitFilters) -> QuerySet[Visit]:
    rows = visits_for(user).select_related("school", "adviser")
    day = today()
    if filters.state in VisitState.values:
        rows = rows.filter(state=filters.state)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.when == "overdue":
        rows = rows.filter(overdue_visit_q(day))
    elif filters.when == "upcoming":
        rows = rows.filter(state=VisitState.PLANNED, planned_date__gte=day)
    elif filters.when == "notes_due":
        rows = rows.filter(notes_due_q(day, council_settings(user.council_id).note_due_days))
    elif filters.when == "with_school":
        rows = rows.filter(state=VisitState.WITH_SCHOOL)
    if filters.adviser == "me":
        rows = rows.filter(adviser=user)
    elif filters.adviser == "none":
        rows = rows.filter(adviser__isnull=True)
    elif filters.adviser.isdigit():
        rows = rows.filter(adviser_id=int(filters.adviser))
    if filters.school.isdigit():
        rows = rows.filter(school_id=int(filters.school))
    return rows.order_by("planned_date", "school__name", "id")


def visit_counts(user: Any, *, mine: bool = False) -> dict[str, int]:
    """Counts for dashboards: overdue visits, notes due, upcoming visits."""
    rows = visits_for(user)
    if mine:
        rows = rows.filter(adviser=user)
    day = today()
    settings = council_settings(user.council_id)
    return {
        "overdue": rows.filter(overdue_visit_q(day)).count(),
        "notes_due": rows.filter(notes_due_q(day, settings.note_due_days)).count(),
        "upcoming": rows.filter(state=VisitState.PLANNED, planned_date__gte=day,
                                planned_date__lte=day + dt.timedelta(days=14)).count(),
        "with_school": rows.filter(state=VisitState.WITH_SCHOOL).count(),
    }


def actions_for(user: Any) -> QuerySet[AgreedAction]:
    """Agreed actions the reader may see: those of visits they see (issued or with the school for
    a headteacher), and, for council staff, those of case conferences."""
    if not getattr(user, "is_authenticated", False) or not has_perm(user, "visits.view"):
        return AgreedAction.objects.none()
    visible = visits_for(user)
    if not is_staff_reader(user):
        visible = visible.filter(state=VisitState.ISSUED)
    condition = Q(visit__in=visible.values("pk"))
    if has_perm(user, "visits.case_conference"):
        condition |= Q(conference__in=conferences_for(user).values("pk"))
    return AgreedAction.objects.for_user(user).filter(condition).select_related("school", "visit", "conference")


def action_for(user: Any, pk: int) -> AgreedAction:
    action = actions_for(user).filter(pk=pk).first()
    if action is None:
        raise Http404
    return action


def can_update_action(user: Any, action: AgreedAction) -> bool:
    """Council staff who may write the visit (or the head of service), or the school's head."""
    if not has_perm(user, "visits.update_action"):
        return False
    visit = action.visit
    if visit is not None and visit.state != VisitState.ISSUED:
        return False
    if is_manager(user):
        return True
    if Role.HEADTEACHER in user.roles and action.school_id in _school_ids(user, Role.HEADTEACHER):
        return True
    if visit is not None:
        return can_write(user, visit)
    return bool(user.roles & {Role.ADVISER}) and portfolio_ids(user).filter(establishment_id=action.school_id).exists()


def action_list(user: Any, *, which: str = "open") -> QuerySet[AgreedAction]:
    rows = actions_for(user)
    if which == "overdue":
        rows = rows.filter(status=ActionStatus.OPEN, due__lt=today())
    elif which == "done":
        rows = rows.filter(status=ActionStatus.DONE)
    elif which == "open":
        rows = rows.filter(status=ActionStatus.OPEN)
    return rows.order_by("due", "school__name", "id")


# --- case conferences -------------------------------------------------------------------------


def conferences_for(user: Any) -> QuerySet[CaseConference]:
    if not getattr(user, "is_authenticated", False) or not has_perm(user, "visits.case_conference"):
        return CaseConference.objects.none()
    rows = CaseConference.objects.for_user(user)
    if is_manager(user):
        return rows
    return rows.filter(school_id__in=portfolio_ids(user))


def conference_for(user: Any, pk: int) -> CaseConference:
    row = conferences_for(user).select_related("school", "chaired_by").filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def school_for_conference(user: Any, urn: int) -> Establishment:
    schools = Establishment.objects.in_council(user.council_id)
    if not is_manager(user):
        schools = schools.filter(pk__in=portfolio_ids(user))
    school = schools.filter(pk=urn).first() if has_perm(user, "visits.case_conference") else None
    if school is None:
        raise Http404
    return school


@dataclass
class PrioritySchool:
    school: Establishment
    entitlement: Entitlement
    last_conference: CaseConference | None
    next_review: dt.date | None
    overdue: bool


def priority_schools(user: Any) -> list[PrioritySchool]:
    """Schools whose agreed category opens an improvement journey, with their latest conference."""
    if not has_perm(user, "visits.case_conference"):
        return []
    schools = supported_schools(user.council_id)
    if not is_manager(user):
        schools = schools.filter(pk__in=portfolio_ids(user))
    schools_by_id = {s.pk: s for s in schools.defer("extras")}
    entitlements = entitlements_for(user.council_id, list(schools_by_id))
    priority = [pk for pk, e in entitlements.items() if e.priority]
    latest: dict[int, CaseConference] = {}
    for conf in conferences_for(user).filter(school_id__in=priority).order_by("school_id", "-held_on", "-id"):
        latest.setdefault(conf.school_id, conf)
    day = today()
    out = []
    for pk in priority:
        last: CaseConference | None = latest.get(pk)
        next_review = last.next_review if last else None
        out.append(PrioritySchool(schools_by_id[pk], entitlements[pk], last, next_review,
                                  overdue=last is None or (next_review is not None and next_review < day)))
    return sorted(out, key=lambda p: (p.entitlement.severity_rank if p.entitlement.severity_rank is not None else 99,
                                      p.school.name))


# --- caseloads and the council picture --------------------------------------------------------


def advisers_of(council_id: int) -> QuerySet[Any]:
    """People holding an adviser or associate adviser role in the council today."""
    from school_improvement.accounts.models import RoleAssignment

    day = today()
    holding = (RoleAssignment.objects.filter(council_id=council_id, role__in=list(ADVISER_ROLES), starts__lte=day)
               .filter(Q(ends__isnull=True) | Q(ends__gte=day)).values("user_id"))
    return (User.objects.filter(council_id=council_id, is_active=True, pk__in=holding)
            .order_by("last_name", "first_name", "username"))


def adviser_for(user: Any, pk: int) -> Any:
    """An adviser whose caseload the reader may see: their own, or any for the head of service."""
    if not has_perm(user, "visits.view_caseload"):
        raise Http404
    if not is_manager(user) and pk != user.pk:
        raise Http404
    adviser = advisers_of(user.council_id).filter(pk=pk).first()
    if adviser is None:
        raise Http404
    return adviser


def _status(available: Decimal, allocated: Decimal) -> tuple[str, str]:
    """Words and a tag colour for allocated against available days."""
    if available <= 0 and allocated <= 0:
        return "No capacity recorded", "grey"
    if allocated > available:
        return f"Over-allocated by {allocated - available:g} days", "red"
    if allocated < available * Decimal("0.85"):
        return f"Under-allocated: {available - allocated:g} days free", "blue"
    return "About right", "green"


@dataclass
class CaseloadSchool:
    school: Establishment
    is_link: bool
    entitlement: Entitlement
    scheduled_days: Decimal = Decimal("0")
    visits_planned: int = 0
    visits_done: int = 0
    next_visit: Visit | None = None
    overdue_visits: int = 0
    notes_due: int = 0

    @property
    def unscheduled_days(self) -> Decimal:
        if not self.is_link:
            return Decimal("0")
        return max(Decimal("0"), self.entitlement.adviser_days - self.scheduled_days)


@dataclass
class Caseload:
    adviser: Any
    year: int
    capacity: AdviserCapacity | None
    schools: list[CaseloadSchool]
    scheduled_by_term: dict[str, Decimal]
    scheduled_by_funding: dict[str, Decimal]
    other_visits: list[Visit] = field(default_factory=list)  # at schools not in the portfolio

    @property
    def available(self) -> Decimal:
        return self.capacity.total if self.capacity else Decimal("0")

    @property
    def available_by_term(self) -> dict[str, Decimal]:
        if self.capacity:
            return self.capacity.by_term()
        return dict.fromkeys(TERMS, Decimal("0"))

    @property
    def scheduled(self) -> Decimal:
        return sum(self.scheduled_by_term.values(), Decimal("0"))

    @property
    def unscheduled(self) -> Decimal:
        return sum((s.unscheduled_days for s in self.schools), Decimal("0"))

    @property
    def allocated(self) -> Decimal:
        return self.scheduled + self.unscheduled

    @property
    def entitlement_days(self) -> Decimal:
        return sum((s.entitlement.adviser_days for s in self.schools if s.is_link), Decimal("0"))

    @property
    def balance(self) -> Decimal:
        return self.available - self.allocated

    @property
    def status(self) -> tuple[str, str]:
        return _status(self.available, self.allocated)

    def terms(self) -> list[tuple[str, Decimal, Decimal, tuple[str, str]]]:
        available = self.available_by_term
        return [(Term(t).label, available[t], self.scheduled_by_term[t], _status(available[t], self.scheduled_by_term[t]))
                for t in TERMS]


def _portfolios(council_id: int, adviser_ids: list[int]) -> dict[int, list[tuple[int, bool]]]:
    day = today()
    out: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for adviser_id, school_id, is_link in (PortfolioAssignment.objects.for_council(council_id)
                                           .filter(adviser_id__in=adviser_ids)
                                           .exclude(ends__lt=day).exclude(starts__gt=day)
                                           .values_list("adviser_id", "establishment_id", "is_link_adviser")):
        out[adviser_id].append((school_id, is_link))
    return out


def caseloads(council_id: int, advisers: list[Any], year: int) -> list[Caseload]:
    """Each adviser's caseload for a school year, in a fixed number of queries."""
    ids = [a.pk for a in advisers]
    portfolios = _portfolios(council_id, ids)
    school_ids = sorted({s for rows in portfolios.values() for s, _ in rows})
    schools = {s.pk: s for s in Establishment.objects.filter(pk__in=school_ids).defer("extras")}
    entitlements = entitlements_for(council_id, school_ids)
    capacity = {c.adviser_id: c for c in AdviserCapacity.objects.for_council(council_id)
                .filter(adviser_id__in=ids, year=year)}
    visits = list(Visit.objects.for_council(council_id).filter(adviser_id__in=ids, year=year)
                  .exclude(state=VisitState.CANCELLED).select_related("school").order_by("planned_date", "id"))
    day = today()
    note_days = council_settings(council_id).note_due_days
    out = []
    for adviser in advisers:
        rows = {pk: CaseloadSchool(schools[pk], is_link, entitlements[pk])
                for pk, is_link in portfolios.get(adviser.pk, []) if pk in schools}
        by_term: dict[str, Decimal] = {str(t): Decimal("0") for t in TERMS}
        by_funding = dict.fromkeys(Funding.values, Decimal("0"))
        others = []
        for visit in (v for v in visits if v.adviser_id == adviser.pk):
            by_term[visit.term] += visit.days
            by_funding[visit.funding] += visit.days
            row = rows.get(visit.school_id)
            if row is None:
                others.append(visit)
                continue
            if visit.funding == Funding.CORE:
                row.scheduled_days += visit.days
            row.visits_planned += 1
            if visit.state not in (VisitState.PLANNED, VisitState.DRAFT):
                row.visits_done += 1
            if visit.state == VisitState.PLANNED and visit.planned_date >= day and row.next_visit is None:
                row.next_visit = visit
            if visit.state == VisitState.PLANNED and visit.planned_date < day:
                row.overdue_visits += 1
            if (visit.state == VisitState.DRAFT and visit.planned_date < day - dt.timedelta(days=note_days)) or \
                    visit.state == VisitState.RESPONDED or \
                    (visit.state == VisitState.WITH_SCHOOL and visit.accuracy_due and visit.accuracy_due < day):
                row.notes_due += 1
        ordered = sorted(rows.values(), key=lambda r: (not r.is_link, r.school.name))
        out.append(Caseload(adviser, year, capacity.get(adviser.pk), ordered, by_term, by_funding, others))
    return out


def caseload(user: Any, adviser: Any, year: int) -> Caseload:
    return caseloads(user.council_id, [adviser], year)[0]


@dataclass
class CouncilPicture:
    year: int
    caseloads: list[Caseload]
    schools_without_adviser: list[tuple[Establishment, Entitlement]]
    entitlement_total: Decimal
    core_entitlement_by_source: dict[str, Decimal]

    @property
    def available(self) -> Decimal:
        return sum((c.available for c in self.caseloads), Decimal("0"))

    @property
    def allocated(self) -> Decimal:
        return sum((c.allocated for c in self.caseloads), Decimal("0"))

    @property
    def unallocated_days(self) -> Decimal:
        return sum((e.adviser_days for _, e in self.schools_without_adviser), Decimal("0"))

    @property
    def over(self) -> list[Caseload]:
        return [c for c in self.caseloads if c.allocated > c.available]

    @property
    def under(self) -> list[Caseload]:
        return [c for c in self.caseloads if c.status[1] == "blue"]

    @property
    def status(self) -> tuple[str, str]:
        return _status(self.available, self.allocated + self.unallocated_days)


def council_picture(user: Any, year: int) -> CouncilPicture:
    """Allocated against available days for every adviser, and the schools no adviser has."""
    council_id = user.council_id
    advisers = list(advisers_of(council_id))
    loads = caseloads(council_id, advisers, year)
    schools = list(supported_schools(council_id).defer("extras").order_by("name"))
    ids = [s.pk for s in schools]
    entitlements = entitlements_for(council_id, ids)
    links = link_advisers(council_id, ids)
    without = [(s, entitlements[s.pk]) for s in schools if s.pk not in links]
    by_source: dict[str, Decimal] = defaultdict(lambda: Decimal("0"))
    for e in entitlements.values():
        by_source[e.source_label] += e.adviser_days
    return CouncilPicture(year, loads, without, sum((e.adviser_days for e in entitlements.values()), Decimal("0")),
                          dict(by_source))


def capacity_row(user: Any, adviser: Any, year: int) -> AdviserCapacity | None:
    return AdviserCapacity.objects.for_user(user).filter(adviser=adviser, year=year).first()


def school_entitlement(user: Any, urn: int) -> tuple[Establishment, Entitlement, list[Any]]:
    """A school of the council, its entitlement and the history of hand-set entitlements."""
    from .models import EntitlementOverride

    school = Establishment.objects.in_council(user.council_id).filter(pk=urn).first()
    if school is None:
        raise Http404
    history = list(EntitlementOverride.objects.for_user(user).filter(school=school)
                   .select_related("set_by", "ended_by").order_by("-set_at", "-id"))
    return school, entitlements_for(user.council_id, [school.pk])[school.pk], history


def school_visits(user: Any, school: Establishment) -> QuerySet[Visit]:
    return visits_for(user).filter(school=school).select_related("adviser").order_by("-planned_date", "-id")


def visit_events(visit: Visit) -> list[Any]:
    return list(visit.events.select_related("actor").all())


def note_parts(visit: Visit) -> tuple[list[Any], list[AgreedAction]]:
    return list(visit.findings.all()), list(visit.actions.all())


def advisers_choices(user: Any) -> list[tuple[str, str]]:
    return [(str(a.pk), a.get_full_name() or a.username) for a in advisers_of(user.council_id)]
