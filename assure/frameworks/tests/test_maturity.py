"""Domain maturity and the threshold verdict under the built-in rules: examples, then properties."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from assure.frameworks.loader import load_file
from assure.frameworks.maturity import NOT_APPLICABLE, evaluate_domain, evaluate_domains, required_count

SPEC = load_file(Path(settings.FRAMEWORKS_DIR) / "ccg-authorisation-2012.yaml")
RULES = SPEC.rules
LEVELS = ["Below threshold", "Basics built", "Developing together", "Beyond authorisation"]
NA = NOT_APPLICABLE


def domain_items(number: int):
    return SPEC.domain(number).items


def codes(number: int, tier: str) -> list[str]:
    return [item.code for item in domain_items(number) if item.tier == tier]


def rate(number: int, basics, future) -> dict:
    """Ratings for a domain: `basics`/`future` are one value for the whole tier or a list, item by item."""
    ratings = {}
    for tier, given_ in (("basics", basics), ("future", future)):
        tier_codes = codes(number, tier)
        values = given_ if isinstance(given_, list) else [given_] * len(tier_codes)
        ratings.update(dict(zip(tier_codes, values, strict=True)))
    return ratings


def evaluate(number: int, ratings: dict):
    return evaluate_domain(RULES, domain_items(number), ratings)


def test_the_built_in_rules_have_the_documented_levels():
    assert [level.label for level in RULES.levels] == LEVELS


def test_one_basics_item_below_in_place_leaves_the_domain_below_threshold():
    ratings = rate(1, basics=[2, 3, 2, 1, 2, 2], future=3)

    result = evaluate(1, ratings)

    assert result.level_label == "Below threshold"
    assert result.level_index == 0
    assert not result.threshold_met
    assert result.threshold_shortfall.needed == 1
    assert result.threshold_shortfall.items_below == ("1.4",)
    assert result.next_level_label == "Basics built"
    assert [s.items_below for s in result.next_level_shortfalls] == [("1.4",)]


def test_every_basics_item_in_place_builds_the_basics():
    result = evaluate(1, rate(1, basics=2, future=0))

    assert result.level_label == "Basics built"
    assert result.threshold_met
    assert result.threshold_shortfall is None
    assert result.next_level_label == "Developing together"
    (shortfall,) = result.next_level_shortfalls
    assert (shortfall.tier, shortfall.min_rating, shortfall.needed) == ("future", 2, 3)  # 3 of 5 future items
    assert shortfall.items_below == tuple(codes(1, "future"))


def test_exactly_half_the_future_items_in_place_is_developing_together():
    future = [2, 3, 2, 2, 3, 2, 1, 0, 1, 0, None, 1]  # 6 of domain 2's 12 future items at 2 or above

    result = evaluate(2, rate(2, basics=2, future=future))

    assert result.level_label == "Developing together"
    assert result.threshold_met
    assert result.next_level_label == "Beyond authorisation"
    (shortfall,) = result.next_level_shortfalls
    assert shortfall.tier == "all"
    assert shortfall.items_below == ("2.23", "2.24", "2.25", "2.26", "2.27", "2.28")


def test_one_short_of_half_the_future_items_is_still_basics_built():
    future = [2, 3, 2, 2, 3, 1, 1, 0, 1, 0, None, 1]  # 5 of 12

    result = evaluate(2, rate(2, basics=2, future=future))

    assert result.level_label == "Basics built"
    assert result.next_level_shortfalls[0].needed == 1


def test_half_of_an_odd_number_of_future_items_rounds_up():
    assert evaluate(1, rate(1, basics=2, future=[2, 2, 1, 1, 1])).level_label == "Basics built"  # 2 of 5
    assert (
        evaluate(1, rate(1, basics=2, future=[2, 2, 2, 1, 1])).level_label == "Developing together"
    )  # 3 of 5


def test_every_item_in_place_is_beyond_authorisation():
    result = evaluate(1, rate(1, basics=[2, 3, 3, 2, 2, 3], future=2))

    assert result.level_label == "Beyond authorisation"
    assert result.level_index == 3
    assert result.threshold_met
    assert result.next_level_code is None
    assert result.next_level_shortfalls == ()
    assert result.complete


def test_future_items_do_not_count_while_the_basics_are_missing():
    result = evaluate(1, rate(1, basics=[3, 3, 3, 3, 3, 0], future=3))

    assert result.level_label == "Below threshold"


def test_not_applicable_items_are_left_out_of_the_threshold():
    ratings = rate(1, basics=[2, 2, 2, 2, 2, NA], future=0)

    result = evaluate(1, ratings)

    assert result.threshold_met
    assert result.level_label == "Basics built"
    assert (result.rated, result.not_applicable, result.total) == (10, 1, 11)
    assert result.complete


def test_not_applicable_future_items_shrink_the_half_needed():
    with_na = evaluate(1, rate(1, basics=2, future=[2, 2, NA, 0, 0]))  # 2 of 4 applicable
    without = evaluate(1, rate(1, basics=2, future=[2, 2, 0, 0, 0]))  # 2 of 5

    assert with_na.level_label == "Developing together"
    assert without.level_label == "Basics built"


def test_a_tier_that_is_all_not_applicable_is_met():
    result = evaluate(1, rate(1, basics=NA, future=[2, 2, 2, 2, 2]))

    assert result.threshold_met
    assert result.level_label == "Beyond authorisation"


def test_unrated_items_count_as_below():
    ratings = rate(1, basics=2, future=2)
    del ratings["1.2"]

    result = evaluate(1, ratings)

    assert result.level_label == "Below threshold"
    assert result.threshold_shortfall.items_below == ("1.2",)
    assert (result.rated, result.not_applicable, result.total) == (10, 0, 11)
    assert not result.complete


def test_nothing_rated_is_below_threshold_with_every_basics_item_listed():
    result = evaluate(4, {})

    assert result.level_label == "Below threshold"
    assert result.threshold_shortfall.needed == 10
    assert result.threshold_shortfall.items_below == tuple(codes(4, "basics"))
    assert result.rated == 0


def test_the_shortfall_lists_each_item_below_in_order():
    result = evaluate(2, rate(2, basics=[2, 1, 2, 0, 2, 2, 2, 2, 2, None, 2, 2, 2, 2, 2, 1], future=0))

    assert result.threshold_shortfall.items_below == ("2.2", "2.4", "2.10", "2.16")
    assert result.threshold_shortfall.needed == 4


def test_ratings_for_other_domains_are_ignored():
    ratings = {**rate(1, basics=2, future=2), "2.1": 0, "9.9": 3}

    result = evaluate(1, ratings)

    assert result.level_label == "Beyond authorisation"
    assert result.rated == 11


def test_evaluate_domains_gives_one_result_per_domain():
    items_by_domain = {d.number: d.items for d in SPEC.domains}
    ratings = rate(3, basics=2, future=2)

    results = evaluate_domains(RULES, items_by_domain, ratings)

    assert sorted(results) == [1, 2, 3, 4, 5, 6]
    assert results[3].level_label == "Beyond authorisation"
    assert all(results[n].level_label == "Below threshold" for n in (1, 2, 4, 5, 6))


def test_required_count_rounds_up_without_floating_point_surprises():
    assert required_count(5, 0.5) == 3
    assert required_count(4, 0.5) == 2
    assert required_count(10, 0.3) == 3  # 10 * 0.3 is 3.0000000000000004
    assert required_count(0, 1) == 0
    assert required_count(7, 1) == 7


# Properties, on made-up domains of any size under the built-in rules.


@dataclass(frozen=True)
class FakeItem:
    code: str
    tier: str


RATINGS = st.one_of(st.none(), st.integers(min_value=0, max_value=3), st.just(NA))


@st.composite
def domains(draw):
    tiers = draw(st.lists(st.sampled_from(["basics", "future"]), min_size=1, max_size=14))
    items = [FakeItem(f"{i + 1}", tier) for i, tier in enumerate(tiers)]
    ratings = {}
    for item in items:
        rating = draw(RATINGS)
        if rating is not None or draw(st.booleans()):
            ratings[item.code] = rating  # unrated items are sometimes absent, sometimes None
    return items, ratings


def expected_level(items, ratings) -> int:
    """The rules written out again, the plain way."""

    def met(item) -> bool:
        value = ratings.get(item.code)
        return isinstance(value, int) and value >= 2

    applicable = [item for item in items if ratings.get(item.code) != NA]
    basics = [item for item in applicable if item.tier == "basics"]
    future = [item for item in applicable if item.tier == "future"]
    if all(met(item) for item in applicable):
        return 3
    if not all(met(item) for item in basics):
        return 0
    if sum(met(item) for item in future) >= math.ceil(len(future) / 2):
        return 2
    return 1


@given(domains())
def test_the_level_follows_the_documented_rules(domain):
    items, ratings = domain

    result = evaluate_domain(RULES, items, ratings)

    assert result.level_index == expected_level(items, ratings)
    assert result.level_label == LEVELS[result.level_index]


@given(domains(), st.data())
def test_raising_any_single_rating_never_lowers_the_level_or_loses_the_threshold(domain, data):
    items, ratings = domain
    raisable = [item.code for item in items if ratings.get(item.code) != NA and ratings.get(item.code) != 3]
    if not raisable:
        return
    code = data.draw(st.sampled_from(raisable))
    current = ratings.get(code)
    floor = 0 if current is None else current + 1
    raised = {**ratings, code: data.draw(st.integers(min_value=floor, max_value=3))}

    before = evaluate_domain(RULES, items, ratings)
    after = evaluate_domain(RULES, items, raised)

    assert after.level_index >= before.level_index
    assert after.threshold_met or not before.threshold_met


@given(domains(), st.data())
def test_marking_an_item_below_in_place_not_applicable_never_lowers_the_level(domain, data):
    items, ratings = domain
    below = [item.code for item in items if ratings.get(item.code) in (None, 0, 1)]
    if not below:
        return
    code = data.draw(st.sampled_from(below))

    before = evaluate_domain(RULES, items, ratings)
    after = evaluate_domain(RULES, items, {**ratings, code: NA})

    assert after.level_index >= before.level_index
    assert after.threshold_met or not before.threshold_met


@given(domains())
def test_the_threshold_is_met_exactly_when_the_basics_are_built(domain):
    items, ratings = domain

    result = evaluate_domain(RULES, items, ratings)

    assert result.threshold_met == (result.level_index >= 1)
    assert (result.threshold_shortfall is None) == result.threshold_met


@given(
    domains(), st.dictionaries(st.text(min_size=1, max_size=4).map(lambda s: "x" + s), RATINGS, max_size=3)
)
def test_counts_never_exceed_the_items(domain, strays):
    items, ratings = domain

    result = evaluate_domain(RULES, items, {**ratings, **strays})

    assert result.total == len(items)
    assert result.rated >= 0
    assert result.not_applicable >= 0
    assert result.rated + result.not_applicable <= result.total


@given(domains())
def test_shortfalls_name_only_applicable_items_below_the_minimum(domain):
    items, ratings = domain
    tiers = {item.code: item.tier for item in items}

    result = evaluate_domain(RULES, items, ratings)

    for shortfall in [result.threshold_shortfall, *result.next_level_shortfalls]:
        if shortfall is None:
            continue
        assert shortfall.needed >= 1
        assert shortfall.needed <= len(shortfall.items_below)
        for code in shortfall.items_below:
            assert shortfall.tier in ("all", tiers[code])
            value = ratings.get(code)
            assert value != NA
            assert not (isinstance(value, int) and value >= shortfall.min_rating)
