"""The gaps page's items written out in Python (`{% gap_items %}`) are the markup the page's template loop gave,
escaping included: writing them out is only quicker, never different."""

from __future__ import annotations

import datetime
import uuid
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test.html import parse_html

from assure.partnerships.gaps import Gap
from assure.partnerships.templatetags.partnerships import gap_items

HOSTILE = '"><script>alert(1)</script>&amp;'
SCALE = {0: "Not started", 1: "Planned", 2: "In place", 3: "Embedded <fully>"}
REVIEW = SimpleNamespace(public_id=uuid.UUID("6f1c3c1e-9a55-4d3b-8a43-2a8f1b0c9d10"))

# The loop as it was in partnerships/gaps.html.
TEMPLATE = Template(
    """{% load partnerships %}{% for row, gap in rows %}
        <div class="assure-item" id="item-{{ row.item.code|domid }}">
          <h3 class="nhsuk-heading-s"><span class="assure-code">{{ row.item.code }}</span> {{ row.item.text }}</h3>
          {% if gap.to_discuss %}<p>{% include "components/tag.html" with text="To discuss" colour="orange" %}</p>{% endif %}
          <dl class="nhsuk-summary-list">
            <div class="nhsuk-summary-list__row">
              <dt class="nhsuk-summary-list__key">CCG</dt>
              <dd class="nhsuk-summary-list__value"><strong>{{ gap.ccg }}</strong> {{ scale|label_of:gap.ccg }}{% if row.ccg.comment %}<br>“{{ row.ccg.comment }}”{% endif %}</dd>
            </div>
            <div class="nhsuk-summary-list__row">
              <dt class="nhsuk-summary-list__key">HWB</dt>
              <dd class="nhsuk-summary-list__value"><strong>{{ gap.hwb }}</strong> {{ scale|label_of:gap.hwb }}{% if row.hwb.comment %}<br>“{{ row.hwb.comment }}”{% endif %}</dd>
            </div>
            <div class="nhsuk-summary-list__row">
              <dt class="nhsuk-summary-list__key">Gap</dt>
              <dd class="nhsuk-summary-list__value">{% if gap.size == 0 %}They agree{% else %}{{ gap.size }} point{{ gap.size|pluralize }}: the {% if gap.higher == "ccg" %}CCG{% else %}HWB{% endif %} rates it higher{% endif %}</dd>
            </div>
            {% if row.agreed.agreed_rating is not None %}
              <div class="nhsuk-summary-list__row">
                <dt class="nhsuk-summary-list__key">Agreed</dt>
                <dd class="nhsuk-summary-list__value"><strong>{{ row.agreed.agreed_rating }}</strong> {{ scale|label_of:row.agreed.agreed_rating }}{% if row.agreed.action %}<br>Action: {{ row.agreed.action }} ({{ row.agreed.action_owner.name }}, by {{ row.agreed.action_due|date:"j F Y" }}){% endif %}</dd>
              </div>
            {% endif %}
          </dl>
          <p class="nhsuk-body-s"><a href="{% url 'partnerships:agree_domain' review.public_id row.item.domain.number %}#item-{{ row.item.code|domid }}">{% if can_agree %}Agree {{ row.item.code }}{% else %}Agreement of {{ row.item.code }}{% endif %}</a></p>
        </div>
      {% endfor %}"""
)


def row(code="2.10", ccg=2, hwb=2, *, domain=2, text="Engage the HWB", comments=("", ""), agreed=None):
    item = SimpleNamespace(code=code, text=text, domain=SimpleNamespace(number=domain))
    sides = [SimpleNamespace(rating=r, comment=c) for r, c in zip((ccg, hwb), comments, strict=True)]
    board_row = SimpleNamespace(item=item, ccg=sides[0], hwb=sides[1], agreed=agreed)
    return board_row, Gap(code, item.domain.number, ccg, hwb)


def agreed(rating=2, action="", owner="NHS Camden CCG", due=datetime.date(2013, 3, 31)):
    return SimpleNamespace(
        agreed_rating=rating,
        action=action,
        action_owner=SimpleNamespace(name=owner) if owner else None,
        action_due=due,
    )


CASES = {
    "they agree": [row()],
    "differ by one, the HWB higher": [row(ccg=1, hwb=2)],
    "differ by three, the CCG higher, to discuss": [row(ccg=3, hwb=0)],
    "with comments": [row(comments=("We have a plan", "We have not seen it"))],
    "agreed, no action": [row(agreed=agreed())],
    "agreed with an action": [row(ccg=0, hwb=2, agreed=agreed(1, action="Share the plan"))],
    "an action with no owner or date": [row(agreed=agreed(3, action="Review", owner=None, due=None))],
    "agreeing not started": [row(agreed=agreed(rating=None))],
    "hostile text": [
        row(
            HOSTILE.replace(" ", ""),
            domain=1,
            text=HOSTILE,
            comments=(HOSTILE, HOSTILE),
            agreed=agreed(action=HOSTILE, owner=HOSTILE),
        )
    ],
    "several items": [
        row("1.1", domain=1),
        row("3.4", ccg=0, hwb=3, domain=3),
        row("6.7", ccg=2, hwb=1, domain=6, agreed=agreed()),
    ],
}


@pytest.mark.parametrize("can_agree", [True, False])
@pytest.mark.parametrize("case", CASES)
def test_each_item_is_the_markup_the_template_gave(case, can_agree):
    rows = CASES[case]
    context = {"rows": rows, "review": REVIEW, "scale": SCALE, "can_agree": can_agree}
    written = gap_items(rows, REVIEW, SCALE, can_agree)
    assert parse_html(written) == parse_html(TEMPLATE.render(Context(context)))
    assert "<script>" not in written
