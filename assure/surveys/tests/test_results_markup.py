"""A closed survey's statements and comments written out in Python (`{% survey_domains %}`) are the markup
surveys/results.html and its bar include gave before: for every group a reader can choose, for hidden groups, and
with hostile text wherever a person or a framework file can put it. Writing them out is only quicker."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test.html import parse_html

from assure.surveys import charts, services
from assure.surveys.constants import ANSWERS, GROUP_CODES
from assure.surveys.templatetags.survey_results import survey_domains
from assure.surveys.views.results import results_context

from .factories import SurveyFactory, respond

HOSTILE = '"><script>alert(1)</script>&amp;'

# surveys/results.html's loop over the domains as it was, with surveys/diverging_bar.html in place of its include.
BEFORE = Template(
    """    {% for entry in domains %}
      <section class="assure-results-domain" aria-labelledby="domain-{{ entry.domain.number }}">
        <h3 id="domain-{{ entry.domain.number }}">Domain {{ entry.domain.number }}: {{ entry.domain.short_title }}</h3>
        {% for row in entry.rows %}
          <div class="assure-statement">
            <p class="nhsuk-u-margin-bottom-2"><span class="assure-code">{{ row.code }}</span> {{ row.text }}</p>
            <svg class="assure-diverging" viewBox="0 0 200 16" preserveAspectRatio="none" role="img" aria-label="{{ row.code }}: {{ row.summary }}" focusable="false">
  {% for segment in row.segments %}<rect class="assure-bar--{{ segment.code }}" x="{{ segment.x|stringformat:'.2f' }}" y="0" width="{{ segment.width|stringformat:'.2f' }}" height="16"><title>{{ segment.label }}: {{ segment.count }} ({{ segment.percent }}%)</title></rect>{% endfor %}
  <line class="assure-diverging__centre" x1="100" y1="0" x2="100" y2="16"></line>
</svg>
<p class="nhsuk-body-s assure-bar-summary">{{ row.summary }}</p>
            <details class="nhsuk-details nhsuk-u-margin-bottom-4">
              <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Answers to {{ row.code }} as a table</span></summary>
              <div class="nhsuk-details__text">
                <table class="nhsuk-table">
                  <caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Answers to {{ row.code }}</caption>
                  <thead class="nhsuk-table__head"><tr class="nhsuk-table__row"><th class="nhsuk-table__header" scope="col">Answer</th><th class="nhsuk-table__header nhsuk-table__header--numeric" scope="col">People</th></tr></thead>
                  <tbody class="nhsuk-table__body">
                    {% for code, label, count in row.counts %}
                      <tr class="nhsuk-table__row"><td class="nhsuk-table__cell">{{ label }}</td><td class="nhsuk-table__cell nhsuk-table__cell--numeric">{{ count }}</td></tr>
                    {% endfor %}
                  </tbody>
                </table>
              </div>
            </details>
          </div>
        {% endfor %}
        <h4>Comments</h4>
        {% for label, texts in entry.comments %}
          <h5 class="nhsuk-heading-xs">{{ label }}</h5>
          <ul class="nhsuk-list nhsuk-list--bullet assure-prose">
            {% for text in texts %}<li>{{ text|linebreaksbr }}</li>{% endfor %}
          </ul>
        {% empty %}
          <p>No comments{% if results.hidden %} that can be shown{% endif %}.</p>
        {% endfor %}
      </section>
    {% endfor %}
"""
)
AFTER = Template("{% load survey_results %}{% survey_domains domains results.hidden %}")


def assert_same(context: dict) -> str:
    written = AFTER.render(Context(context))
    assert parse_html(written) == parse_html(BEFORE.render(Context(context)))
    return written


@pytest.mark.parametrize("group", [None, *GROUP_CODES, "nobody"])
def test_each_group_of_a_closed_survey_is_what_the_template_gave(demo, islington_survey, group):
    context = results_context(islington_survey, demo.admin, group)
    written = assert_same(context)
    statements = sum(len(domain["statements"]) for domain in islington_survey.statements)
    assert written.count('class="assure-statement"') == statements
    if context["chosen"] is not None:
        assert written.count('<svg class="assure-diverging"') == statements


def test_comments_with_hostile_text_and_line_breaks_are_what_the_template_gave(demo):
    survey = SurveyFactory(cycle=demo.cycle, organisation=demo.hackney)
    for n in range(5):
        respond(
            survey,
            "member_practice",
            {"S1.1": ["agree", "strongly_disagree", "dont_know"][n % 3], "S2.1": "neutral"},
            {1: f"Line one {HOSTILE}\nline two\r\nline three {n}", 3: "Plain"},
        )
        respond(survey, "local_authority", {"S1.1": "agree"}, {1: "The council's view."})
    respond(survey, "hwb", {"S1.1": "disagree"}, {2: HOSTILE})
    services.survey_close(survey=survey, user=demo.admin)
    for group in (None, "member_practice"):
        written = assert_same(results_context(survey, demo.admin, group))
        assert "<script>" not in written and "line two<br>line three" in written
        # the board's one response is hidden, and with it the next smallest group, the local authority
        assert "No comments that can be shown." in written and "The council" not in written


def test_statements_and_domains_with_hostile_text_are_what_the_template_gave():
    """Statement texts and domain titles come from an imported framework file: escaped like anything typed."""
    counts = {"strongly_agree": 3, "agree": 7, "neutral": 1, "disagree": 2, "dont_know": 4}
    row = {
        "code": f"S9.{HOSTILE}",
        "text": f"Text {HOSTILE}",
        "counts": [(code, f"{label} {HOSTILE}", counts.get(code, 0)) for code, label in ANSWERS],
        "segments": charts.diverging(counts),
        "summary": charts.summary(counts),
    }
    domains = [
        {
            "domain": {"number": 9, "short_title": HOSTILE},
            "rows": [row, {**row, "segments": []}],
            "comments": [],
        },
        {"domain": {"number": 10, "short_title": "Ten"}, "rows": [], "comments": [(HOSTILE, [HOSTILE, "x"])]},
    ]
    for hidden in (set(), {"hwb"}):
        written = assert_same({"domains": domains, "results": {"hidden": hidden}})
        assert "<script>" not in written
    # the title; in each of two rows the code four times, the text, six answer labels; a group label and a comment
    assert survey_domains(domains, set()).count("&lt;script&gt;") == 1 + 2 * (4 + 1 + 6) + 2
