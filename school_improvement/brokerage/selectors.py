"""Reads for capacity and brokerage, scoped to the reader.

Council officers (``brokerage.view``) see the council's providers, needs, shortlists, the plan
and the gap picture. Support assignments and claims: the head of service sees all of them; a
provider the assignments they deliver; an adviser those at their portfolio's schools too; a
headteacher those at their school.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from engines import matching
from school_improvement.accounts.permissions import has_perm
from school_improvement.accounts.roles import Role
from school_improvement.register.models import ClusterMembership, Establishment, SupportAssignment

from . import services
from .models import (
    ClaimStatus,
    DeclaredConflict,
    Match,
    MatchingRun,
    MatchStatus,
    Need,
    NeedStatus,
    Provider,
    SupportClaim,
)
from .quality import quality_for


def is_manager(user: Any) -> bool:
    return Role.HEAD_OF_SERVICE in getattr(user, "roles", frozenset())


def _none_unless(user: Any, permission: str) -> bool:
    return not getattr(user, "is_authenticated", False) or not has_perm(user, permission)


# --- providers --------------------------------------------------------------------------------


def providers_for(user: Any) -> QuerySet[Provider]:
    if _none_unless(user, "brokerage.view"):
        return Provider.objects.none()
    return Provider.objects.for_user(user).select_related("school", "user")


def provider_for(user: Any, pk: int) -> Provider:
    provider = providers_for(user).filter(pk=pk).first()
    if provider is None:
        raise Http404
    return provider


@dataclass
class ProviderRow:
    provider: Provider
    committed: int  # days in locked and agreed matches of open needs, and other assignments
    proposed: int
    quality: Any

    @property
    def left(self) -> int:
        return self.provider.days_per_year - self.committed


def provider_rows(user: Any, providers: list[Provider] | None = None) -> list[ProviderRow]:
    providers = providers if providers is not None else list(providers_for(user))
    held: dict[tuple[int, str], int] = defaultdict(int)
    for provider_id, status, days in (Match.objects.for_user(user).filter(
            provider__in=providers, need__status=NeedStatus.OPEN,
            status__in=services.HOLDING).values_list("provider_id", "status", "days")):
        held[(provider_id, status)] += days
    elsewhere = services._committed_elsewhere(user.council_id, providers)
    config = services.settings_for(user.council_id)
    quality = quality_for(user.council_id, providers, config.quality_bar)
    return [ProviderRow(p, held[(p.pk, MatchStatus.LOCKED)] + held[(p.pk, MatchStatus.AGREED)] + elsewhere.get(p.pk, 0),
                        held[(p.pk, MatchStatus.PROPOSED)], quality[p.pk]) for p in providers]


def provider_conflicts(provider: Provider) -> list[DeclaredConflict]:
    return list(provider.conflicts.select_related("school", "declared_by"))


def provider_matches(provider: Provider) -> list[Match]:
    return list(provider.matches.exclude(status=MatchStatus.REJECTED).select_related("need__school")
                .order_by("status", "need__school__name"))


def people_choices(user: Any) -> list[tuple[str, str]]:
    """People of the council who can deliver support (system leaders and advisers)."""
    from school_improvement.accounts.models import User

    rows = (User.objects.filter(council_id=user.council_id, is_active=True, role_assignments__role__in=[
        Role.SYSTEM_LEADER, Role.ADVISER, Role.ASSOCIATE_ADVISER]).distinct().order_by("last_name", "first_name"))
    return [(str(u.pk), f"{u.get_full_name() or u.username}") for u in rows]


def person_for(user: Any, pk: Any) -> Any:
    from school_improvement.accounts.models import User

    if not pk:
        return None
    return User.objects.filter(council_id=user.council_id, pk=pk).first()


def council_school(user: Any, urn: Any) -> Establishment | None:
    if not str(urn or "").isdigit():
        return None
    return Establishment.objects.in_council(user.council_id).filter(pk=int(urn)).first()


# --- needs ------------------------------------------------------------------------------------


def needs_for(user: Any) -> QuerySet[Need]:
    if _none_unless(user, "brokerage.view"):
        return Need.objects.none()
    return Need.objects.for_user(user).select_related("school")


def need_for(user: Any, pk: int) -> Need:
    need = needs_for(user).filter(pk=pk).first()
    if need is None:
        raise Http404
    return need


def need_list(user: Any, *, status: str = "open", area: str = "", source: str = "") -> QuerySet[Need]:
    rows = needs_for(user).annotate(
        matched=Coalesce(Sum("matches__days", filter=Q(matches__status__in=services.HOLDING)), 0),
        agreed=Coalesce(Sum("matches__days", filter=Q(matches__status=MatchStatus.AGREED)), 0))
    if status in NeedStatus.values:
        rows = rows.filter(status=status)
    if area:
        rows = rows.filter(area=area)
    if source:
        rows = rows.filter(source=source)
    return rows.order_by("-priority", "school__name", "id")


def school_for_need(user: Any, urn: int) -> Establishment:
    """A school the reader may raise a need for: any of the council's (head of service), or one in
    the adviser's portfolio."""
    from school_improvement.visits.selectors import portfolio_ids

    if _none_unless(user, "brokerage.raise_needs"):
        raise Http404
    schools = Establishment.objects.in_council(user.council_id)
    if not is_manager(user):
        schools = schools.filter(pk__in=portfolio_ids(user))
    school = schools.filter(pk=urn).first()
    if school is None:
        raise Http404
    return school


