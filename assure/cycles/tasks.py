"""Background work for cycles, run by the django-tasks database worker (`python manage.py db_worker`)."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from . import services

logger = logging.getLogger(__name__)


@task()
def send_deadline_reminder(reminder_id: int) -> str:
    """Send one deadline reminder. A failure is recorded on the reminder and tried again later, up to
    services.MAX_SEND_ATTEMPTS times in all, waiting longer each time."""
    outcome = services.reminder_send(reminder_id=reminder_id)
    if outcome.retry_in is not None:
        logger.warning("Deadline reminder %s failed; trying again in %ss", reminder_id, outcome.retry_in)
        retry = send_deadline_reminder
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + datetime.timedelta(seconds=outcome.retry_in))
        retry.enqueue(reminder_id)
    elif outcome.status == "failed":
        logger.error(
            "Deadline reminder %s failed %s times; giving up", reminder_id, services.MAX_SEND_ATTEMPTS
        )
    return outcome.status
