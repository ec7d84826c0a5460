"""Background work for surveys, run by the django-tasks database worker (`python manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from assure.core.tasks import send_or_retry

from . import services


@task()
def send_survey_email(delivery_id: int) -> str:
    """Send one invitation or reminder. A failure is recorded on the delivery and tried again later, up to
    services.MAX_SEND_ATTEMPTS times in all, waiting longer each time."""
    return send_or_retry(
        send_survey_email,
        lambda pk: services.delivery_send(delivery_id=pk),
        delivery_id,
        what="Survey email",
        max_attempts=services.MAX_SEND_ATTEMPTS,
    )
