"""The report's partnership, 360° and chart sections: what each reader may see, and nothing more."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from assure.assessments import services as assessment_services
from assure.assessments.models import Assessment, Submission
from assure.core.tests.helpers import page_text
from assure.surveys.models import Survey

from .conftest import pdf_text

User = get_user_model()


def url(assessment) -> str:
    return reverse("reports:report", args=[assessment.public_id])


@pytest.fixture
def hackney(demo) -> Assessment:
    """City and Hackney CCG's self-assessment, submitted (domain levels only) and shared with its HWBs. Its review
    with Hackney HWB: the CCG side released, the HWB still rating; with the City of London HWB: not started."""
    assessment = assessment_services.assessment_get_or_create(cycle=demo.cycle, organisation=demo.hackney)
    now = timezone.now()
    Assessment.objects.filter(pk=assessment.pk).update(
        status=Assessment.Status.SUBMITTED, submitted_at=now, first_submitted_at=now, shared_with_hwb=True
    )
    Submission.objects.create(
        assessment=assessment,
        number=1,
        submitted_at=now,
        snapshot={
            "items": [],
            "domains": [
                {
                    "number": n,
                    "level": "basics",
                    "level_label": "Basics",
                    "meets_threshold": True,
                    "rated": 1,
                    "not_applicable": 0,
                    "total": 1,
                }
                for n in range(1, 7)
            ],
        },
    )
    return Assessment.objects.get(pk=assessment.pk)


def test_the_region_reads_gaps_360_results_and_three_series_for_islington(region_client, islington):
    text = page_text(region_client.get(url(islington)))

    # The chart: self-assessment, the HWB partner's ratings and stakeholders' agreement, with its table
    for label in (
        "Self-assessment",
        "HWB partner (Islington Health and Wellbeing Board)",
        "Stakeholders (360° agreement)",
    ):
        assert f"{label}:" in text  # in the text description
    # Partnership gaps: agreed, so both sides are there
    assert "Partnership review: gaps between the CCG and its HWB partners" in text
    assert "Gaps by domain with Islington Health and Wellbeing Board" in text
    assert "Items to discuss with Islington Health and Wellbeing Board" in text
    # 360° results with the anonymity rules: local authority (5) hidden with providers (2)
    assert "360° stakeholder survey results" in text
    assert "21 stakeholders responded" in text
    assert "Providers: 2 responses (not shown: fewer than 5 responses)" in text
    assert "Local authority: 5 responses (not shown: hidden so that a smaller group's answers" in text
    assert "Share of opinions that agree, by domain" in text


def test_suppressed_groups_have_no_column_in_the_results(region_client, islington):
    html = region_client.get(url(islington)).content.decode()
    table = html.split('id="survey-caption"', 1)[1].split("</table>", 1)[0]

    assert "Member practices" in table and "Health and Wellbeing Board" in table
    assert "Local authority" not in table and "Providers" not in table


def test_no_360_results_before_the_survey_closes(ccg_lead_client, camden):
    text = page_text(ccg_lead_client.get(url(camden)))

    assert "360° stakeholder survey results" in text
    assert "Its results are shown once it has closed" in text
    assert "Stakeholders (360° agreement)" not in text
    assert "Share of opinions that agree" not in text


def test_fewer_than_the_minimum_in_all_shows_no_results(demo, ccg_lead_client, camden):
    survey = Survey.objects.get(cycle=demo.cycle, organisation=demo.ccg)
    Survey.objects.filter(pk=survey.pk).update(closed_at=timezone.now(), min_group_size=10)

    text = page_text(ccg_lead_client.get(url(camden)))

    assert "Fewer than 10 people responded in all, so no results are shown" in text
    assert "Stakeholders (360° agreement)" not in text


def test_the_ccg_before_both_sides_release_sees_no_hwb_series_and_no_gaps(demo, client_for, hackney):
    client = client_for("hackney.ccg@example.org")

    text = page_text(client.get(url(hackney)))

    assert "With Hackney Health and Wellbeing Board" in text
    assert "CCG released, HWB rating" in text
    assert "The gaps appear here once both sides have released their ratings" in text
    assert "HWB partner (" not in text
    assert "Gaps by domain" not in text and "HWB average" not in text
    assert "With City of London Health and Wellbeing Board" in text


def test_the_hwb_before_release_sees_nothing_of_the_ccgs_side(demo, client_for, hackney):
    client = client_for("hackney.hwb@example.org")

    response = client.get(url(hackney))

    assert response.status_code == 200
    text = page_text(response)
    assert "With Hackney Health and Wellbeing Board" in text
    assert "CCG average" not in text and "Gaps by domain" not in text and "Items to discuss" not in text
    # The other HWB's review is not theirs to see
    assert "City of London" not in text
    # Nor is the CCG's 360° survey
    assert "360° stakeholder survey results" not in text


def test_the_pdf_has_the_new_sections_in_its_contents_and_pages(region_client, islington, tmp_path):
    response = region_client.get(reverse("reports:report_pdf", args=[islington.public_id]))

    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "Partnership review: gaps between the CCG and its HWB partners" in text
    assert "360° stakeholder survey results" in text
    assert "HWB partner (Islington Health and Wellbeing Board)" in text
    assert "Providers: 2 responses (not shown" in text
    contents = text.split("Contents", 1)[1].split("Self-assessed maturity and threshold by domain", 2)
    assert "page" in contents[0] or "page" in contents[1]


def test_outsiders_still_get_404(outsider_client, islington):
    assert outsider_client.get(url(islington)).status_code == 404


@pytest.mark.parametrize("owner", ["ccg", "hwb"])
def test_the_reports_boards_know_each_actions_owner_without_asking_for_it(demo, islington, owner):
    """An agreed action's owner is the review's CCG or HWB, read with the review: the boards take as many queries
    whichever owns the actions."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assure.partnerships.models import AgreedItem, PartnershipReview
    from assure.reports.report import report_source
    from assure.reports.sections import partnership_boards

    review = PartnershipReview.objects.get(
        cycle=demo.cycle, ccg=demo.ccg2, status=PartnershipReview.Status.AGREED
    )
    organisation = getattr(review, owner)
    AgreedItem.objects.filter(review=review).update(action="Agree a joint plan", action_owner=organisation)

    def boards():
        source = report_source(demo.region_lead, islington)
        with CaptureQueriesContext(connection) as queries:
            found = partnership_boards(source)
        return found, len(queries.captured_queries)

    boards()  # what is read once per process (the framework's rules) is read now
    found, count = boards()
    owners = {row.agreed.action_owner for board in found for row in board.rows if row.agreed is not None}
    assert owners == {organisation}
    AgreedItem.objects.filter(review=review).update(action="", action_owner=None)
    assert boards()[1] == count


