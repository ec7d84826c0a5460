"""Assessor review and decision workflows: judgements and assessors' item ratings without lost updates, the
panel's decision with its conditions and snapshot, publication, and a condition's life (the CCG's response with
evidence, discharge, escalation, scheduled reviews).

Who may do each is decided by `assure/core/permissions.py` and checked by the views and the API before calling
here. Audit events carry no organisation on purpose: the organisation-wide audit log of a self-assessment is
read by the CCG lead, who must not see assessors' working notes before the decision is published.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from assure.assessments.models import Assessment
from assure.audit.services import audit_record
from assure.evidence.models import Evidence
from assure.frameworks.models import Domain, Item

from . import rules
from .models import (
    CONDITION_TEXT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    RATIONALE_MAX_LENGTH,
    RESPONSE_MAX_LENGTH,
    REVIEW_INTERVAL_MONTHS,
    AssessorRating,
    Condition,
    ConditionEvent,
    Decision,
    Judgement,
    add_months,
)


class Invalid(Exception):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


class StaleEdit(Exception):
    """Someone saved the same thing after this edit began. Carries the row as it now stands."""

    def __init__(self, current, what: str):
        self.current = current
        super().__init__(
            f"{what} was saved by someone else while you were editing it, so your change was not saved. "
            "The saved version is shown; make your change again if it is still needed."
        )


class WrongState(Exception):
    """The state forbids the change (a decision already recorded or published, a condition discharged…)."""


def _length_error(value: str, limit: int, what: str) -> str | None:
    if "\x00" in value:
        return f"{what} contains a character that cannot be stored (a null character)"
    if len(value) > limit:
        return f"{what} must be {limit:,} characters or fewer (it has {len(value):,})"
    return None


# Judgements and assessors' ratings ----------------------------------------------------------------------------


def _save_versioned(model, *, keys: dict, values: dict, version: int, what: str):
    """Create the row for `keys` (when `version` is 0) or change it if nobody saved it since `version`. Gives the
    row and its audit form before the change (None for a new row). Raises StaleEdit."""
    existing = model.objects.filter(**keys).first()
    if existing is None:
        if version != 0:
            raise StaleEdit(None, what)
        try:
            with transaction.atomic():
                row = model.objects.create(**keys, **values, version=1)
        except IntegrityError:  # saved at the same moment from another tab
            raise StaleEdit(model.objects.get(**keys), what) from None
        return row, None
    updated = model.objects.filter(pk=existing.pk, version=version).update(
        **values, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise StaleEdit(existing, what)
    return model.objects.get(pk=existing.pk), existing.as_audit()


def _audit_change(row, before: dict | None, *, actor, action: str, context: str) -> None:
    """Audit a row saved by _save_versioned, unless the save changed nothing."""
    after = row.as_audit()
    if before != after:
        audit_record(actor=actor, action=action, obj=row, context=context, before=before, after=after)


@transaction.atomic
def judgement_save(
    *, assessment: Assessment, domain: Domain, assessor, value: str, rationale: str, version: int
) -> Judgement:
    """Record or change the assessor's judgement of one domain, if nobody saved it since `version` (0 for new).

    Raises Invalid or StaleEdit."""
    rationale = rationale.strip()
    errors = {}
    if value not in Judgement.Value.values:
        errors["value"] = (
            f"Choose a judgement for domain {domain.number}: met, met with conditions or not met"
        )
    if not rationale:
        errors["rationale"] = f"Give a rationale for your judgement of domain {domain.number}"
    elif problem := _length_error(rationale, RATIONALE_MAX_LENGTH, "The rationale"):
        errors["rationale"] = problem
    if errors:
        raise Invalid(errors)
    judgement, before = _save_versioned(
        Judgement,
        keys={"assessment": assessment, "domain": domain, "assessor": assessor},
        values={"value": value, "rationale": rationale},
        version=version,
        what=f"Your judgement of domain {domain.number}",
    )
    _audit_change(
        judgement,
        before,
        actor=assessor,
        action="decisions.judged",
        context=f"Judgement of domain {domain.number} for {assessment.organisation.name}",
    )
    return judgement


@transaction.atomic
def assessor_rating_save(
    *, assessment: Assessment, item: Item, assessor, rating: int | None, note: str, version: int
) -> AssessorRating:
    """Record the assessor's own rating of an item (the CCG's rating is untouched). Raises Invalid or StaleEdit."""
    note = note.strip()
    scale = [p.value for p in assessment.framework.spec.scale]
    errors = {}
    if rating is not None and rating not in scale:
        errors["rating"] = f"Choose a rating for {item.code} from {min(scale)} to {max(scale)}"
    if rating is None and not note:
        errors["rating"] = f"Give a rating or a note for {item.code}"
    if problem := _length_error(note, NOTE_MAX_LENGTH, f"The note on {item.code}"):
        errors["note"] = problem
    if errors:
        raise Invalid(errors)
    row, before = _save_versioned(
        AssessorRating,
        keys={"assessment": assessment, "item": item, "assessor": assessor},
        values={"rating": rating, "note": note},
        version=version,
        what=f"Your rating of {item.code}",
    )
    _audit_change(
        row,
        before,
        actor=assessor,
        action="decisions.item_rated",
        context=f"Assessor's rating of {item.code} for {assessment.organisation.name}",
    )
    return row


# The decision ---------------------------------------------------------------------------------------------------


@dataclass
class ConditionInput:
    domain: str  # the domain's number, as text (forms and the API send it so)
    text: str
    support_level: str
    due: datetime.date | None


@dataclass
class DecisionInput:
    outcome: str
    decided_on: datetime.date | None
    panel: str
    rationale: str
    contradiction_reason: str = ""
    conditions: Sequence[ConditionInput] = field(default_factory=list)


def _domains(assessment: Assessment) -> dict[str, Domain]:
    return {str(d.number): d for d in Domain.objects.filter(framework=assessment.cycle.framework_id)}


def judgement_pairs(assessment: Assessment) -> list[tuple[str, str]]:
    return [
        (str(number), value)
        for number, value in Judgement.objects.filter(assessment=assessment).values_list(
            "domain__number", "value"
        )
    ]


def _condition_errors(
    conditions: Sequence[ConditionInput], domains: dict[str, Domain], decided_on, prefix: str
) -> dict[str, str]:
    errors: dict[str, str] = {}
    for index, condition in enumerate(conditions):
        label = f"Condition {index + 1}"
        key = f"{prefix}{index}."
        if str(condition.domain) not in domains:
            numbers = ", ".join(sorted(domains, key=int))
            errors[f"{key}domain"] = f"{label}: choose the domain it concerns ({numbers})"
        text = (condition.text or "").strip()
        if not text:
            errors[f"{key}text"] = f"{label}: say what must change"
        elif problem := _length_error(text, CONDITION_TEXT_MAX_LENGTH, f"{label}: what must change"):
            errors[f"{key}text"] = problem
        if condition.support_level not in Condition.SupportLevel.values:
            codes = ", ".join(Condition.SupportLevel.values)
            errors[f"{key}support_level"] = f"{label}: choose the level of support ({codes})"
        if condition.due is None:
            errors[f"{key}due"] = f"{label}: enter the date it is due"
        elif decided_on is not None and condition.due <= decided_on:
            errors[f"{key}due"] = f"{label}: the due date must be after the decision date"
    return errors


def decision_validate(*, assessment: Assessment, data: DecisionInput) -> dict[str, str]:
    """Every problem with a decision, by field, in words. Empty when it may be recorded."""
    errors: dict[str, str] = {}
    if data.outcome not in Decision.Outcome.values:
        errors["outcome"] = (
            "Choose the outcome: authorised, authorised with conditions, or established but not authorised"
        )
    if data.decided_on is None:
        errors["decided_on"] = "Enter the date of the decision"
    elif data.decided_on > timezone.localdate():
        errors["decided_on"] = "The date of the decision cannot be in the future"
    if not data.panel.strip():
        errors["panel"] = "Name the panel members, one per line"
    elif problem := _length_error(data.panel, RATIONALE_MAX_LENGTH, "The list of panel members"):
        errors["panel"] = problem
    rationale = data.rationale.strip()
    if not rationale:
        errors["rationale"] = "Give the rationale for the decision"
    elif problem := _length_error(rationale, RATIONALE_MAX_LENGTH, "The rationale"):
        errors["rationale"] = problem
    domains = _domains(assessment)
    errors.update(_condition_errors(data.conditions, domains, data.decided_on, "conditions."))
    if data.outcome == Decision.Outcome.AUTHORISED_WITH_CONDITIONS and not data.conditions:
        errors["conditions"] = "Add at least one condition to authorise with conditions"
    if data.outcome == Decision.Outcome.AUTHORISED and data.conditions:
        errors["conditions"] = (
            "An authorisation without conditions cannot have conditions: choose authorised with conditions"
        )
    if data.outcome in Decision.Outcome.values:
        reasons = rules.contradictions(data.outcome, judgement_pairs(assessment), sorted(domains, key=int))
        if reasons and not data.contradiction_reason.strip():
            outcome = Decision.Outcome(data.outcome).label.lower()
            errors["contradiction_reason"] = (
                f"The outcome ({outcome}) contradicts the judgements: {'; '.join(reasons)}. "
                "Give the reason for the panel's decision"
            )
        elif problem := _length_error(data.contradiction_reason.strip(), RATIONALE_MAX_LENGTH, "The reason"):
            errors["contradiction_reason"] = problem
    return errors


def _snapshot(decision: Decision) -> dict:
    assessment = decision.assessment
    judgements = Judgement.objects.filter(assessment=assessment).select_related("domain", "assessor")
    ratings = AssessorRating.objects.filter(assessment=assessment).select_related("item", "assessor")
    conditions = decision.conditions.select_related("domain")
    submission = assessment.submissions.order_by("-number").values_list("number", flat=True).first()
    return {
        "outcome": decision.outcome,
        "decided_on": decision.decided_on.isoformat(),
        "panel": decision.panel_members,
        "rationale": decision.rationale,
        "contradiction_reason": decision.contradiction_reason,
        "submission": submission,
        "judgements": [
            {
                "domain": j.domain.number,
                "assessor": j.assessor.get_full_name(),
                "value": j.value,
                "rationale": j.rationale,
            }
            for j in judgements
        ],
        "assessor_ratings": [
            {"item": r.item.code, "assessor": r.assessor.get_full_name(), "rating": r.rating, "note": r.note}
            for r in ratings
        ],
        "conditions": [
            {
                "id": str(c.public_id),
                "domain": c.domain.number,
                "text": c.text,
                "support_level": c.support_level,
                "due": c.due.isoformat(),
            }
            for c in conditions
        ],
    }


@transaction.atomic
def decision_record(*, assessment: Assessment, user, data: DecisionInput) -> Decision:
    """Record the panel's decision with its conditions, and snapshot it. Raises Invalid or WrongState."""
    assessment = (
        Assessment.objects.select_for_update().select_related("organisation", "cycle").get(pk=assessment.pk)
    )
    if Decision.objects.filter(assessment=assessment).exists():
        raise WrongState(f"A decision on {assessment.organisation.name} has already been recorded.")
    errors = decision_validate(assessment=assessment, data=data)
    if errors:
        raise Invalid(errors)
    reasons = rules.contradictions(
        data.outcome, judgement_pairs(assessment), sorted(_domains(assessment), key=int)
    )
    decision = Decision.objects.create(
        assessment=assessment,
        outcome=data.outcome,
        decided_on=data.decided_on,
        panel="\n".join(line.strip() for line in data.panel.splitlines() if line.strip()),
        rationale=data.rationale.strip(),
        contradiction_reason=data.contradiction_reason.strip() if reasons else "",
        recorded_by=user,
    )
    domains = _domains(assessment)
    for item in data.conditions:
        Condition.objects.create(
            decision=decision,
            domain=domains[str(item.domain)],
            text=item.text.strip(),
            support_level=item.support_level,
            due=item.due,
            raised_on=decision.decided_on,
            next_review_on=add_months(decision.decided_on, REVIEW_INTERVAL_MONTHS),
        )
    decision.snapshot = _snapshot(decision)
    decision.save(update_fields=["snapshot"])
    audit_record(
        actor=user,
        action="decisions.decided",
        obj=decision,
        context=f"Decision on {assessment.organisation.name}: {decision.get_outcome_display()}",
        after={**decision.as_audit(), "conditions": decision.snapshot["conditions"]},
    )
    return decision


