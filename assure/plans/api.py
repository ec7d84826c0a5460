"""Development plans over the API, with the same scoping and services as the pages.

- `GET /plans/{ccg_code}` (`?cycle=<cycle id>`, by default the newest cycle the CCG takes part in): the plan's
  actions, overdue first. `404` when the caller may not read the CCG's plan (its existence is not revealed).
- `POST /plans/actions/{id}/status` with `status` and the `version` read: `403` for those who may read but not
  change it, `409` (`stale`, or `follows_condition`) when the state forbids it, `422` for an unknown status.
"""

from __future__ import annotations

import datetime
from typing import Literal
from uuid import UUID

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from assure.core import permissions
from assure.cycles.models import Cycle
from assure.organisations.models import Organisation, OrganisationType

from . import rules, services
from .models import Action

router = Router(tags=["plans"])

StatusCode = Literal["open", "in_progress", "done", "dropped"]


class OwnerOut(Schema):
    name: str
    email: str | None = Field(
        description="Null when the owner is named rather than a person with an account."
    )


class SourceOut(Schema):
    kind: Literal["self_assessment", "partnership", "survey", "condition", "own"]
    label: str
    item: str | None = Field(description="The framework item code, where the action came from an item.")
    domain: int | None
    carried_over_from: str | None = Field(description="The id of the cycle the action was carried over from.")


class ActionOut(Schema):
    id: str
    title: str
    description: str
    owner: OwnerOut | None
    due: datetime.date | None
    status: StatusCode
    overdue: bool
    source: SourceOut
    version: int = Field(description="Send it back with a status change.")


class PlanOut(Schema):
    ccg: str
    cycle: str = Field(description="The cycle's public id.")
    cycle_name: str
    gathered_at: datetime.datetime | None
    overdue: int
    actions: list[ActionOut]


class StatusIn(Schema):
    status: StatusCode
    version: int


class ErrorOut(Schema):
    detail: str
    code: str | None = None


def _action_out(action: Action, today) -> dict:
    owner = None
    if action.owner_id:
        owner = {"name": action.owner.get_full_name(), "email": action.owner.email}
    elif action.owner_name:
        owner = {"name": action.owner_name, "email": None}
    return {
        "id": str(action.public_id),
        "title": action.title,
        "description": action.description,
        "owner": owner,
        "due": action.due,
        "status": action.status,
        "overdue": action.is_overdue(today),
        "source": {
            "kind": action.source,
            "label": action.get_source_display(),
            "item": action.item.code if action.item_id else None,
            "domain": action.domain.number if action.domain_id else None,
            "carried_over_from": str(action.carried_from.plan.cycle.public_id)
            if action.carried_from_id
            else None,
        },
        "version": action.version,
    }


@router.get("/{ccg_code}", response=PlanOut, summary="A CCG's development plan")
def plan_detail(request, ccg_code: str, cycle: UUID | None = None):
    ccg = (
        Organisation.objects.visible_to(request.auth)
        .filter(code=ccg_code, type__code=OrganisationType.CCG)
        .select_related("region")
        .first()
    )
    if ccg is None or not permissions.can_read_plan(request.auth, ccg):
        raise Http404("No such development plan")
    cycles = Cycle.objects.visible_to(request.auth).filter(ccgs=ccg)
    chosen = cycles.filter(public_id=cycle).first() if cycle else cycles.order_by("-starts_on", "-pk").first()
    if chosen is None:
        raise Http404("No such cycle for this CCG")
    plan = services.plan_for(cycle=chosen, ccg=ccg)
    today = timezone.localdate()
    actions = []
    if plan is not None:
        actions = list(
            Action.objects.visible_to(request.auth)
            .filter(plan=plan)
            .select_related("owner", "domain", "item", "carried_from__plan__cycle")
        )
    actions.sort(
        key=lambda a: rules.sort_key(
            due=a.due,
            status=a.status,
            domain=a.domain.number if a.domain_id else None,
            title=a.title,
            today=today,
        )
    )
    return {
        "ccg": ccg.code,
        "cycle": str(chosen.public_id),
        "cycle_name": chosen.name,
        "gathered_at": plan.gathered_at if plan else None,
        "overdue": sum(1 for a in actions if a.is_overdue(today)),
        "actions": [_action_out(a, today) for a in actions],
    }


@router.post(
    "/actions/{action_id}/status",
    response={200: ActionOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Change an action's status",
)
def action_status(request, action_id: UUID, payload: StatusIn):
    action = get_object_or_404(
        Action.objects.visible_to(request.auth).select_related("plan__organisation__region"),
        public_id=action_id,
    )
    if not permissions.can_update_action_status(request.auth, action, action.plan.organisation):
        return Status(403, {"detail": "Only the CCG lead or the action's owner can change its status."})
    try:
        action = services.action_set_status(
            action=action, user=request.auth, status=payload.status, version=payload.version
        )
    except services.StaleEdit as error:
        return Status(409, {"detail": str(error), "code": "stale"})
    except services.FollowsSource as error:
        return Status(409, {"detail": str(error), "code": "follows_condition"})
    except services.Invalid as error:
        return Status(422, {"detail": str(error), "code": "invalid"})
    action = (
        Action.objects.visible_to(request.auth)
        .select_related("owner", "domain", "item", "carried_from__plan__cycle")
        .get(pk=action.pk)
    )
    return Status(200, _action_out(action, timezone.localdate()))
