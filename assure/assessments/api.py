"""Self-assessments over the API: the same scoping, rules and services as the pages.

Status codes used by every endpoint here:

- `401` without a valid token; `404` when the caller may not see the self-assessment (its existence is not
  revealed), or the item code is unknown;
- `403` when the caller may see the self-assessment but may not do this (an assessor editing, a contributor
  submitting);
- `409` when the self-assessment's state forbids it: `code` says why (`stale`, `locked`, `incomplete`);
- `422` when the input is invalid: `detail` is always a list of `{loc, msg, type}` (django-ninja's shape, also
  used when the body does not match the schema); rule errors add `errors`, a map of field to a message written
  for the person rating.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Literal
from uuid import UUID

from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from assure.core import permissions
from assure.core.pagination import ApiPagination, Rows
from assure.evidence.models import Evidence

from . import services
from .models import Assessment, ItemResponse, Submission

router = Router(tags=["assessments"])


# Schemas ----------------------------------------------------------------------------------------------------


class OrganisationRef(Schema):
    code: str
    name: str


class CycleRef(Schema):
    id: str = Field(description="The cycle's public id.")
    name: str


class AssessmentOut(Schema):
    id: str = Field(description="The self-assessment's public id.")
    organisation: OrganisationRef
    cycle: CycleRef
    status: Literal["draft", "submitted"] = Field(
        description="`draft` while the CCG works on it (also after a reopening), `submitted` when locked."
    )
    submitted_at: datetime.datetime | None = Field(description="When it was last submitted, if ever.")
    updated_at: datetime.datetime


class ItemOut(Schema):
    code: str
    domain: int = Field(description="The number of the item's domain.")
    tier: Literal["basics", "future"]
    rating: int | None = Field(description="A value of the framework's scale, or null when not rated or N/A.")
    not_applicable: bool
    reason: str = Field(description="Why the item does not apply (only when `not_applicable`).")
    narrative: str
    evidence: list[str] = Field(description="Public ids of the CCG's evidence linked to the item.")
    version: int | None = Field(
        description="Send it back with a change. Null in a submitted snapshot, which cannot be changed."
    )
    updated_at: datetime.datetime | None = None
    updated_by: str | None = Field(None, description="Who saved it last (not given in a submitted snapshot).")
    carried_over: bool = Field(
        False,
        description="Copied from the CCG's previous cycle and still to be confirmed: saving the item (changed or "
        "not) confirms it. Always false in a submitted snapshot.",
    )


class DomainOut(Schema):
    number: int
    level: str = Field(description="The code of the maturity level reached, from the framework's rules.")
    level_label: str
    meets_threshold: bool
    rated: int = Field(description="Items rated on the scale.")
    not_applicable: int = Field(description="Items marked not applicable.")
    total: int


class SubmissionRef(Schema):
    number: int
    submitted_at: datetime.datetime
    reopened_at: datetime.datetime | None


class AssessmentDetailOut(AssessmentOut):
    submission: SubmissionRef | None = Field(
        description=(
            "Null when `items` and `domains` are the CCG's live working copy (for the CCG's own people). For "
            "everyone else they come from this submission, the latest, as it stood when submitted."
        )
    )
    items: list[ItemOut]
    domains: list[DomainOut]


class ItemIn(Schema):
    rating: int | None = Field(
        None, description="A value of the framework's scale; null to clear or with N/A."
    )
    not_applicable: bool = False
    reason: str = Field("", description="Required when `not_applicable`.")
    narrative: str = ""
    version: int = Field(description="The `version` of the item this change was made from.")
    evidence: list[UUID] | None = Field(
        None, description="Public ids of the CCG's evidence to link to the item; leave out to keep the links."
    )


class Message(Schema):
    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class InvalidOut(Schema):
    detail: list[FieldError]
    errors: dict[str, str] = Field(
        default_factory=dict, description="Field name to a message written for people (rule errors only)."
    )


class ItemConflictOut(Schema):
    detail: str
    code: Literal["stale", "locked"] = Field(
        description="`stale`: someone saved the item since `version`; `current` is the item as it now "
        "stands and nothing was changed. `locked`: the self-assessment is submitted."
    )
    current: ItemOut | None = None


class SubmitConflictOut(Schema):
    detail: str
    code: Literal["incomplete", "locked"] = Field(
        description="`incomplete`: `missing` lists the items still to rate or mark N/A. "
        "`locked`: already submitted."
    )
    missing: list[str] = Field(default_factory=list, description="Item codes, in framework order.")
    unconfirmed: list[str] = Field(
        default_factory=list,
        description="Codes of items carried over from the previous cycle and not yet confirmed or changed.",
    )


# Helpers ----------------------------------------------------------------------------------------------------


def _assessment(request, public_id: UUID) -> Assessment:
    return get_object_or_404(
        Assessment.objects.visible_to(request.auth).select_related("cycle__framework", "organisation"),
        public_id=public_id,
    )


def _summary(assessment: Assessment) -> dict:
    return {
        "id": str(assessment.public_id),
        "organisation": {"code": assessment.organisation.code, "name": assessment.organisation.name},
        "cycle": {"id": str(assessment.cycle.public_id), "name": assessment.cycle.name},
        "status": assessment.status,
        "submitted_at": assessment.submitted_at,
        "updated_at": assessment.updated_at,
    }


def _item(response: ItemResponse, evidence: list[str]) -> dict:
    return {
        "code": response.item.code,
        "domain": response.item.domain.number,
        "tier": response.item.tier,
        "rating": response.rating,
        "not_applicable": response.not_applicable,
        "reason": response.reason,
        "narrative": response.narrative,
        "evidence": evidence,
        "version": response.version,
        "carried_over": response.carried_over,
        "updated_at": response.updated_at,
        "updated_by": response.updated_by.get_full_name() if response.updated_by else None,
    }


def _item_evidence(assessment: Assessment, response: ItemResponse) -> list[str]:
    return [
        str(pk)
        for pk in Evidence.objects.filter(organisation=assessment.organisation_id, items=response.item_id)
        .order_by("title")
        .values_list("public_id", flat=True)
    ]


def _item_with_evidence(assessment: Assessment, response: ItemResponse) -> dict:
    return _item(response, _item_evidence(assessment, response))


def _invalid(errors: dict[str, str]) -> dict:
    return {
        "detail": [
            {"loc": ["body", "payload", name], "msg": msg, "type": "value_error"}
            for name, msg in errors.items()
        ],
        "errors": errors,
    }


def _readable(user, assessment: Assessment) -> bool:
    """The CCG's own people read the working copy; everyone else only what has been submitted (as pages)."""
    return (
        permissions.is_ccg_member(user, assessment.organisation_id)
        or assessment.first_submitted_at is not None
    )


