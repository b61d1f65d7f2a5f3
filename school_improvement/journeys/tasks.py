"""Background work: the morning's reminders (reviews due, actions past their date, clocks run out)."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from school_improvement.core.models import Council

from . import notify

logger = logging.getLogger(__name__)


def send_all_reminders() -> int:
    """Every council's reminders; each is sent once (notifications carry a key)."""
    return sum(notify.send_reminders(council=council) for council in Council.objects.all())


@db_periodic_task(crontab(hour="7", minute="0"))
def morning_reminders() -> None:
    logger.info("journey reminders sent: %s", send_all_reminders())
