"""Home-page panels: visits, notes and actions that are due, for advisers, the head of service and
schools."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from school_improvement.accounts.roles import Role
from school_improvement.core.home import Panel, Task, home_panel

from . import selectors
from .models import VisitState


@home_panel([Role.ADVISER, Role.ASSOCIATE_ADVISER])
def adviser_visits_panel(request: HttpRequest) -> Panel:
    user: Any = request.user
    counts = selectors.visit_counts(user, mine=True)
    url = reverse("visits:visit_list")
    overdue_actions = selectors.action_list(user, which="overdue").count()
    return Panel("Your visits", order=15, tasks=[
        Task("visits in the next two weeks", f"{url}?adviser=me&when=upcoming", counts["upcoming"]),
        Task("visits overdue (note not started)", f"{url}?adviser=me&when=overdue", counts["overdue"]),
        Task("notes owed: to write, to answer or to issue", f"{url}?adviser=me&when=notes_due", counts["notes_due"]),
        Task("agreed actions overdue at your schools", reverse("visits:action_list") + "?show=overdue",
             overdue_actions),
        Task("Your caseload: days allocated and available", reverse("visits:caseload_mine")),
    ])


@home_panel([Role.HEAD_OF_SERVICE])
def council_visits_panel(request: HttpRequest) -> Panel:
    user: Any = request.user
    counts = selectors.visit_counts(user)
    url = reverse("visits:visit_list")
    return Panel("Adviser time and visits", order=25, tasks=[
        Task("visits overdue across the council", f"{url}?when=overdue", counts["overdue"]),
        Task("notes of visit owed", f"{url}?when=notes_due", counts["notes_due"]),
        Task("agreed actions overdue", reverse("visits:action_list") + "?show=overdue",
             selectors.action_list(user, which="overdue").count()),
        Task("Adviser capacity: allocated against available days", reverse("visits:council")),
        Task("Case conferences for priority schools", reverse("visits:conference_list")),
    ])


@home_panel([Role.HEADTEACHER, Role.CHAIR_OF_GOVERNORS])
def school_notes_panel(request: HttpRequest) -> Panel | None:
    user: Any = request.user
    visits = selectors.visits_for(user)
    url = reverse("visits:visit_list")
    tasks = []
    if Role.HEADTEACHER in user.roles:
        to_check = list(visits.filter(state=VisitState.WITH_SCHOOL).select_related("school")[:5])
        for visit in to_check:
            tasks.append(Task(f"Check the note of the visit of {visit.note_date:%d %B %Y}",
                              reverse("visits:visit_respond", args=[visit.pk]),
                              hint=f"Please respond by {visit.accuracy_due:%d %B %Y}." if visit.accuracy_due else ""))
    tasks.append(Task("issued notes of visit", f"{url}?state=issued", visits.filter(state=VisitState.ISSUED).count()))
    overdue = selectors.action_list(user, which="overdue").count()
    if overdue:
        tasks.append(Task("agreed actions overdue", reverse("visits:action_list") + "?show=overdue", overdue))
    return Panel("Notes of visit", tasks=tasks, order=18)
