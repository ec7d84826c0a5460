"""The administration pages: for platform admins only."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from assure.accounts.tests.factories import UserFactory
from assure.core.tests.helpers import page_text
from assure.frameworks.models import Framework, Item

BUILTIN = Path(settings.FRAMEWORKS_DIR) / "ccg-authorisation-2012.yaml"
IMPORT = "/admin/frameworks/framework/import/"


def test_the_platform_admin_reaches_the_administration_pages(platform_admin_client):
    response = platform_admin_client.get("/admin/")

    assert response.status_code == 200
    text = page_text(response)
    assert "Assure administration" in text
    for section in ["Organisations", "Memberships", "Relations", "Users", "Frameworks", "Cycles"]:
        assert section in text


def test_a_ccg_lead_is_sent_to_sign_in(ccg_lead_client):
    response = ccg_lead_client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
    text = page_text(ccg_lead_client.get(response["Location"]))
    assert "not authorized to access this page" in text


def test_staff_who_are_not_superusers_are_sent_to_sign_in(client_for, demo):
    staff = UserFactory(is_staff=True)

    response = client_for(staff).get("/admin/organisations/organisation/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("/admin/organisations/organisation/", "NHS Camden CCG"),
        ("/admin/organisations/relation/", "CCG partners with HWB"),
        ("/admin/organisations/membership/", "CCG lead"),
        ("/admin/organisations/organisationtype/", "Health and Wellbeing Board"),
        ("/admin/accounts/user/", "ccg.lead@example.org"),
        ("/admin/frameworks/framework/", "CCG authorisation and HWB partnership framework (2012)"),
        ("/admin/cycles/cycle/", "London CCG authorisation, wave 3"),
    ],
)
def test_the_changelists_load_with_their_rows(
    platform_admin_client, url, shown, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = platform_admin_client.get(url)

    assert response.status_code == 200
    assert shown in page_text(response)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/organisations/organisation/",
        "/admin/cycles/cycle/",
        "/admin/accounts/user/",
        "/admin/frameworks/framework/",
    ],
)
def test_the_changelists_are_closed_to_a_ccg_lead(ccg_lead_client, url):
    assert ccg_lead_client.get(url).status_code == 302


def test_the_token_changelist_shows_names_and_hints_never_secrets(platform_admin_client, token_for, demo):
    token = token_for(demo.ccg_lead, name="Nightly export")

    response = platform_admin_client.get("/admin/accounts/apitoken/")

    text = page_text(response)
    assert "Nightly export" in text
    assert token[:10] in text
    assert token not in response.content.decode()


def test_change_pages_load(platform_admin_client, demo):
    for url in [
        f"/admin/organisations/organisation/{demo.ccg.pk}/change/",
        f"/admin/cycles/cycle/{demo.cycle.pk}/change/",
        f"/admin/accounts/user/{demo.ccg_lead.pk}/change/",
        f"/admin/frameworks/framework/{demo.framework.pk}/change/",
    ]:
        response = platform_admin_client.get(url)
        assert response.status_code == 200, url


def test_a_frameworks_page_shows_its_document_as_imported(platform_admin_client, demo):
    text = page_text(platform_admin_client.get(f"/admin/frameworks/framework/{demo.framework.pk}/change/"))

    assert "Document as imported" in text
    assert '"slug": "ccg-authorisation-2012"' in text
    assert demo.framework.spec.domains[0].title in text


def test_frameworks_are_not_added_or_edited_field_by_field(platform_admin_client):
    text = page_text(platform_admin_client.get("/admin/frameworks/framework/"))

    assert "Import a framework file" in text
    assert "Add framework" not in text
    assert platform_admin_client.get("/admin/frameworks/framework/add/").status_code == 403


def test_the_import_page_offers_a_file_upload(platform_admin_client):
    response = platform_admin_client.get(IMPORT)

    assert response.status_code == 200
    assert "Import a framework" in page_text(response)
    assert 'type="file"' in response.content.decode()


def test_the_import_page_is_closed_to_a_ccg_lead(ccg_lead_client):
    assert ccg_lead_client.get(IMPORT).status_code == 302


def upload(data: dict | str, name: str = "framework.yaml") -> SimpleUploadedFile:
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/x-yaml")


def test_a_bad_file_is_rejected_with_its_problems_listed_and_nothing_written(platform_admin_client):
    data = yaml.safe_load(BUILTIN.read_text(encoding="utf-8"))
    data["version"] = "2"
    data["domains"][0]["colour"] = "blue"
    del data["domains"][2]["title"]
    before = (Framework.objects.count(), Item.objects.count())

    response = platform_admin_client.post(IMPORT, {"file": upload(data, "edited.yaml")})

    assert response.status_code == 200
    text = page_text(response)
    assert "The file was not imported. Nothing was saved." in text
    assert "domains[0].colour: unknown key 'colour'" in text
    assert "domains[2].title: this field is required" in text
    assert (Framework.objects.count(), Item.objects.count()) == before


def test_a_file_that_is_not_utf8_is_refused(platform_admin_client):
    bad = SimpleUploadedFile("latin1.yaml", "title: Café".encode("latin-1"))

    response = platform_admin_client.post(IMPORT, {"file": bad})

    assert "The file is not UTF-8 text." in page_text(response)


def test_a_good_new_version_is_imported(platform_admin_client):
    data = copy.deepcopy(yaml.safe_load(BUILTIN.read_text(encoding="utf-8")))
    data["version"] = "2"

    response = platform_admin_client.post(IMPORT, {"file": upload(data)}, follow=True)

    assert response.redirect_chain[-1][0] == "/admin/frameworks/framework/"
    assert "Imported ccg-authorisation-2012 version 2: created." in page_text(response)
    assert Framework.objects.filter(slug="ccg-authorisation-2012", version="2").exists()
