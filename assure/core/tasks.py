"""What the background tasks that send email share: send once, and on failure queue the task again later."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.utils import timezone

logger = logging.getLogger(__name__)


def send_or_retry(task, send: Callable[[int], Any], pk: int, *, what: str, max_attempts: int) -> str:
    """Run `send(pk)`, whose outcome has `status` and `retry_in` (seconds, or None). When it asks to be tried
    again, queue `task` for `pk` after that wait (at once where the backend cannot defer)."""
    outcome = send(pk)
    if outcome.retry_in is not None:
        logger.warning("%s %s failed; trying again in %ss", what, pk, outcome.retry_in)
        retry = task
        if retry.get_backend().supports_defer:
            retry = retry.using(run_after=timezone.now() + datetime.timedelta(seconds=outcome.retry_in))
        retry.enqueue(pk)
    elif outcome.status == "failed":
        logger.error("%s %s failed %s times; giving up", what, pk, max_attempts)
    return outcome.status
