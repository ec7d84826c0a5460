"""The cycle page's table of CCGs written out in Python (assure/cycles/templatetags/cycle_table.py) is the markup
the page's template loop gave, escaping included: writing it out is only quicker, never different."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test.html import parse_html

from assure.cycles.templatetags.cycle_table import cycle_ccg_rows

HOSTILE = '"><script>alert(1)</script>&amp;'

# The loop as it was in cycles/detail.html.
TEMPLATE = Template(
    """{% for ccg in ccgs %}
                <tr>
                  <td>{{ ccg.name }} <span class="assure-code">({{ ccg.code }})</span></td>
                  <td>
                    {% if ccg.is_mine %}
                      <a href="{{ ccg.start_url }}">Open<span class="nhsuk-u-visually-hidden"> {{ ccg.name }} self-assessment</span></a>{% if ccg.assessment %} ({{ ccg.status_label|lower }}){% endif %}
                    {% elif ccg.assessment.first_submitted_at %}
                      <a href="{{ ccg.task_list_url }}">{{ ccg.status_label }}<span class="nhsuk-u-visually-hidden"> – {{ ccg.name }} self-assessment</span></a>
                    {% else %}
                      Not submitted
                    {% endif %}
                    {% if ccg.assessment and ccg.is_mine or ccg.assessment.first_submitted_at %}
                      · <a href="{{ ccg.report_url }}">Report<span class="nhsuk-u-visually-hidden"> for {{ ccg.name }}</span></a>
                    {% endif %}
                  </td>
                  <td>{% if ccg.overdue %}{% include "components/tag.html" with text="Overdue" colour="red" %} {{ ccg.overdue|join:", " }}{% else %}None{% endif %}</td>
                </tr>
              {% endfor %}"""
)

SUBMITTED = SimpleNamespace(first_submitted_at=datetime.datetime(2012, 11, 1, tzinfo=datetime.UTC))
DRAFT = SimpleNamespace(first_submitted_at=None)


def ccg(name="NHS Camden CCG", *, mine=False, assessment=None, status="Draft", overdue=()):
    return SimpleNamespace(
        name=name,
        code="08H",
        is_mine=mine,
        assessment=assessment,
        start_url="/assessments/start/c/08H/",
        status_label=status,
        task_list_url="/assessments/a/",
        report_url="/reports/assessments/a/",
        overdue=list(overdue),
    )


CASES = {
    "mine, not started": ccg(mine=True),
    "mine, a draft": ccg(mine=True, assessment=DRAFT),
    "mine, submitted": ccg(mine=True, assessment=SUBMITTED, status="Submitted"),
    "another CCG's draft": ccg(assessment=DRAFT),
    "another CCG's submitted": ccg(assessment=SUBMITTED, status="Submitted"),
    "another CCG, not started": ccg(),
    "overdue": ccg(overdue=["Self-assessment", "360° stakeholder survey"]),
    "hostile, mine": ccg(HOSTILE, mine=True, assessment=SUBMITTED, status=HOSTILE, overdue=[HOSTILE]),
    "hostile, another CCG's": ccg(HOSTILE, assessment=SUBMITTED, status=HOSTILE),
}


@pytest.mark.parametrize("case", CASES)
def test_each_row_is_the_markup_the_template_gave(case):
    rows = [CASES[case]]
    assert parse_html(cycle_ccg_rows(rows)) == parse_html(TEMPLATE.render(Context({"ccgs": rows})))


def test_every_row_is_written_in_order():
    rows = list(CASES.values())
    written = cycle_ccg_rows(rows)
    assert written.count("<tr>") == len(rows)
    assert parse_html(written) == parse_html(TEMPLATE.render(Context({"ccgs": rows})))
    assert "<script>" not in written
