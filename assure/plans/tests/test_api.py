import pytest
from django.test import Client

from assure.audit.models import AuditEvent
from assure.cycles.tests.factories import CycleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(token_for):
    def make(user):
        return Client(headers={"Authorization": f"Bearer {token_for(user)}"})

    return make


def test_without_a_token_401(client, demo):
    assert client.get(f"/api/v1/plans/{demo.ccg.code}").status_code == 401


@pytest.mark.parametrize("who", ["admin", "ccg_lead", "ccg_staff"])
def test_the_ccg_gets_its_plan_overdue_first(api, demo, who):
    response = api(getattr(demo, who)).get(f"/api/v1/plans/{demo.ccg.code}")
    assert response.status_code == 200
    body = response.json()
    assert body["ccg"] == "07R" and body["cycle"] == str(demo.cycle.public_id)
    actions = body["actions"]
    assert [a["overdue"] for a in actions] == [True, True, False]
    assert body["overdue"] == 2
    own = next(a for a in actions if a["source"]["kind"] == "own")
    assert own["owner"] == {"name": "Chris Staff", "email": "ccg.staff@example.org"}
    assert own["status"] == "in_progress"
    assert {a["source"]["item"] for a in actions if a["source"]["kind"] == "self_assessment"} == {
        "1.3",
        "2.3",
    }


@pytest.mark.parametrize("who", ["region_lead", "assessor", "hwb_lead"])
def test_readers_outside_the_ccg_get_the_plan_without_what_tells_of_the_draft(api, demo, who):
    body = api(getattr(demo, who)).get(f"/api/v1/plans/{demo.ccg.code}").json()
    assert [a["source"]["kind"] for a in body["actions"]] == ["own"]
    islington = api(demo.region_lead).get(f"/api/v1/plans/{demo.ccg2.code}").json()
    assert {a["source"]["kind"] for a in islington["actions"]} == {"partnership", "survey"}
    assert islington["overdue"] >= 1


def test_a_named_cycle_and_an_unknown_one(api, demo):
    client = api(demo.ccg_lead)
    assert (
        client.get(f"/api/v1/plans/{demo.ccg.code}", {"cycle": str(demo.cycle.public_id)}).status_code == 200
    )
    other = CycleFactory()
    assert client.get(f"/api/v1/plans/{demo.ccg.code}", {"cycle": str(other.public_id)}).status_code == 404


@pytest.mark.parametrize("code", ["07R", "08H"])
def test_outsiders_get_404(api, outsider, demo, code):
    assert api(outsider).get(f"/api/v1/plans/{code}").status_code == 404


def test_another_ccg_gets_404(api, demo):
    assert api(demo.ccg2_lead).get(f"/api/v1/plans/{demo.ccg.code}").status_code == 404
    assert api(demo.ccg_lead).get("/api/v1/plans/NOPE").status_code == 404


def _post(client, action, status, version):
    return client.post(
        f"/api/v1/plans/actions/{action.public_id}/status",
        {"status": status, "version": version},
        content_type="application/json",
    )


def test_the_owner_changes_the_status(api, demo, staff_action):
    response = _post(api(demo.ccg_staff), staff_action, "done", staff_action.version)
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert AuditEvent.objects.filter(action="plan.action_changed", object_id=str(staff_action.pk)).exists()
    stale = _post(api(demo.ccg_staff), staff_action, "open", staff_action.version)
    assert stale.status_code == 409 and stale.json()["code"] == "stale"


@pytest.mark.parametrize(
    ("who", "status"),
    [("ccg_staff", 403), ("admin", 403), ("region_lead", 404), ("assessor", 404), ("hwb_lead", 404)],
)
def test_readers_who_may_not_act_are_refused(api, demo, lead_action, who, status):
    response = _post(api(getattr(demo, who)), lead_action, "done", lead_action.version)
    assert response.status_code == status
    lead_action.refresh_from_db()
    assert lead_action.status == "open"


def test_outsider_status_change_404_and_bad_status_422(api, outsider, demo, lead_action):
    assert _post(api(outsider), lead_action, "done", 0).status_code == 404
    assert _post(api(demo.ccg_lead), lead_action, "finished", lead_action.version).status_code == 422
    lead_action.refresh_from_db()
    assert lead_action.status == "open"
