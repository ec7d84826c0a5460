"""Judgements, the decision and its conditions in the report, the dashboard and the API: only what each reader may
see (the CCG nothing before the decision is published)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assure.core.tests.helpers import page_text
from assure.decisions.models import Decision, Judgement

from .conftest import pdf_text
from .factories import decide, submitted_ccgs

DASHBOARD = reverse("reports:dashboard")
CONDITION = "Publish a joint commissioning plan with the council."


@pytest.fixture(autouse=True)
def _no_demo_decisions(demo):
    """These tests set up the decisions they read: the demo's own (Newham, Tower Hamlets, Islington's
    judgements) are taken away."""
    Judgement.objects.filter(assessment__cycle=demo.cycle).delete()
    Decision.objects.filter(assessment__cycle=demo.cycle).delete()


def report_url(assessment) -> str:
    return reverse("reports:report", args=[assessment.public_id])


@pytest.fixture
def unpublished(demo, islington):
    return decide(
        islington,
        assessor=demo.assessor,
        judgements={1: "met", 2: "met_with_conditions", 3: "met", 4: "met", 5: "met", 6: "met"},
        conditions=[{"domain": 2, "text": CONDITION, "support_level": "support"}],
    )


@pytest.fixture
def published(unpublished):
    unpublished.published_at = timezone.now()
    unpublished.save()
    return unpublished


# The report ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["assessor_client", "region_client", "platform_admin_client"])
def test_the_region_reads_judgements_and_the_decision_before_it_is_published(
    request, who, unpublished, islington
):
    text = page_text(request.getfixturevalue(who).get(report_url(islington)))

    assert "Assessor judgement" in text and "Met with conditions" in text
    assert "Decision and conditions" in text
    assert "Authorised with conditions" in text
    assert "Not yet published" in text
    assert CONDITION in text and "A support team or individual" in text


def test_the_ccg_sees_no_judgement_or_decision_before_it_is_published(
    ccg2_lead_client, unpublished, islington
):
    text = page_text(ccg2_lead_client.get(report_url(islington)))

    assert "Assessor judgement" not in text and "Met with conditions" not in text
    assert "Decision and conditions" not in text and CONDITION not in text


def test_the_ccg_reads_them_once_published(ccg2_lead_client, published, islington):
    text = page_text(ccg2_lead_client.get(report_url(islington)))

    assert "Assessor judgement" in text and "Met with conditions" in text
    assert "Decision and conditions" in text and CONDITION in text
    assert "Not yet published" not in text


def test_an_overdue_condition_says_so(demo, ccg2_lead_client, islington):
    decide(
        islington,
        assessor=demo.assessor,
        conditions=[
            {"domain": 3, "text": "Late work", "due": timezone.localdate() - datetime.timedelta(days=1)}
        ],
        published=True,
    )
    assert "Overdue" in page_text(ccg2_lead_client.get(report_url(islington)))


def test_assessors_who_differ_are_shown_as_differing(demo, region_client, unpublished, islington):
    from assure.accounts.tests.factories import UserFactory
    from assure.decisions.models import Judgement
    from assure.frameworks.models import Domain

    other = UserFactory(email="second.assessor@example.org")
    Judgement.objects.create(
        assessment=islington,
        domain=Domain.objects.get(framework=demo.cycle.framework, number=1),
        assessor=other,
        value="not_met",
    )
    assert "Assessors differ: not met, threshold met" in page_text(region_client.get(report_url(islington)))


def test_the_pdf_has_the_decision_section(region_client, published, islington, tmp_path):
    response = region_client.get(reverse("reports:report_pdf", args=[islington.public_id]))

    text = pdf_text(response.content, tmp_path)
    assert "Decision and conditions" in text
    assert "Authorised with conditions" in text and "Publish a joint commissioning plan" in text


def test_the_report_stays_within_its_query_bound(
    region_client, published, islington, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30):
        assert region_client.get(report_url(islington)).status_code == 200


# The dashboard ---------------------------------------------------------------------------------------------------


def test_the_judgement_measure_outcome_and_open_conditions(demo, region_client, unpublished, islington):
    response = region_client.get(DASHBOARD, {"cycle": demo.cycle.public_id, "measure": "judgement"})

    text = page_text(response)
    assert "Assessor judgement by CCG and domain" in text
    assert "Met with conditions" in text and "Threshold met" in text
    assert "Authorised with conditions" in text  # the outcome
    assert "Decision recorded, not yet published" in text  # the stage
    html = response.content.decode()
    submission = reverse("assessments:submission", args=[islington.public_id, 1])
    assert f'href="{submission}#domain-2"' in html


def test_the_outcome_filter(demo, region_client, unpublished):
    text = page_text(
        region_client.get(DASHBOARD, {"cycle": demo.cycle.public_id, "outcome": "Authorised with conditions"})
    )

    assert "NHS Islington CCG" in text and "NHS Camden CCG" not in text
    assert "1 CCG." in text


def test_the_conditions_over_time_chart(demo, region_client, islington):
    demo.cycle.starts_on = timezone.localdate() - datetime.timedelta(days=400)
    demo.cycle.save()
    decide(
        islington,
        assessor=demo.assessor,
        decided_on=demo.cycle.starts_on,
        conditions=[{"domain": 2, "text": CONDITION, "raised_on": demo.cycle.starts_on}],
    )

    response = region_client.get(DASHBOARD, {"cycle": demo.cycle.public_id})

    text = page_text(response)
    assert "CCGs free of open conditions over time" in text
    assert "CCGs free of open conditions at each quarter end" in text  # the table alternative
    assert (
        "0 of the 1 CCGs with a decision were authorised with no open conditions, 1 had conditions open"
        in text
    )
    assert 'aria-labelledby="chart-conditions-title chart-conditions-desc"' in response.content.decode()


def test_the_chart_ends_today_in_a_cycle_younger_than_a_quarter(demo, region_client, islington):
    decide(islington, assessor=demo.assessor, conditions=[{"domain": 2, "text": CONDITION}])

    text = page_text(region_client.get(DASHBOARD, {"cycle": demo.cycle.public_id}))

    today = timezone.localdate()
    assert f"{today.day} {today:%B %Y} (today)" in text
    assert f"At {today.day} {today:%B %Y} (today), 0 of the 1 CCGs with a decision" in text


def test_no_conditions_chart_without_decisions(demo, region_client):
    assert "free of open conditions over time" not in page_text(
        region_client.get(DASHBOARD, {"cycle": demo.cycle.public_id})
    )


def test_the_dashboard_with_decisions_answers_in_a_fixed_number_of_queries(demo, region_client):
    cycle = demo.cycle
    params = {"cycle": cycle.public_id, "measure": "judgement"}

    def decide_all(ccgs):
        from assure.assessments.models import Assessment

        for assessment in Assessment.objects.filter(cycle=cycle, organisation__in=ccgs):
            decide(assessment, assessor=demo.assessor, conditions=[{"domain": 1, "text": "Do more"}])

    few = submitted_ccgs(cycle, demo.region, 21)
    decide_all(few[:5])
    with CaptureQueriesContext(connection) as small:
        assert region_client.get(DASHBOARD, params).status_code == 200
    more = submitted_ccgs(cycle, demo.region, 190)
    decide_all(more[:50])
    with CaptureQueriesContext(connection) as large:
        response = region_client.get(DASHBOARD, params)
    assert response.status_code == 200
    assert page_text(response).count("Authorised with conditions") >= 55
    assert len(large.captured_queries) == len(small.captured_queries) <= 26


# The API ------------------------------------------------------------------------------------------------------------


def test_the_api_rows_carry_judgement_outcome_and_open_conditions(demo, api_get, token_for, unpublished):
    body = api_get("/api/v1/dashboard", token_for(demo.assessor), cycle=str(demo.cycle.public_id)).json()
    row = next(r for r in body["rows"] if r["ccg"]["code"] == "08H")

    assert row["ccg"] == {"code": "08H", "name": "NHS Islington CCG"}
    assert row["outcome"] == "authorised_with_conditions"
    assert row["open_conditions"] == 1
    assert [d["judgement"] for d in row["domains"]][:2] == ["met", "met_with_conditions"]
    assert row["stage"] == "Decision recorded, not yet published"
    camden = next(r for r in body["rows"] if r["ccg"]["code"] == "07R")
    assert camden["outcome"] is None and camden["open_conditions"] is None


def test_a_discharged_condition_is_not_open(demo, api_get, token_for, unpublished):
    unpublished.conditions.update(status="discharged", discharged_on=timezone.localdate())

    body = api_get("/api/v1/dashboard", token_for(demo.assessor), cycle=str(demo.cycle.public_id)).json()

    assert next(r for r in body["rows"] if r["ccg"]["code"] == "08H")["open_conditions"] == 0


def test_the_partner_hwb_reads_the_published_decision_but_no_judgements(client_for, unpublished, islington):
    client = client_for("islington.hwb@example.org")
    before = page_text(client.get(report_url(islington)))
    assert "Decision and conditions" not in before

    unpublished.published_at = timezone.now()
    unpublished.save()
    after = page_text(client.get(report_url(islington)))
    assert "Decision and conditions" in after and CONDITION in after
    assert "Assessor judgement" not in after
