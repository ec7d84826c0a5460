"""The self-assessment pages, as each kind of person meets them."""

from __future__ import annotations

import re

import pytest
from django.test.html import parse_html
from django.urls import reverse
from django.utils.html import escape

from assure.assessments import services
from assure.assessments.models import Assessment, ItemResponse
from assure.core.tests.helpers import page_text
from assure.cycles.models import Cycle
from assure.cycles.tests.factories import CycleFactory
from assure.evidence.models import Evidence


@pytest.fixture
def camden(demo) -> Assessment:
    return Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg)


@pytest.fixture
def islington(demo) -> Assessment:
    return Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg2)


def _url(name, assessment, *args):
    return reverse(f"assessments:{name}", args=[assessment.public_id, *args])


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_home_page_leads_a_ccg_member_into_their_self_assessment(demo, ccg_staff_client, camden):
    home = _text(ccg_staff_client.get("/"))
    start = reverse("assessments:start", args=[demo.cycle.public_id, "07R"])
    assert f'href="{start}"' in home
    assert ccg_staff_client.get(start)["Location"] == _url("task_list", camden)


def _new_cycle(demo, ccg, **fields):
    """A cycle the CCG takes part in with no self-assessment made yet (joined without the join's receivers)."""
    return CycleFactory(region=demo.region, ccgs=[ccg], **fields)


def test_following_the_link_to_a_self_assessment_not_yet_started_makes_nothing(demo, ccg_staff_client):
    cycle = _new_cycle(demo, demo.ccg, name="London wave 4")
    start = reverse("assessments:start", args=[cycle.public_id, "07R"])

    page = ccg_staff_client.get(start)

    assert page.status_code == 200
    text = page_text(page)
    assert "Start the NHS Camden CCG self-assessment" in text and "London wave 4" in text
    assert "77 items in 6 domains" in text and "It will start empty." in text
    assert not Assessment.objects.filter(cycle=cycle).exists()


def test_the_start_button_makes_the_self_assessment_once(demo, ccg_staff_client):
    cycle = _new_cycle(demo, demo.ccg)
    start = reverse("assessments:start", args=[cycle.public_id, "07R"])

    started = ccg_staff_client.post(start)

    assessment = Assessment.objects.get(cycle=cycle, organisation=demo.ccg)
    assert started["Location"] == _url("task_list", assessment)
    assert assessment.is_draft and assessment.responses.count() == 77
    assert ccg_staff_client.post(start)["Location"] == _url("task_list", assessment)
    assert ccg_staff_client.get(start)["Location"] == _url("task_list", assessment)
    assert Assessment.objects.filter(cycle=cycle).count() == 1


def test_the_start_page_says_what_carries_over_from_the_last_submission(demo, ccg2_lead_client):
    cycle = _new_cycle(
        demo, demo.ccg2, kind=Cycle.Kind.ANNUAL_ASSURANCE, previous=demo.cycle, name="London 2013-14"
    )
    start = reverse("assessments:start", args=[cycle.public_id, "08H"])

    text = page_text(ccg2_lead_client.get(start))
    assert f"It will start from your last submission in {demo.cycle.name}" in text

    ccg2_lead_client.post(start)
    assessment = Assessment.objects.get(cycle=cycle, organisation=demo.ccg2)
    assert assessment.responses.filter(carried_over=True).exists()


@pytest.mark.parametrize("who", ["region_client", "assessor_client", "ccg2_lead_client", "hwb_lead_client"])
def test_only_the_ccgs_people_can_start_its_self_assessment(demo, request, who):
    cycle = _new_cycle(demo, demo.ccg)
    start = reverse("assessments:start", args=[cycle.public_id, "07R"])
    visitor = request.getfixturevalue(who)
    assert visitor.get(start).status_code == 404
    assert visitor.post(start).status_code == 404
    assert not Assessment.objects.filter(cycle=cycle).exists()


def test_a_visitor_is_asked_to_sign_in_first(demo, client):
    cycle = _new_cycle(demo, demo.ccg)
    start = reverse("assessments:start", args=[cycle.public_id, "07R"])
    assert client.post(start)["Location"].startswith(reverse("accounts:login"))
    assert not Assessment.objects.filter(cycle=cycle).exists()


