import datetime

from hypothesis import given
from hypothesis import strategies as st

from assure.decisions import rules
from assure.decisions.models import add_months
from assure.decisions.queries import count_free_by_quarter, quarter_ends

DOMAINS = ["1", "2", "3", "4", "5", "6"]
judgement_lists = st.lists(st.tuples(st.sampled_from(DOMAINS), st.sampled_from(rules.VALUES)), max_size=20)


def test_authorised_with_a_domain_not_met_contradicts():
    judgements = [(d, "met") for d in DOMAINS[:-1]] + [("6", "not_met")]
    assert rules.contradictions("authorised", judgements, DOMAINS) == ["domain 6 is judged not met"]


def test_a_domain_without_judgement_cannot_support_an_authorisation():
    assert "domain 6 has no judgement" in rules.contradictions(
        "authorised", [(d, "met") for d in DOMAINS[:-1]], DOMAINS
    )


def test_conditions_need_something_met_with_conditions():
    judgements = [(d, "met") for d in DOMAINS]
    assert rules.contradictions("authorised_with_conditions", judgements, DOMAINS) == [
        "no domain is judged met with conditions"
    ]


@given(judgement_lists)
def test_every_judgement_met_on_every_domain_is_consistent_only_with_authorised(pairs):
    judgements = [(d, "met") for d in DOMAINS] + [(d, "met") for d, _ in pairs]
    assert not rules.contradicts("authorised", judgements, DOMAINS)
    assert rules.contradicts("authorised_with_conditions", judgements, DOMAINS)
    assert rules.contradicts("established_not_authorised", judgements, DOMAINS)


@given(judgement_lists)
def test_a_not_met_judgement_contradicts_any_authorisation(pairs):
    judgements = [*pairs, ("3", "not_met")]
    assert rules.contradicts("authorised", judgements, DOMAINS)
    assert rules.contradicts("authorised_with_conditions", judgements, DOMAINS)
    assert not rules.contradicts("established_not_authorised", judgements, DOMAINS)


@given(judgement_lists)
def test_the_suggested_outcome_never_contradicts(pairs):
    suggested = rules.suggested_outcome(pairs, DOMAINS)
    if suggested is not None:
        assert not rules.contradicts(suggested, pairs, DOMAINS)
    else:
        assert {d for d, _ in pairs} != set(DOMAINS)


@given(judgement_lists, st.permutations(range(20)))
def test_the_order_of_judgements_does_not_matter(pairs, order):
    shuffled = [pairs[i] for i in order if i < len(pairs)]
    for outcome in rules.OUTCOMES:
        assert rules.contradicts(outcome, pairs, DOMAINS) == rules.contradicts(outcome, shuffled, DOMAINS)


@given(judgement_lists)
def test_disagreements_are_the_domains_with_different_values(pairs):
    expected = {d for d in DOMAINS if len({v for dd, v in pairs if dd == d}) > 1}
    assert set(rules.disagreements(pairs)) == expected


@given(st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 1, 1)), st.integers(0, 48))
def test_add_months_lands_in_the_right_month_and_never_overshoots(day, months):
    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day <= day.day


def test_quarter_ends():
    assert quarter_ends(datetime.date(2013, 2, 1), datetime.date(2013, 12, 30)) == [
        datetime.date(2013, 3, 31),
        datetime.date(2013, 6, 30),
        datetime.date(2013, 9, 30),
    ]


@given(
    st.lists(
        st.tuples(
            st.integers(1, 5),
            st.dates(datetime.date(2013, 1, 1), datetime.date(2014, 1, 1)),
            st.sampled_from(rules.OUTCOMES),
        ),
        unique_by=lambda t: t[0],
    ),
    st.lists(
        st.tuples(
            st.integers(1, 5),
            st.dates(datetime.date(2013, 1, 1), datetime.date(2014, 1, 1)),
            st.one_of(st.none(), st.integers(0, 400)),
        )
    ),
)
def test_free_ccgs_never_exceed_the_decided_and_the_counts_add_up(decisions, raw_conditions):
    conditions = [
        (ccg, raised, None if after is None else raised + datetime.timedelta(days=after))
        for ccg, raised, after in raw_conditions
    ]
    ends = quarter_ends(datetime.date(2013, 1, 1), datetime.date(2015, 1, 1))
    counts = count_free_by_quarter(decisions, conditions, ends)
    for count in counts:
        assert 0 <= count.free <= count.decided
        assert count.free + count.with_open_conditions + count.not_authorised >= count.decided
    assert [c.decided for c in counts] == sorted(c.decided for c in counts)
