"""Too many wrong passwords for one email address lock it out, from that address, for a while."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from assure.accounts.tests.factories import PASSWORD, UserFactory
from assure.core.tests.helpers import page_text

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def person():
    return UserFactory(email="sam.locked@example.org")


def sign_in(client, email: str, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


def fail(client, email: str, times: int, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        assert sign_in(client, email, "wrong-password", address).status_code in {200, 429}


def test_the_limit_th_wrong_password_locks_the_address_out_with_a_clear_message(client, person, settings):
    fail(client, person.email, settings.AXES_FAILURE_LIMIT - 1)

    response = sign_in(client, person.email, "wrong-password")

    assert response.status_code == 429
    text = page_text(response)
    assert "You cannot sign in at the moment" in text
    assert "signing in is switched off for 15 minutes" in text
    assert "reset your password" in text


def test_while_locked_out_even_the_right_password_is_refused(client, person, settings):
    fail(client, person.email, settings.AXES_FAILURE_LIMIT)

    response = sign_in(client, person.email, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_counts_the_email_address_whatever_its_case(client, person, settings):
    fail(client, person.email.upper(), settings.AXES_FAILURE_LIMIT)

    assert sign_in(client, person.email, PASSWORD).status_code == 429


def test_a_lockout_does_not_reach_other_people_or_other_addresses(client, person, settings):
    other = UserFactory(email="other.person@example.org")
    fail(client, person.email, settings.AXES_FAILURE_LIMIT)

    assert sign_in(client, other.email, PASSWORD).status_code == 302
    client.logout()
    assert sign_in(client, person.email, PASSWORD, address="10.9.9.9").status_code == 302


def test_after_the_cool_off_the_person_can_sign_in_again(client, person, settings):
    fail(client, person.email, settings.AXES_FAILURE_LIMIT)

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert sign_in(client, person.email, PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, person, settings):
    fail(client, person.email, settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client, person.email, PASSWORD).status_code == 302
    client.logout()

    fail(client, person.email, settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client, person.email, PASSWORD).status_code == 302
