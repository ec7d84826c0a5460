"""Assessor review and decisions over the API: the same scoping and rules as the pages."""

import datetime
from uuid import UUID

import pytest
from django.utils import timezone

from assure.accounts.tests.factories import UserFactory
from assure.assessments.models import Assessment
from assure.decisions.models import Condition, Decision, Judgement
from assure.organisations.models import Role
from assure.organisations.tests.factories import MembershipFactory

from .factories import judge_all


def _json(client, method, url, data):
    return getattr(client, method)(url, data, content_type="application/json")


def test_without_a_token_the_api_answers_401(client):
    assert client.get("/api/v1/queue").status_code == 401
    assert client.get("/api/v1/conditions").status_code == 401


def test_the_queue_lists_the_region_ccgs_with_their_stage(demo, api_for, django_assert_max_num_queries):
    client = api_for(demo.assessor)
    with django_assert_max_num_queries(15):
        response = client.get("/api/v1/queue", {"cycle": str(demo.cycle.public_id)})
    # Haringey is in three cycles; the demo decided on it in this one.
    rows = {r["ccg_code"]: r for r in response.json()["items"]}
    assert rows["08D"]["decision"] == "authorised_with_conditions" and rows["08D"]["decision_published"]
    assert rows["08H"]["assessors"] == 2 and rows["08H"]["reviewed"] and rows["08H"]["survey"] == "closed"
    assert rows["07R"]["assessment"] is None
    assert (
        api_for(demo.assessor).get("/api/v1/queue", {"cycle": str(demo.cycle.public_id)}).status_code == 200
    )


def test_the_queue_comes_in_pages_newest_cycle_first_then_by_ccg_name(demo, api_for):
    client = api_for(demo.assessor)
    whole = client.get("/api/v1/queue").json()
    rows = whole["items"]
    cycles = {c.public_id: c for c in demo.cycle.__class__.objects.all()}
    # every cycle of the demo region, its CCGs by name, the newest cycle first
    assert len({r["cycle"] for r in rows}) > 1
    assert whole["count"] == len(rows) > 5
    order = [(-cycles[UUID(r["cycle"])].starts_on.toordinal(), r["cycle_name"], r["ccg_name"]) for r in rows]
    assert order == sorted(order)
    walked = []
    for offset in range(0, len(rows), 4):
        page = client.get("/api/v1/queue", {"limit": 4, "offset": offset}).json()
        assert page["count"] == len(rows)
        walked += page["items"]
    assert walked == rows
    one_cycle = client.get("/api/v1/queue", {"cycle": str(demo.cycle.public_id), "limit": 2}).json()
    assert len(one_cycle["items"]) == 2
    assert one_cycle["count"] == sum(r["cycle"] == str(demo.cycle.public_id) for r in rows)
    assert one_cycle["items"] == [r for r in rows if r["cycle"] == str(demo.cycle.public_id)][:2]
    assert client.get("/api/v1/queue", {"offset": len(rows)}).json() == {"items": [], "count": len(rows)}
    too_many = client.get("/api/v1/queue", {"limit": 501})
    assert too_many.status_code == 422 and "limit" in str(too_many.json())


def test_a_page_of_the_queue_reads_only_its_own_rows(demo, api_for, django_assert_max_num_queries):
    client = api_for(demo.assessor)
    rows = client.get("/api/v1/queue").json()["items"]
    # the last page: no count asked; the page's rows read in a fixed number of queries
    with django_assert_max_num_queries(13) as queries:
        page = client.get("/api/v1/queue", {"limit": 3, "offset": len(rows) - 3}).json()
    assert page["items"] == rows[-3:]
    pairs = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "cycles_cycle_ccgs"')]
    assert len(pairs) == 1 and "LIMIT 3" in pairs[0]


@pytest.mark.parametrize("who", ["ccg_lead", "hwb_lead"])
def test_the_queue_is_not_for_ccgs_or_hwbs(demo, api_for, who):
    response = api_for(demo.users[who]).get("/api/v1/queue")
    assert response.status_code == 403
    assert response.json() == {"detail": "The queue is for assessors, regional leads and platform admins."}


def test_an_outsider_gets_an_empty_queue_scope(api_for, outsider):
    assert api_for(outsider).get("/api/v1/queue").status_code == 403


def test_an_assessor_puts_a_judgement(demo, api_for, fresh):
    client = api_for(demo.assessor)
    url = f"/api/v1/assessments/{fresh.public_id}/judgements/2"
    response = _json(client, "put", url, {"value": "met_with_conditions", "rationale": "Thin evidence."})
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 1
    stale = _json(client, "put", url, {"value": "met", "rationale": "Better.", "version": 0})
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    assert Judgement.objects.get(assessment=fresh, domain__number=2).value == "met_with_conditions"


def test_a_bad_judgement_answers_422_naming_the_field(demo, api_for, fresh):
    url = f"/api/v1/assessments/{fresh.public_id}/judgements/2"
    response = _json(api_for(demo.assessor), "put", url, {"value": "yes", "rationale": "x"})
    assert response.status_code == 422
    assert "value" in response.json()["errors"]
    assert _json(api_for(demo.assessor), "put", url.replace("/2", "/9"), {"value": "met"}).status_code == 404


