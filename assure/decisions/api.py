"""Assessor review and decisions over the API: the queue, judgements, the decision, and conditions.

- `401` without a valid token; `404` when the caller may not see the assessment or condition (its existence is not
  revealed), or the domain is unknown;
- `403` when the caller may see it but may not do this (wrong role, or they belong to the CCG);
- `409` when the state forbids it: `code` says why (`stale`, `decided`, `state`);
- `422` when the input is invalid, with `errors` by field written for people.
"""

import datetime
from typing import Literal
from uuid import UUID

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from assure.assessments.models import Assessment
from assure.core import permissions
from assure.core.pagination import ApiPagination, Pages, Rows
from assure.evidence.models import Evidence
from assure.frameworks.models import Domain

from . import queries, services
from .models import Condition, Judgement

MAX_VERSION = 2**31 - 1
router = Router(tags=["decisions"])
queue_router = Router(tags=["decisions"])
conditions_router = Router(tags=["decisions"])

JudgementValue = Literal["met", "met_with_conditions", "not_met"]
Outcome = Literal["authorised", "authorised_with_conditions", "established_not_authorised"]
SupportLevel = Literal["toolkit", "sign_off", "support", "directions"]
ConditionStatus = Literal["open", "evidence_submitted", "discharged", "escalated"]


