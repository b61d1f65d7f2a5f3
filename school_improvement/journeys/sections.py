"""The improvement journey on a school's page, for those who may see it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from school_improvement.accounts.permissions import has_perm
from school_improvement.register.sections import Section, school_section

from . import selectors


@school_section
def journey_section(request: HttpRequest, school: Any) -> Section | None:
    user: Any = request.user
    if not has_perm(user, "journeys.view"):
        return None
    journeys = selectors.school_journeys(user, school)
    can_open = has_perm(user, "journeys.open") and selectors.openable_schools(user).filter(pk=school.pk).exists()
    if not journeys and not can_open:
        return None
    return Section("journeys/_school_section.html", {"journeys": journeys, "school": school, "can_open": can_open},
                   order=70)
