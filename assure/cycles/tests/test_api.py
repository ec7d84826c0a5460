"""GET /api/v1/cycles: token authentication, and the same scoping as the web pages."""

from __future__ import annotations

import pytest
from django.utils import timezone

from assure.accounts.models import ApiToken
from assure.accounts.tests.factories import ApiTokenFactory, UserFactory
from assure.core.demo import ANNUAL_CYCLE_NAME, CYCLE_NAME, PREVIOUS_CYCLE_NAME

URL = "/api/v1/cycles"
OUTSIDER_CYCLE = "Midlands and East CCG authorisation, wave 2"
LONDON_CYCLES = sorted([CYCLE_NAME, PREVIOUS_CYCLE_NAME, ANNUAL_CYCLE_NAME])


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [cycle["name"] for cycle in response.json()["items"]]


@pytest.mark.django_db
def test_without_a_token_the_answer_is_401(api_get, demo):
    response = api_get(URL)

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header", ["Bearer asr_not-a-real-token", "Token abc", "Basic Y2NnOmxlYWQ=", "Bearer "]
)
def test_a_wrong_token_or_scheme_is_401(client, demo, header):
    assert client.get(URL, headers={"Authorization": header}).status_code == 401


def test_a_revoked_token_is_401(api_get, demo):
    token = ApiTokenFactory(user=demo.ccg_lead)
    assert api_get(URL, token.token).status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())

    assert api_get(URL, token.token).status_code == 401


def test_a_switched_off_persons_token_is_401(api_get, demo):
    token = ApiTokenFactory(user=demo.ccg_lead)
    demo.ccg_lead.is_active = False
    demo.ccg_lead.save()

    assert api_get(URL, token.token).status_code == 401


def test_a_ccg_lead_sees_the_cycle_their_ccg_is_in(
    api_get, token_for, demo, elsewhere, django_assert_max_num_queries
):
    token = token_for(demo.ccg_lead)

    with django_assert_max_num_queries(6):
        response = api_get(URL, token)

    assert names(response) == [CYCLE_NAME]
    (cycle,) = response.json()["items"]
    assert cycle == {
        "id": str(demo.cycle.public_id),
        "name": CYCLE_NAME,
        "kind": "authorisation",
        "framework": "ccg-authorisation-2012",
        "framework_version": "1",
        "starts_on": demo.cycle.starts_on.isoformat(),
        "ends_on": demo.cycle.ends_on.isoformat(),
        "region": "Y56",
        "previous": None,
        "steps": [
            {
                "step": step.step,
                "label": step.get_step_display(),
                "opens_on": step.opens_on.isoformat(),
                "deadline": step.deadline.isoformat(),
                "overdue": False,
            }
            for step in demo.cycle.steps.order_by("deadline")
        ],
    }


def test_the_outsider_sees_only_their_own_regions_cycle(api_get, token_for, demo, outsider):
    assert names(api_get(URL, token_for(outsider))) == [OUTSIDER_CYCLE]


@pytest.mark.parametrize("who", ["ccg_staff", "hwb_lead", "ccg2_lead"])
def test_london_logins_see_the_london_cycle_only(api_get, token_for, demo, elsewhere, who):
    assert names(api_get(URL, token_for(demo.users[who]))) == [CYCLE_NAME]


@pytest.mark.parametrize("who", ["region_lead", "assessor"])
def test_the_region_s_leads_and_assessors_see_every_london_cycle(api_get, token_for, demo, elsewhere, who):
    assert sorted(names(api_get(URL, token_for(demo.users[who])))) == LONDON_CYCLES


def test_the_platform_admin_sees_every_cycle(api_get, token_for, demo, elsewhere):
    assert sorted(names(api_get(URL, token_for(demo.admin)))) == sorted([*LONDON_CYCLES, OUTSIDER_CYCLE])


def test_a_person_with_no_organisation_sees_no_cycles(api_get, token_for, demo):
    assert names(api_get(URL, token_for(UserFactory()))) == []


def test_using_a_token_records_when_it_was_last_used(api_get, demo):
    token = ApiTokenFactory(user=demo.ccg_lead)
    assert token.last_used_at is None

    api_get(URL, token.token)

    token.refresh_from_db()
    assert token.last_used_at is not None
