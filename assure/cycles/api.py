import datetime
from typing import Literal
from uuid import UUID

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from assure.core import permissions
from assure.core.pagination import ApiPagination, Rows
from assure.frameworks.models import Framework
from assure.organisations.models import Organisation, OrganisationType

from . import progress, services
from .models import Cycle

router = Router(tags=["cycles"])

StepCode = Literal["self_assessment", "partnership_review", "survey", "assessor_review"]


class StepOut(Schema):
    step: StepCode
    label: str
    opens_on: datetime.date | None
    deadline: datetime.date
    overdue: bool = Field(description="The deadline has passed (whether each CCG has done the step aside).")


class CycleOut(Schema):
    id: str
    name: str
    kind: str
    framework: str
    framework_version: str
    starts_on: datetime.date
    ends_on: datetime.date
    region: str | None = Field(
        None, description="The code of the region running it; null for a national cycle."
    )
    previous: str | None = Field(None, description="The id of the cycle this one follows.")
    steps: list[StepOut] = Field(default_factory=list, description="The steps it uses, by deadline.")


class CcgStepOut(Schema):
    step: StepCode
    deadline: datetime.date
    status: Literal["done", "not_open", "open", "due_soon", "overdue"]
    days_left: int = Field(description="Days from today to the deadline; negative once it has passed.")


class CcgOut(Schema):
    code: str
    name: str
    steps: list[CcgStepOut]
    overdue: list[StepCode] = Field(description="The steps past their deadline and not done.")


class CycleDetailOut(CycleOut):
    ccgs: list[CcgOut] = Field(description="The CCGs of the cycle you may see, and where each stands.")


class StepIn(Schema):
    step: StepCode
    opens_on: datetime.date | None = None
    deadline: datetime.date


class CycleIn(Schema):
    name: str
    kind: Literal["authorisation", "annual_assurance"]
    framework: str = Field(description="The framework's slug.")
    framework_version: str
    region: str | None = Field(
        None, description="The region's code; null (platform admins only) for national."
    )
    starts_on: datetime.date
    ends_on: datetime.date
    previous: UUID | None = None
    ccgs: list[str] = Field(default_factory=list, description="CCG codes.")
    steps: list[StepIn] = Field(default_factory=list)
    reminder_days: str = ""


class Message(Schema):
    detail: str


class CycleErrors(Schema):
    detail: str
    errors: dict[str, str] = Field(description="What is wrong, by field.")


def _steps(cycle: Cycle, today: datetime.date) -> list[dict]:
    return [
        {
            "step": s.step,
            "label": s.get_step_display(),
            "opens_on": s.opens_on,
            "deadline": s.deadline,
            "overdue": s.deadline < today,
        }
        for s in progress.steps_of(cycle)
    ]


def _cycle(cycle: Cycle, today: datetime.date) -> dict:
    return {
        "id": str(cycle.public_id),
        "name": cycle.name,
        "kind": cycle.kind,
        "framework": cycle.framework.slug,
        "framework_version": cycle.framework.version,
        "starts_on": cycle.starts_on,
        "ends_on": cycle.ends_on,
        "region": cycle.region.code if cycle.region_id else None,
        "previous": str(cycle.previous.public_id) if cycle.previous_id else None,
        "steps": _steps(cycle, today),
    }


def _cycles(user):
    return (
        Cycle.objects.visible_to(user)
        .select_related("framework", "region", "previous")
        .prefetch_related("steps")
    )


@router.get("", response=list[CycleOut], summary="The cycles you may see")
@paginate(ApiPagination)
def cycle_list(request):
    """Newest first. Paginated: `limit` (default 100, at most 500) and `offset`; the answer is `{items, count}`."""
    today = timezone.localdate()
    return Rows(_cycles(request.auth).order_by("-starts_on", "name", "pk"), lambda c: _cycle(c, today))


@router.get(
    "/{id}", response={200: CycleDetailOut, 404: Message}, summary="One cycle and where its CCGs stand"
)
def cycle_detail(request, id: UUID):
    """The cycle with its steps, and each of its CCGs you may see with where it stands against every deadline."""
    cycle = get_object_or_404(_cycles(request.auth), public_id=id)
    today = timezone.localdate()
    ccgs = list(Organisation.objects.visible_to(request.auth).filter(cycles=cycle).order_by("name"))
    standings = progress.standings(cycle, [c.pk for c in ccgs], today=today)
    return {
        **_cycle(cycle, today),
        "ccgs": [
            {
                "code": ccg.code,
                "name": ccg.name,
                "steps": [
                    {
                        "step": s.step.step,
                        "deadline": s.step.deadline,
                        "status": s.state.state,
                        "days_left": s.state.days_left,
                    }
                    for s in standings[ccg.pk]
                ],
                "overdue": [s.step.step for s in standings[ccg.pk] if s.state.is_overdue],
            }
            for ccg in ccgs
        ],
    }


@router.post(
    "",
    response={201: CycleOut, 403: Message, 422: CycleErrors},
    summary="Create a cycle (platform admins; regional leads for their region)",
)
def cycle_create(request, payload: CycleIn):
    """Create a cycle with its CCGs (by code) and steps. Regional leads create cycles for their own region, with
    its CCGs only. `422` lists every problem by field and nothing is created."""
    user = request.auth
    if not permissions.can_create_cycle(user):
        return Status(403, {"detail": "Only platform admins and regional leads create cycles."})
    errors: dict[str, str] = {}
    framework = Framework.objects.filter(slug=payload.framework, version=payload.framework_version).first()
    if framework is None:
        errors["framework"] = f"There is no framework {payload.framework} version {payload.framework_version}"
    region = None
    if payload.region:
        region = (
            permissions.cycle_regions(
                user, Organisation.objects.visible_to(user).of_type(OrganisationType.REGION)
            )
            .filter(code=payload.region)
            .select_related("type")
            .first()
        )
        if region is None:
            errors["region"] = f"You cannot run cycles for region {payload.region}"
    previous = None
    if payload.previous:
        previous = (
            permissions.managed_cycles(user, Cycle.objects.visible_to(user))
            .filter(public_id=payload.previous)
            .first()
        )
        if previous is None:
            errors["previous"] = "Choose a previous cycle that you run"
    codes = list(dict.fromkeys(payload.ccgs))
    ccgs = list(
        permissions.cycle_ccgs(user, Organisation.objects.visible_to(user).of_type(OrganisationType.CCG))
        .filter(code__in=codes)
        .select_related("type", "region")
    )
    unknown = sorted(set(codes) - {c.code for c in ccgs})
    if unknown:
        errors["ccgs"] = f"These are not CCGs you can add to a cycle: {', '.join(unknown)}"
    steps = {}
    for step in payload.steps:
        if step.step in steps:
            errors["steps"] = f"The {step.step} step is listed twice"
        steps[step.step] = services.StepInput(opens_on=step.opens_on, deadline=step.deadline)
    if errors:
        return Status(422, {"detail": "; ".join(errors.values()), "errors": errors})
    data = services.CycleInput(
        name=payload.name,
        kind=payload.kind,
        framework=framework,
        region=region,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        previous=previous,
        ccgs=ccgs,
        steps=steps,
        reminder_days=payload.reminder_days,
    )
    try:
        cycle = services.cycle_create(user=user, data=data)
    except services.CycleInvalid as exc:
        return Status(422, {"detail": str(exc), "errors": exc.errors})
    cycle = _cycles(user).get(pk=cycle.pk)
    return Status(201, _cycle(cycle, timezone.localdate()))
