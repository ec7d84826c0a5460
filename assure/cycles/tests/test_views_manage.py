"""The pages to list, create and change cycles: platform admins and regional leads only, their region only."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from assure.audit.models import AuditEvent
from assure.core.tests.helpers import page_text
from assure.cycles.models import Cycle
from assure.cycles.tests.factories import builtin_framework

pytestmark = pytest.mark.django_db

LIST = "/cycles/"
CREATE = "/cycles/new/"


def form_data(demo, **changes) -> dict:
    today = timezone.localdate()
    data = {
        "name": "London annual assurance 2014–15",
        "kind": "authorisation",
        "framework": str(builtin_framework().pk),
        "region": demo.region.code,
        "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=300)).isoformat(),
        "previous": "",
        "ccgs": ["07R", "08H"],
        "use_self_assessment": "on",
        "self_assessment_opens_on": today.isoformat(),
        "self_assessment_deadline": (today + datetime.timedelta(days=60)).isoformat(),
        "use_survey": "on",
        "survey_deadline": (today + datetime.timedelta(days=90)).isoformat(),
        "reminder_days": "14,7,1",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("who", ["platform_admin_client", "region_client"])
def test_admins_and_regional_leads_list_the_cycles_they_run(
    request, demo, who, django_assert_max_num_queries
):
    client = request.getfixturevalue(who)

    with django_assert_max_num_queries(8):
        response = client.get(LIST)

    text = page_text(response)
    assert response.status_code == 200
    assert demo.cycle.name in text and "Create a cycle" in text


@pytest.mark.parametrize(
    "who", ["assessor_client", "ccg_lead_client", "ccg_staff_client", "hwb_lead_client", "outsider_client"]
)
@pytest.mark.parametrize("path", [LIST, CREATE])
def test_other_roles_get_not_found(request, demo, who, path):
    client = request.getfixturevalue(who)

    assert client.get(path).status_code == 404
    assert client.post(CREATE, form_data(demo)).status_code == 404
    assert not Cycle.objects.filter(name="London annual assurance 2014–15").exists()


def test_signed_out_people_are_sent_to_sign_in(client):
    for path in [LIST, CREATE]:
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_regional_lead_creates_a_cycle(region_client, demo):
    page = page_text(region_client.get(CREATE))
    assert "NHS Camden CCG (07R)" in page and "NHS Nottingham City CCG" not in page

    response = region_client.post(CREATE, form_data(demo))

    cycle = Cycle.objects.get(name="London annual assurance 2014–15")
    assert response.status_code == 302 and response["Location"] == f"/cycles/{cycle.public_id}/"
    assert set(cycle.ccgs.values_list("code", flat=True)) == {"07R", "08H"}
    assert set(cycle.steps.values_list("step", flat=True)) == {"self_assessment", "survey"}
    assert AuditEvent.objects.filter(action="cycle.created", object_id=str(cycle.pk)).exists()
    assert "has been created" in page_text(region_client.get(response["Location"]))


def test_every_ccg_of_the_region_at_once(region_client, demo):
    region_client.post(CREATE, form_data(demo, ccgs=None, all_ccgs="on"))

    cycle = Cycle.objects.get(name="London annual assurance 2014–15")
    assert cycle.ccgs.count() == len(demo.ccgs)


def test_a_forged_ccg_or_region_is_refused_and_nothing_written(region_client, demo, elsewhere):
    forged_ccg = region_client.post(CREATE, form_data(demo, ccgs=["07R", elsewhere.ccg.code]))
    forged_region = region_client.post(CREATE, form_data(demo, region=elsewhere.region.code, ccgs=[]))

    assert forged_ccg.status_code == 200
    assert "04K is not a CCG you can add to a cycle" in page_text(forged_ccg)
    assert "Choose one of your regions" in page_text(forged_region)
    assert not Cycle.objects.filter(name="London annual assurance 2014–15").exists()


def test_form_errors_name_what_is_wrong(region_client, demo):
    today = timezone.localdate()
    response = region_client.post(
        CREATE,
        form_data(
            demo,
            name="",
            self_assessment_deadline=(today + datetime.timedelta(days=400)).isoformat(),
            survey_deadline="",
            ends_on="not a date",
        ),
    )

    text = page_text(response)
    assert response.status_code == 200
    assert text.startswith("Error:")
    assert "Enter a name for the cycle" in text
    assert "Enter the end date as a real date" in text
    assert "Enter the 360° stakeholder survey deadline, or untick the step" in text
    assert not Cycle.objects.filter(name="").exists()


def test_deadlines_outside_the_cycle_are_refused(region_client, demo):
    today = timezone.localdate()
    response = region_client.post(
        CREATE, form_data(demo, self_assessment_deadline=(today + datetime.timedelta(days=400)).isoformat())
    )

    assert "The self-assessment deadline must fall within the cycle's dates" in page_text(response)
    assert not Cycle.objects.filter(name="London annual assurance 2014–15").exists()


def test_the_regional_lead_changes_their_cycle_and_a_stale_form_is_refused(
    region_client, platform_admin_client, demo
):
    region_client.post(CREATE, form_data(demo))
    cycle = Cycle.objects.get(name="London annual assurance 2014–15")
    edit = f"/cycles/{cycle.public_id}/change/"
    page = page_text(region_client.get(edit))
    assert "Change London annual assurance 2014–15" in page
    version = cycle.updated_at.isoformat()

    saved = platform_admin_client.post(edit, form_data(demo, name="Renamed", version=version))
    stale = region_client.post(edit, form_data(demo, name="Lost update", version=version))

    assert saved.status_code == 302
    assert "Someone else changed this cycle while you were editing it" in page_text(stale)
    cycle.refresh_from_db()
    assert cycle.name == "Renamed"


def test_only_those_who_run_a_cycle_may_change_it(
    demo, elsewhere, region_client, assessor_client, outsider_client
):
    edit = f"/cycles/{demo.cycle.public_id}/change/"

    assert region_client.get(edit).status_code == 200
    assert assessor_client.get(edit).status_code == 404
    assert outsider_client.get(edit).status_code == 404
    assert region_client.get(f"/cycles/{elsewhere.cycle.public_id}/change/").status_code == 404
    assert (
        region_client.post(
            f"/cycles/{elsewhere.cycle.public_id}/change/", form_data(demo, region=elsewhere.region.code)
        ).status_code
        == 404
    )


def test_the_cycle_page_flags_overdue_steps(region_client, demo):
    from assure.cycles.models import CycleStep

    CycleStep.objects.filter(cycle=demo.cycle, step="self_assessment").update(
        deadline=demo.cycle.starts_on + datetime.timedelta(days=1)
    )

    text = page_text(region_client.get(f"/cycles/{demo.cycle.public_id}/"))

    # Islington, Newham and Haringey submitted; the other three CCGs have not.
    assert "Overdue for 3 CCGs" in text
    assert "Change this cycle" in text
