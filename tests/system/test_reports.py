"""The CCG report and the regional dashboard in a browser: reading them, and downloading the PDF."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from assure.core.demo import CYCLE_NAME

from .crawler import crawl

pytestmark = pytest.mark.system


def test_a_regional_lead_opens_a_ccg_report_from_the_dashboard_and_downloads_the_pdf(
    page, live_server, demo_site, sign_in
):
    # Given the regional lead on the regional dashboard
    sign_in(page, "region@example.org")
    page.get_by_role("link", name="Regional dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regional dashboard")
    heatmap = page.get_by_role("table", name=re.compile("Self-assessed maturity level of each CCG"))
    expect(heatmap).to_contain_text("NHS Islington CCG")
    expect(heatmap).to_contain_text("Beyond authorisation")

    # When they open Islington's report
    heatmap.get_by_role("link", name=re.compile("NHS Islington CCG")).click()

    # Then they read the report, with its chart described in words
    expect(page.get_by_role("heading", level=1)).to_have_text("NHS Islington CCG: CCG report")
    expect(page.get_by_role("img", name="The six domains at a glance")).to_be_visible()
    expect(page.get_by_role("navigation", name="Contents")).to_be_visible()

    # And when they download the PDF, they get an A4 report (laid out while they wait: the test settings run
    # background work at once, and a first layout loads fonts, so allow it time)
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("link", name=re.compile("Download the report as a PDF")).click(timeout=60_000)
    download = download_info.value
    assert download.suggested_filename.endswith("-report.pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_while_the_pdf_is_prepared_a_page_shows_progress_then_offers_the_download(
    settings, page, live_server, demo_site, sign_in
):
    from assure.assessments.models import Assessment
    from assure.reports import services
    from assure.reports.models import ReportPdf

    # Given a worker that is busy elsewhere
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    sign_in(page, "ccg2.lead@example.org")
    islington = Assessment.objects.get(organisation__code="08H", cycle__name=CYCLE_NAME)

    # When the CCG lead asks for the PDF of their report
    page.goto(f"/reports/assessments/{islington.public_id}/")
    page.get_by_role("link", name=re.compile("Download the report as a PDF")).click()

    # Then a page says it is being prepared, and it passes the accessibility checks
    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing your PDF")
    expect(page.get_by_role("status")).to_contain_text("Waiting for the worker")
    crawl(page, live_server.url, [page.url.removeprefix(live_server.url)], limit=1).assert_no_problems()

    # When the worker has made it, the page updates by itself and offers the download. This thread plays the
    # worker, against the live server's in-memory database, where a write fails at once ("database table is
    # locked") while the server thread is reading the same table for one of the page's checks. So the page's
    # next check is held back, unanswered, until the PDF is written: htmx sends no other while one is waiting,
    # so nothing reads the table meanwhile.
    held = []

    def hold(route):
        held.append(route)

    status = re.compile(re.escape(page.url))
    page.route(status, hold)
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert held, "the page did not check on the PDF again"
    services.report_pdf_render(report_pdf_id=ReportPdf.objects.get(assessment=islington).pk)
    for check in held:
        check.continue_()
    page.unroute(status, hold)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your PDF is ready", timeout=10_000)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    assert download_info.value.suggested_filename.endswith("-report.pdf")


# Every report section, every dashboard measure and the open data: each page passes axe and fits a 320px screen.
ONLY_THESE = [r"^/"]  # visit the start pages only


def test_the_dashboard_in_each_measure_and_filter_passes_the_checks(page, live_server, demo_site, sign_in):
    from assure.cycles.models import Cycle

    # Given the regional lead signed in
    sign_in(page, "region@example.org")
    cycle = Cycle.objects.order_by("-starts_on").first()
    starts = [
        f"/reports/dashboard/?cycle={cycle.public_id}&measure={measure}"
        for measure in ("maturity", "judgement", "agreement")
    ] + [f"/reports/dashboard/?cycle={cycle.public_id}&outcome=Authorised+with+conditions"]

    # When they switch the measure and filter by outcome, every page passes the checks
    crawl(page, live_server.url, starts, limit=len(starts), skip=ONLY_THESE).assert_no_problems()

    # And the stakeholder agreement view and the conditions chart read as they should
    page.goto(starts[2])
    expect(page.get_by_role("heading", level=2).first).to_have_text("Stakeholder agreement by CCG and domain")
    heatmap = page.get_by_role("table").first
    expect(heatmap).to_contain_text("% agree")
    expect(page.get_by_role("img", name="CCGs free of open conditions at each quarter end")).to_be_visible()
    page.goto(starts[1])
    expect(page.get_by_role("table").first).to_contain_text("Met with conditions")


@pytest.mark.parametrize(
    ("email", "code"),
    [
        ("region@example.org", "08H"),
        ("ccg2.lead@example.org", "08H"),
        ("ccg3.lead@example.org", "08D"),
        ("ccg.lead@example.org", "07R"),
    ],
)
def test_each_report_with_its_sections_passes_the_checks(page, live_server, demo_site, sign_in, email, code):
    from assure.assessments.models import Assessment

    # Given a reader of a CCG's report
    sign_in(page, email)
    assessment = Assessment.objects.get(organisation__code=code, cycle__name=CYCLE_NAME)
    path = f"/reports/assessments/{assessment.public_id}/"

    # When they open it, it passes the checks with every section it shows them
    crawl(page, live_server.url, [path], limit=1, skip=ONLY_THESE).assert_no_problems()
    page.goto(path)
    contents = page.get_by_role("navigation", name="Contents")
    if code == "08H":
        expect(contents).to_contain_text("360° stakeholder survey results")
    if code == "08H":
        expect(contents).to_contain_text("Partnership review")
        expect(contents).to_contain_text("Development plan")
    if code == "08D":
        expect(contents).to_contain_text("Decision and conditions")


def test_a_ccg_lead_downloads_the_pdf_with_the_decision_and_conditions(
    page, live_server, demo_site, sign_in, tmp_path
):
    import subprocess

    from assure.assessments.models import Assessment

    # Given Haringey's CCG lead, whose CCG was authorised with conditions
    sign_in(page, "ccg3.lead@example.org")
    assessment = Assessment.objects.get(organisation__code="08D", cycle__name=CYCLE_NAME)
    page.goto(f"/reports/assessments/{assessment.public_id}/")

    # When they download the PDF
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("link", name=re.compile("Download the report as a PDF")).click(timeout=60_000)

    # Then it holds the decision and its conditions
    path = tmp_path / "report.pdf"
    download_info.value.save_as(path)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    assert "Decision and conditions" in text and "Authorised with conditions" in text


def test_a_visitor_reaches_the_open_data_from_the_published_decisions(
    page, live_server, demo_site, record_crawl
):
    from assure.cycles.models import Cycle

    cycle = Cycle.objects.order_by("-starts_on").first()
    # Given a visitor on the public page of a cycle's decisions
    report = crawl(
        page,
        live_server.url,
        [f"/decisions/published/{cycle.public_id}/"],
        limit=3,
        skip=[r"^/(?!reports/open-data/|decisions/published/)"],
    )
    record_crawl(report)

    # Then the open data page is linked, answers and passes the checks
    report.assert_no_problems()
    assert "/reports/open-data/decisions/" in report.paths
    # And the files it links to download without signing in
    response = page.request.get(f"{live_server.url}/reports/open-data/decisions/{cycle.public_id}.json")
    assert response.ok and response.json()["cycle"]["name"] == cycle.name
