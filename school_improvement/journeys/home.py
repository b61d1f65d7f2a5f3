"""Home-page panels: the watchlist for advisers and the head of service; a school's own journey and
the actions assigned to its head and chair; notifications for everyone on a journey."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from school_improvement.accounts.permissions import has_perm
from school_improvement.accounts.roles import Role
from school_improvement.core.home import Panel, Task, home_panel

from . import selectors


@home_panel([Role.ADVISER, Role.HEAD_OF_SERVICE])
def watchlist_panel(request: HttpRequest) -> Panel:
    user: Any = request.user
    url = reverse("journeys:dashboard")
    mine = "" if Role.HEAD_OF_SERVICE in user.roles else "&mine=1"
    counts = selectors.watch_counts(user)
    tasks = [
        Task("journeys with a review overdue", f"{url}?flag=overdue_review{mine}", counts.overdue_review),
        Task("journeys with red objectives", f"{url}?flag=red{mine}", counts.red),
        Task("journeys with actions past their date", f"{url}?flag=actions{mine}", counts.actions),
        Task("journeys past their clock: a decision is due", f"{url}?flag=clock{mine}", counts.clock),
    ]
    awaiting = len(selectors.schools_awaiting_journey(user))
    if awaiting:
        tasks.append(Task("schools whose category opens a journey, without one", reverse("journeys:open"), awaiting))
    return Panel("Improvement journeys", tasks=tasks, order=25)


@home_panel([Role.HEADTEACHER, Role.CHAIR_OF_GOVERNORS, Role.SYSTEM_LEADER, Role.ASSOCIATE_ADVISER,
             Role.ADVISER, Role.HEAD_OF_SERVICE])
def my_journeys_panel(request: HttpRequest) -> Panel | None:
    user: Any = request.user
    if not has_perm(user, "journeys.view"):
        return None
    tasks: list[Task] = []
    if not user.roles & {Role.ADVISER, Role.HEAD_OF_SERVICE}:
        for journey in selectors.visible_journeys(user).filter(status__in=selectors.LIVE).select_related("school"):
            tasks.append(Task(f"{journey.school.name}: {journey.stage_label.lower()}",
                              reverse("journeys:detail", args=[journey.pk])))
    for action in selectors.my_actions(user)[:10]:
        tasks.append(Task(f"Action for you: {action.description}", reverse("journeys:action", args=[action.pk]),
                          hint=f"{action.journey.school.name}, due {action.due_on:%d %B %Y}"))
    unread = selectors.unread_count(user)
    if unread:
        tasks.append(Task("new notifications", reverse("journeys:notifications"), unread))
    if not tasks:
        return None
    return Panel("Your improvement journeys", tasks=tasks, order=20)
