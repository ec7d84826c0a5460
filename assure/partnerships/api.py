"""Partnership reviews over the API: the same scoping, blind rule and services as the pages.

- `401` without a valid token; `404` when the caller may not see the review (its existence is not revealed) or
  the item code is unknown;
- `403` when the caller may see the review but may not do this (not a member of the side, not a lead);
- `409` when the review's state forbids it: `code` says why (`stale`, `locked`, `incomplete`, `not_released`);
- `422` when the input is invalid, with `errors` by field written for people.

The other side's ratings and comments are null until both sides have released theirs, exactly as on the pages:
they are read through `SideRating.objects.visible_to`, never directly.
"""

from __future__ import annotations

import datetime
from typing import Literal
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from assure.assessments.api import CycleRef, InvalidOut, Message, OrganisationRef
from assure.core import permissions
from assure.core.pagination import ApiPagination, Rows

from . import queries, services
from .models import SIDE_NAMES, AgreedItem, PartnershipReview, SideRating

router = Router(tags=["partnerships"])

Side = Literal["ccg", "hwb"]


class ReviewOut(Schema):
    id: str = Field(description="The review's public id.")
    ccg: OrganisationRef
    hwb: OrganisationRef
    cycle: CycleRef
    status: Literal["rating", "agreeing", "agreed"] = Field(
        description="`rating` until both sides have released, `agreeing` while the leads agree items, "
        "`agreed` once every item has an agreed rating (locked)."
    )
    ccg_released_at: datetime.datetime | None
    hwb_released_at: datetime.datetime | None
    agreed_at: datetime.datetime | None


class ActionOut(Schema):
    action: str
    owner: str = Field(description="The code of the organisation that owns the action.")
    due: datetime.date


class ReviewItemOut(Schema):
    code: str
    domain: int
    tier: Literal["basics", "future"]
    ccg_rating: int | None = Field(
        description="Null while not rated, or while the caller may not see it yet."
    )
    ccg_comment: str | None
    hwb_rating: int | None
    hwb_comment: str | None
    gap: int | None = Field(description="How far apart the two ratings are; null until both are visible.")
    to_discuss: bool = Field(description="The ratings are two or more points apart.")
    version: int | None = Field(
        description="The `version` of the caller's own side's rating, to send back with a change."
    )
    agreed_rating: int | None
    agreed_action: ActionOut | None = None
    agreed_version: int | None = Field(
        description="Send it back with an agreement; null before both released."
    )


class ReviewDetailOut(ReviewOut):
    your_sides: list[Side] = Field(description="The sides the caller rates for.")
    items: list[ReviewItemOut]


class RatingIn(Schema):
    rating: int | None = Field(None, description="A value of the framework's scale; null to clear.")
    comment: str = ""
    version: int
    side: Side | None = Field(None, description="Only needed by someone who is a member of both sides.")


class AgreementIn(Schema):
    agreed_rating: int
    action: str = ""
    action_owner: str | None = Field(None, description="Code of the review's CCG or HWB.")
    action_due: datetime.date | None = None
    version: int


class ConflictOut(Schema):
    detail: str
    code: Literal["stale", "locked", "incomplete", "not_released"]
    missing: list[str] = Field(
        default_factory=list, description="For `incomplete`: item codes still unrated."
    )
    current: ReviewItemOut | None = None


def _review(request, public_id: UUID) -> PartnershipReview:
    return get_object_or_404(
        PartnershipReview.objects.visible_to(request.auth)
        .select_related("cycle__framework", "ccg", "hwb")
        .defer("snapshot"),
        public_id=public_id,
    )


def _summary(review: PartnershipReview) -> dict:
    return {
        "id": str(review.public_id),
        "ccg": {"code": review.ccg.code, "name": review.ccg.name},
        "hwb": {"code": review.hwb.code, "name": review.hwb.name},
        "cycle": {"id": str(review.cycle.public_id), "name": review.cycle.name},
        "status": review.status,
        "ccg_released_at": review.ccg_released_at,
        "hwb_released_at": review.hwb_released_at,
        "agreed_at": review.agreed_at,
    }


