"""The cycle page's table of CCGs, written out in Python: a row per CCG of the cycle (211 for England), which
through template nodes was a third of the page's time. The markup is the template's (tested against it)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from assure.core.markup import escape, tag

register = template.Library()


def _self_assessment(ccg) -> str:
    """Where the CCG's self-assessment is, linked for those who may open it, and its report."""
    name = escape(ccg.name)
    assessment = ccg.assessment
    submitted = assessment is not None and assessment.first_submitted_at
    if ccg.is_mine:
        html = (
            f'<a href="{escape(ccg.start_url)}">Open<span class="nhsuk-u-visually-hidden"> {name} self-assessment'
            "</span></a>"
        )
        if assessment is not None:
            html += f" ({escape(ccg.status_label.lower())})"
    elif submitted:
        # People outside the CCG read the submitted version only; a draft never submitted is not theirs to open.
        html = (
            f'<a href="{escape(ccg.task_list_url)}">{escape(ccg.status_label)}'
            f'<span class="nhsuk-u-visually-hidden"> – {name} self-assessment</span></a>'
        )
    else:
        html = "Not submitted"
    if (assessment is not None and ccg.is_mine) or submitted:
        html += (
            f' · <a href="{escape(ccg.report_url)}">Report'
            f'<span class="nhsuk-u-visually-hidden"> for {name}</span></a>'
        )
    return html


def _row(ccg) -> str:
    overdue = f"{tag('Overdue', 'red')} {escape(', '.join(ccg.overdue))}" if ccg.overdue else "None"
    return (
        f'<tr><td>{escape(ccg.name)} <span class="assure-code">({escape(ccg.code)})</span></td>'
        f"<td>{_self_assessment(ccg)}</td><td>{overdue}</td></tr>\n"
    )


@register.simple_tag
def cycle_ccg_rows(ccgs) -> SafeString:
    """{% cycle_ccg_rows ccgs %}: the table body, one row per CCG as `cycles.views.cycle_detail` prepares them."""
    return mark_safe("".join(_row(ccg) for ccg in ccgs))  # noqa: S308 - every value escaped above
