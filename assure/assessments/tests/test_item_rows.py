"""A domain page's items written out in Python (`{% item_row %}`) are the markup assessments/item_row.html gave
before, for every state an item can be in, escaping included: writing them out is only quicker, never different."""

from __future__ import annotations

import datetime
import uuid
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation

from assure.assessments.forms import HeldItemForm, ItemForm
from assure.assessments.models import NARRATIVE_MAX_LENGTH
from assure.assessments.templatetags.item_rows import saved_when
from assure.core.forms import FixedChoices

HOSTILE = '"><script>alert(1)</script>&amp;'

# assessments/item_row.html as it was, the loop's body of the domain page.
TEMPLATE = Template(
    """{# One item with its rating form. Returned alone for htmx saves (with the domain result out-of-band). #}
{% with response=entry.response form=entry.form item=entry.response.item %}
<div class="assure-item" id="item-{{ item.code|domid }}">
  {% if entry.stale %}
    <div class="nhsuk-error-summary">
      <div role="alert">
        <h3 class="nhsuk-error-summary__heading">Your change to {{ item.code }} was not saved</h3>
        <div class="nhsuk-error-summary__body">
          <p>{{ entry.stale }}</p>
          <p>Now saved: {{ response.display_rating }}{% if response.narrative %} – “{{ response.narrative|truncatewords:40 }}”{% endif %}</p>
        </div>
      </div>
    </div>
  {% endif %}
  {% if response.carried_over %}
    <p class="nhsuk-body-s assure-carried-over"><strong class="nhsuk-tag nhsuk-tag--orange">Carried over, to be confirmed</strong> This is what your CCG submitted for {{ item.code }} in {{ carried_from.name|default:"the last cycle" }}. Save it as it is to confirm it, or change it.</p>
  {% endif %}
  {% if just_saved %}<p class="nhsuk-body-s assure-saved" role="status"><strong>Saved.</strong></p>{% endif %}
  {% url 'assessments:save_item' assessment.public_id item.code as save_url %}
  <form method="post" action="{{ save_url }}" hx-post="{{ save_url }}" hx-target="#item-{{ item.code|domid }}" hx-swap="outerHTML" novalidate>
    {% csrf_token %}
    {% hidden_field form.version %}
    <div class="nhsuk-form-group{% if form.rating.errors %} nhsuk-form-group--error{% endif %}">
      <fieldset class="nhsuk-fieldset">
        <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s"><span class="assure-code">{{ item.code }}</span> {{ item.text }}</legend>
        {% for error in form.rating.errors %}<span class="nhsuk-error-message" id="{{ form.rating.auto_id }}-error"><span class="nhsuk-u-visually-hidden">Error:</span> {{ error }}</span>{% endfor %}
        <div class="nhsuk-radios nhsuk-radios--small" data-module="nhsuk-radios">
          {# The options are written out by nhsuk_radios: the widget's own per-option rendering was slow on a page of dozens of items. #}
          {% if can_edit %}{% nhsuk_radios form.rating exclude="na" %}{% else %}{% nhsuk_radios form.rating exclude="na" disabled=True %}{% endif %}
          {% if form.allow_na %}
            {% if can_edit %}{% nhsuk_radios form.rating only="na" %}{% else %}{% nhsuk_radios form.rating only="na" disabled=True %}{% endif %}
            {# Shown only while "not applicable" is checked, by CSS (assure.scss: .assure-na-reason), not by the design system's conditional reveal. #}
            <div class="nhsuk-radios__conditional assure-na-reason" id="{{ form.prefix }}-na-reason">
              {# The components/field.html markup for a textarea, written out: rendering it through the form renderer cost a template per item. #}
              <div class="nhsuk-form-group{% if form.reason.errors %} nhsuk-form-group--error{% endif %}">
                <label class="nhsuk-label" for="{{ form.reason.auto_id }}">{{ form.fields.reason.label }}</label>
                {% for error in form.reason.errors %}<span class="nhsuk-error-message" id="{{ form.reason.auto_id }}-error"><span class="nhsuk-u-visually-hidden">Error:</span> {{ error }}</span>{% endfor %}
                <textarea class="nhsuk-textarea{% if form.reason.errors %} nhsuk-textarea--error{% endif %}" id="{{ form.reason.auto_id }}" name="{{ form.reason.html_name }}" rows="2" maxlength="{{ form.fields.reason.max_length }}"{% if form.reason.errors %} aria-describedby="{{ form.reason.auto_id }}-error"{% endif %}>{{ form.reason.value|default_if_none:"" }}</textarea>
              </div>
            </div>
          {% endif %}
        </div>
      </fieldset>
    </div>
    <div class="nhsuk-form-group nhsuk-character-count{% if form.narrative.errors %} nhsuk-form-group--error{% endif %}" data-module="nhsuk-character-count" data-maxlength="{{ form.fields.narrative.max_length }}">
      <label class="nhsuk-label" for="{{ form.narrative.auto_id }}">Narrative for {{ item.code }}</label>
      <div class="nhsuk-hint" id="{{ form.narrative.auto_id }}-hint">How the CCG meets this action, and where the evidence is.</div>
      {% for error in form.narrative.errors %}<span class="nhsuk-error-message" id="{{ form.narrative.auto_id }}-error"><span class="nhsuk-u-visually-hidden">Error:</span> {{ error }}</span>{% endfor %}
      <textarea class="nhsuk-textarea nhsuk-js-character-count{% if form.narrative.errors %} nhsuk-textarea--error{% endif %}" id="{{ form.narrative.auto_id }}" name="{{ form.narrative.html_name }}" rows="4" aria-describedby="{{ form.narrative.auto_id }}-info {{ form.narrative.auto_id }}-hint{% if form.narrative.errors %} {{ form.narrative.auto_id }}-error{% endif %}"{% if not can_edit %} readonly{% endif %}>{{ form.narrative.value|default_if_none:"" }}</textarea>
      <div class="nhsuk-hint nhsuk-character-count__message" id="{{ form.narrative.auto_id }}-info">You can enter up to {{ form.fields.narrative.max_length }} characters</div>
    </div>
    {% if form.fields.evidence.choices %}
      <details class="nhsuk-details"{% if form.evidence.value %} open{% endif %}>
        <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">Evidence for {{ item.code }} ({{ form.evidence.value|length }} linked)</span></summary>
        <div class="nhsuk-details__text">
          <div class="nhsuk-form-group{% if form.evidence.errors %} nhsuk-form-group--error{% endif %}">
            <fieldset class="nhsuk-fieldset">
              <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Evidence linked to {{ item.code }}</legend>
              {% for error in form.evidence.errors %}<span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">Error:</span> {{ error }}</span>{% endfor %}
              <div class="nhsuk-checkboxes nhsuk-checkboxes--small" data-module="nhsuk-checkboxes">
                {% if can_edit %}{% nhsuk_checkboxes form.evidence %}{% else %}{% nhsuk_checkboxes form.evidence disabled=True %}{% endif %}
              </div>
            </fieldset>
          </div>
        </div>
      </details>
    {% endif %}
    {% if can_edit %}
      <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">{% if response.carried_over %}Confirm or save {{ item.code }}{% else %}Save {{ item.code }}{% endif %}</button>
    {% endif %}
  </form>
  <p class="nhsuk-body-s assure-source">
    {% if response.updated_at %}Last saved by {{ response.updated_by.get_full_name|default:"someone" }} on {{ response.updated_at|date:"j M Y \\a\\t H:i" }} · {% endif %}
    <a href="{% url 'assessments:item_history' assessment.public_id item.code %}">History of {{ item.code }}</a>
  </p>
  {% if oob_result %}{% include "assessments/domain_result.html" %}{% endif %}
</div>
{% endwith %}
"""
)
WRITTEN = Template("{% load item_rows %}{% item_row entry %}")

