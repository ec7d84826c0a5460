import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from assure.core.pagination import ApiPagination, Rows

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


def _out(c: Cycle) -> CycleOut:
    return CycleOut(
        id=str(c.public_id),
        name=c.name,
        kind=c.kind,
        framework=c.framework.slug,
        framework_version=c.framework.version,
        starts_on=c.starts_on,
        ends_on=c.ends_on,
    )


@router.get("", response=list[CycleOut], summary="The cycles you may see")
@paginate(ApiPagination)
def cycle_list(request):
    """Newest first. Paginated: `limit` (default 100, at most 500) and `offset`; the answer is `{items, count}`."""
    cycles = (
        Cycle.objects.visible_to(request.auth)
        .select_related("framework")
        .defer("framework__document")
        .order_by("-starts_on", "name", "pk")
    )
    return Rows(cycles, _out)
