"""Self-assessment workflows through the service functions: saving without lost updates, submitting, reopening."""

from __future__ import annotations

import pytest
from django.core import mail

from assure.assessments import services
from assure.assessments.models import Assessment, ItemResponse, Submission
from assure.audit.models import AuditEvent


def _response(assessment, code) -> ItemResponse:
    return assessment.responses.select_related("item", "assessment__cycle__framework").get(item__code=code)


def _rate(response, user, rating=2, narrative="", version=None, **extra):
    return services.item_save(
        response=response,
        user=user,
        data=services.ItemInput(rating=rating, not_applicable=False, narrative=narrative, **extra),
        version=response.version if version is None else version,
    )


@pytest.fixture
def fresh(demo):
    """A self-assessment with nothing rated: Tower Hamlets CCG, which the demo leaves untouched."""
    from assure.organisations.models import Membership, Organisation, Role

    ccg = Organisation.objects.get(code="08V")
    Membership.objects.create(user=demo.ccg_lead, organisation=ccg, role=Role.CCG_LEAD)
    Membership.objects.create(user=demo.ccg_staff, organisation=ccg, role=Role.CCG_CONTRIBUTOR)
    return services.assessment_get_or_create(cycle=demo.cycle, organisation=ccg)


def test_every_framework_item_gets_a_response_once(demo, fresh):
    assert fresh.responses.count() == demo.framework.items.count() == 77
    again = services.assessment_get_or_create(cycle=demo.cycle, organisation=fresh.organisation)
    assert again.pk == fresh.pk
    assert again.responses.count() == 77


def test_saving_an_item_bumps_its_version_and_records_who_changed_what(demo, fresh):
    saved = _rate(
        _response(fresh, "1.1"), demo.ccg_staff, rating=2, narrative="Agreed with the HWB in March."
    )

    assert (saved.rating, saved.version, saved.updated_by) == (2, 1, demo.ccg_staff)
    event = AuditEvent.objects.for_object(saved).get()
    assert event.actor == demo.ccg_staff
    assert event.before["rating"] is None
    assert event.after == {
        "rating": 2,
        "not_applicable": False,
        "reason": "",
        "narrative": "Agreed with the HWB in March.",
        "evidence": [],
    }


def test_the_saved_item_returned_is_the_item_as_stored(demo, fresh):
    response = _response(fresh, "2.3")
    response_na = _response(fresh, "2.4")
    ItemResponse.objects.filter(pk=response.pk).update(carried_over=True, rating=1, version=4)
    response.refresh_from_db()

    saved = [
        _rate(response, demo.ccg_staff, rating=3, narrative="  Kept as typed  "),
        services.item_save(
            response=response_na,
            user=demo.ccg_lead,
            data=services.ItemInput(rating=None, not_applicable=True, reason="  No HWB yet ", narrative=""),
            version=0,
        ),
    ]

    fields = [
        "rating",
        "not_applicable",
        "reason",
        "narrative",
        "version",
        "updated_at",
        "updated_by",
        "carried_over",
    ]
    for returned in saved:
        stored = ItemResponse.objects.get(pk=returned.pk)
        assert {f: getattr(returned, f) for f in fields} == {f: getattr(stored, f) for f in fields}
    assert (saved[0].version, saved[0].carried_over, saved[1].reason) == (5, False, "No HWB yet")


def test_a_save_to_a_submitted_self_assessment_is_refused_even_when_stale(demo, fresh):
    response = _response(fresh, "1.1")
    _rate(_response(fresh, "1.1"), demo.ccg_lead, rating=3)
    Assessment.objects.filter(pk=fresh.pk).update(status=Assessment.Status.SUBMITTED)

    for version in (0, 1):  # stale, then current
        with pytest.raises(services.AssessmentLocked):
            _rate(response, demo.ccg_staff, rating=1, version=version)
    assert _response(fresh, "1.1").rating == 3


def test_a_stale_save_is_refused_and_keeps_the_other_persons_value(demo, fresh):
    """Two people open item 1.1 at version 0; the second save must not overwrite the first."""
    first_view = _response(fresh, "1.1")
    second_view = _response(fresh, "1.1")
    _rate(first_view, demo.ccg_lead, rating=3, narrative="Lead's text", version=0)

    with pytest.raises(services.StaleEdit) as refused:
        _rate(second_view, demo.ccg_staff, rating=1, narrative="Staff text", version=0)

    assert refused.value.current.narrative == "Lead's text"
    assert "Clare Lead saved item 1.1 while you were editing it" in str(refused.value)
    stored = _response(fresh, "1.1")
    assert (stored.rating, stored.narrative, stored.version) == (3, "Lead's text", 1)
    assert AuditEvent.objects.for_object(stored).count() == 1


def test_not_applicable_needs_a_reason_and_a_rating_must_be_on_the_scale(demo, fresh):
    response = _response(fresh, "1.2")
    with pytest.raises(services.ItemInvalid) as no_reason:
        services.item_save(
            response=response,
            user=demo.ccg_lead,
            data=services.ItemInput(rating=None, not_applicable=True),
            version=0,
        )
    assert no_reason.value.errors == {"reason": "Give a reason why 1.2 does not apply"}
    with pytest.raises(services.ItemInvalid) as off_scale:
        _rate(response, demo.ccg_lead, rating=7)
    assert off_scale.value.errors == {"rating": "Choose a rating for 1.2 from 0 to 3"}
    assert _response(fresh, "1.2").version == 0