# Endpoints --------------------------------------------------------------------------------------------------


@router.get("", response=list[AssessmentOut], summary="The self-assessments you may see")
@paginate(ApiPagination)
def assessment_list(request):
    """A CCG's people see their CCG's self-assessments, drafts included. Assessors and regional leads see
    those of their region once submitted; a partner HWB sees one while it is submitted and shared with it.
    Paginated: `limit` (default 100, at most 500) and `offset`; the answer is `{items, count}`."""
    scope = permissions.scope_for(request.auth)
    assessments = (
        Assessment.objects.visible_to(request.auth)
        # What `_readable` says, in SQL: the CCG's own people, or anything submitted at least once.
        .filter(Q(organisation__in=scope.ccg_ids) | Q(first_submitted_at__isnull=False))
        .select_related("cycle", "organisation")
        .only(
            "public_id",
            "status",
            "cycle",
            "organisation",
            "submitted_at",
            "updated_at",
            "cycle__public_id",
            "cycle__name",
            "organisation__code",
            "organisation__name",
        )
        .order_by("-cycle__starts_on", "organisation__name", "pk")
    )
    return Rows(assessments, _summary)


@router.get(
    "/{uuid:id}",
    response={200: AssessmentDetailOut, 404: Message},
    summary="A self-assessment with its items and domain results",
)
def assessment_detail(request, id: UUID):
    """The CCG's own people get the live working copy, with each item's `version` to send back with a
    change. Everyone else (assessors, regional leads, a partner HWB it is shared with) gets the latest
    submission as it stood, never a draft in progress after a reopening; `submission` says which."""
    assessment = _assessment(request, id)
    if not permissions.is_ccg_member(request.auth, assessment.organisation_id):
        latest = assessment.submissions.order_by("-number").first()
        if latest is None:
            return Status(404, {"detail": "Not Found"})
        return {**_summary(assessment), **_from_snapshot(latest)}
    responses = list(assessment.responses.select_related("item__domain", "updated_by"))
    links: dict[int, list[str]] = defaultdict(list)
    for item_id, public_id in (
        Evidence.items.through.objects.filter(
            evidence__organisation=assessment.organisation_id, item__framework=assessment.cycle.framework_id
        )
        .order_by("evidence__title")
        .values_list("item_id", "evidence__public_id")
    ):
        links[item_id].append(str(public_id))
    results = services.assessment_results(assessment, responses)
    return {
        **_summary(assessment),
        "submission": None,
        "items": [_item(r, links.get(r.item_id, [])) for r in responses],
        "domains": [services.domain_summary(number, result) for number, result in results.items()],
    }


