"""Exporting the self-assessment to Excel and importing a filled-in workbook, through the pages."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assure.assessments import services, xlsx
from assure.assessments.models import NARRATIVE_MAX_LENGTH, Assessment, ItemResponse
from assure.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


# Helpers ----------------------------------------------------------------------------------------------------


def export_url(assessment) -> str:
    return reverse("assessments:export_xlsx", args=[assessment.public_id])


def import_url(assessment) -> str:
    return reverse("assessments:import_xlsx", args=[assessment.public_id])


def export(client, assessment) -> bytes:
    response = client.get(export_url(assessment))
    assert response.status_code == 200
    return response.content


def fill(data: bytes, changes: dict[str, dict[str, object]]) -> bytes:
    """Change cells by item code and column header, as someone would in Excel."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        if not ws.title.startswith("Domain"):
            continue
        columns = {cell.value: cell.column for cell in ws[2] if cell.value}
        for row in ws.iter_rows(min_row=3):
            for header, value in changes.get(row[0].value, {}).items():
                ws.cell(row=row[0].row, column=columns[header]).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, assessment, data: bytes, name="assessment.xlsx"):
    return client.post(
        import_url(assessment), {"file": SimpleUploadedFile(name, data, content_type=xlsx.CONTENT_TYPE)}
    )


def confirm(client, assessment, token: str):
    return client.post(import_url(assessment), {"token": token})


def state(assessment) -> tuple[list[tuple], int]:
    """Every item's values and version, and the number of audit events: what a refused import must not change."""
    values = list(
        ItemResponse.objects.filter(assessment=assessment)
        .order_by("pk")
        .values_list("item__code", "rating", "not_applicable", "reason", "narrative", "version")
    )
    return values, AuditEvent.objects.count()


def response_for(assessment, code) -> ItemResponse:
    return ItemResponse.objects.select_related("item", "assessment__cycle__framework").get(
        assessment=assessment, item__code=code
    )


def save_on_website(assessment, code, user, rating):
    response = response_for(assessment, code)
    return services.item_save(
        response=response,
        user=user,
        data=services.ItemInput(rating=rating, not_applicable=False, narrative=response.narrative),
        version=response.version,
    )


@pytest.fixture
def staff(ccg_staff_client):
    return ccg_staff_client


@pytest.fixture
def submitted(demo) -> Assessment:
    """Islington's self-assessment, which the demo submits."""
    return Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg2)


# Export -----------------------------------------------------------------------------------------------------


def test_a_ccg_member_downloads_the_self_assessment_as_a_workbook(staff, assessment):
    response = staff.get(export_url(assessment))

    assert response.status_code == 200
    assert response["Content-Type"] == xlsx.CONTENT_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="assessment-07R-london-ccg-authorisation-wave-3.xlsx"'
    )
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == [f"Domain {n}" for n in range(1, 7)] + ["Scale", "About"]
    rows = {row[0]: row for ws in wb.worksheets[:6] for row in ws.iter_rows(min_row=3, values_only=True)}
    assert len(rows) == 77
    saved = response_for(assessment, "1.1")
    assert rows["1.1"][3] == saved.rating == 2
    assert rows["1.1"][5] == saved.narrative
    assert rows["3.1"][3] is None  # not rated yet
    assert rows["1.1"][1] == "Build the basics"
    about = {row[0]: row[1] for row in wb["About"].iter_rows(values_only=True) if row[0]}
    assert about["CCG"] == "NHS Camden CCG (07R)"
    assert about["Framework"] == "ccg-authorisation-2012"


def test_a_not_applicable_item_is_exported_as_na_with_its_reason(staff, assessment, demo):
    response = response_for(assessment, "3.1")
    services.item_save(
        response=response,
        user=demo.ccg_lead,
        data=services.ItemInput(rating=None, not_applicable=True, reason="Not commissioned by the CCG"),
        version=response.version,
    )

    ws = openpyxl.load_workbook(io.BytesIO(export(staff, assessment)))["Domain 3"]

    assert [c.value for c in ws[3]][:5] == [
        "3.1",
        "Build the basics",
        response.item.text,
        "N/A",
        "Not commissioned by the CCG",
    ]


