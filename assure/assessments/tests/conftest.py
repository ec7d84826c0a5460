"""Fixtures for the self-assessment tests: the demo CCG's assessment and API clients with real tokens."""

from __future__ import annotations

import pytest
from django.test import Client

from assure.accounts.models import ApiToken, User
from assure.assessments.models import Assessment
from assure.assessments.services import assessment_get_or_create


@pytest.fixture
def assessment(demo) -> Assessment:
    """NHS Camden CCG's (07R) self-assessment in the open demo cycle, every item not yet rated."""
    return assessment_get_or_create(cycle=demo.cycle, organisation=demo.ccg)


@pytest.fixture
def api_for(db):
    """`api_for(email or user)` gives a test client sending a newly issued personal token of that person."""

    def make(who: str | User) -> Client:
        user = who if isinstance(who, User) else User.objects.get(email=who)
        _, token = ApiToken.issue(user=user, name="tests")
        return Client(headers={"authorization": f"Bearer {token}"})

    return make