class Message(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class InvalidOut(Schema):
    detail: list[FieldError]
    errors: dict[str, str] = Field(default_factory=dict)


class DecisionConflictOut(Schema):
    detail: str
    code: Literal["stale", "decided", "state"]
    current_version: int | None = None


def _invalid(errors: dict[str, str]) -> dict:
    return {
        "detail": [
            {"loc": ["body", "payload", *name.split(".")], "msg": msg, "type": "value_error"}
            for name, msg in errors.items()
        ],
        "errors": errors,
    }


# The queue ---------------------------------------------------------------------------------------------------------


class QueueRowOut(Schema):
    cycle: str = Field(description="The cycle's public id.")
    cycle_name: str
    ccg_code: str
    ccg_name: str
    assessment: str | None = Field(description="The assessment's public id, once submitted.")
    self_assessment_submitted: bool
    partnership_reviews_agreed: int
    partnership_reviews: int
    survey: Literal["none", "scheduled", "open", "closed"]
    survey_responses: int
    domains_judged: int
    domains: int
    assessors: int
    reviewed: bool = Field(description="Every domain has at least one judgement.")
    decision: Outcome | None
    decision_published: bool
    may_review: bool = Field(description="False when the caller belongs to the CCG.")


def _queue_row(row: queries.QueueRow) -> dict:
    return {
        "cycle": str(row.cycle.public_id),
        "cycle_name": row.cycle.name,
        "ccg_code": row.ccg.code,
        "ccg_name": row.ccg.name,
        "assessment": row.assessment_id,
        "self_assessment_submitted": row.submitted,
        "partnership_reviews_agreed": row.reviews_agreed,
        "partnership_reviews": row.reviews_total,
        "survey": row.survey_status,
        "survey_responses": row.survey_responses,
        "domains_judged": row.domains_judged,
        "domains": row.domain_count,
        "assessors": row.assessors,
        "reviewed": row.reviewed,
        "decision": row.outcome,
        "decision_published": row.published,
        "may_review": not row.conflicted,
    }


@queue_router.get("", response={200: list[QueueRowOut], 403: Message}, summary="The assessor's queue")
@paginate(ApiPagination)
def queue(request, cycle: UUID | None = None):
    """Every CCG of the caller's cycles (assessors and regional leads: their region's CCGs; platform admins: all)
    with where it stands, the newest cycle first, then by CCG name. `?cycle=<public id>` for one cycle.
    Paginated: `limit` (default 100, at most 500) and `offset`; the answer is `{items, count}`."""
    user = request.auth
    scope = permissions.scope_for(user)
    if not (scope.is_admin or scope.region_ids):
        raise HttpError(403, "The queue is for assessors, regional leads and platform admins.")
    if cycle is not None:
        cycles = [get_object_or_404(queries.queue_cycles(user), public_id=cycle)]
    else:
        cycles = list(queries.queue_cycles(user))
    return Pages(
        lambda: queries.queue_length(user, cycles=cycles),
        lambda page: [_queue_row(row) for row in queries.queue(user, cycles=cycles, page=page)],
    )


# Judgements and the decision ---------------------------------------------------------------------------------------


def _assessment(request, public_id: UUID) -> Assessment | Status:
    assessment = get_object_or_404(
        Assessment.objects.visible_to(request.auth).select_related("organisation", "cycle__framework"),
        public_id=public_id,
    )
    if permissions.is_conflicted(request.auth, assessment):
        return Status(
            403,
            {
                "detail": f"You belong to {assessment.organisation.name}, so you cannot review or decide on it."
            },
        )
    if not permissions.can_review(request.auth, assessment):
        return Status(404, {"detail": "Not Found"})
    if not permissions.can_judge(request.auth, assessment):
        return Status(403, {"detail": "Only the assessors of the CCG's region can do this."})
    return assessment


class JudgementIn(Schema):
    value: str = Field(description="`met`, `met_with_conditions` or `not_met`.")
    rationale: str = ""
    version: int | None = Field(
        None,
        description="The `version` you read (0 for a new one); leave out to overwrite whatever is saved.",
    )


class JudgementOut(Schema):
    domain: int
    value: JudgementValue
    rationale: str
    assessor: str
    version: int
    updated_at: datetime.datetime


def _judgement(j: Judgement) -> dict:
    return {
        "domain": j.domain.number,
        "value": j.value,
        "rationale": j.rationale,
        "assessor": j.assessor.email,
        "version": j.version,
        "updated_at": j.updated_at,
    }


@router.put(
    "/{uuid:id}/judgements/{domain}",
    response={200: JudgementOut, 403: Message, 404: Message, 409: DecisionConflictOut, 422: InvalidOut},
    summary="Record your judgement of one domain",
)
def judgement_put(request, id: UUID, domain: str, payload: JudgementIn):
    """`{domain}` is the domain's number. Send the `version` you read to refuse a lost update (`409 stale`)."""
    assessment = _assessment(request, id)
    if isinstance(assessment, Status):
        return assessment
    domain_row = (
        Domain.objects.filter(framework=assessment.cycle.framework_id, number=int(domain)).first()
        if domain.isascii() and domain.isdigit() and len(domain) <= 4
        else None
    )
    if domain_row is None:
        return Status(404, {"detail": f"There is no domain {domain} in this framework."})
    version = payload.version
    if version is None:
        current = (
            Judgement.objects.visible_to(request.auth)
            .filter(assessment=assessment, domain=domain_row, assessor=request.auth)
            .first()
        )
        version = current.version if current else 0
    try:
        judgement = services.judgement_save(
            assessment=assessment,
            domain=domain_row,
            assessor=request.auth,
            value=payload.value,
            rationale=payload.rationale,
            version=version,
        )
    except services.Invalid as exc:
        return Status(422, _invalid(exc.errors))
    except services.StaleEdit as exc:
        return Status(
            409,
            {
                "detail": str(exc),
                "code": "stale",
                "current_version": exc.current.version if exc.current else None,
            },
        )
    judgement.domain = domain_row
    judgement.assessor = request.auth
    return Status(200, _judgement(judgement))


class ConditionIn(Schema):
    domain: str = Field(description="The domain's number.")
    text: str
    support_level: str = Field(description="`toolkit`, `sign_off`, `support` or `directions`.")
    due: datetime.date | None = None


class DecisionIn(Schema):
    outcome: str = Field(
        description="`authorised`, `authorised_with_conditions` or `established_not_authorised`."
    )
    rationale: str = ""
    decided_on: datetime.date | None = Field(None, description="Today when left out.")
    panel: str | list[str] = Field("", description="The panel members' names (a list, or one per line).")
    contradiction_reason: str = Field(
        "", description="Needed when the outcome contradicts the domain judgements; 422 names them otherwise."
    )
    conditions: list[ConditionIn] = Field(default_factory=list)


class ConditionOut(Schema):
    id: str
    ccg_code: str
    cycle: str
    domain: int
    text: str
    support_level: SupportLevel
    due: datetime.date
    status: ConditionStatus
    next_review_on: datetime.date | None
    version: int


class DecisionOut(Schema):
    id: str
    assessment: str
    outcome: Outcome
    decided_on: datetime.date
    panel: list[str]
    rationale: str
    contradiction_reason: str
    published_at: datetime.datetime | None
    conditions: list[ConditionOut]


def _condition(c: Condition, ccg_code: str, cycle: str) -> dict:
    return {
        "id": str(c.public_id),
        "ccg_code": ccg_code,
        "cycle": cycle,
        "domain": c.domain.number,
        "text": c.text,
        "support_level": c.support_level,
        "due": c.due,
        "status": c.status,
        "next_review_on": c.next_review_on,
        "version": c.version,
    }


@router.post(
    "/{uuid:id}/decision",
    response={201: DecisionOut, 403: Message, 404: Message, 409: DecisionConflictOut, 422: InvalidOut},
    summary="Record the panel's decision",
)
def decision_post(request, id: UUID, payload: DecisionIn):
    """For the assessors of the CCG's region. An outcome that contradicts the domain judgements needs a
    `contradiction_reason`; an authorisation with conditions needs at least one condition. `409 decided` when a
    decision is already recorded. The decision is unpublished until a regional lead publishes it."""
    assessment = _assessment(request, id)
    if isinstance(assessment, Status):
        return assessment
    panel = "\n".join(payload.panel) if isinstance(payload.panel, list) else payload.panel
    data = services.DecisionInput(
        outcome=payload.outcome,
        decided_on=payload.decided_on or timezone.localdate(),
        panel=panel,
        rationale=payload.rationale,
        contradiction_reason=payload.contradiction_reason,
        conditions=[
            services.ConditionInput(domain=c.domain, text=c.text, support_level=c.support_level, due=c.due)
            for c in payload.conditions
        ],
    )
    try:
        decision = services.decision_record(assessment=assessment, user=request.auth, data=data)
    except services.Invalid as exc:
        return Status(422, _invalid(exc.errors))
    except services.WrongState as exc:
        return Status(409, {"detail": str(exc), "code": "decided"})
    conditions = list(decision.conditions.select_related("domain"))
    return Status(
        201,
        {
            "id": str(decision.public_id),
            "assessment": str(assessment.public_id),
            "outcome": decision.outcome,
            "decided_on": decision.decided_on,
            "panel": decision.panel_members,
            "rationale": decision.rationale,
            "contradiction_reason": decision.contradiction_reason,
            "published_at": decision.published_at,
            "conditions": [
                _condition(c, assessment.organisation.code, str(assessment.cycle.public_id))
                for c in conditions
            ],
        },
    )


# Conditions ---------------------------------------------------------------------------------------------------------


@conditions_router.get("", response=list[ConditionOut], summary="The conditions you may see")
@paginate(ApiPagination)
def condition_list(request, status: ConditionStatus | None = None, ccg: str | None = None):
    """Assessors and regional leads see their region's conditions; a CCG's people and its partner HWBs see its
    conditions once the decision is published; platform admins see all. By due date. Paginated: `limit` (default
    100, at most 500) and `offset`; the answer is `{items, count}`."""
    rows = Condition.objects.visible_to(request.auth).select_related(
        "domain", "decision__assessment__organisation", "decision__assessment__cycle"
    )
    if status:
        rows = rows.filter(status=status)
    if ccg:
        rows = rows.filter(decision__assessment__organisation__code=ccg.replace("\x00", ""))
    return Rows(
        rows.order_by("due", "pk"),
        lambda c: _condition(
            c, c.decision.assessment.organisation.code, str(c.decision.assessment.cycle.public_id)
        ),
    )


class ResponseIn(Schema):
    text: str = ""
    evidence: list[UUID] = Field(
        default_factory=list, description="Public ids of evidence in the CCG's library."
    )
    version: int


class NoteIn(Schema):
    note: str = ""
    version: int = Field(ge=0, le=MAX_VERSION)


def _visible_condition(request, id: UUID) -> Condition:
    return get_object_or_404(
        Condition.objects.visible_to(request.auth).select_related(
            "domain", "decision__assessment__organisation", "decision__assessment__cycle"
        ),
        public_id=id,
    )


def _moved(condition: Condition) -> dict:
    assessment = condition.decision.assessment
    return _condition(condition, assessment.organisation.code, str(assessment.cycle.public_id))


def _run(action, condition: Condition, **kwargs):
    try:
        updated = action(condition=condition, **kwargs)
    except services.Invalid as exc:
        return Status(422, _invalid(exc.errors))
    except services.StaleEdit as exc:
        return Status(409, {"detail": str(exc), "code": "stale", "current_version": exc.current.version})
    except services.WrongState as exc:
        return Status(409, {"detail": str(exc), "code": "state"})
    updated.decision = condition.decision
    return Status(200, _moved(updated))


CONDITION_RESPONSES = {
    200: ConditionOut,
    403: Message,
    404: Message,
    409: DecisionConflictOut,
    422: InvalidOut,
}


@conditions_router.post("/{uuid:id}/response", response=CONDITION_RESPONSES, summary="Respond with evidence")
def condition_response(request, id: UUID, payload: ResponseIn):
    """For the CCG lead: text and evidence from the CCG's library; the condition moves to evidence submitted."""
    condition = _visible_condition(request, id)
    if not permissions.can_respond_to_condition(request.auth, condition):
        return Status(403, {"detail": "Only the CCG lead can respond to a condition while it is open."})
    organisation = condition.decision.assessment.organisation
    wanted = set(payload.evidence)
    evidence = list(
        Evidence.objects.visible_to(request.auth).filter(organisation=organisation, public_id__in=wanted)
    )
    if len(evidence) != len(wanted):
        return Status(422, _invalid({"evidence": "Choose evidence from your own library"}))
    return _run(
        services.condition_respond,
        condition,
        user=request.auth,
        text=payload.text,
        evidence=evidence,
        version=payload.version,
    )


def _manage(request, id: UUID, action, payload: NoteIn):
    condition = _visible_condition(request, id)
    if not permissions.can_manage_condition(request.auth, condition):
        return Status(403, {"detail": "Only the assessors of the CCG's region can do this."})
    return _run(action, condition, user=request.auth, note=payload.note, version=payload.version)


@conditions_router.post("/{uuid:id}/discharge", response=CONDITION_RESPONSES, summary="Discharge a condition")
def condition_discharge(request, id: UUID, payload: NoteIn):
    """For the assessors of the CCG's region, once evidence has been submitted (`409 state` otherwise)."""
    return _manage(request, id, services.condition_discharge, payload)


@conditions_router.post("/{uuid:id}/escalate", response=CONDITION_RESPONSES, summary="Escalate a condition")
def condition_escalate(request, id: UUID, payload: NoteIn):
    """For the assessors of the CCG's region; `note` says why."""
    return _manage(request, id, services.condition_escalate, payload)


@conditions_router.post(
    "/{uuid:id}/review", response=CONDITION_RESPONSES, summary="Record a scheduled review"
)
def condition_review(request, id: UUID, payload: NoteIn):
    """For the assessors of the CCG's region; the next review moves on by a quarter."""
    return _manage(request, id, services.condition_review, payload)
