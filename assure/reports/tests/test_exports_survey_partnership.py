"""Survey and partnership review downloads follow the same permission and anonymity rules as their pages."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assure.partnerships.models import PartnershipReview
from assure.surveys.models import Survey


def sheet_rows(response, sheet: str | None = None) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.content))
    ws = workbook[sheet] if sheet else workbook.worksheets[0]
    return [list(row) for row in ws.iter_rows(values_only=True)]


@pytest.fixture
def islington_survey(demo) -> Survey:
    return Survey.objects.get(cycle=demo.cycle, organisation=demo.ccg2)


@pytest.fixture
def camden_survey(demo) -> Survey:
    return Survey.objects.get(cycle=demo.cycle, organisation=demo.ccg)


def review(demo, hwb_code: str) -> PartnershipReview:
    return PartnershipReview.objects.get(cycle=demo.cycle, hwb__code=hwb_code)


# 360° results ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["region_client", "assessor_client", "ccg2_lead_client"])
def test_the_results_workbook_leaves_out_suppressed_groups(request, who, islington_survey):
    response = request.getfixturevalue(who).get(
        reverse("surveys:export_xlsx", args=[islington_survey.public_id])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = sheet_rows(response)
    assert rows[0][:5] == ["Group", "Responses", "Domain", "Statement", "Statement text"]
    by_group: dict[str, list] = {}
    for row in rows[1:]:
        by_group.setdefault(row[0], []).append(row)
    assert len(by_group["Member practices"]) > 6  # a row per statement
    # Providers (2) and local authority (5, hidden with them): one row each, no counts
    for label in ("Providers", "Local authority"):
        (only,) = by_group[label]
        assert only[4] == "suppressed" and all(v in (None, "") for v in only[5:])
    assert only[1] == "suppressed"
    assert by_group["Providers"][0][1] == "fewer than 5"


@pytest.mark.parametrize("who", ["outsider_client", "hwb_lead_client", "ccg_lead_client"])
def test_the_results_workbook_is_404_for_those_who_cannot_see_the_survey(request, who, islington_survey):
    url = reverse("surveys:export_xlsx", args=[islington_survey.public_id])
    assert request.getfixturevalue(who).get(url).status_code == 404


def test_no_results_workbook_before_the_survey_closes(ccg_lead_client, camden_survey):
    response = ccg_lead_client.get(reverse("surveys:export_xlsx", args=[camden_survey.public_id]))

    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:detail", args=[camden_survey.public_id])


# The stakeholder list ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_ccg_lead_downloads_the_stakeholder_list(ccg_lead_client, camden_survey, fmt):
    url = reverse("surveys:stakeholders_export", args=[camden_survey.public_id, fmt])
    response = ccg_lead_client.get(url)

    assert response.status_code == 200
    if fmt == "csv":
        lines = response.content.decode("utf-8-sig").splitlines()
        assert (
            lines[0] == "Name,Email,Organisation,Group,Status,Reminders sent,Added,Invited,Opened,Responded"
        )
        assert len(lines) == 1 + camden_survey.stakeholders.count()
        responded = next(line for line in lines if ",Responded," in line)
        assert responded.split(",")[-1][:4].isdigit() and "T" in responded.split(",")[-1]  # ISO date and time
    else:
        rows = sheet_rows(response)
        assert rows[0][:2] == ["Name", "Email"]
        assert len(rows) == 1 + camden_survey.stakeholders.count()


def test_the_stakeholder_list_of_one_group(ccg_lead_client, camden_survey):
    url = reverse("surveys:stakeholders_export", args=[camden_survey.public_id, "csv"])
    lines = ccg_lead_client.get(url, {"group": "hwb"}).content.decode("utf-8-sig").splitlines()

    assert len(lines) == 1 + camden_survey.stakeholders.filter(group="hwb").count()
    assert all(",Health and Wellbeing Board," in line for line in lines[1:])


@pytest.mark.parametrize(
    "who", ["ccg_staff_client", "region_client", "assessor_client", "hwb_lead_client", "outsider_client"]
)
def test_the_stakeholder_list_download_is_for_the_ccg_lead_only(request, who, camden_survey):
    url = reverse("surveys:stakeholders_export", args=[camden_survey.public_id, "csv"])
    assert request.getfixturevalue(who).get(url).status_code == 404


def test_only_the_ccg_lead_is_offered_the_download(ccg_lead_client, ccg_staff_client, camden_survey):
    page = reverse("surveys:stakeholders", args=[camden_survey.public_id])
    link = reverse("surveys:stakeholders_export", args=[camden_survey.public_id, "xlsx"])

    assert link in ccg_lead_client.get(page).content.decode()
    assert link not in ccg_staff_client.get(page).content.decode()


def test_an_unknown_format_is_404(ccg_lead_client, camden_survey):
    url = reverse("surveys:stakeholders_export", args=[camden_survey.public_id, "pdf"])
    assert ccg_lead_client.get(url).status_code == 404


# Partnership review --------------------------------------------------------------------------------------------


def test_the_agreed_review_workbook_has_both_sides_gaps_and_agreements(demo, region_client):
    islington = review(demo, "HWB-ISL")
    response = region_client.get(reverse("partnerships:export_xlsx", args=[islington.public_id]))

    assert response.status_code == 200
    items = sheet_rows(response, "Items")
    assert items[0][:9] == [
        "Domain",
        "Code",
        "Tier",
        "Item",
        "CCG rating",
        "CCG comment",
        "HWB rating",
        "HWB comment",
        "Gap",
    ]
    assert all(row[4] is not None and row[6] is not None and row[10] is not None for row in items[1:])
    due = [row[13] for row in items[1:] if row[13] is not None]
    assert due and all(hasattr(d, "year") for d in due)  # real dates
    summary = sheet_rows(response, "Gaps by domain")
    assert summary[0][:3] == ["Domain", "Domain title", "Items that agree"]
    assert len(summary) == 7


def test_the_hwb_before_release_gets_nothing_of_the_ccgs_side(demo, client_for):
    hackney = review(demo, "HWB-HAC")  # the CCG side released, the HWB still rating
    client = client_for("hackney.hwb@example.org")

    response = client.get(reverse("partnerships:export_xlsx", args=[hackney.public_id]))

    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Items"]
    items = sheet_rows(response, "Items")
    assert all(row[4] is None and row[5] in (None, "") and row[8] is None for row in items[1:])
    assert any(row[6] is not None for row in items[1:])  # their own ratings are there


def test_the_ccg_before_release_gets_nothing_of_the_hwbs_side(demo, client_for):
    hackney = review(demo, "HWB-HAC")
    client = client_for("hackney.ccg@example.org")

    items = sheet_rows(client.get(reverse("partnerships:export_xlsx", args=[hackney.public_id])), "Items")

    assert all(row[6] is None and row[7] in (None, "") for row in items[1:])
    assert all(row[4] is not None for row in items[1:])


@pytest.mark.parametrize("who", ["outsider_client", "region_client", "ccg2_lead_client"])
def test_the_review_workbook_is_404_for_those_who_cannot_see_the_review(request, who, demo):
    camden = review(demo, "HWB-CAM")  # not agreed: the region does not see it yet
    url = reverse("partnerships:export_xlsx", args=[camden.public_id])
    assert request.getfixturevalue(who).get(url).status_code == 404


def test_the_review_workbook_answers_in_a_fixed_number_of_queries(
    demo, region_client, django_assert_max_num_queries
):
    islington = review(demo, "HWB-ISL")
    with django_assert_max_num_queries(15):
        assert (
            region_client.get(reverse("partnerships:export_xlsx", args=[islington.public_id])).status_code
            == 200
        )


def test_the_stakeholder_list_and_results_downloads_answer_in_a_fixed_number_of_queries(
    demo, ccg_lead_client, ccg2_lead_client, camden_survey, islington_survey, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assure.surveys.models import Stakeholder

    url = reverse("surveys:stakeholders_export", args=[camden_survey.public_id, "xlsx"])
    with CaptureQueriesContext(connection) as small:
        assert ccg_lead_client.get(url).status_code == 200
    Stakeholder.objects.bulk_create(
        [
            Stakeholder(survey=camden_survey, name=f"P {n}", email=f"p{n}@example.org", group="provider")
            for n in range(250)
        ]
    )
    with CaptureQueriesContext(connection) as large:
        assert ccg_lead_client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries) <= 10
    with django_assert_max_num_queries(10):
        ccg2_lead_client.get(reverse("surveys:export_xlsx", args=[islington_survey.public_id]))