@dataclass
class Excluded:
    provider: Provider
    reasons: list[str]


@dataclass
class NeedView:
    need: Need
    matches: list[Match]
    shortlist: list[tuple[Any, Provider]]  # (engine Candidate, provider)
    excluded: list[Excluded]
    matched_days: int
    notes: list[str] = field(default_factory=list)

    @property
    def days_left(self) -> int:
        return max(0, self.need.days - self.matched_days)


def need_view(user: Any, need: Need, k: int = 3) -> NeedView:
    """The need, its matches, the shortlist of the best providers with reasons, and the providers
    with that expertise who were left out, and why."""
    matches = list(need.matches.select_related("provider", "support_assignment").order_by("status", "id"))
    inputs = services.engine_inputs(user.council_id, needs=[need])
    engine_need = next((n for n in inputs.needs if n.id == need.pk), None)
    rows: dict[Any, Provider] = dict(inputs.provider_rows)
    matched = sum(m.days for m in matches if m.status in services.HOLDING)
    if engine_need is None:
        return NeedView(need, matches, [], [], matched, inputs.notes)
    shortlist = [(c, rows[c.provider_id]) for c in matching.shortlist(engine_need, inputs.providers, inputs.settings, k)]
    listed = {c.provider_id for c, _ in shortlist}
    excluded = []
    for provider in inputs.providers:
        if provider.id in listed or provider.fit(need.area) <= 0:
            continue
        reasons = matching.conflicts(engine_need, provider, inputs.settings)
        if not reasons and matching.capacity_left(provider, inputs.settings) <= 0:
            reasons = ["No days left: all are locked or agreed elsewhere."]
        elif not reasons and matching.capacity_left(provider, inputs.settings, engine_need, inputs.needs) <= 0:
            reasons = ["No days left in the terms of the need's window."]
        if not reasons:
            reasons = ["Allowed, but others ranked higher (better fit, nearer or with more days)."]
        excluded.append(Excluded(rows[provider.id], reasons))
    return NeedView(need, matches, shortlist, excluded, matched, inputs.notes)


# --- the plan ---------------------------------------------------------------------------------


def latest_run(user: Any) -> MatchingRun | None:
    if _none_unless(user, "brokerage.view"):
        return None
    return MatchingRun.objects.for_user(user).first()


def runs_for(user: Any) -> QuerySet[MatchingRun]:
    if _none_unless(user, "brokerage.view"):
        return MatchingRun.objects.none()
    return MatchingRun.objects.for_user(user)


def matches_for(user: Any) -> QuerySet[Match]:
    if _none_unless(user, "brokerage.view"):
        return Match.objects.none()
    return Match.objects.for_user(user).select_related("need__school", "provider", "support_assignment")


def match_for(user: Any, pk: int) -> Match:
    match = matches_for(user).filter(pk=pk).first()
    if match is None:
        raise Http404
    return match


def plan_matches(user: Any, status: str = "") -> QuerySet[Match]:
    rows = matches_for(user).filter(need__status=NeedStatus.OPEN)
    if status in MatchStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("-need__priority", "need__school__name", "need_id", "status", "id")


def plan_counts(user: Any) -> dict[str, int]:
    counts = dict.fromkeys(MatchStatus.values, 0)
    for row in (matches_for(user).filter(need__status=NeedStatus.OPEN).values("status")
                .annotate(days=Sum("days"))):
        counts[row["status"]] = row["days"] or 0
    open_days = needs_for(user).filter(status=NeedStatus.OPEN).aggregate(total=Sum("days"))["total"] or 0
    counts["needed"] = open_days
    counts["unmatched"] = max(0, open_days - counts[MatchStatus.PROPOSED] - counts[MatchStatus.LOCKED]
                              - counts[MatchStatus.AGREED])
    return counts


