"""A school's entitlement to adviser time: days a year and visits a year.

In order: an entitlement the council set by hand (with a reason); else the school's latest agreed
categorisation decision (``categorisation.Decision``, signed off), if that app is installed;
else the council's default. Categorisation is read through this one adapter, so visits and
brokerage keep working while it changes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from school_improvement.core import audit

from .models import CouncilVisitSettings, EntitlementOverride

logger = logging.getLogger(__name__)

SET_BY_HAND = "set_by_hand"
CATEGORY = "category"
DEFAULT = "council_default"
SOURCE_LABELS = {SET_BY_HAND: "Set by hand", CATEGORY: "From the agreed category", DEFAULT: "Council default"}


@dataclass(frozen=True)
class Entitlement:
    adviser_days: Decimal
    visits_per_year: Decimal
    source: str
    category: str = ""  # the category's label, when there is an agreed one
    category_id: str = ""
    #: The category opens an improvement journey (targeted or intensive support): a priority school.
    priority: bool = False
    #: 0 is the most serious category of the policy; None when there is no category.
    severity_rank: int | None = None
    reason: str = ""
    override_id: int | None = None

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]


def council_settings(council: Any) -> CouncilVisitSettings:
    """The council's visit settings; the defaults, unsaved, until the council first changes them
    (a page that reads them never writes)."""
    council_id = getattr(council, "pk", council)
    found = CouncilVisitSettings.objects.filter(council_id=council_id).first()
    return found if found is not None else CouncilVisitSettings(council_id=council_id)


def _decision_model() -> Any:
    try:
        return apps.get_model("categorisation", "Decision")
    except LookupError:
        return None


def _categories_of(version: Any) -> tuple[dict[str, Any], list[str]]:
    """A policy version's categories by id, and their ids in the policy's order."""
    try:
        categories = list(version.engine_policy().categories)
    except Exception:  # a policy that no longer parses must not stop the visits pages
        logger.warning("could not read the categories of policy version %s", getattr(version, "pk", "?"))
        return {}, []
    return {c.id: c for c in categories}, [c.id for c in categories]


def agreed_categories(council: Any, school_ids: Iterable[int]) -> dict[int, Entitlement]:
    """Each school's entitlement from its latest signed-off decision, when categorisation has one."""
    Decision = _decision_model()
    ids = list(school_ids)
    if Decision is None or not ids:
        return {}
    try:
        with transaction.atomic():
            # Plain values: a decision also carries its evidence as large JSON documents.
            rows = list(Decision.objects.filter(council=council, state="signed_off", school_id__in=ids)
                        .order_by("school_id", "-signed_off_at", "-id")
                        .values_list("school_id", "category", "adviser_days", "visits_per_year",
                                     "round__policy_version_id"))
            PolicyVersion = apps.get_model("categorisation", "PolicyVersion")
            versions = {v.pk: v for v in PolicyVersion.objects.filter(pk__in={r[4] for r in rows})}
    except (FieldError, DatabaseError, ValueError, LookupError):
        logger.warning("categorisation decisions could not be read; using council defaults")
        return {}
    policies = {pk: _categories_of(version) for pk, version in versions.items()}
    out: dict[int, Entitlement] = {}
    for school_id, category_id, days, visits, version_id in rows:
        if school_id in out or days is None or visits is None:
            continue
        categories, order = policies.get(version_id, ({}, []))
        category_id = category_id or ""
        category = categories.get(category_id)
        out[school_id] = Entitlement(
            adviser_days=Decimal(days), visits_per_year=Decimal(visits), source=CATEGORY,
            category=getattr(category, "label", category_id), category_id=category_id,
            priority=bool(getattr(category, "opens_journey", False)),
            severity_rank=order.index(category_id) if category_id in order else None,
        )
    return out


