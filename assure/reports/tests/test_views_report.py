"""The CCG report page: who may read it, what it is built from, and that it does not slow down."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assure.assessments import services as assessment_services
from assure.core.tests.helpers import page_text


def url(assessment) -> str:
    return reverse("reports:report", args=[assessment.public_id])


def test_a_ccg_lead_reads_the_report_of_their_draft(ccg_lead_client, camden):
    response = ccg_lead_client.get(url(camden))

    assert response.status_code == 200
    text = page_text(response)
    assert "NHS Camden CCG: CCG report" in text
    assert "Draft: the working copy as it stands" in text
    for heading in (
        "Contents",
        "Self-assessed maturity and threshold by domain",
        "The six domains at a glance",
    ):
        assert heading in text
    assert "Evidence coverage" in text
    # The chart is inline SVG with a text description and a table of its numbers
    html = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert "Self-assessment: highest in domain" in text
    assert "The chart's numbers" in text
    assert "style=" not in html.split("<main", 1)[1]


@pytest.mark.parametrize("who", ["region_client", "assessor_client", "platform_admin_client"])
def test_the_region_reads_the_latest_submission(request, who, islington):
    response = request.getfixturevalue(who).get(url(islington))

    assert response.status_code == 200
    assert "Submitted version 1" in page_text(response)


def test_the_region_cannot_read_a_report_of_a_draft_never_submitted(region_client, camden):
    assert region_client.get(url(camden)).status_code == 404


def test_after_a_reopening_others_read_the_submitted_version_not_the_draft(
    demo, assessor_client, ccg2_lead_client, islington
):
    assessment_services.assessment_reopen(
        assessment=islington, user=demo.assessor, reason="Domain 3 evidence"
    )

    text = page_text(assessor_client.get(url(islington)))
    assert "Submitted version 1" in text and "since reopened" in text
    assert "Draft: the working copy" in page_text(ccg2_lead_client.get(url(islington)))


def test_a_partner_hwb_reads_a_shared_submission_only(demo, hwb_lead_client, camden, client_for, islington):
    # Camden's HWB lead: Camden's self-assessment is a draft
    assert hwb_lead_client.get(url(camden)).status_code == 404
    # Islington's is shared with Islington's HWB, not Camden's
    assert hwb_lead_client.get(url(islington)).status_code == 404


@pytest.mark.parametrize("who", ["outsider_client", "ccg2_lead_client"])
def test_other_ccgs_get_404(request, who, camden):
    assert request.getfixturevalue(who).get(url(camden)).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client, camden):
    response = client.get(url(camden))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_report_page_answers_in_a_fixed_number_of_queries(
    ccg_lead_client, camden, django_assert_max_num_queries
):
    # Its partnership boards take the framework's domains, and each review its CCG and cycle, from what the
    # report has read already.
    with django_assert_max_num_queries(18):
        assert ccg_lead_client.get(url(camden)).status_code == 200


def test_the_task_list_and_submission_link_to_the_report(ccg_lead_client, region_client, camden, islington):
    report = url(camden)
    assert (
        report
        in ccg_lead_client.get(reverse("assessments:task_list", args=[camden.public_id])).content.decode()
    )
    page = region_client.get(reverse("assessments:submission", args=[islington.public_id, 1]))
    assert url(islington) in page.content.decode()


def test_the_chart_is_drawn_once_for_the_same_numbers_and_again_when_they_change(
    ccg_lead_client, demo, camden, monkeypatch
):
    from assure.reports import render

    drawn = []
    draw = render.domain_chart_svg
    monkeypatch.setattr(render, "domain_chart_svg", lambda *a, **k: drawn.append(1) or draw(*a, **k))

    def chart(response) -> str:
        return (
            response.content.decode()
            .split('<svg xmlns="http://www.w3.org/2000/svg"', 1)[1]
            .split("</svg>", 1)[0]
        )

    first = chart(ccg_lead_client.get(url(camden)))
    assert chart(ccg_lead_client.get(url(camden))) == first
    assert len(drawn) == 1

    response = camden.responses.select_related("item").get(item__code="3.1")
    assessment_services.item_save(
        response=response,
        user=demo.ccg_lead,
        data=assessment_services.ItemInput(
            rating=3, not_applicable=False, reason="", narrative="Joint plan agreed", evidence=[]
        ),
        version=response.version,
    )
    changed = chart(ccg_lead_client.get(url(camden)))

    assert len(drawn) == 2
    assert changed != first
