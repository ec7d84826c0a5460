"""Journeys through the good practice library: reading and searching it, sharing an example, moderating it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.system


def search_the_library(page: Page, *, javascript: bool = True) -> None:
    # Given a visitor on the home page
    page.goto("/")
    # When they follow the header's link to the good practice library
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Good practice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Good practice library")
    expect(page.locator("#results-heading")).to_contain_text("4 examples")

    if javascript:
        page.evaluate("window.assureMarker = 'still the same page'")

    # And search for patient panels
    page.get_by_label("Search good practice").fill("patient panels")
    page.get_by_role("button", name="Search").click()

    # Then only the matching example is listed, at an address that can be shared
    expect(page.locator("#results-heading")).to_contain_text("1 example found")
    expect(page).to_have_url(re.compile(r"/good-practice/\?q=patient(\+|%20)panels"))
    if javascript:  # and with JavaScript, htmx swapped in the results without loading a new page
        assert page.evaluate("window.assureMarker") == "still the same page"
    page.get_by_role("link", name="Patient panels that change services").click()

    # And its page shows what they did, its contact and its file
    expect(page.get_by_role("heading", level=1)).to_have_text("Patient panels that change services")
    expect(page.get_by_role("heading", name="What they did")).to_be_visible()
    expect(page.get_by_role("link", name="patient-panel-log.csv")).to_be_visible()


def test_a_visitor_searches_the_library(page, demo_site):
    search_the_library(page)


def test_a_visitor_searches_the_library_without_javascript(new_context, demo_site):
    search_the_library(new_context(java_script_enabled=False).new_page(), javascript=False)


def test_a_visitor_downloads_the_library_as_a_spreadsheet(page, demo_site):
    page.goto("/good-practice/?q=plan")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_a_ccg_lead_shares_an_example_and_the_regional_lead_publishes_it(
    page, new_context, demo_site, sign_in
):
    # Given the CCG lead of Camden, signed in, on the form to share good practice
    sign_in(page, "ccg.lead@example.org")
    page.goto("/good-practice/new/")
    # When they fill it in and save it
    page.get_by_label("Title").fill("Health checks in mosques and churches")
    page.get_by_label("Summary").fill("Nurses run health checks where people already meet.")
    page.get_by_label("What you did").fill("We agreed sessions with faith leaders across the borough.")
    page.get_by_label("Results").fill("Four hundred checks in six months.")
    page.get_by_label("2. Patient engagement").check()
    page.get_by_role("button", name="Save as a draft").click()
    # Then it is a draft they can submit
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    page.get_by_role("button", name="Submit for moderation").click()
    expect(page.get_by_text("Awaiting moderation", exact=True)).to_be_visible()

    # When the regional lead opens the moderation queue and approves it
    moderator = new_context().new_page()
    sign_in(moderator, "region@example.org")
    moderator.goto("/good-practice/moderation/")
    moderator.get_by_role("link", name="Health checks in mosques and churches").click()
    moderator.get_by_label("Approve and publish").check()
    moderator.get_by_role("button", name="Save decision").click()
    expect(moderator.get_by_role("main")).to_contain_text("is now published")

    # Then anyone can find it
    visitor = new_context().new_page()
    visitor.goto("/good-practice/?q=mosques")
    expect(visitor.get_by_role("link", name="Health checks in mosques and churches")).to_be_visible()


def test_a_ccg_lead_sees_good_practice_for_their_weakest_items(page, demo_site, sign_in):
    # Given Camden's lead, whose self-assessment rates item 1.3 and the future items of domain 1 lowest
    sign_in(page, "ccg.lead@example.org")
    page.get_by_role("link", name="NHS Camden CCG self-assessment").click()
    page.get_by_role("link", name=re.compile(r"^Domain 1:")).click()
    # Then the domain page suggests Islington's example tagged with those items
    suggestions = page.get_by_role("complementary", name="Good practice from others")
    expect(suggestions).to_contain_text("Using the JSNA to shape every commissioning plan")
    suggestions.get_by_role("link", name="Using the JSNA to shape every commissioning plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Using the JSNA to shape every commissioning plan"
    )
