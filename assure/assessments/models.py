"""A CCG's self-assessment in a cycle: one response per framework item, submissions as snapshots."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.fields.json import KeyTransform

from assure.core.models import PublicModel

NARRATIVE_MAX_LENGTH = 3000
REASON_MAX_LENGTH = 500


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> AssessmentQuerySet:
        from assure.core import permissions

        return permissions.visible_assessments(user, self)


class Assessment(PublicModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="assessments")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="assessments"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    shared_with_hwb = models.BooleanField(
        default=False, help_text="Once submitted, the CCG's partner HWBs may read the submitted version."
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "organisation"], name="assessment_unique")]

    def __str__(self) -> str:
        return f"{self.organisation.name} – {self.cycle.name}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def framework(self):
        return self.cycle.framework


class ItemResponse(models.Model):
    """A CCG's rating of one item. `version` grows by one with every save, so stale edits can be refused."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    item = models.ForeignKey("frameworks.Item", on_delete=models.PROTECT, related_name="responses")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    not_applicable = models.BooleanField(default=False)
    reason = models.TextField(blank=True, max_length=REASON_MAX_LENGTH)
    narrative = models.TextField(blank=True, max_length=NARRATIVE_MAX_LENGTH)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    carried_over = models.BooleanField(
        default=False,
        help_text="Copied from the CCG's previous cycle and not yet confirmed or changed by the CCG.",
    )

    class Meta:
        ordering = ["item__domain__number", "item__position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item"], name="response_unique"),
            models.CheckConstraint(
                condition=models.Q(not_applicable=False) | models.Q(rating__isnull=True),
                name="response_na_has_no_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.display_rating}"

    @property
    def is_answered(self) -> bool:
        return self.not_applicable or self.rating is not None

    @property
    def maturity_value(self):
        from assure.frameworks.maturity import rating_of

        return rating_of(self.rating, self.not_applicable)

    @property
    def display_rating(self) -> str:
        if self.not_applicable:
            return "Not applicable"
        return "Not rated" if self.rating is None else str(self.rating)

    def as_audit(self) -> dict:
        return {
            "rating": self.rating,
            "not_applicable": self.not_applicable,
            "reason": self.reason,
            "narrative": self.narrative,
        }


class Submission(models.Model):
    """A submitted self-assessment as it stood, and its reopening if an assessor reopened it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveIntegerField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    snapshot = models.JSONField()
    # The snapshot's domain results (number, level, whether the threshold is met…), kept by the database in a
    # column of their own so that pages reading every CCG's levels (the dashboard, the assessor workspace) do not
    # read and decode every whole snapshot, items, narratives and evidence included, some 50 KB each.
    domain_results = models.GeneratedField(
        expression=KeyTransform("domains", "snapshot"), output_field=models.JSONField(), db_persist=True
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="submission_number_unique")
        ]

    def __str__(self) -> str:
        return f"Submission {self.number} of {self.assessment}"


class CarryOver(models.Model):
    """Where an annual-assurance self-assessment's starting ratings came from: the CCG's last submission in the
    previous cycle. Items of that submission whose codes the new cycle's framework lacks are listed, not copied."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="carry_over")
    source = models.ForeignKey(Submission, on_delete=models.SET_NULL, null=True, related_name="+")
    source_cycle = models.ForeignKey("cycles.Cycle", on_delete=models.SET_NULL, null=True, related_name="+")
    carried_at = models.DateTimeField()
    carried = models.PositiveIntegerField(help_text="How many items were copied.")
    not_carried = models.JSONField(
        default=list,
        help_text="[{code, text}] of the previous items with no item of that code in this framework.",
    )
    new_items = models.JSONField(
        default=list, help_text="Codes of this framework's items the previous one lacked."
    )
    evidence_links = models.PositiveIntegerField(
        default=0, help_text="Evidence links copied to this framework."
    )

    def __str__(self) -> str:
        return f"Carried over into {self.assessment}"