@transaction.atomic
def condition_add(
    *, decision: Decision, user, data: ConditionInput, today: datetime.date | None = None
) -> Condition:
    """Add a condition to a decision already recorded (published or not). Raises Invalid."""
    today = today or timezone.localdate()
    assessment = decision.assessment
    domains = _domains(assessment)
    errors = _condition_errors([data], domains, max(today, decision.decided_on), "")
    if errors:
        raise Invalid(
            {key.removeprefix("0."): msg.removeprefix("Condition 1: ") for key, msg in errors.items()}
        )
    condition = Condition.objects.create(
        decision=decision,
        domain=domains[str(data.domain)],
        text=data.text.strip(),
        support_level=data.support_level,
        due=data.due,
        raised_on=today,
        next_review_on=add_months(today, REVIEW_INTERVAL_MONTHS),
    )
    audit_record(
        actor=user,
        action="decisions.condition_added",
        obj=condition,
        context=f"Condition on domain {condition.domain.number} for {assessment.organisation.name}",
        after=condition.as_audit(),
    )
    return condition


@transaction.atomic
def decision_publish(*, decision: Decision, user) -> Decision:
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.is_published:
        raise WrongState("This decision has already been published.")
    before = decision.as_audit()
    decision.published_at = timezone.now()
    decision.published_by = user
    decision.version += 1
    decision.save(update_fields=["published_at", "published_by", "version", "updated_at"])
    audit_record(
        actor=user,
        action="decisions.published",
        obj=decision,
        context=f"Decision on {decision.assessment.organisation.name} published",
        before=before,
        after=decision.as_audit(),
    )
    return decision


