"""The decisions pages and endpoints make the same number of queries with ten times the CCGs, judgements,
decisions and conditions in the cycle; so do the one-way steps of a decision and its conditions, each measured on
objects made for it and then checked to have done its work."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assure.accounts.models import ApiToken, User
from assure.assessments.models import Assessment
from assure.core.demo import CCGS
from assure.decisions.models import Condition, ConditionEvent, Decision
from assure.evidence.models import Evidence
from assure.national.tests.test_flat_queries import DOCUMENT
from assure.organisations.models import Role

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
        # a page short of the whole list in both, so that each counts the list (the last page need not)
        "API conditions": ("api", "get", "/api/v1/conditions?limit=2", None, api),
        "API judgement": (
            "api",
            "put",
            f"/api/v1/assessments/{islington.public_id}/judgements/6",
            json.dumps({"value": "met", "rationale": "Fine."}),
            api,
        ),
    }


def _version(condition: Condition) -> int:
    return Condition.objects.get(pk=condition.pk).version


def steps(fresh: Fresh, tokens: dict) -> dict:
    """The one-way steps of a decision and its conditions, each taken on objects made for this measurement:
    name -> (client, method, path, data, headers), data a function called just before the request. Measured on
    their first call (the caches warmed by the pages before them), in this order."""
    assessor = {"HTTP_AUTHORIZATION": f"Bearer {tokens['assessor']}"}
    lead = {"HTTP_AUTHORIZATION": f"Bearer {fresh.lead_token}"}
    first, second = fresh.conditions
    return {
        "API decision": (
            "api",
            "post",
            f"/api/v1/assessments/{fresh.undecided.public_id}/decision",
            lambda: json.dumps(
                {"outcome": "authorised", "rationale": "Met throughout.", "panel": ["Sam Assessor"]}
            ),
            assessor,
        ),
        "decision publish": (
            "region",
            "post",
            f"/decisions/review/{fresh.undecided.public_id}/decision/publish/",
            lambda: {},
            {},
        ),
        "condition response": (
            "fresh lead",
            "post",
            f"/decisions/conditions/{first.public_id}/respond/",
            lambda: {
                "text": "Published.",
                "evidence": [str(fresh.evidence.public_id)],
                "version": _version(first),
            },
            {},
        ),
        "API condition discharge": (
            "api",
            "post",
            f"/api/v1/conditions/{first.public_id}/discharge",
            lambda: json.dumps({"note": "Met.", "version": _version(first)}),
            assessor,
        ),
        "API condition response": (
            "api",
            "post",
            f"/api/v1/conditions/{second.public_id}/response",
            lambda: json.dumps(
                {"text": "Signed.", "evidence": [str(fresh.evidence.public_id)], "version": _version(second)}
            ),
            lead,
        ),
        "condition discharge": (
            "assessor",
            "post",
            f"/decisions/conditions/{second.public_id}/act/",
            lambda: {"action": "discharge", "note": "Met.", "version": _version(second)},
            {},
        ),
        "API condition escalate": (
            "api",
            "post",
            f"/api/v1/conditions/{fresh.to_escalate.public_id}/escalate",
            lambda: json.dumps({"note": "No progress.", "version": _version(fresh.to_escalate)}),
            assessor,
        ),
        # repeatable: each call records a review and moves the next one on a quarter
        "API condition review": (
            "api",
            "post",
            f"/api/v1/conditions/{fresh.to_review.public_id}/review",
            lambda: json.dumps({"note": "On track (API).", "version": _version(fresh.to_review)}),
            assessor,
        ),
        "condition review": (
            "assessor",
            "post",
            f"/decisions/conditions/{fresh.to_review.public_id}/act/",
            lambda: {"action": "review", "note": "On track (page).", "version": _version(fresh.to_review)},
            {},
        ),
    }


ONCE = {
    "API decision",
    "decision publish",
    "condition response",
    "API condition discharge",
    "API condition response",
    "condition discharge",
    "API condition escalate",
}


@dataclass
class Fresh:
    """What the one-way steps act on, made anew before each measurement."""

    undecided: Assessment  # submitted and judged, without a decision
    conditions: list[Condition]  # the two open conditions of a published decision
    to_escalate: Condition  # an open condition of another published decision
    to_review: Condition
    evidence: Evidence  # in the library of the CCG of `conditions`
    lead: User  # that CCG's lead
    lead_token: str


def _fresh(demo) -> Fresh:
    undecided = submitted_assessment(cycle=demo.cycle)
    judge_all(undecided, demo.assessor)
    decided = []
    for _ in range(2):
        _add_ccgs(demo, 1)
        decided.append(Assessment.objects.filter(cycle=demo.cycle).latest("pk"))
    conditions = list(Condition.objects.filter(decision__assessment=decided[0]).order_by("pk"))
    lead = User.objects.get(
        memberships__organisation=decided[0].organisation, memberships__role=Role.CCG_LEAD
    )
    others = list(Condition.objects.filter(decision__assessment=decided[1]).order_by("pk"))
    return Fresh(
        undecided=undecided,
        conditions=conditions,
        to_escalate=others[0],
        to_review=others[1],
        evidence=Evidence.objects.create(
            organisation=decided[0].organisation,
            title="Engagement plan",
            evidence_type=demo.cycle.framework.evidence_types.first(),
            document_date=timezone.localdate(),
            url="https://www.example.org/plan",
            added_by=lead,
        ),
        lead=lead,
        lead_token=ApiToken.issue(user=lead, name="counts")[1],
    )


def _effects(fresh: Fresh) -> dict[str, bool]:
    """Whether each one-way step did what it is for: a count is only worth something for the request that did the
    work, not one turned away."""
    first, second = (Condition.objects.get(pk=c.pk) for c in fresh.conditions)
    decision = Decision.objects.filter(assessment=fresh.undecided).first()
    responded = {e.condition_id for e in ConditionEvent.objects.filter(kind="response", actor=fresh.lead)}
    reviews = list(
        ConditionEvent.objects.filter(condition=fresh.to_review, kind="review").values_list("text", flat=True)
    )
    return {
        "API decision": decision is not None,
        "decision publish": decision is not None and decision.is_published,
        "condition response": first.pk in responded,
        "API condition discharge": first.status == Condition.Status.DISCHARGED,
        "API condition response": second.pk in responded,
        "condition discharge": second.status == Condition.Status.DISCHARGED,
        "API condition escalate": Condition.objects.get(pk=fresh.to_escalate.pk).status
        == Condition.Status.ESCALATED,
        # a review from the warming call and one from the measured call, by each route
        "API condition review": reviews.count("On track (API).") == 2,
        "condition review": reviews.count("On track (page).") == 2,
    }


def _measure(demo, clients, tokens) -> tuple[dict[str, tuple[int, int, bool]], dict[str, bool]]:
    target = (
        Assessment.objects.filter(cycle=demo.cycle)
        .exclude(organisation__code__in=[code for code, *_ in CCGS])
        .order_by("pk")
        .first()
    )
    condition = Condition.objects.filter(decision__assessment=target).order_by("pk").first()
    islington = Assessment.objects.get(cycle=demo.cycle, organisation__code="08H")
    fresh = _fresh(demo)
    clients["fresh lead"] = Client()
    clients["fresh lead"].force_login(fresh.lead)
    requests = {**pages(demo, target, condition, tokens, islington), **steps(fresh, tokens)}
    results = {}
    for name, (who, method, path, data, headers) in requests.items():
        call = getattr(clients[who], method)

        def request(call=call, path=path, data=data, headers=headers):
            body = data() if callable(data) else data
            if body is None:
                return call(path, **headers)
            json_body = {"content_type": "application/json"} if isinstance(body, str) else {}
            return call(path, body, **json_body, **headers)

        if name not in ONCE:
            request()
        with CaptureQueriesContext(connection) as queries:
            response = request()
        document = any(DOCUMENT in q["sql"] for q in queries.captured_queries)
        results[name] = (response.status_code, len(queries), document)
    return results, _effects(fresh)


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
    small, small_effects = _measure(demo, clients, tokens)
    # ten times the CCGs of the small measurement: its 2, and the 3 made for its one-way steps
    _add_ccgs(demo, 47)
    large, large_effects = _measure(demo, clients, tokens)
    return small, large, small_effects, large_effects


def test_queries_do_not_grow_with_the_data(counts):
    small, large, *_ = counts
    for name in small:
        assert small[name][0] < 400, f"{name} answered {small[name][0]}"
        assert small[name][0] == large[name][0], name
    assert {name: n for name, (_, n, _) in small.items()} == {name: n for name, (_, n, _) in large.items()}


def test_no_page_reads_a_frameworks_whole_document(counts):
    """As assure/national/tests/test_flat_queries.py asks of the other pages."""
    _, large, *_ = counts
    assert [name for name, (*_, document) in large.items() if document] == []


def test_each_one_way_step_did_its_work(counts):
    *_, small_effects, large_effects = counts
    assert [name for name, done in small_effects.items() if not done] == []
    assert [name for name, done in large_effects.items() if not done] == []
