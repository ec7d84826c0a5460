"""Running cycles and annual assurance in the browser: every new page passes axe and fits 320px for each role
that reaches it, and a regional lead's annual-assurance cycle reaches a CCG lead as carried-over items."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from .crawler import WCAG_TAGS, Crawler, crawl

pytestmark = pytest.mark.system

ONLY_CYCLES = [r"^/(?!cycles/)", r"\.(csv|xlsx)$"]
ONLY_CYCLES_AND_ASSESSMENTS = [r"^/(?!(cycles|assessments)/)", r"\.(csv|xlsx)$", r"/export\.", r"/import/"]


@pytest.mark.parametrize("email", ["admin@example.org", "region@example.org"])
def test_those_who_run_cycles_reach_every_cycle_page(
    page, live_server, demo_site, sign_in, record_crawl, email
):
    # Given a platform admin or the regional lead has signed in
    sign_in(page, email)

    # When they follow every link from the cycles they run, including creating and changing one
    report = crawl(page, live_server.url, ["/", "/cycles/"], limit=40, skip=ONLY_CYCLES)
    record_crawl(report)

    # Then every page answers, passes axe and fits a 320px screen
    report.assert_no_problems()
    assert "/cycles/" in report.paths and "/cycles/new/" in report.paths
    assert any(re.fullmatch(r"/cycles/[0-9a-f-]{36}/change/", p) for p in report.paths)


@pytest.mark.parametrize(
    "email", ["ccg3.lead@example.org", "ccg.lead@example.org", "assessor@example.org", "hwb.lead@example.org"]
)
def test_ccg_and_other_roles_reach_the_cycle_and_task_list_pages(
    page, live_server, demo_site, sign_in, record_crawl, email
):
    # Given someone who does not run cycles has signed in
    sign_in(page, email)

    # When they follow the links to cycles and self-assessments from their home page
    report = crawl(page, live_server.url, ["/"], limit=40, skip=ONLY_CYCLES_AND_ASSESSMENTS)
    record_crawl(report)

    # Then every page answers and passes, and none of them offers to create or change a cycle
    report.assert_no_problems()
    assert not any(p.startswith("/cycles/new/") or p.endswith("/change/") for p in report.paths)


def _check(page: Page, live_server) -> None:
    """axe and the 320px check on the page as it stands (after a form was sent)."""
    crawler = Crawler(page, live_server.url, limit=1, per_shape=1, skip=(), tags=WCAG_TAGS, check_narrow=True)
    assert [v.describe() for v in crawler._axe()] == []
    width, culprits = crawler._narrow_width()
    assert width <= 320, culprits


def test_a_regional_lead_creates_annual_assurance_and_the_ccg_lead_confirms_an_item(
    new_context, live_server, demo_site, sign_in
):
    from assure.core.demo import PREVIOUS_CYCLE_NAME

    today = datetime.date.today()
    # Given the regional lead on the page to create a cycle
    lead_page = new_context().new_page()
    sign_in(lead_page, "region@example.org")
    lead_page.goto("/")
    lead_page.get_by_role("link", name="Cycles you run").click()
    lead_page.get_by_role("link", name="Create a cycle").click()

    # When they send it with a deadline after the cycle's end
    lead_page.get_by_label("Name", exact=True).fill("London annual assurance 2014–15")
    lead_page.get_by_label("Annual assurance").check()
    lead_page.get_by_label("Start date").fill(today.isoformat())
    lead_page.get_by_label("End date").fill((today + datetime.timedelta(days=200)).isoformat())
    lead_page.get_by_label("Previous cycle").select_option(label=PREVIOUS_CYCLE_NAME)
    lead_page.get_by_label("NHS Haringey CCG (08D)").check()
    lead_page.get_by_label("Uses the self-assessment").check()
    lead_page.get_by_label("Self-assessment deadline").fill(
        (today + datetime.timedelta(days=300)).isoformat()
    )
    lead_page.get_by_role("button", name="Create the cycle").click()

    # Then the error is named, the page passes axe and fits 320px, and nothing is created
    expect(lead_page).to_have_title(re.compile("^Error:"))
    expect(lead_page.locator(".nhsuk-error-summary")).to_contain_text(
        "The self-assessment deadline must fall within the cycle's dates"
    )
    _check(lead_page, live_server)

    # When they correct the deadline and send it again
    lead_page.get_by_label("Self-assessment deadline").fill((today + datetime.timedelta(days=60)).isoformat())
    lead_page.get_by_role("button", name="Create the cycle").click()

    # Then the cycle's page shows it with Haringey
    expect(lead_page.get_by_role("heading", level=1)).to_have_text("London annual assurance 2014–15")
    expect(lead_page.get_by_role("main")).to_contain_text("NHS Haringey CCG")

    # Given Haringey's CCG lead signs in and opens the new self-assessment
    ccg_page = new_context().new_page()
    sign_in(ccg_page, "ccg3.lead@example.org")
    ccg_page.goto("/")
    card = ccg_page.locator(".nhsuk-card", has_text="London annual assurance 2014–15")
    card.get_by_role("link", name="NHS Haringey CCG self-assessment").click()

    # Then the task list says items were carried over, to be confirmed
    expect(ccg_page.get_by_role("main")).to_contain_text(f"Carried over from {PREVIOUS_CYCLE_NAME}")
    expect(ccg_page.get_by_role("main")).to_contain_text("Deadlines")

    # When they open domain 1 and confirm item 1.1 as it is
    ccg_page.get_by_role("link", name=re.compile("^Domain 1:")).click()
    item = ccg_page.locator("#item-1-1")
    expect(item).to_contain_text("Carried over, to be confirmed")
    item.get_by_role("button", name="Confirm or save 1.1").click()

    # Then the marker is gone from that item and the page still passes axe
    expect(ccg_page.locator("#item-1-1")).to_contain_text("Saved")
    expect(ccg_page.locator("#item-1-1")).not_to_contain_text("Carried over, to be confirmed")
    expect(ccg_page.locator("#item-1-2")).to_contain_text("Carried over, to be confirmed")
    _check(ccg_page, live_server)


def test_a_ccg_lead_starts_the_self_assessment_of_a_new_authorisation_wave(
    new_context, live_server, demo_site, sign_in
):
    today = datetime.date.today()
    # Given the regional lead has made an authorisation wave with NHS Camden CCG in it
    lead_page = new_context().new_page()
    sign_in(lead_page, "region@example.org")
    lead_page.goto("/cycles/new/")
    lead_page.get_by_label("Name", exact=True).fill("London CCG authorisation, wave 4")
    lead_page.get_by_label("Authorisation wave").check()
    lead_page.get_by_label("Start date").fill(today.isoformat())
    lead_page.get_by_label("End date").fill((today + datetime.timedelta(days=200)).isoformat())
    lead_page.get_by_label("NHS Camden CCG (07R)").check()
    lead_page.get_by_role("button", name="Create the cycle").click()
    expect(lead_page.get_by_role("heading", level=1)).to_have_text("London CCG authorisation, wave 4")

    # When Camden's CCG lead follows the link to the wave's self-assessment from their home page
    ccg_page = new_context().new_page()
    sign_in(ccg_page, "ccg.lead@example.org")
    ccg_page.goto("/")
    card = ccg_page.locator(".nhsuk-card", has_text="London CCG authorisation, wave 4")
    card.get_by_role("link", name="NHS Camden CCG self-assessment").click()

    # Then a page says what starting does, and it passes axe and fits 320px
    expect(ccg_page.get_by_role("heading", level=1)).to_have_text("Start the NHS Camden CCG self-assessment")
    expect(ccg_page.get_by_role("main")).to_contain_text("It will start empty.")
    _check(ccg_page, live_server)

    # When they start it, the task list opens with every domain not started
    ccg_page.get_by_role("button", name="Start the self-assessment").click()
    expect(ccg_page.get_by_role("main")).to_contain_text("is started")
    expect(ccg_page.get_by_role("main")).to_contain_text("Domain 1:")
    _check(ccg_page, live_server)