# Conditions ----------------------------------------------------------------------------------------------------


def _move(
    condition: Condition,
    *,
    user,
    version: int,
    kind: str,
    allowed_from: set[str],
    to: str | None,
    text: str,
    today: datetime.date,
    extra: dict | None = None,
    wrong_state: str,
) -> Condition:
    current = Condition.objects.select_for_update().select_related("domain").get(pk=condition.pk)
    if current.version != version:
        raise StaleEdit(current, "This condition")
    if current.status not in allowed_from:
        raise WrongState(wrong_state.format(status=current.get_status_display().lower()))
    before = current.as_audit()
    status_before = current.status
    if to is not None:
        current.status = to
        current.discharged_on = today if to == Condition.Status.DISCHARGED else None
    for name, value in (extra or {}).items():
        setattr(current, name, value)
    current.version += 1
    current.save()
    event = ConditionEvent.objects.create(
        condition=current,
        kind=kind,
        text=text,
        status_before=status_before,
        status_after=current.status,
        actor=user,
        happened_on=today,
    )
    audit_record(
        actor=user,
        action=f"decisions.condition_{kind}",
        obj=current,
        context=f"Condition on domain {current.domain.number}: {ConditionEvent.Kind(kind).label.lower()}",
        before=before,
        after={**current.as_audit(), "note": text},
    )
    current._event = event
    return current


