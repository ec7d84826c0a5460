"""An assessor's domain page items written out in Python (`{% workspace_item %}`, `{% assessor_rating %}`) are the
markup decisions/domain.html's loop and decisions/item_rating.html gave before, for every state an item can be in,
escaping included: writing them out is only quicker, never different."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test.html import parse_html

from assure.decisions.forms import AssessorRatingForm
from assure.decisions.workspace import ItemEntry

HOSTILE = '"><script>alert(1)</script>&amp;'

# decisions/item_rating.html as it was (the rating alone, as an htmx save returns it).
RATING_SOURCE = """{% with form=entry.form %}
<div class="assure-assessor-rating" id="rate-{{ entry.code|domid }}">
  {% if entry.stale %}
    <div class="nhsuk-error-summary"><div role="alert"><h4 class="nhsuk-error-summary__heading">Your rating of {{ entry.code }} was not saved</h4><div class="nhsuk-error-summary__body"><p>{{ entry.stale }}</p></div></div></div>
  {% endif %}
  {% if just_saved %}<p class="nhsuk-body-s assure-saved" role="status"><strong>Saved.</strong></p>{% endif %}
  <details class="nhsuk-details"{% if form.errors or entry.mine or just_saved %} open{% endif %}>
    <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Your own rating of {{ entry.code }}{% if entry.mine %}: {{ entry.mine.rating|default_if_none:"note only" }}{% endif %}</span></summary>
    <div class="nhsuk-details__text">
      <form method="post" action="{% url 'decisions:rate_item' assessment.public_id entry.code %}" hx-post="{% url 'decisions:rate_item' assessment.public_id entry.code %}" hx-target="#rate-{{ entry.code|domid }}" hx-swap="outerHTML" novalidate>
        {% csrf_token %}
        {% hidden_field form.version %}
        {{ form.rating.as_field_group }}
        {{ form.note.as_field_group }}
        <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">Save your rating of {{ entry.code }}</button>
      </form>
    </div>
  </details>
</div>
{% endwith %}
"""
# decisions/domain.html's loop over the items as it was, with item_rating.html as it was in place of its include.
LOOP_SOURCE = """  {% for entry in entries %}
    <div class="assure-item">
      <h3 class="nhsuk-heading-s"><span class="assure-code">{{ entry.code }}</span> {{ entry.text }}</h3>
      <p class="nhsuk-body-s">{% if entry.tier == "basics" %}Build the basics{% elif entry.tier == "future" %}Develop together for the future{% else %}{{ entry.tier }}{% endif %}</p>
      <dl class="nhsuk-summary-list">
        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">CCG's rating</dt><dd class="nhsuk-summary-list__value">{% if entry.not_applicable %}Not applicable: {{ entry.reason }}{% else %}{{ entry.rating|default_if_none:"Not rated" }}{% endif %}</dd></div>
        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Narrative</dt><dd class="nhsuk-summary-list__value">{{ entry.narrative|default:"None"|linebreaksbr }}</dd></div>
        <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Evidence</dt><dd class="nhsuk-summary-list__value">
          {% for evidence in entry.evidence %}
            <p class="nhsuk-body-s nhsuk-u-margin-bottom-1">{% if evidence.file %}<a href="{% url 'evidence:download' evidence.id %}">{{ evidence.title }}</a>{% elif evidence.link %}<a href="{{ evidence.link }}" rel="noopener noreferrer">{{ evidence.title }}</a>{% else %}<a href="{% url 'evidence:detail' evidence.id %}">{{ evidence.title }}</a>{% endif %} ({{ evidence.type }}, {{ evidence.document_date }})</p>
          {% empty %}None linked{% endfor %}
        </dd></div>
        {% for agreed in entry.agreed %}
          <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">Partnership with {{ agreed.hwb }}</dt><dd class="nhsuk-summary-list__value">CCG {{ agreed.ccg|default_if_none:"–" }}, HWB {{ agreed.hwb_rating|default_if_none:"–" }}{% if agreed.to_discuss %} (a gap of {{ agreed.gap }}){% endif %}; agreed {{ agreed.agreed|default_if_none:"–" }}{% if agreed.action %}. Action: {{ agreed.action }}{% endif %}</dd></div>
        {% endfor %}
        {% for other in entry.others %}
          <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{{ other.assessor.get_full_name }}'s rating</dt><dd class="nhsuk-summary-list__value">{{ other.rating|default_if_none:"No rating" }}{% if other.note %}: {{ other.note }}{% endif %}</dd></div>
        {% endfor %}
      </dl>
      {% if can_judge %}{% include "decisions/item_rating.html" %}{% elif entry.mine %}<p class="nhsuk-body-s">Your rating: {{ entry.mine.rating|default_if_none:"none" }}{% if entry.mine.note %}: {{ entry.mine.note }}{% endif %}</p>{% endif %}
    </div>
  {% endfor %}
