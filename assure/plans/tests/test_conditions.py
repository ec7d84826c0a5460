"""Conditions of authorisation become plan actions once the decision is published, and their status follows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assure.assessments.models import Assessment
from assure.decisions.models import Condition, Decision
from assure.plans import services
from assure.plans.models import Action

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(demo) -> Decision:
    """Islington's decision (its self-assessment is submitted): authorised with two conditions, not published."""
    assessment = Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg2)
    Decision.objects.filter(assessment=assessment).delete()
    decision = Decision.objects.create(
        assessment=assessment,
        outcome=Decision.Outcome.AUTHORISED_WITH_CONDITIONS,
        decided_on=timezone.localdate(),
        panel="Sam Assessor\nDr Panel Chair",
        rationale="Governance needs strengthening.",
    )
    domains = {d.number: d for d in demo.cycle.framework.domains.all()}
    today = timezone.localdate()
    for number, text, status in [
        (4, "Agree a scheme of delegation", "open"),
        (2, "Publish engagement plan", "open"),
    ]:
        Condition.objects.create(
            decision=decision,
            domain=domains[number],
            text=text,
            support_level=Condition.SupportLevel.TOOLKIT,
            due=today + datetime.timedelta(days=60),
            status=status,
            raised_on=today,
        )
    return decision


def _publish(decision):
    Decision.objects.filter(pk=decision.pk).update(published_at=timezone.now())


def test_conditions_of_an_unpublished_decision_stay_out_of_the_plan(demo, decision):
    assert services.condition_candidates(demo.cycle, demo.ccg2) == []
    added = services.plan_gather(cycle=demo.cycle, ccg=demo.ccg2, user=demo.ccg2_lead).added
    assert not [a for a in added if a.source == Action.Source.CONDITION]


def test_conditions_become_actions_whose_status_follows_them(demo, decision, ccg2_lead_client):
    _publish(decision)
    added = services.plan_gather(cycle=demo.cycle, ccg=demo.ccg2, user=demo.ccg2_lead).added
    conditions = [a for a in added if a.source == Action.Source.CONDITION]
    assert len(conditions) == 2
    assert {a.domain.number for a in conditions} == {2, 4}
    assert services.plan_gather(cycle=demo.cycle, ccg=demo.ccg2, user=demo.ccg2_lead).added == []

    condition = decision.conditions.get(domain__number=4)
    condition.status = Condition.Status.EVIDENCE_SUBMITTED
    condition.save()
    action = Action.objects.get(condition=condition)
    assert action.status == Action.Status.IN_PROGRESS
    condition.status, condition.discharged_on = Condition.Status.DISCHARGED, timezone.localdate()
    condition.save()
    action.refresh_from_db()
    assert action.status == Action.Status.DONE

    # Set by hand: refused, on the page and in the service.
    with pytest.raises(services.FollowsSource):
        services.action_set_status(action=action, user=demo.ccg2_lead, status="open", version=action.version)
    page = ccg2_lead_client.get(f"/plans/{demo.ccg2.code}/{demo.cycle.public_id}/")
    assert "Its status follows the condition" in page.text


def test_gathering_brings_a_changed_condition_into_line(demo, decision):
    _publish(decision)
    services.plan_gather(cycle=demo.cycle, ccg=demo.ccg2, user=demo.ccg2_lead)
    condition = decision.conditions.get(domain__number=2)
    Condition.objects.filter(pk=condition.pk).update(status="discharged", discharged_on=timezone.localdate())
    services.plan_gather(cycle=demo.cycle, ccg=demo.ccg2, user=demo.ccg2_lead)
    assert Action.objects.get(condition=condition).status == Action.Status.DONE


def test_gathering_again_costs_the_same_however_many_conditions_the_plan_follows(demo, decision):
    _publish(decision)
    services.plan_gather(cycle=demo.cycle, ccg=demo.ccg2, user=demo.ccg2_lead)
    with CaptureQueriesContext(connection) as two:
        services.plan_gather(cycle=demo.cycle, ccg=demo.ccg2, user=demo.ccg2_lead)
    for number in (1, 3, 5, 6):
        Condition.objects.create(
            decision=decision,
            domain=demo.cycle.framework.domains.get(number=number),
            text=f"Condition on domain {number}",
            support_level=Condition.SupportLevel.TOOLKIT,
            due=timezone.localdate() + datetime.timedelta(days=30),
            raised_on=timezone.localdate(),
        )
    added = services.plan_gather(cycle=demo.cycle, ccg=demo.ccg2, user=demo.ccg2_lead).added
    assert len([a for a in added if a.source == Action.Source.CONDITION]) == 4
    with CaptureQueriesContext(connection) as six:
        services.plan_gather(cycle=demo.cycle, ccg=demo.ccg2, user=demo.ccg2_lead)
    assert len(six) == len(two)


def test_the_demo_gathers_the_conditions_of_published_decisions(demo):
    from assure.assessments.services import assessment_get_or_create
    from assure.core.demo import _demo_plans
    from assure.plans.models import Plan

    assessment = assessment_get_or_create(cycle=demo.cycle, organisation=demo.hackney)
    decision = Decision.objects.create(
        assessment=assessment,
        outcome=Decision.Outcome.AUTHORISED_WITH_CONDITIONS,
        decided_on=timezone.localdate(),
        panel="Sam Assessor",
        rationale="Two conditions.",
        published_at=timezone.now(),
    )
    Condition.objects.create(
        decision=decision,
        domain=demo.cycle.framework.domains.get(number=3),
        text="Agree the commissioning plan with the HWB",
        support_level=Condition.SupportLevel.SUPPORT,
        due=timezone.localdate() - datetime.timedelta(days=5),
        status=Condition.Status.OPEN,
        raised_on=timezone.localdate(),
    )
    Plan.objects.filter(cycle=demo.cycle).delete()
    ccgs = [demo.ccg, demo.ccg2, demo.hackney]
    _demo_plans(demo.cycle, ccgs, timezone.localdate())
    action = Action.objects.get(plan__organisation=demo.hackney, source=Action.Source.CONDITION)
    assert action.is_overdue() and action.domain.number == 3
