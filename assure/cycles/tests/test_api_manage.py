"""POST /api/v1/cycles and GET /api/v1/cycles/{id}: creating cycles, and where each CCG stands on deadlines."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.utils import timezone

from assure.cycles.models import Cycle, CycleStep

pytestmark = pytest.mark.django_db


def body(demo, **changes) -> dict:
    today = timezone.localdate()
    data = {
        "name": "London wave 4",
        "kind": "authorisation",
        "framework": "ccg-authorisation-2012",
        "framework_version": "1",
        "region": "Y56",
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=200)).isoformat(),
        "ccgs": ["07R", "08H"],
        "steps": [{"step": "self_assessment", "deadline": (today + datetime.timedelta(days=40)).isoformat()}],
    }
    data.update(changes)
    return data


@pytest.fixture
def post(client):
    def send(token, data):
        return client.post(
            "/api/v1/cycles",
            json.dumps(data),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    return send


def test_a_regional_lead_creates_a_cycle(post, token_for, demo, django_assert_max_num_queries):
    response = post(token_for(demo.region_lead), body(demo))

    assert response.status_code == 201, response.content
    out = response.json()
    assert out["name"] == "London wave 4" and out["region"] == "Y56"
    assert [s["step"] for s in out["steps"]] == ["self_assessment"]
    cycle = Cycle.objects.get(public_id=out["id"])
    assert set(cycle.ccgs.values_list("code", flat=True)) == {"07R", "08H"}


@pytest.mark.parametrize("who", ["assessor", "ccg_lead", "hwb_lead"])
def test_other_roles_may_not_create_cycles(post, token_for, demo, who):
    response = post(token_for(demo.users[who]), body(demo))

    assert response.status_code == 403
    assert not Cycle.objects.filter(name="London wave 4").exists()


def test_the_outsider_cannot_use_london_or_its_ccgs(post, token_for, demo, outsider):
    response = post(token_for(outsider), body(demo))

    assert response.status_code == 403


def test_forged_ccgs_and_regions_are_422_and_nothing_is_written(post, token_for, demo, elsewhere):
    token = token_for(demo.region_lead)

    forged = post(token, body(demo, ccgs=["07R", "04K"]))
    other_region = post(token, body(demo, region="Y55", ccgs=[]))
    bad_dates = post(
        token,
        body(
            demo,
            steps=[
                {
                    "step": "survey",
                    "deadline": (timezone.localdate() - datetime.timedelta(days=5)).isoformat(),
                }
            ],
        ),
    )

    assert forged.status_code == 422 and forged.json()["errors"] == {
        "ccgs": "These are not CCGs you can add to a cycle: 04K"
    }
    assert other_region.status_code == 422 and "region" in other_region.json()["errors"]
    assert bad_dates.status_code == 422
    assert bad_dates.json()["errors"] == {
        "survey_deadline": "The 360° stakeholder survey deadline must fall within the cycle's dates"
    }
    assert not Cycle.objects.filter(name="London wave 4").exists()


def test_the_cycle_detail_says_where_each_ccg_stands(api_get, token_for, demo, django_assert_max_num_queries):
    CycleStep.objects.filter(cycle=demo.cycle, step="self_assessment").update(
        deadline=timezone.localdate() - datetime.timedelta(days=2)
    )

    with django_assert_max_num_queries(14):
        response = api_get(f"/api/v1/cycles/{demo.cycle.public_id}", token_for(demo.region_lead))

    assert response.status_code == 200
    ccgs = {c["code"]: c for c in response.json()["ccgs"]}
    assert ccgs["07R"]["overdue"] == ["self_assessment"]
    assert ccgs["08H"]["overdue"] == []  # submitted
    camden = {s["step"]: s for s in ccgs["07R"]["steps"]}
    assert camden["self_assessment"]["status"] == "overdue" and camden["self_assessment"]["days_left"] == -2


def test_a_ccg_lead_sees_only_their_ccg_and_the_outsider_gets_404(api_get, token_for, demo, outsider):
    mine = api_get(f"/api/v1/cycles/{demo.cycle.public_id}", token_for(demo.ccg_lead)).json()

    assert [c["code"] for c in mine["ccgs"]] == ["07R"]
    assert api_get(f"/api/v1/cycles/{demo.cycle.public_id}", token_for(outsider)).status_code == 404
    assert api_get(f"/api/v1/cycles/{uuid.uuid4()}", token_for(demo.admin)).status_code == 404
