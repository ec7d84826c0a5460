"""Background work for cycles, run by the django-tasks database worker (`python manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from assure.core.tasks import send_or_retry

from . import services


@task()
def send_deadline_reminder(reminder_id: int) -> str:
    """Send one deadline reminder. A failure is recorded on the reminder and tried again later, up to
    services.MAX_SEND_ATTEMPTS times in all, waiting longer each time."""
    return send_or_retry(
        send_deadline_reminder,
        lambda pk: services.reminder_send(reminder_id=pk),
        reminder_id,
        what="Deadline reminder",
        max_attempts=services.MAX_SEND_ATTEMPTS,
    )
