"""The good practice library: examples CCGs and HWBs submit of how they deliver improvements.

An example moves draft → submitted → published, or back to the organisation with changes requested, or is
rejected. Only published examples are public; the rules of who sees what live in `assure/core/permissions.py`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from assure.core.models import PublicModel

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 600
TEXT_MAX_LENGTH = 6000
NOTE_MAX_LENGTH = 2000


def theme_code(theme) -> str:
    """A theme's code as people see it: its domain's number and its place in the domain, from 1 (`3.2`)."""
    return f"{theme.domain.number}.{theme.position + 1}"


class ExampleQuerySet(models.QuerySet):
    def visible_to(self, user) -> ExampleQuerySet:
        from assure.core import permissions

        return permissions.visible_examples(user, self)

    def published(self) -> ExampleQuerySet:
        return self.filter(status=Example.Status.PUBLISHED)


class Example(PublicModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Awaiting moderation"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="good_practice"
    )
    framework = models.ForeignKey("frameworks.Framework", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    summary = models.TextField(max_length=SUMMARY_MAX_LENGTH)
    what_we_did = models.TextField(max_length=TEXT_MAX_LENGTH)
    results = models.TextField(max_length=TEXT_MAX_LENGTH)
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField(max_length=254)
    domains = models.ManyToManyField("frameworks.Domain", related_name="good_practice", blank=True)
    themes = models.ManyToManyField("frameworks.Theme", related_name="good_practice", blank=True)
    items = models.ManyToManyField("frameworks.Item", related_name="good_practice", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    moderation_note = models.TextField(
        blank=True, help_text="The moderator's latest note: the changes asked for, or why it was rejected."
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Everything a search should find the example by (title, text, organisation, tags), kept up to date by the
    # services. SQLite indexes it with an FTS5 table, PostgreSQL with a GIN index; see search.py.
    search_document = models.TextField(blank=True, editable=False)

    objects = ExampleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-updated_at"]
        indexes = [models.Index(fields=["status", "-published_at"], name="goodpractice_status_pub")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.CHANGES_REQUESTED)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def status_colour(self) -> str:
        return {
            self.Status.DRAFT: "grey",
            self.Status.SUBMITTED: "blue",
            self.Status.CHANGES_REQUESTED: "orange",
            self.Status.PUBLISHED: "green",
            self.Status.REJECTED: "red",
        }[self.Status(self.status)]


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """A generated name: nothing of the uploaded name reaches the file system."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"good-practice/{instance.example.public_id}/{uuid.uuid4().hex}.{extension}"


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> AttachmentQuerySet:
        """Files of the examples the person may see."""
        return self.filter(example__in=Example.objects.visible_to(user).values("pk"))


class Attachment(PublicModel):
    example = models.ForeignKey(Example, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["original_name", "pk"]

    def __str__(self) -> str:
        return self.original_name