def test_narrative_over_the_limit_is_refused_with_its_length(demo, fresh):
    with pytest.raises(services.ItemInvalid) as too_long:
        _rate(_response(fresh, "2.1"), demo.ccg_lead, narrative="x" * 3001)
    assert "must be 3,000 characters or fewer (it has 3,001)" in too_long.value.errors["narrative"]


def test_evidence_links_are_set_from_the_ccgs_own_library_only(demo, fresh):
    from assure.evidence.models import Evidence

    camden_evidence = Evidence.objects.filter(organisation=demo.ccg).first()
    with pytest.raises(services.ItemInvalid) as foreign:
        _rate(_response(fresh, "1.1"), demo.ccg_lead, evidence=[str(camden_evidence.public_id)])
    assert foreign.value.errors == {"evidence": "Choose evidence from your CCG's evidence library"}


def _rate_everything(assessment, user):
    for response in assessment.responses.select_related("item", "assessment__cycle__framework"):
        _rate(response, user, rating=2)


def test_submit_refuses_an_incomplete_assessment_listing_what_is_missing(demo, fresh):
    _rate(_response(fresh, "1.1"), demo.ccg_lead)
    with pytest.raises(services.IncompleteAssessment) as incomplete:
        services.assessment_submit(assessment=fresh, user=demo.ccg_lead)
    assert len(incomplete.value.missing) == 76
    assert incomplete.value.missing[0] == "1.2"
    fresh.refresh_from_db()
    assert fresh.status == Assessment.Status.DRAFT


def test_submit_locks_and_snapshots_then_reopen_unlocks_and_tells_the_lead(
    demo, fresh, django_capture_on_commit_callbacks
):
    _rate_everything(fresh, demo.ccg_staff)
    submission = services.assessment_submit(assessment=fresh, user=demo.ccg_lead)

    fresh.refresh_from_db()
    assert fresh.status == Assessment.Status.SUBMITTED
    assert submission.number == 1
    assert len(submission.snapshot["items"]) == 77
    assert {d["level"] for d in submission.snapshot["domains"]} == {"beyond_authorisation"}
    # The domain results are also kept in a column of their own, for pages that list many CCGs' levels.
    assert Submission.objects.get(pk=submission.pk).domain_results == submission.snapshot["domains"]
    with pytest.raises(services.AssessmentLocked):
        _rate(_response(fresh, "1.1"), demo.ccg_lead, rating=3)

    # A later change is not in the snapshot.
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_reopen(
            assessment=fresh, user=demo.assessor, reason="Domain 3 narrative is missing figures."
        )
    _rate(_response(fresh, "3.1"), demo.ccg_lead, rating=0)
    submission.refresh_from_db()
    assert next(i for i in submission.snapshot["items"] if i["code"] == "3.1")["rating"] == 2
    assert submission.reopen_reason == "Domain 3 narrative is missing figures."
    assert submission.reopened_by == demo.assessor
    fresh.refresh_from_db()
    assert fresh.status == Assessment.Status.DRAFT
    assert fresh.first_submitted_at is not None
    assert [m.to for m in mail.outbox] == [["ccg.lead@example.org"]]
    assert "Domain 3 narrative is missing figures." in mail.outbox[0].body
    actions = list(
        AuditEvent.objects.filter(organisation=fresh.organisation).values_list("action", flat=True)[:3]
    )
    assert actions[1:] == ["assessment.reopened", "assessment.submitted"]


def test_reopen_needs_a_reason(demo):
    islington = Assessment.objects.get(organisation=demo.ccg2)
    with pytest.raises(services.ItemInvalid):
        services.assessment_reopen(assessment=islington, user=demo.assessor, reason="  ")
    islington.refresh_from_db()
    assert islington.status == Assessment.Status.SUBMITTED


def test_results_follow_the_framework_rules(demo, fresh):
    results = services.assessment_results(fresh)
    assert results[1].level_code == "below_threshold"
    for response in fresh.responses.select_related("item", "assessment__cycle__framework").filter(
        item__domain__number=1
    ):
        _rate(response, demo.ccg_lead, rating=2 if response.item.tier == "basics" else 0)
    assert services.assessment_results(fresh)[1].level_code == "basics_built"
    assert services.assessment_results(fresh)[1].threshold_met


def test_ratings_read_as_values_give_the_same_results_as_the_responses(demo, fresh):
    """The task list reads ratings as plain values (`rated_items`): the same items in the same order, answered and
    carried over alike, and every domain's result the same as from the responses themselves."""
    camden = Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg)

    def same(assessment):
        responses = list(assessment.responses.select_related("item__domain"))
        rated = services.rated_items(assessment)
        assert [(r.code, r.tier, r.domain) for r in rated] == [
            (x.item.code, x.item.tier, x.item.domain.number) for x in responses
        ]
        assert [
            (r.rating, r.not_applicable, r.carried_over, r.is_answered, r.maturity_value) for r in rated
        ] == [
            (x.rating, x.not_applicable, x.carried_over, x.is_answered, x.maturity_value) for x in responses
        ]
        assert services.rated_results(assessment, rated) == services.assessment_results(assessment, responses)

    same(fresh)  # nothing rated
    _rate(_response(fresh, "1.1"), demo.ccg_lead, rating=3)
    services.item_save(
        response=_response(fresh, "2.4"),
        user=demo.ccg_lead,
        data=services.ItemInput(
            rating=None, not_applicable=True, narrative="", reason="Not commissioned here."
        ),
        version=_response(fresh, "2.4").version,
    )
    ItemResponse.objects.filter(assessment=fresh, item__code="3.2").update(rating=1, carried_over=True)
    same(fresh)  # rated, not applicable, carried over
    _rate_everything(fresh, demo.ccg_staff)
    same(fresh)
    same(camden)
