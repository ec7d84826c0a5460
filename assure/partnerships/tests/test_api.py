"""Partnership reviews over the API: the same scoping and blind rule as the pages."""

from __future__ import annotations

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assure.audit.models import AuditEvent
from assure.core import permissions
from assure.partnerships import queries
from assure.partnerships.api import _item
from assure.partnerships.models import AgreedItem, PartnershipReview, SideRating

from .factories import agree_all, rate_side, through_each_state


def _url(review, *rest) -> str:
    return "/".join([f"/api/v1/partnerships/{review.public_id}", *rest])


def _put(client, url, data):
    return client.put(url, data, content_type="application/json")


def test_without_a_token_the_api_answers_401(client, camden):
    assert client.get("/api/v1/partnerships").status_code == 401
    assert client.get(_url(camden)).status_code == 401


def test_the_list_holds_the_reviews_the_caller_may_see(demo, api_for, camden, islington):
    mine = api_for(demo.ccg_lead).get("/api/v1/partnerships").json()["items"]
    assert [(r["ccg"]["code"], r["hwb"]["code"], r["status"]) for r in mine] == [
        ("07R", "HWB-CAM", "agreeing")
    ]
    assert set(mine[0]) >= {"id", "ccg", "hwb", "cycle", "status"}
    for who in (demo.assessor, demo.region_lead, demo.admin):
        assert [r["id"] for r in api_for(who).get("/api/v1/partnerships").json()["items"]] == [
            str(islington.public_id)
        ]
    hackney = {
        r["hwb"]["code"]
        for r in api_for("hackney.ccg@example.org").get("/api/v1/partnerships").json()["items"]
    }
    assert hackney == {"HWB-HAC", "HWB-COL"}


def test_the_outsider_sees_no_review_and_gets_404(outsider, api_for, camden, islington):
    api = api_for(outsider)
    assert api.get("/api/v1/partnerships").json() == {"items": [], "count": 0}
    for review in (camden, islington):
        assert api.get(_url(review)).status_code == 404
        assert _put(api, _url(review, "items", "1.1"), {"rating": 1, "version": 0}).status_code == 404
        assert api.post(_url(review, "release")).status_code == 404
        assert (
            _put(api, _url(review, "items", "1.1", "agreed"), {"agreed_rating": 1, "version": 0}).status_code
            == 404
        )


def test_assessors_get_404_until_the_review_is_agreed(demo, api_for, camden, islington):
    api = api_for(demo.assessor)
    assert api.get(_url(camden)).status_code == 404
    detail = api.get(_url(islington)).json()
    assert detail["status"] == "agreed" and detail["your_sides"] == []
    item = detail["items"][0]
    assert (
        item["ccg_rating"] is not None
        and item["hwb_rating"] is not None
        and item["agreed_rating"] is not None
    )
    assert item["version"] is None


def test_the_detail_gives_both_sides_the_gap_and_the_agreement_once_released(demo, api_for, camden):
    detail = api_for(demo.hwb_lead).get(_url(camden)).json()
    assert detail["your_sides"] == ["hwb"]
    assert len(detail["items"]) == 77
    items = {i["code"]: i for i in detail["items"]}
    assert items["1.1"]["agreed_rating"] == 2
    assert all(i["gap"] == abs(i["ccg_rating"] - i["hwb_rating"]) for i in detail["items"])
    assert any(i["to_discuss"] for i in detail["items"])


def test_the_other_side_is_null_until_both_have_released(demo, api_for, fresh):
    rate_side(fresh, "ccg", value=3, comment="CCG only")
    rate_side(fresh, "hwb", value=1, comment="HWB only")
    for who, hidden in ((demo.hwb_lead, "ccg"), (demo.ccg_lead, "hwb")):
        items = api_for(who).get(_url(fresh)).json()["items"]
        assert {i[f"{hidden}_rating"] for i in items} == {None}
        assert {i[f"{hidden}_comment"] for i in items} == {None}
        assert {i["gap"] for i in items} == {None}
    ccg_api = api_for(demo.ccg_lead)
    assert ccg_api.post(_url(fresh, "release")).status_code == 200
    assert {i["ccg_rating"] for i in api_for(demo.hwb_lead).get(_url(fresh)).json()["items"]} == {None}
    assert api_for(demo.hwb_lead).post(_url(fresh, "release")).json()["status"] == "agreeing"
    items = api_for(demo.hwb_lead).get(_url(fresh)).json()["items"]
    assert {(i["ccg_rating"], i["hwb_rating"], i["gap"]) for i in items} == {(3, 1, 2)}


def _from_the_whole_board(review, user) -> list[dict]:
    """The detail's items worked out from the whole board (ratings and agreements as model instances, as the pages
    that change them read them), as JSON."""
    review.refresh_from_db()
    sides = permissions.partnership_sides(user, review)
    rows = [_item(row, sides) for row in queries.board(review, user).rows]
    return json.loads(json.dumps(rows, cls=DjangoJSONEncoder))


@pytest.mark.parametrize("who", ["ccg_lead", "ccg_staff", "hwb_lead", "assessor", "region_lead"])
def test_the_detail_answers_what_the_whole_board_holds(demo, api_for, islington, fresh, who):
    """The detail reads a plain board: each reader gets the ratings, comments, gaps, agreements, actions and
    versions the whole board holds for them, blindness included, in every state of a review."""
    user = getattr(demo, who)
    api = api_for(user)

    def same(review):
        answer = api.get(_url(review))
        if not PartnershipReview.objects.visible_to(user).filter(pk=review.pk).exists():
            assert answer.status_code == 404
            return
        assert answer.status_code == 200
        assert answer.json()["items"] == _from_the_whole_board(review, user), review

    same(islington)  # agreed
    through_each_state(fresh, demo, same)


