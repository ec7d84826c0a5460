import datetime

from hypothesis import given
from hypothesis import strategies as st

from assure.plans import rules

TODAY = datetime.date(2013, 6, 3)
dates = st.one_of(st.none(), st.dates(datetime.date(2012, 1, 1), datetime.date(2014, 12, 31)))
statuses = st.sampled_from(rules.STATUSES)


def test_an_action_due_yesterday_and_still_open_is_overdue_but_not_one_due_today():
    yesterday = TODAY - datetime.timedelta(days=1)
    assert rules.is_overdue(due=yesterday, status=rules.OPEN, today=TODAY)
    assert rules.is_overdue(due=yesterday, status=rules.IN_PROGRESS, today=TODAY)
    assert not rules.is_overdue(due=TODAY, status=rules.OPEN, today=TODAY)
    assert not rules.is_overdue(due=None, status=rules.OPEN, today=TODAY)


@given(due=dates, status=statuses)
def test_done_and_dropped_actions_are_never_overdue(due, status):
    overdue = rules.is_overdue(due=due, status=status, today=TODAY)
    if status in (rules.DONE, rules.DROPPED):
        assert not overdue
    else:
        assert overdue == (due is not None and due < TODAY)


@given(st.lists(st.tuples(dates, statuses, st.integers(1, 6), st.text(max_size=5)), max_size=20))
def test_overdue_actions_sort_before_every_other(actions):
    keyed = sorted(
        actions, key=lambda a: rules.sort_key(due=a[0], status=a[1], domain=a[2], title=a[3], today=TODAY)
    )
    flags = [rules.is_overdue(due=a[0], status=a[1], today=TODAY) for a in keyed]
    assert flags == sorted(flags, reverse=True)
    active = [rules.is_active(a[1]) for a in keyed]
    assert active == sorted(active, reverse=True)


def test_low_agreement_domains_leave_out_unknown_shares():
    assert rules.low_agreement_domains({1: 0.9, 2: 0.3, 3: None, 4: 0.49, 5: 0.5}) == [2, 4]
