"""The framework API is public: no token needed."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

SLUG = "ccg-authorisation-2012"


def exported(*args: str) -> dict:
    out = StringIO()
    call_command("export_framework", SLUG, *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_framework_endpoint_gives_exactly_the_export(client, framework, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(f"/api/v1/frameworks/{SLUG}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == exported()


def test_the_framework_endpoint_needs_no_token_and_ignores_a_bad_one(client, framework):
    response = client.get(f"/api/v1/frameworks/{SLUG}", headers={"Authorization": "Bearer not-a-token"})

    assert response.status_code == 200
    assert len(response.json()["domains"]) == 6


def test_the_framework_list_gives_the_latest_version_of_each(client, framework):
    response = client.get("/api/v1/frameworks")

    assert response.status_code == 200
    assert response.json() == [
        {"slug": SLUG, "title": "CCG authorisation and HWB partnership framework (2012)", "version": "1"}
    ]


def test_a_version_can_be_asked_for(client, framework):
    response = client.get(f"/api/v1/frameworks/{SLUG}", {"version": "1"})

    assert response.json() == exported("--framework-version", "1")


@pytest.mark.parametrize(
    "url", [f"/api/v1/frameworks/{SLUG}?version=9", "/api/v1/frameworks/no-such-framework"]
)
def test_unknown_frameworks_and_versions_are_not_found(client, framework, url):
    response = client.get(url)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_the_openapi_document_lists_every_path_and_the_token_scheme(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Assure API"
    assert {
        "/api/v1/frameworks",
        "/api/v1/frameworks/{slug}",
        "/api/v1/cycles",
        "/api/v1/organisations",
    } <= set(document["paths"])
    assert document["components"]["securitySchemes"]["PersonalToken"] == {"type": "http", "scheme": "bearer"}
    assert "security" not in document["paths"]["/api/v1/frameworks/{slug}"]["get"]
    assert document["paths"]["/api/v1/cycles"]["get"]["security"] == [{"PersonalToken": []}]
    parameters = {p["name"] for p in document["paths"]["/api/v1/organisations"]["get"]["parameters"]}
    assert "type" in parameters


def test_the_api_documentation_page_is_served(client):
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_the_api_root_says_where_its_documentation_is(client):
    response = client.get("/api/v1/")

    assert response.status_code == 200
    assert response.json() == {
        "name": "Assure API",
        "version": "1",
        "documentation": "http://testserver/api/v1/docs",
        "openapi": "http://testserver/api/v1/openapi.json",
    }
    assert client.get(response.json()["openapi"]).status_code == 200
