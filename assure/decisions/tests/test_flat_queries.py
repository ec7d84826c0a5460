"""The decisions pages and endpoints make the same number of queries with ten times the CCGs, judgements,
decisions and conditions in the cycle."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assure.accounts.models import ApiToken
from assure.assessments.models import Assessment
from assure.core.demo import CCGS
from assure.decisions.models import Condition
from assure.national.tests.test_flat_queries import DOCUMENT

from .factories import decide, judge_all, submitted_assessment


def _add_ccgs(demo, n: int) -> None:
    for _ in range(n):
        assessment = submitted_assessment(cycle=demo.cycle)
        judge_all(assessment, demo.assessor, {2: "met_with_conditions"})
        judge_all(assessment, demo.users["assessor2"], {2: "met_with_conditions", 4: "met_with_conditions"})
        decide(
            assessment,
            demo.assessor,
            outcome="authorised_with_conditions",
            conditions=[("2", "Plan.", "toolkit", 60), ("4", "Contract.", "support", 90)],
            publish_by=demo.region_lead,
        )


def pages(demo, target: Assessment, condition: Condition, tokens: dict, islington: Assessment) -> dict:
    """name -> (client, method, path, data, headers)"""
    review = f"/decisions/review/{target.public_id}"
    api = {"HTTP_AUTHORIZATION": f"Bearer {tokens['assessor']}"}
    return {
        "queue": ("assessor", "get", "/decisions/", None, {}),
        "queue for one cycle": ("assessor", "get", f"/decisions/?cycle={demo.cycle.public_id}", None, {}),
        "review overview": ("assessor", "get", f"{review}/", None, {}),
        "review domain": ("assessor", "get", f"{review}/domains/2/", None, {}),
        "review domain (regional lead)": ("region", "get", f"{review}/domains/4/", None, {}),
        "judgement save (htmx)": (
            "assessor",
            "post",
            f"/decisions/review/{islington.public_id}/domains/5/judgement/",
            {"judgement-value": "met", "judgement-rationale": "x", "judgement-version": "999"},
            {"HTTP_HX_REQUEST": "true"},
        ),
        # a stale version, as the judgement above: the same answer on both calls (the row as it now stands)
        "assessor rating save (htmx)": (
            "assessor",
            "post",
            f"/decisions/review/{islington.public_id}/items/2.1/rating/",
            {"rate-2.1-rating": "3", "rate-2.1-note": "Seen.", "rate-2.1-version": "999"},
            {"HTTP_HX_REQUEST": "true"},
        ),
        "add a condition (form)": ("assessor", "get", f"{review}/decision/conditions/add/", None, {}),
        "decision": ("assessor", "get", f"{review}/decision/", None, {}),
        "decision form": ("assessor", "get", f"/decisions/review/{islington.public_id}/decision/", None, {}),
        "conditions (assessor)": ("assessor", "get", "/decisions/conditions/", None, {}),
        "conditions (CCG lead)": ("ccg3", "get", "/decisions/conditions/", None, {}),
        "condition": ("assessor", "get", f"/decisions/conditions/{condition.public_id}/", None, {}),
        "published": ("visitor", "get", f"/decisions/published/{demo.cycle.public_id}/", None, {}),
        "published cycles": ("visitor", "get", "/decisions/published/", None, {}),
        "open data": ("visitor", "get", "/reports/open-data/decisions/", None, {}),
        "open data JSON": (
            "visitor",
            "get",
            f"/reports/open-data/decisions/{demo.cycle.public_id}.json",
            None,
            {},
        ),
        "open data CSV": (
            "visitor",
            "get",
            f"/reports/open-data/decisions/{demo.cycle.public_id}.csv",
            None,
            {},
        ),
        "API queue": ("api", "get", "/api/v1/queue", None, api),
        "API conditions": ("api", "get", "/api/v1/conditions", None, api),
        "API judgement": (
            "api",
            "put",
            f"/api/v1/assessments/{islington.public_id}/judgements/6",
            json.dumps({"value": "met", "rationale": "Fine."}),
            api,
        ),
    }


def _measure(demo, clients, tokens) -> dict[str, tuple[int, int, bool]]:
    target = (
        Assessment.objects.filter(cycle=demo.cycle)
        .exclude(organisation__code__in=[code for code, *_ in CCGS])
        .order_by("pk")
        .first()
    )
    condition = Condition.objects.filter(decision__assessment=target).order_by("pk").first()
    islington = Assessment.objects.get(cycle=demo.cycle, organisation__code="08H")
    results = {}
    for name, (who, method, path, data, headers) in pages(demo, target, condition, tokens, islington).items():
        client = clients[who]
        kwargs = {"content_type": "application/json"} if method == "put" else {}
        call = getattr(client, method)
        call(path, data, **kwargs, **headers) if data is not None else call(path, **headers)
        with CaptureQueriesContext(connection) as queries:
            response = call(path, data, **kwargs, **headers) if data is not None else call(path, **headers)
        document = any(DOCUMENT in q["sql"] for q in queries.captured_queries)
        results[name] = (response.status_code, len(queries), document)
    return results


@pytest.fixture
def counts(demo):
    clients = {"visitor": Client(), "api": Client()}
    for key, user in [
        ("assessor", demo.assessor),
        ("region", demo.region_lead),
        ("ccg3", demo.users["ccg3_lead"]),
    ]:
        clients[key] = Client()
        clients[key].force_login(user)
    tokens = {"assessor": ApiToken.issue(user=demo.assessor, name="counts")[1]}
    _add_ccgs(demo, 2)
    small = _measure(demo, clients, tokens)
    _add_ccgs(demo, 18)
    large = _measure(demo, clients, tokens)
    return small, large


def test_queries_do_not_grow_with_the_data(counts):
    small, large = counts
    for name in small:
        assert small[name][0] < 400, f"{name} answered {small[name][0]}"
        assert small[name][0] == large[name][0], name
    assert {name: n for name, (_, n, _) in small.items()} == {name: n for name, (_, n, _) in large.items()}


def test_no_page_reads_a_frameworks_whole_document(counts):
    """As assure/national/tests/test_flat_queries.py asks of the other pages."""
    _, large = counts
    assert [name for name, (*_, document) in large.items() if document] == []
