"""Results pages and export: suppressed groups hidden everywhere, nothing linkable to a person."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from assure.core.tests.helpers import page_text
from assure.surveys import services
from assure.surveys.models import Survey

from .factories import SurveyFactory, respond


def url(name, survey):
    return reverse(f"surveys:{name}", args=[survey.public_id])


def test_results_show_distributions_and_hide_small_groups(
    ccg2_lead_client, islington_survey, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        response = ccg2_lead_client.get(url("results", islington_survey))
    text = page_text(response)
    assert "21 people responded" in text
    assert "Providers – fewer than 5 responses" in text
    assert "Local authority – hidden so that a smaller group's answers cannot be worked out" in text
    assert "Member practices (8 responses)" in text
    assert "S1.1 The CCG involves clinicians" in text
    assert "Answers to S1.1 as a table" in text
    assert '<svg class="assure-diverging"' in response.content.decode()
    assert "Blind spots" in text and "The largest differences" in text
    assert "HWB members who agree" in text


def test_a_hidden_group_shows_nothing_even_when_asked_for(ccg2_lead_client, islington_survey):
    text = page_text(ccg2_lead_client.get(url("results", islington_survey) + "?group=provider"))
    assert "The results for providers are not shown, so that nobody can be identified" in text
    assert "Answers to S1.1" not in text


def test_comments_of_hidden_groups_are_never_shown(ccg2_lead_client, demo):
    survey = SurveyFactory(cycle=demo.cycle, organisation=demo.hackney)
    for _ in range(5):
        respond(survey, "member_practice", {"S1.1": "agree"}, {1: "Practices are heard."})
        respond(survey, "local_authority", {"S1.1": "neutral"}, {1: "The council's view."})
    respond(survey, "provider", {"S1.1": "strongly_disagree"}, {1: "The one provider's view."})
    respond(survey, "hwb", {"S1.1": "disagree"}, {1: "A board member's view."})
    services.survey_close(survey=survey, user=demo.admin)
    client = ccg2_lead_client
    client.force_login(demo.admin)
    response = client.get(url("results", survey))
    text = page_text(response)
    assert "Practices are heard." in text
    assert "The one provider's view." not in text and "A board member's view." not in text
    # with the two small groups (1 + 1) hidden, the next smallest (the local authority, 5) is hidden too
    assert "Local authority – hidden so that a smaller group's answers cannot be worked out" in text
    assert "The council's view." not in text
    export = client.get(url("export_csv", survey)).content.decode("utf-8-sig")
    assert "one provider" not in export
    rows = list(csv.reader(io.StringIO(export)))
    assert [r[0] for r in rows if r[-1] == "suppressed"] == [
        "Health and Wellbeing Board",
        "Local authority",
        "Providers",
    ]


def test_export_marks_suppressed_groups_and_holds_only_counts(ccg2_lead_client, islington_survey):
    response = ccg2_lead_client.get(url("export_csv", islington_survey))
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Group", "Responses", "Domain", "Statement", "Statement text"]
    providers = [r for r in rows if r[0] == "Providers"]
    assert providers == [["Providers", "fewer than 5", "", "", "suppressed"]]
    overall = [r for r in rows if r[0] == "All stakeholders"]
    assert len(overall) == 18 and overall[0][1] == "21"


def test_no_page_for_the_ccg_names_who_gave_which_answer(ccg2_lead_client, islington_survey):
    """The CCG sees who responded (the stakeholder list) and the results, but nothing ties one to the other."""
    results = page_text(ccg2_lead_client.get(url("results", islington_survey)))
    for person in islington_survey.stakeholders.all():
        assert person.email not in results and person.name not in results


@pytest.mark.parametrize("name", ["results", "export_csv"])
def test_outsiders_and_other_ccgs_get_404(outsider_client, ccg_lead_client, islington_survey, name):
    assert outsider_client.get(url(name, islington_survey)).status_code == 404
    assert ccg_lead_client.get(url(name, islington_survey)).status_code == 404


def test_results_query_count_does_not_grow_with_responses(client, demo, django_assert_max_num_queries):
    survey = SurveyFactory(cycle=demo.cycle, organisation=demo.hackney)
    for n in range(40):
        respond(survey, ["member_practice", "hwb", "provider"][n % 3], {"S1.1": "agree"}, {2: f"Comment {n}"})
    Survey.objects.filter(pk=survey.pk).update(closed_at=survey.opens_at)
    client.force_login(demo.admin)
    with django_assert_max_num_queries(14):
        assert client.get(url("results", survey)).status_code == 200
