"""Partnership review workflows: opening a review, rating one side without lost updates, releasing a side,
agreeing items (which agrees and locks the review when the last item is agreed).

Audit events here carry no organisation on purpose: the organisation-wide audit log of the self-assessment is
read by assessors, and they must not see a review (let alone a side's unreleased ratings) before it is agreed.
The review's own history page reads these events through the same visibility rules as the review.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from assure.audit.services import audit_record
from assure.cycles.models import Cycle
from assure.frameworks.maturity import DomainResult, evaluate_domain
from assure.frameworks.models import Item
from assure.organisations.models import Organisation, Relation

from . import gaps
from .models import (
    ACTION_MAX_LENGTH,
    CCG,
    COMMENT_MAX_LENGTH,
    HWB,
    SIDE_NAMES,
    SIDES,
    AgreedItem,
    PartnershipReview,
    SideRating,
)

TIERS = (Item.Tier.BASICS, Item.Tier.FUTURE)


class ReviewLocked(Exception):
    """The review's state forbids the change (a side already released, the review agreed…)."""


class NotPartners(Exception):
    """The CCG and HWB are not partners, or the CCG does not take part in the cycle."""


class Invalid(Exception):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


class IncompleteSide(Exception):
    def __init__(self, missing: list[str]):
        self.missing = missing
        super().__init__(f"{len(missing)} item(s) still need a rating before this side can be released")


class StaleEdit(Exception):
    """Someone else saved the item after this edit began. Carries the row as it now stands."""

    def __init__(self, current: SideRating | AgreedItem, code: str):
        self.current = current
        who = current.updated_by.get_full_name() if current.updated_by else "someone else"
        super().__init__(
            f"{who} saved item {code} while you were editing it, so your change was not saved. "
            "Their version is shown; make your change again if it is still needed."
        )


@dataclass
class AgreementInput:
    agreed_rating: int | None
    action: str = ""
    action_owner: str | None = None  # organisation code: the review's CCG or HWB
    action_due: datetime.date | None = None


def review_items(framework) -> list[Item]:
    """The items a review covers: every basics and future item, domain by domain."""
    return list(
        Item.objects.filter(framework=framework, tier__in=TIERS)
        .select_related("domain")
        .order_by("domain__number", "position")
    )


@transaction.atomic
def review_open(
    *, cycle: Cycle, ccg: Organisation, hwb: Organisation, user
) -> tuple[PartnershipReview, bool]:
    """Open the review of a CCG–HWB pair in a cycle (or return the one already open). Raises NotPartners."""
    if not Relation.objects.filter(kind=Relation.Kind.HWB_PARTNER, subject=ccg, object=hwb).exists():
        raise NotPartners(f"{ccg.name} and {hwb.name} are not recorded as partners.")
    if not cycle.ccgs.filter(pk=ccg.pk).exists():
        raise NotPartners(f"{ccg.name} does not take part in {cycle.name}.")
    existing = PartnershipReview.objects.filter(cycle=cycle, ccg=ccg, hwb=hwb).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            review = PartnershipReview.objects.create(cycle=cycle, ccg=ccg, hwb=hwb, opened_by=user)
    except IntegrityError:  # opened by the other lead at the same moment
        return PartnershipReview.objects.get(cycle=cycle, ccg=ccg, hwb=hwb), False
    items = review_items(cycle.framework_id)
    SideRating.objects.bulk_create(
        [SideRating(review=review, item=item, side=side) for item in items for side in SIDES]
    )
    AgreedItem.objects.bulk_create([AgreedItem(review=review, item=item) for item in items])
    audit_record(
        actor=user,
        action="partnership.opened",
        obj=review,
        context=f"Partnership review of {ccg.name} and {hwb.name} opened",
        after={"cycle": cycle.name, "ccg": ccg.code, "hwb": hwb.code},
    )
    return review, True


def _scale_values(review: PartnershipReview) -> list[int]:
    return [p.value for p in review.framework.spec.scale]


def _rating_error(review: PartnershipReview, code: str, value, what: str = "a rating") -> str | None:
    values = _scale_values(review)
    if value is not None and value not in values:
        return f"Choose {what} for {code} from {min(values)} to {max(values)}"
    return None


