"""The partnership review pages, as each kind of person meets them."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assure.cycles.tests.factories import CycleFactory
from assure.partnerships import services
from assure.partnerships.models import AgreedItem, PartnershipReview, SideRating

from .factories import agree_all, rate_side, release_both

SECRET = "Only the CCG should read this before release"


def _url(name, review, *args):
    return reverse(f"partnerships:{name}", args=[review.public_id, *args])


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# Every page of a review, with what each needs: (name, args, method).
PAGES = [
    ("review", [], "get"),
    ("side_domain", ["ccg", 1], "get"),
    ("side_domain", ["hwb", 1], "get"),
    ("release", ["ccg"], "get"),
    ("gaps", [], "get"),
    ("agree_domain", [1], "get"),
    ("compare", [], "get"),
    ("prepare", [], "get"),
    ("history", [], "get"),
    ("export_csv", [], "get"),
    ("side_save", ["ccg", "1.1"], "post"),
    ("side_save", ["hwb", "1.1"], "post"),
    ("release", ["hwb"], "post"),
    ("agree_save", ["1.1"], "post"),
]


def _call(client, name, review, args, method):
    return getattr(client, method)(_url(name, review, *args))


@pytest.mark.parametrize(("name", "args", "method"), PAGES)
def test_the_outsider_gets_404_on_every_page_of_a_review(
    outsider_client, camden, islington, name, args, method
):
    for review in (camden, islington):
        assert _call(outsider_client, name, review, args, method).status_code == 404


@pytest.mark.parametrize(("name", "args", "method"), PAGES)
def test_another_ccg_s_people_get_404(ccg2_lead_client, camden, name, args, method):
    assert _call(ccg2_lead_client, name, camden, args, method).status_code == 404


@pytest.mark.parametrize("who", ["region_client", "assessor_client", "platform_admin_client"])
def test_assessors_regional_leads_and_admins_see_a_review_only_once_agreed(request, who, camden, islington):
    client = request.getfixturevalue(who)
    for name, args, _ in PAGES[:1] + PAGES[4:10]:
        assert _call(client, name, camden, args, "get").status_code == 404
    for name in ("review", "gaps", "compare", "prepare", "history", "export_csv"):
        assert client.get(_url(name, islington)).status_code == 200, name
    assert client.get(_url("agree_domain", islington, 2)).status_code == 200
    # They rate for neither side.
    assert client.get(_url("side_domain", islington, "ccg", 1)).status_code == 404
    listing = _text(client.get(reverse("partnerships:list")))
    assert "NHS Islington CCG and Islington Health and Wellbeing Board" in listing
    assert "NHS Camden CCG and Camden" not in listing


def test_signed_out_visitors_are_sent_to_sign_in(client, camden):
    assert client.get(_url("review", camden))["Location"].startswith("/accounts/login/")
    assert client.post(_url("side_save", camden, "ccg", "1.1"))["Location"].startswith("/accounts/login/")


def test_the_home_page_and_the_list_lead_to_the_review(ccg_lead_client, camden):
    assert f'href="{reverse("partnerships:list")}"' in _text(ccg_lead_client.get("/"))
    listing = _text(ccg_lead_client.get(reverse("partnerships:list")))
    assert f'href="{_url("review", camden)}"' in listing
    assert "Both sides released: agreeing" in listing


def test_a_lead_opens_a_review_from_the_list(demo, hwb_lead_client, ccg_lead_client):
    PartnershipReview.objects.filter(ccg=demo.ccg, hwb=demo.hwb).delete()
    listing = _text(hwb_lead_client.get(reverse("partnerships:list")))
    assert "Open the review" in listing
    response = hwb_lead_client.post(
        reverse("partnerships:open"), {"cycle": demo.cycle.public_id, "ccg": "07R", "hwb": "HWB-CAM"}
    )
    review = PartnershipReview.objects.get(ccg=demo.ccg, hwb=demo.hwb)
    assert response["Location"] == _url("review", review)
    assert "is open" in _text(hwb_lead_client.get(response["Location"]))
    # The CCG lead finds the same review, not a second one.
    again = ccg_lead_client.post(
        reverse("partnerships:open"), {"cycle": demo.cycle.public_id, "ccg": "07R", "hwb": "HWB-CAM"}
    )
    assert again["Location"] == _url("review", review)
    assert PartnershipReview.objects.filter(ccg=demo.ccg, hwb=demo.hwb).count() == 1


def test_only_leads_of_the_pair_can_open_a_review(demo, ccg_staff_client, ccg2_lead_client, outsider_client):
    PartnershipReview.objects.filter(ccg=demo.ccg, hwb=demo.hwb).delete()
    data = {"cycle": demo.cycle.public_id, "ccg": "07R", "hwb": "HWB-CAM"}
    for client in (ccg_staff_client, ccg2_lead_client, outsider_client):
        assert client.post(reverse("partnerships:open"), data).status_code == 404
    assert not PartnershipReview.objects.filter(ccg=demo.ccg, hwb=demo.hwb).exists()


def test_opening_a_pair_that_are_not_partners_is_explained(demo, ccg2_lead_client):
    response = ccg2_lead_client.post(
        reverse("partnerships:open"), {"cycle": demo.cycle.public_id, "ccg": "08H", "hwb": "HWB-CAM"}
    )
    assert response.status_code == 404  # Camden HWB is outside Islington's scope altogether


# The blind rule -----------------------------------------------------------------------------------------------


def _rate_secretly(review, demo):
    rate_side(review, "ccg", user=demo.ccg_lead, value=0, comment=SECRET)


def _every_route(client, review) -> str:
    """Everything the person can fetch about the review, by page and API, in one string."""
    bodies = []
    for name, args, method in PAGES:
        if method == "get":
            response = _call(client, name, review, args, "get")
            if response.status_code == 302:
                response = client.get(response["Location"])
            bodies.append(_text(response))
    return " ".join(bodies)


def test_the_hwb_never_sees_unreleased_ccg_ratings_by_any_page(demo, fresh, hwb_lead_client, api_for):
    _rate_secretly(fresh, demo)
    assert SECRET not in _every_route(hwb_lead_client, fresh)
    api = api_for(demo.hwb_lead)
    detail = api.get(f"/api/v1/partnerships/{fresh.public_id}").json()
    assert {i["ccg_rating"] for i in detail["items"]} == {None}
    assert {i["ccg_comment"] for i in detail["items"]} == {None}
    assert SECRET not in str(detail)


def test_the_hwb_still_does_not_see_them_after_the_ccg_releases_until_it_releases_too(
    demo, fresh, hwb_lead_client, ccg_lead_client, api_for
):
    _rate_secretly(fresh, demo)
    services.side_release(review=fresh, side="ccg", user=demo.ccg_lead)
    rate_side(fresh, "hwb", user=demo.hwb_lead, value=3, comment="HWB private view")
    page = _every_route(hwb_lead_client, fresh)
    assert SECRET not in page
    assert "Released on" in page  # they are told the CCG has released, not what it said
    assert "HWB private view" not in _every_route(ccg_lead_client, fresh)
    assert SECRET not in str(api_for(demo.hwb_lead).get(f"/api/v1/partnerships/{fresh.public_id}").json())
    # Once both have released, both see everything.
    services.side_release(review=fresh, side="hwb", user=demo.hwb_lead)
    assert SECRET in _text(hwb_lead_client.get(_url("gaps", fresh)))
    assert "HWB private view" in _text(ccg_lead_client.get(_url("gaps", fresh)))
    assert SECRET in str(api_for(demo.hwb_lead).get(f"/api/v1/partnerships/{fresh.public_id}").json())


def test_the_history_shows_the_other_side_s_changes_only_once_both_released(demo, fresh, hwb_lead_client):
    rating = SideRating.objects.select_related("item").get(review=fresh, side="ccg", item__code="1.1")
    rating.review = fresh
    services.side_rating_save(rating=rating, user=demo.ccg_lead, value=1, comment=SECRET, version=0)
    history = _text(hwb_lead_client.get(_url("history", fresh)))
    assert SECRET not in history
    assert (
        "partnership review of nhs camden ccg and camden health and wellbeing board opened" in history.lower()
    )


def test_the_ccg_s_organisation_audit_log_does_not_show_partnership_ratings(demo, fresh, assessor_client):
    from assure.assessments.models import Assessment

    rating = SideRating.objects.select_related("item").get(review=fresh, side="ccg", item__code="1.1")
    rating.review = fresh
    services.side_rating_save(rating=rating, user=demo.ccg_lead, value=1, comment=SECRET, version=0)
    camden_assessment = Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg)
    log = assessor_client.get(reverse("assessments:audit", args=[camden_assessment.public_id]))
    assert SECRET not in _text(log)


# Rating a side ------------------------------------------------------------------------------------------------


def _version(page_html: str, code: str, prefix="item") -> dict:
    version = re.search(rf'name="{prefix}-{re.escape(code)}-version" value="(\d+)"', page_html).group(1)
    return {f"{prefix}-{code}-version": version}


def test_the_side_page_shows_the_domain_key_points_and_the_side_s_items(fresh, hwb_lead_client):
    page = _text(hwb_lead_client.get(_url("side_domain", fresh, "hwb", 3)))
    assert "Key points to consider" in page
    assert page.index("Build the basics") < page.index("3.1") < page.index("Develop together for the future")
    assert "The other side cannot see these ratings until both sides have released theirs" in page
    assert "Save 3.1" in page


def test_rating_without_javascript_redirects_back_to_the_item(fresh, hwb_member, client_for):
    client = client_for(hwb_member)
    page = client.get(_url("side_domain", fresh, "hwb", 2)).content.decode()
    data = {**_version(page, "2.1"), "item-2.1-rating": "1", "item-2.1-comment": "Not yet seen"}
    response = client.post(_url("side_save", fresh, "hwb", "2.1"), data)
    assert response["Location"].endswith("/sides/hwb/domains/2/#item-2-1")
    saved = SideRating.objects.get(review=fresh, side="hwb", item__code="2.1")
    assert (saved.rating, saved.comment, saved.version, saved.updated_by) == (
        1,
        "Not yet seen",
        1,
        hwb_member,
    )
    assert "Your HWB rating of 2.1 is saved." in _text(client.get(response["Location"]))


def test_rating_with_htmx_returns_the_item_and_the_side_s_domain_result(fresh, ccg_staff_client):
    page = ccg_staff_client.get(_url("side_domain", fresh, "ccg", 6)).content.decode()
    data = {**_version(page, "6.1"), "item-6.1-rating": "2", "item-6.1-comment": ""}
    response = ccg_staff_client.post(
        _url("side_save", fresh, "ccg", "6.1"), data, headers={"HX-Request": "true"}
    )
    body = _text(response)
    assert body.strip().startswith('<div class="assure-item" id="item-6-1">')
    assert "Saved." in body
    assert 'id="side-result"' in body and 'hx-swap-oob="true"' in body


def test_a_forged_rating_off_the_scale_gets_a_clear_error(fresh, ccg_lead_client):
    page = ccg_lead_client.get(_url("side_domain", fresh, "ccg", 1)).content.decode()
    data = {**_version(page, "1.2"), "item-1.2-rating": "7", "item-1.2-comment": ""}
    response = ccg_lead_client.post(_url("side_save", fresh, "ccg", "1.2"), data)
    body = _text(response)
    assert response.status_code == 200
    assert "<title>Error: " in body
    assert "Choose a rating for 1.2 from the scale shown" in body
    assert SideRating.objects.get(review=fresh, side="ccg", item__code="1.2").rating is None


def test_rating_the_other_side_s_item_is_not_found(fresh, ccg_lead_client, hwb_lead_client):
    assert (
        ccg_lead_client.post(
            _url("side_save", fresh, "hwb", "1.1"), {"item-1.1-rating": "3", "item-1.1-version": "0"}
        ).status_code
        == 404
    )
    assert (
        hwb_lead_client.post(
            _url("side_save", fresh, "ccg", "1.1"), {"item-1.1-rating": "3", "item-1.1-version": "0"}
        ).status_code
        == 404
    )
    assert not SideRating.objects.filter(review=fresh, rating__isnull=False).exists()


def test_an_unknown_item_or_side_is_not_found(fresh, ccg_lead_client):
    assert ccg_lead_client.post(_url("side_save", fresh, "ccg", "9.9"), {}).status_code == 404
    assert ccg_lead_client.get(_url("side_domain", fresh, "other", 1)).status_code == 404
    assert ccg_lead_client.get(_url("side_domain", fresh, "ccg", 9)).status_code == 404


def test_two_people_rating_the_same_item_never_overwrite_each_other(demo, fresh, client_for):
    lead, staff = client_for(demo.ccg_lead), client_for(demo.ccg_staff)
    lead_page = lead.get(_url("side_domain", fresh, "ccg", 4)).content.decode()
    staff_page = staff.get(_url("side_domain", fresh, "ccg", 4)).content.decode()
    lead.post(_url("side_save", fresh, "ccg", "4.1"), {**_version(lead_page, "4.1"), "item-4.1-rating": "3"})
    refused = staff.post(
        _url("side_save", fresh, "ccg", "4.1"),
        {**_version(staff_page, "4.1"), "item-4.1-rating": "0"},
        headers={"HX-Request": "true"},
    )
    body = _text(refused)
    assert "Your change to 4.1 was not saved" in body
    assert "Dr Clare Lead saved item 4.1 while you were editing it" in body
    assert SideRating.objects.get(review=fresh, side="ccg", item__code="4.1").rating == 3


# Releasing ----------------------------------------------------------------------------------------------------


def test_release_lists_the_items_still_to_rate(fresh, ccg_lead_client):
    rate_side(fresh, "ccg", only=75)
    page = _text(ccg_lead_client.get(_url("release", fresh, "ccg")))
    assert "You cannot release yet" in page
    assert "2 items still need a rating" in page
    assert ccg_lead_client.post(_url("release", fresh, "ccg")).status_code == 200
    fresh.refresh_from_db()
    assert fresh.ccg_released_at is None


def test_the_lead_releases_a_complete_side(fresh, ccg_lead_client):
    rate_side(fresh, "ccg")
    overview = _text(ccg_lead_client.get(_url("review", fresh)))
    assert "Check and release the CCG side" in overview
    response = ccg_lead_client.post(_url("release", fresh, "ccg"))
    assert response["Location"] == _url("review", fresh)
    fresh.refresh_from_db()
    assert fresh.ccg_released_at is not None
    assert "These ratings can no longer be changed" in _text(ccg_lead_client.get(_url("review", fresh)))
    locked = ccg_lead_client.post(
        _url("side_save", fresh, "ccg", "1.1"), {"item-1.1-rating": "0", "item-1.1-version": "1"}
    )
    assert locked["Location"] == _url("review", fresh)


def test_only_the_side_s_lead_releases(fresh, ccg_staff_client, hwb_member, client_for):
    rate_side(fresh, "ccg")
    rate_side(fresh, "hwb")
    assert ccg_staff_client.post(_url("release", fresh, "ccg"))["Location"] == _url("review", fresh)
    assert client_for(hwb_member).post(_url("release", fresh, "hwb"))["Location"] == _url("review", fresh)
    fresh.refresh_from_db()
    assert fresh.ccg_released_at is None and fresh.hwb_released_at is None


def test_the_second_release_leads_to_the_gaps(demo, fresh, hwb_lead_client):
    rate_side(fresh, "ccg")
    services.side_release(review=fresh, side="ccg", user=demo.ccg_lead)
    rate_side(fresh, "hwb")
    response = hwb_lead_client.post(_url("release", fresh, "hwb"))
    assert response["Location"] == _url("gaps", fresh)


# The gaps -----------------------------------------------------------------------------------------------------


def test_the_gaps_page_summarises_charts_and_flags_items_to_discuss(camden, hwb_lead_client):
    page = _text(hwb_lead_client.get(_url("gaps", camden)))
    assert re.search(r"\d+ of 77 items are rated two or more points apart", page)
    assert "Domain by domain" in page and "Differ by two or more" in page
    assert '<svg class="assure-chart__svg"' in page and 'role="img"' in page
    assert "The chart as a table: average rating by domain" in page
    assert "To discuss" in page
    assert " style=" not in page  # the strict Content Security Policy to come forbids inline styles
    assert "<script>" not in page.split("<main", 1)[1]


def test_the_gaps_can_be_filtered_by_domain_and_size_and_sorted(camden, ccg_lead_client):
    everything = _text(ccg_lead_client.get(_url("gaps", camden)))
    assert "Showing 77 of 77 items." in everything
    two_plus = _text(
        ccg_lead_client.get(_url("gaps", camden), {"gap": "two_plus", "domain": "2", "sort": "gap"})
    )
    shown = int(re.search(r"Showing (\d+) of 77 items", two_plus).group(1))
    assert 0 < shown < 28
    assert two_plus.count("To discuss</strong>") == shown
    assert "They agree" not in two_plus
    agree = _text(ccg_lead_client.get(_url("gaps", camden), {"gap": "agree"}))
    assert "To discuss</strong>" not in agree.split("Item by item", 1)[1]
    # Nonsense filters fall back to showing everything.
    assert "Showing 77 of 77 items." in _text(
        ccg_lead_client.get(_url("gaps", camden), {"gap": "x", "domain": "abc", "sort": "?"})
    )


def test_before_both_release_the_gaps_page_explains_and_returns_to_the_review(fresh, ccg_lead_client):
    response = ccg_lead_client.get(_url("gaps", fresh))
    assert response["Location"] == _url("review", fresh)
    assert "once both sides have released" in _text(ccg_lead_client.get(response["Location"]))


# Agreeing -----------------------------------------------------------------------------------------------------


def test_a_lead_agrees_an_item_with_an_action_without_javascript(camden, hwb_lead_client, demo):
    page = hwb_lead_client.get(_url("agree_domain", camden, 2)).content.decode()
    data = {
        **_version(page, "2.2", "agree"),
        "agree-2.2-agreed_rating": "1",
        "agree-2.2-action": "Joint session on engagement",
        "agree-2.2-action_owner": "07R",
        "agree-2.2-action_due": "31/3/2013",
    }
    response = hwb_lead_client.post(_url("agree_save", camden, "2.2"), data)
    assert response["Location"].endswith("/agree/domains/2/#item-2-2")
    agreed = AgreedItem.objects.get(review=camden, item__code="2.2")
    assert (agreed.agreed_rating, agreed.action_owner, str(agreed.action_due)) == (1, demo.ccg, "2013-03-31")


def test_agreeing_with_htmx_returns_the_item(camden, ccg_lead_client):
    page = ccg_lead_client.get(_url("agree_domain", camden, 3)).content.decode()
    data = {**_version(page, "3.1", "agree"), "agree-3.1-agreed_rating": "2"}
    response = ccg_lead_client.post(_url("agree_save", camden, "3.1"), data, headers={"HX-Request": "true"})
    body = _text(response)
    assert body.strip().startswith('<div class="assure-item" id="item-3-1">')
    assert "Saved." in body


def test_a_forged_agreement_gets_clear_errors(camden, ccg_lead_client):
    page = ccg_lead_client.get(_url("agree_domain", camden, 3)).content.decode()
    data = {
        **_version(page, "3.1", "agree"),
        "agree-3.1-agreed_rating": "9",
        "agree-3.1-action": "Something",
        "agree-3.1-action_owner": "08H",
        "agree-3.1-action_due": "next week",
    }
    body = _text(ccg_lead_client.post(_url("agree_save", camden, "3.1"), data))
    assert "There is a problem" in body
    assert "Choose the agreed rating for 3.1 from the scale shown" in body
    assert "Choose NHS Camden CCG or Camden Health and Wellbeing Board to own the action" in body
    assert "Enter the due date for 3.1 as day/month/year, for example 31/3/2013" in body
    assert AgreedItem.objects.get(review=camden, item__code="3.1").agreed_rating is None


def test_an_action_without_a_due_date_is_refused(camden, ccg_lead_client):
    page = ccg_lead_client.get(_url("agree_domain", camden, 3)).content.decode()
    data = {
        **_version(page, "3.1", "agree"),
        "agree-3.1-agreed_rating": "2",
        "agree-3.1-action": "Something",
        "agree-3.1-action_owner": "07R",
    }
    body = _text(ccg_lead_client.post(_url("agree_save", camden, "3.1"), data))
    assert "Enter the date the action for 3.1 is due" in body


def test_contributors_and_members_read_agreements_but_do_not_record_them(camden, ccg_staff_client):
    page = _text(ccg_staff_client.get(_url("agree_domain", camden, 1)))
    assert "The CCG lead and the HWB lead record the agreed ratings." in page
    assert "Save agreement" not in page
    response = ccg_staff_client.post(
        _url("agree_save", camden, "1.4"), {"agree-1.4-agreed_rating": "2", "agree-1.4-version": "0"}
    )
    assert response["Location"] == _url("review", camden)
    assert AgreedItem.objects.get(review=camden, item__code="1.4").agreed_rating is None


def test_agreeing_the_last_item_agrees_and_locks_the_review(camden, ccg_lead_client):
    agree_all(camden, leave=1)
    last = (
        AgreedItem.objects.select_related("item")
        .filter(review=camden)
        .order_by("-item__domain__number", "-item__position")
        .first()
    )
    number = last.item.domain.number
    page = ccg_lead_client.get(_url("agree_domain", camden, number)).content.decode()
    assert "1 item of the whole review still needs an agreed rating" in _text(
        ccg_lead_client.get(_url("agree_domain", camden, number))
    )
    code = last.item.code
    response = ccg_lead_client.post(
        _url("agree_save", camden, code),
        {**_version(page, code, "agree"), f"agree-{code}-agreed_rating": "2"},
    )
    assert response["Location"] == _url("review", camden)
    camden.refresh_from_db()
    assert camden.is_agreed and camden.snapshot
    assert "the review is agreed and locked" in _text(ccg_lead_client.get(response["Location"]))
    assert "Save agreement" not in _text(ccg_lead_client.get(_url("agree_domain", camden, number)))


# Comparing with the self-assessment, preparing for the 360°, history --------------------------------------------


def test_the_ccg_sees_where_its_partnership_ratings_differ_from_its_self_assessment(camden, ccg_lead_client):
    page = _text(ccg_lead_client.get(_url("compare", camden)))
    # The demo's Camden self-assessment rates domains 1 and 2 (basics 2, future 1, *.3 items 1); the partnership
    # CCG side rates basics 2 and future 1, so only the *.3 basics items differ.
    assert "(working copy)" in page
    assert "1.3" in page and "2.3" in page
    assert "+1" in page


def test_a_partner_hwb_compares_only_with_a_shared_submitted_self_assessment(
    camden, islington, hwb_lead_client, client_for, demo
):
    page = _text(hwb_lead_client.get(_url("compare", camden)))
    assert "There is no self-assessment of NHS Camden CCG for this cycle that you can read" in page
    # Islington's is submitted and shared: the assessor compares against the submitted version.
    assessor = _text(client_for(demo.assessor).get(_url("compare", islington)))
    assert "submitted version 1" in assessor


def test_the_prepare_page_summarises_each_domain_for_hwb_members(islington, client_for, demo):
    page = _text(client_for(demo.ccg2_lead).get(_url("prepare", islington)))
    assert "Preparing for the 360° review of NHS Islington CCG" in page
    assert page.count("The HWB saw it as") == 6
    assert "Agreed development actions" in page
    assert "Hold a joint development session" in page
    assert "In the 360° survey you will be asked" in page
    assert " style=" not in page


def test_the_history_lists_opening_releases_and_agreements(islington, client_for, demo):
    page = _text(client_for(demo.region_lead).get(_url("history", islington)))
    assert "HWB side released" in page and "CCG side released" in page
    assert "the review is agreed and locked" in page


# Queries ------------------------------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_page_queries_do_not_grow_with_the_number_of_items(
    camden, fresh, ccg_lead_client, django_assert_max_num_queries
):
    # Domain 2 has 28 items and domain 6 has 7.
    assert _count(ccg_lead_client, _url("side_domain", fresh, "ccg", 2)) == _count(
        ccg_lead_client, _url("side_domain", fresh, "ccg", 6)
    )
    with django_assert_max_num_queries(16):
        ccg_lead_client.get(_url("side_domain", fresh, "ccg", 2))


def test_gaps_agree_and_prepare_queries_are_bounded(camden, ccg_lead_client, django_assert_max_num_queries):
    assert _count(ccg_lead_client, _url("agree_domain", camden, 2)) == _count(
        ccg_lead_client, _url("agree_domain", camden, 6)
    )
    for name in ("review", "gaps", "prepare", "compare", "history"):
        with django_assert_max_num_queries(16):
            ccg_lead_client.get(_url(name, camden))


def test_gaps_queries_do_not_grow_with_agreements(camden, ccg_lead_client):
    before = _count(ccg_lead_client, _url("gaps", camden))
    agree_all(camden, leave=1)
    AgreedItem.objects.filter(review=camden).update(
        action="Do it", action_owner=camden.ccg, action_due="2013-03-31"
    )
    assert _count(ccg_lead_client, _url("gaps", camden)) == before


def test_list_queries_do_not_grow_with_the_number_of_reviews(
    demo, ccg_lead_client, django_assert_max_num_queries
):
    before = _count(ccg_lead_client, reverse("partnerships:list"))
    for n in range(3):
        cycle = CycleFactory(name=f"Annual assurance {n}", region=demo.region, ccgs=[demo.ccg])
        services.review_open(cycle=cycle, ccg=demo.ccg, hwb=demo.hwb, user=demo.ccg_lead)
    assert _count(ccg_lead_client, reverse("partnerships:list")) == before
    with django_assert_max_num_queries(12):
        ccg_lead_client.get(reverse("partnerships:list"))


def test_a_review_in_another_cycle_is_a_separate_review(demo, fresh):
    cycle = CycleFactory(region=demo.region, ccgs=[demo.ccg])
    other, created = services.review_open(cycle=cycle, ccg=demo.ccg, hwb=demo.hwb, user=demo.ccg_lead)
    assert created and other != fresh


def test_release_both_helper_makes_gaps(demo, fresh):
    review = release_both(fresh, ccg=2, hwb=lambda i, item: i % 4)
    assert review.status == PartnershipReview.Status.AGREEING


def test_the_outsider_s_list_of_reviews_is_empty(outsider_client, camden, islington):
    page = _text(outsider_client.get(reverse("partnerships:list")))
    assert "There are no partnership reviews you can see yet." in page
    assert "Camden" not in page and "Islington" not in page
    # Their own CCG and HWB may open theirs.
    assert "NHS Nottingham City CCG and Nottingham Health and Wellbeing Board" in page


def test_the_demo_holds_a_review_in_each_state(demo):
    stages = {
        (r.ccg.code, r.hwb.code): r.stage
        for r in PartnershipReview.objects.filter(cycle=demo.cycle).select_related("ccg", "hwb")
    }
    assert stages == {
        ("07R", "HWB-CAM"): "Both sides released: agreeing",
        ("08H", "HWB-ISL"): "Agreed",
        ("07T", "HWB-HAC"): "CCG released, HWB rating",
        ("07T", "HWB-COL"): "Rating",
    }
    not_started = PartnershipReview.objects.get(cycle=demo.cycle, hwb__code="HWB-COL")
    assert not not_started.side_ratings.filter(rating__isnull=False).exists()


def test_the_export_leaves_the_other_side_empty_until_both_release(
    demo, fresh, hwb_lead_client, ccg_lead_client
):
    import csv
    import io

    rate_side(fresh, "ccg", value=3, comment="=HYPERLINK(secret)")
    rate_side(fresh, "hwb", value=1, comment="HWB note")
    response = hwb_lead_client.get(_url("export_csv", fresh))
    assert response["Content-Disposition"] == 'attachment; filename="partnership-review-07R-HWB-CAM.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 77
    assert {(r["CCG rating"], r["CCG comment"], r["HWB rating"], r["Gap"]) for r in rows} == {
        ("", "", "1", "")
    }
    services.side_release(review=fresh, side="ccg", user=demo.ccg_lead)
    services.side_release(review=fresh, side="hwb", user=demo.hwb_lead)
    rows = list(csv.DictReader(io.StringIO(ccg_lead_client.get(_url("export_csv", fresh)).content.decode())))
    assert {(r["CCG rating"], r["HWB rating"], r["Gap"], r["To discuss"]) for r in rows} == {
        ("3", "1", "2", "yes")
    }
    assert rows[0]["CCG comment"] == "'=HYPERLINK(secret)"  # never run as a formula


@pytest.mark.parametrize(
    "data",
    [
        {"cycle": "not-a-uuid", "ccg": "07R", "hwb": "HWB-CAM"},
        {"ccg": "07R"},
        {"cycle": "", "ccg": "", "hwb": ""},
    ],
)
def test_a_forged_open_form_is_not_found(demo, ccg_lead_client, data):
    assert ccg_lead_client.post(reverse("partnerships:open"), data).status_code == 404
