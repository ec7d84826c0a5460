"""The profile page: who you are, your roles, and your personal API tokens."""

from __future__ import annotations

import re

import pytest

from assure.accounts.models import ApiToken
from assure.accounts.tests.factories import ApiTokenFactory
from assure.core.tests.helpers import page_text

PROFILE = "/accounts/profile/"


def revoke_url(token) -> str:
    return f"/accounts/tokens/{token.public_id}/revoke/"


def test_the_profile_shows_name_email_and_roles(ccg_lead_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = ccg_lead_client.get(PROFILE)

    text = page_text(response)
    assert "Dr Clare Lead" in text
    assert "ccg.lead@example.org" in text
    assert "CCG lead, NHS Camden CCG" in text


@pytest.mark.django_db
def test_anonymous_visitors_are_asked_to_sign_in(client):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={PROFILE}"


def test_a_new_token_is_shown_once(ccg_lead_client, demo):
    response = ccg_lead_client.post(PROFILE, {"name": "Quarterly reporting script"})
    assert response.status_code == 302  # post/redirect/get: reloading the page issues no second token

    text = page_text(ccg_lead_client.get(response["Location"]))
    token = re.search(r"asr_[A-Za-z0-9_-]{20,}", text).group(0)
    assert "Copy it now: it will not be shown again." in text
    assert "Quarterly reporting script" in text
    record = ApiToken.objects.get(user=demo.ccg_lead)
    assert record.name == "Quarterly reporting script"
    assert record.token_hash != token

    again = page_text(ccg_lead_client.get(PROFILE))
    assert token not in again
    assert "Quarterly reporting script" in again
    assert token[:10] in again  # the hint, to tell tokens apart
    assert ApiToken.objects.filter(user=demo.ccg_lead).count() == 1


def test_the_new_token_works_with_the_api(ccg_lead_client, client, demo):
    text = page_text(ccg_lead_client.post(PROFILE, {"name": "Script"}, follow=True))
    token = re.search(r"asr_[A-Za-z0-9_-]{20,}", text).group(0)

    response = client.get("/api/v1/cycles", headers={"Authorization": f"Bearer {token}"})

    assert [c["name"] for c in response.json()["items"]] == [demo.cycle.name]


def test_a_token_needs_a_name(ccg_lead_client, demo):
    response = ccg_lead_client.post(PROFILE, {"name": ""})

    assert "Enter a name for the token" in page_text(response)
    assert not ApiToken.objects.filter(user=demo.ccg_lead).exists()


def test_revoking_a_token_stops_it_working(ccg_lead_client, client, demo):
    token = ApiTokenFactory(user=demo.ccg_lead, name="Old script")
    assert client.get("/api/v1/cycles", headers={"Authorization": f"Bearer {token.token}"}).status_code == 200

    response = ccg_lead_client.post(revoke_url(token), follow=True)

    text = page_text(response)
    assert response.redirect_chain == [(PROFILE, 302)]
    assert "The token “Old script” has been revoked." in text
    assert "Revoked" in text
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/cycles", headers={"Authorization": f"Bearer {token.token}"}).status_code == 401


def test_nobody_can_revoke_another_person_s_token(ccg2_lead_client, demo):
    token = ApiTokenFactory(user=demo.ccg_lead)

    response = ccg2_lead_client.post(revoke_url(token))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_outsider_cannot_revoke_a_london_token(outsider_client, demo):
    token = ApiTokenFactory(user=demo.ccg_lead)

    assert outsider_client.post(revoke_url(token)).status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_revoking_needs_a_post(ccg_lead_client, demo):
    token = ApiTokenFactory(user=demo.ccg_lead)

    assert ccg_lead_client.get(revoke_url(token)).status_code == 405
    token.refresh_from_db()
    assert token.is_active


def test_anonymous_visitors_cannot_revoke(client, demo):
    token = ApiTokenFactory(user=demo.ccg_lead)

    response = client.post(revoke_url(token))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    token.refresh_from_db()
    assert token.is_active


def test_people_see_only_their_own_tokens(ccg2_lead_client, demo):
    ApiTokenFactory(user=demo.ccg_lead, name="Camden's nightly export")

    assert "Camden's nightly export" not in page_text(ccg2_lead_client.get(PROFILE))
