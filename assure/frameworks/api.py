from typing import Any

from django.http import Http404
from ninja import Router, Schema

from .models import Framework
from .services import framework_export

router = Router(tags=["frameworks"])


class FrameworkSummary(Schema):
    slug: str
    title: str
    version: str


@router.get("", response=list[FrameworkSummary], auth=None, summary="The latest version of each framework")
def framework_list(request):
    return Framework.objects.latest_versions().order_by("slug")


@router.get(
    "/{slug}", response=dict[str, Any], auth=None, url_name="framework_detail", summary="A whole framework"
)
def framework_detail(request, slug: str, version: str | None = None):
    """The framework as exported by `export_framework`: sources, scale, rules and every domain in number order.
    Gives the latest version unless `version` is given."""
    frameworks = Framework.objects.filter(slug=slug)
    framework = (
        frameworks.filter(version=version).first() if version else frameworks.latest_versions().first()
    )
    if framework is None:
        raise Http404("No framework with that slug and version")
    return framework_export(framework=framework)
