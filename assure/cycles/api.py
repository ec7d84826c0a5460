import datetime

from ninja import Router, Schema

from .models import Cycle

router = Router(tags=["cycles"])


class CycleOut(Schema):
    id: str
    name: str
    kind: str
    framework: str
    framework_version: str
    starts_on: datetime.date
    ends_on: datetime.date


@router.get("", response=list[CycleOut], summary="The cycles you may see")
def cycle_list(request):
    cycles = (
        Cycle.objects.visible_to(request.auth)
        .select_related("framework")
        .defer("framework__document")
        .order_by("-starts_on", "name")
    )
    return [
        CycleOut(
            id=str(c.public_id),
            name=c.name,
            kind=c.kind,
            framework=c.framework.slug,
            framework_version=c.framework.version,
            starts_on=c.starts_on,
            ends_on=c.ends_on,
        )
        for c in cycles
    ]
