"""Every role rule in one place: which roles hold which permission, and which schools each sees.

Views and API endpoints ask ``has_perm`` for what a person may do and ``schools_for`` /
``schools_in_full`` for which schools they may do it to. Later capabilities add permissions
here, never in views.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from .roles import Role

if TYPE_CHECKING:
    from school_improvement.register.models import EstablishmentQuerySet

R = Role

# Permission -> roles holding it. Read it as a table.
PERMISSIONS: dict[str, frozenset[str]] = {
    "core.home": frozenset(Role.values),
    "core.view_own_jobs": frozenset({R.DATA_OFFICER, R.ADMINISTRATOR, R.HEAD_OF_SERVICE}),
    "core.view_audit": frozenset({R.AUDITOR}),
    "accounts.manage_users": frozenset({R.ADMINISTRATOR}),
    "accounts.api_token": frozenset(Role.values) - {R.INTELLIGENCE_CONTRIBUTOR},
    "register.view_schools": frozenset({
        R.DATA_OFFICER, R.ADVISER, R.ASSOCIATE_ADVISER, R.HEAD_OF_SERVICE, R.REVIEW_GROUP,
        R.HEADTEACHER, R.CHAIR_OF_GOVERNORS, R.TRUST_LEADER, R.SYSTEM_LEADER, R.CLUSTER_LEAD,
        R.ADMINISTRATOR,
    }),
    "register.import": frozenset({R.DATA_OFFICER}),
    "register.manage_clusters_and_portfolios": frozenset({R.ADMINISTRATOR, R.HEAD_OF_SERVICE}),
    # Evidence (results, inspections, benchmarks) is not confidential: whoever may see a school
    # (schools_for) sees its evidence.
    "evidence.view_evidence": frozenset({
        R.DATA_OFFICER, R.ADVISER, R.ASSOCIATE_ADVISER, R.HEAD_OF_SERVICE, R.REVIEW_GROUP,
        R.HEADTEACHER, R.CHAIR_OF_GOVERNORS, R.TRUST_LEADER, R.SYSTEM_LEADER, R.CLUSTER_LEAD,
        R.ADMINISTRATOR,
    }),
    "regional.view_aggregates": frozenset({R.REGIONAL_ANALYST, R.HEAD_OF_SERVICE}),
    # Soft intelligence. Which records each reader sees is decided in intelligence/selectors.py.
    "intelligence.read": frozenset({
        R.ADVISER, R.HEAD_OF_SERVICE, R.DATA_OFFICER, R.REVIEW_GROUP, R.HEADTEACHER, R.CHAIR_OF_GOVERNORS,
    }),
    "intelligence.view_list": frozenset({R.ADVISER, R.HEAD_OF_SERVICE, R.DATA_OFFICER, R.REVIEW_GROUP}),
    "intelligence.submit": frozenset({R.INTELLIGENCE_CONTRIBUTOR, R.ADVISER, R.HEAD_OF_SERVICE}),
    "intelligence.manage": frozenset({R.ADVISER, R.HEAD_OF_SERVICE}),
    "intelligence.export": frozenset({R.HEAD_OF_SERVICE}),
    "intelligence.bulk_load": frozenset({R.HEAD_OF_SERVICE, R.DATA_OFFICER}),
    "intelligence.subject_access": frozenset({R.HEAD_OF_SERVICE}),
    # Adviser time and visits. Which visits each reader sees is decided in visits/selectors.py:
    # the school sees a note once it is sent for checking (the chair once it is issued).
    "visits.view": frozenset({
        R.ADVISER, R.ASSOCIATE_ADVISER, R.HEAD_OF_SERVICE, R.HEADTEACHER, R.CHAIR_OF_GOVERNORS,
    }),
    "visits.record": frozenset({R.ADVISER, R.ASSOCIATE_ADVISER, R.HEAD_OF_SERVICE}),
    "visits.respond": frozenset({R.HEADTEACHER}),
    "visits.update_action": frozenset({R.ADVISER, R.ASSOCIATE_ADVISER, R.HEAD_OF_SERVICE, R.HEADTEACHER}),
    "visits.view_caseload": frozenset({R.ADVISER, R.ASSOCIATE_ADVISER, R.HEAD_OF_SERVICE}),
    "visits.manage_capacity": frozenset({R.HEAD_OF_SERVICE}),
    "visits.case_conference": frozenset({R.ADVISER, R.HEAD_OF_SERVICE}),
    # Capacity and brokerage: officers see the register, needs, shortlists and the plan; the head
    # of service runs the matching and decides; providers claim days; schools confirm them.
    "brokerage.view": frozenset({R.ADVISER, R.HEAD_OF_SERVICE}),
    "brokerage.raise_needs": frozenset({R.ADVISER, R.HEAD_OF_SERVICE}),
    "brokerage.manage_providers": frozenset({R.HEAD_OF_SERVICE}),
    "brokerage.match": frozenset({R.HEAD_OF_SERVICE}),
    "brokerage.view_support": frozenset({
        R.ADVISER, R.ASSOCIATE_ADVISER, R.HEAD_OF_SERVICE, R.HEADTEACHER, R.SYSTEM_LEADER,
    }),
    "brokerage.claim": frozenset({R.SYSTEM_LEADER, R.ASSOCIATE_ADVISER, R.ADVISER}),
    "brokerage.confirm": frozenset({R.HEADTEACHER}),
    # Categorisation. Which rounds, decisions and explanations each reader sees is decided in
    # categorisation/selectors.py (scope, audience, conflicts of interest).
    "categorisation.view_policies": frozenset({
        R.ADVISER, R.HEAD_OF_SERVICE, R.REVIEW_GROUP, R.DATA_OFFICER, R.HEADTEACHER, R.CHAIR_OF_GOVERNORS,
    }),
    "categorisation.manage_policies": frozenset({R.HEAD_OF_SERVICE}),
    "categorisation.view_rounds": frozenset({R.ADVISER, R.HEAD_OF_SERVICE, R.REVIEW_GROUP}),
    "categorisation.run_rounds": frozenset({R.HEAD_OF_SERVICE}),
    "categorisation.propose": frozenset({R.ADVISER, R.HEAD_OF_SERVICE}),
    "categorisation.moderate": frozenset({R.REVIEW_GROUP, R.HEAD_OF_SERVICE}),
    "categorisation.view_decisions": frozenset({
        R.ADVISER, R.HEAD_OF_SERVICE, R.REVIEW_GROUP, R.HEADTEACHER, R.CHAIR_OF_GOVERNORS,
    }),
    "categorisation.respond": frozenset({R.HEADTEACHER}),
    "categorisation.backtest": frozenset({R.HEAD_OF_SERVICE, R.DATA_OFFICER}),
    "categorisation.import_past": frozenset({R.HEAD_OF_SERVICE, R.DATA_OFFICER}),
    # Improvement journeys. Which journeys each reader sees (the council's staff on them, the
    # school's head and chair, the named providers) is decided in journeys/selectors.py.
    "journeys.view": frozenset({
        R.ADVISER, R.ASSOCIATE_ADVISER, R.HEAD_OF_SERVICE, R.SYSTEM_LEADER, R.HEADTEACHER, R.CHAIR_OF_GOVERNORS,
    }),
    "journeys.open": frozenset({R.ADVISER, R.HEAD_OF_SERVICE}),
    "journeys.manage": frozenset({R.ADVISER, R.HEAD_OF_SERVICE, R.SYSTEM_LEADER}),
    "journeys.ratify": frozenset({R.HEAD_OF_SERVICE}),
    "journeys.skip_gate": frozenset({R.HEAD_OF_SERVICE}),
    "journeys.approve_escalation": frozenset({R.HEAD_OF_SERVICE}),
    "journeys.view_escalation": frozenset({
        R.ADVISER, R.ASSOCIATE_ADVISER, R.HEAD_OF_SERVICE, R.HEADTEACHER, R.CHAIR_OF_GOVERNORS,
    }),
    "journeys.update_own_actions": frozenset({
        R.ADVISER, R.ASSOCIATE_ADVISER, R.HEAD_OF_SERVICE, R.SYSTEM_LEADER, R.HEADTEACHER, R.CHAIR_OF_GOVERNORS,
    }),
    "journeys.dashboard": frozenset({R.ADVISER, R.HEAD_OF_SERVICE}),
    "journeys.edit_templates": frozenset({R.HEAD_OF_SERVICE}),
}

# Roles whose scope is every school of their council.
COUNCIL_WIDE_ROLES = frozenset({
    R.DATA_OFFICER, R.HEAD_OF_SERVICE, R.REVIEW_GROUP, R.ADMINISTRATOR, R.ADVISER,
})


def roles_of(user: Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return user.roles


def has_perm(user: Any, permission: str) -> bool:
    """Whether any of the user's roles in force today holds ``permission``."""
    allowed = PERMISSIONS.get(permission)
    if allowed is None:
        raise KeyError(f"Unknown permission {permission!r}: declare it in PERMISSIONS")
    return bool(roles_of(user) & allowed)


