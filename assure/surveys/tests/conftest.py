"""Fixtures for the survey tests: the demo's two surveys and API clients with real tokens."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from assure.accounts.models import ApiToken, User
from assure.surveys.models import Survey


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # the wrong-link counter
    yield
    cache.clear()


@pytest.fixture
def camden_survey(demo) -> Survey:
    """NHS Camden CCG's survey: open, 24 people listed, 8 responses so far."""
    return Survey.objects.get(cycle=demo.cycle, organisation=demo.ccg)


@pytest.fixture
def islington_survey(demo) -> Survey:
    """NHS Islington CCG's survey: closed, 21 responses; providers (2) and local authority (5) hidden."""
    return Survey.objects.get(cycle=demo.cycle, organisation=demo.ccg2)


@pytest.fixture
def api_for(db):
    def make(who: str | User) -> Client:
        user = who if isinstance(who, User) else User.objects.get(email=who)
        _, token = ApiToken.issue(user=user, name="tests")
        return Client(headers={"authorization": f"Bearer {token}"})

    return make
