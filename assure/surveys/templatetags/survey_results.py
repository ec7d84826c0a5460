"""A closed survey's results per domain, each statement with its bar and its table, written out in Python.

Through template nodes (for a framework's 24 statements: a bar with a rectangle per answer, and a table of six
rows, each) the statements were two thirds of the results page's time. `{% survey_domains domains hidden %}` writes
what surveys/results.html wrote for them, and is tested against it (assure/surveys/tests/test_results_markup.py).
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString, mark_safe

from assure.core.markup import escape

register = template.Library()


def bar(row: dict) -> str:
    """The diverging bar: disagreement left of the centre line, agreement right. Don't know is in the table."""
    label = escape(f"{row['code']}: {row['summary']}")
    rects = "".join(
        f'<rect class="assure-bar--{escape(s.code)}" x="{s.x:.2f}" y="0" width="{s.width:.2f}" height="16">'
        f"<title>{escape(s.label)}: {s.count} ({s.percent}%)</title></rect>"
        for s in row["segments"]
    )
    return (
        f'<svg class="assure-diverging" viewBox="0 0 200 16" preserveAspectRatio="none" role="img" '
        f'aria-label="{label}" focusable="false">{rects}'
        '<line class="assure-diverging__centre" x1="100" y1="0" x2="100" y2="16"></line></svg>'
        f'<p class="nhsuk-body-s assure-bar-summary">{escape(row["summary"])}</p>'
    )


def _statement(row: dict) -> str:
    code = escape(row["code"])
    answers = "".join(
        f'<tr class="nhsuk-table__row"><td class="nhsuk-table__cell">{escape(label)}</td>'
        f'<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{count}</td></tr>'
        for _, label, count in row["counts"]
    )
    return (
        '<div class="assure-statement">'
        f'<p class="nhsuk-u-margin-bottom-2"><span class="assure-code">{code}</span> {escape(row["text"])}</p>'
        f"{bar(row)}"
        '<details class="nhsuk-details nhsuk-u-margin-bottom-4"><summary class="nhsuk-details__summary">'
        f'<span class="nhsuk-details__summary-text">Answers to {code} as a table</span></summary>'
        '<div class="nhsuk-details__text"><table class="nhsuk-table">'
        f'<caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Answers to {code}</caption>'
        '<thead class="nhsuk-table__head"><tr class="nhsuk-table__row">'
        '<th class="nhsuk-table__header" scope="col">Answer</th>'
        '<th class="nhsuk-table__header nhsuk-table__header--numeric" scope="col">People</th></tr></thead>'
        f'<tbody class="nhsuk-table__body">{answers}</tbody></table></div></details></div>'
    )


def _comments(entry: dict, hidden) -> str:
    if not entry["comments"]:
        return f"<p>No comments{' that can be shown' if hidden else ''}.</p>"
    return "".join(
        f'<h5 class="nhsuk-heading-xs">{escape(label)}</h5><ul class="nhsuk-list nhsuk-list--bullet assure-prose">'
        + "".join(f"<li>{linebreaksbr(text, autoescape=True)}</li>" for text in texts)
        + "</ul>"
        for label, texts in entry["comments"]
    )


@register.simple_tag
def survey_domains(domains: list[dict], hidden) -> SafeString:
    """Each domain's section: its statements' bars and tables, then its comments (`hidden`: whether any group's
    results are withheld, which the "no comments" line says)."""
    sections = []
    for entry in domains:
        number = escape(entry["domain"]["number"])
        sections.append(
            f'<section class="assure-results-domain" aria-labelledby="domain-{number}">'
            f'<h3 id="domain-{number}">Domain {number}: {escape(entry["domain"]["short_title"])}</h3>'
            + "".join(_statement(row) for row in entry["rows"])
            + f"<h4>Comments</h4>{_comments(entry, hidden)}</section>"
        )
    return mark_safe("".join(sections))  # noqa: S308 - every value escaped above
