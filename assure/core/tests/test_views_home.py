"""The home page: a signed-in person's organisations, roles and open cycles; a welcome for everyone else."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from assure.accounts.tests.factories import UserFactory
from assure.core.tests.helpers import page_text
from assure.cycles.tests.factories import CycleFactory, CycleStepFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_get_a_welcome_with_a_sign_in_link(
    client, framework, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get("/")

    text = page_text(response)
    assert response.status_code == 200
    assert 'href="/accounts/login/"' in response.content.decode()
    assert "Sign in" in text
    assert framework.title in text
    assert "London CCG authorisation" not in text


def test_the_home_page_shows_a_ccg_lead_their_organisation_role_and_open_cycle(
    ccg_lead_client, demo, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = ccg_lead_client.get("/")

    text = page_text(response)
    assert "Dr Clare Lead" in text
    assert "NHS Camden CCG" in text
    assert "07R" in text
    assert "CCG lead" in text
    assert demo.cycle.name in text
    assert "Self-assessment: due" in text
    assert f'href="/cycles/{demo.cycle.public_id}/"' in response.content.decode()
    assert "Sign out" in text
    assert "Administration" not in text


def test_an_hwb_lead_sees_their_board_and_the_cycle_of_its_partner_ccg(hwb_lead_client, demo):
    text = page_text(hwb_lead_client.get("/"))

    assert "Camden Health and Wellbeing Board" in text
    assert "HWB lead" in text
    assert demo.cycle.name in text


def test_the_outsider_sees_their_own_cycle_not_london_s(outsider_client, demo, elsewhere):
    text = page_text(outsider_client.get("/"))

    assert "NHS Nottingham City CCG" in text
    assert elsewhere.cycle.name in text
    assert demo.cycle.name not in text
    assert "NHS Camden CCG" not in text


def test_the_platform_admin_is_told_so_and_offered_administration(platform_admin_client):
    response = platform_admin_client.get("/")

    assert "platform admin" in page_text(response)
    assert 'href="/admin/"' in response.content.decode()


def test_staff_who_are_not_platform_admins_are_not_offered_administration(client_for, demo):
    staff = UserFactory(is_staff=True)

    response = client_for(staff).get("/")

    assert 'href="/admin/"' not in response.content.decode()
    assert "You do not belong to any organisation yet" in page_text(response)


def test_a_cycle_that_has_ended_is_not_shown(client_for, demo):
    today = timezone.localdate()
    ended = CycleFactory(
        name="London CCG authorisation, wave 2",
        region=demo.region,
        starts_on=today - datetime.timedelta(days=200),
        ends_on=today - datetime.timedelta(days=1),
        ccgs=[demo.ccg],
    )

    text = page_text(client_for(demo.ccg_lead).get("/"))

    assert demo.cycle.name in text
    assert ended.name not in text


def test_a_cycle_is_shown_while_open_and_not_after_its_last_day(client_for, demo):
    last_day = demo.cycle.ends_on

    with time_machine.travel(datetime.datetime.combine(last_day, datetime.time(12)), tick=False):
        assert demo.cycle.name in page_text(client_for(demo.ccg_lead).get("/"))

    with time_machine.travel(
        datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time(9)), tick=False
    ):
        text = page_text(client_for(demo.ccg_lead).get("/"))

    assert demo.cycle.name not in text
    assert "No cycle that concerns you is open today." in text


def test_a_cycle_not_yet_started_is_not_shown(client_for, demo):
    with time_machine.travel(
        datetime.datetime.combine(demo.cycle.starts_on, datetime.time(8)) - datetime.timedelta(days=1),
        tick=False,
    ):
        text = page_text(client_for(demo.ccg_lead).get("/"))

    assert demo.cycle.name not in text


def test_steps_are_listed_with_their_deadlines(client_for, demo):
    cycle = CycleFactory(name="Annual assurance 2013/14", region=demo.region, ccgs=[demo.ccg2])
    CycleStepFactory(cycle=cycle, deadline=cycle.starts_on + datetime.timedelta(days=20))

    text = page_text(client_for(demo.ccg2_lead).get("/"))

    assert "Annual assurance 2013/14" in text
    assert f"Self-assessment: due {(cycle.starts_on + datetime.timedelta(days=20)):%-d %B %Y}" in text


def test_the_home_page_only_answers_get(ccg_lead_client):
    assert ccg_lead_client.post("/").status_code == 405
