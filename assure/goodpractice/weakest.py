"""Which items a CCG is weakest on, to suggest good practice for. No Django here."""

from __future__ import annotations

from collections.abc import Mapping


def weakest_items(ratings: Mapping[str, int | None], *, top: int, limit: int = 5) -> list[str]:
    """The codes of the items rated lowest, in their given order, at most `limit` of them.

    Unrated items (None) say nothing about weakness; leave out items marked not applicable. When the lowest
    rating is the top of the scale there is nothing to improve, so nothing is weakest.
    """
    rated = {code: rating for code, rating in ratings.items() if rating is not None}
    if not rated:
        return []
    lowest = min(rated.values())
    if lowest >= top:
        return []
    return [code for code, rating in rated.items() if rating == lowest][:limit]
