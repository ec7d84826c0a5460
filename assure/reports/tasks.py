"""Work done by the background worker (`manage.py db_worker`)."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)


@task()
def render_report_pdf(report_pdf_id: int) -> None:
    from .services import report_pdf_render

    report_pdf_render(report_pdf_id=report_pdf_id)
    log.info("Report PDF %s rendered at %s", report_pdf_id, timezone.now().isoformat())
