"""Demo step: improvement journeys at every stage for the demo council.

The demo headteacher's school is in delivery (reviews, an improvement board, actions for its head
and chair, support tapering); schools whose agreed category opens a journey are at diagnosis and
awaiting ratification (one owned by the system leader, as Wigan's consortium leads do); one
maintained school is escalated to a warning notice; one academy has a log of DfE regions group
contacts; one has exited. All through the services, so each has its history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from school_improvement.accounts.models import RoleAssignment, User
from school_improvement.accounts.roles import Role
from school_improvement.core.demo import DemoContext, demo_step
from school_improvement.register.models import Establishment, PortfolioAssignment, SupportAssignment

from . import selectors, services
from .models import Journey, JourneyAction


def _first(council: Any, role: str) -> User | None:
    return User.objects.filter(council=council, role_assignments__role=role).order_by("username").first()


def _link(council: Any, school: Establishment, fallback: User) -> User:
    row = (PortfolioAssignment.objects.for_council(council).filter(establishment=school, is_link_adviser=True)
           .select_related("adviser").first())
    return row.adviser if row else fallback


def _plan(journey: Journey, owner: User, *, measurable: bool = True) -> Journey:
    """Priorities, objectives, milestones, exit criteria and a half-termly schedule over twelve months."""
    today = timezone.localdate()
    services.priority_add(actor=owner, journey=journey, area="achievement",
                          description="Too few pupils reach the expected standard in reading, writing and maths.")
    services.priority_add(actor=owner, journey=journey, area="attendance_and_behaviour",
                          description="Persistent absence is high among disadvantaged pupils.")
    services.priority_add(actor=owner, journey=journey, area="leadership_and_governance",
                          description="Governors do not yet hold leaders to account for the reading plan.")
    journey = services.journey_move(actor=owner, journey=journey, move="finish_diagnosis")
    services.diagnosis_update(actor=owner, journey=journey, summary=(
        "Results have fallen for three years; phonics teaching is inconsistent in key stage 1 and "
        "attendance is below the council's average. Leaders are committed but stretched."))
    target: dict[str, Any] = {"measure": "ks2.rwm_expected_pct", "comparison": ">=", "threshold": "65"}
    reading = services.objective_add(
        actor=owner, journey=journey, title="Raise attainment in reading, writing and maths",
        success_criteria="At least 65% of pupils reach the expected standard in RWM at key stage 2.",
        **(target if measurable else {}))
    services.objective_add(actor=owner, journey=journey, title="Improve attendance",
                           success_criteria="Overall attendance above 94%, persistent absence falling each term.",
                           measure="attendance.overall_pct", comparison=">", threshold="94")
    services.objective_add(actor=owner, journey=journey, title="Strengthen governance",
                           success_criteria="Governors' minutes show challenge on the reading plan each half term.")
    services.milestone_add(actor=owner, journey=journey, title="Phonics training for every key stage 1 teacher",
                           due_on=today + dt.timedelta(days=30), objective=reading)
    services.milestone_add(actor=owner, journey=journey, title="External review of governance",
                           due_on=today + dt.timedelta(days=90))
    services.exit_criterion_add(actor=owner, journey=journey, text="Attendance above 94%",
                                measure="attendance.overall_pct", comparison=">", threshold="94")
    services.exit_criterion_add(actor=owner, journey=journey,
                                text="Leaders sustain the reading plan without the support package")
    return services.schedule_set(actor=owner, journey=journey, review_every_weeks=6,
                                 first_review_on=today + dt.timedelta(days=42), clock_months=12)


def _ratified(journey: Journey, owner: User, hos: User) -> Journey:
    journey = services.journey_move(actor=owner, journey=journey, move="submit_statement")
    return services.journey_move(actor=hos, journey=journey, move="ratify")


def _support(journey: Journey, owner: User) -> None:
    for assignment in SupportAssignment.objects.for_council(journey.council_id).filter(establishment=journey.school):
        services.support_link(actor=owner, journey=journey, assignment=assignment,
                              note="Brokered to the school's priorities")


def _review(journey: Journey, owner: User, held_days_ago: int, next_in: int, rags: list[str], summary: str) -> None:
    today = timezone.localdate()
    review = services.review_start(actor=owner, journey=journey, held_on=today - dt.timedelta(days=held_days_ago))
    objectives = list(journey.objectives.order_by("id"))
    ratings = {o.pk: (rag, evidence) for o, (rag, evidence) in zip(objectives, [
        (rags[0], "Autumn assessments: 52% on track for the expected standard in RWM."),
        (rags[1], "Attendance 92.8% this half term; persistent absence down two points."),
        (rags[2], "Governors' minutes record questions on the reading plan."),
    ], strict=False)}
    services.review_save(actor=owner, review=review, version=review.version, summary=summary,
                         next_review_on=today + dt.timedelta(days=next_in), ratings=ratings, complete=True)


def _maintained(schools: list[Establishment]) -> list[Establishment]:
    return [s for s in schools if services.school_kind(s) == Journey.SchoolKind.MAINTAINED]


@demo_step(70, "Improvement journeys: diagnosis, statements of action, reviews, a board, escalation, exit")
def improvement_journeys(ctx: DemoContext) -> None:
    council = ctx.council
    if Journey.objects.for_council(council).exists():
        return
    hos = _first(council, Role.HEAD_OF_SERVICE)
    head_seat = RoleAssignment.objects.for_council(council).filter(role=Role.HEADTEACHER).select_related(
        "establishment", "user").first()
    chair = _first(council, Role.CHAIR_OF_GOVERNORS)
    leader = _first(council, Role.SYSTEM_LEADER)
    adviser = _first(council, Role.ADVISER)
    if hos is None or head_seat is None or adviser is None:
        ctx.say("    no head of service, headteacher or adviser: skipped")
        return
    today = timezone.localdate()
    used: set[int] = set()

    def open_for(school: Establishment, owner: User, reason: str = "", decision: Any = None) -> Journey:
        used.add(school.pk)
        return services.journey_open(actor=hos, school=school, owner=owner, reason=reason, category_decision=decision)

    # 1. The demo head's school, in delivery: reviews, a board meeting, actions for its head and chair.
    school = head_seat.establishment
    owner = _link(council, school, adviser)
    journey = open_for(school, owner, "Results fell for a third year and the deputy head is on long-term leave; "
                                      "the head of service decided to open a journey before the next round.")
    journey = _ratified(_plan(journey, owner), owner, hos)
    _support(journey, owner)
    _review(journey, owner, 50, -8, ["red", "amber", "amber"], "A slow start: phonics training began late.")
    services.meeting_record(actor=owner, journey=journey, held_on=today - dt.timedelta(days=45),
                            attendees=f"{hos} (head of service, chair of the board)\n{owner} (link adviser)\n"
                                      f"{head_seat.user} (headteacher)\n{chair or 'Chair of governors'}",
                            minutes="The board reviewed the first half term. Reading remains the priority; the "
                                    "board asked for a weekly attendance report to governors.")
    meeting = journey.meetings.first()
    services.action_add(actor=owner, journey=journey, meeting=meeting, owner=head_seat.user,
                        description="Send governors a weekly attendance report",
                        due_on=today - dt.timedelta(days=10))
    services.action_add(actor=owner, journey=journey, meeting=meeting, owner=head_seat.user,
                        description="Publish the phonics catch-up timetable to parents",
                        due_on=today + dt.timedelta(days=14))
    if chair is not None:
        services.action_add(actor=owner, journey=journey, meeting=meeting, owner=chair,
                            description="Appoint a link governor for reading", due_on=today + dt.timedelta(days=21))
    first = journey.actions.order_by("id").first()
    assert first is not None
    services.action_update(actor=head_seat.user, action=first, version=first.version, state=JourneyAction.State.OPEN,
                           progress="Template agreed with the clerk; the first report goes on Friday.")

    # 2. Schools whose agreed category opens a journey (from categorisation), else from portfolios.
    awaiting = [row for row in selectors.schools_awaiting_journey(hos) if row["school"].pk not in used]
    portfolio = list(Establishment.objects.in_council(council).open().filter(
        portfolio_assignments__is_link_adviser=True).exclude(pk__in=used).order_by("name")[:40])
    candidates = [(row["school"], row["decision"]) for row in awaiting] + [(s, None) for s in portfolio]
    seen: set[int] = set()
    candidates = [(s, d) for s, d in candidates if not (s.pk in seen or seen.add(s.pk))]  # type: ignore[func-returns-value]

    def take(maintained: bool | None = None) -> tuple[Establishment, Any] | None:
        for pair in candidates:
            school, _ = pair
            if school.pk in used:
                continue
            kind = services.school_kind(school)
            if kind == Journey.SchoolKind.OTHER:  # colleges, independent schools: not the council's to improve
                continue
            if maintained is True and kind != Journey.SchoolKind.MAINTAINED:
                continue
            if maintained is False and kind != Journey.SchoolKind.ACADEMY:
                continue
            return pair
        return None

    reason = "The link adviser's visits found leadership capacity stretched; support is needed now."
    made = 1
    pair = take()
    if pair:  # at diagnosis
        school, decision = pair
        j = open_for(school, _link(council, school, adviser), reason, decision)
        services.priority_add(actor=hos, journey=j, area="curriculum_and_teaching",
                              description="Curriculum sequencing in foundation subjects is weak.")
        made += 1
    pair = take()
    if pair:  # statement submitted, owned by the system leader (a consortium lead, as in Wigan)
        school, decision = pair
        j = open_for(school, leader or _link(council, school, adviser), reason, decision)
        j = _plan(j, j.owner)
        services.journey_move(actor=j.owner, journey=j, move="submit_statement")
        made += 1
    pair = take(maintained=True)
    if pair:  # escalated to a warning notice
        school, decision = pair
        owner = _link(council, school, adviser)
        j = _ratified(_plan(open_for(school, owner, reason, decision), owner), owner, hos)
        _review(j, owner, 120, -70, ["red", "red", "red"], "No improvement; governors have not met since March.")
        j = services.journey_move(actor=owner, journey=j, move="escalate",
                                  reason="Two reviews without progress; the board recommends formal powers.")
        concern = services.step_propose(actor=owner, journey=j, kind="letter_of_concern",
                                        reason="Reading results have fallen for three years.")
        services.step_move(actor=hos, step=concern, move="approve")
        services.step_move(actor=hos, step=concern, move="issue", issued_on=today - dt.timedelta(days=40))
        services.step_move(actor=owner, step=concern, move="respond", response="The governing body accepts the "
                           "concerns and asks for more support.", response_on=today - dt.timedelta(days=30))
        services.step_move(actor=owner, step=concern, move="conclude", reason="Response received; no change seen.")
        notice = services.step_propose(
            actor=hos, journey=j, kind="warning_notice", reason="The letter of concern brought no change.",
            grounds=["standards", "management"],
            grounds_detail="Only 38% of pupils reached the expected standard in reading, writing and maths, "
                           "against 65% nationally; the governing body has not met since March.",
            required_actions="Appoint a reading lead by half term; governors to meet monthly and minute their "
                             "challenge on the reading plan.", compliance_by=today + dt.timedelta(days=50))
        services.step_move(actor=hos, step=notice, move="approve")
        services.step_move(actor=hos, step=notice, move="issue", issued_on=today - dt.timedelta(days=5))
        # This journey opened last year: its clock has run out and a decision is due.
        Journey.objects.filter(pk=j.pk).update(decision_due=today - dt.timedelta(days=12))
        made += 1
    pair = take(maintained=False)
    if pair:  # an academy: the DfE regions group's log
        school, decision = pair
        owner = _link(council, school, adviser)
        j = _ratified(_plan(open_for(school, owner, reason, decision), owner), owner, hos)
        j = services.journey_move(actor=owner, journey=j, move="escalate",
                                  reason="The trust has not engaged with the support offered.")
        services.dfe_contact_add(actor=owner, journey=j, on=today - dt.timedelta(days=20), kind="referral",
                                 contact="Regions group, schools causing concern team",
                                 summary="Referred the academy's declining results and the trust's response.",
                                 evidence_sent="Statement of action; two progress reviews; results 2017-2019.")
        made += 1
    pair = take()
    if pair:  # exited: criteria judged and met
        school, decision = pair
        owner = _link(council, school, adviser)
        j = _ratified(_plan(open_for(school, owner, reason, decision), owner), owner, hos)
        _review(j, owner, 30, 12, ["green", "green", "green"], "Every objective met; leaders now lead the work.")
        for link in j.support.all():
            services.support_taper(actor=owner, link=link, intensity="ended", note="The school leads its own plan.")
        for criterion in j.exit_criteria.all():
            if not criterion.is_measurable:
                services.exit_criterion_judge(actor=owner, criterion=criterion, met=True,
                                              note="Leaders ran the plan alone this term; the board agreed.")
        services.journey_move(actor=hos, journey=j, move="exit", skip=not selectors.statement(j).exit_ready,
                              reason="Leaders sustain the improvement; attendance data for this year are not "
                                     "published yet, so the head of service judged the exit on the reviews.")
        made += 1
    ctx.say(f"    {made} journeys; the demo headteacher's school is in delivery with a board and actions")
