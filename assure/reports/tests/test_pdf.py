"""The CCG report as an A4 PDF: made by the worker, cached per content, checked by rendering it to PNG."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assure.assessments import services as assessment_services
from assure.core.tests.helpers import page_text
from assure.reports import services
from assure.reports.models import ReportPdf

from .conftest import pdf_pages_as_png, pdf_text

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def pdf_url(assessment) -> str:
    return reverse("reports:report_pdf", args=[assessment.public_id])


def test_the_pdf_has_a_cover_contents_numbered_pages_and_every_section(region_client, islington, tmp_path):
    response = region_client.get(pdf_url(islington))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        'filename="nhs-islington-ccg-london-ccg-authorisation-wave-3-report.pdf"'
        in response["Content-Disposition"]
    )
    content = response.content
    pages = pdf_pages_as_png(content, tmp_path)
    # A cover with the contents, then one section per page or more
    assert len(pages) >= 4
    assert all(p.stat().st_size > 1000 for p in pages)
    text = pdf_text(content, tmp_path)
    assert "NHS Islington CCG: CCG report" in text
    assert "Contents" in text
    assert f"Page 1 of {len(pages)}" in text and f"Page {len(pages)} of {len(pages)}" in text
    for heading in (
        "Self-assessed maturity and threshold by domain",
        "The six domains at a glance",
        "Evidence coverage",
    ):
        assert heading in text
    # The contents list gives each section's page
    assert "page 2" in text
    # The chart's labels are text in the PDF, with its description and table alternative
    assert "Self-assessment: highest in domain" in text or "Self-assessment: 100% in every domain" in text
    assert "The chart's numbers" in text
    assert "Beyond authorisation" in text


def test_the_pdf_is_made_once_per_content(
    region_client, assessor_client, islington, django_assert_max_num_queries
):
    region_client.get(pdf_url(islington))
    assessor_client.get(pdf_url(islington))

    assert ReportPdf.objects.filter(assessment=islington).count() == 1


def test_a_change_makes_a_new_pdf(demo, ccg_lead_client, camden):
    ccg_lead_client.get(pdf_url(camden))
    response = camden.responses.select_related("item").get(item__code="3.1")
    assessment_services.item_save(
        response=response,
        user=demo.ccg_lead,
        data=assessment_services.ItemInput(rating=3, not_applicable=False),
        version=response.version,
    )
    ccg_lead_client.get(pdf_url(camden))

    assert ReportPdf.objects.filter(assessment=camden).count() == 2
    assert ReportPdf.objects.filter(assessment=camden, from_draft=True).count() == 2


def test_while_the_worker_prepares_it_the_page_shows_progress_and_then_the_download(
    settings, region_client, islington
):
    # Given a worker that has not picked the job up yet
    settings.TASKS = DUMMY
    response = region_client.get(pdf_url(islington))

    # Then they are shown a page that says it is being prepared, polls with htmx and has a refresh link
    report_pdf = ReportPdf.objects.get(assessment=islington)
    status_url = reverse("reports:pdf_status", args=[islington.public_id, report_pdf.public_id])
    assert response.status_code == 302 and response["Location"] == status_url
    page = region_client.get(status_url)
    text = page_text(page)
    assert "Preparing your PDF" in text and "Waiting for the worker (step 1 of 4)" in text
    assert 'hx-trigger="every 2s"' in page.content.decode()
    assert "refresh the page" in text
    # And the download is not there yet
    download = reverse("reports:pdf_download", args=[islington.public_id, report_pdf.public_id])
    assert region_client.get(download).status_code == 302

    # When the worker has made it
    services.report_pdf_render(report_pdf_id=report_pdf.pk)

    # Then the page offers the download, and stops polling
    page = region_client.get(status_url, headers={"HX-Request": "true"})
    assert "Your PDF is ready" in page_text(page) and "hx-trigger" not in page.content.decode()
    response = region_client.get(download)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_failed_pdf_says_so_and_can_be_tried_again(monkeypatch, region_client, islington):
    def broken(*args, **kwargs):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(services, "render_pdf", broken)
    response = region_client.get(pdf_url(islington))
    report_pdf = ReportPdf.objects.get(assessment=islington)
    assert report_pdf.is_failed and "no fonts" in report_pdf.error
    assert "The PDF could not be made" in page_text(region_client.get(response["Location"]))

    monkeypatch.undo()
    assert region_client.get(pdf_url(islington))["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("who", ["outsider_client", "hwb_lead_client", "ccg2_lead_client"])
def test_outsiders_get_404_for_the_pdf_its_progress_and_its_download(request, who, ccg_lead_client, camden):
    ccg_lead_client.get(pdf_url(camden))
    report_pdf = ReportPdf.objects.get(assessment=camden)
    client = request.getfixturevalue(who)

    assert client.get(pdf_url(camden)).status_code == 404
    assert (
        client.get(reverse("reports:pdf_status", args=[camden.public_id, report_pdf.public_id])).status_code
        == 404
    )
    assert (
        client.get(reverse("reports:pdf_download", args=[camden.public_id, report_pdf.public_id])).status_code
        == 404
    )


def test_a_draft_pdf_stays_with_the_ccg_after_submission_is_seen_by_the_region(
    demo, ccg2_lead_client, region_client, islington
):
    # Islington's lead makes a PDF of their working copy after a reopening
    assessment_services.assessment_reopen(assessment=islington, user=demo.assessor, reason="More on domain 3")
    ccg2_lead_client.get(pdf_url(islington))
    draft_pdf = ReportPdf.objects.get(assessment=islington, from_draft=True)

    # The region may see the self-assessment, but not that PDF of the draft
    download = reverse("reports:pdf_download", args=[islington.public_id, draft_pdf.public_id])
    assert region_client.get(download).status_code == 404
    assert ccg2_lead_client.get(download).status_code == 200