@transaction.atomic
def side_rating_save(
    *, rating: SideRating, user, value: int | None, comment: str, version: int
) -> SideRating:
    """Save one side's rating of one item if nobody else saved it since `version`.

    Raises Invalid, StaleEdit or ReviewLocked (the side has released, or the review has moved on)."""
    review = rating.review
    code = rating.item.code
    errors = {}
    if problem := _rating_error(review, code, value):
        errors["rating"] = problem
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = (
            f"The comment on {code} must be {COMMENT_MAX_LENGTH:,} characters or fewer (it has {len(comment):,})"
        )
    if errors:
        raise Invalid(errors)
    current = PartnershipReview.objects.select_for_update().get(pk=review.pk)
    if not current.side_open(rating.side):
        raise ReviewLocked(
            f"The {SIDE_NAMES[rating.side]} side has been released, so its ratings can no longer be changed."
        )
    before = SideRating.objects.select_related("item", "updated_by").get(pk=rating.pk)
    updated = SideRating.objects.filter(pk=rating.pk, version=version).update(
        rating=value, comment=comment, version=F("version") + 1, updated_at=timezone.now(), updated_by=user
    )
    if not updated:
        raise StaleEdit(before, code)
    after = SideRating.objects.select_related("item", "updated_by").get(pk=rating.pk)
    if before.as_audit() != after.as_audit():
        audit_record(
            actor=user,
            action="partnership.rated",
            obj=after,
            context=f"{SIDE_NAMES[rating.side]} rating of item {code}",
            before=before.as_audit(),
            after=after.as_audit(),
        )
    return after


def side_missing(review: PartnershipReview, side: str) -> list[SideRating]:
    return list(
        SideRating.objects.filter(review=review, side=side, rating__isnull=True)
        .select_related("item__domain")
        .order_by("item__domain__number", "item__position")
    )


@transaction.atomic
def side_release(*, review: PartnershipReview, side: str, user) -> PartnershipReview:
    """Release a side's ratings once every item is rated. When both sides have released, agreeing begins."""
    review = PartnershipReview.objects.select_for_update().select_related("ccg", "hwb").get(pk=review.pk)
    if not review.side_open(side):
        raise ReviewLocked(f"The {SIDE_NAMES[side]} side has already been released.")
    missing = side_missing(review, side)
    if missing:
        raise IncompleteSide([r.item.code for r in missing])
    now = timezone.now()
    setattr(review, f"{side}_released_at", now)
    setattr(review, f"{side}_released_by", user)
    if review.both_released:
        review.status = PartnershipReview.Status.AGREEING
    review.save()
    audit_record(
        actor=user,
        action="partnership.released",
        obj=review,
        context=f"{SIDE_NAMES[side]} side released ({review.organisation(side).name})",
        before={"released": []},
        after={"released": [s for s in SIDES if review.released_at(s)], "status": review.status},
    )
    return review


def agreement_validate(*, review: PartnershipReview, code: str, data: AgreementInput) -> dict[str, str]:
    errors = {}
    if data.agreed_rating is None:
        errors["agreed_rating"] = f"Choose the agreed rating for {code}"
    elif problem := _rating_error(review, code, data.agreed_rating, "the agreed rating"):
        errors["agreed_rating"] = problem
    action = data.action.strip()
    if len(action) > ACTION_MAX_LENGTH:
        errors["action"] = f"The action must be {ACTION_MAX_LENGTH:,} characters or fewer"
    if data.action_owner and data.action_owner not in (review.ccg.code, review.hwb.code):
        errors["action_owner"] = f"Choose {review.ccg.name} or {review.hwb.name} to own the action"
    if action and not data.action_owner:
        errors["action_owner"] = f"Choose which organisation owns the action for {code}"
    if action and not data.action_due:
        errors["action_due"] = f"Enter the date the action for {code} is due"
    if not action and (data.action_owner or data.action_due):
        errors["action"] = f"Describe the action for {code}, or leave its owner and due date empty"
    return errors


@transaction.atomic
def agreement_save(*, agreed: AgreedItem, user, data: AgreementInput, version: int) -> AgreedItem:
    """Record the agreed rating (and action) of one item. When every item has an agreed rating the review is
    agreed: locked and snapshotted. Raises Invalid, StaleEdit or ReviewLocked."""
    review = PartnershipReview.objects.select_for_update().select_related("ccg", "hwb", "cycle__framework")
    review = review.get(pk=agreed.review_id)
    code = agreed.item.code
    errors = agreement_validate(review=review, code=code, data=data)
    if errors:
        raise Invalid(errors)
    if review.status != PartnershipReview.Status.AGREEING:
        if review.is_agreed:
            raise ReviewLocked("This review has been agreed, so it can no longer be changed.")
        raise ReviewLocked("Both sides must release their ratings before items can be agreed.")
    owner = {review.ccg.code: review.ccg, review.hwb.code: review.hwb}.get(data.action_owner or "")
    action = data.action.strip()
    before = AgreedItem.objects.select_related("item", "updated_by", "action_owner").get(pk=agreed.pk)
    updated = AgreedItem.objects.filter(pk=agreed.pk, version=version).update(
        agreed_rating=data.agreed_rating,
        action=action,
        action_owner=owner if action else None,
        action_due=data.action_due if action else None,
        version=F("version") + 1,
        updated_at=timezone.now(),
        updated_by=user,
    )
    if not updated:
        raise StaleEdit(before, code)
    after = AgreedItem.objects.select_related("item", "updated_by", "action_owner").get(pk=agreed.pk)
    if before.as_audit() != after.as_audit():
        audit_record(
            actor=user,
            action="partnership.item_agreed",
            obj=after,
            context=f"Agreed rating of item {code}",
            before=before.as_audit(),
            after=after.as_audit(),
        )
    if not AgreedItem.objects.filter(review=review, agreed_rating__isnull=True).exists():
        _agree(review, user)
    return after


