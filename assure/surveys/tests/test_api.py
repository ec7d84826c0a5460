"""The survey API: the same scoping, rules and anonymity as the pages."""

from __future__ import annotations

import pytest

from assure.surveys.models import EmailDelivery, Stakeholder

BASE = "/api/v1/surveys"


def test_the_list_shows_the_surveys_the_caller_may_see(api_for, camden_survey, islington_survey):
    body = api_for("region@example.org").get(BASE).json()["items"]
    assert {(s["ccg"], s["status"]) for s in body} == {("07R", "open"), ("08H", "closed")}
    assert set(body[0]) >= {"id", "ccg", "cycle", "status", "opens_at", "closes_at", "min_group_size"}
    assert [s["ccg"] for s in api_for("ccg.lead@example.org").get(BASE).json()["items"]] == ["07R"]
    assert api_for("hwb.lead@example.org").get(BASE).json() == {"items": [], "count": 0}


def test_without_a_token_the_api_answers_401(client, camden_survey):
    assert client.get(BASE).status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", ""),
        ("get", "/rates"),
        ("get", "/results"),
        ("post", "/invitations"),
        ("post", "/reminders"),
        ("post", "/close"),
        ("post", "/stakeholders"),
    ],
)
def test_outsiders_get_404_everywhere(api_for, outsider, camden_survey, method, path):
    client = api_for(outsider)
    url = f"{BASE}/{camden_survey.public_id}{path}"
    response = client.post(url, [], content_type="application/json") if method == "post" else client.get(url)
    assert response.status_code == 404


def test_adding_stakeholders_is_all_or_nothing_with_row_errors(api_for, camden_survey):
    client = api_for("ccg.lead@example.org")
    listed = Stakeholder.objects.filter(survey=camden_survey).first().email
    payload = [
        {"name": "Ann", "email": "ann@example.org", "organisation": "Council", "group": "local_authority"},
        {"name": "", "email": "bad", "group": "dentists"},
        {"name": "Ann again", "email": "ANN@example.org", "group": "Providers"},
        {"name": "Listed", "email": listed, "group": "hwb"},
    ]
    response = client.post(
        f"{BASE}/{camden_survey.public_id}/stakeholders", payload, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"row": 2, "field": "name", "message": "Enter the person's name"},
        {
            "row": 2,
            "field": "email",
            "message": "Enter an email address in the correct format, like name@example.org",
        },
        {"row": 2, "field": "group", "message": "Choose the person's stakeholder group"},
        {
            "row": 3,
            "field": "email",
            "message": "ann@example.org is also stakeholder 1 in this list: send each person once",
        },
        {"row": 4, "field": "email", "message": f"{listed} is already on the stakeholder list"},
    ]
    assert not Stakeholder.objects.filter(email="ann@example.org").exists()
    response = client.post(
        f"{BASE}/{camden_survey.public_id}/stakeholders",
        [*payload[:1], {"name": "Bo", "email": "bo@example.org", "group": "Providers"}],
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json() == {"added": 2}
    assert Stakeholder.objects.get(email="bo@example.org").group == "provider"


def test_readers_cannot_run_the_survey(api_for, camden_survey):
    client = api_for("assessor@example.org")
    assert client.post(f"{BASE}/{camden_survey.public_id}/invitations").status_code == 403
    assert client.post(f"{BASE}/{camden_survey.public_id}/close").status_code == 403
    assert client.get(f"{BASE}/{camden_survey.public_id}/rates").status_code == 200


def test_invitations_reminders_and_closing(api_for, camden_survey, django_capture_on_commit_callbacks):
    client = api_for("ccg.lead@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{BASE}/{camden_survey.public_id}/invitations")
    assert response.status_code == 202 and response.json() == {"queued": 1}
    assert EmailDelivery.objects.filter(stakeholder__survey=camden_survey, status="sent").count() == 1
    assert client.post(f"{BASE}/{camden_survey.public_id}/reminders").json() == {"queued": 16}
    assert client.get(f"{BASE}/{camden_survey.public_id}/results").status_code == 409
    response = client.post(f"{BASE}/{camden_survey.public_id}/close")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    again = client.post(f"{BASE}/{camden_survey.public_id}/invitations")
    assert again.status_code == 409 and again.json()["code"] == "closed"


def test_rates_per_group(api_for, camden_survey, django_assert_max_num_queries):
    client = api_for("ccg.staff@example.org")
    with django_assert_max_num_queries(8):
        body = client.get(f"{BASE}/{camden_survey.public_id}/rates").json()
    practices = next(g for g in body["groups"] if g["group"] == "member_practice")
    assert practices == {
        "group": "member_practice",
        "label": "Member practices",
        "listed": 10,
        "invited": 10,
        "opened": 5,
        "responded": 4,
        "rate": 0.4,
    }
    assert body["total"]["responded"] == 8


def test_results_mark_hidden_groups_suppressed_and_never_go_below_the_minimum(
    api_for, islington_survey, django_assert_max_num_queries
):
    client = api_for("assessor@example.org")
    with django_assert_max_num_queries(8):
        body = client.get(f"{BASE}/{islington_survey.public_id}/results").json()
    assert body["min_group_size"] == 5 and body["responses"] == 21
    groups = {g["group"]: g for g in body["groups"]}
    assert groups["provider"] == {
        "group": "provider",
        "label": "Providers",
        "responses": None,
        "suppressed": True,
        "domains": None,
    }
    assert groups["local_authority"]["suppressed"] and groups["local_authority"]["domains"] is None
    shown = [g for g in body["groups"] if not g["suppressed"]]
    assert {g["group"] for g in shown} == {"member_practice", "hwb"}
    assert all(g["responses"] >= 5 for g in shown)
    first = body["overall"]["domains"][0]["statements"][0]
    assert first["code"] == "S1.1" and sum(first["counts"].values()) <= 21
    assert "comments" not in str(body)
