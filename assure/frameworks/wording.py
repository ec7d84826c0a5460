"""The framework's rules said in plain words, for the public pages and reports. No Django here."""

from __future__ import annotations

from collections.abc import Sequence

from .maturity import RequirementLike
from .schema import TIER_LABELS, Rules, ScalePoint


def proportion_words(proportion: float) -> str:
    if proportion >= 1:
        return "every"
    if abs(proportion - 0.5) < 1e-9:
        return "at least half of the"
    return f"at least {round(proportion * 100)}% of the"


def requirement_words(requirement: RequirementLike, scale: Sequence[ScalePoint]) -> str:
    labels = {p.value: p.label for p in scale}
    tier = "item" if requirement.tier == "all" else f"“{TIER_LABELS[requirement.tier]}” item"
    if requirement.proportion < 1:
        tier += "s"
    top = max(labels)
    rating = f"“{labels.get(requirement.min_rating, requirement.min_rating)}”"
    if requirement.min_rating != top:
        rating += " or above"
    return f"{proportion_words(requirement.proportion)} {tier} is rated {rating}".replace(
        "items is rated", "items are rated"
    )


def describe_threshold(rules: Rules, scale: Sequence[ScalePoint]) -> str:
    return f"A domain meets the threshold when {requirement_words(rules.threshold, scale)}."


def describe_level(index: int, rules: Rules, scale: Sequence[ScalePoint]) -> str:
    level = rules.levels[index]
    if not level.requires:
        return "Where every domain starts, until the next level is reached."
    parts = [requirement_words(r, scale) for r in level.requires]
    return "When " + ", and ".join(parts) + "."
