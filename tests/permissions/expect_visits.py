"""Adviser time and visits: who may see visits and notes, write them, check them, manage capacity.

Record kinds: ``visit_<state>`` is a visit in that state at a1 (``own``: made by the role itself
when it is an adviser or associate adviser, else by a1's link adviser), at a2 by another
portfolio's adviser (``other``) or at b1 in council B (``foreign``); ``visit_action`` an agreed
action of an issued visit; ``adviser`` a person whose caseload is shown; ``conference`` a case
conference. Finer rules (drafts never reach the school, the chair sees issued notes only) are
tested in school_improvement/visits/tests/.
"""

from django.urls import reverse

from .expectations import ALL, NONE, Expect

VIEWERS = frozenset({"adviser", "associate_adviser", "head_of_service", "headteacher", "chair_of_governors"})
RECORDERS = frozenset({"adviser", "associate_adviser", "head_of_service"})
HOS = frozenset({"head_of_service"})
HEAD = frozenset({"headteacher"})
CONFERENCE = frozenset({"adviser", "head_of_service"})
ACTION_UPDATERS = frozenset({"adviser", "associate_adviser", "head_of_service", "headteacher"})

URLS = {
    "visits:visit_list": Expect(get=VIEWERS),
    "visits:visit_detail": Expect(get=VIEWERS, kwargs="visit_issued", other_visible_to=HOS,
                                  note="the school sees notes once sent; the chair once issued"),
    "visits:visit_pdf": Expect(get=VIEWERS, kwargs="visit_issued", other_visible_to=HOS),
    "visits:visit_docx": Expect(get=VIEWERS, kwargs="visit_issued", other_visible_to=HOS),
    "visits:visit_edit": Expect(get=RECORDERS, post=RECORDERS, kwargs="visit_draft", other_visible_to=HOS,
                                note="the visit's own adviser, or the head of service"),
    "visits:visit_autosave": Expect(get=NONE, post=RECORDERS, kwargs="visit_draft",
                                    note="POST only; an empty POST is refused as invalid (400)"),
    "visits:visit_send": Expect(get=NONE, post=RECORDERS, kwargs="visit_draft"),
    "visits:visit_respond": Expect(get=HEAD, post=HEAD, kwargs="visit_with_school",
                                   note="the school's headteacher, while the note is with the school"),
    "visits:visit_answer": Expect(get=RECORDERS, post=RECORDERS, kwargs="visit_responded", other_visible_to=HOS),
    "visits:visit_issue": Expect(get=NONE, post=RECORDERS, kwargs="visit_answered"),
    "visits:visit_cancel": Expect(get=RECORDERS, post=RECORDERS, kwargs="visit_planned", other_visible_to=HOS),
    "visits:visit_plan": Expect(get=RECORDERS, post=RECORDERS, kwargs="school", other_visible_to=HOS,
                                note="advisers plan visits to schools in their portfolio"),
    "visits:entitlement": Expect(get=HOS, post=HOS, kwargs="school", other_visible_to=HOS),
    "visits:conference_create": Expect(get=CONFERENCE, post=CONFERENCE, kwargs="school", other_visible_to=HOS),
    "visits:action_list": Expect(get=VIEWERS),
    "visits:action_update": Expect(get=NONE, post=ACTION_UPDATERS, kwargs="visit_action"),
    "visits:caseload_mine": Expect(get=RECORDERS, note="the head of service is sent to the council page"),
    "visits:caseload": Expect(get=RECORDERS, kwargs="adviser", other_visible_to=HOS),
    "visits:capacity_edit": Expect(get=HOS, post=HOS, kwargs="adviser", other_visible_to=HOS),
    "visits:council": Expect(get=HOS),
    "visits:schedule": Expect(get=HOS, post=HOS),
    "visits:settings": Expect(get=HOS, post=HOS),
    "visits:conference_list": Expect(get=CONFERENCE),
    "visits:conference_detail": Expect(get=CONFERENCE, kwargs="conference", other_visible_to=HOS),
    # The API: the same selectors and permissions.
    "api:visit_list": Expect(get=VIEWERS, post=RECORDERS, note="an empty POST is refused as invalid (400)"),
    "api:visit_detail": Expect(get=VIEWERS, kwargs="visit_issued", other_visible_to=HOS),
    "api:visit_note": Expect(get=NONE, post=RECORDERS, kwargs="visit_draft"),
    "api:visit_send": Expect(get=NONE, post=RECORDERS, kwargs="visit_draft"),
    "api:visit_respond": Expect(get=NONE, post=HEAD, kwargs="visit_with_school"),
    "api:visit_answer": Expect(get=NONE, post=RECORDERS, kwargs="visit_responded"),
    "api:visit_issue": Expect(get=NONE, post=RECORDERS, kwargs="visit_answered"),
    "api:visit_action_list": Expect(get=VIEWERS),
    "api:caseload": Expect(get=RECORDERS, kwargs="adviser", other_visible_to=HOS),
    "api:adviser_capacity": Expect(get=HOS),
    "api:case_conference_list": Expect(get=CONFERENCE, post=CONFERENCE),
    "api:case_conference_detail": Expect(get=CONFERENCE, kwargs="conference", other_visible_to=HOS),
}
assert ALL >= VIEWERS | RECORDERS | ACTION_UPDATERS


def _place(world, user, which: str):
    adviser_roles = {"adviser", "associate_adviser"}
    mine = user if user.roles & adviser_roles else world.user("adviser")
    return {
        "own": (world.council_a, world.a1, mine),
        "other": (world.council_a, world.a2, world.others["adviser"]),
        "foreign": (world.council_b, world.b1, None),
    }[which]


def _visit(state: str):
    def build(name: str, world, user, which: str) -> str:
        from school_improvement.visits.tests.factories import make_visit

        council, school, adviser = _place(world, user, which)
        return reverse(name, kwargs={"pk": make_visit(council, school, adviser, state).pk})

    return build


def action_url(name: str, world, user, which: str) -> str:
    from school_improvement.visits.tests.factories import make_visit

    council, school, adviser = _place(world, user, which)
    visit = make_visit(council, school, adviser, "issued")
    return reverse(name, kwargs={"pk": visit.actions.get().pk})


def adviser_url(name: str, world, user, which: str) -> str:
    person = {"own": _place(world, user, "own")[2], "other": world.others["adviser"],
              "foreign": world.others["head_of_service_b"]}[which]
    return reverse(name, kwargs={"pk": person.pk})


def conference_url(name: str, world, user, which: str) -> str:
    from school_improvement.visits.tests.factories import make_conference

    council, school, _ = _place(world, user, which)
    return reverse(name, kwargs={"pk": make_conference(council, school).pk})


KINDS = {
    **{f"visit_{state}": _visit(state) for state in
       ("issued", "draft", "with_school", "responded", "answered", "planned")},
    "visit_action": action_url,
    "adviser": adviser_url,
    "conference": conference_url,
}
