"""`progress.overdue` is `progress.standings` with only the overdue steps, and checks no step whose deadline has
not passed."""

from __future__ import annotations

import datetime

import pytest

from assure.cycles import progress
from assure.cycles.models import Cycle

pytestmark = pytest.mark.django_db


def _days(cycle: Cycle) -> list[datetime.date]:
    """Before the first deadline, each deadline day itself, the day after each, and long after the last."""
    deadlines = sorted(s.deadline for s in cycle.steps.all())
    one = datetime.timedelta(days=1)
    return [deadlines[0] - one, *deadlines, *(d + one for d in deadlines), deadlines[-1] + 400 * one]


def test_the_overdue_steps_are_those_the_standings_give_on_every_day(demo):
    cycle = Cycle.objects.prefetch_related("steps").get(pk=demo.cycle.pk)
    ids = [c.pk for c in demo.ccgs]
    for today in _days(cycle):
        whole = progress.standings(cycle, ids, today=today)
        late = progress.overdue(cycle, ids, today=today)
        assert late == {ccg: [s for s in whole[ccg] if s.state.is_overdue] for ccg in ids}, today
    assert any(late.values()), "long after the last deadline, some CCG of the demo region is late"


def test_before_the_first_deadline_nothing_is_asked_of_the_database(demo, django_assert_num_queries):
    cycle = Cycle.objects.prefetch_related("steps").get(pk=demo.cycle.pk)
    ids = [c.pk for c in demo.ccgs]
    first = min(s.deadline for s in cycle.steps.all())
    with django_assert_num_queries(0):
        assert progress.overdue(cycle, ids, today=first) == {ccg: [] for ccg in ids}
    with django_assert_num_queries(1):  # the one step whose deadline has passed
        progress.overdue(cycle, ids, today=first + datetime.timedelta(days=1))