def agreed_triggers(council: Any, school_ids: Iterable[int]) -> dict[int, list[str]]:
    """The ids of the triggers that fired in each school's latest signed-off decision (heaviest
    first), for raising needs in the right areas; empty when categorisation has none."""
    Decision = _decision_model()
    ids = list(school_ids)
    if Decision is None or not ids:
        return {}
    try:
        with transaction.atomic():
            rows = list(Decision.objects.filter(council=council, state="signed_off", school_id__in=ids)
                        .order_by("school_id", "-signed_off_at", "-id").values_list("school_id", "proposal"))
    except (FieldError, DatabaseError, ValueError):
        return {}
    out: dict[int, list[str]] = {}
    for school_id, proposal in rows:
        if school_id in out:
            continue
        triggers = ((proposal or {}).get("council") or {}).get("triggers") or []
        ranked = sorted((t for t in triggers if isinstance(t, dict)), key=lambda t: -float(t.get("weight") or 0))
        out[school_id] = [str(t.get("id", "")) for t in ranked if t.get("id")]
    return out


def entitlements_for(council: Any, school_ids: Iterable[int]) -> dict[int, Entitlement]:
    """Every given school's entitlement, in a fixed number of queries."""
    ids = list(school_ids)
    settings = council_settings(council)
    default = Entitlement(settings.default_adviser_days, settings.default_visits_per_year, DEFAULT)
    overrides: dict[int, EntitlementOverride] = {}
    for row in (EntitlementOverride.objects.for_council(council).filter(school_id__in=ids, ended_at__isnull=True)
                .order_by("school_id", "-set_at", "-id")):
        overrides.setdefault(row.school_id, row)
    categories = agreed_categories(council, ids)
    out: dict[int, Entitlement] = {}
    for school_id in ids:
        category = categories.get(school_id)
        override = overrides.get(school_id)
        if override is not None:
            out[school_id] = Entitlement(
                override.adviser_days, override.visits_per_year, SET_BY_HAND,
                category=category.category if category else "", category_id=category.category_id if category else "",
                priority=category.priority if category else False,
                severity_rank=category.severity_rank if category else None,
                reason=override.reason, override_id=override.pk)
        else:
            out[school_id] = category or default
    return out


def entitlement_for(council: Any, school: Any) -> Entitlement:
    return entitlements_for(council, [school.pk])[school.pk]


def entitlement_set(*, actor: Any, council: Any, school: Any, adviser_days: Decimal, visits_per_year: Decimal,
                    reason: str) -> EntitlementOverride:
    """Set a school's entitlement by hand. The reason is required and kept with it."""
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = "Say why the entitlement is set by hand."
    if adviser_days is None or adviser_days < 0 or adviser_days > 200:
        errors["adviser_days"] = "Enter adviser days between 0 and 200."
    if visits_per_year is None or visits_per_year < 0 or visits_per_year > 40:
        errors["visits_per_year"] = "Enter visits a year between 0 and 40."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        now = timezone.now()
        for previous in EntitlementOverride.objects.for_council(council).filter(school=school, ended_at__isnull=True):
            previous.ended_at, previous.ended_by = now, actor if getattr(actor, "is_authenticated", False) else None
            previous.save(update_fields=["ended_at", "ended_by"])
        row = EntitlementOverride.objects.create(
            council=council, school=school, adviser_days=adviser_days, visits_per_year=visits_per_year,
            reason=reason, set_by=actor if getattr(actor, "is_authenticated", False) else None)
        audit.record(actor=actor, action=audit.Action.CREATE, obj=row, after=audit.snapshot(row),
                     detail=f"entitlement set by hand: {reason}")
    return row


def entitlement_clear(*, actor: Any, council: Any, school: Any, reason: str) -> int:
    """Return a school to the entitlement of its category (or the council default)."""
    with transaction.atomic():
        rows = list(EntitlementOverride.objects.for_council(council).filter(school=school, ended_at__isnull=True))
        for row in rows:
            row.ended_at = timezone.now()
            row.ended_by = actor if getattr(actor, "is_authenticated", False) else None
            row.save(update_fields=["ended_at", "ended_by"])
            audit.record(actor=actor, action=audit.Action.UPDATE, obj=row,
                         detail=f"entitlement set by hand ended: {reason}".strip(": "))
    return len(rows)
