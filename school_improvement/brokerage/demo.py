"""Demo step: a capacity register drawn from the council's strong schools, needs from categories
and from advisers, a whole-council matching run with officers' decisions, and support claims.

Providers are the heads and specialist leaders of the council's Outstanding and Good schools, a
trust's central team, an external consultant placed by postcode and two council advisers. Needs
come from the agreed priority categories (when categorisation has run) and from advisers for
schools whose last inspection found them wanting. The matcher runs; the head of service agrees
some matches (support assignments are made), locks one with fewer days, rejects one, and runs
it again. Providers then claim days, and one school confirms.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from engines.matching import KIND_LABELS
from school_improvement.accounts import services as account_services
from school_improvement.accounts.models import RoleAssignment, User
from school_improvement.accounts.roles import Role
from school_improvement.core.demo import DEMO_PASSWORD, DemoContext, demo_step
from school_improvement.register.models import GroupMembership, SupportAssignment
from school_improvement.visits.services import link_advisers, supported_schools

from . import services
from .models import Match, MatchStatus, NeedSource, Priority, Provider

# First names after "David" in the alphabet: the demo's named system leader (David Osei) stays the
# first system leader login that load_demo prints.
FIRST = ["Esther", "Farid", "Grace", "Hugh", "Imogen", "Jonah", "Keira", "Liam", "Maya", "Nikhil", "Olivia", "Rhys"]
LAST = ["Ashworth", "Bennett", "Chowdhury", "Doyle", "Ellis", "Fraser", "Gill", "Hartley", "Iqbal", "Jenkins",
        "Kaur", "Lowe"]
#: (kind, areas with fits) offered by the leaders of strong schools, in turn.
OFFERS: list[tuple[str, dict[str, float]]] = [
    ("LLE", {"leadership": 0.9, "governance": 0.7, "curriculum": 0.6}),
    ("SLE", {"early_reading": 0.95, "english": 0.85}),
    ("SLE", {"maths": 0.95, "curriculum": 0.6}),
    ("strong_school", {"send": 0.85, "inclusion": 0.8, "behaviour_and_attitudes": 0.6}),
    ("LLE", {"leadership": 0.85, "attendance": 0.8, "behaviour_and_attitudes": 0.7}),
    ("SLE", {"english": 0.9, "curriculum": 0.7}),
    ("hub", {"early_reading": 0.8, "maths": 0.8, "english": 0.7, "curriculum": 0.8}),
    ("LLE", {"leadership": 0.8, "quality_of_education": 0.8, "english": 0.6}),
    ("SLE", {"early_years": 0.9, "early_reading": 0.7}),
    ("strong_school", {"attendance": 0.85, "personal_development": 0.7}),
    ("LLE", {"leadership": 0.85, "governance": 0.8}),
    ("SLE", {"english": 0.85, "early_reading": 0.8}),
    ("SLE", {"send": 0.9, "quality_of_education": 0.6}),
    ("LLE", {"leadership": 0.9, "english": 0.6}),
]
NEED_AREAS = ["early_reading", "maths", "leadership", "send", "attendance", "curriculum", "english", "early_years"]


def _phases(school: Any) -> list[str]:
    phase = services.phase_of(school)
    return ["primary", "all_through"] if phase == "primary" else [phase, "all_through"] if phase == "secondary" else \
        [phase]


def _person(ctx: DemoContext, first: str, last: str, title: str) -> User:
    username = f"{first}.{last}".lower()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.user_create(actor=None, council=ctx.council, username=username,
                                            email=f"{username}@borsetshire.example", first_name=first,
                                            last_name=last, job_title=title, password=DEMO_PASSWORD)
        account_services.role_assign(actor=None, user=user, role=Role.SYSTEM_LEADER,
                                     target=account_services.ScopeTarget())
    return user


def _providers(ctx: DemoContext, schools: list[Any], rng: random.Random) -> list[Provider]:
    council = ctx.council
    made: list[Provider] = []
    leader = (User.objects.filter(council=council, role_assignments__role=Role.SYSTEM_LEADER)
              .order_by("username").first())
    # Leaders of strong mainstream schools, primary first (most needs are primary), spread across
    # the council so that distance matters.
    mainstream = [s for s in schools if s.easting and services.phase_of(s) in ("primary", "secondary")]
    strong = [s for s in mainstream if s.ofsted_rating == "Outstanding"] + \
        [s for s in mainstream if s.ofsted_rating == "Good"][::3]
    if leader is not None:
        own = next((s for s in strong if s.name in leader.job_title), strong[0] if strong else None)
        if own is not None:
            made.append(services.provider_save(
                actor=None, council=council, name=str(leader), kind="NLE", user=leader, school=own,
                phases=_phases(own), expertise={"leadership": 1.0, "early_reading": 0.9, "curriculum": 0.8},
                autumn_days=6, spring_days=6, summer_days=4, notes="National leader of education."))
            strong = [s for s in strong if s.pk != own.pk]
    for index, (school, (kind, expertise)) in enumerate(zip(strong, OFFERS, strict=False)):
        first, last = FIRST[index % len(FIRST)], LAST[(index * 5) % len(LAST)]
        title = f"{KIND_LABELS[kind]}, {school.name}"
        user = _person(ctx, first, last, title)
        days = rng.choice([4, 5, 6])
        name = f"{school.name} (teaching school hub)" if kind == "hub" else (
            f"{school.name}" if kind == "strong_school" else f"{first} {last}")
        made.append(services.provider_save(
            actor=None, council=council, name=name, kind=kind, user=user, school=school, phases=_phases(school),
            expertise=expertise, autumn_days=days, spring_days=days, summer_days=max(1, days - 1),
            day_rate=Decimal("500") if kind == "hub" else None))
    # A trust's central team, based at one of its schools.
    membership = (GroupMembership.objects.filter(establishment__in=[s.pk for s in schools], left__isnull=True,
                                                 group__type__icontains="multi-academy")
                  .select_related("group", "establishment").order_by("group__name").first())
    if membership is not None and membership.establishment.easting:
        user = _person(ctx, "Priya", "Natarajan", f"Director of school improvement, {membership.group.name}")
        made.append(services.provider_save(
            actor=None, council=council, name=f"{membership.group.name} central team", kind="trust_team", user=user,
            school=membership.establishment, phases=_phases(membership.establishment),
            expertise={"leadership": 0.8, "governance": 0.9, "quality_of_education": 0.7},
            autumn_days=4, spring_days=4, summer_days=3, day_rate=Decimal("600")))
    # An external consultant, placed by postcode.
    placed = next((s for s in reversed(schools) if s.postcode and s.easting), None)
    if placed is not None:
        user = _person(ctx, "Martin", "Whitlock", "Independent school improvement consultant")
        made.append(services.provider_save(
            actor=None, council=council, name="Martin Whitlock (consultant)", kind="consultant", user=user,
            postcode=placed.postcode, phases=["primary", "secondary"], expertise={"send": 0.7, "maths": 0.6},
            autumn_days=5, spring_days=5, summer_days=5, day_rate=Decimal("650")))
    # Two council advisers with a few days for specialist support.
    centre = [s for s in schools if s.easting]
    middle = centre[len(centre) // 2] if centre else None
    for adviser in list(User.objects.filter(council=council, role_assignments__role=Role.ADVISER)
                        .order_by("username"))[:2]:
        if middle is None:
            break
        made.append(services.provider_save(
            actor=None, council=council, name=f"{adviser} (council adviser)", kind="council_adviser", user=adviser,
            easting=middle.easting, northing=middle.northing, phases=["primary", "secondary", "special"],
            expertise={"leadership": 0.7, "governance": 0.8, "attendance": 0.6},
            autumn_days=2, spring_days=2, summer_days=1))
    return made


def _needs(ctx: DemoContext, schools: list[Any], rng: random.Random, today: dt.date) -> int:
    council = ctx.council
    made = services.needs_from_categories(actor=None, council=council, today=today)
    have = {n.school_id for n in made}
    links = link_advisers(council, [s.pk for s in schools])
    wanting = [s for s in schools if s.ofsted_rating in ("Inadequate", "Requires improvement") and s.pk not in have]
    routine = [s for s in schools if s.ofsted_rating == "Good" and s.pk not in have]
    head = RoleAssignment.objects.for_council(council).filter(role=Role.HEADTEACHER).first()
    chosen = [(s, Priority.URGENT if s.ofsted_rating == "Inadequate" else Priority.HIGH) for s in wanting[:12]]
    chosen += [(s, Priority.ROUTINE) for s in rng.sample(routine, min(6, len(routine)))]
    if head is not None and head.establishment_id not in {s.pk for s, _ in chosen} | have:
        chosen.append((head.establishment, Priority.HIGH))
    for school, priority in chosen:
        areas = rng.sample(NEED_AREAS, 2 if priority == Priority.URGENT else 1)
        for area in areas:
            try:
                services.need_create(
                    actor=links.get(school.pk), council=council, school=school, area=area,
                    days=rng.choice([3, 4, 5, 6]) if priority > 1 else rng.choice([2, 3]), priority=priority,
                    window_start=today, window_end=today + dt.timedelta(days=rng.choice([120, 180])),
                    source=NeedSource.ADVISER, source_ref="Raised after a monitoring visit")
            except ValidationError:
                continue
    return len(made)


def _decide(ctx: DemoContext, hos: Any, rng: random.Random) -> dict[str, int]:
    council = ctx.council
    proposed = list(Match.objects.for_council(council).filter(status=MatchStatus.PROPOSED)
                    .select_related("need__school", "provider").order_by("-need__priority", "need__school__name"))
    done = {"agreed": 0, "locked": 0, "rejected": 0}
    head = RoleAssignment.objects.for_council(council).filter(role=Role.HEADTEACHER).first()
    first = sorted(proposed, key=lambda m: (head is None or m.need.school_id != head.establishment_id))
    for match in first[:4]:
        try:
            services.match_agree(actor=hos, match=match)
            done["agreed"] += 1
        except ValidationError:
            continue
    rest = [m for m in proposed if m.status == MatchStatus.PROPOSED and Match.objects.filter(
        pk=m.pk, status=MatchStatus.PROPOSED).exists()]
    if len(rest) > 2:
        lock = rest[0]
        services.match_lock(actor=hos, match=lock, days=max(1, lock.days - 1),
                            note="Agreed in principle with the provider; one day fewer this term.")
        done["locked"] += 1
        services.match_reject(actor=hos, match=rest[-1],
                              note="The headteacher asked for a provider from outside the locality.")
        done["rejected"] += 1
    return done


def _claims(ctx: DemoContext, today: dt.date) -> tuple[int, int]:
    council = ctx.council
    claimed = confirmed = 0
    for assignment in SupportAssignment.objects.for_council(council).select_related("provider").order_by("id"):
        try:
            claim = services.claim_create(
                actor=assignment.provider, assignment=assignment, delivered_on=today - dt.timedelta(days=6),
                days=min(Decimal("1.5"), assignment.days),
                summary="Diagnostic visit with the headteacher and subject leaders; agreed a programme of "
                        "coaching and two joint lesson visits.")
        except ValidationError:
            continue
        claimed += 1
        brokered = hasattr(assignment, "brokerage_match")
        if not brokered and claimed % 2:
            services.claim_confirm(actor=None, claim=claim, confirmed=True, usefulness=4,
                                   feedback="Practical advice the staff could use straight away.")
            confirmed += 1
    return claimed, confirmed


@demo_step(61, "Brokerage: a capacity register, needs for support, a matching run and support claims")
def brokerage(ctx: DemoContext) -> None:
    council = ctx.council
    if Provider.objects.for_council(council).exists():
        return
    rng = random.Random(ctx.seed + 61)
    today = timezone.localdate()
    hos = User.objects.filter(council=council, role_assignments__role=Role.HEAD_OF_SERVICE).first()
    schools = list(supported_schools(council).order_by("name"))
    providers = _providers(ctx, schools, rng)
    from_categories = _needs(ctx, schools, rng, today)
    first = services.matching_run(actor=hos, council=council)
    decided = _decide(ctx, hos, rng)
    second = services.matching_run(actor=hos, council=council)
    claimed, confirmed = _claims(ctx, today)
    ctx.say(f"    {len(providers)} providers; {second.needs} open needs ({from_categories} from categories), "
            f"{second.days_needed} days")
    ctx.say(f"    first run: {first.days_met} days met (greedy nearest-provider baseline {first.greedy['days_met']}), "
            f"mean fit {first.mean_fit:.2f} against {first.greedy['mean_fit']:.2f}, mean journey "
            f"{first.mean_km:.1f} km against {first.greedy['mean_km']:.1f} km, {first.solve_seconds * 1000:.0f} ms")
    ctx.say(f"    decisions: {decided['agreed']} agreed, {decided['locked']} locked, {decided['rejected']} rejected; "
            f"second run: {second.days_met} of {second.days_needed} days met")
    ctx.say(f"    claims: {claimed} made, {confirmed} confirmed; "
            f"{SupportAssignment.objects.for_council(council).count()} support assignments")