def test_the_export_takes_a_fixed_number_of_queries(staff, assessment, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        export(staff, assessment)
    with CaptureQueriesContext(connection) as all_items:
        export(staff, assessment)
    ItemResponse.objects.filter(assessment=assessment, item__domain__number__gt=1).delete()
    with CaptureQueriesContext(connection) as one_domain:
        export(staff, assessment)
    assert len(all_items) == len(one_domain)


@pytest.mark.parametrize("who", ["outsider_client", "ccg2_lead_client", "hwb_lead_client", "assessor_client"])
def test_people_who_cannot_see_the_draft_get_not_found(request, who, assessment):
    client = request.getfixturevalue(who)

    assert client.get(export_url(assessment)).status_code == 404
    assert client.get(import_url(assessment)).status_code == 404
    assert upload(client, assessment, b"PK").status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, assessment):
    for url in (export_url(assessment), import_url(assessment)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_the_task_list_links_to_the_export_and_the_import(staff, assessment):
    html = staff.get(reverse("assessments:task_list", args=[assessment.public_id])).content.decode()

    assert export_url(assessment) in html
    assert import_url(assessment) in html


# Import: the round trip -------------------------------------------------------------------------------------


def test_export_fill_in_preview_and_confirm_saves_the_ratings(staff, assessment, demo):
    data = fill(
        export(staff, assessment),
        {
            "1.1": {"Rating": 3},
            "3.1": {"Rating": 2, "Narrative": "Our plan was agreed with the HWB in May."},
            "3.2": {"Rating": "N/A", "Not applicable reason": "No acute trust in the area"},
            "4.1": {"Narrative": "Board minutes, March"},
        },
    )
    before = state(assessment)

    preview = upload(staff, assessment, data)

    assert preview.status_code == 200
    assert state(assessment) == before  # nothing is saved by the preview
    html = preview.content.decode()
    assert "4 items will change." in html
    assert "73 items in the workbook are unchanged." in html
    assert "2 \N{EN DASH} In place" in html
    assert "3 \N{EN DASH} Embedded" in html
    assert "No acute trust in the area" in html
    assert '<th class="nhsuk-table__header" scope="row">3.2</th>' in html
    assert "1.2</th>" not in html  # only the items that change are listed
    token = preview.context["token"]

    done = confirm(staff, assessment, token)

    assert done.status_code == 302
    assert done["Location"] == reverse("assessments:task_list", args=[assessment.public_id])
    page = staff.get(done["Location"])
    assert "4 items updated from the workbook." in page.content.decode()
    assert response_for(assessment, "1.1").rating == 3
    saved = response_for(assessment, "3.1")
    assert (saved.rating, saved.narrative, saved.updated_by) == (
        2,
        "Our plan was agreed with the HWB in May.",
        demo.ccg_staff,
    )
    na = response_for(assessment, "3.2")
    assert (na.rating, na.not_applicable, na.reason) == (None, True, "No acute trust in the area")
    assert response_for(assessment, "4.1").narrative == "Board minutes, March"
    events = AuditEvent.objects.filter(action="item.saved", actor=demo.ccg_staff)
    assert sorted(e.context for e in events) == ["Item 1.1", "Item 3.1", "Item 3.2", "Item 4.1"]


def test_confirming_twice_imports_once(staff, assessment):
    preview = upload(staff, assessment, fill(export(staff, assessment), {"3.1": {"Rating": 1}}))
    token = preview.context["token"]
    assert confirm(staff, assessment, token).status_code == 302
    after = state(assessment)

    again = confirm(staff, assessment, token)

    assert again.status_code == 409
    assert "no longer waiting to be imported" in again.content.decode()
    assert state(assessment) == after


def test_the_confirm_form_carries_no_values_only_a_token(staff, assessment):
    preview = upload(staff, assessment, fill(export(staff, assessment), {"3.1": {"Rating": 1}}))
    before = state(assessment)

    forged = staff.post(import_url(assessment), {"token": "guess", "rating": 3, "code": "3.1"})

    assert forged.status_code == 409
    assert state(assessment) == before
    assert confirm(staff, assessment, preview.context["token"]).status_code == 302
    assert response_for(assessment, "3.1").rating == 1


def test_a_workbook_that_changes_nothing_says_so(staff, assessment):
    preview = upload(staff, assessment, export(staff, assessment))

    html = preview.content.decode()
    assert "0 items will change." in html
    assert "nothing to save" in html
    assert 'name="token"' not in html


def test_the_preview_takes_a_fixed_number_of_queries(staff, assessment, django_assert_max_num_queries):
    full = fill(
        export(staff, assessment), {code: {"Rating": 1} for code in ("3.1", "3.2", "4.1", "5.1", "6.1")}
    )
    with django_assert_max_num_queries(12):
        upload(staff, assessment, full)
    with CaptureQueriesContext(connection) as all_rows:
        upload(staff, assessment, full)
    wb = openpyxl.load_workbook(io.BytesIO(full))
    for title in ("Domain 2", "Domain 3", "Domain 4", "Domain 5"):
        del wb[title]
    fewer = io.BytesIO()
    wb.save(fewer)
    with CaptureQueriesContext(connection) as fewer_rows:
        response = upload(staff, assessment, fewer.getvalue())
    assert "1 item will change." in response.content.decode()
    assert len(all_rows) == len(fewer_rows)


# Import: problems -------------------------------------------------------------------------------------------


def test_every_problem_in_a_bad_workbook_is_listed_and_nothing_is_written(staff, assessment):
    data = fill(
        export(staff, assessment),
        {
            "1.1": {"Rating": 9},  # Domain 1, row 3
            "1.2": {"Rating": "N/A"},  # no reason
            "2.1": {"Not applicable reason": "We think so"},  # a reason without N/A
            "3.1": {"Narrative": "x" * (NARRATIVE_MAX_LENGTH + 1), "Rating": 2},
            "4.1": {"Code": "4.99"},
            "5.1": {"Code": "5.2"},  # 5.2 twice
        },
    )
    before = state(assessment)

    response = upload(staff, assessment, data)

    assert response.status_code == 200
    assert state(assessment) == before
    assert "token" not in response.context or not response.context.get("token")
    problems = [(p.sheet, p.row, p.column) for p in response.context["problems"]]
    assert problems == [
        ("Domain 1", 3, "D (Rating)"),
        ("Domain 1", 4, "E (Not applicable reason)"),
        ("Domain 2", 3, "E (Not applicable reason)"),
        ("Domain 3", 3, "F (Narrative)"),
        ("Domain 4", 3, "A (Code)"),
        ("Domain 5", 4, "A (Code)"),
    ]
    html = response.content.decode()
    assert html.count('<tr class="nhsuk-table__row">') == 1 + 6
    assert "6 problems in the workbook" in html
    assert "Choose a rating for 1.1 from 0 to 3" in html
    assert "There is no item 4.99 in the framework" in html
    # The error summary links to the file input, which carries the same message.
    assert 'href="#id_file"' in html
    assert 'id="id_file-error"' in html
    assert "<title>Error: " in html


def test_a_change_made_on_the_website_since_the_export_is_not_overwritten(staff, assessment, demo):
    data = export(staff, assessment)
    save_on_website(assessment, "1.1", demo.ccg_lead, rating=0)
    before = state(assessment)

    response = upload(staff, assessment, fill(data, {"1.1": {"Rating": 3}}))

    assert state(assessment) == before
    (problem,) = response.context["problems"]
    assert (problem.sheet, problem.row) == ("Domain 1", 3)
    assert "changed on the website by" in problem.message


def test_rows_left_alone_in_the_workbook_keep_the_websites_later_changes(staff, assessment, demo):
    data = export(staff, assessment)
    save_on_website(assessment, "1.1", demo.ccg_lead, rating=0)

    preview = upload(staff, assessment, fill(data, {"3.1": {"Rating": 2}}))
    assert [c["change"].code for c in preview.context["changes"]] == ["3.1"]
    confirm(staff, assessment, preview.context["token"])

    assert response_for(assessment, "1.1").rating == 0
    assert response_for(assessment, "3.1").rating == 2


def test_an_item_saved_after_the_preview_stops_the_whole_import(staff, assessment, demo):
    preview = upload(
        staff, assessment, fill(export(staff, assessment), {"3.1": {"Rating": 2}, "3.2": {"Rating": 1}})
    )
    assert preview.status_code == 200
    save_on_website(assessment, "3.2", demo.ccg_lead, rating=3)  # someone else, between preview and confirm
    before = state(assessment)

    refused = confirm(staff, assessment, preview.context["token"])

    assert refused.status_code == 409
    assert state(assessment) == before  # not even 3.1, which nobody else touched
    html = refused.content.decode()
    assert "Nothing was imported" in html
    assert "Item 3.2 was saved by Dr Clare Lead" in html
    assert 'href="#id_file"' in html
    assert response_for(assessment, "3.2").rating == 3


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("assessment.pdf", b"%PDF-1.4 a pdf", "must be an Excel workbook (.xlsx)"),
        ("assessment.xlsx", b"%PDF-1.4 a pdf in disguise", "is not an Excel workbook, or it is damaged"),
        ("assessment.xlsx", b"PK\x03\x04 not really a zip", "is not an Excel workbook, or it is damaged"),
        ("assessment.xlsx", b"", "The selected file is empty"),
        ("assessment.xlsx", b"PK\x03\x04" + b"\x00" * (5 * 1024 * 1024), "must be smaller than 5 MB"),
    ],
)
def test_files_that_are_not_workbooks_are_refused(staff, assessment, name, content, message):
    before = state(assessment)

    response = upload(staff, assessment, content, name=name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert state(assessment) == before


def test_uploading_nothing_asks_for_a_file(staff, assessment):
    response = staff.post(import_url(assessment), {})

    html = response.content.decode()
    assert "Select the workbook to import" in html
    assert 'href="#id_file"' in html


def test_a_workbook_of_another_kind_is_a_problem(staff, assessment):
    wb = openpyxl.Workbook()
    wb.active.append(["Name", "Score"])
    out = io.BytesIO()
    wb.save(out)

    response = upload(staff, assessment, out.getvalue())

    assert "The workbook has no domain sheets" in response.content.decode()


def test_the_upload_page_is_an_accessible_form(staff, assessment):
    html = staff.get(import_url(assessment)).content.decode()

    assert 'enctype="multipart/form-data"' in html
    assert '<label class="nhsuk-label nhsuk-label--m" for="id_file">' in html
    assert 'aria-describedby="id_file-hint"' in html
    assert 'class="nhsuk-file-upload__input"' in html
    assert export_url(assessment) in html


# Import: a submitted self-assessment ------------------------------------------------------------------------


def test_a_submitted_self_assessment_refuses_an_import(ccg2_lead_client, submitted):
    data = fill(export(ccg2_lead_client, submitted), {"1.1": {"Rating": 0}})
    before = state(submitted)

    page = ccg2_lead_client.get(import_url(submitted))
    posted = upload(ccg2_lead_client, submitted, data)

    for response in (page, posted):
        assert response.status_code == 302
        assert response["Location"] == reverse("assessments:task_list", args=[submitted.public_id])
    assert state(submitted) == before
    html = ccg2_lead_client.get(posted["Location"]).content.decode()
    assert "cannot be imported" in html
    assert import_url(submitted) not in html


def test_a_self_assessment_submitted_between_preview_and_confirm_is_not_changed(staff, assessment, demo):
    for response in assessment.responses.select_related("item", "assessment__cycle__framework").filter(
        rating__isnull=True, not_applicable=False
    ):
        services.item_save(
            response=response,
            user=demo.ccg_lead,
            data=services.ItemInput(rating=1, not_applicable=False),
            version=response.version,
        )
    preview = upload(staff, assessment, fill(export(staff, assessment), {"3.1": {"Rating": 3}}))
    services.assessment_submit(assessment=assessment, user=demo.ccg_lead)
    before = state(assessment)

    response = confirm(staff, assessment, preview.context["token"])

    assert response.status_code == 302
    assert state(assessment) == before
