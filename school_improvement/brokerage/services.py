"""Writes for capacity and brokerage. Each service validates, runs in a transaction, records the
change in the audit log and returns the object.

``need_create`` is the one way to raise a need: categorisation, improvement journeys, advisers
and case conferences all call it. ``matching_run`` turns the council's open needs, providers,
locks and rejections into the engine's plain values, solves the whole-council optimal plan and
stores its proposals.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from engines import matching
from school_improvement.core import audit
from school_improvement.register import services as register_services
from school_improvement.register.models import Establishment, GroupMembership, SupportAssignment

from .models import (
    AREA_CHOICES,
    PHASES,
    BrokerageSettings,
    ClaimStatus,
    DeclaredConflict,
    Match,
    MatchingRun,
    MatchStatus,
    Need,
    NeedSource,
    NeedStatus,
    Priority,
    Provider,
    SupportClaim,
)
from .quality import quality_for

AREAS = {code for code, _ in AREA_CHOICES}
#: Match states that hold a provider's days.
HOLDING = (MatchStatus.PROPOSED, MatchStatus.LOCKED, MatchStatus.AGREED)


def _person(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _council_id(council: Any) -> int:
    return getattr(council, "pk", council)


def settings_for(council: Any) -> BrokerageSettings:
    row = BrokerageSettings.objects.filter(council_id=_council_id(council)).first()
    if row is None:
        row, _ = BrokerageSettings.objects.get_or_create(council_id=_council_id(council))
    return row


def settings_update(*, actor: Any, council: Any, **values: Any) -> BrokerageSettings:
    row = settings_for(council)
    with transaction.atomic():
        before = audit.snapshot(row)
        for name, value in values.items():
            setattr(row, name, value)
        row.full_clean()
        row.save()
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=row, before=before, after=audit.snapshot(row))
    return row


# --- schools as the matcher sees them ---------------------------------------------------------


def phase_of(school: Establishment) -> str:
    """The provider phase a school needs (GIAS phases, simplified)."""
    if school.type_group == "Special schools" or "special" in (school.type or "").lower():
        return "special"
    phase = (school.phase or "").lower()
    if "secondary" in phase:
        return "secondary"
    if "primary" in phase:
        return "primary"
    if "all-through" in phase or "all through" in phase:
        return "all_through"
    if "nursery" in phase:
        return "nursery"
    if "16 plus" in phase:
        return "post_16"
    return "primary"


def groups_of(urns: Iterable[int]) -> dict[int, tuple[str | None, str | None]]:
    """Each school's trust and federation (as GIAS group ids), for conflicts of interest."""
    out: dict[int, list[str | None]] = defaultdict(lambda: [None, None])
    rows = (GroupMembership.objects.filter(establishment_id__in=list(urns), left__isnull=True)
            .values_list("establishment_id", "group_id", "group__type"))
    for urn, uid, kind in rows:
        kind = (kind or "").lower()
        if "federation" in kind:
            out[urn][1] = str(uid)
        elif "trust" in kind:
            out[urn][0] = str(uid)
    return {urn: (pair[0], pair[1]) for urn, pair in out.items()}


def postcode_location(council: Any, postcode: str) -> tuple[int, int] | None:
    """Where a postcode is, from the register's schools: the same postcode, else the same district."""
    code = " ".join(postcode.upper().split())
    if not code:
        return None
    points = list(Establishment.objects.filter(postcode__iexact=code, easting__isnull=False)
                  .values_list("easting", "northing")[:20])
    if not points:
        district = code.split(" ")[0]
        points = list(Establishment.objects.filter(postcode__istartswith=f"{district} ", easting__isnull=False)
                      .values_list("easting", "northing")[:200])
    if not points:
        return None
    return (round(sum(p[0] for p in points) / len(points)), round(sum(p[1] for p in points) / len(points)))


def provider_location(provider: Provider) -> tuple[int, int] | None:
    if provider.easting is not None and provider.northing is not None:
        return provider.easting, provider.northing
    school = provider.school
    if school is not None and school.easting is not None and school.northing is not None:
        return school.easting, school.northing
    return None


