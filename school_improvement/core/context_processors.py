"""What every page needs: the council's name and the navigation the person may use."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from school_improvement.accounts.permissions import has_perm

# (label, url name, permission). Later capabilities add their sections here.
NAVIGATION: list[tuple[str, str, str]] = [
    ("Home", "core:home", "core.home"),
    ("Schools", "register:school_list", "register.view_schools"),
    ("Clusters", "register:cluster_list", "register.view_schools"),
    ("Imports", "register:import_list", "register.import"),
    ("Intelligence", "intelligence:record_list", "intelligence.view_list"),
    ("Categories", "categorisation:dashboard", "categorisation.view_rounds"),
    ("Journeys", "journeys:dashboard", "journeys.dashboard"),
    ("Visits", "visits:visit_list", "visits.view"),
    ("Brokerage", "brokerage:overview", "brokerage.view"),
    ("Support", "brokerage:support_list", "brokerage.view_support"),
    ("Jobs", "core:job_list", "core.view_own_jobs"),
    ("Users", "accounts:user_list", "accounts.manage_users"),
    ("Audit log", "core:audit_list", "core.view_audit"),
]


def service(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    council = getattr(user, "council", None) if user.is_authenticated else None
    nav: list[dict[str, Any]] = []
    if user.is_authenticated:
        for label, name, permission in NAVIGATION:
            if has_perm(user, permission):
                url = reverse(name)
                matches = request.path == url if url == "/" else request.path.startswith(url)
                nav.append({"label": label, "url": url, "active": matches})
        # One item is current: the one whose address matches the most of the path
        # (/brokerage/support/ is "Support", not also "Brokerage").
        current = max((item for item in nav if item["active"]), key=lambda item: len(item["url"]), default=None)
        for item in nav:
            item["active"] = item is current
    return {
        "service_name": settings.SERVICE_NAME,
        "council": council,
        "navigation": nav,
        "oidc_enabled": getattr(settings, "OIDC_ENABLED", False),
        "oidc_provider_name": getattr(settings, "OIDC_PROVIDER_NAME", ""),
    }