SCALE = [
    SimpleNamespace(value=v, label=label)
    for v, label in enumerate(["Not yet", "Planned", "In place", "Embedded"])
]
LIBRARY = [(str(uuid.UUID(int=n)), f"Evidence {n} (Board minutes)") for n in range(1, 4)]
ASSESSMENT = SimpleNamespace(public_id=uuid.UUID("3f6c1d1e-2b7a-4c55-9a1f-0d7e2b9c4a11"))
RESULT = SimpleNamespace(
    level_label="Developing together",
    threshold_met=True,
    rated=9,
    not_applicable=1,
    total=11,
    next_level_label="",
)
LEAD = SimpleNamespace(get_full_name=lambda: "Asha Patel")
NAMELESS = SimpleNamespace(get_full_name=lambda: "")
SAVED_AT = datetime.datetime(2012, 11, 5, 14, 30, tzinfo=datetime.UTC)


def response(
    code="1.10", *, text="The CCG has a clear vision.", narrative="", carried_over=False, updated_by=None
):
    return SimpleNamespace(
        item=SimpleNamespace(code=code, text=text),
        display_rating="2 – In place",
        narrative=narrative,
        carried_over=carried_over,
        updated_at=SAVED_AT if updated_by is not None else None,
        updated_by=updated_by,
    )


