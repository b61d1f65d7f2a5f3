"""The school page: its needs for support and the support agreed, for council officers."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest

from school_improvement.accounts.permissions import has_perm
from school_improvement.register.sections import Section, school_section

from . import selectors


@school_section
def brokerage_section(request: HttpRequest, school: Any) -> Section | None:
    user: Any = request.user
    if not has_perm(user, "brokerage.view"):
        return None
    needs = list(selectors.need_list(user, status="all").filter(school=school)[:10])
    can_raise = has_perm(user, "brokerage.raise_needs")
    if can_raise:
        try:
            selectors.school_for_need(user, school.pk)
        except Http404:
            can_raise = False
    return Section("brokerage/_school_section.html", {"needs": needs, "can_raise": can_raise}, order=75)
