import datetime

import pytest
from django.utils import timezone

from assure.audit.models import AuditEvent
from assure.decisions import services
from assure.decisions.models import AssessorRating, Condition, ConditionEvent, Decision, Judgement
from assure.evidence.models import Evidence

from .factories import decide, judge_all


def _domain(assessment, number):
    return assessment.cycle.framework.domains.get(number=number)


def test_a_judgement_is_saved_versioned_and_audited_without_an_organisation(fresh, demo):
    domain = _domain(fresh, 1)
    judgement = services.judgement_save(
        assessment=fresh, domain=domain, assessor=demo.assessor, value="met", rationale="Good.", version=0
    )
    assert judgement.version == 1
    changed = services.judgement_save(
        assessment=fresh, domain=domain, assessor=demo.assessor, value="not_met", rationale="Weak.", version=1
    )
    assert (changed.value, changed.version) == ("not_met", 2)
    events = AuditEvent.objects.filter(action="decisions.judged", object_id=str(judgement.pk))
    assert events.count() == 2
    assert all(e.organisation_id is None for e in events)  # the CCG's audit log must not show it


def test_a_stale_judgement_is_refused_and_nothing_changes(fresh, demo):
    domain = _domain(fresh, 1)
    services.judgement_save(
        assessment=fresh, domain=domain, assessor=demo.assessor, value="met", rationale="Good.", version=0
    )
    with pytest.raises(services.StaleEdit):
        services.judgement_save(
            assessment=fresh, domain=domain, assessor=demo.assessor, value="not_met", rationale="x", version=0
        )
    assert Judgement.objects.get(assessment=fresh, domain=domain).value == "met"


@pytest.mark.parametrize(
    ("value", "rationale", "field"),
    [("maybe", "Fine.", "value"), ("met", "  ", "rationale"), ("met", "x" * 5001, "rationale")],
)
def test_bad_judgements_name_the_field(fresh, demo, value, rationale, field):
    with pytest.raises(services.Invalid) as caught:
        services.judgement_save(
            assessment=fresh,
            domain=_domain(fresh, 2),
            assessor=demo.assessor,
            value=value,
            rationale=rationale,
            version=0,
        )
    assert field in caught.value.errors
    assert not Judgement.objects.filter(assessment=fresh).exists()


def test_an_assessor_rating_leaves_the_ccg_rating_alone(fresh, demo):
    item = fresh.cycle.framework.items.order_by("domain__number", "position").first()
    before = fresh.responses.get(item=item).rating
    row = services.assessor_rating_save(
        assessment=fresh, item=item, assessor=demo.assessor, rating=0, note="Not seen.", version=0
    )
    assert (row.rating, row.version) == (0, 1)
    assert fresh.responses.get(item=item).rating == before
    with pytest.raises(services.Invalid) as caught:
        services.assessor_rating_save(
            assessment=fresh, item=item, assessor=demo.assessor, rating=9, note="", version=1
        )
    assert "from 0 to 3" in caught.value.errors["rating"]
    assert AssessorRating.objects.get(pk=row.pk).rating == 0


def test_an_outcome_that_contradicts_the_judgements_needs_a_reason(fresh, demo):
    judge_all(fresh, demo.assessor, {3: "not_met"})
    with pytest.raises(services.Invalid) as caught:
        decide(fresh, demo.assessor, outcome="authorised")
    message = caught.value.errors["contradiction_reason"]
    assert "domain 3 is judged not met" in message
    assert not Decision.objects.filter(assessment=fresh).exists()

    decision = decide(
        fresh, demo.assessor, outcome="authorised", reason="The panel saw new evidence on domain 3."
    )
    assert decision.contradiction_reason == "The panel saw new evidence on domain 3."


def test_a_disagreement_between_assessors_can_make_an_outcome_contradict(fresh, demo):
    judge_all(fresh, demo.assessor)
    judge_all(fresh, demo.users["assessor2"], {4: "met_with_conditions"})
    with pytest.raises(services.Invalid) as caught:
        decide(fresh, demo.assessor, outcome="authorised")
    assert "domain 4 is judged met with conditions" in caught.value.errors["contradiction_reason"]


def test_a_consistent_outcome_keeps_no_contradiction_reason(fresh, demo):
    judge_all(fresh, demo.assessor)
    decision = decide(fresh, demo.assessor, outcome="authorised", reason="Not needed.")
    assert decision.contradiction_reason == ""
    assert decision.snapshot["outcome"] == "authorised"
    assert len(decision.snapshot["judgements"]) == fresh.cycle.framework.domains.count()


def test_authorised_with_conditions_needs_conditions_and_they_are_checked(fresh, demo):
    judge_all(fresh, demo.assessor, {2: "met_with_conditions"})
    with pytest.raises(services.Invalid) as caught:
        decide(fresh, demo.assessor, outcome="authorised_with_conditions")
    assert "at least one condition" in caught.value.errors["conditions"]
    with pytest.raises(services.Invalid) as caught:
        decide(
            fresh,
            demo.assessor,
            outcome="authorised_with_conditions",
            conditions=[("9", "", "magic", -10)],
        )
    errors = caught.value.errors
    assert set(errors) >= {
        "conditions.0.domain",
        "conditions.0.text",
        "conditions.0.support_level",
        "conditions.0.due",
    }
    assert not Condition.objects.exists() or not Condition.objects.filter(decision__assessment=fresh).exists()