def test_roles_that_must_not_judge(demo, api_for, fresh, outsider, client_for):
    url = f"/api/v1/assessments/{fresh.public_id}/judgements/1"
    data = {"value": "met", "rationale": "x"}
    assert _json(api_for(demo.region_lead), "put", url, data).status_code == 403
    assert _json(api_for(outsider), "put", url, data).status_code == 404
    assert _json(api_for(demo.ccg_lead), "put", url, data).status_code == 404
    person = UserFactory()
    MembershipFactory(user=person, organisation=demo.region, role=Role.ASSESSOR)
    MembershipFactory(user=person, organisation=fresh.organisation, role=Role.CCG_CONTRIBUTOR)
    response = _json(api_for(person), "put", url, data)
    assert response.status_code == 403 and "You belong to" in response.json()["detail"]
    assert not Judgement.objects.filter(assessment=fresh).exists()


def test_the_panel_posts_a_decision_with_conditions(demo, api_for, fresh):
    judge_all(fresh, demo.assessor, {5: "met_with_conditions"})
    due = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    url = f"/api/v1/assessments/{fresh.public_id}/decision"
    body = {
        "outcome": "authorised_with_conditions",
        "rationale": "Domain 5 needs work.",
        "panel": ["Sam Assessor", "Rita Regional"],
        "conditions": [
            {"domain": "5", "text": "Agree the CSU contract.", "support_level": "sign_off", "due": due}
        ],
    }
    response = _json(api_for(demo.assessor), "post", url, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["conditions"][0]["status"] == "open" and data["published_at"] is None
    again = _json(api_for(demo.assessor), "post", url, body)
    assert again.status_code == 409 and again.json()["code"] == "decided"


def test_a_contradicting_decision_answers_422_naming_the_domain(demo, api_for, fresh):
    judge_all(fresh, demo.assessor, {4: "not_met"})
    url = f"/api/v1/assessments/{fresh.public_id}/decision"
    response = _json(
        api_for(demo.assessor), "post", url, {"outcome": "authorised", "rationale": "x", "panel": "A"}
    )
    assert response.status_code == 422
    assert "domain 4 is judged not met" in response.json()["errors"]["contradiction_reason"]
    bad = _json(api_for(demo.assessor), "post", url, {"outcome": "approved", "rationale": "x", "panel": "A"})
    assert bad.status_code == 422 and "outcome" in bad.json()["errors"]
    condition = _json(
        api_for(demo.assessor),
        "post",
        url,
        {
            "outcome": "established_not_authorised",
            "rationale": "x",
            "panel": "A",
            "conditions": [{"domain": "4", "text": "x", "support_level": "nope", "due": "2030-01-01"}],
        },
    )
    assert condition.status_code == 422 and "conditions.0.support_level" in condition.json()["errors"]
    assert not Decision.objects.filter(assessment=fresh).exists()


def test_the_conditions_list_is_scoped(demo, api_for, outsider):
    haringey = {
        c["ccg_code"] for c in api_for(demo.users["ccg3_lead"]).get("/api/v1/conditions").json()["items"]
    }
    assert haringey == {"08D"}
    assert api_for(demo.ccg2_lead).get("/api/v1/conditions").json() == {"items": [], "count": 0}
    assert api_for(outsider).get("/api/v1/conditions").json() == {"items": [], "count": 0}
    assessor = api_for(demo.assessor).get("/api/v1/conditions", {"status": "open"}).json()["items"]
    assert len(assessor) == 1 and assessor[0]["status"] == "open"


def test_respond_discharge_and_escalate_over_the_api(demo, api_for, outsider):
    conditions = Condition.objects.filter(decision__assessment__organisation__code="08D")
    open_one = conditions.get(status="open")
    evidence = open_one.decision.assessment.organisation.evidence.first()
    lead = api_for(demo.users["ccg3_lead"])
    assert (
        _json(
            api_for(outsider), "post", f"/api/v1/conditions/{open_one.public_id}/response", {"version": 0}
        ).status_code
        == 404
    )
    assert (
        _json(
            api_for(demo.assessor),
            "post",
            f"/api/v1/conditions/{open_one.public_id}/response",
            {"version": 0},
        ).status_code
        == 403
    )
    foreign = _json(
        lead,
        "post",
        f"/api/v1/conditions/{open_one.public_id}/response",
        {"text": "Done.", "evidence": ["00000000-0000-0000-0000-000000000000"], "version": open_one.version},
    )
    assert foreign.status_code == 422 and "evidence" in foreign.json()["errors"]
    response = _json(
        lead,
        "post",
        f"/api/v1/conditions/{open_one.public_id}/response",
        {"text": "Done.", "evidence": [str(evidence.public_id)], "version": open_one.version},
    )
    assert response.status_code == 200 and response.json()["status"] == "evidence_submitted"
    assert (
        _json(lead, "post", f"/api/v1/conditions/{open_one.public_id}/discharge", {"version": 1}).status_code
        == 403
    )
    escalated = _json(
        api_for(demo.assessor),
        "post",
        f"/api/v1/conditions/{open_one.public_id}/escalate",
        {"note": "Late.", "version": 1},
    )
    assert escalated.status_code == 200 and escalated.json()["status"] == "escalated"
    discharged = conditions.filter(status="discharged").first()
    late = _json(
        api_for(demo.assessor),
        "post",
        f"/api/v1/conditions/{discharged.public_id}/discharge",
        {"version": discharged.version},
    )
    assert late.status_code == 409 and late.json()["code"] == "state"


def test_assessments_api_reveals_nothing_new_to_the_ccg(demo, api_for):
    islington = Assessment.objects.get(cycle=demo.cycle, organisation__code="08H")
    response = _json(
        api_for(demo.ccg2_lead),
        "put",
        f"/api/v1/assessments/{islington.public_id}/judgements/1",
        {"value": "met"},
    )
    assert response.status_code == 403