@transaction.atomic
def condition_respond(
    *,
    condition: Condition,
    user,
    text: str,
    evidence: Sequence[Evidence] = (),
    version: int,
    today: datetime.date | None = None,
) -> Condition:
    """The CCG's response with evidence from its library: the condition moves to evidence submitted."""
    text = text.strip()
    organisation_id = condition.decision.assessment.organisation_id
    errors = {}
    if not text:
        errors["text"] = "Say how the condition has been met"
    elif problem := _length_error(text, RESPONSE_MAX_LENGTH, "The response"):
        errors["text"] = problem
    if not evidence:
        errors["evidence"] = "Choose at least one piece of evidence from your library"
    elif any(e.organisation_id != organisation_id for e in evidence):
        errors["evidence"] = "Choose evidence from your own library"
    if errors:
        raise Invalid(errors)
    updated = _move(
        condition,
        user=user,
        version=version,
        kind=ConditionEvent.Kind.RESPONSE,
        allowed_from={Condition.Status.OPEN, Condition.Status.ESCALATED, Condition.Status.EVIDENCE_SUBMITTED},
        to=Condition.Status.EVIDENCE_SUBMITTED,
        text=text,
        today=today or timezone.localdate(),
        wrong_state="This condition is {status}: it needs no more evidence.",
    )
    updated._event.evidence.set(evidence)
    return updated


