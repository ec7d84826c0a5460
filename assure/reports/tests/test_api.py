"""Reports over the API: the report PDF, the self-assessment workbook and the dashboard, scoped as the pages."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from assure.reports.models import ReportPdf


def test_the_report_pdf(demo, api_get, token_for, islington):
    response = api_get(f"/api/v1/assessments/{islington.public_id}/report.pdf", token_for(demo.region_lead))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_report_pdf_answers_202_while_the_worker_prepares_it(
    settings, demo, api_get, token_for, islington
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    response = api_get(f"/api/v1/assessments/{islington.public_id}/report.pdf", token_for(demo.region_lead))

    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert ReportPdf.objects.filter(assessment=islington).count() == 1


@pytest.mark.parametrize("who", ["outsider", "hwb_lead", "ccg2_lead", "region_lead"])
def test_the_report_pdf_of_a_draft_is_404_for_others(request, demo, who, api_get, token_for, camden):
    user = request.getfixturevalue("outsider") if who == "outsider" else getattr(demo, who)
    assert api_get(f"/api/v1/assessments/{camden.public_id}/report.pdf", token_for(user)).status_code == 404


def test_the_report_needs_a_token(api_get, islington):
    assert api_get(f"/api/v1/assessments/{islington.public_id}/report.pdf").status_code == 401


def test_the_workbook_for_the_ccg_is_the_round_trip_workbook(demo, api_get, token_for, camden):
    response = api_get(f"/api/v1/assessments/{camden.public_id}/export.xlsx", token_for(demo.ccg_lead))

    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert "Domain 1" in wb.sheetnames


def test_the_workbook_for_the_region_is_the_latest_submission(demo, api_get, token_for, islington, camden):
    response = api_get(f"/api/v1/assessments/{islington.public_id}/export.xlsx", token_for(demo.assessor))

    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content))["Submission 1"]
    assert [c.value for c in ws[1]][:3] == ["Item code", "Domain", "Tier"]
    assert (
        api_get(f"/api/v1/assessments/{camden.public_id}/export.xlsx", token_for(demo.assessor)).status_code
        == 404
    )


def test_the_workbook_is_404_for_outsiders(api_get, token_for, outsider, islington):
    assert (
        api_get(f"/api/v1/assessments/{islington.public_id}/export.xlsx", token_for(outsider)).status_code
        == 404
    )


def test_the_dashboard_has_a_row_per_ccg(demo, api_get, token_for, islington):
    response = api_get("/api/v1/dashboard", token_for(demo.region_lead), cycle=str(demo.cycle.public_id))

    assert response.status_code == 200
    body = response.json()
    assert body["cycle_name"] == demo.cycle.name
    rows = {row["ccg"]["code"]: row for row in body["rows"]}
    assert set(rows) == {c.code for c in demo.ccgs}
    islington_row = rows["08H"]
    assert islington_row["stage"] == "Self-assessment submitted"
    assert [d["number"] for d in islington_row["domains"]] == [1, 2, 3, 4, 5, 6]
    assert islington_row["domains"][0]["level"] == "beyond_authorisation"
    # Two assessors judged Islington: met everywhere, except domain 3 where one says met with conditions
    assert [d["judgement"] for d in islington_row["domains"]][:3] == ["met", "met", "met_with_conditions"]
    assert all(d["judgement"] is None for d in rows["07R"]["domains"])
    # Islington's 360° survey has closed: each domain carries the share of stakeholders' opinions that agree
    assert all(0 <= d["agreement"] <= 100 for d in islington_row["domains"])
    # Camden's survey is still open: no agreement before it closes
    assert all(d["agreement"] is None for d in rows["07R"]["domains"])
    assert islington_row["outcome"] is None and islington_row["open_conditions"] is None
    assert rows["07R"]["domains"][0]["level"] is None  # a draft is never shown to the region


@pytest.mark.parametrize("who", ["ccg_lead", "hwb_lead"])
def test_the_dashboard_is_403_for_ccg_and_hwb_people(demo, who, api_get, token_for):
    assert api_get("/api/v1/dashboard", token_for(getattr(demo, who))).status_code == 403


def test_the_dashboard_of_another_regions_cycle_is_404(demo, elsewhere, api_get, token_for):
    response = api_get("/api/v1/dashboard", token_for(demo.region_lead), cycle=str(elsewhere.cycle.public_id))
    assert response.status_code == 404


def test_the_dashboard_api_answers_in_a_fixed_number_of_queries(
    demo, api_get, token_for, django_assert_max_num_queries
):
    from .factories import submitted_ccgs

    submitted_ccgs(demo.cycle, demo.region, 60)
    token = token_for(demo.region_lead)
    # The agreement measure reads closed surveys' statements and responses when their figures are not in the
    # cache. The page's overdue steps and response rates are not in the API's rows, so they are not worked out.
    with django_assert_max_num_queries(15):
        response = api_get("/api/v1/dashboard", token, cycle=str(demo.cycle.public_id))
    assert len(response.json()["rows"]) == 66


def test_the_dashboard_api_gives_this_cycles_values_without_reading_the_previous_cycles(
    demo, api_get, token_for, islington
):
    """The rows carry no change since the previous cycle, so its levels and survey figures are not read."""
    from assure.cycles.tests.factories import CycleFactory

    from .factories import closed_surveys, submitted_ccgs

    previous = CycleFactory(name="London wave 0", region=demo.region, ccgs=[demo.ccg2])
    earlier = submitted_ccgs(previous, demo.region, 1)  # submitted in the previous cycle, in this one too
    demo.cycle.ccgs.add(*earlier)
    closed_surveys(previous, [demo.ccg2, *earlier], respondents=5, answer="disagree")
    token = token_for(demo.region_lead)
    params = {"cycle": str(demo.cycle.public_id)}
    api_get("/api/v1/dashboard", token, **params)  # this cycle's survey figures are now in the cache
    with CaptureQueriesContext(connection) as alone:
        before = api_get("/api/v1/dashboard", token, **params).json()
    demo.cycle.previous = previous
    demo.cycle.save()

    with CaptureQueriesContext(connection) as following:
        after = api_get("/api/v1/dashboard", token, **params).json()

    assert after["compared_with"] == "London wave 0"
    assert after["rows"] == before["rows"]
    assert len(following.captured_queries) == len(alone.captured_queries)