"""
RATING_BEFORE = Template(RATING_SOURCE)
ITEMS_BEFORE = Template(
    LOOP_SOURCE.replace('{% include "decisions/item_rating.html" %}', RATING_SOURCE.strip())
)
ITEMS = Template("{% load workspace_items %}{% for entry in entries %}{% workspace_item entry %}{% endfor %}")
RATING = Template("{% load workspace_items %}{% assessor_rating entry %}")

SCALE = [
    SimpleNamespace(value=v, label=label)
    for v, label in enumerate(["Not yet", "Planned", "In place", "Embedded"])
]
ASSESSMENT = SimpleNamespace(public_id=uuid.UUID("5b0e7c1a-8f3d-4e2b-9c6a-1d2e3f4a5b6c"))
FILE = {
    "id": str(uuid.UUID(int=1)),
    "title": "Board minutes",
    "type": "Minutes",
    "document_date": "2012-10-01",
    "file": "m.pdf",
    "link": "",
}
LINK = {
    "id": str(uuid.UUID(int=2)),
    "title": "Strategy",
    "type": "Strategy",
    "document_date": "2012-09-01",
    "file": "",
    "link": "https://example.org/a?b=1&c=2",
}
RECORD = {
    "id": str(uuid.UUID(int=3)),
    "title": "Plan",
    "type": "Plan",
    "document_date": "2012-08-01",
    "file": "",
    "link": "",
}
AGREED = {
    "hwb": "Camden HWB",
    "ccg": 2,
    "hwb_rating": 0,
    "gap": 2,
    "to_discuss": True,
    "agreed": 1,
    "action": "Meet monthly",
}
CALM = {
    "hwb": "Islington HWB",
    "ccg": None,
    "hwb_rating": None,
    "gap": None,
    "to_discuss": False,
    "agreed": None,
    "action": "",
}


def person(name):
    return SimpleNamespace(get_full_name=lambda: name)


def entry(code="2.10", *, form_data=None, mine=None, **fields):
    made = ItemEntry(
        code=code,
        tier=fields.pop("tier", "basics"),
        text=fields.pop("text", "The CCG works with its HWB."),
        rating=fields.pop("rating", 2),
        not_applicable=fields.pop("not_applicable", False),
        reason=fields.pop("reason", ""),
        narrative=fields.pop("narrative", "We meet.\nWe plan together."),
        evidence=fields.pop("evidence", [FILE, LINK, RECORD]),
        **fields,
    )
    made.mine = mine
    made.form = AssessorRatingForm(form_data, code=code, scale=SCALE, initial={"version": 1}, prefix=None)
    if form_data is not None:
        made.form.is_valid()
    return made


MINE = SimpleNamespace(rating=3, note="Strong evidence")
CASES = {
    "rated, with evidence of each kind": entry(),
    "not applicable": entry(not_applicable=True, reason="No such service", rating=None),
    "unrated, no narrative or evidence": entry(rating=None, narrative="", evidence=[]),
    "a future item": entry(tier="future"),
    "another tier": entry(tier="extra"),
    "partnership rows": entry(agreed=[AGREED, CALM, {**AGREED, "gap": 1, "to_discuss": False}]),
    "other assessors' ratings": entry(
        others=[
            SimpleNamespace(assessor=person("Sam Lee"), rating=1, note="Thin"),
            SimpleNamespace(assessor=person("Jo Bloggs"), rating=None, note=""),
        ]
    ),
    "the reader's own rating": entry(mine=MINE),
    "the reader's note only": entry(mine=SimpleNamespace(rating=None, note="")),
    "errors in the rating form": entry(form_data={"rate-2.10-rating": "9", "rate-2.10-note": "x" * 5000}),
    "a stale rating": entry(stale="Someone changed it."),
    "hostile text": entry(
        '2.1"<x>',
        text=HOSTILE,
        reason=HOSTILE,
        narrative=HOSTILE + "\n" + HOSTILE,
        evidence=[{**LINK, "title": HOSTILE, "link": HOSTILE, "type": HOSTILE, "document_date": HOSTILE}],
        agreed=[{**AGREED, "hwb": HOSTILE, "action": HOSTILE}],
        others=[SimpleNamespace(assessor=person(HOSTILE), rating=2, note=HOSTILE)],
        mine=SimpleNamespace(rating=1, note=HOSTILE),
        stale=HOSTILE,
    ),
}


def page(**extra):
    return {"assessment": ASSESSMENT, "can_judge": True, "csrf_token": "token-for-the-test", **extra}


@pytest.mark.parametrize("can_judge", [True, False])
@pytest.mark.parametrize("case", CASES)
def test_each_item_is_the_markup_the_page_gave(case, can_judge):
    context = page(entries=[CASES[case]], can_judge=can_judge)
    written = ITEMS.render(Context(context))
    assert parse_html(written) == parse_html(ITEMS_BEFORE.render(Context(context)))
    assert "<script>" not in written


@pytest.mark.parametrize("just_saved", [True, False])
@pytest.mark.parametrize("case", CASES)
def test_a_rating_saved_alone_is_the_markup_item_rating_html_gave(case, just_saved):
    context = page(entry=CASES[case], just_saved=just_saved)
    written = RATING.render(Context(context))
    assert parse_html(written) == parse_html(RATING_BEFORE.render(Context(context)))
    assert "<script>" not in written


def test_every_item_of_a_page_is_written_in_order():
    context = page(entries=list(CASES.values()))
    written = ITEMS.render(Context(context))
    assert written.count('class="assure-item"') == len(CASES)
    assert parse_html(written) == parse_html(ITEMS_BEFORE.render(Context(context)))


# The reader's own rating as each item's new form holds it (rating, note, version), or none.
HELD = {
    "none yet": None,
    "a rating and a note": SimpleNamespace(rating=3, note="Strong evidence", version=4),
    "a note only": SimpleNamespace(rating=None, note="Thin\nevidence", version=1),
    "a rating of 0 and no note": SimpleNamespace(rating=0, note="", version=2),
    "hostile note": SimpleNamespace(rating=1, note=HOSTILE, version=7),
}


@pytest.mark.parametrize("code", ["2.10", '2.1"<x>&'])
@pytest.mark.parametrize("held", HELD)
def test_a_new_rating_form_is_the_one_django_writes(code, held):
    """Without a posted form (`entry.form` None) each item's form is written out from the reader's rating and the
    page's scale: the same markup as the AssessorRatingForm the page built for it before, holding that rating."""
    mine = HELD[held]
    written_entry = entry(code, mine=mine)
    written_entry.form = None
    built_entry = entry(code, mine=mine)
    built_entry.form = AssessorRatingForm(
        code=code,
        scale=SCALE,
        initial={
            "rating": str(mine.rating) if mine and mine.rating is not None else "",
            "note": mine.note if mine else "",
            "version": mine.version if mine else 0,
        },
    )
    for template in (RATING, ITEMS):
        written = template.render(
            Context(page(entry=written_entry, entries=[written_entry], rating_scale=SCALE))
        )
        built = template.render(Context(page(entry=built_entry, entries=[built_entry])))
        assert parse_html(written) == parse_html(built)
        assert "<script>" not in written
        assert written.count('type="radio"') == len(SCALE)
