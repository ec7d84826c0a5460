"""Single sign-on with OpenID Connect, against a fake identity provider that signs real ID tokens.

The provider's token, key (JWKS) and user-information endpoints are served by `responses`; the browser's trips
to the provider are played by following the redirect and coming back with a code, as a provider would.
"""

from __future__ import annotations

import json
import time
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assure.accounts.models import User
from assure.accounts.tests.factories import UserFactory
from assure.core.tests.helpers import page_text
from assure.organisations.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ISSUER = "https://login.example.nhs.uk"
CLIENT_ID = "assure-test-client"
CLIENT_SECRET = "assure-test-secret"


class FakeProvider:
    """Signs ID tokens with its own RSA key and publishes the public half, like a real provider."""

    def __init__(self, mock: responses.RequestsMock) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self.claims: dict = {}
        self.token_requests: list[dict] = []
        self.nonce: str | None = None
        self.issuer = ISSUER
        self.signing_key = self.key
        self.token_status = 200
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        mock.get(f"{ISSUER}/jwks", json={"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]})
        mock.add_callback(responses.POST, f"{ISSUER}/token", callback=self._token)
        mock.add_callback(responses.GET, f"{ISSUER}/userinfo", callback=self._userinfo)

    def _token(self, request):
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        self.token_requests.append(form)
        if self.token_status != 200:
            return self.token_status, {}, json.dumps({"error": "server_error"})
        now = int(time.time())
        id_token = jwt.encode(
            {
                "iss": self.issuer,
                "aud": CLIENT_ID,
                "sub": "provider-subject-1",
                "iat": now,
                "exp": now + 300,
                "nonce": self.nonce,
                **self.claims,
            },
            self.signing_key,
            algorithm="RS256",
            headers={"kid": self.kid},
        )
        return 200, {}, json.dumps({"access_token": "access-1", "id_token": id_token, "token_type": "Bearer"})

    def _userinfo(self, request):
        assert request.headers["Authorization"] == "Bearer access-1"
        return 200, {}, json.dumps({"sub": "provider-subject-1", **self.claims})


@pytest.fixture
def sso(settings):
    settings.OIDC_ENABLED = True
    settings.OIDC_PROVIDER_NAME = "NHS login for staff"
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_ISSUER = ISSUER
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ISSUER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{ISSUER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{ISSUER}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{ISSUER}/jwks"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeProvider(mock)


def sign_in_with_provider(client, provider: FakeProvider, **claims) -> SimpleNamespace:
    """Start single sign-on, 'sign in' at the provider and come back with a code."""
    provider.claims = claims
    start = client.get("/accounts/sso/start/?next=/accounts/profile/")
    assert start.status_code == 302
    to_provider = urlsplit(start["Location"])
    assert f"{to_provider.scheme}://{to_provider.netloc}{to_provider.path}" == f"{ISSUER}/authorize"
    query = {k: v[0] for k, v in parse_qs(to_provider.query).items()}
    provider.nonce = query["nonce"]
    back = client.get("/accounts/sso/callback/", {"code": "code-from-provider", "state": query["state"]})
    return SimpleNamespace(query=query, response=back)


def signed_in_email(client) -> str | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id).email if user_id else None


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_sign_in_is_offered_and_works_only_when_switched_on(client, db):
    assert "Sign in with" not in page_text(client.get("/accounts/login/"))
    assert client.get("/accounts/sso/start/").status_code == 404
    assert client.get("/accounts/sso/callback/?code=x&state=y").status_code == 404


def test_the_sign_in_page_offers_the_provider_when_switched_on(client, sso):
    text = page_text(client.get("/accounts/login/"))

    assert "Sign in with NHS login for staff" in text


def test_a_person_signs_in_with_their_organisations_account_matched_by_email(client, sso, demo):
    result = sign_in_with_provider(client, sso, email="CCG.Lead@example.org", email_verified=True, name="Lee")

    # Then they are signed in as the account with that email address and sent where they were going
    assert result.response.status_code == 302
    assert result.response["Location"] == "/accounts/profile/"
    assert signed_in_email(client) == "ccg.lead@example.org"
    # And the request to the provider asked for their email, with PKCE and a nonce
    assert result.query["client_id"] == CLIENT_ID
    assert "email" in result.query["scope"].split()
    assert result.query["code_challenge_method"] == "S256"
    # And the code was exchanged with the client's secret and the PKCE verifier
    exchange = sso.token_requests[0]
    assert exchange["code"] == "code-from-provider"
    assert exchange["client_secret"] == CLIENT_SECRET
    assert exchange["code_verifier"]
    assert exchange["redirect_uri"].endswith("/accounts/sso/callback/")


def test_nobody_new_is_created_unless_the_setting_says_so(client, sso):
    result = sign_in_with_provider(client, sso, email="new.person@example.org", email_verified=True)

    assert result.response["Location"] == "/accounts/login/"
    assert signed_in_email(client) is None
    assert not User.objects.filter(email="new.person@example.org").exists()
    message = " ".join(messages_of(result.response))
    assert "There is no Assure account for new.person@example.org" in message


def test_with_oidc_create_user_a_new_person_gets_an_account_without_roles(client, sso, settings):
    settings.OIDC_CREATE_USER = True

    sign_in_with_provider(client, sso, email="new.person@example.org", email_verified=True, name="New Person")

    user = User.objects.get(email="new.person@example.org")
    assert signed_in_email(client) == "new.person@example.org"
    assert user.full_name == "New Person"
    assert not user.has_usable_password()
    assert not user.memberships.exists()


def test_an_unverified_email_address_is_refused(client, sso):
    UserFactory(email="pat@example.org")

    result = sign_in_with_provider(client, sso, email="pat@example.org", email_verified=False)

    assert signed_in_email(client) is None
    assert "did not give a verified email address" in " ".join(messages_of(result.response))


def test_a_switched_off_account_cannot_sign_in(client, sso):
    UserFactory(email="gone@example.org", is_active=False)

    sign_in_with_provider(client, sso, email="gone@example.org", email_verified=True)

    assert signed_in_email(client) is None


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda p: setattr(p, "signing_key", rsa.generate_private_key(65537, 2048)), id="forged"),
        pytest.param(lambda p: setattr(p, "issuer", "https://evil.example.org"), id="other-issuer"),
        pytest.param(lambda p: setattr(p, "token_status", 500), id="provider-down"),
    ],
)
def test_a_bad_token_or_a_failing_provider_signs_nobody_in(client, sso, demo, tamper):
    tamper(sso)

    result = sign_in_with_provider(client, sso, email="ccg.lead@example.org", email_verified=True)

    assert result.response.status_code == 302
    assert result.response["Location"] == "/accounts/login/"
    assert signed_in_email(client) is None
    assert "did not work" in " ".join(messages_of(result.response))