# --- providers, conflicts, needs ---------------------------------------------------------------


def _check_provider(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if values.get("kind") not in matching.KIND_LABELS:
        errors["kind"] = "Choose the kind of provider."
    if not values.get("name", "").strip():
        errors["name"] = "Enter the provider's name."
    phases = values.get("phases") or []
    if not phases or any(p not in PHASES for p in phases):
        errors["phases"] = "Choose the phases they work in."
    expertise = values.get("expertise") or {}
    if not expertise:
        errors["expertise"] = "Give at least one area of expertise."
    for area, fit in expertise.items():
        if area not in AREAS or not 0 < float(fit) <= 1:
            errors["expertise"] = "Each area of expertise needs a fit between 0 and 1."
    if errors:
        raise ValidationError(errors)


PROVIDER_FIELDS = ("name", "kind", "user", "school", "postcode", "easting", "northing", "phases", "expertise",
                   "subjects", "autumn_days", "spring_days", "summer_days", "day_rate", "active", "notes")


def provider_save(*, actor: Any, council: Any, provider: Provider | None = None, **values: Any) -> Provider:
    """Add a provider to the capacity register, or change one. Without an easting and northing,
    the location comes from their school, else from the postcode."""
    _check_provider(values)
    user = values.get("user")
    if user is not None and user.council_id != _council_id(council):
        raise ValidationError({"user": "Choose a person of this council."})
    if values.get("easting") is None and not values.get("school") and values.get("postcode"):
        point = postcode_location(council, values["postcode"])
        if point is None:
            raise ValidationError({"postcode": "The postcode's location is not known: give the school, or an "
                                               "easting and northing."})
        values["easting"], values["northing"] = point
    with transaction.atomic():
        before = audit.snapshot(provider) if provider else None
        provider = provider or Provider(council_id=_council_id(council))
        for name in PROVIDER_FIELDS:
            if name in values:
                setattr(provider, name, values[name])
        provider.save()
        if provider_location(provider) is None:
            raise ValidationError("Give the provider's school, postcode, or easting and northing, so they can be "
                                  "matched by distance.")
        audit.record(actor=actor, action=audit.Action.UPDATE if before else audit.Action.CREATE, obj=provider,
                     before=before, after=audit.snapshot(provider))
    return provider


def conflict_declare(*, actor: Any, provider: Provider, school: Establishment, reason: str) -> DeclaredConflict:
    if not reason.strip():
        raise ValidationError({"reason": "Say what the link is."})
    with transaction.atomic():
        row, created = DeclaredConflict.objects.get_or_create(
            council_id=provider.council_id, provider=provider, school=school,
            defaults={"reason": reason.strip(), "declared_by": _person(actor)})
        if created:
            audit.record(actor=actor, action=audit.Action.CREATE, obj=row, after=audit.snapshot(row))
        # A proposal or lock for the pair can no longer stand.
        Match.objects.filter(provider=provider, need__school=school,
                             status__in=(MatchStatus.PROPOSED, MatchStatus.LOCKED)).delete()
    return row


def need_create(*, actor: Any, council: Any, school: Establishment, area: str, days: int,
                priority: int = Priority.HIGH, window_start: dt.date | None = None,
                window_end: dt.date | None = None, source: str = NeedSource.ADVISER, source_ref: str = "",
                funding: str = "core", note: str = "") -> Need:
    """Raise a school's need for support. Other capabilities (categorisation, improvement
    journeys) call this; it is the only way a need is made."""
    errors: dict[str, str] = {}
    if area not in AREAS:
        errors["area"] = "Choose an area of expertise."
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 100:
        errors["days"] = "Enter whole days between 1 and 100."
    if priority not in Priority.values:
        errors["priority"] = "Choose a priority."
    if source not in NeedSource.values:
        errors["source"] = "Unknown source."
    if window_start and window_end and window_end < window_start:
        errors["window_end"] = "The window must end after it starts."
    if not Establishment.objects.in_council(council).filter(pk=school.pk).exists():
        errors["school"] = "Choose a school of this council."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        need = Need.objects.create(
            council_id=_council_id(council), school=school, area=area, days=days, priority=priority,
            window_start=window_start, window_end=window_end, source=source, source_ref=source_ref[:200],
            funding=funding, note=note, created_by=_person(actor))
        audit.record(actor=actor, action=audit.Action.CREATE, obj=need, after=audit.snapshot(need))
    return need


def need_close(*, actor: Any, need: Need, reason: str = "") -> Need:
    with transaction.atomic():
        need.status, need.closed_at = NeedStatus.CLOSED, timezone.now()
        need.save(update_fields=["status", "closed_at"])
        need.matches.filter(status__in=(MatchStatus.PROPOSED, MatchStatus.LOCKED)).delete()
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=need, detail=f"need closed: {reason}".strip(": "))
    return need


