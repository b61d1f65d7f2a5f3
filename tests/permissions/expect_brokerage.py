"""Capacity and brokerage: officers see the register, needs, shortlists, the plan and the gap; the
head of service decides; providers claim days; headteachers confirm them.

Record kinds: ``provider``, ``need`` and ``match`` belong to council A (``own`` about a1, ``other``
about a2, both visible to the council's officers) or to council B (``foreign``);
``support_assignment`` is support at a1 delivered by the role itself when it may claim (else by
the system leader), at a2 by another adviser, or in council B; ``claim`` is a claim on such an
assignment. Finer rules are tested in school_improvement/brokerage/tests/.
"""

from django.urls import reverse

from .expectations import ALL, NONE, Expect

VIEW = frozenset({"adviser", "head_of_service"})
HOS = frozenset({"head_of_service"})
SUPPORT = frozenset({"adviser", "associate_adviser", "head_of_service", "headteacher", "system_leader"})
CLAIM = frozenset({"system_leader", "associate_adviser", "adviser"})
HEAD = frozenset({"headteacher"})

URLS = {
    "brokerage:overview": Expect(get=VIEW),
    "brokerage:provider_list": Expect(get=VIEW),
    "brokerage:provider_create": Expect(get=HOS, post=HOS),
    "brokerage:provider_detail": Expect(get=VIEW, kwargs="provider", other_visible_to=VIEW),
    "brokerage:provider_edit": Expect(get=HOS, post=HOS, kwargs="provider", other_visible_to=HOS),
    "brokerage:conflict_add": Expect(get=HOS, post=HOS, kwargs="provider", other_visible_to=HOS),
    "brokerage:need_list": Expect(get=VIEW),
    "brokerage:needs_from_categories": Expect(get=NONE, post=HOS),
    "brokerage:need_detail": Expect(get=VIEW, kwargs="need", other_visible_to=VIEW),
    "brokerage:need_choose": Expect(get=NONE, post=HOS, kwargs="need"),
    "brokerage:need_close": Expect(get=NONE, post=VIEW, kwargs="need",
                                   note="an adviser closes needs of their portfolio's schools"),
    "brokerage:need_create": Expect(get=VIEW, post=VIEW, kwargs="school", other_visible_to=HOS,
                                    note="advisers raise needs for their portfolio's schools"),
    "brokerage:plan": Expect(get=VIEW, post=HOS, note="POST runs the matcher"),
    "brokerage:match_update": Expect(get=NONE, post=HOS, kwargs="match"),
    "brokerage:settings": Expect(get=HOS, post=HOS),
    "brokerage:gap": Expect(get=VIEW),
    "brokerage:support_list": Expect(get=SUPPORT),
    "brokerage:claim_create": Expect(get=CLAIM, post=CLAIM, kwargs="support_assignment",
                                     note="only the assignment's own provider claims against it"),
    "brokerage:claim_confirm": Expect(get=HEAD, post=HEAD, kwargs="claim"),
    "api:brokerage_provider_list": Expect(get=VIEW, post=HOS),
    "api:brokerage_provider_detail": Expect(get=VIEW, kwargs="provider", other_visible_to=VIEW),
    "api:brokerage_need_list": Expect(get=VIEW, post=VIEW, note="an empty POST is refused as invalid (400)"),
    "api:brokerage_need_detail": Expect(get=VIEW, kwargs="need", other_visible_to=VIEW),
    "api:brokerage_plan": Expect(get=VIEW, post=HOS),
    "api:brokerage_match_detail": Expect(get=VIEW, post=HOS, kwargs="match", other_visible_to=VIEW),
    "api:brokerage_gap": Expect(get=VIEW),
    "api:brokerage_support_list": Expect(get=SUPPORT),
    "api:brokerage_claim_list": Expect(get=SUPPORT, post=CLAIM),
    "api:brokerage_claim_confirm": Expect(get=NONE, post=HEAD, kwargs="claim"),
}
assert ALL >= VIEW | SUPPORT | CLAIM


def _where(world, which: str):
    return {"own": (world.council_a, world.a1), "other": (world.council_a, world.a2),
            "foreign": (world.council_b, world.b1)}[which]


def provider_url(name: str, world, user, which: str) -> str:
    from school_improvement.brokerage.tests.factories import make_provider

    council, school = _where(world, which)
    return reverse(name, kwargs={"pk": make_provider(council, name=f"Provider near {school.name}").pk})


def need_url(name: str, world, user, which: str) -> str:
    from school_improvement.brokerage.tests.factories import make_need

    council, school = _where(world, which)
    return reverse(name, kwargs={"pk": make_need(council, school).pk})


def match_url(name: str, world, user, which: str) -> str:
    from school_improvement.brokerage.tests.factories import make_match

    council, school = _where(world, which)
    return reverse(name, kwargs={"pk": make_match(council, school).pk})


def _provider_person(world, user, which: str):
    if which == "own":
        return user if user.roles & CLAIM else world.user("system_leader")
    return world.others["adviser"] if which == "other" else world.others["head_of_service_b"]


def assignment_url(name: str, world, user, which: str) -> str:
    from school_improvement.brokerage.tests.factories import make_assignment

    council, school = _where(world, which)
    return reverse(name, kwargs={"pk": make_assignment(council, school, _provider_person(world, user, which)).pk})


def claim_url(name: str, world, user, which: str) -> str:
    from school_improvement.brokerage.tests.factories import make_claim

    council, school = _where(world, which)
    return reverse(name, kwargs={"pk": make_claim(council, school, _provider_person(world, user, which)).pk})


KINDS = {"provider": provider_url, "need": need_url, "match": match_url, "support_assignment": assignment_url,
         "claim": claim_url}
