"""The dashboard's table body written out in Python (`{% dashboard_rows %}`) is the markup the page's template loop
gave, escaping included: writing it out is only quicker, never different."""

from __future__ import annotations

import datetime
import uuid
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test.html import parse_html

from assure.reports.dashboard import FACTS, NO_DATA, Cell, Row
from assure.reports.templatetags.dashboard_table import dashboard_rows

HOSTILE = '"><script>alert(1)</script>&amp;'

# The loop as it was in reports/dashboard.html.
TEMPLATE = Template(
    """{% for row in rows %}
              <tr>
                <th scope="row">{% if row.assessment.first_submitted_at %}<a href="{% url 'reports:report' row.assessment.public_id %}">{{ row.ccg.name }}<span class="nhsuk-u-visually-hidden"> report</span></a>{% else %}{{ row.ccg.name }}{% endif %} <span class="assure-code">({{ row.ccg.code }})</span></th>
                {% for value in row.fact_list %}<td>{{ value|default_if_none:"–" }}</td>{% endfor %}
                {% for cell in row.cells %}
                  <td class="assure-heat assure-heat--{{ cell.band }}">
                    {% if cell.href %}<a href="{{ cell.href }}">{{ cell.text }}</a>{% else %}{{ cell.text }}{% endif %}
                    {% if cell.change is not None %}
                      {% if cell.change > 0 %}<span class="assure-change" aria-hidden="true">▲</span><span class="nhsuk-u-visually-hidden">, up from {{ cell.previous }}</span>
                      {% elif cell.change < 0 %}<span class="assure-change" aria-hidden="true">▼</span><span class="nhsuk-u-visually-hidden">, down from {{ cell.previous }}</span>
                      {% else %}<span class="nhsuk-u-visually-hidden">, the same as last cycle</span>{% endif %}
                    {% endif %}
                  </td>
                {% endfor %}
              </tr>
            {% endfor %}"""
)

SUBMITTED = SimpleNamespace(
    public_id=uuid.UUID("0e7d1f0a-3b7c-4d7e-9a55-2f4f6c1d8b21"),
    first_submitted_at=datetime.datetime(2012, 3, 1, tzinfo=datetime.UTC),
)
DRAFT = SimpleNamespace(public_id=uuid.uuid4(), first_submitted_at=None)
LINK = "/assessments/0e7d1f0a-3b7c-4d7e-9a55-2f4f6c1d8b21/submissions/2/#domain-{}"

CELLS = {
    "no data": NO_DATA,
    "a level, linked": Cell("Basics built", "1", "basics_built", LINK.format(1)),
    "the same level, another link": Cell("Basics built", "1", "basics_built", LINK.format(2)),
    "up since last cycle": Cell("Beyond authorisation", "3", "beyond", LINK.format(3), 2, "Basics built"),
    "down since last cycle": Cell("Basics built", "1", "basics_built", LINK.format(4), -1, "Developing"),
    "the same as last cycle": Cell("Developing", "2", "developing", LINK.format(5), 0, "Developing"),
    "not linked, changed": Cell("72% agree", "2", 72, None, 5, "67% agree"),
    "not linked": Cell("Met with conditions (assessors differ)", "1", "met_with_conditions"),
    "hostile": Cell(HOSTILE, HOSTILE, HOSTILE, f"/x?a=1&b={HOSTILE}", -2, HOSTILE),
    "hostile, not linked": Cell(HOSTILE, "0", None, None, 1, HOSTILE),
}

FACT_VALUES = {
    "none yet": {},
    "some": {"stage": "Decision published", "response_rate": "72% (21 of 29)", "outcome": "Authorised"},
    "zero open conditions": {"open_conditions": 0, "overdue": None},
    "hostile": {fact.key: HOSTILE for fact in FACTS},
}


def _rows(assessment, facts) -> list[Row]:
    return [
        Row(
            ccg=SimpleNamespace(name=name, code=code),
            cells=list(CELLS.values()),
            facts=facts,
            assessment=assessment,
        )
        for name, code in [("NHS Camden CCG", "07R"), (HOSTILE, HOSTILE)]
    ]


@pytest.mark.parametrize("facts", FACT_VALUES)
@pytest.mark.parametrize("assessment", [SUBMITTED, DRAFT, None], ids=["submitted", "draft", "none"])
def test_the_rows_are_the_markup_the_template_gave(assessment, facts):
    rows = _rows(assessment, FACT_VALUES[facts])
    written = dashboard_rows(rows)
    assert parse_html(written) == parse_html(TEMPLATE.render(Context({"rows": rows})))
    assert "<script>" not in written


def test_each_cell_keeps_its_own_link_and_change_when_texts_repeat():
    """Cells with the same text and change share their markup but never each other's link."""
    rows = _rows(SUBMITTED, {}) * 3
    written = dashboard_rows(rows)
    assert parse_html(written) == parse_html(TEMPLATE.render(Context({"rows": rows})))
    for number in (1, 2):
        assert written.count(f'href="{LINK.format(number)}">Basics built</a></td>') == 6
    assert written.count(", down from Developing") == 6
