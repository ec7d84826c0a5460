"""The pure gap calculations: sizes, flags, filters, sorting and the per-domain summary."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assure.partnerships import gaps

ratings = st.one_of(st.none(), st.integers(min_value=0, max_value=3))


def test_a_gap_is_the_distance_between_the_two_ratings_and_two_or_more_is_to_discuss():
    assert gaps.Gap("1.1", 1, 3, 1).size == 2
    assert gaps.Gap("1.1", 1, 3, 1).to_discuss
    assert gaps.Gap("1.1", 1, 3, 1).higher == "ccg"
    assert gaps.Gap("1.1", 1, 1, 2).size == 1
    assert not gaps.Gap("1.1", 1, 1, 2).to_discuss
    assert gaps.Gap("1.1", 1, 1, 2).higher == "hwb"
    assert gaps.Gap("1.1", 1, 2, 2).higher is None


def test_a_gap_with_a_side_missing_has_no_size_and_is_not_flagged():
    gap = gaps.Gap("1.1", 1, None, 3)
    assert gap.size is None
    assert not gap.to_discuss
    assert not gap.matches("agree") and gap.matches("all")


def test_filter_by_domain_and_size_then_sort_largest_first_keeping_framework_order():
    rows = gaps.gaps(
        [("1.1", 1), ("1.2", 1), ("2.1", 2), ("2.2", 2)],
        {"1.1": 0, "1.2": 2, "2.1": 3, "2.2": 0},
        {
            "1.1": 3,
            "1.2": 2,
            "2.1": 1,
            "2.2": 3,
        },
    )
    assert [r.code for r in gaps.filter_and_sort(rows, which="two_plus")] == ["1.1", "2.1", "2.2"]
    assert [r.code for r in gaps.filter_and_sort(rows, which="agree")] == ["1.2"]
    assert [r.code for r in gaps.filter_and_sort(rows, domain=2)] == ["2.1", "2.2"]
    assert [r.code for r in gaps.filter_and_sort(rows, by_gap=True)] == ["1.1", "2.2", "2.1", "1.2"]


def test_the_summary_counts_agreement_per_domain_and_averages_each_side():
    rows = gaps.gaps(
        [("1.1", 1), ("1.2", 1), ("1.3", 1)],
        {"1.1": 2, "1.2": 2, "1.3": 3},
        {
            "1.1": 2,
            "1.2": 3,
            "1.3": 0,
        },
    )
    summary = gaps.summarise(rows)[1]
    assert (summary.agree, summary.differ_by_one, summary.differ_by_two_plus) == (1, 1, 1)
    assert summary.ccg_mean == 2.33
    assert summary.hwb_mean == 1.67


@given(st.lists(st.tuples(st.integers(1, 6), ratings, ratings), max_size=40))
def test_every_compared_item_falls_in_exactly_one_band(data):
    items = [(f"{domain}.{n}", domain) for n, (domain, _, _) in enumerate(data)]
    ccg = {code: c for (code, _), (_, c, _) in zip(items, data, strict=True)}
    hwb = {code: h for (code, _), (_, _, h) in zip(items, data, strict=True)}
    rows = gaps.gaps(items, ccg, hwb)
    summary = gaps.summarise(rows)
    both = [r for r in rows if r.size is not None]
    assert sum(s.compared for s in summary.values()) == len(both)
    bands = ("agree", "one", "two_plus")
    for row in both:
        assert sum(row.matches(b) for b in bands) == 1
    assert sorted(r.code for r in gaps.filter_and_sort(rows, by_gap=True)) == sorted(r.code for r in rows)
