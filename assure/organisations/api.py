from ninja import Router, Schema

from .models import Organisation

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    code: str
    name: str
    type: str
    region: str | None


@router.get("", response=list[OrganisationOut], summary="The organisations you may see")
def organisation_list(request, type: str | None = None):
    """Filter by organisation type code with `type`, e.g. `?type=ccg`."""
    organisations = Organisation.objects.visible_to(request.auth).select_related("type", "region")
    if type:
        organisations = organisations.filter(type__code=type)
    return [
        OrganisationOut(
            code=o.code, name=o.name, type=o.type.code, region=o.region.code if o.region else None
        )
        for o in organisations.order_by("name")
    ]
