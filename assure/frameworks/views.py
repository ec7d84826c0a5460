"""Public pages presenting a framework: anyone can read them, no sign-in needed."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .models import Domain, DomainEvidence, Framework, Item
from .wording import describe_level, describe_threshold


def _latest(slug: str) -> Framework:
    framework = Framework.objects.latest_versions().filter(slug=slug).first()
    if framework is None:
        raise Http404("No framework with that name")
    return framework


@require_GET
def framework_list(request):
    frameworks = Framework.objects.latest_versions().order_by("title")
    crumbs = [("Home", reverse("core:home"))]
    return render(request, "frameworks/list.html", {"frameworks": frameworks, "crumbs": crumbs})


@require_GET
def framework_detail(request, slug):
    framework = _latest(slug)
    spec = framework.spec
    domains = framework.domains.annotate(
        basics=Count("items", filter=Q(items__tier=Item.Tier.BASICS)),
        future=Count("items", filter=Q(items__tier=Item.Tier.FUTURE)),
    ).order_by("number")
    levels = [
        {
            "label": level.label,
            "description": level.description,
            "rule": describe_level(i, spec.rules, spec.scale),
        }
        for i, level in enumerate(spec.rules.levels)
    ]
    crumbs = [("Home", reverse("core:home")), ("Frameworks", reverse("frameworks:list"))]
    return render(
        request,
        "frameworks/detail.html",
        {
            "framework": framework,
            "spec": spec,
            "domains": domains,
            "levels": levels,
            "threshold": describe_threshold(spec.rules, spec.scale),
            "crumbs": crumbs,
        },
    )


@require_GET
def domain_detail(request, slug, number):
    framework = _latest(slug)
    domains = list(framework.domains.order_by("number").only("number", "short_title", "framework_id"))
    domain = (
        Domain.objects.filter(framework=framework, number=number)
        .select_related("description_source", "concern_source")
        .prefetch_related(
            "themes__source",
            "key_points__source",
            Prefetch("domainevidence_set", queryset=DomainEvidence.objects.select_related("evidence_type")),
            Prefetch("items", queryset=Item.objects.select_related("source").order_by("position")),
            "survey_statements",
        )
        .first()
    )
    if domain is None:
        raise Http404("No such domain")
    items = list(domain.items.all())
    index = next(i for i, d in enumerate(domains) if d.number == domain.number)
    crumbs = [
        ("Home", reverse("core:home")),
        ("Frameworks", reverse("frameworks:list")),
        (framework.title, reverse("frameworks:detail", args=[framework.slug])),
    ]
    return render(
        request,
        "frameworks/domain.html",
        {
            "framework": framework,
            "domain": domain,
            "basics": [i for i in items if i.tier == Item.Tier.BASICS],
            "future": [i for i in items if i.tier == Item.Tier.FUTURE],
            "evidence": [link.evidence_type for link in domain.domainevidence_set.all()],
            "previous": domains[index - 1] if index > 0 else None,
            "next": domains[index + 1] if index + 1 < len(domains) else None,
            "crumbs": crumbs,
        },
    )
