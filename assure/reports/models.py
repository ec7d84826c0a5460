"""A CCG report's PDF, cached per snapshot of the report's content and made by the background worker."""

from __future__ import annotations

from django.db import models

from assure.core.models import PublicModel


class ReportPdfQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReportPdfQuerySet:
        from assure.core import permissions

        return permissions.visible_report_pdfs(user, self)


class ReportPdf(PublicModel):
    """The PDF of one report content. `key` is a digest of exactly what the report shows (the data, the
    templates' version), so the same content is rendered once, and a change (a new submission, a decision)
    makes a new one. Readers reach a PDF only by computing the key of the report they may see."""

    class Stage(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        DRAWING = "drawing", "Drawing the charts"
        LAYING_OUT = "laying_out", "Laying out the pages"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="report_pdfs"
    )
    key = models.CharField(max_length=64)
    from_draft = models.BooleanField(
        default=False, help_text="Built from the live working copy, which only the CCG's own people may read."
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.QUEUED)
    data = models.JSONField(help_text="The report's content as it was when the PDF was asked for.")
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pages = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ReportPdfQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["assessment", "key"], name="report_pdf_unique")]

    def __str__(self) -> str:
        return f"Report PDF for {self.assessment_id} ({self.get_stage_display()})"

    STAGES_IN_ORDER = [Stage.QUEUED, Stage.DRAWING, Stage.LAYING_OUT, Stage.READY]

    @property
    def is_ready(self) -> bool:
        return self.stage == self.Stage.READY

    @property
    def is_failed(self) -> bool:
        return self.stage == self.Stage.FAILED

    @property
    def step(self) -> int:
        """How far along it is, from 0 (queued) to 3 (ready)."""
        try:
            return self.STAGES_IN_ORDER.index(self.stage)
        except ValueError:
            return 0
