"""Reads for categorisation, always through the reader's scope and audience.

Who reads what:

* policies: published versions for everyone who may view policies; drafts for the head of service;
* rounds and their packs: council staff taking part (advisers, the review group, the head of
  service). A member conflicted on a school sees a redacted entry for it (no category, no evidence);
* a school's decision: the same staff, for any school of the council; the school's headteacher and
  chair only once the letter is sent, and only their own school;
* explanations: each reader gets the engine's explanation for their audience, so no one reads a
  trigger resting on intelligence they may not see (restricted: the school's link adviser and the
  head of service; the school's head and chair: only records shared with them).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from engines.policy.engine import WITHHELD_NOTE
from school_improvement.accounts.permissions import has_perm, schools_for
from school_improvement.accounts.roles import Role
from school_improvement.core import audit
from school_improvement.intelligence.selectors import link_school_ids
from school_improvement.register.models import EstablishmentQuerySet

from .models import (
    SHARED_STATES,
    BacktestRun,
    ConflictDeclaration,
    Decision,
    DecisionEvent,
    DecisionState,
    PastCategorisation,
    Policy,
    PolicyVersion,
    Reopening,
    Round,
)
from .services import conflicted_school_ids, latest_final, may_propose, ready_to_sign_off

STAFF_PERM = "categorisation.view_rounds"


# --- audiences ------------------------------------------------------------------------------------


def school_role(user: Any, school_id: int) -> str | None:
    """``headteacher`` or ``chair`` when the person leads this school (head first)."""
    roles = {a.role for a in user.active_assignments() if a.establishment_id == school_id}
    if Role.HEADTEACHER in roles:
        return "headteacher"
    if Role.CHAIR_OF_GOVERNORS in roles:
        return "chair"
    return None


def audience_for(user: Any, school_id: int) -> str | None:
    """The engine audience whose explanation this person reads for the school (None: none)."""
    roles = user.roles
    if Role.HEAD_OF_SERVICE in roles or school_id in link_school_ids(user):
        return "council_restricted"
    if roles & {Role.ADVISER, Role.REVIEW_GROUP}:
        return "council"
    return school_role(user, school_id)


def is_staff(user: Any) -> bool:
    return has_perm(user, STAFF_PERM)


# --- policies -------------------------------------------------------------------------------------


def policies_for(user: Any) -> QuerySet[Policy]:
    if not has_perm(user, "categorisation.view_policies"):
        return Policy.objects.none()
    return Policy.objects.for_user(user).annotate(
        published=Count("versions", filter=Q(versions__status=PolicyVersion.Status.PUBLISHED)),
        drafts=Count("versions", filter=Q(versions__status=PolicyVersion.Status.DRAFT))).order_by("name")


def policy_for(user: Any, pk: int) -> Policy:
    policy = policies_for(user).filter(pk=pk).first()
    if policy is None:
        raise Http404
    return policy


def versions_for(user: Any, policy: Policy | None = None) -> QuerySet[PolicyVersion]:
    if not has_perm(user, "categorisation.view_policies"):
        return PolicyVersion.objects.none()
    rows = PolicyVersion.objects.for_user(user).select_related("policy", "published_by", "created_by")
    if not has_perm(user, "categorisation.manage_policies"):
        rows = rows.filter(status=PolicyVersion.Status.PUBLISHED)
    if policy is not None:
        rows = rows.filter(policy=policy)
    return rows.order_by("-effective_from", "-id")


def version_for(user: Any, pk: int) -> PolicyVersion:
    version = versions_for(user).filter(pk=pk).first()
    if version is None:
        raise Http404
    return version


def published_versions(user: Any) -> QuerySet[PolicyVersion]:
    return versions_for(user).filter(status=PolicyVersion.Status.PUBLISHED)


@dataclass
class PolicySummary:
    """A version in words: its triggers, categories and entitlements, and routing rules."""

    policy: Any
    triggers: list[Any]
    categories: list[Any]
    rules: list[Any]
    routes: list[Any]


def policy_summary(version: PolicyVersion) -> PolicySummary:
    p = version.engine_policy()
    return PolicySummary(p, list(p.triggers), list(p.categories), list(p.category_rules),
                         list(p.professional_judgement))


# --- rounds ---------------------------------------------------------------------------------------


def rounds_for(user: Any) -> QuerySet[Round]:
    if not is_staff(user):
        return Round.objects.none()
    return (Round.objects.for_user(user).select_related("policy_version__policy", "created_by")
            .annotate(schools=Count("decisions"),
                      signed_off=Count("decisions", filter=Q(decisions__state=DecisionState.SIGNED_OFF)))
            .order_by("-as_at", "-id"))


def round_for(user: Any, pk: int) -> Round:
    found = rounds_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def category_labels(version: PolicyVersion) -> dict[str, str]:
    return {k.id: k.label for k in version.engine_policy().categories}


@dataclass
class PackRow:
    decision: Decision
    redacted: bool
    category_label: str
    proposed_label: str
    fired: list[str]
    ready: bool


def round_pack(user: Any, round_: Round, *, state: str = "", q: str = "") -> list[PackRow]:
    """The review group's pack: every school of the round, redacted where the reader is conflicted."""
    labels = category_labels(round_.policy_version)
    conflicted = conflicted_school_ids(user, round_)
    visible = set(schools_for(user).filter(pk__in=round_.decisions.values("school_id")).values_list("pk", flat=True))
    rows = round_.decisions.select_related("school").order_by("school__name")
    if state in DecisionState.values:
        rows = rows.filter(state=state)
    if q:
        rows = rows.filter(Q(school__name__icontains=q) | Q(school__urn__iexact=q if q.isdigit() else -1))
    out = []
    for d in rows:
        if d.school_id not in visible:
            continue
        redacted = d.school_id in conflicted
        audience = audience_for(user, d.school_id) or "council"
        proposal = d.proposal.get(audience, {})
        out.append(PackRow(
            d, redacted, "" if redacted else labels.get(d.category, ""),
            "" if redacted else labels.get(d.proposed_category, ""),
            [] if redacted else [t["label"] for t in proposal.get("triggers", [])],
            ready_to_sign_off(d)))
    return out


