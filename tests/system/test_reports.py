"""The CCG report and the regional dashboard in a browser: reading them, and downloading the PDF."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .crawler import crawl

pytestmark = pytest.mark.system


def test_a_regional_lead_opens_a_ccg_report_from_the_dashboard_and_downloads_the_pdf(
    page, live_server, demo_site, sign_in
):
    # Given the regional lead on the regional dashboard
    sign_in(page, "region@example.org")
    page.get_by_role("link", name="Regional dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regional dashboard")
    heatmap = page.get_by_role("table")
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
    islington = Assessment.objects.get(organisation__code="08H")

    # When the CCG lead asks for the PDF of their report
    page.goto(f"/reports/assessments/{islington.public_id}/")
    page.get_by_role("link", name=re.compile("Download the report as a PDF")).click()

    # Then a page says it is being prepared, and it passes the accessibility checks
    expect(page.get_by_role("heading", level=1)).to_have_text("Preparing your PDF")
    expect(page.get_by_role("status")).to_contain_text("Waiting for the worker")
    crawl(page, live_server.url, [page.url.removeprefix(live_server.url)], limit=1).assert_no_problems()

    # When the worker has made it, the page updates by itself and offers the download
    services.report_pdf_render(report_pdf_id=ReportPdf.objects.get(assessment=islington).pk)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your PDF is ready", timeout=10_000)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    assert download_info.value.suggested_filename.endswith("-report.pdf")