@transaction.atomic
def condition_discharge(
    *, condition: Condition, user, note: str, version: int, today: datetime.date | None = None
) -> Condition:
    """An assessor discharges a condition once the CCG has submitted evidence."""
    return _move(
        condition,
        user=user,
        version=version,
        kind=ConditionEvent.Kind.DISCHARGE,
        allowed_from={Condition.Status.EVIDENCE_SUBMITTED},
        to=Condition.Status.DISCHARGED,
        text=_note(note),
        today=today or timezone.localdate(),
        extra={"next_review_on": None},
        wrong_state="This condition is {status}: it can be discharged only once the CCG has submitted evidence.",
    )


@transaction.atomic
def condition_escalate(
    *, condition: Condition, user, note: str, version: int, today: datetime.date | None = None
) -> Condition:
    """An assessor escalates a condition that is not being met. Needs a note saying why."""
    if not note.strip():
        raise Invalid({"note": "Say why the condition is escalated"})
    return _move(
        condition,
        user=user,
        version=version,
        kind=ConditionEvent.Kind.ESCALATION,
        allowed_from={Condition.Status.OPEN, Condition.Status.EVIDENCE_SUBMITTED},
        to=Condition.Status.ESCALATED,
        text=_note(note),
        today=today or timezone.localdate(),
        wrong_state="This condition is {status}, so it cannot be escalated.",
    )


@transaction.atomic
def condition_review(
    *, condition: Condition, user, note: str, version: int, today: datetime.date | None = None
) -> Condition:
    """Record the scheduled review: the status stays, the next review moves on by a quarter."""
    today = today or timezone.localdate()
    if not note.strip():
        raise Invalid({"note": "Record what the review found"})
    return _move(
        condition,
        user=user,
        version=version,
        kind=ConditionEvent.Kind.REVIEW,
        allowed_from={Condition.Status.OPEN, Condition.Status.EVIDENCE_SUBMITTED, Condition.Status.ESCALATED},
        to=None,
        text=_note(note),
        today=today,
        extra={"next_review_on": add_months(today, REVIEW_INTERVAL_MONTHS)},
        wrong_state="This condition is {status}: it is no longer reviewed.",
    )


def _note(note: str) -> str:
    note = note.strip()
    if problem := _length_error(note, RESPONSE_MAX_LENGTH, "The note"):
        raise Invalid({"note": problem})
    return note
