"""Journeys a person makes through the service, step by step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.system

FRAMEWORK_TITLE = re.compile("authorisation", re.IGNORECASE)


def read_domain_3(page: Page) -> None:
    # Given a visitor on the home page
    page.goto("/")
    expect(page.get_by_role("banner")).to_contain_text("Assure")

    # When they follow the link to the framework, then to domain 3
    page.get_by_role("main").get_by_role("link", name=FRAMEWORK_TITLE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FRAMEWORK_TITLE)
    page.locator("main a[href$='/domains/3/']").click()

    # Then they see the domain with its two tiers of actions
    expect(page.get_by_text("Domain 3 of", exact=False)).to_be_visible()
    expect(page.get_by_role("heading", name="Build the basics")).to_be_visible()
    expect(page.get_by_role("heading", name="develop together for the future")).to_be_visible()
    # And at least one action to build the basics, with its code
    basics = page.locator("#basics ~ .nhsuk-summary-list").first
    expect(basics.locator(".nhsuk-summary-list__key").first).to_have_text(re.compile(r"^\s*3\.\d+"))
    # And breadcrumbs lead back to the framework
    expect(page.get_by_role("navigation", name="Breadcrumb").get_by_role("link").last).to_have_text(
        FRAMEWORK_TITLE
    )


def test_a_visitor_reads_a_domain_of_the_framework(page, demo_site):
    read_domain_3(page)
    # And the page is styled by the service's NHS.UK stylesheet: the header is NHS blue
    stylesheet = page.request.get("/static/assure.css")
    assert stylesheet.ok
    assert stylesheet.headers["content-type"].startswith("text/css")
    header = page.get_by_role("banner")
    expect(header).to_have_css("background-color", "rgb(0, 94, 184)")


def test_a_visitor_reads_a_domain_of_the_framework_without_javascript(new_context, demo_site):
    # Given a browser with JavaScript switched off
    page = new_context(java_script_enabled=False).new_page()
    # Then the same journey works
    read_domain_3(page)


def test_signing_in_with_a_wrong_password_shows_the_problem(page, demo_site, sign_in):
    # Given a CCG lead on the sign-in page
    # When they sign in with the wrong password
    sign_in(page, "ccg.lead@example.org", "not-the-password")

    # Then the page title and an error summary say there is a problem
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_contain_text("Enter a correct email address and password")
    # And the summary has focus, so a screen reader reads it first
    expect(summary).to_be_focused()
    # And its message links to the field to correct
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Email address")).to_be_focused()

    # When they try again with the right password
    sign_in(page, "ccg.lead@example.org")

    # Then they reach their home page
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Your organisations and roles")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("NHS Camden CCG")


def test_a_ccg_lead_rates_an_item_without_the_page_reloading(page, demo_site, sign_in):
    # Given the CCG lead on domain 3 of their self-assessment, which nobody has rated yet
    sign_in(page, "ccg.lead@example.org")
    page.get_by_role("link", name="NHS Camden CCG self-assessment").click()
    page.get_by_role("link", name=re.compile(r"^Domain 3:")).click()
    result = page.locator("#domain-result")
    expect(result).to_contain_text("0 rated")
    page.evaluate("window.assureMarker = 'still the same page'")

    # When they rate the first item, write a narrative and save it
    item = page.locator(".assure-item").first
    code = item.locator(".assure-code").first.inner_text()
    item.get_by_role("radio").first.check()
    item.get_by_role("textbox", name=f"Narrative for {code}").fill("Agreed with the HWB in June.")
    item.get_by_role("button", name=f"Save {code}").click()

    # Then the item says it is saved, and the domain's standing counts it, without a page load
    item = page.locator(".assure-item").first
    expect(item.get_by_role("status")).to_have_text("Saved.")
    expect(result).to_contain_text("1 rated")
    assert page.evaluate("window.assureMarker") == "still the same page"

    # And the saved item's character count works: typing updates what is left
    narrative = item.get_by_role("textbox", name=f"Narrative for {code}")
    narrative.fill("Twelve chars")
    expect(item.locator(".nhsuk-character-count__status")).to_contain_text("characters remaining")
