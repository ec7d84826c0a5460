"""The anonymity rules as properties: whatever the responses, nothing below the minimum can be seen or derived."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assure.surveys import anonymity
from assure.surveys.constants import ANSWER_CODES, GROUP_CODES

STATEMENTS = ["S1.1", "S1.2", "S2.1"]

counts_strategy = st.dictionaries(st.sampled_from(GROUP_CODES), st.integers(min_value=0, max_value=40))
minimum_strategy = st.integers(min_value=3, max_value=10)
response_strategy = st.builds(
    anonymity.ResponseData,
    group=st.sampled_from(GROUP_CODES),
    answers=st.dictionaries(st.sampled_from(STATEMENTS), st.sampled_from(ANSWER_CODES)),
    comments=st.dictionaries(st.sampled_from([1, 2]), st.text(min_size=1, max_size=20)),
)


@given(counts_strategy, minimum_strategy)
def test_no_group_below_the_minimum_is_ever_shown(counts, minimum):
    hidden = anonymity.hidden_groups(counts, minimum)
    for group, n in counts.items():
        if 0 < n < minimum:
            assert group in hidden


@given(counts_strategy, minimum_strategy)
def test_hidden_groups_cannot_be_worked_out_by_subtraction(counts, minimum):
    hidden = anonymity.hidden_groups(counts, minimum)
    hidden_total = sum(counts[g] for g in hidden)
    if anonymity.overall_shown(counts, minimum):
        # overall minus the groups shown gives the hidden groups together: at least `minimum` people, or none
        assert hidden_total == 0 or hidden_total >= minimum
    else:
        assert hidden == {g for g, n in counts.items() if n > 0}


@given(counts_strategy, minimum_strategy)
def test_only_as_many_groups_are_hidden_as_needed(counts, minimum):
    hidden = anonymity.hidden_groups(counts, minimum)
    below = {g for g, n in counts.items() if 0 < n < minimum}
    if not anonymity.overall_shown(counts, minimum):
        return
    extra = hidden - below
    if extra:  # each extra group was needed: without the largest of them the hidden total would be too small
        largest = max(extra, key=lambda g: counts[g])
        assert sum(counts[g] for g in hidden - {largest}) < minimum
    assert all(counts[g] > 0 for g in hidden)


def test_one_small_group_hides_the_next_smallest_too():
    counts = {"member_practice": 8, "hwb": 6, "local_authority": 5, "provider": 2}
    assert anonymity.hidden_groups(counts, 5) == {"provider", "local_authority"}


def test_nothing_is_shown_below_the_minimum_in_all():
    assert anonymity.hidden_groups({"hwb": 2, "provider": 2}, 5) == {"hwb", "provider"}
    assert not anonymity.overall_shown({"hwb": 2, "provider": 2}, 5)


@given(st.lists(response_strategy, max_size=40), minimum_strategy)
def test_results_show_nothing_of_hidden_groups(responses, minimum):
    results = anonymity.results(responses, STATEMENTS, minimum)
    assert not set(results.groups) & results.hidden
    for group_results in results.groups.values():
        assert group_results.responses >= minimum
    hidden_comments = {
        c.strip() for r in responses if r.group in results.hidden for c in r.comments.values() if c.strip()
    }
    shown_comments = {
        c.strip()
        for r in responses
        if r.group not in results.hidden
        for c in r.comments.values()
        if c.strip()
    }
    if results.overall is None:
        assert results.total < minimum
    else:
        overall_comments = {c for texts in results.overall.comments.values() for c in texts}
        assert overall_comments <= shown_comments
        assert not (overall_comments & (hidden_comments - shown_comments))
        # the overall counts every response (answers), whichever groups are hidden
        for code in STATEMENTS:
            expected = sum(1 for r in responses if code in r.answers)
            assert results.overall.statements[code].answered == expected


@given(st.lists(response_strategy, max_size=30))
def test_aggregation_counts_each_answer_once(responses):
    by_group = anonymity.aggregate(responses, STATEMENTS)
    for code in STATEMENTS:
        for answer in ANSWER_CODES:
            expected = sum(1 for r in responses if r.answers.get(code) == answer)
            assert sum(g.statements[code].counts[answer] for g in by_group.values()) == expected


@given(st.lists(response_strategy, max_size=30), minimum_strategy)
def test_comment_order_says_nothing_about_who_wrote_them(responses, minimum):
    forwards = anonymity.results(responses, STATEMENTS, minimum)
    backwards = anonymity.results(list(reversed(responses)), STATEMENTS, minimum)
    if forwards.overall is not None:
        assert forwards.overall.comments == backwards.overall.comments


def test_agree_share_leaves_out_dont_know():
    distribution = anonymity.Distribution()
    distribution.counts.update({"agree": 3, "strongly_agree": 1, "disagree": 4, "dont_know": 10})
    assert anonymity.agree_share([distribution]) == 0.5
    assert anonymity.agree_share([anonymity.Distribution()]) is None


@given(
    st.dictionaries(st.integers(1, 6), st.one_of(st.none(), st.integers(0, 3)), min_size=1),
    st.dictionaries(st.integers(1, 6), st.one_of(st.none(), st.floats(0, 1))),
)
def test_blind_spots_call_out_the_largest_gaps(levels, shares):
    spots = anonymity.blind_spots(levels, 4, shares)
    called = [s for s in spots if s.called_out]
    assert len(called) <= 2
    others = [abs(s.gap) for s in spots if s.gap is not None and not s.called_out]
    for spot in called:
        assert spot.gap is not None and abs(spot.gap) >= 0.2
        assert all(abs(spot.gap) >= gap for gap in others)


def test_blind_spot_of_a_ccg_that_rates_itself_highly():
    spots = anonymity.blind_spots({1: 3, 2: 3, 3: 1}, 4, {1: 0.9, 2: 0.3, 3: 0.4})
    by_domain = {s.domain: s for s in spots}
    assert by_domain[2].called_out and round(by_domain[2].gap, 2) == 0.7
    assert not by_domain[1].called_out