def state_counts(round_: Round) -> dict[str, int]:
    counts = Counter(round_.decisions.values_list("state", flat=True))
    return {label: counts.get(value, 0) for value, label in DecisionState.choices}


# --- one decision ---------------------------------------------------------------------------------


def decisions_for(user: Any) -> QuerySet[Decision]:
    """Decisions the person may read: staff, any school they may see; head and chair, their own
    school's once the letter has been sent."""
    if not has_perm(user, "categorisation.view_decisions"):
        return Decision.objects.none()
    rows = Decision.objects.for_user(user).filter(school_id__in=schools_for(user).values("pk"))
    if is_staff(user):
        return rows
    own = [a.establishment_id for a in user.active_assignments()
           if a.role in (Role.HEADTEACHER, Role.CHAIR_OF_GOVERNORS) and a.establishment_id]
    return rows.filter(school_id__in=own, state__in=SHARED_STATES)


def decision_for(user: Any, pk: int) -> Decision:
    decision = (decisions_for(user).select_related("round__policy_version__policy", "school", "signed_off_by")
                .filter(pk=pk).first())
    if decision is None:
        raise Http404
    return decision


@dataclass
class DecisionView:
    """One decision as this reader may see it."""

    decision: Decision
    audience: str
    redacted: bool
    staff: bool
    proposal: dict[str, Any]
    category_label: str
    proposed_label: str
    categories: list[Any]
    school_reasons: list[str]
    withheld_note: str
    events: list[Any] = field(default_factory=list)
    representation: Any = None
    can_propose: bool = False
    can_moderate: bool = False
    can_share: bool = False
    can_respond: bool = False
    can_answer: bool = False
    can_sign_off: bool = False

    @property
    def entitlement(self) -> Any:
        return next((k for k in self.categories if k.id == self.decision.category), None)


def school_reasons(decision: Decision, audience: str) -> list[str]:
    """What the school reads about its category: the triggers it may see, and any reason people gave."""
    proposal = decision.proposal.get(audience, {})
    reasons = [t["text"] for t in proposal.get("triggers", [])]
    if decision.reason_for_school:
        reasons.append(decision.reason_for_school)
    elif (decision.category and decision.category != decision.proposed_category) or \
            decision.route == Decision.Route.PROFESSIONAL_JUDGEMENT:
        reasons.append("The category was set by the council's categorisation and review group after "
                       "considering all the evidence; your adviser can explain the reasons.")
    return reasons


def decision_view(user: Any, decision: Decision) -> DecisionView:
    staff = is_staff(user)
    audience = audience_for(user, decision.school_id) or ("council" if staff else "headteacher")
    conflicted = staff and decision.school_id in conflicted_school_ids(user, decision.round)
    redacted = conflicted and Role.HEAD_OF_SERVICE not in user.roles
    version = decision.round.policy_version
    labels = category_labels(version)
    proposal = {} if redacted else decision.proposal.get(audience, {})
    representation = getattr(decision, "representation", None) if decision.state in SHARED_STATES else None
    view = DecisionView(
        decision=decision, audience=audience, redacted=redacted, staff=staff, proposal=proposal,
        category_label="" if redacted else labels.get(decision.category, ""),
        proposed_label="" if redacted else labels.get(decision.proposed_category, ""),
        categories=list(version.engine_policy().categories),
        school_reasons=[] if redacted else school_reasons(decision, audience),
        withheld_note=WITHHELD_NOTE.get(audience, "") if proposal.get("evidence_withheld") else "",
        representation=representation,
    )
    if staff and not redacted:
        view.events = list(decision.events.select_related("actor"))
    state = decision.state
    view.can_propose = decision.route == Decision.Route.PROFESSIONAL_JUDGEMENT and state in (
        DecisionState.AWAITING_ADVISER, DecisionState.PROPOSED) and may_propose(user, decision)
    view.can_moderate = not conflicted and state in (DecisionState.PROPOSED, DecisionState.MODERATED) \
        and has_perm(user, "categorisation.moderate")
    run = has_perm(user, "categorisation.run_rounds")
    view.can_share = run and state == DecisionState.MODERATED
    view.can_answer = run and not conflicted and state == DecisionState.REPRESENTATIONS
    view.can_sign_off = run and not conflicted and ready_to_sign_off(decision)
    view.can_respond = state == DecisionState.SHARED and has_perm(user, "categorisation.respond") \
        and school_role(user, decision.school_id) == "headteacher"
    return view


