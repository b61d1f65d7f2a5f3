"""Demo step: adviser capacity, the year's visit schedule from each school's cadence, notes of
visit at every stage, and case conferences for priority schools.

Visits already past are written up: most notes issued, recent ones with the school for checking,
a few still in draft and a few not started (so dashboards show overdue work). The demo
headteacher has one note to check and one issued after they marked a point inaccurate.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from school_improvement.accounts.models import RoleAssignment, User
from school_improvement.accounts.roles import Role
from school_improvement.core.demo import DemoContext, demo_step

from . import entitlements, selectors, services
from .models import Funding, Purpose, Verdict, Visit, VisitState, academic_year

#: Points a note makes, by Ofsted evaluation area.
POINTS: list[tuple[str, str]] = [
    ("achievement", "Pupils' attainment in reading at the end of Key Stage 2 is now close to the national average; "
                    "writing remains below it, especially for disadvantaged pupils."),
    ("achievement", "Internal assessment shows most pupils in Years 3 and 4 are on track in mathematics; leaders "
                    "have identified a group of 12 pupils who need catch-up support."),
    ("curriculum_and_teaching", "The phonics programme is taught consistently in Reception and Year 1; books "
                                "are well matched to the sounds pupils know."),
    ("curriculum_and_teaching", "In the lessons visited, teachers checked pupils' understanding well; in two "
                                "classes tasks did not build on what pupils had learned before."),
    ("leadership_and_governance", "Leaders have an accurate view of the school's strengths and weaknesses; the "
                                  "improvement plan's priorities follow from it."),
    ("leadership_and_governance", "Governors receive detailed reports but minutes show little challenge on "
                                  "attendance and on the progress of pupils with SEND."),
    ("attendance_and_behaviour", "Overall attendance has improved to 95.1%; persistent absence remains high "
                                 "among pupils eligible for free school meals."),
    ("attendance_and_behaviour", "Pupils behave well in lessons and around the school; the number of "
                                 "suspensions has fallen this year."),
    ("inclusion", "The SENCo has reviewed every pupil's support plan this term; some plans still lack "
                  "measurable targets."),
    ("personal_development_and_wellbeing", "The personal development curriculum is well planned; pupils spoke "
                                           "confidently about keeping safe online."),
    ("safeguarding", "The single central record was checked and is compliant; staff training is up to date."),
    ("early_years", "Children in Reception settle quickly; the outdoor area is not yet used well to develop "
                    "early language."),
]
ACTIONS: list[tuple[str, str]] = [
    ("Share the writing improvement plan with governors and report progress each half term.", "Headteacher"),
    ("Put a catch-up programme in place for the 12 pupils identified in mathematics.", "Maths lead"),
    ("Add measurable targets to every SEND support plan.", "SENCo"),
    ("Challenge leaders on the attendance of disadvantaged pupils at each governors' meeting.", "Chair of governors"),
    ("Arrange a visit to a strong school to see early reading in Reception.", "Early years lead"),
    ("Broker specialist support for writing in Key Stage 2.", "Link adviser"),
]
SUMMARIES = [
    "A productive visit. The school knows itself well and is making steady progress against its priorities.",
    "Leaders are tackling the right priorities; the pace of improvement in writing needs to increase.",
    "A positive picture overall, with attendance the main area for further work.",
]


def _first(council: Any, role: str) -> User | None:
    return User.objects.filter(council=council, role_assignments__role=role).order_by("username").first()


def _write_note(visit: Visit, rng: random.Random, day: dt.date) -> Visit:
    points = rng.sample(POINTS, 3)
    actions = rng.sample(ACTIONS, 2)
    note = services.DraftNote(
        visit_date=day, evidence_seen="Learning walk with the headteacher; work in pupils' books; the latest "
                                      "assessment and attendance information; governors' minutes.",
        summary=rng.choice(SUMMARIES), findings=list(points),
        actions=[(text, owner, day + dt.timedelta(days=rng.choice([30, 45, 60]))) for text, owner in actions])
    return services.visit_save_draft(actor=visit.adviser, visit=visit, note=note)


def _capacity(council: Any, advisers: list[Any], year: int, rng: random.Random) -> None:
    loads = {c.adviser.pk: c for c in selectors.caseloads(council.pk, advisers, year)}
    for index, adviser in enumerate(advisers):
        associate = RoleAssignment.objects.filter(user=adviser, role=Role.ASSOCIATE_ADVISER).exists()
        if associate:
            terms = (Decimal("8"), Decimal("7"), Decimal("5"))
            note = "Associate contract: 20 days"
        else:
            need = loads[adviser.pk].entitlement_days or Decimal("20")
            # Some advisers have room to spare, some are stretched: the council page shows both.
            factor = [Decimal("1.25"), Decimal("0.85"), Decimal("1.0"), Decimal("1.1")][index % 4]
            total = min(need * factor, Decimal("150")).quantize(Decimal("1"))
            terms = ((total * Decimal("0.4")).quantize(Decimal("1")), (total * Decimal("0.35")).quantize(Decimal("1")),
                     total - (total * Decimal("0.4")).quantize(Decimal("1")) - (total * Decimal("0.35")).quantize(
                         Decimal("1")))
            note = rng.choice(["0.6 FTE", "0.8 FTE", "Full time (school improvement share)"])
        services.capacity_set(actor=None, council=council, adviser=adviser, year=year, autumn_days=terms[0],
                              spring_days=terms[1], summer_days=terms[2], note=note)


@demo_step(60, "Adviser time and visits: capacity, the year's visit schedule, notes of visit, case conferences")
def adviser_time_and_visits(ctx: DemoContext) -> None:
    council = ctx.council
    if Visit.objects.for_council(council).exists():
        return
    rng = random.Random(ctx.seed + 60)
    today = timezone.localdate()
    year = academic_year(today)
    hos = _first(council, Role.HEAD_OF_SERVICE)
    advisers = list(selectors.advisers_of(council.pk))
    _capacity(council, advisers, year, rng)

    # Two struggling schools with no agreed category get more time, set by hand with a reason.
    schools = list(services.supported_schools(council).order_by("name"))
    current = entitlements.entitlements_for(council, [s.pk for s in schools])
    weak = [s for s in schools if s.ofsted_rating in ("Inadequate", "Requires improvement")
            and current[s.pk].source == entitlements.DEFAULT][:2]
    for school in weak:
        entitlements.entitlement_set(
            actor=hos, council=council, school=school, adviser_days=Decimal("10"), visits_per_year=Decimal("6"),
            reason=f"{school.ofsted_rating} at its last inspection: half-termly visits agreed until it is "
                   "categorised.")

    result = services.schedule_generate(actor=hos, council=council, year=year, today=dt.date(year, 9, 1))
    ctx.say(f"    {result.created} visits planned at {result.schools} schools for {year}/{str(year + 1)[-2:]}; "
            f"{len(result.without_adviser)} schools have no link adviser")

    head = RoleAssignment.objects.for_council(council).filter(role=Role.HEADTEACHER).select_related(
        "user", "establishment").first()
    head_school = head.establishment_id if head else None
    window = entitlements.council_settings(council).accuracy_window_days
    counts = {"issued": 0, "with_school": 0, "draft": 0, "overdue": 0}
    past = (Visit.objects.for_council(council).filter(planned_date__lt=today, state=VisitState.PLANNED)
            .exclude(adviser__isnull=True).exclude(school_id=head_school).select_related("school", "adviser")
            .order_by("planned_date", "id"))
    for visit in past:
        roll = rng.random()
        age = (today - visit.planned_date).days
        if roll < 0.07:
            counts["overdue"] += 1
            continue
        visit = _write_note(visit, rng, visit.planned_date)
        if roll < 0.15 and age < 40:
            counts["draft"] += 1
            continue
        if age <= window + 3 or (age <= 30 and roll < 0.45):
            # Written up recently: the school is still checking it.
            services.visit_send(actor=visit.adviser, visit=visit, today=today - dt.timedelta(days=min(age, 3)))
            counts["with_school"] += 1
            continue
        services.visit_send(actor=visit.adviser, visit=visit, today=visit.planned_date + dt.timedelta(days=3))
        services.visit_issue(actor=visit.adviser, visit=visit, today=today)
        counts["issued"] += 1
    ctx.say(f"    notes: {counts['issued']} issued, {counts['with_school']} with schools, {counts['draft']} in draft, "
            f"{counts['overdue']} visits overdue")
    if head is not None:
        _head_school_notes(head, council, rng, today)
    _case_conferences(council, hos, schools, rng, today)


def _head_school_notes(head: Any, council: Any, rng: random.Random, today: dt.date) -> None:
    """The demo head's school: an issued note with an exchange, and one waiting for them to check."""
    school = head.establishment
    link = services.link_advisers(council, [school.pk]).get(school.pk)
    if link is None:
        return
    earlier = services.visit_plan(actor=link, council=council, school=school, planned_date=today - dt.timedelta(days=45),
                                  purpose=Purpose.MONITORING, adviser=link)
    earlier = _write_note(earlier, rng, earlier.planned_date)
    earlier = services.visit_send(actor=link, visit=earlier, today=earlier.planned_date + dt.timedelta(days=2))
    first, second, third = earlier.findings.all()
    earlier = services.visit_respond(actor=head.user, visit=earlier, verdicts={
        first.pk: (Verdict.ACCURATE, ""), third.pk: (Verdict.ACCURATE, ""),
        second.pk: (Verdict.INACCURATE, "The figure quoted is from last year; this year's is better.")},
        comment="Thank you for a helpful visit.")
    earlier = services.visit_answer(actor=link, visit=earlier, answers={
        second.pk: ("Checked against this year's data: amended.", second.text.replace("now close to", "in line with"))})
    services.visit_issue(actor=link, visit=earlier)
    recent = services.visit_plan(actor=link, council=council, school=school, planned_date=today - dt.timedelta(days=4),
                                 purpose=Purpose.HEAD_PERFORMANCE, funding=Funding.TRADED, adviser=link)
    recent = _write_note(recent, rng, recent.planned_date)
    services.visit_send(actor=link, visit=recent)


