"""Evidence coverage as a pure calculation."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from assure.evidence.coverage import MISSING, PRESENT, STALE, UNLINKED, EvidenceFact, coverage

TODAY = datetime.date(2026, 11, 23)


def test_present_stale_unlinked_and_missing():
    facts = [
        EvidenceFact(1, frozenset({1}), TODAY - datetime.timedelta(days=30)),
        EvidenceFact(2, frozenset({1}), TODAY - datetime.timedelta(days=400)),
        EvidenceFact(3, frozenset({2}), TODAY),
    ]
    result = coverage({1: [1, 2, 3, 4]}, facts, TODAY)[1]
    assert [row.status for row in result.rows] == [PRESENT, STALE, UNLINKED, MISSING]
    assert (result.expected, result.present, result.stale, result.missing) == (4, 1, 1, 2)


def test_the_newest_linked_document_decides_staleness():
    facts = [
        EvidenceFact(1, frozenset({1}), TODAY - datetime.timedelta(days=800)),
        EvidenceFact(1, frozenset({1}), TODAY - datetime.timedelta(days=365)),
    ]
    row = coverage({1: [1]}, facts, TODAY)[1].rows[0]
    assert (row.status, row.count, row.newest) == (PRESENT, 2, TODAY - datetime.timedelta(days=365))


@given(st.lists(st.tuples(st.integers(1, 5), st.sets(st.integers(1, 3)), st.integers(0, 1000)), max_size=20))
def test_every_expected_type_gets_exactly_one_row(raw):
    facts = [EvidenceFact(t, frozenset(d), TODAY - datetime.timedelta(days=age)) for t, d, age in raw]
    result = coverage({1: [1, 2, 3], 2: [4, 5], 3: []}, facts, TODAY)
    for number, expected in {1: 3, 2: 2, 3: 0}.items():
        summary = result[number]
        assert summary.expected == expected
        assert summary.present + summary.stale + summary.missing == expected
