"""Every page each kind of person can reach answers, passes axe (WCAG 2.2 AA) and fits a 320px screen."""

from __future__ import annotations

import re

import pytest

from .crawler import crawl

pytestmark = pytest.mark.system

# Add a role here when the demo gains one; new pages are found by following links.
ROLES = [
    "admin@example.org",
    "region@example.org",
    "assessor@example.org",
    "ccg.lead@example.org",
    "ccg.staff@example.org",
    "hwb.lead@example.org",
    "ccg2.lead@example.org",
    "assessor2@example.org",
]
PAGES_PER_ROLE = 80
# Who reaches the regional dashboard, and a CCG report, by following links from their home page.
DASHBOARD_ROLES = {
    "admin@example.org",
    "region@example.org",
    "assessor@example.org",
    "assessor2@example.org",
}
REPORT_READERS = DASHBOARD_ROLES | {
    "ccg.lead@example.org",
    "ccg.staff@example.org",
    "ccg2.lead@example.org",
}
# The framework's domain pages are public, long and the same for everyone: the visitor's crawl checks them.
CHECKED_BY_THE_VISITOR = [r"^/frameworks/[^/]+/domains/"]
# File downloads are not pages (test_good_practice.py downloads one).
DOWNLOADS = [r"/download/$"]


def test_a_visitor_can_reach_every_public_page(page, live_server, demo_site, record_crawl):
    # Given a visitor who has not signed in
    # When they follow every link from the home page and the list of frameworks
    report = crawl(page, live_server.url, ["/", "/frameworks/"], limit=PAGES_PER_ROLE, skip=DOWNLOADS)
    record_crawl(report)

    # Then every page answers, passes axe and fits a 320px screen
    report.assert_no_problems()
    # And the framework, its domains, signing in and the accessibility statement were among them
    assert "/frameworks/ccg-authorisation-2012/domains/1/" in report.paths
    assert {"/accounts/login/", "/accessibility/"} <= set(report.paths)
    # And the good practice library with a published example
    assert "/good-practice/" in report.paths
    assert any(re.fullmatch(r"/good-practice/[0-9a-f-]{36}/", path) for path in report.paths)


@pytest.mark.parametrize("email", ROLES)
def test_each_role_can_reach_every_page_linked_for_them(
    page, live_server, demo_site, sign_in, record_crawl, email
):
    # Given someone with this role has signed in
    sign_in(page, email)

    # When they follow every link from their home page
    report = crawl(
        page, live_server.url, ["/"], limit=PAGES_PER_ROLE, skip=CHECKED_BY_THE_VISITOR + DOWNLOADS
    )
    record_crawl(report)

    # Then every page answers, passes axe and fits a 320px screen
    report.assert_no_problems()
    # And they really were signed in: their profile was linked from the header
    assert "/accounts/profile/" in report.paths
    # And the reports pages were among them, for those who may read them
    if email in DASHBOARD_ROLES:
        assert "/reports/dashboard/" in report.paths
    if email in REPORT_READERS:
        assert any(p.startswith("/reports/assessments/") for p in report.paths)


# Partnership reviews: every page a role can reach from the list, whatever the main crawl's page limit left out.
# The demo holds a review in each state: Camden's both released with gaps (ccg.lead, ccg.staff, hwb.lead),
# Islington's agreed (ccg2.lead, and the admin, regional lead and assessor, who see agreed reviews only).
OUTSIDE_PARTNERSHIPS = [r"^/(?!partnerships/)"]


@pytest.mark.parametrize("email", ROLES)
def test_each_role_can_reach_every_partnership_review_page(
    page, live_server, demo_site, sign_in, record_crawl, email
):
    # Given someone with this role has signed in
    sign_in(page, email)

    # When they follow every link from the list of partnership reviews
    report = crawl(page, live_server.url, ["/partnerships/"], limit=40, skip=OUTSIDE_PARTNERSHIPS)
    record_crawl(report)

    # Then every page answers, passes axe and fits a 320px screen
    report.assert_no_problems()
    # And they reached a review: its overview, the gaps and the page to prepare for the 360° review
    paths = report.paths
    assert any(p.endswith("/gaps/") for p in paths), paths
    assert any(p.endswith("/prepare/") for p in paths), paths
