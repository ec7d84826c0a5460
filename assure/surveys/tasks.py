"""Background work for surveys, run by the django-tasks database worker (`python manage.py db_worker`)."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from . import services

logger = logging.getLogger(__name__)


@task()
def send_survey_email(delivery_id: int) -> str:
    """Send one invitation or reminder. A failure is recorded on the delivery and tried again later, up to
    services.MAX_SEND_ATTEMPTS times in all, waiting longer each time."""
    outcome = services.delivery_send(delivery_id=delivery_id)
    if outcome.retry_in is not None:
        logger.warning("Survey email %s failed; trying again in %ss", delivery_id, outcome.retry_in)
        retry = send_survey_email
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + datetime.timedelta(seconds=outcome.retry_in))
        retry.enqueue(delivery_id)
    elif outcome.status == "failed":
        logger.error("Survey email %s failed %s times; giving up", delivery_id, services.MAX_SEND_ATTEMPTS)
    return outcome.status
