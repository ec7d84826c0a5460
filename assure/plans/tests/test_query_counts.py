"""The plan's pages, export and API make the same number of queries for a plan of 6 actions and one of 60."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assure.assessments.models import Assessment
from assure.cycles.tests.factories import CycleFactory
from assure.frameworks.models import Item
from assure.partnerships.models import AgreedItem
from assure.plans import services
from assure.plans.models import Action, Plan
from assure.surveys.models import Survey

pytestmark = pytest.mark.django_db


def _populate(demo, n: int) -> Plan:
    """n of each kind of action in Camden's plan: own (owned, overdue), self-assessment, partnership, survey and
    carried over from a previous cycle."""
    Plan.objects.filter(organisation=demo.ccg).delete()
    plan = services.plan_get_or_create(cycle=demo.cycle, ccg=demo.ccg)
    previous_cycle = CycleFactory(region=demo.region, ccgs=[demo.ccg])
    previous = services.plan_get_or_create(cycle=previous_cycle, ccg=demo.ccg)
    assessment = Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg)
    survey = Survey.objects.get(cycle=demo.cycle, organisation=demo.ccg)
    items = list(Item.objects.filter(framework=demo.cycle.framework).select_related("domain")[:n])
    agreed = list(AgreedItem.objects.filter(review__ccg=demo.ccg2)[:n])
    past = timezone.localdate() - datetime.timedelta(days=5)
    actions = []
    for i in range(n):
        old = Action.objects.create(plan=previous, title=f"Old {i}", source=Action.Source.OWN)
        item = items[i % len(items)]
        actions += [
            Action(plan=plan, title=f"Own {i}", source="own", owner=demo.ccg_staff, due=past),
            Action(
                plan=plan,
                title=f"Item {i}",
                source="self_assessment",
                item=item,
                domain=item.domain,
                assessment=assessment,
                source_key=f"item:{i}",
            ),
            Action(
                plan=plan,
                title=f"Agreed {i}",
                source="partnership",
                agreed_item=agreed[i % len(agreed)],
                source_key=f"agreed:{i}",
            ),
            Action(
                plan=plan,
                title=f"Survey {i}",
                source="survey",
                survey=survey,
                domain=item.domain,
                source_key=f"survey:{i}",
            ),
            Action(plan=plan, title=f"Carried {i}", source="own", carried_from=old),
        ]
    Action.objects.bulk_create(actions)
    return plan


def _count(client: Client, method: str, url: str, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, **kwargs)
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(queries)


def _requests(demo, plan):
    action = plan.actions.filter(owner=demo.ccg_staff).order_by("pk").first()
    page = reverse("plans:plan", args=[demo.ccg.code, demo.cycle.public_id])
    return [
        ("ccg_lead", "get", page, {}),
        ("region_lead", "get", page, {"data": {"status": "active"}}),
        ("hwb_lead", "get", page, {}),
        ("ccg_lead", "get", reverse("plans:export", args=[demo.ccg.code, demo.cycle.public_id, "xlsx"]), {}),
        ("region_lead", "get", reverse("plans:list"), {}),
        (
            "ccg_staff",
            "post",
            reverse("plans:status", args=[action.public_id]),
            {
                "data": {
                    f"action-{action.public_id}-status": "in_progress",
                    f"action-{action.public_id}-version": 0,
                },
                "headers": {"HX-Request": "true"},
            },
        ),
    ]


def test_query_counts_do_not_grow_with_the_plan(demo, client_for, django_assert_max_num_queries):
    counts = {}
    for n in (2, 20):
        plan = _populate(demo, n)
        counts[n] = []
        for who, method, url, kwargs in _requests(demo, plan):
            client = client_for(getattr(demo, who))
            counts[n].append(_count(client, method, url, **kwargs))
    assert counts[2] == counts[20]
    lead = client_for(demo.ccg_lead)
    with django_assert_max_num_queries(20):
        assert lead.get(reverse("plans:plan", args=[demo.ccg.code, demo.cycle.public_id])).status_code == 200


def test_api_query_counts_do_not_grow_with_the_plan(demo, token_for, django_assert_max_num_queries):
    client = Client(headers={"Authorization": f"Bearer {token_for(demo.region_lead)}"})
    client.get(f"/api/v1/plans/{demo.ccg.code}")  # the token's first use records when it was used
    counts = []
    for n in (2, 20):
        _populate(demo, n)
        counts.append(_count(client, "get", f"/api/v1/plans/{demo.ccg.code}"))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(12):
        client.get(f"/api/v1/plans/{demo.ccg.code}")
