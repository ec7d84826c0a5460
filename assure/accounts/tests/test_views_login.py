"""Signing in with an email address and password, and signing out."""

from __future__ import annotations

import pytest

from assure.accounts.tests.factories import PASSWORD, UserFactory
from assure.core.tests.helpers import page_text

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def signed_in_as(client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    if user_id is None:
        return None
    from assure.accounts.models import User

    return User.objects.get(pk=user_id).email


def test_the_sign_in_page_asks_for_email_and_password(client):
    response = client.get(LOGIN)

    text = page_text(response)
    assert "Email address" in text
    assert "Password" in text
    assert 'type="email"' in response.content.decode()


def test_signing_in_with_the_demo_password_goes_home(client, demo):
    response = client.post(LOGIN, {"username": "ccg.lead@example.org", "password": "assure-demo"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_as(client) == "ccg.lead@example.org"
    assert "NHS Camden CCG" in page_text(client.get("/"))


def test_the_email_address_is_not_case_sensitive(client):
    UserFactory(email="clare.lead@example.org")

    client.post(LOGIN, {"username": "Clare.Lead@Example.ORG", "password": PASSWORD})

    assert signed_in_as(client) == "clare.lead@example.org"


def test_signing_in_returns_to_the_page_asked_for(client, demo):
    response = client.post(
        f"{LOGIN}?next=/accounts/profile/",
        {"username": "ccg.lead@example.org", "password": "assure-demo", "next": "/accounts/profile/"},
    )

    assert response["Location"] == "/accounts/profile/"


def test_signing_in_never_sends_people_to_another_site(client, demo):
    response = client.post(
        LOGIN,
        {"username": "ccg.lead@example.org", "password": "assure-demo", "next": "https://evil.example.com/"},
    )

    assert response["Location"] == "/"


def test_a_wrong_password_shows_an_error_and_stays_on_the_page(client, demo):
    response = client.post(LOGIN, {"username": "ccg.lead@example.org", "password": "not-the-password"})

    assert response.status_code == 200
    text = page_text(response)
    assert "There is a problem" in text
    assert "Enter a correct email address and password." in text
    assert text.startswith("Error: Sign in")
    assert signed_in_as(client) is None


def test_an_unknown_email_address_gets_the_same_error(client, demo):
    text = page_text(client.post(LOGIN, {"username": "nobody@example.org", "password": "assure-demo"}))

    assert "Enter a correct email address and password." in text


def test_empty_fields_say_what_to_enter(client):
    text = page_text(client.post(LOGIN, {"username": "", "password": ""}))

    assert "Enter your email address" in text
    assert "Enter your password" in text


def test_a_switched_off_account_cannot_sign_in(client):
    UserFactory(email="gone@example.org", is_active=False)

    response = client.post(LOGIN, {"username": "gone@example.org", "password": PASSWORD})

    assert response.status_code == 200
    assert signed_in_as(client) is None


def test_signed_in_people_are_sent_on_from_the_sign_in_page(ccg_lead_client):
    assert ccg_lead_client.get(LOGIN)["Location"] == "/"


def test_signing_out_with_post(ccg_lead_client):
    response = ccg_lead_client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_as(ccg_lead_client) is None
    assert "Sign in" in page_text(ccg_lead_client.get("/"))


def test_signing_out_needs_a_post(ccg_lead_client):
    assert ccg_lead_client.get("/accounts/logout/").status_code == 405
    assert signed_in_as(ccg_lead_client) == "ccg.lead@example.org"