# --- a school's history ---------------------------------------------------------------------------


@dataclass
class HistoryEntry:
    decision: Decision | None
    past: PastCategorisation | None
    label: str
    when: Any
    state_label: str
    who: str
    why: str


def school_history(user: Any, school: Any) -> list[HistoryEntry] | None:
    """The school's categories over time (rounds and imported past ones), or None when the reader
    may see none of it."""
    if not has_perm(user, "categorisation.view_decisions"):
        return None
    last = DecisionEvent.objects.filter(decision=OuterRef("pk")).order_by("-at", "-id")
    decisions = list(decisions_for(user).filter(school=school)
                     .select_related("round__policy_version", "signed_off_by")
                     .annotate(last_reason=Subquery(last.values("reason")[:1]),
                               last_first=Subquery(last.values("actor__first_name")[:1]),
                               last_last=Subquery(last.values("actor__last_name")[:1]),
                               last_username=Subquery(last.values("actor__username")[:1]))
                     .order_by("-round__as_at", "-id"))
    staff = is_staff(user)
    entries: list[HistoryEntry] = []
    for d in decisions:
        label = category_labels(d.round.policy_version).get(d.category, d.category or "not yet proposed")
        if staff:
            name = " ".join(n for n in (d.last_first, d.last_last) if n)  # type: ignore[attr-defined]
            who = name or d.last_username or "the policy engine"  # type: ignore[attr-defined]
            why = d.last_reason or ""  # type: ignore[attr-defined]
        else:
            who = str(d.signed_off_by) if d.signed_off_by else "the council"
            why = "; ".join(school_reasons(d, audience_for(user, school.pk) or "headteacher"))
        entries.append(HistoryEntry(d, None, label, d.signed_off_at or d.shared_at or d.round.created_at,
                                    DecisionState(d.state).label, who, why))
    past = list(PastCategorisation.objects.for_user(user).filter(urn=school.pk)) if staff else []
    for p in past:
        entries.append(HistoryEntry(None, p, p.category, p.year, f"Imported ({p.source_file})",
                                    "the council (before this system)", p.reason))
    if not entries and not staff:
        return None
    return entries


def reopenings_for(user: Any, *, status: str = Reopening.Status.OPEN, school: Any = None) -> list[dict[str, Any]]:
    """Re-opened categories; a confidential one shows its reason only to readers of restricted records."""
    if not is_staff(user):
        return []
    rows = Reopening.objects.for_user(user).select_related("school", "opened_by", "decision__round")
    if status:
        rows = rows.filter(status=status)
    if school is not None:
        rows = rows.filter(school=school)
    links = link_school_ids(user)
    full = Role.HEAD_OF_SERVICE in user.roles
    out = []
    for r in rows.order_by("-opened_at"):
        hidden = r.confidential and not (full or r.school_id in links)
        out.append({"reopening": r, "kind": "Another event" if hidden else r.get_kind_display(),
                    "reason": "Re-opened by the council" if hidden else r.reason})
    return out


def reopening_for(user: Any, pk: int) -> Reopening:
    found = Reopening.objects.for_user(user).filter(pk=pk).first() if is_staff(user) else None
    if found is None:
        raise Http404
    return found


# --- the dashboard --------------------------------------------------------------------------------


@dataclass
class Dashboard:
    categories: list[tuple[str, int, float, float]]  # label, schools, adviser days, visits
    total_schools: int
    without_category: int
    movement: dict[str, Any] | None
    override_rates: list[tuple[Round, int, int]]
    awaiting: list[tuple[str, int, str]]  # label, count, state value
    reopened: int
    open_rounds: list[Round]


