"""`create_api_token EMAIL` prints a personal token that works with the API; only its hash is stored."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assure.accounts.models import ApiToken, hash_token
from assure.accounts.tests.factories import UserFactory


def create_token(*args: str) -> str:
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue().strip()


def test_the_printed_token_works_with_the_api(client, demo):
    token = create_token("ccg.lead@example.org")

    response = client.get("/api/v1/cycles", headers={"Authorization": f"Bearer {token}"})

    assert token.startswith("asr_")
    assert response.status_code == 200
    assert [c["name"] for c in response.json()["items"]] == [demo.cycle.name]


def test_only_the_hash_is_stored(demo):
    token = create_token("ccg.lead@example.org", "--name", "Nightly export")

    record = ApiToken.objects.get(user=demo.ccg_lead)
    assert record.name == "Nightly export"
    assert record.token_hash == hash_token(token)
    assert record.hint == token[:10]
    stored = [
        str(value)
        for value in ApiToken.objects.values_list(*[f.attname for f in ApiToken._meta.fields]).get()
    ]
    assert token not in stored


def test_the_email_address_is_matched_without_regard_to_case(demo):
    create_token("  CCG.Lead@Example.ORG ")

    assert ApiToken.objects.filter(user=demo.ccg_lead).count() == 1


@pytest.mark.django_db
def test_an_unknown_email_address_is_an_error_naming_it():
    with pytest.raises(CommandError, match=r"nobody@example\.org"):
        create_token("nobody@example.org")

    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_a_switched_off_person_gets_no_token():
    UserFactory(email="gone@example.org", is_active=False)

    with pytest.raises(CommandError, match="switched off"):
        create_token("gone@example.org")

    assert not ApiToken.objects.exists()


def test_each_token_is_different(demo):
    assert create_token("ccg.lead@example.org") != create_token("ccg.lead@example.org")
