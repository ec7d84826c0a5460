"""The HWB–CCG partnership review: two sides rate the same items blind, then agree a rating and actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from assure.core.models import PublicModel

COMMENT_MAX_LENGTH = 2000
ACTION_MAX_LENGTH = 1000

CCG = "ccg"
HWB = "hwb"
SIDES = (CCG, HWB)
SIDE_NAMES = {CCG: "CCG", HWB: "HWB"}


class PartnershipReviewQuerySet(models.QuerySet):
    def visible_to(self, user) -> PartnershipReviewQuerySet:
        from assure.core import permissions

        return permissions.visible_partnership_reviews(user, self)


class PartnershipReview(PublicModel):
    """One CCG–HWB pair's review in a cycle. A CCG with two HWBs has two reviews."""

    class Status(models.TextChoices):
        RATING = "rating", "Rating"  # at least one side still rating
        AGREEING = "agreeing", "Agreeing"  # both sides released: comparing and agreeing
        AGREED = "agreed", "Agreed"  # every item has an agreed rating: locked

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="partnership_reviews")
    ccg = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="partnership_reviews_as_ccg"
    )
    hwb = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="partnership_reviews_as_hwb"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RATING)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ccg_released_at = models.DateTimeField(null=True, blank=True)
    ccg_released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hwb_released_at = models.DateTimeField(null=True, blank=True)
    hwb_released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    snapshot = models.JSONField(null=True, blank=True, help_text="The agreed review as it stood when agreed.")

    objects = PartnershipReviewQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "ccg__name", "hwb__name"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "ccg", "hwb"], name="partnership_review_unique"),
            models.CheckConstraint(condition=~models.Q(ccg=models.F("hwb")), name="partnership_two_sides"),
        ]
        indexes = [
            # Which reviews a regional lead or assessor may see (agreed ones of their regions' CCGs), and which
            # CCGs have agreed with every partner HWB, are read from this index alone: an agreed review's row
            # holds its snapshot (some 35 KB), which the database would otherwise read past for each review.
            models.Index(fields=["status", "ccg", "cycle", "hwb"], name="review_status_ccg_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ccg.name} and {self.hwb.name} – {self.cycle.name}"

    @property
    def framework(self):
        return self.cycle.framework

    def organisation(self, side: str):
        return self.ccg if side == CCG else self.hwb

    def released_at(self, side: str):
        return self.ccg_released_at if side == CCG else self.hwb_released_at

    def side_open(self, side: str) -> bool:
        """Whether the side may still change its ratings."""
        return self.status == self.Status.RATING and self.released_at(side) is None

    @property
    def both_released(self) -> bool:
        return self.ccg_released_at is not None and self.hwb_released_at is not None

    @property
    def is_agreed(self) -> bool:
        return self.status == self.Status.AGREED

    @property
    def stage(self) -> str:
        """Where the review stands, in words, without revealing anything about either side's ratings."""
        if self.status == self.Status.AGREED:
            return "Agreed"
        if self.status == self.Status.AGREEING:
            return "Both sides released: agreeing"
        if self.ccg_released_at:
            return "CCG released, HWB rating"
        if self.hwb_released_at:
            return "HWB released, CCG rating"
        return "Rating"


class SideRatingQuerySet(models.QuerySet):
    def visible_to(self, user) -> SideRatingQuerySet:
        from assure.core import permissions

        return permissions.visible_side_ratings(user, self)


class SideRating(models.Model):
    """One side's rating of one item. `version` grows by one with every save, so stale edits can be refused."""

    review = models.ForeignKey(PartnershipReview, on_delete=models.CASCADE, related_name="side_ratings")
    item = models.ForeignKey("frameworks.Item", on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=3, choices=[(CCG, "CCG"), (HWB, "HWB")])
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True, max_length=COMMENT_MAX_LENGTH)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = SideRatingQuerySet.as_manager()

    class Meta:
        ordering = ["item__domain__number", "item__position", "side"]
        constraints = [
            models.UniqueConstraint(fields=["review", "item", "side"], name="side_rating_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} ({self.side}): {self.rating}"

    def as_audit(self) -> dict:
        return {"rating": self.rating, "comment": self.comment}


class AgreedItem(models.Model):
    """The two leads' agreed rating of one item and, where they choose, an agreed development action."""

    review = models.ForeignKey(PartnershipReview, on_delete=models.CASCADE, related_name="agreed_items")
    item = models.ForeignKey("frameworks.Item", on_delete=models.PROTECT, related_name="+")
    agreed_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    action = models.TextField(blank=True, max_length=ACTION_MAX_LENGTH)
    action_owner = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action_due = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["item__domain__number", "item__position"]
        constraints = [models.UniqueConstraint(fields=["review", "item"], name="agreed_item_unique")]

    def __str__(self) -> str:
        return f"{self.item.code}: agreed {self.agreed_rating}"

    @property
    def has_action(self) -> bool:
        return bool(self.action)

    def as_audit(self) -> dict:
        return {
            "agreed_rating": self.agreed_rating,
            "action": self.action,
            "action_owner": self.action_owner.code if self.action_owner_id else None,
            "action_due": self.action_due.isoformat() if self.action_due else None,
        }
