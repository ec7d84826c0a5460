from ninja import Router, Schema
from ninja.pagination import paginate

from assure.core.pagination import ApiPagination, Rows

from .models import Organisation

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    code: str
    name: str
    type: str
    region: str | None


def _out(o: Organisation) -> OrganisationOut:
    return OrganisationOut(
        code=o.code, name=o.name, type=o.type.code, region=o.region.code if o.region else None
    )


@router.get("", response=list[OrganisationOut], summary="The organisations you may see")
@paginate(ApiPagination)
def organisation_list(request, type: str | None = None):
    """Filter by organisation type code with `type`, e.g. `?type=ccg`. By name. Paginated: `limit` (default 100,
    at most 500) and `offset`; the answer is `{items, count}`."""
    organisations = Organisation.objects.visible_to(request.auth).select_related("type", "region")
    if type:
        organisations = organisations.filter(type__code=type)
    return Rows(organisations.order_by("name", "pk"), _out)
