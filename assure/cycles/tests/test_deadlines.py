"""The pure deadline calculations: where a step stands on a day, reading reminder days, which reminder is due."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assure.cycles.deadlines import (
    DONE,
    DUE_SOON,
    NOT_OPEN,
    OPEN,
    OVERDUE,
    parse_reminder_days,
    reminder_due,
    step_state,
)

DEADLINE = datetime.date(2013, 6, 30)


def day(offset: int) -> datetime.date:
    return DEADLINE + datetime.timedelta(days=offset)


@pytest.mark.parametrize(
    ("today", "opens_on", "done", "state", "text"),
    [
        (day(-30), None, False, OPEN, "Due in 30 days"),
        (day(-14), None, False, DUE_SOON, "Due in 14 days"),
        (day(-1), None, False, DUE_SOON, "Due in 1 day"),
        (day(0), None, False, DUE_SOON, "Due today"),
        (day(1), None, False, OVERDUE, "Overdue by 1 day"),
        (day(9), None, False, OVERDUE, "Overdue by 9 days"),
        (day(9), None, True, DONE, "Done"),
        (day(-40), day(-35), False, NOT_OPEN, "Not open yet"),
    ],
)
def test_where_a_step_stands(today, opens_on, done, state, text):
    standing = step_state(opens_on=opens_on, deadline=DEADLINE, done=done, today=today)

    assert (standing.state, standing.text) == (state, text)
    assert standing.is_overdue == (state == OVERDUE)


@given(st.integers(-400, 400), st.booleans())
def test_a_step_is_overdue_exactly_when_undone_after_its_deadline(offset, done):
    standing = step_state(opens_on=None, deadline=DEADLINE, done=done, today=day(offset))

    assert standing.is_overdue == (not done and offset > 0)
    assert standing.days_left == -offset


@pytest.mark.parametrize(
    ("text", "days"),
    [("14,7,1", (14, 7, 1)), (" 1, 14 ,7 ", (14, 7, 1)), ("0", (0,)), ("", ()), ("  ", ())],
)
def test_reminder_days_are_read_strictly(text, days):
    assert parse_reminder_days(text) == days


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("14;7", "whole numbers of days separated by commas"),
        ("14,,7", "whole numbers"),
        ("-1", "whole numbers"),
        ("seven", "whole numbers"),
        ("7,7", "list 7 twice"),
        ("400", "between 0 and 365"),
        ("1.5", "whole numbers"),
    ],
)
def test_bad_reminder_days_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        parse_reminder_days(text)


@pytest.mark.parametrize(
    ("offset", "due"),
    [(-20, None), (-14, 14), (-10, 14), (-7, 7), (-3, 7), (-1, 1), (0, 1), (1, None)],
)
def test_the_reminder_due_is_the_latest_reached(offset, due):
    assert reminder_due(deadline=DEADLINE, today=day(offset), days=(14, 7, 1)) == due


@given(st.lists(st.integers(0, 60), unique=True, max_size=5), st.integers(-80, 10))
def test_a_reminder_is_due_only_on_or_before_the_deadline_and_from_its_day(days, offset):
    due = reminder_due(deadline=DEADLINE, today=day(offset), days=tuple(sorted(days, reverse=True)))

    if due is not None:
        assert due in days
        assert offset <= 0  # never after the deadline
        assert -offset <= due  # its day has come
    else:
        assert offset > 0 or all(n < -offset for n in days)