def form(code="1.10", *, data=None, initial=None, library=LIBRARY, allow_na=True):
    made = ItemForm(
        data,
        initial=initial or {"version": 3},
        code=code,
        scale=SCALE,
        evidence_choices=library,
        allow_na=allow_na,
    )
    if data is not None:
        made.is_valid()
    return made


def bound(code="1.10", **fields):
    prefix = f"item-{code}"
    return form(code, data={f"{prefix}-{name}": value for name, value in fields.items()})


CASES = {
    "rated, with a narrative and evidence": (
        {},
        response(narrative="We do this."),
        form(
            initial={
                "rating": "2",
                "narrative": "We do this.",
                "evidence": [LIBRARY[0][0], LIBRARY[2][0]],
                "version": 4,
            }
        ),
    ),
    "not applicable, with its reason": (
        {},
        response(),
        form(initial={"rating": "na", "reason": "No such service", "version": 1}),
    ),
    "unrated, an empty evidence library": ({}, response(), form(library=[])),
    "no not-applicable in the framework": ({}, response(), form(allow_na=False)),
    "errors on every field": (
        {},
        response(),
        bound(
            rating="9",
            reason="x" * 2000,
            narrative="y" * (NARRATIVE_MAX_LENGTH + 1),
            evidence=["nope"],
            version="2",
        ),
    ),
    "a missing version": ({}, response(), bound(rating="1")),
    "an empty version": ({}, response(), bound(rating="1", version="")),
    "a hostile version": ({}, response(), bound(rating="1", version=HOSTILE)),
    "submitted: nothing to change": (
        {"can_edit": False},
        response(updated_by=LEAD),
        form(initial={"rating": "3", "version": 2}),
    ),
    "carried over from the last cycle": (
        {"carried_from": SimpleNamespace(name="2012 authorisation wave 1")},
        response(carried_over=True),
        form(),
    ),
    "carried over, the cycle unknown": ({}, response(carried_over=True), form()),
    "just saved, with the domain result": (
        {"just_saved": True, "oob_result": True, "result": RESULT},
        response(updated_by=LEAD),
        form(),
    ),
    "saved by someone without a name": ({}, response(updated_by=NAMELESS), form()),
    "a stale change": (
        {"stale": "Someone else saved 1.10 while you were editing it."},
        response(narrative="word " * 60),
        form(),
    ),
    "a stale change, no narrative": ({"stale": "Stale."}, response(), form()),
    "no CSRF token": ({"csrf_token": None}, response(), form()),
    "hostile text everywhere": (
        {"carried_from": SimpleNamespace(name=HOSTILE), "stale": HOSTILE},
        response(
            '1.2"<x>',
            text=HOSTILE,
            narrative=HOSTILE,
            carried_over=True,
            updated_by=SimpleNamespace(get_full_name=lambda: HOSTILE),
        ),
        form(
            '1.2"<x>',
            initial={"narrative": HOSTILE, "reason": HOSTILE, "version": 1},
            library=[("a&b", HOSTILE)],
        ),
    ),
    "hostile, bound": (
        {},
        response(),
        bound(narrative=HOSTILE, reason=HOSTILE, evidence=[HOSTILE], version="1"),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_each_item_is_the_markup_the_template_gave(case):
    extra, item_response, item_form = CASES[case]
    page = {
        "assessment": ASSESSMENT,
        "can_edit": True,
        "csrf_token": "token-for-the-test",
        "entry": {"response": item_response, "form": item_form, "stale": extra.get("stale")},
        **{key: value for key, value in extra.items() if key != "stale"},
    }
    written = WRITTEN.render(Context(page))
    assert parse_html(written) == parse_html(TEMPLATE.render(Context(page)))
    assert "<script>" not in written


@pytest.mark.parametrize(
    "when",
    [
        datetime.datetime(2012, 11, 5, 14, 30, tzinfo=datetime.UTC),
        datetime.datetime(2013, 7, 1, 8, 5, tzinfo=datetime.UTC),  # summer time: 09:05 in London
        datetime.datetime(2013, 3, 31, 0, 59, tzinfo=datetime.UTC),  # just before the clocks go forward
        datetime.datetime(2013, 3, 31, 1, 0, tzinfo=datetime.UTC),  # just after
        datetime.datetime(2012, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
        datetime.datetime(2014, 6, 30, 23, 30, tzinfo=datetime.UTC),  # the next day in London
        datetime.datetime(2012, 1, 9, 0, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
    ],
)
def test_the_last_saved_time_reads_as_the_date_filter_gives_it(when):
    expected = Template('{{ when|date:"j M Y \\a\\t H:i" }}').render(Context({"when": when}))
    assert saved_when(when) == expected
    with translation.override("cy"):  # another language's month names, as the filter would give them
        welsh = Template('{{ when|date:"j M Y \\a\\t H:i" }}').render(Context({"when": when}))
        assert saved_when(when) == welsh


# The values a domain page's item forms hold before anything is posted, as `_item_forms` gives them.
HELD = {
    "rated, with a narrative and evidence": (
        {"rating": "2", "reason": "", "narrative": "We do this.", "evidence": [LIBRARY[0][0]], "version": 4},
        {},
    ),
    "not applicable, with its reason": (
        {"rating": "na", "reason": "No such service", "narrative": "", "evidence": [], "version": 1},
        {},
    ),
    "unrated, nothing written": (
        {"rating": "", "reason": "", "narrative": "", "evidence": [], "version": 0},
        {},
    ),
    "a rating of 0": ({"rating": "0", "reason": "", "narrative": "", "evidence": [], "version": 7}, {}),
    "every piece of evidence": (
        {"rating": "3", "reason": "", "narrative": "", "evidence": [v for v, _ in LIBRARY], "version": 2},
        {},
    ),
    "an empty evidence library": (
        {"rating": "1", "reason": "", "narrative": "", "evidence": [], "version": 2},
        {"library": []},
    ),
    "no not-applicable in the framework": (
        {"rating": "1", "reason": "", "narrative": "", "evidence": [], "version": 2},
        {"allow_na": False},
    ),
    "hostile text everywhere": (
        {"rating": "2", "reason": HOSTILE, "narrative": HOSTILE, "evidence": ["a&b"], "version": 1},
        {"library": [("a&b", HOSTILE), (HOSTILE, "Plain")], "code": '1.2"<x>'},
    ),
}


@pytest.mark.parametrize("can_edit", [True, False])
@pytest.mark.parametrize("case", HELD)
def test_a_form_held_before_anything_is_posted_writes_what_an_item_form_writes(case, can_edit):
    """A domain page shows each item's form holding its response (`HeldItemForm`) without building an ItemForm
    for it: the markup is the same as the ItemForm with those values gives."""
    initial, options = HELD[case]
    code = options.get("code", "1.10")
    library = FixedChoices(options.get("library", LIBRARY))
    allow_na = options.get("allow_na", True)
    common = {"code": code, "scale": SCALE, "evidence_choices": library, "allow_na": allow_na}
    pages = [
        {
            "assessment": ASSESSMENT,
            "can_edit": can_edit,
            "csrf_token": "token-for-the-test",
            "entry": {"response": response(code), "form": made, "stale": None},
        }
        for made in (HeldItemForm(initial=initial, **common), ItemForm(initial=initial, **common))
    ]
    held, built = (WRITTEN.render(Context(page)) for page in pages)
    assert parse_html(held) == parse_html(built)
    assert parse_html(held) == parse_html(TEMPLATE.render(Context(pages[1])))
    assert "<script>" not in held
