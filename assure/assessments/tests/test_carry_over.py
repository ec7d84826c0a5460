"""Annual assurance: a CCG's self-assessment starts from its last submission in the previous cycle, each item
marked *carried over, to be confirmed*, until the CCG confirms or changes it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse

from assure.assessments import services
from assure.assessments.models import Assessment, CarryOver
from assure.audit.models import AuditEvent
from assure.core.tests.helpers import page_text
from assure.cycles import services as cycle_services
from assure.cycles.models import Cycle
from assure.cycles.tests.helpers import ccg_with_lead, cycle_input, past_cycle, submitted_assessment
from assure.evidence.models import Evidence
from assure.frameworks.models import Item
from assure.frameworks.services import framework_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def riverside(demo):
    ccg, lead = ccg_with_lead(demo.region)
    previous = past_cycle(demo.region, [ccg])
    earlier = submitted_assessment(
        previous, ccg, lead, rating=lambda item: 3 if item.tier == "basics" else 1, narrative="Last year"
    )
    return ccg, lead, previous, earlier


def annual(demo, ccg, previous, **changes) -> Cycle:
    return cycle_services.cycle_create(
        user=demo.region_lead, data=cycle_input(demo.region, [ccg], previous=previous, **changes)
    )


def test_joining_an_annual_assurance_cycle_carries_the_last_submission_over(demo, riverside):
    ccg, _lead, previous, earlier = riverside

    cycle = annual(demo, ccg, previous)

    assessment = Assessment.objects.get(cycle=cycle, organisation=ccg)
    responses = list(assessment.responses.select_related("item"))
    assert responses and all(r.carried_over for r in responses)
    for response in responses:
        assert response.rating == (3 if response.item.tier == "basics" else 1)
        assert response.narrative == f"Last year ({response.item.code})"
        assert response.version == 0
    carry = CarryOver.objects.get(assessment=assessment)
    assert carry.carried == len(responses) and carry.not_carried == [] and carry.new_items == []
    assert carry.source == earlier.submissions.get()
    assert AuditEvent.objects.filter(action="assessment.carried_over", object_id=str(assessment.pk)).exists()


def test_carrying_over_is_idempotent_and_never_overwrites_saved_work(demo, riverside):
    ccg, lead, previous, _ = riverside
    cycle = annual(demo, ccg, previous)
    assessment = Assessment.objects.get(cycle=cycle, organisation=ccg)
    response = assessment.responses.select_related("item").first()
    services.item_save(
        response=response,
        user=lead,
        data=services.ItemInput(rating=0, not_applicable=False, narrative="Changed"),
        version=0,
    )

    assert services.assessment_carry_over(assessment=assessment) is None
    assert services.assessment_get_or_create(cycle=cycle, organisation=ccg) == assessment

    response.refresh_from_db()
    assert (response.rating, response.narrative, response.carried_over) == (0, "Changed", False)
    assert CarryOver.objects.filter(assessment=assessment).count() == 1


def test_an_authorisation_wave_or_a_ccg_with_nothing_submitted_starts_empty(demo, riverside):
    ccg, _lead, previous, _ = riverside
    newcomer, _ = ccg_with_lead(demo.region, code="98Y", name="NHS Newcomer CCG")

    wave = annual(demo, ccg, previous, kind=Cycle.Kind.AUTHORISATION, name="Riverside wave 2")
    cycle = annual(demo, newcomer, previous, name="Newcomer annual assurance")

    assert not Assessment.objects.filter(cycle=wave).exists()  # made on first visit, empty, as before
    fresh = services.assessment_get_or_create(cycle=cycle, organisation=newcomer)
    assert not fresh.responses.filter(carried_over=True).exists()
    assert not CarryOver.objects.filter(assessment=fresh).exists()


def test_saving_an_item_as_it_is_confirms_it_and_is_recorded(demo, riverside):
    ccg, lead, previous, _ = riverside
    assessment = Assessment.objects.get(cycle=annual(demo, ccg, previous), organisation=ccg)
    response = assessment.responses.select_related("item").get(item__code="1.1")

    saved = services.item_save(
        response=response,
        user=lead,
        data=services.ItemInput(rating=response.rating, not_applicable=False, narrative=response.narrative),
        version=response.version,
    )

    assert saved.carried_over is False and saved.rating == 3
    event = AuditEvent.objects.filter(action="item.saved", object_id=str(response.pk)).get()
    assert event.before["carried_over"] is True and event.after["carried_over"] is False


def test_submission_is_blocked_while_carried_over_items_remain_unconfirmed(demo, riverside):
    ccg, lead, previous, _ = riverside
    assessment = Assessment.objects.get(cycle=annual(demo, ccg, previous), organisation=ccg)

    with pytest.raises(services.IncompleteAssessment) as caught:
        services.assessment_submit(assessment=assessment, user=lead)

    assert caught.value.missing == []
    assert "1.1" in caught.value.unconfirmed
    assert "carried over from the last cycle" in str(caught.value)
    assessment.refresh_from_db()
    assert assessment.is_draft and not assessment.submissions.exists()

    assessment.responses.update(carried_over=False)
    services.assessment_submit(assessment=assessment, user=lead)
    assessment.refresh_from_db()
    assert not assessment.is_draft


def _framework_v2():
    """The built-in framework as version 2, without item 1.2 and with a new item 1.30."""
    data = yaml.safe_load((Path(settings.FRAMEWORKS_DIR) / "ccg-authorisation-2012.yaml").read_text())
    data = copy.deepcopy(data)
    data["version"] = "2"
    items = data["domains"][0]["items"]
    data["domains"][0]["items"] = [i for i in items if i["code"] != "1.2"] + [
        {**items[0], "code": "1.30", "text": "The CCG and HWB review their joint vision each year"}
    ]
    return framework_import(text=yaml.safe_dump(data, sort_keys=False, allow_unicode=True)).framework


def test_a_new_framework_version_carries_only_matching_items_and_says_which_did_not(demo, riverside):
    ccg, lead, previous, _ = riverside
    evidence = Evidence.objects.create(
        organisation=ccg,
        title="Constitution",
        evidence_type=previous.framework.evidence_types.first(),
        document_date=previous.starts_on,
        owner="Board secretary",
        url="https://www.example.org/constitution",
    )
    evidence.items.add(Item.objects.get(framework=previous.framework, code="1.1"))
    # The submission was made before the link: submit again so the snapshot holds it.
    earlier = Assessment.objects.get(cycle=previous, organisation=ccg)
    services.assessment_reopen(assessment=earlier, user=demo.assessor, reason="Add the constitution")
    services.assessment_submit(assessment=earlier, user=lead)
    v2 = _framework_v2()

    cycle = annual(demo, ccg, previous, framework=v2)

    assessment = Assessment.objects.get(cycle=cycle, organisation=ccg)
    carry = assessment.carry_over
    assert carry.not_carried == [
        {"code": "1.2", "text": Item.objects.get(framework=previous.framework, code="1.2").text}
    ]
    assert carry.new_items == ["1.30"]
    new_item = assessment.responses.get(item__code="1.30")
    assert new_item.rating is None and not new_item.carried_over
    assert assessment.responses.get(item__code="1.1").carried_over
    assert evidence.items.filter(framework=v2, code="1.1").exists()  # the evidence link follows the code
    assert carry.evidence_links == 1


def test_the_task_list_shows_the_carry_over_and_the_change_since_last_cycle(demo, riverside, client_for):
    ccg, lead, previous, _ = riverside
    assessment = Assessment.objects.get(cycle=annual(demo, ccg, previous), organisation=ccg)
    response = assessment.responses.select_related("item").get(item__code="1.1")
    services.item_save(
        response=response,
        user=lead,
        data=services.ItemInput(rating=0, not_applicable=False, narrative="Slipped"),
        version=0,
    )
    client = client_for(lead)

    text = page_text(client.get(reverse("assessments:task_list", args=[assessment.public_id])))

    total = assessment.responses.count()
    assert f"Carried over from {previous.name}" in text
    assert f"{total - 1} items still have the rating and narrative your CCG submitted last cycle" in text
    assert f"Since {previous.name}: down from Basics built" in text  # domain 1 fell below the threshold
    assert f"Since {previous.name}: the same as last cycle (Basics built)" in text

    domain = page_text(client.get(reverse("assessments:domain", args=[assessment.public_id, 1])))
    assert "Carried over, to be confirmed" in domain and "Confirm or save 1.3" in domain

    submit = page_text(client.get(reverse("assessments:submit", args=[assessment.public_id])))
    assert "You cannot submit yet" in submit and "Confirm 1.2 " in submit and "Confirm 1.1 " not in submit
    response = client.post(reverse("assessments:submit", args=[assessment.public_id]))
    assessment.refresh_from_db()
    assert assessment.is_draft


def test_the_api_shows_the_marker_and_refuses_to_submit(demo, riverside, api_for):
    ccg, lead, previous, _ = riverside
    assessment = Assessment.objects.get(cycle=annual(demo, ccg, previous), organisation=ccg)
    client = api_for(lead)

    items = client.get(f"/api/v1/assessments/{assessment.public_id}").json()["items"]
    submit = client.post(f"/api/v1/assessments/{assessment.public_id}/submit")

    assert all(item["carried_over"] for item in items)
    assert submit.status_code == 409
    body = submit.json()
    assert body["code"] == "incomplete" and body["missing"] == [] and "1.1" in body["unconfirmed"]
