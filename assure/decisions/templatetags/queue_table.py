"""The assessor queue's table body, written out in Python: a row per CCG of the reader's cycles (all England's
for a national assessor, in each of three cycles), which through template nodes was half the page's time. The
markup is the template's (tested against it)."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import pluralize
from django.utils.safestring import SafeString, mark_safe

from assure.core.links import UrlPattern
from assure.core.markup import escape

from ..queries import QueueRow

register = template.Library()


def _ccg(row: QueueRow, review_url: UrlPattern) -> str:
    name = escape(row.ccg.name)
    if row.conflicted:
        return f'{name}<br><span class="nhsuk-body-s">You belong to this CCG, so you cannot review it</span>'
    if row.submitted:
        return f'<a href="{review_url.format(row.assessment_id)}">{name}</a>'
    return name


def _survey(row: QueueRow) -> str:
    responses = f"{row.survey_responses} response{pluralize(row.survey_responses)}"
    return {
        "none": "Not set up",
        "closed": f"Closed, {responses}",
        "open": f"Open, {responses}",
    }.get(row.survey_status, "Not open yet")


def _review(row: QueueRow) -> str:
    if not row.domain_count:
        return ""
    judged = f"{row.domains_judged} of {row.domain_count} domains judged"
    if row.assessors:
        judged += f" ({row.assessors} assessor{pluralize(row.assessors)})"
    return judged


def _decision(row: QueueRow) -> str:
    if not row.outcome:
        return escape(row.stage)
    return escape(row.outcome_label) + (" (published)" if row.published else " (not published)")


def _row(row: QueueRow, review_url: UrlPattern, with_cycle: bool) -> str:
    if row.reopened:
        assessment = "Reopened"
    elif row.submitted:
        assessment = "Submitted"
    else:
        assessment = "Not submitted"
    reviews = f"{row.reviews_agreed} of {row.reviews_total} agreed" if row.reviews_total else "Not opened"
    cycle = f"<td>{escape(row.cycle.name)}</td>" if with_cycle else ""
    return (
        f"<tr><td>{_ccg(row, review_url)}</td>{cycle}<td>{assessment}</td><td>{reviews}</td>"
        f"<td>{_survey(row)}</td><td>{_review(row)}</td><td>{_decision(row)}</td></tr>\n"
    )


@register.simple_tag
def queue_rows(rows: list[QueueRow], chosen) -> SafeString:
    """{% queue_rows rows chosen %}: the table body; a cycle column unless one cycle is `chosen`."""
    review_url = UrlPattern("decisions:review")
    return mark_safe(  # noqa: S308 - every value escaped above
        "".join(_row(row, review_url, with_cycle=not chosen) for row in rows)
    )
