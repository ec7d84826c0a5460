"""What a person may read of a review, gathered in a fixed number of queries whatever the framework's size.

Side ratings come only through `SideRating.objects.visible_to(user)`: a side the person may not see yet is simply
absent (None) here, so no page, export or endpoint built on this can show it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from assure.accounts.models import unread_but_name
from assure.frameworks.models import Domain, Item
from assure.organisations.models import Organisation

from . import gaps, services
from .models import CCG, HWB, SIDES, AgreedItem, PartnershipReview, SideRating


class Rating(NamedTuple):
    """A side's rating and comment, for a plain board (`board(plain=True)`), and its version: what the API
    answers with, and what a save through the API must send back."""

    rating: int | None
    comment: str = ""
    version: int | None = None


class AgreedRating(NamedTuple):
    """An agreed item's rating and development action, for a plain board."""

    agreed_rating: int | None
    action: str = ""
    action_owner: Organisation | None = None  # the review's CCG or HWB
    action_due: datetime.date | None = None
    version: int | None = None


@dataclass
class Row:
    item: Item
    ccg: SideRating | Rating | None
    hwb: SideRating | Rating | None
    agreed: AgreedItem | AgreedRating | None

    def side(self, side: str) -> SideRating | Rating | None:
        return self.ccg if side == CCG else self.hwb

    @property
    def gap(self) -> gaps.Gap:
        return gaps.Gap(
            self.item.code,
            self.item.domain.number,
            self.ccg.rating if self.ccg else None,
            self.hwb.rating if self.hwb else None,
        )


@dataclass
class Board:
    review: PartnershipReview
    domains: list[Domain]
    rows: list[Row]
    visible_sides: set[str] = field(default_factory=set)

    @property
    def items(self) -> list[Item]:
        return [r.item for r in self.rows]

    def ratings(self, side: str) -> dict[str, int | None]:
        return {r.item.code: r.side(side).rating for r in self.rows if r.side(side) is not None}

    def results(self, side: str):
        """Each domain's maturity and verdict from one side's ratings (empty when the side is not visible)."""
        if side not in self.visible_sides:
            return {}
        return services.side_results(self.review, self.items, self.ratings(side))

    def agreed_results(self):
        ratings = {r.item.code: r.agreed.agreed_rating for r in self.rows if r.agreed}
        return services.side_results(self.review, self.items, ratings)

    def gaps(self) -> list[gaps.Gap]:
        return [r.gap for r in self.rows]

    def domain_rows(self, number: int) -> list[Row]:
        return [r for r in self.rows if r.item.domain.number == number]


def _action_owner(review: PartnershipReview, owner_id: int | None) -> Organisation | None:
    """An agreed action's owner: the review's CCG or HWB, which the callers read with the review."""
    if owner_id is None:
        return None
    if owner_id == review.ccg_id:
        return review.ccg
    if owner_id == review.hwb_id:
        return review.hwb
    # Never saved so (services.agreement_save checks the owner), but if it were, the action keeps its true owner.
    return Organisation.objects.get(pk=owner_id)


def board(
    review: PartnershipReview,
    user,
    *,
    domain: int | None = None,
    plain: bool = False,
    domains: list[Domain] | None = None,
) -> Board:
    """The review's items with the side ratings the person may see and (once both released) the agreements.
    `plain` reads the ratings with their comments, and the agreements with their actions, as plain values
    (`Rating`, `AgreedRating`) with their versions, for what only shows them or answers with them (the gaps, the
    reports, the API): not who saved them, which the pages that change them show. `domains`: the framework's
    domains in order, when the caller has read them already."""
    if domains is None:
        domains = list(Domain.objects.filter(framework=review.cycle.framework_id).order_by("number"))
    by_pk = {d.pk: d for d in domains}
    items = Item.objects.filter(framework=review.cycle.framework_id, tier__in=services.TIERS)
    if domain is not None:
        items = items.filter(domain__number=domain)
    item_list = list(items.order_by("domain__number", "position"))
    ratings = SideRating.objects.visible_to(user).filter(review=review)
    if domain is not None:
        ratings = ratings.filter(item__domain__number=domain)
    by_side: dict[str, dict[int, SideRating | Rating]] = {CCG: {}, HWB: {}}
    if plain:
        for item_id, side, value, comment, version in ratings.order_by().values_list(
            "item_id", "side", "rating", "comment", "version"
        ):
            by_side[side][item_id] = Rating(value, comment, version)
    else:
        for rating in ratings.select_related("updated_by").defer(*unread_but_name("updated_by")):
            by_side[rating.side][rating.item_id] = rating
    agreed: dict[int, AgreedItem | AgreedRating] = {}
    if review.both_released:
        rows = AgreedItem.objects.filter(review=review)
        if domain is not None:
            rows = rows.filter(item__domain__number=domain)
        if plain:
            agreed = {
                item_id: AgreedRating(value, action, _action_owner(review, owner_id), due, version)
                for item_id, value, action, owner_id, due, version in rows.order_by().values_list(
                    "item_id", "agreed_rating", "action", "action_owner_id", "action_due", "version"
                )
            }
        else:
            agreed = {
                a.item_id: a for a in rows.select_related("updated_by").defer(*unread_but_name("updated_by"))
            }
            for row in agreed.values():
                if row.action_owner_id is not None:
                    row.action_owner = _action_owner(review, row.action_owner_id)
    for item in item_list:  # each row knows its item, and each item its domain, without another query
        item.domain = by_pk[item.domain_id]
        if plain:
            continue
        for row in (by_side[CCG].get(item.pk), by_side[HWB].get(item.pk), agreed.get(item.pk)):
            if row is not None:
                row.item = item
                row.review = review
    return Board(
        review=review,
        domains=domains,
        rows=[
            Row(item, by_side[CCG].get(item.pk), by_side[HWB].get(item.pk), agreed.get(item.pk))
            for item in item_list
        ],
        visible_sides={side for side in SIDES if by_side[side]},
    )
