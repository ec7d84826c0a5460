"""A CCG's 360° stakeholder survey in a cycle: its stakeholders, the emails sent to them, and the responses.

Anonymity is built into the tables. A `Response` has no link to a `Stakeholder`: it carries only the group the
respondent was in and a key worked out from the respondent's link (an HMAC of the link's secret). The link's
secret itself is never stored (only its SHA-256 hash, on the stakeholder), so a response can be found again only
by whoever holds the link. Responses have a random primary key and no timestamps, so neither their order nor
their timing lines them up with the stakeholders' `responded_at`.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from assure.core.models import PublicModel

from .constants import DEFAULT_MIN_GROUP_SIZE, GROUPS, LOWEST_MIN_GROUP_SIZE


class Group(models.TextChoices):
    MEMBER_PRACTICE = GROUPS[0][0], GROUPS[0][1]
    HWB = GROUPS[1][0], GROUPS[1][1]
    LOCAL_AUTHORITY = GROUPS[2][0], GROUPS[2][1]
    OTHER_CCG = GROUPS[3][0], GROUPS[3][1]
    PROVIDER = GROUPS[4][0], GROUPS[4][1]
    PATIENT_GROUP = GROUPS[5][0], GROUPS[5][1]
    COMMISSIONING_SUPPORT = GROUPS[6][0], GROUPS[6][1]
    OTHER = GROUPS[7][0], GROUPS[7][1]


class SurveyQuerySet(models.QuerySet):
    def visible_to(self, user) -> SurveyQuerySet:
        from assure.core import permissions

        return permissions.visible_surveys(user, self)

    def open_at(self, when) -> SurveyQuerySet:
        return self.filter(closed_at__isnull=True, opens_at__lte=when, closes_at__gt=when)

    def closed_at_time(self, when) -> SurveyQuerySet:
        """The surveys closed at `when`, by hand or by their closing date (`Survey.status_at`)."""
        return self.filter(models.Q(closed_at__isnull=False) | models.Q(closes_at__lte=when))


def status_at(when, *, opens_at, closes_at, closed_at) -> str:
    """A survey's status at `when` from its dates, for lists that read the dates alone (`Survey.status_at`)."""
    if closed_at is not None or when >= closes_at:
        return Survey.Status.CLOSED
    if when < opens_at:
        return Survey.Status.SCHEDULED
    return Survey.Status.OPEN


class Survey(PublicModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Not open yet"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="surveys")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="surveys"
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was closed by hand, before its closing date."
    )
    min_group_size = models.PositiveSmallIntegerField(default=DEFAULT_MIN_GROUP_SIZE)
    intro = models.TextField(blank=True, max_length=3000)
    statements = models.JSONField(
        default=list,
        help_text="The framework's survey statements, per domain, as the survey asks them: "
        "[{number, title, short_title, statements: [{code, text}]}].",
    )

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organisation"], name="survey_unique"),
            models.CheckConstraint(
                condition=models.Q(min_group_size__gte=LOWEST_MIN_GROUP_SIZE), name="survey_min_group_size"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="survey_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return f"360° survey of {self.organisation.name} – {self.cycle.name}"

    def status_at(self, when) -> str:
        return status_at(when, opens_at=self.opens_at, closes_at=self.closes_at, closed_at=self.closed_at)

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())

    @property
    def status_label(self) -> str:
        return self.Status(self.status).label

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    @property
    def ended_at(self):
        """When it closed (by hand or by date), or None while it is not closed."""
        if self.closed_at is not None:
            return self.closed_at
        return self.closes_at if timezone.now() >= self.closes_at else None

    @property
    def statement_codes(self) -> list[str]:
        return [s["code"] for d in self.statements for s in d["statements"]]

    def as_audit(self) -> dict:
        return {
            "opens_at": self.opens_at.isoformat(),
            "closes_at": self.closes_at.isoformat(),
            "min_group_size": self.min_group_size,
            "intro": self.intro,
        }


class Stakeholder(models.Model):
    """Someone asked for feedback, and where their invitation stands. Never linked to their answers."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="stakeholders")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254, help_text="Stored in lower case.")
    organisation = models.CharField(max_length=200, blank=True)
    group = models.CharField(max_length=40, choices=Group.choices)
    added_at = models.DateTimeField(default=timezone.now)
    # SHA-256 of the current link's secret, and of the one before (a reminder sends a new link; the link in the
    # invitation keeps working until the person responds with one of the two).
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    previous_token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)
    opened_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "name", "email"]
        constraints = [models.UniqueConstraint(fields=["survey", "email"], name="stakeholder_email_unique")]
        indexes = [
            models.Index(fields=["survey", "group"]),
            # The response rates of many surveys at once (the regional dashboard) read this index alone.
            models.Index(fields=["survey", "invited_at", "responded_at"], name="stakeholder_rate_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def state(self) -> str:
        if self.responded_at:
            return "Responded"
        if self.opened_at:
            return "Opened"
        if self.invited_at:
            return "Invited"
        return "Not invited"


class EmailDelivery(models.Model):
    """One invitation or reminder email, and how sending it went (the worker retries failures)."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Invitation"
        REMINDER = "reminder", "Reminder"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        RETRYING = "retrying", "Failed, will retry"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Not needed"

    stakeholder = models.ForeignKey(Stakeholder, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-queued_at", "-pk"]
        verbose_name_plural = "email deliveries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.stakeholder.email}: {self.get_status_display()}"


class Response(models.Model):
    """One respondent's answers. No stakeholder, no timestamps: see the module's docstring."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    key = models.CharField(max_length=64, help_text="HMAC of the respondent's link; not reversible.")
    group = models.CharField(max_length=40, choices=Group.choices)
    answers = models.JSONField(default=dict, help_text="Statement code -> answer code.")
    comments = models.JSONField(default=dict, help_text="Domain number -> comment.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "key"], name="response_key_unique")]

    def __str__(self) -> str:
        return f"A response to {self.survey}"