def _case_conferences(council: Any, hos: Any, schools: list[Any], rng: random.Random, today: dt.date) -> None:
    current = entitlements.entitlements_for(council, [s.pk for s in schools])
    priority = [s for s in schools if current[s.pk].priority] or \
        [s for s in schools if s.ofsted_rating in ("Inadequate", "Requires improvement")]
    for school in priority[:3]:
        link = services.link_advisers(council, [school.pk]).get(school.pk)
        try:
            services.conference_record(
                actor=hos, council=council, school=school, held_on=today - dt.timedelta(days=rng.choice([10, 20, 30])),
                attendees=[f"{hos or 'Head of service'}, head of school improvement",
                           f"{link or 'Link adviser'}, link adviser", f"Headteacher of {school.name}",
                           "Chair of governors"],
                evidence_reviewed="Latest inspection report; Key Stage 2 results for three years; attendance; the "
                                  "school's improvement plan; soft intelligence from HR and finance.",
                decisions="Agreed intensive support for two terms: half-termly adviser visits, brokered support "
                          "for early reading from a specialist leader, and a review at the next conference.",
                next_review=today + dt.timedelta(days=42),
                actions=[("Broker early reading support from a specialist leader of education.", "Head of service",
                          today + dt.timedelta(days=14)),
                         ("Present the revised improvement plan to governors.", "Headteacher",
                          today + dt.timedelta(days=28))])
        except ValidationError:
            continue