def _item(row: queries.Row, sides: list[str]) -> dict:
    gap = row.gap
    own = next((row.side(s) for s in sides if row.side(s) is not None), None)
    agreed = row.agreed
    return {
        "code": row.item.code,
        "domain": row.item.domain.number,
        "tier": row.item.tier,
        "ccg_rating": row.ccg.rating if row.ccg else None,
        "ccg_comment": row.ccg.comment if row.ccg else None,
        "hwb_rating": row.hwb.rating if row.hwb else None,
        "hwb_comment": row.hwb.comment if row.hwb else None,
        "gap": gap.size,
        "to_discuss": gap.to_discuss,
        "version": own.version if own else None,
        "agreed_rating": agreed.agreed_rating if agreed else None,
        "agreed_action": {
            "action": agreed.action,
            "owner": agreed.action_owner.code,
            "due": agreed.action_due,
        }
        if agreed and agreed.action
        else None,
        "agreed_version": agreed.version if agreed else None,
    }


def _one_row(request, review, code: str, sides: list[str]) -> dict:
    board = queries.board(review, request.auth, plain=True)
    row = next(r for r in board.rows if r.item.code == code)
    return _item(row, sides)


def _caller_side(request, review, side: str | None) -> str | Status:
    sides = permissions.partnership_sides(request.auth, review)
    if side is not None:
        if side not in sides:
            return Status(
                403, {"detail": f"You are not a member of the {SIDE_NAMES[side]} side of this review."}
            )
        return side
    if not sides:
        return Status(403, {"detail": "Only the CCG's and the HWB's own people can rate in this review."})
    if len(sides) > 1:
        return Status(422, _invalid({"side": "You belong to both sides: say which side, ccg or hwb"}))
    return sides[0]


def _invalid(errors: dict[str, str]) -> dict:
    return {
        "detail": [
            {"loc": ["body", "payload", name], "msg": msg, "type": "value_error"}
            for name, msg in errors.items()
        ],
        "errors": errors,
    }


@router.get("", response=list[ReviewOut], summary="The partnership reviews you may see")
@paginate(ApiPagination)
def review_list(request):
    """The CCG's and the HWB's people see their reviews from the moment they are opened; assessors and
    regional leads of the CCG's region, and platform admins, once agreed. Paginated: `limit` (default 100, at
    most 500) and `offset`; the answer is `{items, count}`."""
    reviews = (
        PartnershipReview.objects.visible_to(request.auth)
        .select_related("cycle", "ccg", "hwb")
        .order_by("-cycle__starts_on", "ccg__name", "hwb__name", "pk")
    )
    return Rows(reviews, _summary)


@router.get("/{uuid:id}", response={200: ReviewDetailOut, 404: Message}, summary="A review with its items")
def review_detail(request, id: UUID):
    """Every basics and future item with both sides' ratings and comments, the gap and the agreement. The other
    side's rating and comment are null until both sides have released; `version` is your own side's."""
    review = _review(request, id)
    sides = permissions.partnership_sides(request.auth, review)
    # A plain board: the ratings, agreements and versions as values, without who saved each (not in the answer).
    board = queries.board(review, request.auth, plain=True)
    return {**_summary(review), "your_sides": sides, "items": [_item(row, sides) for row in board.rows]}


