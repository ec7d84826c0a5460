"""Open data: the published authorisation decisions of a cycle and their conditions, as JSON and CSV, for anyone.

Only `Decision.objects.published()` ever reaches these: a decision recorded but not yet published, and its
conditions, are in no file, whoever asks. No sign-in is needed; nothing here depends on who asks.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from assure.cycles.models import Cycle
from assure.decisions.models import Condition, Decision

from .exports import CSV, Column, csv_bytes, download

LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def published_cycles():
    """Cycles with at least one published decision, newest first, with how many."""
    return (
        Cycle.objects.filter(assessments__decision__published_at__isnull=False)
        .annotate(published=Count("assessments__decision"))
        .order_by("-starts_on", "name")
    )


def published_decisions(cycle: Cycle) -> list[Decision]:
    return list(
        Decision.objects.published()
        .filter(assessment__cycle=cycle)
        .select_related("assessment__organisation")
        .prefetch_related(
            Prefetch(
                "conditions",
                queryset=Condition.objects.select_related("domain").order_by("domain__number", "due", "pk"),
            )
        )
        .order_by("assessment__organisation__code")
    )


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return value.isoformat()


def decisions_document(cycle: Cycle, decisions: list[Decision]) -> dict[str, Any]:
    return {
        "cycle": {
            "id": str(cycle.public_id),
            "name": cycle.name,
            "starts_on": _iso(cycle.starts_on),
            "ends_on": _iso(cycle.ends_on),
        },
        "licence": LICENCE,
        "decisions": [
            {
                "ccg": {"code": d.assessment.organisation.code, "name": d.assessment.organisation.name},
                "outcome": d.outcome,
                "outcome_label": d.get_outcome_display(),
                "decided_on": _iso(d.decided_on),
                "published_at": _iso(d.published_at),
                "conditions": [
                    {
                        "domain": c.domain.number,
                        "domain_title": c.domain.title,
                        "text": c.text,
                        "support_level": c.support_level,
                        "due": _iso(c.due),
                        "status": c.status,
                    }
                    for c in d.conditions.all()
                ],
            }
            for d in decisions
        ],
    }


CSV_COLUMNS = [
    Column("ccg_code", "CCG code"),
    Column("ccg_name", "CCG name"),
    Column("outcome", "Outcome"),
    Column("decided_on", "Decided on"),
    Column("published_at", "Published at"),
    Column("condition_domain", "Condition domain"),
    Column("condition_text", "Condition"),
    Column("condition_support_level", "Support level"),
    Column("condition_due", "Condition due"),
    Column("condition_status", "Condition status"),
]


def csv_rows(decisions: list[Decision]) -> list[dict[str, Any]]:
    """One row per condition; a decision without conditions has one row with the condition columns empty."""
    rows = []
    for d in decisions:
        base = {
            "ccg_code": d.assessment.organisation.code,
            "ccg_name": d.assessment.organisation.name,
            "outcome": d.outcome,
            "decided_on": d.decided_on,
            "published_at": _iso(d.published_at),
        }
        conditions = list(d.conditions.all())
        if not conditions:
            rows.append(base)
        for c in conditions:
            rows.append(
                {
                    **base,
                    "condition_domain": c.domain.number,
                    "condition_text": c.text,
                    "condition_support_level": c.support_level,
                    "condition_due": c.due,
                    "condition_status": c.status,
                }
            )
    return rows


def _published_cycle(public_id) -> Cycle:
    cycle = get_object_or_404(Cycle, public_id=public_id)
    if not Decision.objects.published().filter(assessment__cycle=cycle).exists():
        raise Http404("No published decisions in this cycle")
    return cycle


@require_GET
def index(request):
    cycles = [
        {
            "cycle": cycle,
            "json": reverse("reports:open_data_decisions", args=[cycle.public_id, "json"]),
            "csv": reverse("reports:open_data_decisions", args=[cycle.public_id, "csv"]),
        }
        for cycle in published_cycles()
    ]
    return render(
        request,
        "reports/open_data.html",
        {
            "cycles": cycles,
            "licence": LICENCE,
            "licence_url": LICENCE_URL,
            "crumbs": [("Home", reverse("core:home"))],
        },
    )


@require_GET
def cycle_decisions(request, public_id, fmt):
    if fmt not in ("json", "csv"):
        raise Http404("Unknown format")
    cycle = _published_cycle(public_id)
    decisions = published_decisions(cycle)
    name = f"decisions-{cycle.public_id}"
    if fmt == "csv":
        response = download(
            csv_bytes(csv_rows(decisions), CSV_COLUMNS), filename=f"{name}.csv", content_type=CSV
        )
    else:
        body = json.dumps(decisions_document(cycle, decisions), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
