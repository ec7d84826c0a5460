"""A CCG's evidence library: uploaded files or links, typed by the framework's evidence types."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from assure.core.models import PublicModel

STALE_AFTER_DAYS = 365


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """A generated name: nothing of the uploaded name reaches the file system."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.organisation.public_id}/{uuid.uuid4().hex}.{extension}"


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user) -> EvidenceQuerySet:
        from assure.core import permissions

        return permissions.visible_evidence(user, self)


class Evidence(PublicModel):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="evidence"
    )
    title = models.CharField(max_length=200)
    evidence_type = models.ForeignKey(
        "frameworks.EvidenceType", on_delete=models.PROTECT, related_name="evidence"
    )
    document_date = models.DateField()
    owner = models.CharField(max_length=200, help_text="Who in the CCG is responsible for the document.")
    file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    domains = models.ManyToManyField("frameworks.Domain", related_name="evidence", blank=True)
    items = models.ManyToManyField("frameworks.Item", related_name="evidence", blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(file="") & ~models.Q(url="")) | (~models.Q(file="") & models.Q(url="")),
                name="evidence_file_or_link",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_link(self) -> bool:
        return bool(self.url)

    def is_stale(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (today - self.document_date).days > STALE_AFTER_DAYS
