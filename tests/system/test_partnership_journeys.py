"""Journeys through the HWB–CCG partnership review: rating blind, releasing, seeing the gaps, preparing for the
360° review. Pages met on the way are also checked with axe and at 320px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .crawler import crawl

pytestmark = pytest.mark.system

CCG_SECRET = "The CCG's own view, not for the HWB before release"


def _fresh_camden_review():
    """Replace the demo's Camden review with a newly opened one, with the CCG side rated but not released."""
    from assure.accounts.models import User
    from assure.core.demo import CYCLE_NAME
    from assure.cycles.models import Cycle
    from assure.organisations.models import Organisation
    from assure.partnerships import services
    from assure.partnerships.models import PartnershipReview, SideRating

    cycle = Cycle.objects.get(name=CYCLE_NAME)
    ccg, hwb = Organisation.objects.get(code="07R"), Organisation.objects.get(code="HWB-CAM")
    PartnershipReview.objects.filter(cycle=cycle, ccg=ccg, hwb=hwb).delete()
    review, _ = services.review_open(
        cycle=cycle, ccg=ccg, hwb=hwb, user=User.objects.get(email="hwb.lead@example.org")
    )
    SideRating.objects.filter(review=review, side="ccg").update(rating=2, comment=CCG_SECRET, version=1)
    return review


def _open_my_side(page: Page, domain: int = 1) -> None:
    page.goto("/")
    page.get_by_role("link", name="Partnership reviews").click()
    page.get_by_role("link", name="NHS Camden CCG and Camden Health and Wellbeing Board").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Partnership review")
    page.get_by_role("link", name=re.compile(rf"HWB side, domain {domain}:")).click()


def test_an_hwb_lead_rates_blind_releases_and_sees_the_gaps(
    page, live_server, demo_site, sign_in, record_crawl
):
    review = _fresh_camden_review()
    # Given the HWB lead has signed in, and the CCG has rated its side but not released it
    sign_in(page, "hwb.lead@example.org")

    # When they open their side of the review and rate item 1.1 with a comment
    _open_my_side(page)
    item = page.locator("#item-1-1")
    item.get_by_label("2 – In place").check()
    item.get_by_label("Comment on 1.1").fill("The board sees the CCG at every meeting.")
    item.get_by_role("button", name="Save 1.1").click()

    # Then the item is saved in place, without reloading the page
    expect(page.locator("#item-1-1").get_by_role("status")).to_have_text("Saved.")
    # And nothing of the CCG's ratings is anywhere they can reach
    report = crawl(
        page, live_server.url, [f"/partnerships/{review.public_id}/"], limit=30, skip=[r"^/(?!partnerships/)"]
    )
    record_crawl(report)
    report.assert_no_problems()
    for path in report.paths:
        page.goto(path)
        assert CCG_SECRET not in page.content(), path

    # When every item is rated and they release their side
    from assure.partnerships.models import SideRating

    SideRating.objects.filter(review=review, side="hwb").update(rating=0, comment="Not yet", version=1)
    page.goto(f"/partnerships/{review.public_id}/")
    page.get_by_role("link", name="Check and release the HWB side").click()
    page.get_by_role("button", name=re.compile("Release the HWB side")).click()

    # Then they are told the CCG's ratings appear once the CCG releases too, and still cannot see them
    expect(page.get_by_role("main")).to_contain_text(
        "The other side's ratings appear once they release theirs"
    )
    assert CCG_SECRET not in page.content()

    # When the CCG releases
    from assure.accounts.models import User
    from assure.partnerships import services

    services.side_release(review=review, side="ccg", user=User.objects.get(email="ccg.lead@example.org"))

    # Then the HWB lead sees every gap, the chart and its table, with differences of two flagged to discuss
    page.goto(f"/partnerships/{review.public_id}/gaps/")
    expect(page.get_by_role("img", name=re.compile("Average rating by domain"))).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("The chart as a table"))).to_be_visible()
    expect(page.get_by_text("77 of 77 items are rated two or more points apart")).to_be_visible()
    assert CCG_SECRET in page.content()

    # And they can show only one domain's items, largest gap first, without JavaScript
    page.get_by_label("Domain", exact=True).select_option("6")
    page.get_by_label("Sort").select_option("gap")
    page.get_by_role("button", name="Show items").click()
    expect(page.get_by_text("Showing 7 of 77 items.")).to_be_visible()


def test_rating_works_without_javascript(new_context, demo_site, sign_in):
    _fresh_camden_review()
    # Given an HWB lead whose browser runs no JavaScript
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, "hwb.lead@example.org")

    # When they rate an item and save it
    _open_my_side(page, domain=6)
    item = page.locator("#item-6-1")
    item.get_by_label("3 – Embedded").check()
    item.get_by_role("button", name="Save 6.1").click()

    # Then the page reloads at the item with the saved rating and a message
    expect(page.get_by_role("main")).to_contain_text("Your HWB rating of 6.1 is saved.")
    expect(page.locator("#item-6-1").get_by_label("3 – Embedded")).to_be_checked()


def test_the_page_to_prepare_for_the_360_review_prints_without_the_service_s_chrome(page, demo_site, sign_in):
    # Given the Islington CCG lead on the page that prepares for the 360° review of the agreed review
    sign_in(page, "ccg2.lead@example.org")
    page.goto("/partnerships/")
    page.get_by_role("link", name="NHS Islington CCG and Islington Health and Wellbeing Board").click()
    page.get_by_role("link", name=re.compile("Prepare for the 360° review")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Preparing for the 360° review")
    expect(page.get_by_role("heading", name=re.compile("^Domain 6:"))).to_be_visible()

    # When it is printed
    page.emulate_media(media="print")

    # Then the header, footer and breadcrumbs are left out and the content stays
    expect(page.get_by_role("banner")).to_be_hidden()
    expect(page.get_by_role("contentinfo")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
