"""Rules about development plan actions that need no database: overdue, ordering, thresholds. No Django."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

OPEN = "open"
IN_PROGRESS = "in_progress"
DONE = "done"
DROPPED = "dropped"
STATUSES = (OPEN, IN_PROGRESS, DONE, DROPPED)
ACTIVE = frozenset({OPEN, IN_PROGRESS})

# A domain of a closed 360° survey with fewer than this share of stakeholders agreeing becomes an action.
LOW_AGREEMENT = 0.5


def is_active(status: str) -> bool:
    """Still to be done: open or in progress (neither done nor dropped)."""
    return status in ACTIVE


def is_overdue(*, due: datetime.date | None, status: str, today: datetime.date) -> bool:
    """An action is overdue when it is still to be done and its due date has passed (not on the day itself)."""
    return due is not None and is_active(status) and due < today


def sort_key(
    *, due: datetime.date | None, status: str, domain: int | None, title: str, today: datetime.date
) -> tuple:
    """Overdue first (oldest due first), then the other active actions by due date (undated last), then done and
    dropped ones; ties by domain and title."""
    overdue = is_overdue(due=due, status=status, today=today)
    group = 0 if overdue else (1 if is_active(status) else 2)
    return (group, due is None, due or datetime.date.max, domain or 0, title.casefold())


def low_agreement_domains(shares: Mapping[int, float | None], threshold: float = LOW_AGREEMENT) -> list[int]:
    """The domains whose share of stakeholders agreeing is known and below the threshold, in order."""
    return sorted(number for number, share in shares.items() if share is not None and share < threshold)
