"""Notifications about journeys: a row each person sees in the interface, and an e-mail (Django's
e-mail backend) sent once the transaction commits. Called explicitly from the services.

Reminders (``send_reminders``) are idempotent: each carries a key, so running them twice a day
sends nothing new.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from school_improvement.accounts.roles import Role

from .models import Journey, JourneyAction, Notification

logger = logging.getLogger(__name__)


def _url(journey: Journey) -> str:
    return reverse("journeys:detail", args=[journey.pk])


def _users_with(council_id: int, roles: Iterable[str], school_id: int | None = None) -> list[Any]:
    from school_improvement.accounts.models import User

    today = timezone.localdate()
    rows = (User.objects.filter(council_id=council_id, is_active=True, role_assignments__role__in=list(roles),
                                role_assignments__starts__lte=today)
            .filter(Q(role_assignments__ends__isnull=True) | Q(role_assignments__ends__gte=today)))
    if school_id is not None:
        rows = rows.filter(role_assignments__establishment_id=school_id)
    return list(rows.distinct())


def people(journey: Journey, users: Iterable[Any], text: str, *, exclude: Any = None, url: str = "",
           key: str = "") -> list[Notification]:
    """Tell each person (once), in the interface and by e-mail."""
    made = []
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or (exclude is not None and user.pk == getattr(exclude, "pk", None)):
            continue
        seen.add(user.pk)
        row_key = f"{key}:{user.pk}" if key else ""
        try:
            with transaction.atomic():
                row = Notification.objects.create(council_id=journey.council_id, user=user, journey=journey,
                                                  text=text[:500], url=url or _url(journey), key=row_key)
        except IntegrityError:
            continue  # this reminder was already sent
        made.append(row)
        if user.email:
            transaction.on_commit(partial(_email, user, row))
    return made


def _email(user: Any, row: Notification) -> None:
    link = f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{row.url}"
    try:
        send_mail(subject=f"{settings.SERVICE_NAME}: {row.text[:80]}", message=f"{row.text}\n\n{link}\n",
                  from_email=None, recipient_list=[user.email])
    except Exception:  # noqa: BLE001 - a mail server outage must not lose the notification row
        logger.exception("could not e-mail notification %s", row.pk)


def journey_people(journey: Journey, text: str, *, exclude: Any = None, school: bool = True,
                   include_head_of_service: bool = True, url: str = "") -> list[Notification]:
    """The owner, the school's head and chair, the named providers and (optionally) the head of service."""
    users: list[Any] = [journey.owner]
    if school:
        users += _users_with(journey.council_id, [Role.HEADTEACHER, Role.CHAIR_OF_GOVERNORS], journey.school_id)
    users += [link.assignment.provider for link in journey.support.select_related("assignment__provider")]
    if include_head_of_service:
        users += _users_with(journey.council_id, [Role.HEAD_OF_SERVICE])
    return people(journey, users, text, exclude=exclude, url=url)


def head_of_service(journey: Journey, text: str, *, exclude: Any = None) -> list[Notification]:
    return people(journey, _users_with(journey.council_id, [Role.HEAD_OF_SERVICE]), text, exclude=exclude)


MOVE_TEXT = {
    "submit_statement": ("The statement of action for {school} is ready for ratification.", "hos"),
    "return_statement": ("The statement of action for {school} was returned for changes: {reason}", "owner"),
    "ratify": ("The statement of action for {school} has been ratified.", "all"),
    "escalate": ("The improvement journey for {school} has been escalated.", "staff"),
    "de_escalate": ("The improvement journey for {school} has returned to delivery.", "staff"),
    "exit": ("{school} has exited its improvement journey.", "all"),
    "pause": ("The improvement journey for {school} is paused: {reason}", "staff"),
    "resume": ("The improvement journey for {school} has resumed.", "staff"),
    "close": ("The improvement journey for {school} has been closed: {reason}", "all"),
    "extend_clock": ("The clock of {school}'s improvement journey has been extended.", "staff"),
}


def after_move(journey: Journey, move: str, actor: Any, reason: str) -> None:
    entry = MOVE_TEXT.get(move)
    if entry is None:
        return
    template, audience = entry
    text = template.format(school=journey.school.name, reason=reason)
    if audience == "hos":
        head_of_service(journey, text, exclude=actor)
    elif audience == "owner":
        people(journey, [journey.owner], text, exclude=actor)
    elif audience == "staff":
        journey_people(journey, text, exclude=actor, school=False)
    else:
        journey_people(journey, text, exclude=actor)


def send_reminders(*, council: Any, today: dt.date | None = None, soon_days: int = 7) -> int:
    """Reviews due within a week or overdue, actions past their date, clocks run out. Once each."""
    today = today or timezone.localdate()
    council_id = getattr(council, "pk", council)
    sent = 0
    live = Journey.objects.filter(council_id=council_id, status="open").select_related("school", "owner")
    for journey in live.filter(next_review_due__lte=today + dt.timedelta(days=soon_days)):
        due = journey.next_review_due
        word = "was due" if due < today else "is due"
        sent += len(people(journey, [journey.owner], f"A review of {journey.school.name}'s improvement journey "
                                                     f"{word} on {due:%d %B %Y}.",
                           key=f"review:{journey.pk}:{due.isoformat()}"))
    for journey in live.filter(decision_due__lt=today):
        sent += len(people(
            journey, [journey.owner, *_users_with(council_id, [Role.HEAD_OF_SERVICE])],
            f"The clock of {journey.school.name}'s improvement journey ran out on {journey.decision_due:%d %B %Y}: "
            "a decision is due (exit, extend or escalate).", key=f"clock:{journey.pk}:{journey.decision_due}"))
    late = (JourneyAction.objects.filter(journey__council_id=council_id, journey__status="open",
                                         state=JourneyAction.State.OPEN, due_on__lt=today)
            .select_related("journey", "journey__school", "owner"))
    for action in late:
        sent += len(people(action.journey, [action.owner], f"An action on {action.journey.school.name}'s "
                           f"improvement journey was due on {action.due_on:%d %B %Y}: {action.description}",
                           key=f"action:{action.pk}:{action.due_on}", url=reverse("journeys:action", args=[action.pk])))
    return sent
