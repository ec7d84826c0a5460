"""Assessor review and the panel's decision: judgements per domain, assessors' own item ratings, the decision
with its snapshot, and the conditions a CCG must meet afterwards with their history.

Who sees what is decided in `assure/core/permissions.py`: assessors' judgements and ratings stay with the
assessors, regional leads and platform admins of the CCG's region until the decision is published; the CCG then
sees them with the decision and its conditions.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from assure.core.models import PublicModel

RATIONALE_MAX_LENGTH = 5000
NOTE_MAX_LENGTH = 2000
CONDITION_TEXT_MAX_LENGTH = 2000
RESPONSE_MAX_LENGTH = 5000


class JudgementQuerySet(models.QuerySet):
    def visible_to(self, user) -> JudgementQuerySet:
        from assure.core import permissions

        return permissions.visible_judgements(user, self)


class Judgement(PublicModel):
    """One assessor's judgement of one domain of a CCG's assessment against the threshold.

    `version` grows by one with every save, so stale edits can be refused.
    """

    class Value(models.TextChoices):
        MET = "met", "Threshold met"
        MET_WITH_CONDITIONS = "met_with_conditions", "Met with conditions"
        NOT_MET = "not_met", "Not met"

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="judgements"
    )
    domain = models.ForeignKey("frameworks.Domain", on_delete=models.PROTECT, related_name="judgements")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="judgements"
    )
    value = models.CharField(max_length=30, choices=Value.choices)
    rationale = models.TextField(blank=True, max_length=RATIONALE_MAX_LENGTH)
    version = models.PositiveIntegerField(default=0)

    objects = JudgementQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "domain__number", "assessor__email"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain", "assessor"], name="judgement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.domain} – {self.get_value_display()}"

    def as_audit(self) -> dict:
        return {"value": self.value, "rationale": self.rationale}


class AssessorRatingQuerySet(models.QuerySet):
    def visible_to(self, user) -> AssessorRatingQuerySet:
        from assure.core import permissions

        return permissions.visible_judgements(user, self)


class AssessorRating(models.Model):
    """An assessor's own rating of one item, on the framework's scale, with a note. The CCG's rating is untouched."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="assessor_ratings"
    )
    item = models.ForeignKey("frameworks.Item", on_delete=models.PROTECT, related_name="assessor_ratings")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessor_ratings"
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssessorRatingQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "item__domain__number", "item__position", "assessor__email"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item", "assessor"], name="assessor_rating_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.rating}"

    def as_audit(self) -> dict:
        return {"rating": self.rating, "note": self.note}


class DecisionQuerySet(models.QuerySet):
    def visible_to(self, user) -> DecisionQuerySet:
        from assure.core import permissions

        return permissions.visible_decisions(user, self)

    def published(self) -> DecisionQuerySet:
        return self.filter(published_at__isnull=False)


class Decision(PublicModel):
    """The panel's authorisation decision on one CCG's assessment.

    `panel` holds the names of the panel members as written by the person recording the decision, one per line:
    panels include people who hold no account on the platform. `snapshot` keeps the judgements and conditions as
    they stood when the decision was recorded (and is refreshed when conditions are added before publication).
    """

    class Outcome(models.TextChoices):
        AUTHORISED = "authorised", "Authorised"
        AUTHORISED_WITH_CONDITIONS = "authorised_with_conditions", "Authorised with conditions"
        ESTABLISHED_NOT_AUTHORISED = "established_not_authorised", "Established but not authorised"

    assessment = models.OneToOneField(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="decision"
    )
    outcome = models.CharField(max_length=40, choices=Outcome.choices)
    decided_on = models.DateField()
    panel = models.TextField(help_text="The panel members' names, one per line.")
    rationale = models.TextField(max_length=RATIONALE_MAX_LENGTH)
    contradiction_reason = models.TextField(
        blank=True,
        max_length=RATIONALE_MAX_LENGTH,
        help_text="Why the outcome departs from the domain judgements; blank unless it does.",
    )
    snapshot = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "assessment__organisation__name"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} – {self.assessment}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def panel_members(self) -> list[str]:
        return [line.strip() for line in self.panel.splitlines() if line.strip()]

    def as_audit(self) -> dict:
        return {
            "outcome": self.outcome,
            "decided_on": self.decided_on.isoformat() if self.decided_on else None,
            "panel": self.panel_members,
            "rationale": self.rationale,
            "contradiction_reason": self.contradiction_reason,
            "published_at": self.published_at.isoformat() if self.published_at else None,
        }


