"""The assessor queue's rows written out in Python (`{% queue_rows %}`) are the markup the page's template loop
gave, escaping included: writing them out is only quicker, never different."""

from __future__ import annotations

import dataclasses
import uuid
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test.html import parse_html

from assure.decisions.queries import QueueRow
from assure.decisions.templatetags.queue_table import queue_rows

HOSTILE = '"><script>alert(1)</script>&amp;'

# The loop as it was in decisions/queue.html.
TEMPLATE = Template(
    """{% for row in rows %}
            <tr>
              <td>
                {% if row.conflicted %}{{ row.ccg.name }}<br><span class="nhsuk-body-s">You belong to this CCG, so you cannot review it</span>
                {% elif row.submitted %}<a href="{% url 'decisions:review' row.assessment_id %}">{{ row.ccg.name }}</a>
                {% else %}{{ row.ccg.name }}{% endif %}
              </td>
              {% if not chosen %}<td>{{ row.cycle.name }}</td>{% endif %}
              <td>{% if row.reopened %}Reopened{% elif row.submitted %}Submitted{% else %}Not submitted{% endif %}</td>
              <td>{% if row.reviews_total %}{{ row.reviews_agreed }} of {{ row.reviews_total }} agreed{% else %}Not opened{% endif %}</td>
              <td>{% if row.survey_status == "none" %}Not set up{% elif row.survey_status == "closed" %}Closed, {{ row.survey_responses }} response{{ row.survey_responses|pluralize }}{% elif row.survey_status == "open" %}Open, {{ row.survey_responses }} response{{ row.survey_responses|pluralize }}{% else %}Not open yet{% endif %}</td>
              <td>{% if row.domain_count %}{{ row.domains_judged }} of {{ row.domain_count }} domains judged{% if row.assessors %} ({{ row.assessors }} assessor{{ row.assessors|pluralize }}){% endif %}{% endif %}</td>
              <td>{% if row.outcome %}{{ row.outcome_label }}{% if row.published %} (published){% else %} (not published){% endif %}{% else %}{{ row.stage }}{% endif %}</td>
            </tr>
          {% endfor %}"""
)

BASE = QueueRow(
    cycle=SimpleNamespace(name="2012 authorisation wave 1"),
    ccg=SimpleNamespace(name="NHS Camden CCG"),
    assessment_id=None,
    submitted=False,
    reopened=False,
    reviews_agreed=0,
    reviews_total=0,
    survey_status="none",
    survey_responses=0,
    domains_judged=0,
    assessors=0,
    domain_count=6,
    outcome=None,
    outcome_label="",
    published=False,
    conflicted=False,
)
SUBMITTED = {"submitted": True, "assessment_id": str(uuid.UUID("0e7d1f0a-3b7c-4d7e-9a55-2f4f6c1d8b21"))}

CASES = {
    "not submitted": {},
    "submitted, one review of two agreed, survey open": {
        **SUBMITTED,
        "reviews_agreed": 1,
        "reviews_total": 2,
        "survey_status": "open",
        "survey_responses": 1,
    },
    "reopened, survey scheduled": {**SUBMITTED, "reopened": True, "survey_status": "scheduled"},
    "under review by two assessors, survey closed": {
        **SUBMITTED,
        "domains_judged": 3,
        "assessors": 2,
        "survey_status": "closed",
        "survey_responses": 61,
    },
    "reviewed by one assessor": {**SUBMITTED, "domains_judged": 6, "assessors": 1},
    "decided, not published": {
        **SUBMITTED,
        "domains_judged": 6,
        "assessors": 2,
        "outcome": "authorised_with_conditions",
        "outcome_label": "Authorised with conditions",
    },
    "decision published": {
        **SUBMITTED,
        "outcome": "authorised",
        "outcome_label": "Authorised",
        "published": True,
    },
    "the reader's own CCG": {**SUBMITTED, "conflicted": True},
    "no framework domains": {"domain_count": 0},
    "hostile names": {
        **SUBMITTED,
        "ccg": SimpleNamespace(name=HOSTILE),
        "cycle": SimpleNamespace(name=HOSTILE),
        "outcome": "x",
        "outcome_label": HOSTILE,
    },
    "hostile, the reader's own": {"ccg": SimpleNamespace(name=HOSTILE), "conflicted": True},
}


@pytest.mark.parametrize("chosen", [None, SimpleNamespace(name="2012 authorisation wave 1")])
@pytest.mark.parametrize("case", CASES)
def test_each_row_is_the_markup_the_template_gave(case, chosen):
    rows = [dataclasses.replace(BASE, **CASES[case])]
    written = queue_rows(rows, chosen)
    assert parse_html(written) == parse_html(TEMPLATE.render(Context({"rows": rows, "chosen": chosen})))
    assert "<script>" not in written