# --- the gap picture --------------------------------------------------------------------------


@dataclass
class GapRow:
    label: str
    needs: int = 0
    needed: int = 0
    agreed: int = 0
    locked: int = 0
    proposed: int = 0

    @property
    def unmet(self) -> int:
        return max(0, self.needed - self.agreed - self.locked - self.proposed)

    @property
    def not_agreed(self) -> int:
        return max(0, self.needed - self.agreed)


@dataclass
class MapPoint:
    x: float
    y: float
    label: str
    size: float = 5


@dataclass
class MapLine:
    x1: float
    y1: float
    x2: float
    y2: float
    status: str
    label: str


@dataclass
class GapMap:
    width: int
    height: int
    schools: list[MapPoint]
    providers: list[MapPoint]
    lines: list[MapLine]
    scale_km: int
    scale_px: float


@dataclass
class GapPicture:
    by_area: list[GapRow]
    by_locality: list[GapRow]
    total: GapRow
    map: GapMap | None
    table: list[dict[str, Any]]


def _localities(council_id: int, school_ids: list[int]) -> dict[int, str]:
    """Each school's locality (a council-defined cluster of kind 'locality'), else its cluster."""
    out: dict[int, str] = {}
    rows = (ClusterMembership.objects.filter(cluster__council_id=council_id, establishment_id__in=school_ids)
            .values_list("establishment_id", "cluster__name", "cluster__kind").order_by("cluster__kind", "cluster__name"))
    for school_id, name, kind in rows:
        if kind == "locality" or school_id not in out:
            out[school_id] = name
    return out


def gap_picture(user: Any, width: int = 720) -> GapPicture:
    """Unmet need by area of expertise and by locality, and a map of schools needing support,
    providers and matches (drawn from easting and northing: no online map tiles)."""
    needs = list(needs_for(user).filter(status=NeedStatus.OPEN))
    matches = list(matches_for(user).filter(need__status=NeedStatus.OPEN).exclude(status=MatchStatus.REJECTED))
    by_need: dict[int, list[Match]] = defaultdict(list)
    for m in matches:
        by_need[m.need_id].append(m)
    localities = _localities(user.council_id, [n.school_id for n in needs])
    areas: dict[str, GapRow] = {}
    places: dict[str, GapRow] = {}
    total = GapRow("All needs")
    for need in needs:
        for rows, key in ((areas, need.get_area_display()), (places, localities.get(need.school_id, "No locality"))):
            row = rows.setdefault(key, GapRow(key))
            for target in (row,) + ((total,) if rows is areas else ()):
                target.needs += 1
                target.needed += need.days
                for m in by_need[need.pk]:
                    setattr(target, m.status, getattr(target, m.status) + m.days)
    table = []
    for need in needs:
        table.append({"need": need, "locality": localities.get(need.school_id, "No locality"),
                      "matches": by_need[need.pk],
                      "unmet": max(0, need.days - sum(m.days for m in by_need[need.pk]))})
    providers = list(providers_for(user).filter(active=True))
    return GapPicture(
        by_area=sorted(areas.values(), key=lambda r: (-r.unmet, r.label)),
        by_locality=sorted(places.values(), key=lambda r: (-r.unmet, r.label)),
        total=total, map=_map(needs, providers, matches, table, width), table=table)