def test_a_draft_report_holds_each_item_and_domain_result_as_the_responses_give_them(demo, camden):
    """The report of a draft reads the ratings as plain values and each item's text from the framework as parsed:
    the same items, texts, ratings and domain results as the responses with their items give, for items rated,
    not applicable, unrated and carried over."""
    from assure.assessments.models import ItemResponse
    from assure.reports.report import ItemFact, report_source

    responses = ItemResponse.objects.filter(assessment=camden)
    responses.filter(item__code="1.2").update(rating=None, not_applicable=True, reason="Not ours")
    responses.filter(item__code="2.3").update(rating=None, not_applicable=False)
    responses.filter(item__code="3.1").update(rating=0, carried_over=True)
    source = report_source(demo.ccg_lead, camden)
    assert source.submission is None
    whole = list(responses.select_related("item__domain"))
    assert source.items == [
        ItemFact(r.item.code, r.item.domain.number, r.item.tier, r.item.text, r.rating, r.not_applicable)
        for r in whole
    ]
    results = assessment_services.assessment_results(camden, whole)
    assert source.results == {
        number: {
            "level": result.level_code,
            "level_label": result.level_label,
            "meets_threshold": result.threshold_met,
            "rated": result.rated,
            "not_applicable": result.not_applicable,
            "total": result.total,
        }
        for number, result in results.items()
    }
    assert (
        source.results[1]["not_applicable"] >= 1 and source.results[2]["rated"] < source.results[2]["total"]
    )