def _scoped_school_filter(user: Any, *, full: bool) -> Q | None:
    """A Q over Establishment for the user's role scopes; None means 'no schools'."""
    from school_improvement.register.models import Cluster  # noqa: F401  (scope targets)

    today = timezone.localdate()
    council = user.council_id
    clauses: list[Q] = []
    for assignment in user.active_assignments():
        role = assignment.role
        if role in COUNCIL_WIDE_ROLES and not (full and role == R.ADVISER):
            clauses.append(Q(la__councils=council))
        elif role in {R.ADVISER, R.ASSOCIATE_ADVISER}:
            clauses.append(
                Q(portfolio_assignments__adviser=user, portfolio_assignments__council=council)
                & (Q(portfolio_assignments__ends__isnull=True) | Q(portfolio_assignments__ends__gte=today))
            )
        elif role in {R.HEADTEACHER, R.CHAIR_OF_GOVERNORS} and assignment.establishment_id:
            clauses.append(Q(pk=assignment.establishment_id))
        elif role == R.TRUST_LEADER and assignment.group_id:
            clauses.append(
                Q(group_memberships__group_id=assignment.group_id, group_memberships__left__isnull=True)
            )
        elif role == R.CLUSTER_LEAD and assignment.cluster_id:
            clauses.append(
                Q(cluster_memberships__cluster_id=assignment.cluster_id,
                  cluster_memberships__cluster__council=council)
            )
        elif role == R.SYSTEM_LEADER:
            clauses.append(
                Q(support_assignments__provider=user, support_assignments__council=council)
                & (Q(support_assignments__ends__isnull=True) | Q(support_assignments__ends__gte=today))
            )
    if not clauses:
        return None
    combined = clauses[0]
    for clause in clauses[1:]:
        combined |= clause
    return combined


def _schools(user: Any, *, full: bool) -> Any:  # an EstablishmentQuerySet
    from school_improvement.register.models import Establishment

    if not getattr(user, "is_authenticated", False) or user.council_id is None:
        return Establishment.objects.none()
    if not has_perm(user, "register.view_schools"):
        return Establishment.objects.none()
    condition = _scoped_school_filter(user, full=full)
    if condition is None:
        return Establishment.objects.none()
    # Schools outside the user's council are never in scope, whatever the role.
    ids = Establishment.objects.filter(condition).filter(la__councils=user.council_id).values("pk")
    return Establishment.objects.filter(pk__in=ids)


def schools_for(user: Any) -> EstablishmentQuerySet:
    """Schools whose non-confidential data the user may see."""
    return _schools(user, full=False)


def schools_in_full(user: Any) -> EstablishmentQuerySet:
    """Schools the user may see in full (an adviser's own portfolio, a head's own school...)."""
    return _schools(user, full=True)


def can_view_school(user: Any, school: Any) -> bool:
    return schools_for(user).filter(pk=school.pk).exists()


def needs_second_factor(user: Any) -> bool:
    from .roles import SECOND_FACTOR_ROLES

    return bool(roles_of(user) & SECOND_FACTOR_ROLES)
