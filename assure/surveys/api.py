"""Surveys over the API: the same scoping, rules, services and anonymity as the pages.

`404` when the caller may not see the survey; `403` when they may see it but not run it; `409` with a `code`
(`not_open`, `closed`, `not_closed`) when the survey's state forbids it; `422` with `errors` for bad input.
Results come only from a closed survey, with the same suppression as the results page.
"""

from __future__ import annotations

import datetime
from typing import Literal
from uuid import UUID

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from assure.core import permissions
from assure.core.pagination import ApiPagination, Rows

from . import importer, services
from .constants import ANSWER_CODES, GROUP_CODES, GROUP_LABELS
from .models import Survey

router = Router(tags=["surveys"])


class SurveyOut(Schema):
    id: str = Field(description="The survey's public id.")
    ccg: str = Field(description="The CCG's code.")
    ccg_name: str
    cycle: str = Field(description="The cycle's public id.")
    cycle_name: str
    status: Literal["scheduled", "open", "closed"]
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    closed_at: datetime.datetime | None
    min_group_size: int


class StakeholderIn(Schema):
    name: str
    email: str
    organisation: str = ""
    group: str = Field(description="A group code or label: " + ", ".join(GROUP_CODES))


class Message(Schema):
    detail: str


class StateOut(Schema):
    detail: str
    code: str


class RowError(Schema):
    row: int = Field(description="The position of the stakeholder in the list sent, from 1.")
    field: str
    message: str


class RowErrorsOut(Schema):
    detail: str
    errors: list[RowError]


class AddedOut(Schema):
    added: int


class QueuedOut(Schema):
    queued: int = Field(description="Emails queued for the background worker.")


class RateOut(Schema):
    group: str
    label: str
    listed: int
    invited: int
    opened: int
    responded: int
    rate: float | None = Field(description="responded / invited, or null before anyone is invited.")


class RatesOut(Schema):
    groups: list[RateOut]
    total: RateOut


class StatementResult(Schema):
    code: str
    counts: dict[str, int] = Field(description="Answer code -> number of people: " + ", ".join(ANSWER_CODES))


class DomainResult(Schema):
    number: int
    statements: list[StatementResult]


class GroupResultOut(Schema):
    group: str = Field(description="A group code, or `all` for everyone.")
    label: str
    responses: int | None = Field(description="Null when suppressed and fewer than the minimum.")
    suppressed: bool
    domains: list[DomainResult] | None = Field(description="Null when suppressed.")


class ResultsOut(Schema):
    min_group_size: int
    responses: int
    overall: GroupResultOut
    groups: list[GroupResultOut]


def _summary(survey: Survey) -> dict:
    return {
        "id": str(survey.public_id),
        "ccg": survey.organisation.code,
        "ccg_name": survey.organisation.name,
        "cycle": str(survey.cycle.public_id),
        "cycle_name": survey.cycle.name,
        "status": survey.status,
        "opens_at": survey.opens_at,
        "closes_at": survey.closes_at,
        "closed_at": survey.closed_at,
        "min_group_size": survey.min_group_size,
    }


def _survey(request, id: UUID) -> Survey:
    return get_object_or_404(
        Survey.objects.visible_to(request.auth).select_related("cycle", "organisation"), public_id=id
    )


def _forbidden():
    return Status(403, {"detail": "Only the CCG lead or a regional lead can run this survey."})


@router.get("", response=list[SurveyOut], summary="The surveys you may run or read")
@paginate(ApiPagination)
def survey_list(request):
    """Paginated: `limit` (default 100, at most 500) and `offset`; the answer is `{items, count}`."""
    surveys = (
        Survey.objects.visible_to(request.auth)
        .select_related("cycle", "organisation")
        .order_by("-cycle__starts_on", "organisation__name", "pk")
    )
    return Rows(surveys, _summary)


@router.get("/{uuid:id}", response={200: SurveyOut, 404: Message}, summary="One survey")
def survey_detail(request, id: UUID):
    return _summary(_survey(request, id))


