"""The pages that run a survey, as each kind of person meets them; outsiders get 404 everywhere."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assure.core.tests.helpers import page_text
from assure.surveys.models import EmailDelivery, Stakeholder

GET_PAGES = ["detail", "settings", "stakeholders", "import", "close"]


def url(name, survey, *args):
    return reverse(f"surveys:{name}", args=[survey.public_id, *args])


@pytest.mark.parametrize("name", [*GET_PAGES, "results", "export_csv", "import_template"])
def test_outsiders_get_404_on_every_page(outsider_client, camden_survey, islington_survey, name):
    survey = islington_survey if name in {"results", "export_csv"} else camden_survey
    assert outsider_client.get(url(name, survey)).status_code == 404


@pytest.mark.parametrize("name", ["invite", "remind", "close", "settings", "stakeholders", "import"])
def test_outsiders_cannot_post_either(outsider_client, camden_survey, name):
    assert outsider_client.post(url(name, camden_survey), {"name": "x"}).status_code == 404
    assert not EmailDelivery.objects.filter(stakeholder__survey=camden_survey).exists()


def test_another_ccg_cannot_see_camdens_survey(ccg2_lead_client, camden_survey):
    assert ccg2_lead_client.get(url("detail", camden_survey)).status_code == 404
    assert "NHS Camden CCG" not in page_text(ccg2_lead_client.get(reverse("surveys:list")))


def test_signed_out_people_are_sent_to_sign_in(client, camden_survey):
    response = client.get(url("detail", camden_survey))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_shows_surveys_and_offers_to_set_one_up(ccg_lead_client, region_client, demo):
    text = page_text(ccg_lead_client.get(reverse("surveys:list")))
    assert "NHS Camden CCG" in text and "Open" in text
    region = page_text(region_client.get(reverse("surveys:list")))
    assert "Set up the survey for NHS Haringey CCG" in region and "NHS Islington CCG" in region
    response = region_client.post(reverse("surveys:start", args=[demo.cycle.public_id, "08D"]))
    assert response.status_code == 302 and "/settings/" in response["Location"]


def test_the_overview_shows_rates_by_group(ccg_lead_client, camden_survey, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        text = page_text(ccg_lead_client.get(url("detail", camden_survey)))
    assert "Member practices 10 10 5 4 40%" in text
    assert "All stakeholders 24 23 12 8 35%" in text
    assert "Send invitations" in text and "1 person has not been invited yet" in text


def test_assessors_read_the_overview_but_cannot_run_the_survey(assessor_client, camden_survey):
    text = page_text(assessor_client.get(url("detail", camden_survey)))
    assert "Response rates" in text and "Send invitations" not in text
    assert assessor_client.post(url("invite", camden_survey)).status_code == 403
    assert assessor_client.get(url("stakeholders", camden_survey)).status_code == 404


def test_contributors_see_the_list_but_cannot_change_it(ccg_staff_client, camden_survey):
    assert ccg_staff_client.get(url("stakeholders", camden_survey)).status_code == 200
    response = ccg_staff_client.post(
        url("stakeholders", camden_survey), {"name": "A", "email": "a@example.org", "group": "hwb"}
    )
    assert response.status_code == 404


def test_sending_invitations_queues_them_for_everyone_not_invited(
    ccg_lead_client, camden_survey, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ccg_lead_client.post(url("invite", camden_survey), follow=True)
    assert "1 invitation queued" in page_text(response)
    assert not Stakeholder.objects.filter(survey=camden_survey, invited_at__isnull=True).exists()
    response = ccg_lead_client.post(url("remind", camden_survey), follow=True)
    assert "16 reminders queued" in page_text(response)


def test_adding_a_person_with_errors_shows_them(ccg_lead_client, camden_survey):
    response = ccg_lead_client.post(
        url("stakeholders", camden_survey), {"name": "", "email": "nope", "group": "dentists"}
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Enter the person's name" in text
    assert "Choose the person's stakeholder group from the list" in text
    response = ccg_lead_client.post(
        url("stakeholders", camden_survey), {"name": "Ann", "email": "bad@", "group": "hwb"}
    )
    assert "Enter an email address in the correct format, like name@example.org" in page_text(response)
    response = ccg_lead_client.post(
        url("stakeholders", camden_survey),
        {"name": "Ann", "email": "ann@example.org", "organisation": "Council", "group": "hwb"},
        follow=True,
    )
    assert "Ann has been added to the stakeholder list." in page_text(response)


def test_the_stakeholder_list_is_paged_and_its_queries_do_not_grow(
    ccg_lead_client, camden_survey, django_assert_max_num_queries
):
    Stakeholder.objects.bulk_create(
        Stakeholder(survey=camden_survey, name=f"P {n}", email=f"p{n}@example.org", group="other")
        for n in range(250)
    )
    with django_assert_max_num_queries(12):
        response = ccg_lead_client.get(url("stakeholders", camden_survey) + "?page=2")
    assert "page 2 of 3" in page_text(response)


def test_settings_are_saved_and_forged_values_refused(ccg_lead_client, camden_survey):
    response = ccg_lead_client.post(
        url("settings", camden_survey), {"closes_on": "2001-01-01", "min_group_size": "2", "intro": ""}
    )
    text = page_text(response)
    assert "The minimum number of responses must be 3 or more, so nobody can be identified" in text
    closes = camden_survey.closes_at.date().replace(year=camden_survey.closes_at.year + 1)
    response = ccg_lead_client.post(
        url("settings", camden_survey),
        {"opens_on": "2001-01-01", "closes_on": closes.isoformat(), "min_group_size": "7", "intro": "Hello"},
    )
    assert response.status_code == 302
    camden_survey.refresh_from_db()
    assert camden_survey.min_group_size == 7 and camden_survey.opens_at.year != 2001  # opening date is fixed


def test_closing_by_hand(ccg_lead_client, camden_survey):
    assert "Close the survey now?" in page_text(ccg_lead_client.get(url("close", camden_survey)))
    response = ccg_lead_client.post(url("close", camden_survey))
    assert response["Location"] == url("results", camden_survey)
    camden_survey.refresh_from_db()
    assert camden_survey.is_closed


def test_results_wait_until_the_survey_closes(ccg_lead_client, camden_survey):
    assert ccg_lead_client.get(url("results", camden_survey))["Location"] == url("detail", camden_survey)


# Importing ------------------------------------------------------------------------------------------------


def upload(name: str, data: bytes):
    return SimpleUploadedFile(name, data)


def test_import_previews_problems_then_imports_only_the_valid_rows(ccg_lead_client, camden_survey):
    existing = Stakeholder.objects.filter(survey=camden_survey).first().email
    data = (
        "Name,Email,Organisation,Group\r\n"
        "Ann,ann@example.org,Council,local_authority\r\n"
        "Bob,,Council,local_authority\r\n"
        f"Cat,{existing},,hwb\r\n"
        "Dan,dan@example.org,,Providers\r\n"
    ).encode()
    response = ccg_lead_client.post(url("import", camden_survey), {"file": upload("people.csv", data)})
    text = page_text(response)
    assert "2 rows can be imported" in text
    assert "Enter an email address in row 3, column B" in text
    assert f"{existing} in row 4, column B is already on the stakeholder list" in text
    assert "Import only the 2 valid rows" in text and "Import nothing, and upload a corrected file" in text
    assert not Stakeholder.objects.filter(email="ann@example.org").exists()  # nothing saved yet
    token = response.context["token"]
    response = ccg_lead_client.post(url("import", camden_survey), {"token": token}, follow=True)
    assert "2 stakeholders added to the list." in page_text(response)
    assert set(
        Stakeholder.objects.filter(
            survey=camden_survey, email__in=["ann@example.org", "dan@example.org"]
        ).values_list("group", flat=True)
    ) == {"local_authority", "provider"}
    # the same confirmation cannot be replayed
    assert ccg_lead_client.post(url("import", camden_survey), {"token": token}).status_code == 409


def test_import_of_an_excel_workbook(ccg_lead_client, camden_survey):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Name", "Email", "Group"])
    workbook.active.append(["Eve", "eve@example.org", "patient_group"])
    out = io.BytesIO()
    workbook.save(out)
    response = ccg_lead_client.post(
        url("import", camden_survey), {"file": upload("people.xlsx", out.getvalue())}
    )
    assert "Import 1 stakeholder" in page_text(response)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "people.pdf",
            b"%PDF-1.4",
            "The selected file must be a CSV file (.csv) or an Excel workbook (.xlsx)",
        ),
        ("people.xlsx", b"Name,Email", "The selected file is not an Excel workbook, or it is damaged"),
        ("people.csv", b"a,b\r\n1,2\r\n", "The file has no header row"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(ccg_lead_client, camden_survey, name, data, message):
    response = ccg_lead_client.post(url("import", camden_survey), {"file": upload(name, data)})
    assert response.status_code == 400
    assert message in page_text(response)


def test_a_ten_thousand_row_import_through_the_page(ccg_lead_client, camden_survey):
    import time

    camden = camden_survey
    data = "Name,Email,Group\r\n" + "".join(f"P{n},p{n}@bulk.example.org,provider\r\n" for n in range(10_000))
    started = time.process_time()  # CPU time: other work on the machine does not count
    response = ccg_lead_client.post(url("import", camden), {"file": upload("big.csv", data.encode())})
    response = ccg_lead_client.post(url("import", camden), {"token": response.context["token"]})
    elapsed = time.process_time() - started
    assert response.status_code == 302
    assert Stakeholder.objects.filter(survey=camden, email__endswith="@bulk.example.org").count() == 10_000
    assert elapsed < 10, f"uploading, checking and importing 10,000 rows took {elapsed:.1f}s"


def test_htmx_refreshes_only_the_rates_while_emails_wait(ccg_lead_client, camden_survey):
    ccg_lead_client.post(url("invite", camden_survey))  # queued: the test captures no commit, so they wait
    page = ccg_lead_client.get(url("detail", camden_survey)).content.decode()
    assert 'hx-trigger="every 5s"' in page
    partial = ccg_lead_client.get(url("detail", camden_survey), headers={"HX-Request": "true"})
    text = page_text(partial)
    assert text.startswith("Response rates") or "Member practices" in text
    assert "<html" not in partial.content.decode()
