"""The regional dashboard's table body, written out in Python.

211 CCGs × (6 domains + 5 facts) is some 2,300 cells; through template nodes the table took half the page's
time. The markup is the same as a template would give: each cell says what it holds in words (colour is never
the only cue), links to the evidence behind it and says how it changed since the previous cycle.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.utils.safestring import SafeString, mark_safe

from assure.core.links import UrlPattern
from assure.core.markup import escape

from ..dashboard import Cell, Row

register = template.Library()


@lru_cache(maxsize=4096)
def _cell_parts(text: str, band: str, change: int | None, previous: str | None) -> tuple[str, str, str]:
    """A cell's markup but its link, as (before the address, after it, the whole cell when it has no link). Some
    2,300 cells a page hold a few dozen different texts and changes: each is written out once."""
    text = escape(text)
    after = ""
    if change is not None:
        previous = escape(previous)
        after = " "
        if change > 0:
            after += (
                '<span class="assure-change" aria-hidden="true">▲</span>'
                f'<span class="nhsuk-u-visually-hidden">, up from {previous}</span>'
            )
        elif change < 0:
            after += (
                '<span class="assure-change" aria-hidden="true">▼</span>'
                f'<span class="nhsuk-u-visually-hidden">, down from {previous}</span>'
            )
        else:
            after += '<span class="nhsuk-u-visually-hidden">, the same as last cycle</span>'
    td = f'<td class="assure-heat assure-heat--{escape(band)}">'
    return f'{td}<a href="', f'">{text}</a>{after}</td>', f"{td}{text}{after}</td>"


def _cell(cell: Cell) -> str:
    before, after, unlinked = _cell_parts(cell.text, cell.band, cell.change, cell.previous)
    return f"{before}{escape(cell.href)}{after}" if cell.href else unlinked


def _row(row: Row, report_url: UrlPattern) -> str:
    name = escape(row.ccg.name)
    if row.assessment is not None and row.assessment.first_submitted_at:
        name = (
            f'<a href="{report_url.format(row.assessment.public_id)}">{name}'
            '<span class="nhsuk-u-visually-hidden"> report</span></a>'
        )
    facts = "".join(f"<td>{'–' if value is None else escape(value)}</td>" for value in row.fact_list)
    cells = "".join(_cell(cell) for cell in row.cells)
    return (
        f'<tr><th scope="row">{name} <span class="assure-code">({escape(row.ccg.code)})</span></th>'
        f"{facts}{cells}</tr>\n"
    )


@register.simple_tag
def dashboard_rows(rows: list[Row]) -> SafeString:
    """{% dashboard_rows board.rows %}: every row of the table body."""
    report_url = UrlPattern("reports:report")
    return mark_safe("".join(_row(row, report_url) for row in rows))  # noqa: S308 - every value escaped above