@router.post(
    "/{uuid:id}/stakeholders",
    response={201: AddedOut, 403: Message, 404: Message, 409: StateOut, 422: RowErrorsOut},
    summary="Add stakeholders",
)
def stakeholders_add(request, id: UUID, payload: list[StakeholderIn]):
    """All or nothing: every stakeholder is checked (email, group, duplicates in the list sent and on the
    survey's list) and if any is wrong nothing is added and `422` lists each problem by position and field."""
    survey = _survey(request, id)
    if not permissions.can_manage_survey(request.auth, survey.organisation):
        return _forbidden()
    existing = services.existing_emails(survey)
    rows, errors, seen = [], [], {}
    for position, item in enumerate(payload, start=1):
        data = services.StakeholderInput(
            name=item.name,
            email=item.email,
            organisation=item.organisation,
            group=importer.group_from_text(item.group) or item.group,
        )
        found = {
            field: message
            for field, message in services.stakeholder_validate(survey=survey, data=data).items()
            if not (field == "email" and "already on" in message)
        }
        email = data.email.strip().lower()
        if "email" not in found:
            if email in seen:
                found["email"] = (
                    f"{email} is also stakeholder {seen[email]} in this list: send each person once"
                )
            elif email in existing:
                found["email"] = f"{email} is already on the stakeholder list"
        seen.setdefault(email, position)
        for field, message in found.items():
            errors.append({"row": position, "field": field, "message": message})
        if not found:
            rows.append(
                importer.StakeholderRow(
                    position,
                    " ".join(data.name.split()),
                    email,
                    " ".join(data.organisation.split()),
                    data.group,
                )
            )
    if errors:
        return Status(
            422,
            {
                "detail": f"{len({e['row'] for e in errors})} stakeholder(s) have problems; nothing was added.",
                "errors": errors,
            },
        )
    try:
        outcome = services.stakeholders_import(survey=survey, user=request.auth, rows=rows)
    except services.SurveyStateError as exc:
        return Status(409, {"detail": str(exc), "code": exc.code})
    return Status(201, {"added": outcome.added})


def _queue(request, id: UUID, action):
    survey = _survey(request, id)
    if not permissions.can_manage_survey(request.auth, survey.organisation):
        return _forbidden()
    try:
        count = action(survey=survey, user=request.auth)
    except services.SurveyStateError as exc:
        return Status(409, {"detail": str(exc), "code": exc.code})
    return Status(202, {"queued": count})


@router.post(
    "/{uuid:id}/invitations",
    response={202: QueuedOut, 403: Message, 404: Message, 409: StateOut},
    summary="Invite everyone not yet invited",
)
def invitations_send(request, id: UUID):
    """The survey must be open. Emails are sent by the background worker."""
    return _queue(request, id, services.invitations_send)


@router.post(
    "/{uuid:id}/reminders",
    response={202: QueuedOut, 403: Message, 404: Message, 409: StateOut},
    summary="Remind everyone invited who has not responded",
)
def reminders_send(request, id: UUID):
    return _queue(request, id, services.reminders_send)


@router.post(
    "/{uuid:id}/close",
    response={200: SurveyOut, 403: Message, 404: Message, 409: StateOut},
    summary="Close the survey now",
)
def survey_close(request, id: UUID):
    survey = _survey(request, id)
    if not permissions.can_manage_survey(request.auth, survey.organisation):
        return _forbidden()
    try:
        survey = services.survey_close(survey=survey, user=request.auth)
    except services.SurveyStateError as exc:
        return Status(409, {"detail": str(exc), "code": exc.code})
    return Status(200, _summary(_survey(request, id)))


def _rate(rate) -> dict:
    return {
        "group": rate.group,
        "label": rate.label,
        "listed": rate.listed,
        "invited": rate.invited,
        "opened": rate.opened,
        "responded": rate.responded,
        "rate": rate.rate,
    }


@router.get("/{uuid:id}/rates", response={200: RatesOut, 404: Message}, summary="Response rates by group")
def survey_rates(request, id: UUID):
    survey = _survey(request, id)
    rates, total = services.survey_rates(survey)
    return {"groups": [_rate(r) for r in rates], "total": _rate(total)}


def _group_out(survey: Survey, code: str, label: str, group_results, count: int) -> dict:
    if group_results is None:
        return {"group": code, "label": label, "responses": None, "suppressed": True, "domains": None}
    return {
        "group": code,
        "label": label,
        "responses": group_results.responses,
        "suppressed": False,
        "domains": [
            {
                "number": d["number"],
                "statements": [
                    {"code": s["code"], "counts": dict(group_results.statements[s["code"]].counts)}
                    for s in d["statements"]
                ],
            }
            for d in survey.statements
        ],
    }


@router.get(
    "/{uuid:id}/results",
    response={200: ResultsOut, 404: Message, 409: StateOut},
    summary="Results per domain and statement, overall and per group",
)
def survey_results(request, id: UUID):
    """Only once the survey has closed (`409` with `code: not_closed` before). Groups with fewer responses than
    `min_group_size`, and any group hidden so that they cannot be worked out by subtraction, are marked
    `suppressed` with no counts at all."""
    survey = _survey(request, id)
    if not survey.is_closed:
        return Status(409, {"detail": "Results are shown once the survey has closed.", "code": "not_closed"})
    results = services.survey_results(survey)
    return {
        "min_group_size": survey.min_group_size,
        "responses": results.total,
        "overall": _group_out(survey, "all", "All stakeholders", results.overall, results.total),
        "groups": [
            _group_out(survey, code, GROUP_LABELS[code], results.groups.get(code), results.counts[code])
            for code in GROUP_CODES
            if results.counts.get(code)
        ],
    }
