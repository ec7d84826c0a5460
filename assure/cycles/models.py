"""A cycle runs one framework version for a set of CCGs over dates, with the steps it uses and their deadlines."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from assure.core.models import PublicModel
from assure.organisations.models import Organisation, OrganisationType


class CycleQuerySet(models.QuerySet):
    def open_on(self, day: datetime.date) -> CycleQuerySet:
        return self.filter(starts_on__lte=day, ends_on__gte=day)

    def open(self) -> CycleQuerySet:
        return self.open_on(timezone.localdate())

    def visible_to(self, user) -> CycleQuerySet:
        from assure.core import permissions

        return permissions.visible_cycles(user, self)


class Cycle(PublicModel):
    class Kind(models.TextChoices):
        AUTHORISATION = "authorisation", "Authorisation"
        ANNUAL_ASSURANCE = "annual_assurance", "Annual assurance"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    framework = models.ForeignKey("frameworks.Framework", on_delete=models.PROTECT, related_name="cycles")
    region = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="region_cycles",
        limit_choices_to={"type__code": OrganisationType.REGION},
        help_text="The region running the cycle; leave empty for a national cycle.",
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    ccgs = models.ManyToManyField(
        Organisation,
        related_name="cycles",
        blank=True,
        limit_choices_to={"type__code": OrganisationType.CCG},
        verbose_name="CCGs",
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_cycles",
        help_text="The cycle this one follows, for comparing history.",
    )
    reminder_days = models.CharField(
        max_length=100,
        blank=True,
        help_text="Days before each deadline on which reminders are emailed, like 14,7,1; "
        "empty uses the REMINDER_DAYS setting.",
    )

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end date must be on or after the start date."})

    def is_open_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())

    @property
    def reminder_schedule(self) -> tuple[int, ...]:
        """The days before a deadline on which reminders go out: the cycle's own, or the REMINDER_DAYS setting."""
        from django.conf import settings

        from .deadlines import parse_reminder_days

        if self.reminder_days.strip():
            return parse_reminder_days(self.reminder_days)
        return tuple(settings.REMINDER_DAYS)


class CycleStep(models.Model):
    class Step(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", "Self-assessment"
        PARTNERSHIP_REVIEW = "partnership_review", "Partnership review"
        SURVEY = "survey", "360° stakeholder survey"
        ASSESSOR_REVIEW = "assessor_review", "Assessor review"

    ORDER = list(Step.values)

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=30, choices=Step.choices)
    opens_on = models.DateField(null=True, blank=True)
    deadline = models.DateField()

    class Meta:
        ordering = ["cycle", "deadline"]
        constraints = [models.UniqueConstraint(fields=["cycle", "step"], name="cycle_step_unique")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} – due {self.deadline:%d %B %Y}"

    def clean(self) -> None:
        if self.opens_on and self.deadline and self.deadline < self.opens_on:
            raise ValidationError({"deadline": "The deadline must be on or after the opening date."})
        cycle = getattr(self, "cycle", None)
        if cycle and self.deadline and not (cycle.starts_on <= self.deadline <= cycle.ends_on):
            raise ValidationError({"deadline": "The deadline must fall within the cycle's dates."})


class DeadlineReminder(models.Model):
    """One reminder email about a step's deadline, to one person. Made once per step, organisation, person and
    reminder day, so running the daily command again never sends it twice.

    `organisation` is what the reminder is about: the CCG (self-assessment, survey, partnership review), or the
    assessor's region (assessor review, listing the region's CCGs still to review)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Failed, will retry"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not needed"

    step = models.ForeignKey(CycleStep, on_delete=models.CASCADE, related_name="reminders")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    days_before = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-queued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["step", "organisation", "recipient", "days_before"], name="deadline_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.step} reminder ({self.days_before} days) to {self.recipient}: {self.get_status_display()}"
        )