def test_a_replayed_or_made_up_state_is_refused(client, sso, demo):
    response = client.get("/accounts/sso/callback/", {"code": "x", "state": "made-up"})

    assert response.status_code == 302
    assert signed_in_email(client) is None


def _sign_in_queries(provider: FakeProvider, email: str) -> tuple[int, int]:
    """The queries of single sign-on's two requests (start, then the provider's redirect back), for a new
    browser signing in as `email`."""
    client = Client()
    provider.claims = {"email": email, "email_verified": True}
    with CaptureQueriesContext(connection) as start:
        response = client.get("/accounts/sso/start/?next=/accounts/profile/")
    query = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    provider.nonce = query["nonce"]
    with CaptureQueriesContext(connection) as callback:
        response = client.get(
            "/accounts/sso/callback/", {"code": "code-from-provider", "state": query["state"]}
        )
    assert response["Location"] == "/accounts/profile/"
    assert signed_in_email(client) == email
    return len(start), len(callback)


def test_signing_in_with_the_provider_makes_as_many_queries_among_ten_times_the_people(sso):
    """The two single sign-on routes, counted here rather than in the national query-count test, which has no
    identity provider: the same queries with ten times as many people, each with an organisation."""
    MembershipFactory.create_batch(3)
    small = _sign_in_queries(sso, MembershipFactory().user.email)
    MembershipFactory.create_batch(30)
    large = _sign_in_queries(sso, MembershipFactory().user.email)

    assert small == large
    start, callback = large
    assert start <= 4 and callback <= 20, large
