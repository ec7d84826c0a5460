"""GET /api/v1/organisations: the organisations the token's owner may see, filtered by type."""

from __future__ import annotations

import pytest
from django.utils import timezone

from assure.accounts.models import ApiToken
from assure.organisations.models import Organisation

URL = "/api/v1/organisations"
LONDON_CCGS = ["07R", "07T", "08D", "08H", "08M", "08V"]


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(o["code"] for o in response.json()["items"])


@pytest.mark.django_db
def test_without_a_token_the_answer_is_401(api_get, demo):
    assert api_get(URL, type="ccg").status_code == 401


def test_a_revoked_token_is_401(api_get, token_for, demo):
    token = token_for(demo.region_lead)
    ApiToken.objects.update(revoked_at=timezone.now())

    assert api_get(URL, token, type="ccg").status_code == 401


def test_the_regional_lead_sees_every_london_ccg(
    api_get, token_for, demo, elsewhere, django_assert_max_num_queries
):
    token = token_for(demo.region_lead)

    with django_assert_max_num_queries(6):
        response = api_get(URL, token, type="ccg")

    assert codes(response) == LONDON_CCGS
    camden = next(o for o in response.json()["items"] if o["code"] == "07R")
    assert camden == {"code": "07R", "name": "NHS Camden CCG", "type": "ccg", "region": "Y56"}


def test_the_regional_lead_sees_the_whole_region_but_nothing_beyond(api_get, token_for, demo, elsewhere):
    seen = codes(api_get(URL, token_for(demo.region_lead)))

    london = Organisation.objects.filter(region=demo.region).values_list("code", flat=True)
    assert seen == sorted([*london, "Y56"])
    assert "04K" not in seen


def test_the_type_filter_filters(api_get, token_for, demo):
    token = token_for(demo.region_lead)

    hwbs = api_get(URL, token, type="hwb").json()["items"]

    assert len(hwbs) == 7
    assert {o["type"] for o in hwbs} == {"hwb"}
    assert codes(api_get(URL, token, type="no-such-type")) == []


def test_a_ccg_lead_sees_their_own_ccg_only_among_ccgs(api_get, token_for, demo, elsewhere):
    token = token_for(demo.ccg_lead)

    assert codes(api_get(URL, token, type="ccg")) == ["07R"]
    practices = api_get(URL, token, type="gp_practice").json()["items"]
    assert len(practices) == 10
    assert all(p["name"].endswith(", Camden") for p in practices)
    assert codes(api_get(URL, token, type="hwb")) == ["HWB-CAM"]


def test_the_outsider_sees_none_of_london(api_get, token_for, demo, outsider, elsewhere):
    seen = codes(api_get(URL, token_for(outsider)))

    assert seen == sorted(["04K", "HWB-NOT", "C84001"])
    assert codes(api_get(URL, token_for(outsider), type="ccg")) == ["04K"]


def test_the_platform_admin_sees_every_organisation(api_get, token_for, demo, elsewhere):
    assert len(codes(api_get(URL, token_for(demo.admin)))) == Organisation.objects.count()


def test_the_list_comes_in_pages_that_add_up_to_the_whole(
    api_get, token_for, demo, django_assert_max_num_queries
):
    token = token_for(demo.region_lead)
    everything = api_get(URL, token).json()
    assert everything["count"] == len(everything["items"]) > 4

    seen = []
    for offset in range(0, everything["count"], 3):
        with django_assert_max_num_queries(7):  # the page and, as more follow, one count
            page = api_get(URL, token, limit=3, offset=offset).json()
        assert page["count"] == everything["count"]
        assert len(page["items"]) <= 3
        seen += page["items"]

    assert seen == everything["items"]  # in the same order, nothing twice, nothing skipped


def test_a_page_size_out_of_bounds_is_refused_with_a_clear_error(api_get, token_for, demo):
    token = token_for(demo.region_lead)

    for limit in (0, 501):
        response = api_get(URL, token, limit=limit)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][-1] == "limit"
    for offset in (-1, 10**21):
        response = api_get(URL, token, offset=offset)
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][-1] == "offset"
    assert api_get(URL, token, limit=500).status_code == 200
