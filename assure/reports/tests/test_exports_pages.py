"""Every list and table with a download gives it to exactly the people who can see the page, in both formats."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

# name -> (page URL, export URL maker, who may see it, who gets 404)
CASES = {
    "evidence library": (
        lambda d, a: reverse("evidence:library", args=[d.ccg.code]),
        lambda d, a, f: reverse("evidence:library_export", args=[d.ccg.code, f]),
        ["ccg_lead_client", "ccg_staff_client", "platform_admin_client"],
        ["outsider_client", "ccg2_lead_client", "hwb_lead_client", "region_client"],
    ),
    "evidence coverage": (
        lambda d, a: reverse("evidence:coverage", args=[d.ccg.code]),
        lambda d, a, f: reverse("evidence:coverage_export", args=[d.ccg.code, f]),
        ["ccg_lead_client", "ccg_staff_client", "platform_admin_client"],
        ["outsider_client", "ccg2_lead_client", "hwb_lead_client", "assessor_client"],
    ),
    "task list": (
        lambda d, a: reverse("assessments:task_list", args=[a.public_id]),
        lambda d, a, f: reverse("assessments:task_list_export", args=[a.public_id, f]),
        ["ccg_lead_client", "ccg_staff_client"],
        ["outsider_client", "ccg2_lead_client", "hwb_lead_client", "region_client", "assessor_client"],
    ),
    "audit trail": (
        lambda d, a: reverse("assessments:audit", args=[a.public_id]),
        lambda d, a, f: reverse("assessments:audit_export", args=[a.public_id, f]),
        ["ccg_lead_client", "platform_admin_client"],
        ["outsider_client", "ccg2_lead_client", "hwb_lead_client", "ccg_staff_client"],
    ),
    "cycle CCGs": (
        lambda d, a: reverse("cycles:detail", args=[d.cycle.public_id]),
        lambda d, a, f: reverse("cycles:ccgs_export", args=[d.cycle.public_id, f]),
        ["ccg_lead_client", "region_client", "assessor_client", "hwb_lead_client", "platform_admin_client"],
        ["outsider_client"],
    ),
    "dashboard": (
        lambda d, a: reverse("reports:dashboard") + f"?cycle={d.cycle.public_id}",
        lambda d, a, f: reverse("reports:dashboard_export", args=[f]) + f"?cycle={d.cycle.public_id}",
        ["region_client", "assessor_client", "platform_admin_client"],
        ["outsider_client", "ccg_lead_client", "hwb_lead_client"],
    ),
}


@pytest.fixture
def camden(demo):
    from assure.assessments.models import Assessment

    return Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_follow_the_pages_permissions(request, demo, camden, name, fmt):
    page, export, allowed, refused = CASES[name]
    for who in allowed:
        client = request.getfixturevalue(who)
        assert client.get(page(demo, camden)).status_code == 200, (who, "page")
        response = client.get(export(demo, camden, fmt))
        assert response.status_code == 200, (who, fmt)
        assert response["Content-Disposition"].startswith("attachment;")
        if fmt == "xlsx":
            load_workbook(io.BytesIO(response.content))
        else:
            assert response.content.decode("utf-8-sig").count("\n") >= 1
    for who in refused:
        client = request.getfixturevalue(who)
        assert client.get(page(demo, camden)).status_code in (404, 302), (who, "page")
        assert client.get(export(demo, camden, fmt)).status_code == 404, (who, fmt)


def test_an_unknown_format_is_404(demo, ccg_lead_client):
    assert (
        ccg_lead_client.get(reverse("evidence:library_export", args=[demo.ccg.code, "pdf"])).status_code
        == 404
    )


def test_the_evidence_export_has_sensible_columns_and_iso_dates(demo, ccg_lead_client):
    response = ccg_lead_client.get(reverse("evidence:library_export", args=[demo.ccg.code, "csv"]))
    lines = response.content.decode("utf-8-sig").splitlines()

    assert lines[0].startswith("Title,Evidence type,Document date,Owner,File or link,Link")
    row = next(line for line in lines if line.startswith("Camden CCG constitution"))
    assert ",Link,https://www.example.org/camden/ccg-constitution," in row
    import re

    assert re.search(r",\d{4}-\d{2}-\d{2},", row)


def test_the_region_reads_the_submitted_items_not_the_draft(demo, region_client, islington_submission_export):
    response = region_client.get(islington_submission_export)
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Item code,Domain,Tier,Item,Rating,Rating meaning")
    assert any(line.startswith("1.1,1,basics,") for line in lines)


@pytest.fixture
def islington_submission_export(demo):
    from assure.assessments.models import Assessment

    islington = Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg2)
    return reverse("assessments:submission_export", args=[islington.public_id, 1, "csv"])


def test_people_outside_the_ccg_who_ask_for_the_task_list_export_get_the_submitted_items(
    demo, region_client, islington_submission_export
):
    from assure.assessments.models import Assessment

    islington = Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg2)
    response = region_client.get(reverse("assessments:task_list_export", args=[islington.public_id, "csv"]))
    assert response.status_code == 302 and response["Location"] == islington_submission_export


@pytest.mark.parametrize("who", ["outsider_client", "hwb_lead_client", "ccg_lead_client"])
def test_the_submission_export_is_404_for_outsiders(request, who, islington_submission_export):
    assert request.getfixturevalue(who).get(islington_submission_export).status_code == 404


def test_the_cycle_workbook_has_a_sheet_per_table_for_the_region(demo, region_client):
    from assure.assessments.models import Assessment  # noqa: F401

    response = region_client.get(reverse("reports:cycle_workbook", args=[demo.cycle.public_id]))

    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["About", "CCGs", "Domain levels", "Item ratings"]
    ccgs = [row[0] for row in wb["CCGs"].iter_rows(min_row=2, values_only=True)]
    assert sorted(ccgs) == sorted(c.code for c in demo.ccgs)
    rated = {row[0] for row in wb["Item ratings"].iter_rows(min_row=2, values_only=True)}
    # Islington, Newham and Haringey submitted (the last two decided); Camden's draft is never in it
    assert rated == {"08H", "08M", "08D"}


@pytest.mark.parametrize("who", ["outsider_client", "ccg_lead_client", "hwb_lead_client"])
def test_the_cycle_workbook_is_404_for_everyone_else(request, demo, who):
    url = reverse("reports:cycle_workbook", args=[demo.cycle.public_id])
    assert request.getfixturevalue(who).get(url).status_code == 404
