"""Resetting a forgotten password by email, and the password rules a new password must meet."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from assure.accounts.tests.factories import PASSWORD, UserFactory
from assure.core.tests.helpers import page_text

pytestmark = pytest.mark.django_db

RESET = "/accounts/password-reset/"


@pytest.fixture
def person():
    return UserFactory(email="pat.reset@example.org")


def ask_for_a_link(client, email: str) -> str:
    """Ask for a reset link and return the link from the email."""
    response = client.post(RESET, {"email": email}, follow=True)
    assert "Check your email" in page_text(response)
    assert len(mail.outbox) == 1
    match = re.search(r"https?://\S+/accounts/password-reset/\S+/", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group()


def path_of(link: str) -> str:
    return urlsplit(link).path


def test_the_sign_in_page_links_to_password_reset(client):
    html = client.get("/accounts/login/").content.decode()

    assert f'href="{RESET}"' in html
    assert "Forgotten your password?" in page_text(client.get("/accounts/login/"))


def test_a_person_resets_their_password_by_email_and_signs_in_with_it(client, person, settings):
    settings.SITE_URL = "https://assure.example.org"

    link = ask_for_a_link(client, "Pat.Reset@example.org")

    assert mail.outbox[0].to == ["pat.reset@example.org"]
    assert mail.outbox[0].subject == "Reset your Assure password"
    assert link.startswith(
        "https://assure.example.org/accounts/password-reset/"
    )  # from SITE_URL, not the Host
    page = client.get(path_of(link), follow=True)
    assert "Choose a new password" in page_text(page)
    form_url = page.redirect_chain[-1][0]

    response = client.post(
        form_url,
        {"new_password1": "a-much-better-secret-42", "new_password2": "a-much-better-secret-42"},
        follow=True,
    )

    assert "Your password has been changed" in page_text(response)
    client.logout()
    response = client.post(
        "/accounts/login/", {"username": "pat.reset@example.org", "password": "a-much-better-secret-42"}
    )
    assert response.status_code == 302
    # And the old password no longer works
    client.logout()
    old = client.post("/accounts/login/", {"username": "pat.reset@example.org", "password": PASSWORD})
    assert old.status_code == 200
    assert "Enter a correct email address and password" in page_text(old)


def test_an_unknown_address_gets_the_same_answer_and_no_email(client):
    response = client.post(RESET, {"email": "nobody@example.org"}, follow=True)

    assert "Check your email" in page_text(response)
    assert mail.outbox == []


def test_an_address_in_the_wrong_format_is_explained(client):
    response = client.post(RESET, {"email": "not-an-address"})

    assert response.status_code == 200
    assert "Enter an email address in the correct format, like name@example.org" in page_text(response)


@pytest.mark.parametrize(
    ("password", "confirmation", "message"),
    [
        ("password123", "password123", "This password is too common."),
        ("short1x", "short1x", "It must contain at least 10 characters."),
        ("48291057384", "48291057384", "This password is entirely numeric."),
        ("pat.reset.example", "pat.reset.example", "too similar to the email address"),
        ("a-much-better-secret-42", "a-different-secret-42", "Enter the same password in both boxes"),
        ("", "", "Enter a new password"),
    ],
)
def test_a_weak_or_mistyped_new_password_is_refused(client, person, password, confirmation, message):
    link = ask_for_a_link(client, person.email)
    form_url = client.get(path_of(link), follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": password, "new_password2": confirmation})

    assert response.status_code == 200
    text = page_text(response)
    assert text.startswith("Error: ") or "There is a problem" in text
    assert message in text
    person.refresh_from_db()
    assert person.check_password(PASSWORD)


def test_a_reset_link_works_once(client, person):
    link = path_of(ask_for_a_link(client, person.email))
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(
        form_url, {"new_password1": "a-much-better-secret-42", "new_password2": "a-much-better-secret-42"}
    )

    response = client.get(link, follow=True)

    text = page_text(response)
    assert "This link does not work" in text
    assert "Ask for a new link" in text
