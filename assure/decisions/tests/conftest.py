from types import SimpleNamespace

import pytest

from .factories import decide, judge_all, submitted_assessment


@pytest.fixture
def fresh(demo):
    """A CCG of the demo region, in the demo cycle, with its self-assessment submitted and nothing judged."""
    assessment = submitted_assessment(cycle=demo.cycle)
    return assessment


@pytest.fixture
def with_conditions(demo):
    """A CCG authorised with two conditions (domains 2 and 5), the decision published, and its lead."""
    from assure.accounts.tests.factories import UserFactory
    from assure.organisations.models import Role
    from assure.organisations.tests.factories import CCGFactory, MembershipFactory

    ccg = CCGFactory(region=demo.region)
    lead = UserFactory(email="lead.conditions@example.org")
    MembershipFactory(user=lead, organisation=ccg, role=Role.CCG_LEAD)
    assessment = submitted_assessment(cycle=demo.cycle, ccg=ccg, lead=lead)
    judge_all(assessment, demo.assessor, {2: "met_with_conditions", 5: "met_with_conditions"})
    decision = decide(
        assessment,
        demo.assessor,
        outcome="authorised_with_conditions",
        conditions=[
            ("2", "Publish an engagement plan.", "toolkit", 60),
            ("5", "Agree the CSU contract.", "sign_off", 90),
        ],
        publish_by=demo.region_lead,
    )
    return SimpleNamespace(
        ccg=ccg,
        lead=lead,
        assessment=assessment,
        decision=decision,
        conditions=list(decision.conditions.order_by("pk")),
    )


@pytest.fixture
def api_for(db):
    """`api_for(email or user)` gives a test client sending a newly issued personal token of that person."""
    from django.test import Client

    from assure.accounts.models import ApiToken, User

    def make(who):
        user = who if isinstance(who, User) else User.objects.get(email=who)
        _, token = ApiToken.issue(user=user, name="tests")
        return Client(headers={"authorization": f"Bearer {token}"})

    return make
