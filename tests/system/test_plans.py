"""Development plans in the browser: every plan page each demo role can reach passes axe and fits 320px, and the
CCG lead's journey: gather the actions, give one an owner, mark one done (with and without JavaScript)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .crawler import crawl

pytestmark = pytest.mark.system

# Everyone in the demo who may read a plan, and what they reach from the list of plans.
READERS = [
    "admin@example.org",
    "region@example.org",
    "assessor@example.org",
    "ccg.lead@example.org",
    "ccg.staff@example.org",
    "hwb.lead@example.org",
    "ccg2.lead@example.org",
]
MANAGERS = {"ccg.lead@example.org", "ccg2.lead@example.org"}
OUTSIDE_PLANS = [r"^/(?!plans/)"]
PLAN_PAGE = re.compile(r"^/plans/[0-9A-Z]+/[0-9a-f-]{36}/$")


@pytest.mark.parametrize("email", READERS)
def test_each_role_can_reach_every_plan_page(page, live_server, demo_site, sign_in, record_crawl, email):
    # Given someone who may read a development plan has signed in
    sign_in(page, email)

    # When they follow every link from the list of plans (and the plan's filters)
    report = crawl(page, live_server.url, ["/plans/"], limit=30, skip=OUTSIDE_PLANS)
    record_crawl(report)

    # Then every page answers, passes axe and fits a 320px screen
    report.assert_no_problems()
    # And they reached a plan; the CCG leads also the pages to add and change actions
    assert any(PLAN_PAGE.match(p) for p in report.paths), report.paths
    if email in MANAGERS:
        assert any(p.endswith("/actions/new/") for p in report.paths), report.paths
        assert any(re.fullmatch(r"/plans/actions/[0-9a-f-]{36}/", p) for p in report.paths), report.paths


def _empty_camden_plan():
    from assure.organisations.models import Organisation
    from assure.plans.models import Plan

    Plan.objects.filter(organisation=Organisation.objects.get(code="07R")).delete()


def test_the_ccg_lead_gathers_assigns_an_owner_and_marks_one_done(
    page, live_server, demo_site, sign_in, record_crawl
):
    _empty_camden_plan()
    # Given the CCG lead has signed in, and the plan has no actions yet
    sign_in(page, "ccg.lead@example.org")
    page.goto("/")
    page.get_by_role("link", name="development plan").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Development plan")
    expect(page.get_by_text("The plan has no actions yet.")).to_be_visible()

    # When they gather the actions from the sources
    page.get_by_role("button", name="Gather actions from the sources").click()

    # Then the items of the self-assessment below the threshold are in the plan
    expect(page.get_by_text("Added 2 actions to the plan.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Bring item 1.3 up to the threshold"))).to_be_visible()

    # When they give the first action an owner
    page.get_by_role("link", name=re.compile("Change this action.*Bring item 1.3")).click()
    page.get_by_label("Owner: a person of the CCG").select_option(label="Chris Staff")
    page.get_by_role("button", name="Save the action").click()

    # Then the plan shows the owner
    action = page.locator("li", has=page.get_by_role("heading", name=re.compile("Bring item 1.3")))
    expect(action.get_by_text("Chris Staff")).to_be_visible()

    # When they mark it done, in place
    action.get_by_label(re.compile("Status of")).select_option("done")
    action.get_by_role("button", name=re.compile("Update status")).click()

    # Then it is saved without reloading the page
    expect(action.get_by_role("status")).to_contain_text("now done")
    report = crawl(
        page, live_server.url, [page.url.removeprefix(live_server.url)], limit=3, skip=OUTSIDE_PLANS
    )
    record_crawl(report)
    report.assert_no_problems()


def test_a_contributor_marks_their_action_done_without_javascript(
    new_context, live_server, demo_site, sign_in
):
    # Given the contributor has signed in, with JavaScript off
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, "ccg.staff@example.org")
    page.goto("/plans/07R/")

    # When they mark the action they own done
    action = page.locator("li", has=page.get_by_role("heading", name=re.compile("engagement calendar")))
    action.get_by_label(re.compile("Status of")).select_option("done")
    action.get_by_role("button", name=re.compile("Update status")).click()

    # Then the plan says so after the page reloads
    expect(page.get_by_text(re.compile("is now done"))).to_be_visible()
    # And an action they do not own offers them no status change
    other = page.locator("li", has=page.get_by_role("heading", name=re.compile("Bring item 1.3")))
    expect(other.get_by_role("button", name=re.compile("Update status"))).to_have_count(0)