def awaiting(user: Any) -> tuple[list[tuple[str, int, str]], int]:
    """Decisions of open rounds by the step they wait at, and the categories re-opened."""
    waiting = Counter(Decision.objects.for_user(user).filter(round__status=Round.Status.OPEN)
                      .exclude(state=DecisionState.SIGNED_OFF).values_list("state", flat=True))
    rows = [(label, waiting.get(value, 0), value) for value, label in DecisionState.choices
            if value != DecisionState.SIGNED_OFF]
    return rows, Reopening.objects.for_user(user).filter(status=Reopening.Status.OPEN).count()


def _order(version: PolicyVersion) -> dict[str, int]:
    return {k.id: i for i, k in enumerate(version.engine_policy().categories)}


def dashboard(user: Any) -> Dashboard:
    council = user.council_id
    finals = latest_final(council)
    in_area = cast(EstablishmentQuerySet, schools_for(user)).open()
    total = in_area.count()
    per: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    order: dict[str, int] = {}
    for d in sorted(finals.values(), key=lambda d: d.pk):
        labels = category_labels(d.round.policy_version)
        for cid, i in _order(d.round.policy_version).items():
            order[labels[cid]] = i
    for d in finals.values():
        label = category_labels(d.round.policy_version).get(d.category, d.category)
        per[label][0] += 1
        per[label][1] += float(d.adviser_days or 0)
        per[label][2] += float(d.visits_per_year or 0)
    categories = sorted(((k, int(v[0]), v[1], v[2]) for k, v in per.items()), key=lambda r: (order.get(r[0], 99), r[0]))
    rounds = list(Round.objects.for_user(user).select_related("policy_version").order_by("-as_at", "-id"))
    closed = [r for r in rounds if r.scope == Round.Scope.ALL and r.decisions.filter(
        state=DecisionState.SIGNED_OFF).exists()]
    movement = None
    if len(closed) >= 2:
        later, earlier = closed[0], closed[1]
        before = dict(earlier.decisions.filter(state=DecisionState.SIGNED_OFF).values_list("school_id", "category"))
        after = dict(later.decisions.filter(state=DecisionState.SIGNED_OFF).values_list("school_id", "category"))
        lab_b, lab_a = category_labels(earlier.policy_version), category_labels(later.policy_version)
        rank_a = _order(later.policy_version)
        pairs: Counter[tuple[str, str]] = Counter()
        more = less = same = 0
        for school, cat in after.items():
            if school not in before:
                continue
            old = before[school]
            pairs[(str(lab_b.get(old, old)), str(lab_a.get(cat, cat)))] += 1
            if old in rank_a and cat in rank_a:
                more += rank_a[cat] < rank_a[old]
                less += rank_a[cat] > rank_a[old]
                same += rank_a[cat] == rank_a[old]
        rows = sorted({a for a, _ in pairs}, key=lambda x: order.get(x, 99))
        cols = sorted({b for _, b in pairs}, key=lambda x: order.get(x, 99))
        movement = {"earlier": earlier, "later": later, "rows": rows, "cols": cols,
                    "rows_cells": [(r, [pairs.get((r, c), 0) for c in cols]) for r in rows],
                    "more": more, "less": less, "same": same, "compared": sum(pairs.values())}
    overrides = []
    for r in [r for r in rounds if r.scope != Round.Scope.JOURNEY_EXIT][:6]:  # an exit has no review group
        moderated = r.decisions.exclude(group_outcome="")
        overrides.append((r, moderated.count(), moderated.filter(group_outcome=Decision.GroupOutcome.OVERRIDDEN).count()))
    open_rounds = [r for r in rounds if r.status == Round.Status.OPEN]
    waiting, reopened = awaiting(user)
    return Dashboard(categories, total, max(0, total - sum(c[1] for c in categories)), movement, overrides, waiting,
                     reopened, open_rounds)


def backtests_for(user: Any) -> QuerySet[BacktestRun]:
    if not has_perm(user, "categorisation.backtest"):
        return BacktestRun.objects.none()
    return BacktestRun.objects.for_user(user).select_related("run_by")


def backtest_for(user: Any, pk: int) -> BacktestRun:
    found = backtests_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def past_for(user: Any) -> QuerySet[PastCategorisation]:
    if not has_perm(user, "categorisation.import_past"):
        return PastCategorisation.objects.none()
    return PastCategorisation.objects.for_user(user).select_related("school").order_by("-year", "urn")


def conflicts_of(user: Any, round_: Round) -> QuerySet[ConflictDeclaration]:
    return ConflictDeclaration.objects.filter(round=round_, member=user).select_related("school")


def note_decision_viewed(user: Any, view: DecisionView) -> None:
    """An audit VIEW row when the explanation shown rests on restricted intelligence."""
    if view.audience == "council_restricted" and not view.redacted \
            and view.decision.proposal.get("council", {}).get("evidence_withheld"):
        audit.record(actor=user, action=audit.Action.VIEW, obj=view.decision,
                     detail="categorisation explanation resting on restricted intelligence shown")