def _from_snapshot(submission: Submission) -> dict:
    snapshot = submission.snapshot
    return {
        "submission": {
            "number": submission.number,
            "submitted_at": submission.submitted_at,
            "reopened_at": submission.reopened_at,
        },
        "items": [
            {
                "code": item["code"],
                "domain": item["domain"],
                "tier": item["tier"],
                "rating": item["rating"],
                "not_applicable": item["not_applicable"],
                "reason": item["reason"],
                "narrative": item["narrative"],
                "evidence": [e["id"] for e in item["evidence"]],
                "version": None,
            }
            for item in snapshot["items"]
        ],
        "domains": [{key: domain[key] for key in DomainOut.model_fields} for domain in snapshot["domains"]],
    }


@router.put(
    "/{uuid:id}/items/{code}",
    response={200: ItemOut, 403: Message, 404: Message, 409: ItemConflictOut, 422: InvalidOut},
    summary="Rate one item",
)
def item_update(request, id: UUID, code: str, payload: ItemIn):
    """Send the item's `version` as you read it. If someone else saved the item since, nothing is changed
    and the answer is `409` with `code: stale` and their version in `current`. A rating and N/A together, a
    rating off the scale, N/A without a reason, text too long or evidence not in the CCG's library give `422`
    with `errors`. Only the CCG's own people may rate (`403` for others who can see it); a submitted
    self-assessment is `409` with `code: locked` until an assessor reopens it. Every change is recorded in
    the audit trail."""
    assessment = _assessment(request, id)
    if not permissions.is_ccg_member(request.auth, assessment.organisation_id):
        return Status(403, {"detail": "Only the CCG's own people can change its self-assessment."})
    response = get_object_or_404(
        ItemResponse.objects.select_related("item__domain"), assessment=assessment, item__code=code
    )
    response.assessment = assessment
    if not permissions.can_edit_assessment(request.auth, assessment):
        return Status(
            409,
            {
                "detail": "This self-assessment has been submitted and can no longer be changed.",
                "code": "locked",
            },
        )
    data = services.ItemInput(
        rating=payload.rating,
        not_applicable=payload.not_applicable,
        reason=payload.reason,
        narrative=payload.narrative,
        evidence=None if payload.evidence is None else [str(e) for e in payload.evidence],
    )
    try:
        saved = services.item_save(response=response, user=request.auth, data=data, version=payload.version)
    except services.ItemInvalid as exc:
        return Status(422, _invalid(exc.errors))
    except services.StaleEdit as exc:
        exc.current.item = response.item
        current = _item_with_evidence(assessment, exc.current)
        return Status(409, {"detail": str(exc), "code": "stale", "current": current})
    except services.AssessmentLocked as exc:
        return Status(409, {"detail": str(exc), "code": "locked"})
    saved.item = response.item
    return Status(200, _item_with_evidence(assessment, saved))


@router.post(
    "/{uuid:id}/submit",
    response={200: AssessmentOut, 403: Message, 404: Message, 409: SubmitConflictOut},
    summary="Submit the self-assessment",
)
def assessment_submit(request, id: UUID):
    """Only the CCG lead may submit (`403` for other people who can see it). Every item must be rated or
    marked not applicable first: otherwise `409` with `code: incomplete` and the `missing` item codes. A
    submitted self-assessment is locked and snapshotted; submitting it again is `409` with `code: locked`."""
    assessment = _assessment(request, id)
    if not permissions.is_ccg_lead(request.auth, assessment.organisation_id):
        return Status(403, {"detail": "Only the CCG lead can submit the self-assessment."})
    try:
        services.assessment_submit(assessment=assessment, user=request.auth)
    except services.IncompleteAssessment as exc:
        return Status(
            409,
            {
                "detail": str(exc),
                "code": "incomplete",
                "missing": exc.missing,
                "unconfirmed": exc.unconfirmed,
            },
        )
    except services.AssessmentLocked as exc:
        return Status(409, {"detail": str(exc), "code": "locked"})
    return Status(200, _summary(_assessment(request, id)))