def _agree(review: PartnershipReview, user) -> None:
    now = timezone.now()
    review.status = PartnershipReview.Status.AGREED
    review.agreed_at = now
    review.snapshot = review_snapshot(review, now)
    review.save()
    audit_record(
        actor=user,
        action="partnership.agreed",
        obj=review,
        context="Every item has an agreed rating: the review is agreed and locked",
        before={"status": PartnershipReview.Status.AGREEING},
        after={"status": PartnershipReview.Status.AGREED},
    )


# Reading ------------------------------------------------------------------------------------------------------


def side_results(review: PartnershipReview, items: list[Item], ratings: dict[str, int | None]):
    """Each domain's maturity level and threshold verdict from one side's ratings (by item code)."""
    rules = review.framework.spec.rules
    by_domain: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        by_domain[item.domain.number].append(item)
    return {
        number: evaluate_domain(rules, domain_items, ratings) for number, domain_items in by_domain.items()
    }


def result_dict(result: DomainResult) -> dict:
    return {
        "level": result.level_code,
        "level_label": result.level_label,
        "meets_threshold": result.threshold_met,
    }


def review_snapshot(review: PartnershipReview, now) -> dict:
    return snapshot_of(
        review,
        review_items(review.cycle.framework_id),
        SideRating.objects.filter(review=review).select_related("item"),
        AgreedItem.objects.filter(review=review).select_related("item", "action_owner"),
        now,
    )


def snapshot_of(
    review: PartnershipReview,
    items: list[Item],
    side_ratings: Iterable[SideRating],
    agreed_items: Iterable[AgreedItem],
    now,
) -> dict:
    """The snapshot of an agreed review from its rows (each with its `item`, and the action's owner)."""
    sides: dict[str, dict[str, SideRating]] = {CCG: {}, HWB: {}}
    for rating in side_ratings:
        sides[rating.side][rating.item.code] = rating
    agreed = {a.item.code: a for a in agreed_items}
    ratings = {side: {code: r.rating for code, r in rows.items()} for side, rows in sides.items()}
    agreed_ratings = {code: a.agreed_rating for code, a in agreed.items()}
    results = {side: side_results(review, items, ratings[side]) for side in SIDES}
    agreed_results = side_results(review, items, agreed_ratings)
    return {
        "framework": {"slug": review.framework.slug, "version": review.framework.version},
        "agreed_at": now.isoformat(),
        "ccg": {"code": review.ccg.code, "name": review.ccg.name},
        "hwb": {"code": review.hwb.code, "name": review.hwb.name},
        "items": [
            {
                "code": item.code,
                "domain": item.domain.number,
                "tier": item.tier,
                "text": item.text,
                "ccg_rating": ratings[CCG].get(item.code),
                "ccg_comment": sides[CCG][item.code].comment,
                "hwb_rating": ratings[HWB].get(item.code),
                "hwb_comment": sides[HWB][item.code].comment,
                "agreed_rating": agreed[item.code].agreed_rating,
                "action": agreed[item.code].as_audit() if agreed[item.code].action else None,
            }
            for item in items
        ],
        "domains": [
            {
                "number": number,
                "ccg": result_dict(results[CCG][number]),
                "hwb": result_dict(results[HWB][number]),
                "agreed": result_dict(agreed_results[number]),
            }
            for number in sorted(agreed_results)
        ],
        "gaps": {
            str(number): {
                "agree": g.agree,
                "differ_by_one": g.differ_by_one,
                "differ_by_two_plus": g.differ_by_two_plus,
            }
            for number, g in gaps.summarise(
                gaps.gaps([(i.code, i.domain.number) for i in items], ratings[CCG], ratings[HWB])
            ).items()
        },
    }