def test_task_list_shows_each_domain_with_status_level_and_evidence(
    ccg_lead_client, camden, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        page = _text(ccg_lead_client.get(_url("task_list", camden)))
    assert "You have answered 39 of 77 items." in page
    assert "Domain 1: Clinical focus" in page and "Domain 6: Leadership" in page
    assert page.count("Not started") == 4
    assert "Completed" in page
    assert "Threshold: not met" in page
    assert "Evidence: 2 of 6 types, 1 over 12 months old." in page  # constitution linked; JSNA is old


def test_domain_page_groups_items_by_tier_with_key_points_and_shortfall(ccg_lead_client, camden):
    page = _text(ccg_lead_client.get(_url("domain", camden, 1)))
    assert page.index("Build the basics") < page.index("1.1") < page.index("Develop together for the future")
    assert "Key points to consider" in page
    assert "Below threshold" in page
    assert "1 more basics item at “In place” or above" in page
    assert 'href="#item-1-3"' in page
    assert "You can enter up to 3000 characters" in page


@pytest.mark.parametrize("number", range(1, 7))
def test_domain_page_gives_every_theme_and_key_point_of_the_domain_in_order(ccg_lead_client, camden, number):
    """Read from the framework as parsed, they are the domain's rows as imported."""
    domain = camden.framework.domains.get(number=number)
    page = _text(ccg_lead_client.get(_url("domain", camden, number)))
    guidance = page[page.index("Themes and key points for this domain") : page.index("Build the basics")]
    texts = [p.text for p in domain.key_points.all()] + [t.title for t in domain.themes.all()]
    positions = [guidance.index(escape(" ".join(text.split()))) for text in texts]
    assert len(texts) > 3 and positions == sorted(positions)


def test_domain_page_query_count_does_not_grow_with_items(
    ccg_lead_client, camden, django_assert_max_num_queries
):
    # Domain 2 has 28 items, domain 6 has 7: both within the same bound.
    for number in (2, 6):
        with django_assert_max_num_queries(22):
            assert ccg_lead_client.get(_url("domain", camden, number)).status_code == 200


def _form(page_html: str, code: str) -> dict:
    version = re.search(rf'name="item-{re.escape(code)}-version" value="(\d+)"', page_html).group(1)
    return {f"item-{code}-version": version}


def test_saving_without_javascript_redirects_back_to_the_item(ccg_staff_client, camden):
    page = ccg_staff_client.get(_url("domain", camden, 3)).content.decode()
    data = {**_form(page, "3.1"), "item-3.1-rating": "2", "item-3.1-narrative": "Plans agreed with the HWB."}
    response = ccg_staff_client.post(_url("save_item", camden, "3.1"), data)
    assert response.status_code == 302
    assert response["Location"].endswith("/domains/3/#item-3-1")
    saved = ItemResponse.objects.get(assessment=camden, item__code="3.1")
    assert (saved.rating, saved.narrative, saved.version) == (2, "Plans agreed with the HWB.", 1)
    assert "Item 3.1 saved." in _text(ccg_staff_client.get(response["Location"]))


def test_saving_with_htmx_returns_the_item_and_the_new_domain_result(ccg_staff_client, camden):
    page = ccg_staff_client.get(_url("domain", camden, 1)).content.decode()
    data = {**_form(page, "1.3"), "item-1.3-rating": "2", "item-1.3-narrative": ""}
    response = ccg_staff_client.post(_url("save_item", camden, "1.3"), data, headers={"HX-Request": "true"})
    body = _text(response)
    assert response.status_code == 200
    assert body.strip().startswith('<div class="assure-item" id="item-1-3">')
    assert "Saved." in body
    assert 'id="domain-result"' in body and 'hx-swap-oob="true"' in body
    assert "Basics built" in body  # 1.3 was the last basics item below In place


def _element(html: str, element_id: str):
    """The element with this id in a page or fragment, parsed for comparing (django.test.html). CSRF tokens are
    masked afresh for every response, so they are left out."""
    pending = [parse_html(re.sub(r'(name="csrfmiddlewaretoken" value=)"[^"]*"', r'\1""', html))]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            continue
        if ("id", element_id) in getattr(node, "attributes", []):
            return node
        pending.extend(node.children)
    raise AssertionError(f"no element with id {element_id!r}")


def _without(element, *classes):
    """The element without its children of these classes (the "Saved." line and the out-of-band domain result
    that only an htmx answer carries)."""
    element.children = [
        child
        for child in element.children
        if isinstance(child, str) or not set(dict(child.attributes).get("class", "").split()) & set(classes)
    ]
    return element


def _swapped(fragment: str, code: str):
    return _without(_element(fragment, f"item-{code.replace('.', '-')}"), "assure-saved", "nhsuk-card")


def test_an_htmx_save_answers_with_the_item_and_result_the_domain_page_then_shows(
    demo, ccg_staff_client, camden
):
    evidence = [str(e.public_id) for e in Evidence.objects.filter(organisation=demo.ccg)][:2]
    page = ccg_staff_client.get(_url("domain", camden, 1)).content.decode()
    data = {**_form(page, "1.3"), "item-1.3-rating": "2", "item-1.3-narrative": "Met <b>monthly</b>"}
    data["item-1.3-evidence"] = evidence
    fragment = ccg_staff_client.post(
        _url("save_item", camden, "1.3"), data, headers={"HX-Request": "true"}
    ).content.decode()

    page = ccg_staff_client.get(_url("domain", camden, 1)).content.decode()
    assert _swapped(fragment, "1.3") == _without(_element(page, "item-1-3"), "nhsuk-card")
    assert fragment.count(" checked") == 1 + len(evidence) == 3  # the rating and the two pieces of evidence
    result = _element(fragment, "domain-result")
    result.attributes.remove(("hx-swap-oob", "true"))
    assert result == _element(page, "domain-result")


@pytest.mark.parametrize("case", ["invalid", "stale", "carried over and invalid"])
def test_an_htmx_save_that_fails_answers_with_the_item_as_the_page_without_javascript_does(
    demo, client_for, camden, case
):
    staff = client_for(demo.ccg_staff)
    version = ItemResponse.objects.get(assessment=camden, item__code="2.4").version
    page = staff.get(_url("domain", camden, 2)).content.decode()
    data = {**_form(page, "2.4"), "item-2.4-rating": "na", "item-2.4-narrative": "Draft & words"}
    if "carried over" in case:
        ItemResponse.objects.filter(assessment=camden, item__code="2.4").update(carried_over=True)
    if case == "stale":
        lead = client_for(demo.ccg_lead)
        lead.post(_url("save_item", camden, "2.4"), {**data, "item-2.4-rating": "3"})
        data["item-2.4-rating"] = "1"

    fragment = staff.post(_url("save_item", camden, "2.4"), data, headers={"HX-Request": "true"})
    without_javascript = staff.post(_url("save_item", camden, "2.4"), data)

    assert fragment.status_code == without_javascript.status_code == 200
    fragment, without_javascript = fragment.content.decode(), without_javascript.content.decode()
    assert (
        "Your change to 2.4 was not saved" in fragment
        if case == "stale"
        else "Give a reason why 2.4" in fragment
    )
    assert ("Carried over, to be confirmed" in fragment) == ("carried over" in case)
    assert _swapped(fragment, "2.4") == _without(_element(without_javascript, "item-2-4"), "nhsuk-card")
    # Only the other person's save went in.
    assert ItemResponse.objects.get(assessment=camden, item__code="2.4").version == version + (
        case == "stale"
    )


def test_an_htmx_save_reads_the_same_few_queries_for_a_domain_of_28_items_as_for_one_of_7(
    ccg_staff_client, camden, django_assert_max_num_queries
):
    for number, code in ((2, "2.5"), (6, "6.2")):
        page = ccg_staff_client.get(_url("domain", camden, number)).content.decode()
        data = {**_form(page, code), f"item-{code}-rating": "1"}
        with django_assert_max_num_queries(20):
            saved = ccg_staff_client.post(
                _url("save_item", camden, code), data, headers={"HX-Request": "true"}
            )
        assert "Saved." in saved.content.decode()


def test_two_sessions_editing_the_same_item_never_overwrite_each_other(demo, client_for, camden):
    lead, staff = client_for(demo.ccg_lead), client_for(demo.ccg_staff)
    lead_page = lead.get(_url("domain", camden, 4)).content.decode()
    staff_page = staff.get(_url("domain", camden, 4)).content.decode()

    lead.post(
        _url("save_item", camden, "4.1"),
        {**_form(lead_page, "4.1"), "item-4.1-rating": "3", "item-4.1-narrative": "Lead"},
    )
    refused = staff.post(
        _url("save_item", camden, "4.1"),
        {**_form(staff_page, "4.1"), "item-4.1-rating": "0", "item-4.1-narrative": "Staff"},
        headers={"HX-Request": "true"},
    )

    body = _text(refused)
    assert "Your change to 4.1 was not saved" in body
    assert "Dr Clare Lead saved item 4.1 while you were editing it" in body
    assert "Now saved: 3 – “Lead”" in body
    stored = ItemResponse.objects.get(assessment=camden, item__code="4.1")
    assert (stored.rating, stored.narrative) == (3, "Lead")


def test_invalid_item_shows_the_error_and_keeps_what_was_typed(ccg_staff_client, camden):
    page = ccg_staff_client.get(_url("domain", camden, 5)).content.decode()
    data = {
        **_form(page, "5.1"),
        "item-5.1-rating": "na",
        "item-5.1-reason": "",
        "item-5.1-narrative": "Draft words",
    }
    body = _text(ccg_staff_client.post(_url("save_item", camden, "5.1"), data))
    assert "There is a problem" in body
    assert "Give a reason why 5.1 does not apply" in body
    assert "Draft words" in body
    assert ItemResponse.objects.get(assessment=camden, item__code="5.1").version == 0


def test_people_outside_the_ccg_cannot_see_a_draft(
    camden, ccg2_lead_client, hwb_lead_client, assessor_client, region_client, outsider_client, client
):
    for other in (ccg2_lead_client, hwb_lead_client, assessor_client, region_client, outsider_client):
        assert other.get(_url("task_list", camden)).status_code == 404
        assert other.get(_url("domain", camden, 1)).status_code == 404
        assert (
            other.post(
                _url("save_item", camden, "1.1"), {"item-1.1-rating": "0", "item-1.1-version": "0"}
            ).status_code
            == 404
        )
    assert client.get(_url("task_list", camden)).status_code == 302


def test_only_the_lead_submits_and_only_when_complete(demo, client_for, camden):
    staff = client_for(demo.ccg_staff)
    assert staff.get(_url("submit", camden)).status_code == 403
    lead = client_for(demo.ccg_lead)
    page = _text(lead.get(_url("submit", camden)))
    assert "You cannot submit yet" in page and "38 items still need a rating" in page
    assert lead.post(_url("submit", camden)).status_code == 200
    camden.refresh_from_db()
    assert camden.status == "draft"


def test_submitted_assessment_is_read_by_assessor_and_shared_hwb(demo, islington, client_for):
    assessor = client_for(demo.assessor)
    response = assessor.get(_url("task_list", islington))
    assert response["Location"] == _url("submission", islington, 1)
    page = _text(assessor.get(response["Location"]))
    assert "NHS Islington CCG: submitted self-assessment" in page
    assert "Reopen this self-assessment" in page
    # Islington shares with its own HWB; Camden's HWB lead is not a partner.
    assert client_for(demo.hwb_lead).get(_url("submission", islington, 1)).status_code == 404


def test_assessor_reopens_with_a_reason_and_the_ccg_sees_why(
    demo, islington, client_for, django_capture_on_commit_callbacks
):
    assessor = client_for(demo.assessor)
    assert (
        _text(assessor.post(_url("reopen", islington), {"reason": ""})).count("Give a reason for reopening")
        >= 1
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = assessor.post(
            _url("reopen", islington), {"reason": "Evidence for domain 5 is out of date."}
        )
    assert response.status_code == 302
    islington.refresh_from_db()
    assert islington.status == "draft"
    page = _text(client_for(demo.ccg2_lead).get(_url("task_list", islington)))
    assert "Reopened by an assessor" in page and "Evidence for domain 5 is out of date." in page
    # The CCG's lead cannot reopen; a CCG lead of another CCG cannot see it.
    assert client_for(demo.ccg_lead).get(_url("reopen", islington)).status_code == 404


def test_partner_hwb_sees_the_submitted_version_only_when_shared(demo, camden, client_for):
    lead = client_for(demo.ccg_lead)
    for response in camden.responses.select_related("item", "assessment__cycle__framework").filter(
        rating__isnull=True, not_applicable=False
    ):
        services.item_save(
            response=response,
            user=demo.ccg_lead,
            data=services.ItemInput(rating=1, not_applicable=False),
            version=response.version,
        )
    assert lead.post(_url("submit", camden)).status_code == 302
    hwb = client_for(demo.hwb_lead)
    assert hwb.get(_url("submission", camden, 1)).status_code == 404
    lead.post(_url("share", camden), {"shared": "yes"})
    assert "submitted self-assessment" in _text(hwb.get(_url("submission", camden, 1)))
    # Not the working draft, and they cannot edit.
    assert hwb.get(_url("domain", camden, 1)).status_code == 404


def test_item_history_and_audit_log(demo, camden, client_for):
    lead = client_for(demo.ccg_lead)
    history = _text(lead.get(_url("item_history", camden, "1.1")))
    assert "History of item 1.1" in history and "ccg.lead@example.org" in history
    assert "Agreed at the governing body." in history
    assert "Who changed what" in _text(lead.get(_url("audit", camden)))
    # Contributors read item history but not the whole audit log.
    assert client_for(demo.ccg_staff).get(_url("audit", camden)).status_code == 404
