"""Fixtures for the partnership review tests.

The demo region holds a review in each state; `fresh` replaces Camden's (CCG 07R with Camden HWB) by a newly
opened one, nothing rated, so a test can take it through every step as the demo logins.
"""

from __future__ import annotations

import pytest
from django.test import Client

from assure.accounts.models import ApiToken, User
from assure.accounts.tests.factories import UserFactory
from assure.organisations.models import Role
from assure.organisations.tests.factories import MembershipFactory
from assure.partnerships import services
from assure.partnerships.models import PartnershipReview


@pytest.fixture
def fresh(demo) -> PartnershipReview:
    PartnershipReview.objects.filter(cycle=demo.cycle, ccg=demo.ccg, hwb=demo.hwb).delete()
    review, created = services.review_open(cycle=demo.cycle, ccg=demo.ccg, hwb=demo.hwb, user=demo.ccg_lead)
    assert created
    return review


@pytest.fixture
def camden(demo) -> PartnershipReview:
    """The demo's Camden review: both sides released, gaps, three items of domain 1 agreed."""
    return PartnershipReview.objects.get(cycle=demo.cycle, ccg=demo.ccg, hwb=demo.hwb)


@pytest.fixture
def islington(demo) -> PartnershipReview:
    """The demo's Islington review: agreed."""
    return PartnershipReview.objects.get(cycle=demo.cycle, ccg=demo.ccg2)


@pytest.fixture
def hwb_member(demo) -> User:
    """A member (not the lead) of Camden's HWB."""
    user = UserFactory(email="hwb.member@example.org", full_name="Hari Member")
    MembershipFactory(user=user, organisation=demo.hwb, role=Role.HWB_MEMBER)
    return user


@pytest.fixture
def api_for(db):
    """`api_for(email or user)` gives a test client sending a newly issued personal token of that person."""

    def make(who: str | User) -> Client:
        user = who if isinstance(who, User) else User.objects.get(email=who)
        _, token = ApiToken.issue(user=user, name="tests")
        return Client(headers={"authorization": f"Bearer {token}"})

    return make