#: Weakest inspection area -> the area of expertise a priority school's need asks for.
WEAK_JUDGEMENT_AREA = {
    "leadership_and_governance": "leadership", "leadership_and_management": "leadership",
    "curriculum_and_teaching": "curriculum", "quality_of_education": "quality_of_education",
    "achievement": "quality_of_education", "attendance_and_behaviour": "attendance",
    "behaviour_and_attitudes": "behaviour_and_attitudes", "inclusion": "send",
    "personal_development": "personal_development", "early_years": "early_years",
}
WEAK = {"Requires improvement", "Inadequate", "Needs attention", "Urgent improvement"}
#: Words in a categorisation trigger's id -> the area of expertise it calls for.
TRIGGER_AREAS = (("absence", "attendance"), ("attendance", "attendance"), ("ks2", "english"),
                 ("ks4", "quality_of_education"), ("headteacher", "leadership"), ("governance", "governance"),
                 ("send", "send"), ("safeguarding", "safeguarding"), ("ofsted", "leadership"))


def areas_from_triggers(trigger_ids: Sequence[str]) -> list[str]:
    """Areas of expertise the fired triggers call for, most important first, without repeats."""
    out: list[str] = []
    for trigger in trigger_ids:
        for word, area in TRIGGER_AREAS:
            if word in trigger and area not in out:
                out.append(area)
                break
    return out


