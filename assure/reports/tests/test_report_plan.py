"""The development plan in the CCG report (page and PDF), and the report's query count with every section full."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assure.core.tests.helpers import page_text
from assure.plans.models import Action, Plan
from assure.plans.tests.factories import ActionFactory

from .conftest import pdf_text
from .factories import decide


def url(assessment) -> str:
    return reverse("reports:report", args=[assessment.public_id])


def test_the_ccg_lead_reads_the_plan_with_overdue_actions_first(ccg_lead_client, camden):
    response = ccg_lead_client.get(url(camden))

    text = page_text(response)
    assert "Development plan" in text
    assert "Actions, overdue first" in text
    assert "Overdue" in text
    assert "Publish the clinical leads' engagement calendar for member practices" in text
    assert "Self-assessment item below the threshold" in text  # where an action came from
    html = response.content.decode()
    table = html.split('id="plan-caption"', 1)[1].split("</table>", 1)[0]
    assert table.index("Overdue") < table.index("In progress")
    plan_page = reverse("plans:plan", args=[camden.organisation.code, camden.cycle.public_id])
    assert plan_page in html


@pytest.mark.parametrize("who", ["region_client", "assessor_client", "ccg2_lead_client"])
def test_islingtons_plan_for_the_region_and_the_ccg(request, who, islington):
    text = page_text(request.getfixturevalue(who).get(url(islington)))
    assert "Development plan" in text and "Partnership review agreed action" in text


def test_the_partner_hwb_reads_the_plan_of_a_shared_report(client_for, islington):
    text = page_text(client_for("islington.hwb@example.org").get(url(islington)))
    assert "Development plan" in text


def test_no_plan_section_without_actions(demo, ccg_lead_client, camden):
    Action.objects.filter(plan__organisation=demo.ccg, plan__cycle=demo.cycle).delete()
    assert "Development plan" not in page_text(ccg_lead_client.get(url(camden)))


def test_the_pdf_has_the_plan(region_client, islington, tmp_path):
    response = region_client.get(reverse("reports:report_pdf", args=[islington.public_id]))
    text = pdf_text(response.content, tmp_path)
    assert "Development plan" in text and "Actions, overdue first" in text


def test_the_report_answers_in_the_same_number_of_queries_with_ten_times_more(
    demo, region_client, islington, django_assert_max_num_queries
):
    plan = Plan.objects.get(cycle=demo.cycle, organisation=demo.ccg2)
    from assure.decisions.models import Decision, Judgement

    Judgement.objects.filter(assessment=islington).delete()
    Decision.objects.filter(assessment=islington).delete()
    decision = decide(islington, assessor=demo.assessor, conditions=[{"domain": 1, "text": "One"}])

    def add(n):
        ActionFactory.create_batch(n, plan=plan, due=timezone.localdate() - datetime.timedelta(days=1))
        for i in range(n):
            decision.conditions.create(
                domain=decision.conditions.first().domain,
                text=f"Condition {i}",
                support_level="toolkit",
                due=timezone.localdate(),
                raised_on=timezone.localdate(),
            )

    add(2)
    with CaptureQueriesContext(connection) as small:
        assert region_client.get(url(islington)).status_code == 200
    add(20)
    with CaptureQueriesContext(connection) as large:
        response = region_client.get(url(islington))
    assert "Condition 19" in page_text(response)
    assert len(small.captured_queries) == len(large.captured_queries)
    with django_assert_max_num_queries(30):
        region_client.get(url(islington))
