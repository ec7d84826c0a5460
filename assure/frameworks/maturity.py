"""Domain maturity and the threshold verdict, from item ratings and a framework's declared rules.

Pure functions, no Django: the same calculation serves the self-assessment, the partnership review, the
assessor's workspace and reports.

An item is rated with a scale value, marked not applicable (NOT_APPLICABLE) or not yet rated (absent/None).
Not-applicable items are left out of every count; unrated items count as not meeting any requirement.
A requirement on a tier with no applicable items is met: there is nothing left to do in it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal, Protocol

NOT_APPLICABLE: Final = "n/a"
Rating = int | Literal["n/a"] | None


class RequirementLike(Protocol):
    tier: str
    min_rating: int
    proportion: float


class LevelLike(Protocol):
    code: str
    label: str
    requires: Sequence[RequirementLike]


class RulesLike(Protocol):
    threshold: RequirementLike
    levels: Sequence[LevelLike]


class ItemLike(Protocol):
    code: str
    tier: str


@dataclass(frozen=True)
class Shortfall:
    """What is missing for one requirement: how many more items must reach min_rating, and which are below."""

    tier: str
    min_rating: int
    needed: int
    items_below: tuple[str, ...]


@dataclass(frozen=True)
class DomainResult:
    level_code: str
    level_label: str
    level_index: int
    threshold_met: bool
    rated: int
    not_applicable: int
    total: int
    threshold_shortfall: Shortfall | None
    next_level_code: str | None
    next_level_label: str | None
    next_level_shortfalls: tuple[Shortfall, ...]

    @property
    def complete(self) -> bool:
        return self.rated + self.not_applicable == self.total


def rating_of(rating: int | None, not_applicable: bool) -> Rating:
    """An item's answer as the rules weigh it: its rating, or `NOT_APPLICABLE`."""
    return NOT_APPLICABLE if not_applicable else rating


def required_count(applicable: int, proportion: float) -> int:
    """How many of `applicable` items must meet a requirement of `proportion` (rounded up)."""
    return math.ceil(applicable * proportion - 1e-9)


def check_requirement(
    requirement: RequirementLike, items: Sequence[ItemLike], ratings: Mapping[str, Rating]
) -> Shortfall | None:
    """None when the requirement is met; otherwise what is missing."""
    applicable = [
        item
        for item in items
        if (requirement.tier == "all" or item.tier == requirement.tier)
        and ratings.get(item.code) != NOT_APPLICABLE
    ]
    below = [item.code for item in applicable if not _reaches(ratings.get(item.code), requirement.min_rating)]
    met = len(applicable) - len(below)
    needed = required_count(len(applicable), requirement.proportion) - met
    if needed <= 0:
        return None
    return Shortfall(requirement.tier, requirement.min_rating, needed, tuple(below))


def evaluate_domain(
    rules: RulesLike, items: Sequence[ItemLike], ratings: Mapping[str, Rating]
) -> DomainResult:
    """The maturity level (the highest level all of whose requirements are met) and the threshold verdict."""
    level_index = 0
    for index, level in enumerate(rules.levels):
        if all(check_requirement(r, items, ratings) is None for r in level.requires):
            level_index = index
        else:
            break
    level = rules.levels[level_index]
    next_level = rules.levels[level_index + 1] if level_index + 1 < len(rules.levels) else None
    next_shortfalls: tuple[Shortfall, ...] = ()
    if next_level is not None:
        next_shortfalls = tuple(
            s for s in (check_requirement(r, items, ratings) for r in next_level.requires) if s is not None
        )
    threshold_shortfall = check_requirement(rules.threshold, items, ratings)
    values = [ratings.get(item.code) for item in items]
    return DomainResult(
        level_code=level.code,
        level_label=level.label,
        level_index=level_index,
        threshold_met=threshold_shortfall is None,
        rated=sum(1 for v in values if isinstance(v, int)),
        not_applicable=sum(1 for v in values if v == NOT_APPLICABLE),
        total=len(items),
        threshold_shortfall=threshold_shortfall,
        next_level_code=next_level.code if next_level else None,
        next_level_label=next_level.label if next_level else None,
        next_level_shortfalls=next_shortfalls,
    )


def evaluate_domains(
    rules: RulesLike, items_by_domain: Mapping[int, Iterable[ItemLike]], ratings: Mapping[str, Rating]
) -> dict[int, DomainResult]:
    return {number: evaluate_domain(rules, list(items), ratings) for number, items in items_by_domain.items()}


def _reaches(rating: Rating, minimum: int) -> bool:
    return isinstance(rating, int) and rating >= minimum