def needs_from_categories(*, actor: Any, council: Any, today: dt.date | None = None) -> list[Need]:
    """Needs for each priority school (its agreed category opens an improvement journey) with no
    open need from categorisation yet: in the areas the category's fired triggers point to (up to
    two), else the area its inspection found weakest, else leadership."""
    from school_improvement.evidence.models import Inspection
    from school_improvement.visits.entitlements import agreed_triggers, entitlements_for
    from school_improvement.visits.services import supported_schools

    today = today or timezone.localdate()
    schools = {s.pk: s for s in supported_schools(council)}
    entitlements = entitlements_for(council, list(schools))
    priority = [pk for pk, e in entitlements.items() if e.priority]
    raised = set(Need.objects.for_council(council).filter(
        school_id__in=priority, source=NeedSource.CATEGORISATION, status=NeedStatus.OPEN).values_list(
        "school_id", flat=True))
    latest: dict[int, Any] = {}
    for row in Inspection.objects.filter(urn__in=priority).order_by("urn", "-inspection_date"):
        latest.setdefault(row.urn, row)
    days = settings_for(council).priority_need_days
    triggers = agreed_triggers(council, [pk for pk in priority if pk not in raised])
    made = []
    for pk in priority:
        if pk in raised:
            continue
        entitlement = entitlements[pk]
        areas = areas_from_triggers(triggers.get(pk, []))[:2]
        inspection = latest.get(pk)
        for key, grade in (inspection.judgements or {}).items() if inspection and not areas else ():
            if str(grade) in WEAK and key in WEAK_JUDGEMENT_AREA:
                areas = [WEAK_JUDGEMENT_AREA[key]]
                break
        areas = areas or ["leadership"]
        for index, area in enumerate(areas):
            made.append(need_create(
                actor=actor, council=council, school=schools[pk], area=area,
                days=days if index == 0 else max(2, days // 2),
                priority=Priority.URGENT if entitlement.severity_rank == 0 else Priority.HIGH,
                window_start=today, window_end=today + dt.timedelta(days=183), source=NeedSource.CATEGORISATION,
                source_ref=entitlement.category or "priority category"))
    return made


# --- the matcher's inputs ---------------------------------------------------------------------


@dataclass
class Inputs:
    """The council's open needs and active providers as the engine's plain values."""

    needs: list[matching.Need]
    providers: list[matching.Provider]
    settings: matching.Settings
    need_rows: dict[int, Need]
    provider_rows: dict[int, Provider]
    notes: list[str] = field(default_factory=list)


def _committed_elsewhere(council: Any, providers: Sequence[Provider]) -> dict[int, int]:
    """Days each provider's person already gives in support assignments in force that are not
    an agreed match of an open need (those are the matcher's locks): assignments made in the
    register, and agreed matches of needs since closed."""
    by_user = {p.user_id: p.pk for p in providers if p.user_id}
    out: dict[int, int] = defaultdict(int)
    rows = (SupportAssignment.objects.for_council(council).filter(provider_id__in=list(by_user))
            .exclude(brokerage_match__need__status=NeedStatus.OPEN)
            .exclude(ends__lt=timezone.localdate()).values("provider_id").annotate(days=Sum("days")))
    for row in rows:
        out[by_user[row["provider_id"]]] += math.ceil(Decimal(row["days"] or 0))
    return out


def _committed_elsewhere_by_term(council: Any, providers: Sequence[Provider], year: int) -> dict[int, dict[str, int]]:
    """``_committed_elsewhere`` by term of the school year ``year``. An assignment records only its
    total days (and perhaps a start and end), not when each day falls, so its days are taken from
    the terms its dates overlap (every term when it has none, or none in this year) in order,
    autumn first, each term as far as the provider has days in it; any left over stay on the last.
    """
    by_user = {p.user_id: p for p in providers if p.user_id}
    out: dict[int, dict[str, int]] = {}
    rows = (SupportAssignment.objects.for_council(council).filter(provider_id__in=list(by_user))
            .exclude(brokerage_match__need__status=NeedStatus.OPEN)
            .exclude(ends__lt=timezone.localdate()).order_by("starts", "id")
            .values_list("provider_id", "days", "starts", "ends"))
    for user_id, days, starts, ends in rows:
        provider = by_user[user_id]
        used = out.setdefault(provider.pk, dict.fromkeys(matching.TERMS, 0))
        terms = matching.window_terms((starts, ends), year) or matching.TERMS
        left = math.ceil(Decimal(days or 0))
        for index, term in enumerate(terms):
            room = max(0, getattr(provider, f"{term}_days") - used[term])
            take = left if index == len(terms) - 1 else min(left, room)
            used[term] += take
            left -= take
    return out


def engine_inputs(council: Any, *, needs: Iterable[Need] | None = None, include_proposed: bool = False) -> Inputs:
    """Needs, providers and settings for the engine. Locked and agreed matches are locks (their
    days count against capacity, in the terms of their need's window); rejected pairs are never
    proposed again. Providers' days are given per term of the current school year, less what
    other support assignments already take; needs carry their windows."""
    config = settings_for(council)
    year = matching.academic_year(timezone.localdate())
    need_rows = {n.pk: n for n in (needs if needs is not None else
                                   Need.objects.for_council(council).filter(status=NeedStatus.OPEN))}
    need_schools = {s.pk: s for s in Establishment.objects.filter(pk__in={n.school_id for n in need_rows.values()})}
    providers = list(Provider.objects.for_council(council).filter(active=True).select_related("school"))
    provider_rows = {p.pk: p for p in providers}
    conflicts: dict[int, set[int]] = defaultdict(set)
    for provider_id, school_id in DeclaredConflict.objects.for_council(council).values_list("provider_id", "school_id"):
        conflicts[provider_id].add(school_id)
    groups = groups_of(set(need_schools) | {p.school_id for p in providers if p.school_id})
    quality = quality_for(council, providers, config.quality_bar)
    elsewhere = _committed_elsewhere_by_term(council, providers, year)
    notes: list[str] = []

    engine_providers = []
    for p in providers:
        point = provider_location(p)
        if point is None:
            notes.append(f"{p.name} has no location and was left out.")
            continue
        trust, federation = groups.get(p.school_id, (None, None)) if p.school_id else (None, None)
        used = elsewhere.get(p.pk, {})
        term_days = {t: max(0, getattr(p, f"{t}_days") - used.get(t, 0)) for t in matching.TERMS}
        engine_providers.append(matching.Provider(
            id=p.pk, kind=p.kind, expertise={a: float(f) for a, f in p.expertise.items() if a in AREAS},
            phases=frozenset(p.phases), days_available=max(0, p.days_per_year - sum(used.values())),
            term_days=term_days, easting=float(point[0]), northing=float(point[1]), own_school_urn=p.school_id, trust_uid=trust,
            federation_uid=federation, declared_conflicts=frozenset(conflicts.get(p.pk, set())),
            quality_ok=quality[p.pk].ok, evidence=quality[p.pk].evidence))
    engine_needs = []
    for n in need_rows.values():
        school = need_schools[n.school_id]
        if school.easting is None or school.northing is None:
            notes.append(f"{school.name} has no location in the register: its need was left out.")
            continue
        trust, federation = groups.get(school.pk, (None, None))
        engine_needs.append(matching.Need(
            id=n.pk, school_urn=school.pk, area=n.area, phase=phase_of(school), days=n.days, priority=n.priority,
            easting=float(school.easting), northing=float(school.northing), trust_uid=trust,
            federation_uid=federation, window=(n.window_start, n.window_end)))
    known_needs = {n.id for n in engine_needs}
    known_providers = {p.id for p in engine_providers}
    statuses = [MatchStatus.LOCKED, MatchStatus.AGREED] + ([MatchStatus.PROPOSED] if include_proposed else [])
    locked: dict[tuple[int, int], int] = defaultdict(int)
    rejected = set()
    for need_id, provider_id, days, status in (Match.objects.for_council(council)
                                               .filter(need_id__in=list(need_rows))
                                               .values_list("need_id", "provider_id", "days", "status")):
        if status == MatchStatus.REJECTED:
            rejected.add((need_id, provider_id))
        elif status in statuses and need_id in known_needs and provider_id in known_providers:
            locked[(need_id, provider_id)] += days
    engine_settings = matching.Settings(
        max_distance_km=float(config.max_distance_km), same_trust_allowed=config.same_trust_allowed,
        locked=[(a, b, d) for (a, b), d in sorted(locked.items())], rejected=rejected, year=year)
    return Inputs(engine_needs, engine_providers, engine_settings, need_rows, provider_rows, notes)


def _check_plan_inputs(inputs: Inputs) -> None:
    """Locks that can no longer stand (a provider's days cut, a conflict declared) are named."""
    try:
        from engines.matching.eligibility import check_locks

        check_locks(inputs.needs, inputs.providers, inputs.settings)
    except matching.MatchingError as exc:
        raise ValidationError(f"A locked or agreed match can no longer stand: {exc}. Unlock it and run again.") \
            from exc


def matching_run(*, actor: Any, council: Any) -> MatchingRun:
    """Solve the whole-council optimal plan for the open needs, keeping locked and agreed matches
    and never proposing a rejected or conflicted pair; replace the previous proposals."""
    config = settings_for(council)
    with transaction.atomic():
        inputs = engine_inputs(council)
        _check_plan_inputs(inputs)
        plan = matching.optimal_plan(inputs.needs, inputs.providers, inputs.settings)
        greedy = matching.greedy_plan(inputs.needs, inputs.providers, inputs.settings)
        Match.objects.for_council(council).filter(status=MatchStatus.PROPOSED).delete()
        run = MatchingRun.objects.create(
            council_id=_council_id(council), started_by=_person(actor),
            settings={"max_distance_km": float(config.max_distance_km),
                      "same_trust_allowed": config.same_trust_allowed, "quality_bar": config.quality_bar,
                      "locked": len(inputs.settings.locked), "rejected": len(inputs.settings.rejected)},
            needs=len(inputs.needs), providers=len(inputs.providers),
            days_needed=sum(n.days for n in inputs.needs), days_met=plan.days_met,
            priority_days_met=plan.objective.met_priority_days, mean_fit=round(plan.mean_fit, 3),
            mean_km=round(plan.mean_km, 2), solve_seconds=round(plan.solve_seconds, 4), arcs=plan.arcs,
            greedy={"days_met": greedy.days_met, "priority_days_met": greedy.objective.met_priority_days,
                    "mean_fit": round(greedy.mean_fit, 3), "mean_km": round(greedy.mean_km, 2)},
            notes=inputs.notes)
        locked = {(lock.need_id, lock.provider_id): lock.days for lock in inputs.settings.locks}
        engine_needs = {n.id: n for n in inputs.needs}
        engine_providers = {p.id: p for p in inputs.providers}
        new = []
        for assignment in plan.assignments:
            extra = assignment.days - locked.get((assignment.need_id, assignment.provider_id), 0)
            if extra <= 0:
                continue
            need, provider = engine_needs[assignment.need_id], engine_providers[assignment.provider_id]
            candidate = matching.shortlist(need, [provider], inputs.settings, k=1)
            new.append(Match(
                council_id=_council_id(council), need_id=assignment.need_id, provider_id=assignment.provider_id,
                days=extra, status=MatchStatus.PROPOSED, run=run, fit=provider.fit(need.area),
                distance_km=round(matching.distance_m(need, provider) / 1000, 2),
                reasons=[*(candidate[0].reasons if candidate else []),
                         *_term_split(plan.by_term.get((assignment.need_id, assignment.provider_id)))]))
        Match.objects.bulk_create(new)
        audit.record(actor=actor, action=audit.Action.CREATE, obj=run,
                     detail=f"matching run: {plan.days_met} of {run.days_needed} days met "
                            f"({len(new)} proposals); greedy baseline met {greedy.days_met}")
    return run


def _term_split(by_term: dict[str, int] | None) -> list[str]:
    """The plan's days of a match by term, as a reason an officer reads ("Days by term: autumn 2, spring 1")."""
    if not by_term:
        return []
    return ["Days by term: " + ", ".join(f"{term} {days}" for term, days in by_term.items() if days)]


# --- officers' decisions ----------------------------------------------------------------------


def _match_locked(match: Match) -> Match:
    return Match.objects.select_for_update().select_related("need__school", "provider").get(pk=match.pk)


def _fits(match: Match, days: int) -> None:
    """The days fit the need (with its other matches) and the provider's capacity."""
    if not isinstance(days, int) or days < 1:
        raise ValidationError({"days": "Enter whole days, at least 1."})
    others = match.need.matches.filter(status__in=HOLDING).exclude(pk=match.pk)
    used = sum(m.days for m in others)
    if used + days > match.need.days:
        raise ValidationError({"days": f"The need is for {match.need.days} days; {used} are already matched."})
    committed = (Match.objects.filter(provider=match.provider, status__in=(MatchStatus.LOCKED, MatchStatus.AGREED),
                                      need__status=NeedStatus.OPEN).exclude(pk=match.pk)
                 .aggregate(total=Sum("days"))["total"] or 0)
    elsewhere = _committed_elsewhere(match.council_id, [match.provider]).get(match.provider_id, 0)
    if committed + elsewhere + days > match.provider.days_per_year:
        free = match.provider.days_per_year - committed - elsewhere
        raise ValidationError({"days": f"{match.provider.name} has {max(free, 0)} days left."})


def _decide(match: Match, actor: Any, status: str, detail: str, note: str = "") -> Match:
    before = audit.snapshot(match, ["status", "days", "note"])
    match.status, match.decided_by, match.decided_at = status, _person(actor), timezone.now()
    if note:
        match.note = note[:500]
    match.save()
    audit.record(actor=actor, action=audit.Action.UPDATE, obj=match, before=before,
                 after=audit.snapshot(match, ["status", "days", "note"]), detail=detail)
    return match


def match_lock(*, actor: Any, match: Match, days: int | None = None, note: str = "") -> Match:
    """Keep a match (and optionally change its days): the next run works round it."""
    with transaction.atomic():
        match = _match_locked(match)
        if match.status not in (MatchStatus.PROPOSED, MatchStatus.LOCKED):
            raise ValidationError("Only a proposed or locked match can be locked.")
        if days is not None:
            _fits(match, days)
            match.days = days
        else:
            _fits(match, match.days)
        return _decide(match, actor, MatchStatus.LOCKED, "match locked", note)


def match_unlock(*, actor: Any, match: Match) -> Match:
    with transaction.atomic():
        match = _match_locked(match)
        if match.status != MatchStatus.LOCKED:
            raise ValidationError("Only a locked match can be unlocked.")
        return _decide(match, actor, MatchStatus.PROPOSED, "match unlocked")


def match_reject(*, actor: Any, match: Match, note: str = "") -> Match:
    """Never propose this provider for this need again."""
    with transaction.atomic():
        match = _match_locked(match)
        if match.status not in (MatchStatus.PROPOSED, MatchStatus.LOCKED):
            raise ValidationError("Only a proposed or locked match can be rejected.")
        match = _decide(match, actor, MatchStatus.REJECTED, "match rejected", note)
        # One row stands for a rejected pair.
        Match.objects.filter(need=match.need, provider=match.provider,
                             status__in=(MatchStatus.PROPOSED, MatchStatus.LOCKED)).delete()
    return match


def match_allow(*, actor: Any, match: Match) -> None:
    """Undo a rejection: the pair may be proposed again."""
    with transaction.atomic():
        match = _match_locked(match)
        if match.status != MatchStatus.REJECTED:
            raise ValidationError("Only a rejected match can be allowed again.")
        audit.record(actor=actor, action=audit.Action.DELETE, obj=match, detail="rejection undone")
        match.delete()


def match_choose(*, actor: Any, need: Need, provider: Provider, days: int | None = None) -> Match:
    """An officer picks a provider for a need (from its shortlist): a locked match."""
    if need.status != NeedStatus.OPEN:
        raise ValidationError("The need is closed.")
    inputs = engine_inputs(need.council_id, needs=[need])
    engine_need = next((n for n in inputs.needs if n.id == need.pk), None)
    engine_provider = next((p for p in inputs.providers if p.id == provider.pk), None)
    if engine_need is None or engine_provider is None:
        raise ValidationError("The school or the provider has no location.")
    reasons = matching.conflicts(engine_need, engine_provider, inputs.settings)
    if reasons:
        raise ValidationError(" ".join(reasons))
    used = sum(m.days for m in need.matches.filter(status__in=(MatchStatus.LOCKED, MatchStatus.AGREED)))
    left = matching.capacity_left(engine_provider, inputs.settings)
    wanted = days if days is not None else min(need.days - used, left)
    if wanted < 1:
        raise ValidationError("Nothing left to match: the need is met, or the provider has no days left.")
    with transaction.atomic():
        need.matches.filter(provider=provider, status=MatchStatus.PROPOSED).delete()
        candidate = matching.shortlist(engine_need, [engine_provider], inputs.settings, k=1)
        match = Match(council_id=need.council_id, need=need, provider=provider, days=wanted,
                      status=MatchStatus.LOCKED, fit=engine_provider.fit(need.area),
                      distance_km=round(matching.distance_m(engine_need, engine_provider) / 1000, 2),
                      reasons=candidate[0].reasons if candidate else [])
        _fits(match, wanted)
        match.decided_by, match.decided_at = _person(actor), timezone.now()
        match.save()
        audit.record(actor=actor, action=audit.Action.CREATE, obj=match, after=audit.snapshot(match),
                     detail="provider chosen from the shortlist")
    return match


def match_agree(*, actor: Any, match: Match) -> Match:
    """Agree a match: it becomes a support assignment of the provider's person to the school, and
    its days count against the provider's capacity from now on."""
    with transaction.atomic():
        match = _match_locked(match)
        if match.status not in (MatchStatus.PROPOSED, MatchStatus.LOCKED):
            raise ValidationError("Only a proposed or locked match can be agreed.")
        if match.provider.user_id is None:
            raise ValidationError(f"{match.provider.name} has no person to deliver and claim the days: "
                                  "add one to the provider first.")
        _fits(match, match.days)
        need = match.need
        assignment = register_services.support_assign(
            actor=actor, council=match.council, provider=match.provider.user, school=need.school,
            purpose=f"{need.get_area_display()} ({match.provider.name})", days=match.days)
        if need.window_start or need.window_end:
            assignment.starts, assignment.ends = need.window_start, need.window_end
            assignment.save(update_fields=["starts", "ends"])
        match.support_assignment = assignment
        match = _decide(match, actor, MatchStatus.AGREED, f"match agreed: support assignment {assignment.pk}")
        if need.source == NeedSource.JOURNEY:
            # The support joins the journey's package (unless it is paused or closed). Imported here:
            # improvement journeys import brokerage.
            from school_improvement.journeys import services as journeys

            journeys.support_link_brokered(actor=actor, need=need, assignment=assignment, match=match)
        return match


# --- support claims ---------------------------------------------------------------------------


def claim_create(*, actor: Any, assignment: SupportAssignment, delivered_on: dt.date, days: Decimal,
                 summary: str, today: dt.date | None = None) -> SupportClaim:
    """The provider records days delivered against an assignment; the school then confirms."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if assignment.provider_id != getattr(actor, "pk", None):
        raise ValidationError("Only the assignment's provider can claim days against it.")
    if days is None or days <= 0 or days * 2 != int(days * 2):
        errors["days"] = "Enter the days delivered in half days, for example 1 or 0.5."
    if delivered_on > today:
        errors["delivered_on"] = "The date cannot be in the future."
    if not summary.strip():
        errors["summary"] = "Say what was done."
    claimed = (SupportClaim.objects.filter(assignment=assignment).exclude(status=ClaimStatus.DISPUTED).aggregate(total=Sum("days"))["total"]
               or Decimal("0"))
    if days and claimed + days > assignment.days:
        errors["days"] = (f"That would be {claimed + days:g} days against the {assignment.days:g} agreed "
                          f"({claimed:g} claimed so far).")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        claim = SupportClaim.objects.create(council_id=assignment.council_id, assignment=assignment,
                                            claimed_by=_person(actor), delivered_on=delivered_on, days=days,
                                            summary=summary.strip())
        audit.record(actor=actor, action=audit.Action.CREATE, obj=claim, after=audit.snapshot(claim))
    return claim


def claim_confirm(*, actor: Any, claim: SupportClaim, confirmed: bool, feedback: str = "",
                  usefulness: int | None = None) -> SupportClaim:
    """The supported school confirms (or disputes) the days, with feedback."""
    if claim.status != ClaimStatus.CLAIMED:
        raise ValidationError("The school has already answered this claim.")
    if not confirmed and not feedback.strip():
        raise ValidationError({"feedback": "Say why the days are disputed."})
    if usefulness is not None and not 1 <= usefulness <= 5:
        raise ValidationError({"usefulness": "Choose from 1 to 5."})
    with transaction.atomic():
        claim.status = ClaimStatus.CONFIRMED if confirmed else ClaimStatus.DISPUTED
        claim.feedback, claim.usefulness = feedback.strip(), usefulness
        claim.confirmed_by, claim.confirmed_at = _person(actor), timezone.now()
        claim.save()
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=claim, after=audit.snapshot(claim),
                     detail=f"claim {claim.status}")
    return claim
