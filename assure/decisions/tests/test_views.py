"""The pages, as each role: the queue, the review workspace, the decision, conditions and the public page."""

import re

import pytest
from django.test.html import parse_html
from django.urls import reverse

from assure.accounts.tests.factories import UserFactory
from assure.assessments.models import Assessment
from assure.core.tests.helpers import page_text
from assure.decisions.models import AssessorRating, Condition, Decision, Judgement
from assure.organisations.models import Role
from assure.organisations.tests.factories import MembershipFactory

from .factories import judge_all


def _assessment(demo, code):
    return Assessment.objects.get(cycle=demo.cycle, organisation__code=code)


@pytest.fixture
def islington(demo):
    return _assessment(demo, "08H")


@pytest.fixture
def haringey(demo):
    return _assessment(demo, "08D")


# The queue ----------------------------------------------------------------------------------------------------------


def test_the_queue_shows_where_each_ccg_stands(assessor_client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = assessor_client.get(reverse("decisions:queue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "NHS Camden CCG" in page and "Not submitted" in page
    assert "Authorised with conditions (published)" in page  # Haringey
    assert "Authorised (published)" in page  # Newham
    assert "Closed, 21 responses" in page  # Islington's survey
    assert "6 of 6 domains judged (2 assessors)" in page  # Islington


@pytest.mark.parametrize("who", ["region_client", "platform_admin_client"])
def test_regional_leads_and_admins_see_the_queue(request, who):
    assert request.getfixturevalue(who).get(reverse("decisions:queue")).status_code == 200


@pytest.mark.parametrize("who", ["ccg_lead_client", "hwb_lead_client", "outsider_client"])
def test_the_queue_is_not_for_ccgs_hwbs_or_outsiders(request, who):
    assert request.getfixturevalue(who).get(reverse("decisions:queue")).status_code == 404


def _queue_rows(client, **params) -> list[str]:
    """The queue table's rows (a CCG in a cycle each), in order."""
    response = client.get(reverse("decisions:queue"), params)
    assert response.status_code == 200
    return re.findall(r"<tr><td>.*?</tr>", response.content.decode())


def test_the_queue_comes_in_pages_that_together_are_the_whole_queue(
    assessor_client, demo, monkeypatch, django_assert_max_num_queries
):
    whole = _queue_rows(assessor_client)
    assert len(whole) >= 5
    monkeypatch.setattr("assure.decisions.views.QUEUE_PER_PAGE", 2)
    with django_assert_max_num_queries(20):
        first = assessor_client.get(reverse("decisions:queue"))
    text = page_text(first)
    assert f"CCGs in your cycles: 1 to 2 of {len(whole)}" in text
    assert 'rel="next"' in first.content.decode() and "page=2" in first.content.decode()
    pages = [_queue_rows(assessor_client, page=n) for n in range(1, (len(whole) + 1) // 2 + 1)]
    assert [name for page in pages for name in page] == whole
    assert all(len(page) == 2 for page in pages[:-1])


def test_the_queue_keeps_the_chosen_cycle_from_page_to_page(assessor_client, demo, monkeypatch):
    monkeypatch.setattr("assure.decisions.views.QUEUE_PER_PAGE", 2)
    cycle = str(demo.cycle.public_id)
    page = assessor_client.get(reverse("decisions:queue"), {"cycle": cycle}).content.decode()
    assert f"?cycle={cycle}&amp;page=2" in page


def test_the_queue_filters_by_cycle(assessor_client, demo, elsewhere):
    response = assessor_client.get(reverse("decisions:queue"), {"cycle": str(demo.cycle.public_id)})
    assert response.status_code == 200
    assert (
        assessor_client.get(reverse("decisions:queue"), {"cycle": str(elsewhere.cycle.public_id)}).status_code
        == 404
    )
    assert assessor_client.get(reverse("decisions:queue"), {"cycle": "nonsense"}).status_code == 404


# The workspace ------------------------------------------------------------------------------------------------------


def test_the_overview_shows_the_assessors_disagreement(assessor_client, islington):
    response = assessor_client.get(reverse("decisions:review", args=[islington.public_id]))
    assert response.status_code == 200
    assert "The assessors disagree" in response.content.decode()


def test_the_domain_page_brings_everything_together(
    assessor_client, islington, django_assert_max_num_queries
):
    with django_assert_max_num_queries(45):
        response = assessor_client.get(reverse("decisions:domain", args=[islington.public_id, 3]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "In place and reviewed yearly." in page  # the CCG's narrative
    assert "Priya Assessor" in page and "providers are not yet engaged" in page  # the other assessor
    assert "The assessors disagree" in page
    assert "Partnership with Islington Health and Wellbeing Board" in page
    assert "stakeholders said about this domain" in page  # the survey closed with enough responses
    assert "(this CCG)" in page  # the comparison with the cycle


def test_a_domain_the_framework_does_not_have_is_not_found(assessor_client, islington):
    assert assessor_client.get(reverse("decisions:domain", args=[islington.public_id, 9])).status_code == 404
    page = assessor_client.get(reverse("decisions:domain", args=[islington.public_id, 6])).content.decode()
    assert "Domain 6" in page


def test_survey_results_stay_hidden_until_the_survey_closes(assessor_client, demo, haringey):
    page = assessor_client.get(reverse("decisions:domain", args=[haringey.public_id, 1])).content.decode()
    assert "has not set up a survey" in page


@pytest.mark.parametrize("who", ["outsider_client", "hwb_lead_client", "ccg_lead_client"])
def test_people_who_cannot_see_the_assessment_get_404(request, who, islington):
    client = request.getfixturevalue(who)
    for name, args in [
        ("decisions:review", [islington.public_id]),
        ("decisions:domain", [islington.public_id, 1]),
        ("decisions:decision", [islington.public_id]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404


def test_the_ccgs_own_people_cannot_review_it(ccg2_lead_client, islington):
    response = ccg2_lead_client.get(reverse("decisions:review", args=[islington.public_id]))
    assert response.status_code == 403
    assert "You belong to NHS Islington CCG" in response.content.decode()


def test_an_assessor_who_belongs_to_the_ccg_cannot_assess_it(demo, client_for, islington):
    person = UserFactory(email="dual@example.org")
    MembershipFactory(user=person, organisation=demo.region, role=Role.ASSESSOR)
    MembershipFactory(user=person, organisation=demo.ccg2, role=Role.CCG_CONTRIBUTOR)
    client = client_for(person)
    response = client.post(
        reverse("decisions:judge", args=[islington.public_id, 1]),
        {"judgement-value": "met", "judgement-rationale": "Mine.", "judgement-version": "0"},
    )
    assert response.status_code == 403
    assert "cannot review or decide" in response.content.decode()
    assert not Judgement.objects.filter(assessor=person).exists()


def test_an_assessor_records_a_judgement(assessor_client, demo, fresh):
    url = reverse("decisions:judge", args=[fresh.public_id, 2])
    response = assessor_client.post(
        url, {"judgement-value": "not_met", "judgement-rationale": "No plan.", "judgement-version": "0"}
    )
    assert response.status_code == 302
    judgement = Judgement.objects.get(assessment=fresh, domain__number=2)
    assert (judgement.value, judgement.assessor) == ("not_met", demo.assessor)


def test_a_judgement_saved_with_htmx_returns_the_form_alone(assessor_client, fresh):
    response = assessor_client.post(
        reverse("decisions:judge", args=[fresh.public_id, 2]),
        {"judgement-value": "met", "judgement-rationale": "Fine.", "judgement-version": "0"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Saved." in page and "<html" not in page


def test_a_stale_judgement_tells_the_assessor(assessor_client, demo, fresh):
    url = reverse("decisions:judge", args=[fresh.public_id, 2])
    data = {"judgement-value": "met", "judgement-rationale": "Fine.", "judgement-version": "0"}
    assessor_client.post(url, data)
    response = assessor_client.post(url, {**data, "judgement-value": "not_met"})
    assert "was not saved" in response.content.decode()
    assert Judgement.objects.get(assessment=fresh, domain__number=2).value == "met"


def test_a_judgement_without_a_rationale_is_refused(assessor_client, fresh):
    response = assessor_client.post(
        reverse("decisions:judge", args=[fresh.public_id, 2]),
        {"judgement-value": "met", "judgement-rationale": "", "judgement-version": "0"},
    )
    assert response.status_code == 400
    assert "Give a rationale for your judgement of domain 2" in response.content.decode()
    assert not Judgement.objects.filter(assessment=fresh).exists()


def test_regional_leads_read_but_do_not_judge(region_client, fresh):
    assert region_client.get(reverse("decisions:domain", args=[fresh.public_id, 1])).status_code == 200
    response = region_client.post(
        reverse("decisions:judge", args=[fresh.public_id, 2]),
        {"judgement-value": "met", "judgement-rationale": "Fine.", "judgement-version": "0"},
    )
    assert response.status_code == 403
    assert not Judgement.objects.filter(assessment=fresh).exists()


def test_an_assessor_rates_an_item_with_a_note(assessor_client, fresh):
    item = fresh.cycle.framework.items.filter(domain__number=1).order_by("position").first()
    response = assessor_client.post(
        reverse("decisions:rate_item", args=[fresh.public_id, item.code]),
        {
            f"rate-{item.code}-rating": "1",
            f"rate-{item.code}-note": "Thin.",
            f"rate-{item.code}-version": "0",
        },
    )
    assert response.status_code == 302
    assert AssessorRating.objects.get(assessment=fresh, item=item).rating == 1
    assert fresh.responses.get(item=item).rating == 2  # the CCG's own rating is untouched


def test_the_domain_page_holds_the_assessors_own_rating_for_the_next_save(assessor_client, fresh):
    """Each item's rating form is written holding the reader's rating, note and version: saving it again as the
    page gives it changes the rating, and no other item's form holds anything."""
    items = list(fresh.cycle.framework.items.filter(domain__number=1).order_by("position")[:2])
    rate = reverse("decisions:rate_item", args=[fresh.public_id, items[0].code])
    fields = {f"rate-{items[0].code}-{name}": value for name, value in [("rating", "1"), ("version", "0")]}
    assert (
        assessor_client.post(
            rate, {**fields, f"rate-{items[0].code}-note": "Thin <b>evidence</b>"}
        ).status_code
        == 302
    )
    text = assessor_client.get(reverse("decisions:domain", args=[fresh.public_id, 1])).content.decode()
    page = parse_html(text)
    rated, other = (f"id_rate-{item.code}" for item in items)
    assert (
        page.count(
            parse_html(
                f'<input class="nhsuk-radios__input" id="{rated}-rating_1" name="rate-{items[0].code}-rating" type="radio" value="1" checked>'
            )
        )
        == 1
    )
    assert (
        page.count(
            parse_html(
                f'<input type="hidden" name="rate-{items[0].code}-version" value="1" id="{rated}-version">'
            )
        )
        == 1
    )
    assert (
        page.count(
            parse_html(
                f'<textarea name="rate-{items[0].code}-note" cols="40" rows="2" maxlength="2000" class="nhsuk-textarea" id="{rated}-note">Thin &lt;b&gt;evidence&lt;/b&gt;</textarea>'
            )
        )
        == 1
    )
    assert (
        page.count(
            parse_html(
                f'<input type="hidden" name="rate-{items[1].code}-version" value="0" id="{other}-version">'
            )
        )
        == 1
    )
    assert not re.search(f'id="{other}-rating_[0-9]+"[^>]* checked', text)
    again = {**fields, f"rate-{items[0].code}-rating": "3", f"rate-{items[0].code}-version": "1"}
    assert assessor_client.post(rate, {**again, f"rate-{items[0].code}-note": ""}).status_code == 302
    assert AssessorRating.objects.get(assessment=fresh, item=items[0]).rating == 3


def test_a_refused_rating_shows_the_form_as_posted(assessor_client, fresh):
    item = fresh.cycle.framework.items.filter(domain__number=1).order_by("position").first()
    response = assessor_client.post(
        reverse("decisions:rate_item", args=[fresh.public_id, item.code]),
        {
            f"rate-{item.code}-rating": "1",
            f"rate-{item.code}-note": "x" * 2001,
            f"rate-{item.code}-version": "0",
        },
        headers={"HX-Request": "true"},
    )
    text = response.content.decode()
    assert f"The note on {item.code} must be 2,000 characters or fewer" in text
    assert "x" * 2001 in text  # what was typed is kept
    assert 'value="1" checked' in text
    assert not AssessorRating.objects.filter(assessment=fresh, item=item).exists()


# The decision -------------------------------------------------------------------------------------------------------


def _decision_data(**extra):
    return {
        "outcome": "authorised",
        "decided_on": "1/11/2026",
        "panel": "Sam Assessor\nRita Regional",
        "rationale": "All domains met.",
        "contradiction_reason": "",
        **extra,
    }


def test_a_contradicting_outcome_is_refused_naming_the_domain(assessor_client, demo, fresh, time_machine):
    time_machine.move_to("2026-11-23 12:00")
    judge_all(fresh, demo.assessor, {3: "not_met"})
    response = assessor_client.post(reverse("decisions:decision", args=[fresh.public_id]), _decision_data())
    assert response.status_code == 400
    assert "domain 3 is judged not met" in response.content.decode()
    assert not Decision.objects.filter(assessment=fresh).exists()


def test_the_panel_records_a_decision_with_conditions(assessor_client, demo, fresh, time_machine):
    time_machine.move_to("2026-11-23 12:00")
    judge_all(fresh, demo.assessor, {2: "met_with_conditions"})
    data = _decision_data(
        outcome="authorised_with_conditions",
        **{
            "condition-0-domain": "2",
            "condition-0-text": "Publish a plan.",
            "condition-0-support_level": "toolkit",
            "condition-0-due": "1/3/2027",
        },
    )
    response = assessor_client.post(reverse("decisions:decision", args=[fresh.public_id]), data)
    assert response.status_code == 302
    decision = Decision.objects.get(assessment=fresh)
    assert decision.panel_members == ["Sam Assessor", "Rita Regional"]
    assert decision.conditions.get().text == "Publish a plan."
    assert not decision.is_published


def test_a_half_filled_condition_names_what_is_missing(assessor_client, demo, fresh, time_machine):
    time_machine.move_to("2026-11-23 12:00")
    judge_all(fresh, demo.assessor, {2: "met_with_conditions"})
    data = _decision_data(outcome="authorised_with_conditions", **{"condition-1-text": "Publish a plan."})
    response = assessor_client.post(reverse("decisions:decision", args=[fresh.public_id]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Condition 2: choose the domain it concerns" in page
    assert "Condition 2: enter the date it is due" in page


def test_only_assessors_record_and_only_regional_leads_publish(
    assessor_client, region_client, demo, fresh, time_machine
):
    time_machine.move_to("2026-11-23 12:00")
    judge_all(fresh, demo.assessor)
    url = reverse("decisions:decision", args=[fresh.public_id])
    assert region_client.post(url, _decision_data()).status_code == 403
    assert assessor_client.post(url, _decision_data()).status_code == 302
    publish = reverse("decisions:publish", args=[fresh.public_id])
    assert assessor_client.post(publish).status_code == 403
    assert region_client.post(publish).status_code == 302
    assert Decision.objects.get(assessment=fresh).is_published


def test_ccgs_see_no_judgements_before_publication(demo, islington, haringey):
    ccg2 = demo.ccg2_lead
    assert not Judgement.objects.visible_to(ccg2).filter(assessment=islington).exists()
    assert not AssessorRating.objects.visible_to(ccg2).exists()
    assert Judgement.objects.visible_to(demo.users["ccg3_lead"]).filter(assessment=haringey).exists()
    assert Judgement.objects.visible_to(demo.assessor).filter(assessment=islington).count() == 12


# Conditions ---------------------------------------------------------------------------------------------------------


def test_the_ccg_sees_its_conditions_and_what_is_overdue(client_for, demo, django_assert_max_num_queries):
    client = client_for(demo.users["ccg3_lead"])
    with django_assert_max_num_queries(15):
        response = client.get(reverse("decisions:conditions"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("NHS Haringey CCG") == 4
    assert "Evidence submitted" in page and "Discharged" in page


def test_the_conditions_list_comes_a_page_at_a_time_keeping_the_status_chosen(demo, assessor_client):
    haringey = Condition.objects.filter(decision__assessment__organisation__code="08D").first()
    Condition.objects.bulk_create(
        Condition(
            decision=haringey.decision,
            domain=haringey.domain,
            text=f"Further condition {n}",
            support_level=haringey.support_level,
            due=haringey.due,
            raised_on=haringey.raised_on,
            status=Condition.Status.OPEN,
        )
        for n in range(60)
    )
    first = assessor_client.get(reverse("decisions:conditions") + "?status=open").content.decode()
    assert "Conditions 1 to 50 of 62" in first
    assert 'href="?status=open&amp;page=2"' in first
    second = page_text(assessor_client.get(reverse("decisions:conditions") + "?status=open&page=2"))
    assert "Conditions 51 to 62 of 62" in second
    assert second.count("Discharged") == 1  # only the filter's option: the status chosen holds on every page


@pytest.mark.parametrize("who", ["ccg2_lead_client", "outsider_client", "ccg_lead_client"])
def test_other_ccgs_see_none_of_its_conditions(request, who, demo):
    client = request.getfixturevalue(who)
    condition = Condition.objects.filter(decision__assessment__organisation__code="08D").first()
    assert "NHS Haringey CCG" not in client.get(reverse("decisions:conditions")).content.decode()
    assert client.get(reverse("decisions:condition", args=[condition.public_id])).status_code == 404
    response = client.post(reverse("decisions:respond", args=[condition.public_id]), {"text": "x"})
    assert response.status_code == 404


def test_the_ccg_lead_responds_and_an_assessor_discharges(client_for, demo, assessor_client):
    lead = client_for(demo.users["ccg3_lead"])
    condition = Condition.objects.filter(
        decision__assessment__organisation__code="08D", status="open"
    ).first()
    page = lead.get(reverse("decisions:condition", args=[condition.public_id])).content.decode()
    assert "Respond with evidence" in page
    evidence = condition.decision.assessment.organisation.evidence.first()
    response = lead.post(
        reverse("decisions:respond", args=[condition.public_id]),
        {
            "text": "Agreed by the board.",
            "evidence": [str(evidence.public_id)],
            "version": str(condition.version),
        },
    )
    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.status == "evidence_submitted"
    assert (
        assessor_client.post(
            reverse("decisions:respond", args=[condition.public_id]), {"text": "x", "version": "1"}
        ).status_code
        == 403
    )
    response = assessor_client.post(
        reverse("decisions:act", args=[condition.public_id]),
        {"action": "discharge", "note": "Met.", "version": str(condition.version)},
    )
    assert response.status_code == 302
    condition.refresh_from_db()
    assert condition.status == "discharged"


def test_the_ccg_cannot_discharge_its_own_condition(client_for, demo):
    lead = client_for(demo.users["ccg3_lead"])
    condition = Condition.objects.filter(
        decision__assessment__organisation__code="08D", status="evidence_submitted"
    ).first()
    response = lead.post(
        reverse("decisions:act", args=[condition.public_id]),
        {"action": "discharge", "note": "", "version": str(condition.version)},
    )
    assert response.status_code == 403
    condition.refresh_from_db()
    assert condition.status == "evidence_submitted"


# The public page ----------------------------------------------------------------------------------------------------


def test_the_public_page_lists_published_decisions_only(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = client.get(reverse("decisions:published", args=[demo.cycle.public_id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "NHS Newham CCG" in page and "NHS Haringey CCG" in page
    assert "NHS Islington CCG" not in page
    assert "Decisions signed off by the Commissioning Board" in page
    assert "Priya" not in page  # no assessors' notes in public


def test_the_public_index_lists_cycles_with_published_decisions(client, demo, elsewhere):
    response = client.get(reverse("decisions:published_index"))
    page = response.content.decode()
    assert response.status_code == 200
    assert demo.cycle.name in page
    assert elsewhere.cycle.name not in page  # nothing published there
