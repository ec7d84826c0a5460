"""The regional dashboard: who sees it, what each cell says and links to, filters, and a flat query count."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from assure.assessments.models import Assessment
from assure.core.tests.helpers import page_text
from assure.cycles.tests.factories import CycleFactory

from .factories import submitted_ccgs

URL = reverse("reports:dashboard")


@pytest.mark.parametrize("who", ["region_client", "assessor_client", "platform_admin_client"])
def test_regional_leads_assessors_and_admins_see_the_heatmap(request, who, demo, islington):
    response = request.getfixturevalue(who).get(URL, {"cycle": demo.cycle.public_id})

    assert response.status_code == 200
    text = page_text(response)
    assert "Self-assessed maturity level by CCG and domain" in text
    # Every CCG of the cycle, with where it stands
    for ccg in demo.ccgs:
        assert ccg.name in text
    assert "Self-assessment submitted" in text and "Self-assessment not submitted" in text
    # Each cell says its level in words and links to the evidence behind it: the submitted version's domain
    html = response.content.decode()
    submission = reverse("assessments:submission", args=[islington.public_id, 1])
    assert f'href="{submission}#domain-3"' in html
    assert "assure-heat--3" in html and "Beyond authorisation" in text
    # Camden's draft is not shown to the region
    assert "assure-heat--none" in html


@pytest.mark.parametrize("who", ["ccg_lead_client", "ccg_staff_client", "hwb_lead_client", "outsider_client"])
def test_ccg_and_hwb_people_get_404(request, who):
    assert request.getfixturevalue(who).get(URL).status_code == 404
    assert (
        request.getfixturevalue(who).get(reverse("reports:dashboard_export", args=["csv"])).status_code == 404
    )


def test_a_regional_lead_of_another_region_sees_none_of_london(demo, elsewhere, client_for):
    from assure.accounts.tests.factories import UserFactory
    from assure.organisations.models import Role
    from assure.organisations.tests.factories import MembershipFactory

    lead = UserFactory(email="lead@midlands.example.org")
    MembershipFactory(user=lead, organisation=elsewhere.region, role=Role.REGIONAL_LEAD)
    client = client_for(lead)

    assert client.get(URL, {"cycle": demo.cycle.public_id}).status_code == 404
    text = page_text(client.get(URL))
    assert "NHS Nottingham City CCG" in text and "Camden" not in text


def test_the_region_filter_narrows_the_rows(demo, elsewhere, platform_admin_client):
    elsewhere.cycle.ccgs.add(demo.ccg)  # a cycle with CCGs of two regions
    both = page_text(platform_admin_client.get(URL, {"cycle": elsewhere.cycle.public_id}))
    assert "NHS Camden CCG" in both and "NHS Nottingham City CCG" in both

    one = page_text(platform_admin_client.get(URL, {"cycle": elsewhere.cycle.public_id, "region": "Y55"}))
    assert "NHS Nottingham City CCG" in one and "NHS Camden CCG" not in one
    assert platform_admin_client.get(URL, {"region": "NOPE"}).status_code == 404


def test_change_since_the_previous_cycle_is_shown_in_words(demo, region_client, islington):
    previous = CycleFactory(name="London wave 2", region=demo.region, ccgs=[demo.ccg2])
    when = datetime.datetime(2012, 1, 1, tzinfo=datetime.UTC)
    earlier = Assessment.objects.create(
        cycle=previous, organisation=demo.ccg2, status="submitted", first_submitted_at=when
    )
    snapshot = {
        "items": [],
        "domains": [
            {"number": n, "level": "basics_built", "level_label": "Basics built", "meets_threshold": True}
            for n in range(1, 7)
        ],
    }
    earlier.submissions.create(number=1, submitted_at=when, snapshot=snapshot)
    demo.cycle.previous = previous
    demo.cycle.save()

    response = region_client.get(URL, {"cycle": demo.cycle.public_id})
    text = page_text(response)
    assert "Arrows show the change since London wave 2" in text
    assert "up from Basics built" in text


def test_the_dashboard_export_holds_the_table(demo, region_client, islington):
    response = region_client.get(
        reverse("reports:dashboard_export", args=["csv"]), {"cycle": demo.cycle.public_id}
    )

    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("CCG code,CCG name,Region,Stage,360° response rate,Outcome,Open conditions,")
    assert ",Overdue steps,Domain 1 " in lines[0]
    assert any(line.startswith("08H,NHS Islington CCG,") and "Beyond authorisation" in line for line in lines)
    assert all(line.split(",")[2] == demo.region.name for line in lines[1:])  # each CCG's region
    camden = next(line for line in lines if line.startswith("07R,"))
    assert "Beyond" not in camden and "Basics" not in camden  # a draft is never exported to the region


def test_the_query_count_does_not_grow_with_the_number_of_ccgs(demo, region_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submitted_ccgs(demo.cycle, demo.region, 21)
    with CaptureQueriesContext(connection) as small:
        assert region_client.get(URL, {"cycle": demo.cycle.public_id}).status_code == 200
    submitted_ccgs(demo.cycle, demo.region, 190)  # 211 CCGs in all, as in England at the time, and more
    with CaptureQueriesContext(connection) as large:
        response = region_client.get(URL, {"cycle": demo.cycle.public_id})
    assert response.status_code == 200
    assert page_text(response).count("NHS Test Town") == 211
    assert len(large.captured_queries) == len(small.captured_queries) <= 21