class ConditionQuerySet(models.QuerySet):
    def visible_to(self, user) -> ConditionQuerySet:
        from assure.core import permissions

        return permissions.visible_conditions(user, self)

    def open(self) -> ConditionQuerySet:
        """Conditions not yet discharged (escalated ones are still open)."""
        return self.exclude(status=Condition.Status.DISCHARGED)

    def published(self) -> ConditionQuerySet:
        return self.filter(decision__published_at__isnull=False)


REVIEW_INTERVAL_MONTHS = 3


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


class Condition(PublicModel):
    """What a CCG must change in one domain, with the support or intervention that goes with it.

    Status moves open → evidence submitted → discharged, or to escalated; an escalated condition can still be
    answered and discharged. Conditions are reviewed on a schedule (`next_review_on`, quarterly by default).
    """

    class SupportLevel(models.TextChoices):
        TOOLKIT = "toolkit", "A model document or toolkit"
        SIGN_OFF = "sign_off", "Decisions signed off by the Commissioning Board"
        SUPPORT = "support", "A support team or individual"
        DIRECTIONS = "directions", "Legal directions, up to functions exercised by another body"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        EVIDENCE_SUBMITTED = "evidence_submitted", "Evidence submitted"
        DISCHARGED = "discharged", "Discharged"
        ESCALATED = "escalated", "Escalated"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="conditions")
    domain = models.ForeignKey("frameworks.Domain", on_delete=models.PROTECT, related_name="conditions")
    text = models.TextField(max_length=CONDITION_TEXT_MAX_LENGTH, help_text="What must change.")
    support_level = models.CharField(max_length=20, choices=SupportLevel.choices)
    due = models.DateField()
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.OPEN)
    raised_on = models.DateField(help_text="The day the condition was set.")
    discharged_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["decision", "domain__number", "due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="discharged", discharged_on__isnull=False)
                | (~models.Q(status="discharged") & models.Q(discharged_on__isnull=True)),
                name="condition_discharged_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.text[:60]}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.DISCHARGED

    def is_overdue_on(self, day: datetime.date) -> bool:
        return self.is_open and self.due < day

    def as_audit(self) -> dict:
        return {
            "domain": self.domain.number,
            "text": self.text,
            "support_level": self.support_level,
            "due": self.due.isoformat(),
            "status": self.status,
            "next_review_on": self.next_review_on.isoformat() if self.next_review_on else None,
        }


class ConditionEvent(PublicModel):
    """One step in a condition's history: the CCG's response with evidence, a discharge, an escalation or a
    scheduled review. `status_before`/`status_after` record the move it made, if any."""

    class Kind(models.TextChoices):
        RESPONSE = "response", "Response with evidence"
        DISCHARGE = "discharge", "Discharged"
        ESCALATION = "escalation", "Escalated"
        REVIEW = "review", "Reviewed"

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(blank=True, max_length=RESPONSE_MAX_LENGTH)
    evidence = models.ManyToManyField("evidence.Evidence", related_name="condition_events", blank=True)
    status_before = models.CharField(max_length=30, choices=Condition.Status.choices)
    status_after = models.CharField(max_length=30, choices=Condition.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    happened_on = models.DateField()

    class Meta:
        ordering = ["condition", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.condition}"
