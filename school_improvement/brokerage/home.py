"""Home-page panels: officers see unmet need and proposals to decide; providers their claims;
schools the claims waiting for them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from school_improvement.accounts.permissions import has_perm
from school_improvement.accounts.roles import Role
from school_improvement.core.home import Panel, Task, home_panel

from . import selectors
from .models import ClaimStatus, MatchStatus


@home_panel([Role.HEAD_OF_SERVICE, Role.ADVISER])
def brokerage_panel(request: HttpRequest) -> Panel:
    user: Any = request.user
    counts = selectors.plan_counts(user)
    proposals = selectors.plan_matches(user, MatchStatus.PROPOSED).count()
    tasks = [
        Task("days of need with no provider", reverse("brokerage:gap"), counts["unmatched"]),
        Task("proposed matches to review", reverse("brokerage:plan") + "?status=proposed", proposals,
             hint="Lock, edit, reject or agree them, then run the matcher again." if
             has_perm(user, "brokerage.match") else ""),
        Task("Capacity register", reverse("brokerage:provider_list")),
    ]
    return Panel("Brokering support", tasks=tasks, order=35)


@home_panel([Role.SYSTEM_LEADER, Role.ASSOCIATE_ADVISER, Role.HEADTEACHER])
def support_panel(request: HttpRequest) -> Panel | None:
    user: Any = request.user
    rows = selectors.support_for(user)
    url = reverse("brokerage:support_list")
    tasks = []
    mine = [a for a in rows if a.provider_id == user.pk]
    if mine:
        tasks.append(Task("support assignments you deliver", url, len(mine),
                          hint="Claim the days you deliver; the school confirms them."))
    if Role.HEADTEACHER in user.roles:
        waiting = selectors.claims_for(user).filter(status=ClaimStatus.CLAIMED).exclude(
            assignment__provider=user).count()
        tasks.append(Task("claims of support waiting for you to confirm", url, waiting))
    if not tasks:
        return None
    return Panel("Support", tasks=tasks, order=22)
