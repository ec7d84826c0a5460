"""Published good practice to suggest on a self-assessment domain page: a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from .models import Example
from .weakest import weakest_items

SUGGESTION_LIMIT = 3


@dataclass
class Suggestions:
    items: list[str] = field(default_factory=list)  # the weakest items' codes the examples were chosen for
    examples: list[Example] = field(default_factory=list)
    for_domain: bool = False  # True when the examples are about the domain in general, not the weakest items


def suggest_for_domain(*, organisation, domain, responses, top: int) -> Suggestions:
    """Published examples from other organisations tagged with the items this CCG rates lowest in `domain`
    (those tagged with most of them first); failing that, examples about the domain. One or two queries."""
    ratings = {
        r.item.code: r.rating for r in responses if r.item.domain_id == domain.pk and not r.not_applicable
    }
    weakest = weakest_items(ratings, top=top)
    published = (
        Example.objects.published()
        .exclude(organisation=organisation)
        .select_related("organisation")
        .only("public_id", "title", "summary", "published_at", "organisation__name")
    )
    if weakest:
        item_ids = [r.item_id for r in responses if r.item.code in weakest]
        examples = list(
            published.filter(items__in=item_ids)
            .annotate(matches=Count("items"))
            .order_by("-matches", "-published_at", "pk")[:SUGGESTION_LIMIT]
        )
        if examples:
            return Suggestions(items=weakest, examples=examples)
    examples = list(published.filter(domains=domain).order_by("-published_at", "pk")[:SUGGESTION_LIMIT])
    return Suggestions(items=weakest, examples=examples, for_domain=True)
