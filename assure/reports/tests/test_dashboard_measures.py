"""The dashboard's stakeholder agreement measure and 360° response rates: anonymity, links, and a flat query count."""

from __future__ import annotations

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assure.core.tests.helpers import page_text
from assure.cycles.tests.factories import CycleFactory
from assure.surveys.models import Survey

from .factories import closed_surveys, submitted_ccgs

URL = reverse("reports:dashboard")


def test_stakeholder_agreement_colours_the_cells_once_a_survey_has_closed(demo, region_client):
    response = region_client.get(URL, {"cycle": demo.cycle.public_id, "measure": "agreement"})

    assert response.status_code == 200
    text = page_text(response)
    assert "Stakeholder agreement by CCG and domain" in text
    assert "80% or more" in text and "Under 40% agreeing" in text  # the key
    html = response.content.decode()
    islington = Survey.objects.get(cycle=demo.cycle, organisation=demo.ccg2)
    results = reverse("surveys:results", args=[islington.public_id])
    # Each cell says its share in words and links to the survey's results at that domain
    assert f'href="{results}#domain-1"' in html
    assert "% agree" in text
    # Camden's survey is still open: its row has no figures
    camden = Survey.objects.get(cycle=demo.cycle, organisation=demo.ccg)
    assert reverse("surveys:results", args=[camden.public_id]) not in html


def test_agreement_is_hidden_when_too_few_responded_in_all(demo, region_client):
    Survey.objects.filter(cycle=demo.cycle, organisation=demo.ccg2).update(min_group_size=50)

    html = region_client.get(URL, {"cycle": demo.cycle.public_id, "measure": "agreement"}).content.decode()

    assert "% agree<" not in html and "% agree\n" not in html


def test_response_rates_show_beside_each_ccg(demo, region_client):
    text = page_text(region_client.get(URL, {"cycle": demo.cycle.public_id}))

    assert "360° response rate" in text
    assert "72% (21 of 29)" in text  # Islington: 21 of the 29 invited responded


def test_agreement_change_since_the_previous_cycle(demo, region_client):
    previous = CycleFactory(name="London wave 2", region=demo.region, ccgs=[demo.ccg2])
    closed_surveys(previous, [demo.ccg2], respondents=5, answer="disagree")
    demo.cycle.previous = previous
    demo.cycle.save()

    text = page_text(region_client.get(URL, {"cycle": demo.cycle.public_id, "measure": "agreement"}))

    assert "up from 0% agree" in text


def test_the_agreement_measure_answers_in_a_fixed_number_of_queries(demo, region_client):
    cycle = demo.cycle
    ccgs = submitted_ccgs(cycle, demo.region, 21)
    closed_surveys(cycle, ccgs)
    params = {"cycle": cycle.public_id, "measure": "agreement"}
    with CaptureQueriesContext(connection) as small:
        assert region_client.get(URL, params).status_code == 200
    more = submitted_ccgs(cycle, demo.region, 190)  # 211 CCGs in all
    closed_surveys(cycle, more)
    with CaptureQueriesContext(connection) as large:
        response = region_client.get(URL, params)
    assert response.status_code == 200
    assert page_text(response).count("100% agree") >= 211 * 6
    # 24: with surveys whose figures are not in the cache yet, their statements and responses are read (two
    # queries); once they are, neither is (see the next test).
    assert len(large.captured_queries) == len(small.captured_queries) <= 24


def test_a_closed_surveys_agreement_is_worked_out_once_then_comes_from_the_cache(demo, region_client):
    cycle = demo.cycle
    closed_surveys(cycle, submitted_ccgs(cycle, demo.region, 5))
    params = {"cycle": cycle.public_id, "measure": "agreement"}
    with CaptureQueriesContext(connection) as first:
        first_text = page_text(region_client.get(URL, params))
    with CaptureQueriesContext(connection) as again:
        again_text = page_text(region_client.get(URL, params))
    assert again_text == first_text
    assert first_text.count("100% agree") >= 5 * 6

    def reads_responses(queries):
        return any('FROM "surveys_response"' in q["sql"] for q in queries.captured_queries)

    assert reads_responses(first) and not reads_responses(again)
    assert len(again.captured_queries) == len(first.captured_queries) - 2


def test_a_survey_not_yet_open_has_no_rate(demo, region_client):
    survey = Survey.objects.get(cycle=demo.cycle, organisation=demo.ccg)
    Survey.objects.filter(pk=survey.pk).update(
        opens_at=timezone.now() + datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=9),
    )
    survey.stakeholders.update(invited_at=None, responded_at=None, opened_at=None)

    text = page_text(region_client.get(URL, {"cycle": demo.cycle.public_id}))

    assert "(0 of 0)" not in text


def test_a_survey_counts_once_closed_by_hand_or_by_its_date_and_not_while_open(demo, api_get, token_for):
    cycle = demo.cycle
    by_date, by_hand, still_open, just_closing = submitted_ccgs(cycle, demo.region, 4)
    closed_surveys(cycle, [by_date, by_hand, still_open, just_closing])  # each closed yesterday, by its date
    now = timezone.now()
    tomorrow = now + datetime.timedelta(days=1)
    Survey.objects.filter(cycle=cycle, organisation=by_hand).update(closes_at=tomorrow, closed_at=now)
    Survey.objects.filter(cycle=cycle, organisation=still_open).update(closes_at=tomorrow)
    Survey.objects.filter(cycle=cycle, organisation=just_closing).update(
        closes_at=now + datetime.timedelta(seconds=2)
    )

    def agreement(ccg) -> list:
        response = api_get("/api/v1/dashboard", token_for(demo.region_lead), cycle=str(cycle.public_id))
        row = next(r for r in response.json()["rows"] if r["ccg"]["code"] == ccg.code)
        return [d["agreement"] for d in row["domains"]]

    assert agreement(by_date) == [100] * 6
    assert agreement(by_hand) == [100] * 6
    assert agreement(still_open) == [None] * 6
    assert agreement(just_closing) == [None] * 6
    # Once its closing time has come, the same survey counts, with nothing else changed.
    with time_machine.travel(now + datetime.timedelta(seconds=3)):
        assert agreement(just_closing) == [100] * 6


def test_surveys_closed_at_a_time_are_those_status_at_calls_closed(demo):
    now = timezone.now()
    camden = Survey.objects.get(cycle=demo.cycle, organisation=demo.ccg)
    for closes_at, closed_at in [
        (now - datetime.timedelta(seconds=1), None),
        (now, None),  # closing at that very moment
        (now + datetime.timedelta(seconds=1), None),
        (now + datetime.timedelta(days=1), now - datetime.timedelta(hours=1)),
    ]:
        Survey.objects.filter(pk=camden.pk).update(closes_at=closes_at, closed_at=closed_at)
        camden.refresh_from_db()
        closed = Survey.objects.filter(pk=camden.pk).closed_at_time(now).exists()
        assert closed == (camden.status_at(now) == Survey.Status.CLOSED), (closes_at, closed_at)