def _map(needs: list[Need], providers: list[Provider], matches: list[Match], table: list[dict[str, Any]],
         width: int) -> GapMap | None:
    points: list[tuple[float, float]] = []
    need_points: dict[int, tuple[float, float, int, str]] = {}
    for row in table:
        school = row["need"].school
        if school.easting is not None and school.northing is not None:
            need_points.setdefault(school.pk, (float(school.easting), float(school.northing), 0, school.name))
            e, n, unmet, name = need_points[school.pk]
            need_points[school.pk] = (e, n, unmet + row["unmet"], name)
            points.append((e, n))
    provider_points = {}
    for p in providers:
        where = services.provider_location(p)
        if where is not None:
            provider_points[p.pk] = (float(where[0]), float(where[1]), p.name)
            points.append((float(where[0]), float(where[1])))
    if not points:
        return None
    pad = 2000.0
    min_e, max_e = min(p[0] for p in points) - pad, max(p[0] for p in points) + pad
    min_n, max_n = min(p[1] for p in points) - pad, max(p[1] for p in points) + pad
    span = max(max_e - min_e, max_n - min_n, 1.0)
    scale = width / span
    height = max(200, int((max_n - min_n) * scale) + 40)

    def xy(e: float, n: float) -> tuple[float, float]:
        return round((e - min_e) * scale, 1), round((max_n - n) * scale + 10, 1)

    schools = []
    for e, n, unmet, name in need_points.values():
        x, y = xy(e, n)
        schools.append(MapPoint(x, y, f"{name}: {unmet} days unmet", size=round(4 + 2 * math.sqrt(unmet), 1)))
    provider_marks = []
    for e, n, name in provider_points.values():
        x, y = xy(e, n)
        provider_marks.append(MapPoint(x, y, name))
    lines = []
    for m in matches:
        school = m.need.school
        if school.easting is None or school.northing is None or m.provider_id not in provider_points:
            continue
        x1, y1 = xy(float(school.easting), float(school.northing))
        pe, pn, _ = provider_points[m.provider_id]
        x2, y2 = xy(pe, pn)
        lines.append(MapLine(x1, y1, x2, y2, m.status,
                             f"{m.provider.name} to {school.name}: {m.days} days ({m.get_status_display().lower()})"))
    scale_km = max(1, int(span / 1000 / 5))
    return GapMap(width, height, schools, provider_marks, lines, scale_km, round(scale_km * 1000 * scale, 1))


# --- support assignments and claims -----------------------------------------------------------


def _head_school_ids(user: Any) -> list[int]:
    return [a.establishment_id for a in user.active_assignments() if a.role == Role.HEADTEACHER and a.establishment_id]


def support_for(user: Any) -> QuerySet[SupportAssignment]:
    """Support assignments the reader may see, with days claimed and confirmed."""
    from school_improvement.visits.selectors import portfolio_ids

    if _none_unless(user, "brokerage.view_support"):
        return SupportAssignment.objects.none()
    rows = SupportAssignment.objects.for_user(user)
    if not is_manager(user):
        condition = Q(provider=user)
        if Role.ADVISER in user.roles:
            condition |= Q(establishment_id__in=portfolio_ids(user))
        if Role.HEADTEACHER in user.roles:
            condition |= Q(establishment_id__in=_head_school_ids(user))
        rows = rows.filter(condition)
    return (rows.select_related("provider", "establishment")
            .annotate(claimed=Coalesce(Sum("claims__days", filter=~Q(claims__status=ClaimStatus.DISPUTED)),
                                       Decimal("0")),
                      confirmed=Coalesce(Sum("claims__days", filter=Q(claims__status=ClaimStatus.CONFIRMED)),
                                         Decimal("0")),
                      pending=Count("claims", filter=Q(claims__status=ClaimStatus.CLAIMED)))
            .order_by("establishment__name", "id"))


def day_rates(user: Any, assignments: list[Any]) -> dict[int, Decimal]:
    """The cost of a day for each assignment: its provider's rate, else the council's."""
    default = services.settings_for(user.council_id).day_rate
    rates = {m.support_assignment_id: m.provider.day_rate for m in Match.objects.for_user(user).filter(
        support_assignment__in=[a.pk for a in assignments]).select_related("provider")}
    return {a.pk: rates.get(a.pk) or default for a in assignments}


def assignment_for_claim(user: Any, pk: int) -> SupportAssignment:
    if _none_unless(user, "brokerage.claim"):
        raise Http404
    row = SupportAssignment.objects.for_user(user).filter(pk=pk, provider=user).select_related("establishment").first()
    if row is None:
        raise Http404
    return row


def claims_for(user: Any) -> QuerySet[SupportClaim]:
    return (SupportClaim.objects.for_user(user).filter(assignment__in=support_for(user).values("pk"))
            .select_related("assignment__establishment", "assignment__provider", "claimed_by"))


def claim_for_confirm(user: Any, pk: int) -> SupportClaim:
    if _none_unless(user, "brokerage.confirm"):
        raise Http404
    claim = (SupportClaim.objects.for_user(user).filter(pk=pk, assignment__establishment_id__in=_head_school_ids(user))
             .select_related("assignment__establishment", "assignment__provider").first())
    if claim is None:
        raise Http404
    return claim


def assignment_claims(assignment: Any) -> list[SupportClaim]:
    return list(assignment.claims.select_related("claimed_by", "confirmed_by"))
