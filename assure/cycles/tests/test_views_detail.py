"""The cycle page: what a cycle runs, when, with which steps, for which CCGs; scoped like everything else."""

from __future__ import annotations

import uuid

import pytest

from assure.core.tests.helpers import page_text


def url(cycle) -> str:
    return f"/cycles/{cycle.public_id}/"


def test_a_ccg_lead_sees_their_cycle(ccg_lead_client, demo, django_assert_max_num_queries):
    # A fixed number of queries: the page, plus one per check of where the CCGs stand against the deadlines.
    with django_assert_max_num_queries(14):
        response = ccg_lead_client.get(url(demo.cycle))

    assert response.status_code == 200
    text = page_text(response)
    assert demo.cycle.name in text
    assert "CCG authorisation and HWB partnership framework (2012), version 1" in text
    assert "NHS Commissioning Board – London" in text
    for step in ["Self-assessment", "Partnership review", "360° stakeholder survey", "Assessor review"]:
        assert step in text
    assert "NHS Camden CCG" in text
    assert "NHS Islington CCG" not in text  # other CCGs in the cycle are not the lead's to see


def test_the_regional_lead_sees_every_ccg_in_the_cycle(region_client, demo):
    text = page_text(region_client.get(url(demo.cycle)))

    for ccg in demo.ccgs:
        assert ccg.name in text


@pytest.mark.parametrize(
    "client_fixture", ["ccg_staff_client", "hwb_lead_client", "ccg2_lead_client", "assessor_client"]
)
def test_everyone_in_the_region_with_a_part_in_the_cycle_can_open_it(request, demo, client_fixture):
    client = request.getfixturevalue(client_fixture)

    assert demo.cycle.name in page_text(client.get(url(demo.cycle)))


def test_the_outsider_gets_not_found(outsider_client, demo):
    response = outsider_client.get(url(demo.cycle))

    assert response.status_code == 404
    assert demo.cycle.name not in response.content.decode()


def test_a_london_lead_gets_not_found_for_another_region_s_cycle(ccg_lead_client, elsewhere):
    assert ccg_lead_client.get(url(elsewhere.cycle)).status_code == 404


def test_the_outsider_sees_their_own_cycle(outsider_client, elsewhere):
    text = page_text(outsider_client.get(url(elsewhere.cycle)))

    assert elsewhere.cycle.name in text
    assert "NHS Nottingham City CCG" in text


def test_anonymous_visitors_are_sent_to_sign_in(client, demo):
    response = client.get(url(demo.cycle))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url(demo.cycle)}"


def test_an_unknown_cycle_is_not_found(ccg_lead_client):
    assert ccg_lead_client.get(f"/cycles/{uuid.uuid4()}/").status_code == 404


def test_cycles_are_reached_by_public_id_not_sequential_id(ccg_lead_client, demo):
    assert ccg_lead_client.get(f"/cycles/{demo.cycle.pk}/").status_code == 404


def test_the_list_of_ccgs_downloads_with_each_ccgs_region_and_self_assessment(region_client, demo):
    import csv
    import io

    from django.urls import reverse

    from assure.assessments.models import Assessment

    response = region_client.get(reverse("cycles:ccgs_export", args=[demo.cycle.public_id, "csv"]))

    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["CCG code"] for r in rows} == {c.code for c in demo.ccgs}
    assert [r["CCG name"] for r in rows] == sorted(r["CCG name"] for r in rows)
    assert {r["Region"] for r in rows} == {demo.region.name}
    islington = next(r for r in rows if r["CCG code"] == demo.ccg2.code)
    submitted = Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg2)
    assert islington["Self-assessment"] == "Submitted"
    assert islington["First submitted at"] and islington["Last submitted at"]
    assert submitted.first_submitted_at.strftime("%Y-%m-%d") in islington["First submitted at"]