@router.put(
    "/{uuid:id}/items/{code}",
    response={200: ReviewItemOut, 403: Message, 404: Message, 409: ConflictOut, 422: InvalidOut},
    summary="Rate one item for your side",
)
def rating_update(request, id: UUID, code: str, payload: RatingIn):
    """Rates the item for the caller's own side. Send the `version` you read: if someone saved it since, nothing
    changes and the answer is `409 stale` with the item as it stands. A released side is `409 locked`."""
    review = _review(request, id)
    side = _caller_side(request, review, payload.side)
    if isinstance(side, Status):
        return side
    rating = get_object_or_404(
        SideRating.objects.visible_to(request.auth).select_related("item__domain"),
        review=review,
        side=side,
        item__code=code,
    )
    rating.review = review
    try:
        services.side_rating_save(
            rating=rating,
            user=request.auth,
            value=payload.rating,
            comment=payload.comment,
            version=payload.version,
        )
    except services.Invalid as exc:
        return Status(422, _invalid(exc.errors))
    except services.StaleEdit as exc:
        current = _one_row(request, review, code, [side])
        return Status(409, {"detail": str(exc), "code": "stale", "current": current})
    except services.ReviewLocked as exc:
        return Status(409, {"detail": str(exc), "code": "locked"})
    return Status(200, _one_row(request, review, code, [side]))


@router.post(
    "/{uuid:id}/release",
    response={200: ReviewOut, 403: Message, 404: Message, 409: ConflictOut, 422: InvalidOut},
    summary="Release your side's ratings",
)
def release(request, id: UUID, side: Side | None = None):
    """The side's lead (CCG lead or HWB lead) releases it once every item is rated (`409 incomplete` with the
    `missing` codes otherwise). Released ratings can no longer change; the other side sees them once both have
    released. No body; `?side=ccg` or `?side=hwb` only for someone who is a member of both sides."""
    review = _review(request, id)
    side = _caller_side(request, review, side)
    if isinstance(side, Status):
        return side
    if not permissions.is_partnership_lead(request.auth, review, side):
        return Status(
            403, {"detail": f"Only the {SIDE_NAMES[side]} lead can release the {SIDE_NAMES[side]} side."}
        )
    try:
        review = services.side_release(review=review, side=side, user=request.auth)
    except services.IncompleteSide as exc:
        return Status(409, {"detail": str(exc), "code": "incomplete", "missing": exc.missing})
    except services.ReviewLocked as exc:
        return Status(409, {"detail": str(exc), "code": "locked"})
    return Status(200, _summary(_review(request, id)))


@router.put(
    "/{uuid:id}/items/{code}/agreed",
    response={200: ReviewItemOut, 403: Message, 404: Message, 409: ConflictOut, 422: InvalidOut},
    summary="Record the agreed rating (and action) of one item",
)
def agreement_update(request, id: UUID, code: str, payload: AgreementIn):
    """For the CCG lead or the HWB lead once both sides have released (`409 not_released` before). An action
    needs an owner (the CCG's or HWB's code) and a due date. When every item has an agreed rating the review is
    agreed and locked (`409 locked` afterwards)."""
    review = _review(request, id)
    if not permissions.partnership_sides(request.auth, review):
        return Status(403, {"detail": "Only the CCG's and the HWB's leads can agree items."})
    if not permissions.is_partnership_lead(request.auth, review):
        return Status(403, {"detail": "Only the CCG lead or the HWB lead can record agreed ratings."})
    agreed = get_object_or_404(
        AgreedItem.objects.select_related("item__domain"), review=review, item__code=code
    )
    if not review.both_released:
        return Status(
            409,
            {
                "detail": "Both sides must release their ratings before items can be agreed.",
                "code": "not_released",
            },
        )
    data = services.AgreementInput(
        agreed_rating=payload.agreed_rating,
        action=payload.action,
        action_owner=payload.action_owner,
        action_due=payload.action_due,
    )
    sides = permissions.partnership_sides(request.auth, review)
    try:
        services.agreement_save(agreed=agreed, user=request.auth, data=data, version=payload.version)
    except services.Invalid as exc:
        return Status(422, _invalid(exc.errors))
    except services.StaleEdit as exc:
        return Status(
            409, {"detail": str(exc), "code": "stale", "current": _one_row(request, review, code, sides)}
        )
    except services.ReviewLocked as exc:
        return Status(409, {"detail": str(exc), "code": "locked"})
    review.refresh_from_db()
    return Status(200, _one_row(request, review, code, sides))
