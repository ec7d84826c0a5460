"""The whole-cycle workbook for regional leads, assessors and platform admins: one XLSX with a sheet per table.

It holds what the dashboard and the submitted self-assessments show the reader, no more: CCGs of the reader's
regions, submitted versions only. Adding a sheet is adding a function to `SHEETS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone

from assure.assessments.models import Assessment, Submission
from assure.cycles.models import Cycle

from .dashboard import Dashboard, build_dashboard, dashboard_columns
from .exports import Column, Sheet


def about_sheet(user, cycle: Cycle, board: Dashboard) -> Sheet:
    rows = [
        ("Cycle", cycle.name),
        ("Kind", cycle.get_kind_display()),
        ("Framework", f"{cycle.framework.title}, version {cycle.framework.version}"),
        ("Starts on", cycle.starts_on),
        ("Ends on", cycle.ends_on),
        ("Run by", cycle.region.name if cycle.region else "National"),
        ("CCGs in this workbook", len(board.rows)),
        ("Exported at", timezone.now()),
        ("Exported by", user.email),
        (
            "What it holds",
            "The CCGs of your regions in this cycle, from their latest submitted self-assessments. "
            "Drafts are never included.",
        ),
    ]
    return Sheet(
        "About", [Column("what", "What", lambda r: r[0]), Column("value", "Value", lambda r: r[1])], rows
    )


def ccgs_sheet(user, cycle: Cycle, board: Dashboard) -> Sheet:
    return Sheet("CCGs", dashboard_columns(board), board.rows)


def _snapshots(user, cycle: Cycle, board: Dashboard) -> list[tuple[Any, dict]]:
    """(CCG, latest submission snapshot) for each CCG on the board with a submission."""
    ccgs = {row.ccg.pk: row.ccg for row in board.rows}
    assessments = {
        a.pk: a.organisation_id
        for a in Assessment.objects.visible_to(user).filter(
            cycle=cycle, organisation__in=list(ccgs), first_submitted_at__isnull=False
        )
    }
    latest: dict[int, dict] = {}
    for assessment_id, snapshot in (
        Submission.objects.filter(assessment__in=list(assessments))
        .order_by("assessment_id", "number")
        .values_list("assessment_id", "snapshot")
    ):
        latest[assessment_id] = snapshot
    return sorted(
        ((ccgs[assessments[a]], snapshot) for a, snapshot in latest.items()), key=lambda pair: pair[0].name
    )


def domains_sheet(user, cycle: Cycle, board: Dashboard) -> Sheet:
    titles = {d.number: d.short_title for d in board.domains}
    rows = [
        {"ccg": ccg, "title": titles.get(d["number"], ""), **d}
        for ccg, snapshot in _snapshots(user, cycle, board)
        for d in snapshot["domains"]
    ]
    columns = [
        Column("ccg_code", "CCG code", lambda r: r["ccg"].code),
        Column("ccg_name", "CCG name", lambda r: r["ccg"].name),
        Column("number", "Domain"),
        Column("title", "Domain title"),
        Column("level_label", "Self-assessed level"),
        Column("meets_threshold", "Meets threshold"),
        Column("rated", "Items rated"),
        Column("not_applicable", "Items not applicable"),
        Column("total", "Items"),
    ]
    return Sheet("Domain levels", columns, rows)


def items_sheet(user, cycle: Cycle, board: Dashboard) -> Sheet:
    rows = [
        {"ccg": ccg, **item} for ccg, snapshot in _snapshots(user, cycle, board) for item in snapshot["items"]
    ]
    columns = [
        Column("ccg_code", "CCG code", lambda r: r["ccg"].code),
        Column("ccg_name", "CCG name", lambda r: r["ccg"].name),
        Column("code", "Item code"),
        Column("domain", "Domain"),
        Column("tier", "Tier"),
        Column("text", "Item", width=60),
        Column("rating", "Rating"),
        Column("not_applicable", "Not applicable"),
        Column("reason", "Not applicable reason", width=40),
        Column("narrative", "Narrative", width=60),
        Column("evidence", "Evidence", lambda r: "; ".join(e["title"] for e in r.get("evidence") or [])),
    ]
    return Sheet("Item ratings", columns, rows)


SHEETS: list[Callable[[Any, Cycle, Dashboard], Sheet | None]] = [
    about_sheet,
    ccgs_sheet,
    domains_sheet,
    items_sheet,
]


def cycle_sheets(user, cycle: Cycle) -> list[Sheet]:
    board = build_dashboard(user, cycle)
    return [sheet for sheet in (build(user, cycle, board) for build in SHEETS) if sheet is not None]
