"""The 360° survey in a browser: the stakeholder's pages pass axe and work on a 320px phone without JavaScript,
and a CCG lead reads the results."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .crawler import crawl

pytestmark = pytest.mark.system

PHONE = {"width": 320, "height": 640}


def new_link(ccg_code: str = "07R") -> str:
    """A fresh invitation link to the demo survey of the CCG, as the email would carry it."""
    from assure.surveys.models import Stakeholder, Survey
    from assure.surveys.tests.factories import invite

    survey = Survey.objects.get(organisation__code=ccg_code)
    count = Stakeholder.objects.filter(survey=survey).count()
    person = Stakeholder.objects.create(
        survey=survey, name="Pat Browser", email=f"pat{count}@example.org", group="provider"
    )
    return f"/s/{invite(person)}/"


def test_the_respondents_pages_pass_axe_and_fit_a_phone(page, live_server, demo_site, record_crawl):
    # Given a stakeholder's link to an open survey, a link to a closed one and a wrong link
    start = [new_link("07R"), new_link("08H"), "/s/not-a-real-link/"]

    # When each is opened (the crawl follows their links too)
    report = crawl(page, live_server.url, start, limit=10)
    record_crawl(report)

    # Then the survey answers; the closed survey and the wrong link say so with their own status
    statuses = {result.url.replace(live_server.url, ""): result.status for result in report.pages}
    assert statuses[start[0]] == 200
    assert statuses[start[1]] == 410 and statuses[start[2]] == 404
    # And every page passes axe and fits a 320px screen (the status codes above are expected)
    problems = [
        f"{result.url}: {problem}"
        for result in report.pages
        for problem in result.problems
        if not problem.startswith(("HTTP 404", "HTTP 410"))
    ]
    assert not problems, "\n".join(problems)


def test_a_stakeholder_answers_on_a_phone_without_javascript_and_comes_back(new_context, demo_site):
    # Given a stakeholder on a phone with JavaScript switched off, and their link
    link = new_link()
    page = new_context(java_script_enabled=False, viewport=PHONE).new_page()

    # When they open the link
    page.goto(link)

    # Then they see who is asking and how the answers are used, without signing in
    expect(page.get_by_role("heading", level=1)).to_have_text("Your views on NHS Camden CCG")
    expect(page.get_by_role("heading", name="How your answers are used")).to_be_visible()

    # When they answer two statements, comment and save
    page.get_by_role("group", name=re.compile(r"^S1\.1 ")).get_by_label("Agree", exact=True).check()
    page.get_by_role("group", name=re.compile(r"^S2\.1 ")).get_by_label("Don't know").check()
    page.get_by_label("Comments on clinical focus (optional)").fill("Clinicians are listened to.")
    page.get_by_role("button", name="Save my answers").click()

    # Then they get a confirmation
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been saved")
    expect(page.get_by_text("You answered 2 of 18 statements")).to_be_visible()

    # When they come back with the same link and change an answer
    page.get_by_role("link", name="Change your answers").click()
    expect(page.get_by_text("You have already answered")).to_be_visible()
    statement = page.get_by_role("group", name=re.compile(r"^S1\.1 "))
    expect(statement.get_by_label("Agree", exact=True)).to_be_checked()
    statement.get_by_label("Strongly disagree").check()
    page.get_by_role("button", name="Save my answers").click()

    # Then the change is saved and the page never scrolled sideways
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers have been saved")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1


def test_a_ccg_lead_reads_the_results_with_a_hidden_group(page, demo_site, sign_in):
    # Given Islington's CCG lead, whose survey has closed
    sign_in(page, "ccg2.lead@example.org")

    # When they go from their home page to the survey's results
    page.get_by_role("link", name="360° stakeholder surveys").click()
    page.get_by_role("link", name=re.compile("NHS Islington CCG")).click()
    page.get_by_role("link", name="Read the results").click()

    # Then the small groups are hidden, and the blind spots are called out
    main = page.get_by_role("main")
    expect(main).to_contain_text("Providers – fewer than 5 responses")
    expect(main.get_by_role("heading", name=re.compile("Blind spots"))).to_be_visible()
    expect(main.get_by_text("The largest differences")).to_be_visible()
    # And each statement's bar has a table alternative
    main.get_by_text("Answers to S1.1 as a table").click()
    expect(main.get_by_role("table", name="Answers to S1.1")).to_be_visible()
