"""Improvement journeys: nobody outside the council's staff on the journey, the school's head and
chair, and the named providers sees one.

Record kinds: ``journey`` (``own`` is a1's journey, in delivery, owned by a1's link adviser with the
system leader's support in its package; ``other`` is a2's, owned by another adviser; ``foreign`` is
council B's), ``journey_review`` (a review on each), ``journey_action`` (an action on each; the own
one is assigned to the person asking, the others to someone else) and ``journey_step`` (an issued
warning notice on each). The exit report needs an exited journey, so it gets one.
Finer rules (stages, gates, school view, stale edits) are tested in school_improvement/journeys/tests/.
"""

from datetime import date, timedelta

from django.urls import reverse

from .expectations import NONE, Expect

VIEWERS = frozenset({"adviser", "associate_adviser", "head_of_service", "system_leader", "headteacher",
                     "chair_of_governors"})
MANAGERS = frozenset({"adviser", "head_of_service"})  # a1's owner and the head of service
OPENERS = frozenset({"adviser", "head_of_service"})
ESCALATION_READERS = VIEWERS - {"system_leader"}
HOS = frozenset({"head_of_service"})

JOURNEY = {"kwargs": "journey", "other_visible_to": HOS}

URLS = {
    "journeys:dashboard": Expect(get=MANAGERS, note="advisers see their own; the head of service all"),
    "journeys:open": Expect(get=OPENERS, post=OPENERS),
    "journeys:notifications": Expect(get=VIEWERS, post=VIEWERS),
    "journeys:templates": Expect(get=HOS, post=HOS),
    "journeys:detail": Expect(get=VIEWERS, **JOURNEY),
    "journeys:diagnosis": Expect(get=VIEWERS, post=MANAGERS, **JOURNEY),
    "journeys:statement": Expect(get=VIEWERS, post=MANAGERS, **JOURNEY),
    "journeys:statement_pdf": Expect(get=VIEWERS, **JOURNEY),
    "journeys:statement_docx": Expect(get=VIEWERS, **JOURNEY),
    "journeys:move": Expect(get=MANAGERS, post=MANAGERS, **JOURNEY),
    "journeys:exit": Expect(get=MANAGERS, post=MANAGERS, **JOURNEY),
    "journeys:exit_report": Expect(get=VIEWERS, **JOURNEY, note="an exited journey"),
    "journeys:reviews": Expect(get=VIEWERS, post=MANAGERS, **JOURNEY),
    "journeys:board": Expect(get=VIEWERS, post=MANAGERS, **JOURNEY),
    "journeys:escalation": Expect(get=ESCALATION_READERS, post=MANAGERS, **JOURNEY,
                                  note="named providers do not see the council's escalation"),
    "journeys:review": Expect(get=VIEWERS, post=MANAGERS, kwargs="journey_review", other_visible_to=HOS),
    "journeys:action": Expect(get=VIEWERS, post=VIEWERS, kwargs="journey_action", other_visible_to=HOS,
                              note="the action's owner updates it (here: the person asking)"),
    "journeys:step_letter_pdf": Expect(get=ESCALATION_READERS, kwargs="journey_step", other_visible_to=HOS),
    "journeys:step_letter_docx": Expect(get=ESCALATION_READERS, kwargs="journey_step", other_visible_to=HOS),
    "api:journey_list": Expect(get=VIEWERS, post=OPENERS),
    "api:journey_watchlist": Expect(get=MANAGERS),
    "api:journey_detail": Expect(get=VIEWERS, **JOURNEY),
    "api:journey_move": Expect(get=NONE, post=MANAGERS, **JOURNEY),
    "api:journey_needs": Expect(get=VIEWERS, post=MANAGERS, **JOURNEY),
    "api:journey_review": Expect(get=VIEWERS, post=MANAGERS, kwargs="journey_review", other_visible_to=HOS),
    "api:journey_action": Expect(get=VIEWERS, post=VIEWERS, kwargs="journey_action", other_visible_to=HOS),
}


def _journey(world, which: str, *, exited: bool = False):
    from school_improvement.journeys.models import Journey, SupportLink
    from school_improvement.register.models import SupportAssignment

    school, council, owner = {
        "own": (world.a1, world.council_a, world.user("adviser")),
        "other": (world.a2, world.council_a, world.others["adviser"]),
        "foreign": (world.b1, world.council_b, world.others["head_of_service_b"]),
    }[which]
    fields = {"council": council, "school": school, "school_kind": "maintained", "owner": owner,
              "opened_because": "decision", "opened_reason": "Matrix"}
    journey = None if exited else Journey.objects.filter(school=school).exclude(status="closed").first()
    if journey is None:
        state = {"stage": "exited", "status": "closed", "exit_report": {"criteria": []}} if exited else \
            {"stage": "delivery", "status": "open"}
        journey = Journey.objects.create(**fields, **state)
        if which == "own":  # the system leader is a named provider
            SupportLink.objects.create(journey=journey, assignment=SupportAssignment.objects.get(establishment=school))
    return journey


def journey_url(name, world, user, which):
    journey = _journey(world, which, exited=name == "journeys:exit_report")
    return reverse(name, kwargs={"pk": journey.pk})


def review_url(name, world, user, which):
    from school_improvement.journeys.models import Review

    journey = _journey(world, which)
    number = journey.reviews.count() + 1
    review = Review.objects.create(journey=journey, number=number, held_on=date(2026, 1, 10))
    return reverse(name, kwargs={"pk": review.pk})


def action_url(name, world, user, which):
    from school_improvement.journeys.models import JourneyAction

    journey = _journey(world, which)
    owner = user if which == "own" else {"other": world.others["adviser"],
                                         "foreign": world.others["head_of_service_b"]}[which]
    action = JourneyAction.objects.create(journey=journey, description="Publish the plan", owner=owner,
                                          due_on=date.today() + timedelta(days=30))
    return reverse(name, kwargs={"pk": action.pk})


def step_url(name, world, user, which):
    from school_improvement.journeys.models import EscalationStep

    journey = _journey(world, which)
    step = EscalationStep.objects.create(journey=journey, kind="warning_notice", state="issued", reason="Matrix",
                                         proposed_by=journey.owner, grounds=["standards"], grounds_detail="Low",
                                         compliance_by=date(2026, 6, 1), issued_on=date(2026, 3, 1))
    return reverse(name, kwargs={"pk": step.pk})


KINDS = {"journey": journey_url, "journey_review": review_url, "journey_action": action_url,
         "journey_step": step_url}
