"""Rate limits: sign-in, password reset, the API, and the decorator other views (survey links) use."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from assure.core.ratelimit import client_ip, parse_rate, ratelimit
from assure.core.tests.helpers import page_text


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("30/m", (30, 60)),
        ("5/s", (5, 1)),
        ("100/h", (100, 3600)),
        ("1000/d", (1000, 86400)),
        ("10/5m", (10, 300)),
    ],
)
def test_rates_are_read_as_requests_per_period(rate, expected):
    assert parse_rate(rate) == expected


@pytest.mark.parametrize("rate", ["", "30", "30/w", "0/m", "x/m", "30/0m"])
def test_a_malformed_rate_is_refused(rate):
    with pytest.raises(ValueError, match="must"):
        parse_rate(rate)


def test_a_mistyped_rate_fails_when_the_view_is_defined():
    with pytest.raises(ValueError, match="rate like 30/m"):
        ratelimit(rate="thirty a minute")


@ratelimit(key="ip", rate="2/m", methods=["POST"])
def respond(request):
    return HttpResponse("Thank you")


@ratelimit(key="user", rate="2/m")
def per_person(request):
    return HttpResponse("ok")


def post(path="/survey/abc/", address="10.1.1.1", **meta):
    request = RequestFactory().post(path, REMOTE_ADDR=address, **meta)
    request.user = _Anonymous()
    return request


class _Anonymous:
    is_authenticated = False
    pk = None


def test_the_decorator_answers_429_with_a_page_once_the_rate_is_used_up(db):
    assert respond(post()).status_code == 200
    assert respond(post()).status_code == 200

    response = respond(post())

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    text = page_text(response)
    assert "Too many requests" in text
    assert "Wait " in text
    assert "try again" in text


def test_api_callers_and_json_clients_get_json(db):
    for _ in range(2):
        respond(post(HTTP_ACCEPT="application/json"))

    response = respond(post(HTTP_ACCEPT="application/json"))

    assert response.status_code == 429
    body = json.loads(response.content)
    assert body["detail"].startswith("Too many requests. Wait ")
    assert body["retry_after"] == int(response["Retry-After"])


def test_each_address_has_its_own_allowance_and_other_methods_are_not_counted(db):
    for _ in range(2):
        respond(post(address="10.1.1.1"))
    assert respond(post(address="10.1.1.1")).status_code == 429

    assert respond(post(address="10.2.2.2")).status_code == 200
    get = RequestFactory().get("/survey/abc/", REMOTE_ADDR="10.1.1.1")
    assert respond(get).status_code == 200


def test_the_allowance_comes_back_in_the_next_period(db):
    for _ in range(2):
        respond(post())
    assert respond(post()).status_code == 429

    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert respond(post()).status_code == 200


def test_rate_limits_can_be_switched_off(db, settings):
    settings.RATELIMIT_ENABLED = False

    assert all(respond(post()).status_code == 200 for _ in range(5))


def test_a_user_key_counts_each_signed_in_person_apart(demo):
    def as_person(user):
        request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1")
        request.user = user
        return request

    for _ in range(2):
        per_person(as_person(demo.ccg_lead))
    assert per_person(as_person(demo.ccg_lead)).status_code == 429
    assert per_person(as_person(demo.ccg2_lead)).status_code == 200


def test_the_client_address_comes_from_the_trusted_proxies_only(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 81.2.69.160")

    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.5"  # a forged header is ignored without a proxy
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "81.2.69.160"  # what our proxy saw, not what the client claimed


def test_signing_in_is_rate_limited_per_address(client, db, settings):
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "login": "3/m"}
    for number in range(3):
        response = client.post(
            "/accounts/login/",
            {"username": f"p{number}@example.org", "password": "x"},
            REMOTE_ADDR="10.3.3.3",
        )
        assert response.status_code == 200

    response = client.post(
        "/accounts/login/", {"username": "p9@example.org", "password": "x"}, REMOTE_ADDR="10.3.3.3"
    )

    assert response.status_code == 429
    assert "Too many requests" in page_text(response)
    assert (
        client.get("/accounts/login/", REMOTE_ADDR="10.3.3.3").status_code == 200
    )  # reading the page is fine


def test_password_reset_requests_are_rate_limited(client, db, settings):
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "login": "2/m"}
    for _ in range(2):
        client.post("/accounts/password-reset/", {"email": "a@example.org"})

    assert client.post("/accounts/password-reset/", {"email": "a@example.org"}).status_code == 429


def test_the_api_is_rate_limited_per_token_with_a_json_answer(client, demo, token_for, settings):
    settings.RATELIMIT_RATES = {**settings.RATELIMIT_RATES, "api": "2/m"}
    lead, other = token_for(demo.ccg_lead), token_for(demo.ccg2_lead)
    for _ in range(2):
        assert client.get("/api/v1/cycles", headers={"Authorization": f"Bearer {lead}"}).status_code == 200

    response = client.get("/api/v1/cycles", headers={"Authorization": f"Bearer {lead}"})

    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith("Too many requests. Wait ")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert client.get("/api/v1/cycles", headers={"Authorization": f"Bearer {other}"}).status_code == 200
