"""Deadlines as plain calculations: where a step stands on a day, and which reminder is due.

No Django imports, so these can be property-tested and used from the settings module.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

DONE = "done"
NOT_OPEN = "not_open"
OPEN = "open"
DUE_SOON = "due_soon"
OVERDUE = "overdue"

# A step is "due soon" this many days or fewer before its deadline.
DUE_SOON_DAYS = 14
# Reminders may be asked for at most this many days before a deadline.
MAX_REMINDER_DAYS = 365


@dataclass(frozen=True)
class StepState:
    state: str  # DONE, NOT_OPEN, OPEN, DUE_SOON or OVERDUE
    days_left: int  # days from today to the deadline: negative once it has passed

    @property
    def is_overdue(self) -> bool:
        return self.state == OVERDUE

    @property
    def text(self) -> str:
        """What a person reads: "Done", "Due in 5 days", "Due today", "Overdue by 3 days"."""
        if self.state == DONE:
            return "Done"
        if self.state == OVERDUE:
            days = -self.days_left
            return f"Overdue by {days} day{'s' if days != 1 else ''}"
        if self.days_left == 0:
            return "Due today"
        if self.state == NOT_OPEN:
            return "Not open yet"
        return f"Due in {self.days_left} day{'s' if self.days_left != 1 else ''}"


def step_state(
    *,
    opens_on: datetime.date | None,
    deadline: datetime.date,
    done: bool,
    today: datetime.date,
    soon: int = DUE_SOON_DAYS,
) -> StepState:
    """Where one step stands for one CCG on `today`. The deadline day itself is not overdue."""
    days_left = (deadline - today).days
    if done:
        return StepState(DONE, days_left)
    if days_left < 0:
        return StepState(OVERDUE, days_left)
    if opens_on is not None and today < opens_on:
        return StepState(NOT_OPEN, days_left)
    if days_left <= soon:
        return StepState(DUE_SOON, days_left)
    return StepState(OPEN, days_left)


def parse_reminder_days(text: str) -> tuple[int, ...]:
    """Read "14,7,1" as the days before a deadline on which reminders go out, largest first.

    Raises ValueError with a message saying what is wrong. An empty text means no reminders.
    """
    text = text.strip()
    if not text:
        return ()
    days: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit():
            raise ValueError(
                f"Reminder days must be whole numbers of days separated by commas, like 14,7,1 (got {part!r})"
            )
        number = int(part)
        if not 0 <= number <= MAX_REMINDER_DAYS:
            raise ValueError(f"Reminder days must be between 0 and {MAX_REMINDER_DAYS} (got {number})")
        if number in days:
            raise ValueError(f"Reminder days list {number} twice")
        days.append(number)
    return tuple(sorted(days, reverse=True))


def reminder_due(*, deadline: datetime.date, today: datetime.date, days: tuple[int, ...]) -> int | None:
    """The reminder (as days before the deadline) that is due on `today`, or None.

    It is the latest of the reminder days already reached, so a run missed on one day is caught up the next
    without sending every earlier reminder too. Nothing is due after the deadline.
    """
    days_left = (deadline - today).days
    if days_left < 0:
        return None
    reached = [n for n in days if n >= days_left]
    return min(reached) if reached else None
