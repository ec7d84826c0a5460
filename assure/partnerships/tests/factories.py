"""Factories for partnership reviews. A review is opened through the service, so it has a rating row per side
and an agreement row for every basics and future item, as a real one does."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import factory
from django.utils import timezone

from assure.cycles.tests.factories import CycleFactory
from assure.organisations.models import Relation
from assure.organisations.tests.factories import CCGFactory, HWBFactory, RelationFactory
from assure.partnerships import services
from assure.partnerships.models import AgreedItem, PartnershipReview, SideRating


class PartnershipReviewFactory(factory.django.DjangoModelFactory):
    """`PartnershipReviewFactory()` makes a CCG, its partner HWB, a cycle and the open review of the pair."""

    class Meta:
        model = PartnershipReview

    ccg = factory.SubFactory(CCGFactory)
    hwb = factory.SubFactory(HWBFactory, region=factory.SelfAttribute("..ccg.region"))
    cycle = factory.LazyAttribute(lambda o: CycleFactory(region=o.ccg.region, ccgs=[o.ccg]))

    @classmethod
    def _create(cls, model_class, *, ccg, hwb, cycle, user=None, **kwargs):
        if not Relation.objects.filter(kind=Relation.Kind.HWB_PARTNER, subject=ccg, object=hwb).exists():
            RelationFactory(kind=Relation.Kind.HWB_PARTNER, subject=ccg, object=hwb)
        review, _ = services.review_open(cycle=cycle, ccg=ccg, hwb=hwb, user=user)
        return review


def rate_side(
    review: PartnershipReview, side: str, *, user=None, value=2, comment="", only=None, pattern=None
):
    """Rate a side's items in bulk (every item, or the first `only`): `value`, or `pattern(index, item)`."""
    ratings = list(
        SideRating.objects.filter(review=review, side=side)
        .select_related("item__domain")
        .order_by("item__domain__number", "item__position")
    )[:only]
    now = timezone.now()
    for index, rating in enumerate(ratings):
        rating.rating = pattern(index, rating.item) if pattern else value
        rating.comment = comment or f"{side.upper()} view of {rating.item.code}"
        rating.version += 1
        rating.updated_at, rating.updated_by = now, user
    SideRating.objects.bulk_update(ratings, ["rating", "comment", "version", "updated_at", "updated_by"])
    return ratings


def release_both(
    review: PartnershipReview, *, ccg_user=None, hwb_user=None, ccg=2, hwb=2
) -> PartnershipReview:
    """Rate both sides (with `ccg` and `hwb` as values or patterns) and release them: agreeing begins."""
    for side, value, user in (("ccg", ccg, ccg_user), ("hwb", hwb, hwb_user)):
        if callable(value):
            rate_side(review, side, user=user, pattern=value)
        else:
            rate_side(review, side, user=user, value=value)
        review = services.side_release(review=review, side=side, user=user)
    return review


def agree_all(review: PartnershipReview, *, user=None, value=2, leave=0) -> None:
    """Agree every item in bulk, except the last `leave` ones (agree those through the service)."""
    rows = list(AgreedItem.objects.filter(review=review).order_by("item__domain__number", "item__position"))
    rows = rows[: len(rows) - leave] if leave else rows
    for row in rows:
        row.agreed_rating, row.version = value, row.version + 1
    AgreedItem.objects.bulk_update(rows, ["agreed_rating", "version"])


def through_each_state(review: PartnershipReview, demo, check: Callable[[PartnershipReview], None]) -> None:
    """Take a newly opened review of the demo's Camden pair through each state a reader may find it in, calling
    `check(review)` in each: nothing rated; both sides rated (three of the CCG's items saved twice) and only the
    CCG's released, so each side is blind to the other; both released, with one item agreed and one agreed with an
    action for the HWB."""
    check(review)
    rate_side(review, "ccg", pattern=lambda index, item: index % 4)
    rate_side(review, "ccg", only=3, value=3, comment="Saved again")
    rate_side(review, "hwb", value=1)
    services.side_release(review=review, side="ccg", user=demo.ccg_lead)
    check(review)
    services.side_release(review=review, side="hwb", user=demo.hwb_lead)
    review.refresh_from_db()
    agreed = AgreedItem.objects.filter(review=review, item__code="2.3").get()
    services.agreement_save(
        agreed=agreed,
        user=demo.ccg_lead,
        data=services.AgreementInput(agreed_rating=2),
        version=agreed.version,
    )
    with_action = AgreedItem.objects.filter(review=review, item__code="2.4").get()
    services.agreement_save(
        agreed=with_action,
        user=demo.ccg_lead,
        data=services.AgreementInput(
            agreed_rating=1,
            action="Agree a joint plan",
            action_owner=review.hwb.code,
            action_due=datetime.date(2027, 3, 31),
        ),
        version=with_action.version,
    )
    check(review)