def test_a_decision_with_conditions_is_snapshotted_and_scheduled_for_review(fresh, demo):
    judge_all(fresh, demo.assessor, {2: "met_with_conditions"})
    decision = decide(
        fresh,
        demo.assessor,
        outcome="authorised_with_conditions",
        conditions=[("2", "Publish a plan.", "toolkit", 60)],
        days_ago=3,
    )
    condition = decision.conditions.get()
    assert condition.status == "open"
    assert condition.raised_on == decision.decided_on
    assert (condition.next_review_on - decision.decided_on).days in range(89, 93)
    assert decision.snapshot["conditions"][0]["text"] == "Publish a plan."
    with pytest.raises(services.WrongState):
        decide(
            fresh, demo.assessor, outcome="authorised_with_conditions", conditions=[("2", "x", "toolkit", 5)]
        )


def test_a_decision_date_in_the_future_is_refused(fresh, demo):
    judge_all(fresh, demo.assessor)
    with pytest.raises(services.Invalid) as caught:
        decide(fresh, demo.assessor, days_ago=-2)
    assert "future" in caught.value.errors["decided_on"]


def test_publishing_twice_is_refused(fresh, demo):
    judge_all(fresh, demo.assessor)
    decision = decide(fresh, demo.assessor, publish_by=demo.region_lead)
    assert decision.is_published
    with pytest.raises(services.WrongState):
        services.decision_publish(decision=decision, user=demo.region_lead)


def _library(ccg, lead, n=1):
    evidence_type = ccg.cycles.first().framework.evidence_types.first()
    return [
        Evidence.objects.create(
            organisation=ccg,
            title=f"Plan {i}",
            evidence_type=evidence_type,
            document_date=timezone.localdate(),
            url=f"https://www.example.org/{i}",
            added_by=lead,
        )
        for i in range(n)
    ]


def test_a_condition_moves_open_to_evidence_submitted_to_discharged(with_conditions, demo):
    condition = with_conditions.conditions[0]
    evidence = _library(with_conditions.ccg, with_conditions.lead)
    condition = services.condition_respond(
        condition=condition, user=with_conditions.lead, text="Published.", evidence=evidence, version=0
    )
    assert condition.status == "evidence_submitted"
    event = ConditionEvent.objects.get(condition=condition, kind="response")
    assert list(event.evidence.all()) == evidence
    condition = services.condition_discharge(condition=condition, user=demo.assessor, note="Met.", version=1)
    assert condition.status == "discharged"
    assert condition.discharged_on == timezone.localdate()
    assert condition.next_review_on is None
    assert not Condition.objects.filter(pk=condition.pk).open().exists()
    actions = set(AuditEvent.objects.filter(object_id=str(condition.pk)).values_list("action", flat=True))
    assert {"decisions.condition_response", "decisions.condition_discharge"} <= actions


def test_a_condition_cannot_be_discharged_without_evidence(with_conditions, demo):
    condition = with_conditions.conditions[0]
    with pytest.raises(services.WrongState):
        services.condition_discharge(condition=condition, user=demo.assessor, note="", version=0)
    assert Condition.objects.get(pk=condition.pk).status == "open"


def test_a_response_needs_evidence_from_the_ccgs_own_library(with_conditions, demo):
    condition = with_conditions.conditions[0]
    with pytest.raises(services.Invalid) as caught:
        services.condition_respond(
            condition=condition, user=with_conditions.lead, text="x", evidence=[], version=0
        )
    assert "evidence" in caught.value.errors
    other = _library(demo.ccg, demo.ccg_lead)
    with pytest.raises(services.Invalid) as caught:
        services.condition_respond(
            condition=condition, user=with_conditions.lead, text="x", evidence=other, version=0
        )
    assert caught.value.errors["evidence"] == "Choose evidence from your own library"


def test_escalation_needs_a_note_and_a_stale_version_is_refused(with_conditions, demo):
    condition = with_conditions.conditions[1]
    with pytest.raises(services.Invalid):
        services.condition_escalate(condition=condition, user=demo.assessor, note=" ", version=0)
    condition = services.condition_escalate(
        condition=condition, user=demo.assessor, note="No progress.", version=0
    )
    assert condition.status == "escalated"
    assert Condition.objects.filter(pk=condition.pk).open().exists()
    with pytest.raises(services.StaleEdit):
        services.condition_escalate(condition=condition, user=demo.assessor, note="Again.", version=0)


def test_a_review_moves_the_next_review_on_by_a_quarter(with_conditions, demo):
    condition = with_conditions.conditions[0]
    day = datetime.date(2026, 11, 30)
    condition = services.condition_review(
        condition=condition, user=demo.assessor, note="On track.", version=0, today=day
    )
    assert condition.next_review_on == datetime.date(2027, 2, 28)
    assert condition.status == "open"


def test_a_condition_added_later_is_raised_on_that_day(with_conditions, demo):
    today = timezone.localdate()
    condition = services.condition_add(
        decision=with_conditions.decision,
        user=demo.assessor,
        data=services.ConditionInput(
            domain="3", text="More.", support_level="support", due=today + datetime.timedelta(days=30)
        ),
    )
    assert condition.raised_on == today
    with pytest.raises(services.Invalid) as caught:
        services.condition_add(
            decision=with_conditions.decision,
            user=demo.assessor,
            data=services.ConditionInput(domain="3", text="More.", support_level="support", due=today),
        )
    assert "due" in caught.value.errors
