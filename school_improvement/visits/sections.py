"""The school page: its entitlement, visits and notes, for those who may see them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from school_improvement.accounts.permissions import has_perm
from school_improvement.register.sections import Section, school_section

from . import selectors
from .entitlements import entitlement_for


@school_section
def visits_section(request: HttpRequest, school: Any) -> Section | None:
    user: Any = request.user
    if not has_perm(user, "visits.view"):
        return None
    visits = list(selectors.school_visits(user, school)[:12])
    staff = selectors.is_staff_reader(user)
    if not visits and not staff:
        return None
    return Section("visits/_school_section.html", {
        "visits": visits, "staff": staff,
        "entitlement": entitlement_for(user.council_id, school) if staff else None,
        "can_plan": selectors.can_plan(user, school),
        "can_manage": has_perm(user, "visits.manage_capacity"),
    }, order=70)
