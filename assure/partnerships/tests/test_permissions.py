"""Who sees which review and which side's ratings: the rules in `assure/core/permissions.py`."""

from __future__ import annotations

import pytest

from assure.core import permissions
from assure.partnerships import queries, services
from assure.partnerships.models import PartnershipReview, SideRating

from .factories import rate_side, through_each_state


def _visible(user):
    return set(PartnershipReview.objects.visible_to(user).values_list("ccg__code", "hwb__code"))


def test_each_organisation_s_people_see_their_own_reviews_in_any_state(demo, hwb_member):
    assert _visible(demo.ccg_lead) == _visible(demo.ccg_staff) == {("07R", "HWB-CAM")}
    assert _visible(demo.hwb_lead) == _visible(hwb_member) == {("07R", "HWB-CAM")}
    assert _visible(demo.ccg2_lead) == {("08H", "HWB-ISL")}


@pytest.mark.parametrize("who", ["admin", "assessor", "region_lead"])
def test_admins_assessors_and_regional_leads_see_agreed_reviews_only(demo, who):
    assert _visible(getattr(demo, who)) == {("08H", "HWB-ISL")}


def test_the_outsider_and_visitors_see_none(demo, outsider):
    from django.contrib.auth.models import AnonymousUser

    assert _visible(outsider) == set()
    assert _visible(AnonymousUser()) == set()


def test_assessors_of_another_region_do_not_see_an_agreed_review(demo, elsewhere):
    from assure.accounts.tests.factories import UserFactory
    from assure.organisations.models import Role
    from assure.organisations.tests.factories import MembershipFactory

    assessor = UserFactory()
    MembershipFactory(user=assessor, organisation=elsewhere.region, role=Role.ASSESSOR)
    assert _visible(assessor) == set()


def test_side_ratings_are_blind_until_both_sides_release(demo, fresh, hwb_member):
    rate_side(fresh, "ccg")
    rate_side(fresh, "hwb")

    def sides(user):
        return set(SideRating.objects.visible_to(user).filter(review=fresh).values_list("side", flat=True))

    assert sides(demo.ccg_staff) == {"ccg"}
    assert sides(hwb_member) == {"hwb"}
    services.side_release(review=fresh, side="ccg", user=demo.ccg_lead)
    assert sides(hwb_member) == {"hwb"}
    services.side_release(review=fresh, side="hwb", user=demo.hwb_lead)
    assert sides(hwb_member) == sides(demo.ccg_staff) == {"ccg", "hwb"}
    assert sides(demo.assessor) == set()  # not agreed yet


def test_who_rates_releases_and_agrees(demo, fresh, hwb_member):
    assert permissions.partnership_sides(demo.ccg_staff, fresh) == ["ccg"]
    assert permissions.partnership_sides(hwb_member, fresh) == ["hwb"]
    assert permissions.partnership_sides(demo.assessor, fresh) == []
    assert permissions.can_rate_side(hwb_member, fresh, "hwb")
    assert not permissions.can_rate_side(hwb_member, fresh, "ccg")
    assert permissions.can_release_side(demo.hwb_lead, fresh, "hwb")
    assert not permissions.can_release_side(hwb_member, fresh, "hwb")
    assert not permissions.can_release_side(demo.ccg_lead, fresh, "hwb")
    assert not permissions.can_agree_partnership(demo.ccg_lead, fresh)  # still rating
    assert permissions.can_open_partnership_review(demo.hwb_lead, demo.ccg.pk, demo.hwb.pk)
    assert not permissions.can_open_partnership_review(hwb_member, demo.ccg.pk, demo.hwb.pk)


def _ratings_of(board) -> dict:
    return {
        "items": [r.item.code for r in board.rows],
        "domains": [r.item.domain.number for r in board.rows],
        "ccg": board.ratings("ccg"),
        "hwb": board.ratings("hwb"),
        "agreed": {r.item.code: r.agreed.agreed_rating for r in board.rows if r.agreed is not None},
        "comments": {
            (r.item.code, side): r.side(side).comment
            for r in board.rows
            for side in ["ccg", "hwb"]
            if r.side(side)
        },
        "actions": {
            r.item.code: (r.agreed.action, r.agreed.action_owner, r.agreed.action_due)
            for r in board.rows
            if r.agreed is not None
        },
        "versions": {
            (r.item.code, side): r.side(side).version
            for r in board.rows
            for side in ["ccg", "hwb"]
            if r.side(side)
        },
        "agreed_versions": {r.item.code: r.agreed.version for r in board.rows if r.agreed is not None},
        "visible": board.visible_sides,
        "gaps": board.gaps(),
        "results": (board.results("ccg"), board.results("hwb"), board.agreed_results()),
    }


@pytest.mark.parametrize("who", ["ccg_lead", "ccg_staff", "hwb_lead", "assessor", "region_lead"])
def test_a_plain_board_shows_what_the_whole_board_shows(demo, islington, fresh, who):
    """The gaps page, the reports and the API read plain boards: the same ratings, comments, agreements, actions,
    versions, gaps and results as the whole board, and the same blindness, for each reader and each review's
    state."""
    user = getattr(demo, who)

    def same(review):
        for domain in (None, 2):
            whole = queries.board(review, user, domain=domain)
            lean = queries.board(review, user, domain=domain, plain=True)
            assert _ratings_of(lean) == _ratings_of(whole), (review, domain)

    same(islington)  # agreed
    through_each_state(fresh, demo, same)
