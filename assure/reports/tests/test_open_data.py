"""The open-data files of published decisions: public, and never anything unpublished."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assure.assessments.models import Assessment
from assure.core.tests.helpers import page_text
from assure.decisions.models import Decision, Judgement

from .factories import decide, submitted_ccgs

INDEX = reverse("reports:open_data")


@pytest.fixture(autouse=True)
def _no_demo_decisions(demo):
    """These tests set up the decisions they read: the demo's own are taken away."""
    Judgement.objects.filter(assessment__cycle=demo.cycle).delete()
    Decision.objects.filter(assessment__cycle=demo.cycle).delete()


def files(cycle, fmt):
    return reverse("reports:open_data_decisions", args=[cycle.public_id, fmt])


@pytest.fixture
def decisions(demo, islington):
    """Islington: published, with two conditions. One more CCG: decided, not published."""
    published = decide(
        islington,
        assessor=demo.assessor,
        conditions=[
            {"domain": 2, "text": "Publish a joint plan.", "support_level": "support"},
            {
                "domain": 5,
                "text": '=HYPERLINK("x")',
                "support_level": "toolkit",
                "status": "evidence_submitted",
            },
        ],
        published=True,
    )
    (other,) = submitted_ccgs(demo.cycle, demo.region, 1)
    hidden = decide(
        Assessment.objects.get(cycle=demo.cycle, organisation=other),
        assessor=demo.assessor,
        outcome="established_not_authorised",
        conditions=[{"domain": 1, "text": "Secret condition text", "support_level": "directions"}],
    )
    return published, hidden, other


def test_anyone_gets_the_json_of_published_decisions_only(client, demo, decisions):
    published, _hidden, other = decisions

    response = client.get(files(demo.cycle, "json"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert body["cycle"]["name"] == demo.cycle.name
    assert [d["ccg"] for d in body["decisions"]] == [{"code": "08H", "name": "NHS Islington CCG"}]
    (decision,) = body["decisions"]
    assert decision["outcome"] == "authorised_with_conditions"
    assert decision["decided_on"] == published.decided_on.isoformat()
    assert decision["published_at"].endswith("Z")
    assert [(c["domain"], c["support_level"], c["status"]) for c in decision["conditions"]] == [
        (2, "support", "open"),
        (5, "toolkit", "evidence_submitted"),
    ]
    assert decision["conditions"][0]["due"] == published.conditions.get(domain__number=2).due.isoformat()
    assert b"Secret condition text" not in response.content and other.code.encode() not in response.content


def test_anyone_gets_the_csv_with_a_row_per_condition(client, demo, decisions):
    response = client.get(files(demo.cycle, "csv"))

    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "CCG code,CCG name,Outcome,Decided on,Published at,Condition domain,Condition,Support level,"
        "Condition due,Condition status"
    )
    assert len(lines) == 3 and all(
        line.startswith("08H,NHS Islington CCG,authorised_with_conditions,") for line in lines[1:]
    )
    assert "'=HYPERLINK" in lines[2]  # a formula is neutralised
    assert "Secret condition text" not in response.content.decode()


def test_a_cycle_without_published_decisions_is_404(client, demo, elsewhere, decisions):
    published, _hidden, _other = decisions
    published.published_at = None
    published.save()

    assert client.get(files(demo.cycle, "json")).status_code == 404
    assert client.get(files(demo.cycle, "csv")).status_code == 404
    assert client.get(files(elsewhere.cycle, "json")).status_code == 404
    assert client.get(files(demo.cycle, "xml")).status_code == 404


def test_the_index_lists_cycles_with_published_decisions(client, demo, elsewhere, decisions):
    response = client.get(INDEX)

    assert response.status_code == 200
    text = page_text(response)
    assert demo.cycle.name in text and elsewhere.cycle.name not in text
    html = response.content.decode()
    assert files(demo.cycle, "json") in html and files(demo.cycle, "csv") in html


def test_the_index_says_when_nothing_is_published(client, db):
    assert "No decision has been published yet" in page_text(client.get(INDEX))


def test_the_files_answer_in_a_fixed_number_of_queries(client, demo, decisions):
    with CaptureQueriesContext(connection) as small:
        assert client.get(files(demo.cycle, "json")).status_code == 200
    for ccg in submitted_ccgs(demo.cycle, demo.region, 20):
        decide(
            Assessment.objects.get(cycle=demo.cycle, organisation=ccg),
            assessor=demo.assessor,
            conditions=[{"domain": 1, "text": "A"}, {"domain": 2, "text": "B"}],
            published=True,
        )
    with CaptureQueriesContext(connection) as large:
        response = client.get(files(demo.cycle, "json"))
    assert len(json.loads(response.content)["decisions"]) == 21
    assert len(small.captured_queries) == len(large.captured_queries) <= 6
    with CaptureQueriesContext(connection) as index:
        client.get(INDEX)
    assert len(index.captured_queries) <= 6


def test_published_at_is_when_it_was_published(client, demo, decisions):
    published, *_ = decisions
    published.published_at = timezone.now().replace(microsecond=0)
    published.save()
    body = json.loads(client.get(files(demo.cycle, "json")).content)
    assert body["decisions"][0]["published_at"].startswith(str(published.published_at.year))


def test_the_public_decisions_page_links_to_the_files(client, demo, decisions):
    page = client.get(reverse("decisions:published", args=[demo.cycle.public_id])).content.decode()

    assert files(demo.cycle, "json") in page and files(demo.cycle, "csv") in page and INDEX in page


def test_no_link_while_nothing_is_published(client, demo):
    page = client.get(reverse("decisions:published", args=[demo.cycle.public_id])).content.decode()

    assert files(demo.cycle, "json") not in page


def test_the_index_of_published_decisions_links_to_the_open_data(client, demo, decisions):
    assert INDEX in client.get(reverse("decisions:published_index")).content.decode()