def test_rating_the_caller_s_own_side_with_the_version_check(demo, api_for, fresh):
    api = api_for(demo.ccg_staff)
    saved = _put(api, _url(fresh, "items", "2.3"), {"rating": 2, "comment": "In place", "version": 0})
    assert saved.status_code == 200
    assert (saved.json()["ccg_rating"], saved.json()["version"], saved.json()["hwb_rating"]) == (2, 1, None)
    stale = _put(api, _url(fresh, "items", "2.3"), {"rating": 0, "comment": "", "version": 0})
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale"
    assert stale.json()["current"]["ccg_rating"] == 2
    assert SideRating.objects.get(review=fresh, side="ccg", item__code="2.3").rating == 2
    assert AuditEvent.objects.filter(action="partnership.rated").count() == 1


def test_rating_errors(demo, api_for, fresh, assessor_client):
    api = api_for(demo.hwb_lead)
    off_scale = _put(api, _url(fresh, "items", "1.1"), {"rating": 5, "version": 0})
    assert off_scale.status_code == 422
    assert off_scale.json()["errors"] == {"rating": "Choose a rating for 1.1 from 0 to 3"}
    assert _put(api, _url(fresh, "items", "1.1"), {"rating": 1}).status_code == 422  # no version
    assert _put(api, _url(fresh, "items", "99.9"), {"rating": 1, "version": 0}).status_code == 404
    other = _put(api, _url(fresh, "items", "1.1"), {"rating": 1, "version": 0, "side": "ccg"})
    assert other.status_code == 403
    assert not SideRating.objects.filter(review=fresh, rating__isnull=False).exists()


def test_release_needs_the_lead_and_every_item_rated(demo, api_for, fresh):
    assert api_for(demo.ccg_staff).post(_url(fresh, "release")).status_code == 403
    rate_side(fresh, "ccg", only=76)
    incomplete = api_for(demo.ccg_lead).post(_url(fresh, "release"))
    assert incomplete.status_code == 409
    assert incomplete.json()["code"] == "incomplete" and len(incomplete.json()["missing"]) == 1
    rate_side(fresh, "ccg")
    assert api_for(demo.ccg_lead).post(_url(fresh, "release")).status_code == 200
    again = api_for(demo.ccg_lead).post(_url(fresh, "release"))
    assert again.status_code == 409 and again.json()["code"] == "locked"
    locked = _put(api_for(demo.ccg_lead), _url(fresh, "items", "1.1"), {"rating": 0, "version": 1})
    assert locked.status_code == 409 and locked.json()["code"] == "locked"


def test_items_are_agreed_only_once_both_sides_released(demo, api_for, fresh):
    not_yet = _put(
        api_for(demo.hwb_lead), _url(fresh, "items", "1.1", "agreed"), {"agreed_rating": 2, "version": 0}
    )
    assert not_yet.status_code == 409 and not_yet.json()["code"] == "not_released"


def test_agreeing_through_the_api(demo, api_for, camden):
    api = api_for(demo.hwb_lead)
    body = {
        "agreed_rating": 1,
        "action": "Joint workshop",
        "action_owner": "HWB-CAM",
        "action_due": "2013-03-31",
        "version": 0,
    }
    saved = _put(api, _url(camden, "items", "2.5", "agreed"), body)
    assert saved.status_code == 200
    assert saved.json()["agreed_action"] == {
        "action": "Joint workshop",
        "owner": "HWB-CAM",
        "due": "2013-03-31",
    }
    assert _put(api, _url(camden, "items", "2.5", "agreed"), body).json()["code"] == "stale"
    bad = _put(api, _url(camden, "items", "2.6", "agreed"), {**body, "action_owner": "08H"})
    assert bad.status_code == 422 and "action_owner" in bad.json()["errors"]
    assert _put(api_for(demo.ccg_staff), _url(camden, "items", "2.6", "agreed"), body).status_code == 403


def test_agreeing_the_last_item_through_the_api_agrees_the_review(demo, api_for, camden):
    agree_all(camden, leave=1)
    last = AgreedItem.objects.filter(review=camden, agreed_rating__isnull=True).select_related("item").get()
    response = _put(
        api_for(demo.ccg_lead),
        _url(camden, "items", last.item.code, "agreed"),
        {"agreed_rating": 2, "version": 0},
    )
    assert response.status_code == 200
    camden.refresh_from_db()
    assert camden.status == PartnershipReview.Status.AGREED
    assert api_for(demo.ccg_lead).get(_url(camden)).json()["status"] == "agreed"


@pytest.mark.parametrize("path", ["", "/detail"])
def test_api_queries_do_not_grow_with_data(demo, api_for, camden, islington, path):
    api = api_for(demo.admin)
    url = "/api/v1/partnerships" if not path else _url(islington)
    api.get(url)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as first:
        assert api.get(url).status_code == 200
    # More agreed reviews (admins see every agreed one) and more actions change nothing.
    agree_all(camden)
    PartnershipReview.objects.filter(pk=camden.pk).update(status="agreed")
    AgreedItem.objects.filter(review=islington).update(
        action="More", action_owner=islington.ccg, action_due="2013-3-31"
    )
    with CaptureQueriesContext(connection) as second:
        assert api.get(url).status_code == 200
    assert len(first) == len(second) <= 12


def test_the_openapi_document_lists_the_partnership_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/partnerships",
        "/api/v1/partnerships/{id}",
        "/api/v1/partnerships/{id}/items/{code}",
        "/api/v1/partnerships/{id}/release",
        "/api/v1/partnerships/{id}/items/{code}/agreed",
    } <= set(paths)
