"""A CCG's development plan in a cycle: actions gathered from what fell short, and the CCG's own."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from assure.core.models import PublicModel

from . import rules

TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 3000
OWNER_NAME_MAX_LENGTH = 200


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> PlanQuerySet:
        from assure.core import permissions

        return permissions.visible_plans(user, self)


class Plan(PublicModel):
    """One CCG's plan in one cycle. Made the first time someone gathers or adds an action."""

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="plans")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="plans"
    )
    gathered_at = models.DateTimeField(null=True, blank=True, help_text="When actions were last gathered.")

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "organisation__name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "organisation"], name="plan_unique")]

    def __str__(self) -> str:
        return f"Development plan of {self.organisation.name} – {self.cycle.name}"


class ActionQuerySet(models.QuerySet):
    def visible_to(self, user) -> ActionQuerySet:
        from assure.core import permissions

        return permissions.visible_plan_actions(user, self)

    def active(self) -> ActionQuerySet:
        return self.filter(status__in=rules.ACTIVE)

    def overdue_on(self, day: datetime.date) -> ActionQuerySet:
        return self.active().filter(due__lt=day)


class Action(PublicModel):
    class Status(models.TextChoices):
        OPEN = rules.OPEN, "Open"
        IN_PROGRESS = rules.IN_PROGRESS, "In progress"
        DONE = rules.DONE, "Done"
        DROPPED = rules.DROPPED, "Dropped"

    class Source(models.TextChoices):
        SELF_ASSESSMENT = "self_assessment", "Self-assessment item below the threshold"
        PARTNERSHIP = "partnership", "Partnership review agreed action"
        SURVEY = "survey", "Low stakeholder agreement in the 360° survey"
        CONDITION = "condition", "Condition of authorisation"
        OWN = "own", "Added by the CCG"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(blank=True, max_length=DESCRIPTION_MAX_LENGTH)
    domain = models.ForeignKey(
        "frameworks.Domain", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
        help_text="A person of the CCG who owns the action.",
    )
    owner_name = models.CharField(
        max_length=OWNER_NAME_MAX_LENGTH, blank=True, help_text="Or the name of whoever owns it."
    )
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)

    source = models.CharField(max_length=20, choices=Source.choices)
    # What the action was gathered from, so gathering again adds only what is new: "item:1.3",
    # "agreed:<agreed item id>", "survey:<domain number>", "condition:<condition id>"; empty for the CCG's own.
    source_key = models.CharField(max_length=80, blank=True)
    item = models.ForeignKey(
        "frameworks.Item", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agreed_item = models.ForeignKey(
        "partnerships.AgreedItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    survey = models.ForeignKey(
        "surveys.Survey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    condition = models.ForeignKey(
        "decisions.Condition", on_delete=models.SET_NULL, null=True, blank=True, related_name="plan_actions"
    )
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        help_text="The open action of the previous cycle's plan this one carries on.",
    )

    version = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "source_key"],
                condition=~models.Q(source_key=""),
                name="plan_action_source_unique",
            ),
            models.UniqueConstraint(
                fields=["plan", "carried_from"],
                condition=models.Q(carried_from__isnull=False),
                name="plan_action_carried_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return rules.is_active(self.status)

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return rules.is_overdue(due=self.due, status=self.status, today=today or timezone.localdate())

    @property
    def owner_label(self) -> str:
        if self.owner_id:
            return self.owner.get_full_name()
        return self.owner_name

    @property
    def is_carried_over(self) -> bool:
        return self.carried_from_id is not None

    def as_audit(self) -> dict:
        return {
            "title": self.title,
            "description": self.description,
            "owner": self.owner.email if self.owner_id else None,
            "owner_name": self.owner_name,
            "due": self.due.isoformat() if self.due else None,
            "status": self.status,
        }
