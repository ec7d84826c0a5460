"""Assessor review, decisions and conditions in the browser: every page each role can reach passes axe and fits a
320px screen, and the whole journey from judgements to a discharged condition works."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from assure.core.demo import CYCLE_NAME

from .crawler import crawl

pytestmark = pytest.mark.system

REVIEWERS = ["admin@example.org", "region@example.org", "assessor@example.org", "assessor2@example.org"]
CCG_PEOPLE = [
    "ccg.lead@example.org",
    "ccg.staff@example.org",
    "hwb.lead@example.org",
    "ccg2.lead@example.org",
    "ccg3.lead@example.org",
]
OUTSIDE_DECISIONS = [r"^/(?!decisions/)", r"/download/$"]


@pytest.mark.parametrize("email", REVIEWERS + CCG_PEOPLE)
def test_each_role_can_reach_every_decisions_page(page, live_server, demo_site, sign_in, record_crawl, email):
    # Given someone with this role has signed in
    sign_in(page, email)

    # When they follow every link from the assessor queue (if theirs) and the conditions, and open the pages with
    # forms: the decision form (Islington), adding a condition (Haringey), an open condition
    starts = ["/decisions/conditions/"]
    if email in REVIEWERS:
        starts += ["/decisions/", *_form_pages(judges=email != "region@example.org")]
    if email == "ccg3.lead@example.org":
        starts.append(_open_condition())
    report = crawl(page, live_server.url, starts, limit=60, skip=OUTSIDE_DECISIONS)
    record_crawl(report)

    # Then every page answers, passes axe and fits a 320px screen
    report.assert_no_problems()
    paths = report.paths
    if email in REVIEWERS:
        # And they reached a review workspace, a domain, a decision, a condition and a public page
        assert any(re.fullmatch(r"/decisions/review/[0-9a-f-]{36}/domains/\d/", p) for p in paths), paths
        assert any(p.endswith("/decision/") for p in paths), paths
        assert any(re.fullmatch(r"/decisions/conditions/[0-9a-f-]{36}/", p) for p in paths), paths
        assert any(p.startswith("/decisions/published/") for p in paths), paths
    if email == "ccg3.lead@example.org":
        assert any(re.fullmatch(r"/decisions/conditions/[0-9a-f-]{36}/", p) for p in paths), paths


def _form_pages(*, judges: bool) -> list[str]:
    from assure.assessments.models import Assessment

    islington = Assessment.objects.get(organisation__code="08H", cycle__name=CYCLE_NAME)
    haringey = Assessment.objects.get(organisation__code="08D", cycle__name=CYCLE_NAME)
    pages = [f"/decisions/review/{islington.public_id}/decision/", _open_condition()]
    if judges:  # adding a condition is for assessors and platform admins
        pages.append(f"/decisions/review/{haringey.public_id}/decision/conditions/add/")
    return pages


def _open_condition() -> str:
    from assure.decisions.models import Condition

    condition = Condition.objects.filter(
        status="open", decision__assessment__organisation__code="08D"
    ).first()
    return f"/decisions/conditions/{condition.public_id}/"


def test_a_visitor_sees_the_published_decisions(page, live_server, demo_site, record_crawl):
    # Given a visitor who has not signed in
    # When they follow the link to the published decisions from the welcome page
    report = crawl(page, live_server.url, ["/"], limit=20, skip=[r"^/(?!decisions/|$)"])
    record_crawl(report)

    # Then the public page answers, passes axe and fits a 320px screen, and lists the decisions
    report.assert_no_problems()
    published = [p for p in report.paths if re.fullmatch(r"/decisions/published/[0-9a-f-]{36}/", p)]
    assert published
    page.goto(published[0])
    expect(page.get_by_role("heading", name="NHS Haringey CCG")).to_be_visible()
    expect(page.get_by_role("heading", name="NHS Islington CCG")).to_have_count(0)


def _islington_library():
    from assure.accounts.models import User
    from assure.evidence.models import Evidence
    from assure.organisations.models import Organisation

    islington = Organisation.objects.get(code="08H")
    cycle = islington.cycles.first()
    return Evidence.objects.create(
        organisation=islington,
        title="Islington provider engagement plan",
        evidence_type=cycle.framework.evidence_types.first(),
        document_date=datetime.date.today(),
        url="https://www.example.org/islington/engagement",
        added_by=User.objects.get(email="ccg2.lead@example.org"),
    )


def test_from_judgements_to_a_discharged_condition(new_context, live_server, demo_site, sign_in):
    _islington_library()
    assessor = new_context().new_page()
    # Given the assessor has signed in and opens Islington from their queue
    sign_in(assessor, "assessor@example.org")
    assessor.goto("/decisions/")
    assessor.get_by_role("link", name="NHS Islington CCG").click()
    expect(assessor.get_by_role("heading", level=1)).to_have_text("Review of NHS Islington CCG")

    # When they judge domain 3 met with conditions, saved in place
    assessor.get_by_role("link", name=re.compile(r"^3\. ")).click()
    assessor.get_by_label("Met with conditions").check()
    assessor.get_by_label("Rationale").fill("Providers are not yet engaged; a condition will fix it.")
    assessor.get_by_role("button", name="Save your judgement of domain 3").click()
    expect(assessor.locator("#judgement").get_by_role("status")).to_have_text("Saved.")

    # And, as the panel, record an authorisation with a condition on domain 3
    assessor.goto(assessor.url.split("/domains/")[0] + "/decision/")
    assessor.get_by_label("Authorised with conditions").check()
    assessor.get_by_label("Panel members").fill("Sam Assessor\nPriya Assessor")
    assessor.get_by_label("Rationale").fill("Authorised; domain 3 needs provider engagement.")
    assessor.get_by_label("Condition 1: domain").select_option("3")
    assessor.get_by_label("Condition 1: what must change").fill("Agree a provider engagement plan.")
    assessor.locator("#id_condition-0-support_level_0").check()
    due = (datetime.date.today() + datetime.timedelta(days=60)).strftime("%d/%m/%Y")
    assessor.get_by_label("Condition 1: due date").fill(due)
    assessor.get_by_role("button", name="Record the decision").click()
    expect(assessor.get_by_text("The decision is recorded")).to_be_visible()

    # And the regional lead publishes it
    region = new_context().new_page()
    sign_in(region, "region@example.org")
    region.goto(assessor.url)
    region.get_by_role("button", name="Publish the decision").click()
    expect(region.get_by_text("The decision is published")).to_be_visible()

    # Then the CCG lead sees the condition and responds with evidence from the library
    lead = new_context().new_page()
    sign_in(lead, "ccg2.lead@example.org")
    lead.goto("/")
    lead.get_by_role("link", name="Conditions of authorisation decisions").click()
    lead.get_by_role("link", name="Agree a provider engagement plan.").click()
    lead.get_by_label("How the condition has been met").fill("The plan was agreed by the governing body.")
    lead.get_by_label(re.compile("Islington provider engagement plan")).check()
    lead.get_by_role("button", name="Send the response").click()
    expect(lead.get_by_text("Your response is sent")).to_be_visible()
    condition_url = lead.url

    # And the assessor discharges it
    assessor.goto(condition_url)
    assessor.get_by_label("Discharge the condition").check()
    assessor.get_by_label("Note").fill("The plan meets the condition.")
    assessor.get_by_role("button", name="Save").click()
    expect(assessor.get_by_text("The condition is discharged.")).to_be_visible()
    expect(assessor.get_by_text("Discharged").first).to_be_visible()
