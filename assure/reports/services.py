"""Report PDFs: asked for, made in the background, cached per content."""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from assure.assessments.models import Assessment

from .models import ReportPdf
from .render import render_pdf
from .report import report_key

log = logging.getLogger(__name__)
KEEP_PER_ASSESSMENT = 5


def report_pdf_request(*, assessment: Assessment, report: dict[str, Any]) -> ReportPdf:
    """The PDF of this report content: the cached one, or a new one queued for the worker.

    A failed PDF is queued again. Older PDFs of the same self-assessment beyond the last few are removed.
    """
    from .tasks import render_report_pdf

    key = report_key(report)
    existing = ReportPdf.objects.filter(assessment=assessment, key=key).first()  # scoped: by the caller's key
    if existing is not None and not existing.is_failed:
        return existing
    if existing is None:
        try:
            with transaction.atomic():
                existing = ReportPdf.objects.create(
                    assessment=assessment, key=key, data=report, from_draft=report["source"]["draft"]
                )
        except IntegrityError:  # asked for twice at once: the other request queued it
            return ReportPdf.objects.get(assessment=assessment, key=key)
    else:
        ReportPdf.objects.filter(pk=existing.pk).update(stage=ReportPdf.Stage.QUEUED, error="")
    old = ReportPdf.objects.filter(assessment=assessment).order_by("-created_at")[KEEP_PER_ASSESSMENT:]
    ReportPdf.objects.filter(pk__in=list(old.values_list("pk", flat=True))).exclude(pk=existing.pk).delete()
    render_report_pdf.enqueue(existing.pk)
    existing.refresh_from_db()
    return existing


def report_pdf_render(*, report_pdf_id: int) -> ReportPdf | None:
    report_pdf = ReportPdf.objects.filter(pk=report_pdf_id).first()
    if report_pdf is None or report_pdf.is_ready:
        return report_pdf

    def stage(name: str) -> None:
        ReportPdf.objects.filter(pk=report_pdf_id).update(stage=name, updated_at=timezone.now())

    try:
        content, pages = render_pdf(report_pdf.data, on_stage=stage)
    except Exception as exc:
        log.exception("Report PDF %s failed", report_pdf_id)
        ReportPdf.objects.filter(pk=report_pdf_id).update(
            stage=ReportPdf.Stage.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return None
    ReportPdf.objects.filter(pk=report_pdf_id).update(
        stage=ReportPdf.Stage.READY, pdf=content, pages=pages, finished_at=timezone.now()
    )
    report_pdf.refresh_from_db()
    return report_pdf
