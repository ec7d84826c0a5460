"""The development plan's actions written out in Python (`{% plan_action %}`) are the markup plans/action_row.html
gave before, for every state an action can be in and every reader, escaping included: writing them out is only
quicker, never different."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.urls import reverse

from assure.cycles.tests.factories import CycleFactory
from assure.plans.forms import StatusForm
from assure.plans.models import Action
from assure.plans.templatetags.plan_actions import plan_action
from assure.plans.views import Row

from .factories import ActionFactory, PlanFactory

HOSTILE = '"><script>alert(1)</script>&amp;'

# plans/action_row.html as it was, with `can_manage` from the page's context.
BEFORE = Template(
    """{% with action=row.action %}
<li class="assure-plan-action{% if row.overdue %} assure-plan-action--overdue{% endif %}" id="action-{{ action.public_id }}">
  <div class="nhsuk-card nhsuk-u-margin-bottom-4">
    <div class="nhsuk-card__content">
      {% if row.stale %}
        <div class="nhsuk-error-summary" role="alert">
          <h3 class="nhsuk-error-summary__heading">The status was not changed</h3>
          <div class="nhsuk-error-summary__body"><p>{{ row.stale }}</p></div>
        </div>
      {% endif %}
      {% if row.saved %}<p class="nhsuk-body-s assure-saved" role="status"><strong>Saved:</strong> now {{ action.get_status_display|lower }}.</p>{% endif %}
      <h3 class="nhsuk-card__heading nhsuk-heading-s">{{ action.title }}</h3>
      <p>
        {% if row.overdue %}{% include "components/tag.html" with text="Overdue" colour="red" %}{% endif %}
        {% if action.status == "done" %}{% include "components/tag.html" with text="Done" colour="green" %}{% elif action.status == "dropped" %}{% include "components/tag.html" with text="Dropped" colour="grey" %}{% elif action.status == "in_progress" %}{% include "components/tag.html" with text="In progress" colour="blue" %}{% else %}{% include "components/tag.html" with text="Open" colour="white" %}{% endif %}
        {% if action.is_carried_over %}{% include "components/tag.html" with text="Carried over" colour="purple" %}{% endif %}
      </p>
      {% if action.description %}<p class="nhsuk-body-s">{{ action.description|linebreaksbr }}</p>{% endif %}
      <dl class="nhsuk-summary-list nhsuk-u-margin-bottom-2">
        <div class="nhsuk-summary-list__row">
          <dt class="nhsuk-summary-list__key">Owner</dt>
          <dd class="nhsuk-summary-list__value">{{ action.owner_label|default:"No one yet" }}</dd>
        </div>
        <div class="nhsuk-summary-list__row">
          <dt class="nhsuk-summary-list__key">Due</dt>
          <dd class="nhsuk-summary-list__value">{% if action.due %}{{ action.due|date:"j F Y" }}{% else %}No date{% endif %}</dd>
        </div>
        <div class="nhsuk-summary-list__row">
          <dt class="nhsuk-summary-list__key">Domain</dt>
          <dd class="nhsuk-summary-list__value">{% if action.domain_id %}{{ action.domain.number }}: {{ action.domain.short_title }}{% else %}Not linked to a domain{% endif %}</dd>
        </div>
        <div class="nhsuk-summary-list__row">
          <dt class="nhsuk-summary-list__key">Source</dt>
          <dd class="nhsuk-summary-list__value">
            {% if row.source_url %}<a href="{{ row.source_url }}">{{ action.get_source_display }}{% if row.source_detail %}: {{ row.source_detail }}{% endif %}</a>{% else %}{{ action.get_source_display }}{% if row.source_detail %}: {{ row.source_detail }}{% endif %}{% endif %}
            {% if action.is_carried_over %}<br><a href="{% url 'plans:plan' ccg.code action.carried_from.plan.cycle.public_id %}#action-{{ action.carried_from.public_id }}">Carried over from {{ action.carried_from.plan.cycle.name }}</a>{% endif %}
          </dd>
        </div>
      </dl>
      {% if row.form %}
        {% with form=row.form %}
        <form method="post" action="{% url 'plans:status' action.public_id %}" hx-post="{% url 'plans:status' action.public_id %}" hx-target="#action-{{ action.public_id }}" hx-swap="outerHTML" class="assure-plan-status" novalidate>
          {% csrf_token %}
          {% hidden_field form.version %}
          <div class="nhsuk-form-group nhsuk-u-margin-bottom-2">
            <label class="nhsuk-label" for="{{ form.status.auto_id }}">Status<span class="nhsuk-u-visually-hidden"> of “{{ action.title }}”</span></label>
            <select class="nhsuk-select" id="{{ form.status.auto_id }}" name="{{ form.status.html_name }}">
              {% for value, label in form.fields.status.choices %}<option value="{{ value }}"{% if value == action.status %} selected{% endif %}>{{ label }}</option>{% endfor %}
            </select>
          </div>
          <button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" type="submit">Update status<span class="nhsuk-u-visually-hidden"> of “{{ action.title }}”</span></button>
        </form>
        {% endwith %}
      {% elif action.source == "condition" %}
        <p class="nhsuk-body-s">Its status follows the condition: it is done when an assessor discharges the condition.</p>
      {% endif %}
      {% if can_manage %}<p class="nhsuk-body-s nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0"><a href="{% url 'plans:edit' action.public_id %}">Change this action<span class="nhsuk-u-visually-hidden">: {{ action.title }}</span></a></p>{% endif %}
    </div>
  </div>
</li>
{% endwith %}"""
)
AFTER = Template("{% load plan_actions %}{% plan_action row %}")
TODAY = datetime.date(2026, 11, 23)


def row(action: Action, *, form=True, **extra) -> Row:
    status_form = None
    if form and action.source != Action.Source.CONDITION:
        status_form = StatusForm(action=action, initial={"status": action.status, "version": action.version})
    return Row(
        action=action,
        overdue=action.is_overdue(TODAY),
        source_url=extra.pop("source_url", None),
        source_detail=extra.pop("source_detail", ""),
        can_update=status_form is not None,
        form=status_form,
        **extra,
    )


def assert_same(the_row: Row, ccg, csrf_token="a-token"):
    context = {"row": the_row, "ccg": ccg, "can_manage": the_row.can_manage, "csrf_token": csrf_token}
    written = AFTER.render(Context(context))
    assert parse_html(written) == parse_html(BEFORE.render(Context(context)))
    return written


@pytest.fixture
def plan(camden_plan):
    return camden_plan


def each_state(plan, demo):
    """An action in every state the card shows, with hostile text wherever a person can type."""
    domain = demo.framework.domains.get(number=2)
    earlier_cycle = CycleFactory(name=f"Earlier {HOSTILE}", framework=demo.framework)
    earlier = ActionFactory(plan=PlanFactory(cycle=earlier_cycle, organisation=demo.ccg), title="Earlier")
    return {
        "bare, open": ActionFactory(plan=plan),
        "hostile text, owned by name, due": ActionFactory(
            plan=plan,
            title=HOSTILE,
            description=f"Line one {HOSTILE}\nline two\r\nline three",
            owner_name=HOSTILE,
            due=datetime.date(2027, 3, 1),
        ),
        "owned by a person, overdue, in progress, with a domain": ActionFactory(
            plan=plan,
            owner=demo.ccg_staff,
            due=datetime.date(2026, 1, 5),
            status=Action.Status.IN_PROGRESS,
            domain=domain,
        ),
        "done": ActionFactory(plan=plan, status=Action.Status.DONE, due=datetime.date(2026, 1, 5)),
        "dropped": ActionFactory(plan=plan, status=Action.Status.DROPPED),
        "a condition's": ActionFactory(plan=plan, source=Action.Source.CONDITION, domain=domain),
        "carried over": ActionFactory(plan=plan, carried_from=earlier, source=Action.Source.SURVEY),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("can_manage", [True, False])
@pytest.mark.parametrize("form", [True, False])
def test_each_action_is_the_card_the_template_gave(plan, demo, can_manage, form):
    for name, action in each_state(plan, demo).items():
        action = Action.objects.select_related("owner", "domain", "carried_from__plan__cycle").get(
            pk=action.pk
        )
        assert_same(row(action, form=form, can_manage=can_manage), demo.ccg), name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "extra",
    [
        {"stale": f"Someone changed it first {HOSTILE}"},
        {"saved": True},
        {"source_url": f"/surveys/x/?a=1&b={HOSTILE}", "source_detail": f"Item 1.3, with {HOSTILE}"},
        {"source_detail": "Domain 4"},
    ],
)
def test_a_saved_stale_or_sourced_action_is_the_card_the_template_gave(plan, demo, extra):
    action = ActionFactory(plan=plan, title=HOSTILE, status=Action.Status.IN_PROGRESS)
    written = assert_same(row(action, can_manage=True, **extra), demo.ccg)
    assert "<script>" not in written


@pytest.mark.django_db
def test_without_a_csrf_token_the_form_has_none_as_the_template_gave(plan, demo):
    assert_same(row(ActionFactory(plan=plan)), demo.ccg, csrf_token=None)


@pytest.mark.django_db
def test_the_tag_refuses_nothing_it_does_not_escape(plan, demo):
    """The writer's output is marked safe: every person-typed value in it must come out escaped."""
    action = ActionFactory(plan=plan, title=HOSTILE, description=HOSTILE, owner_name=HOSTILE)
    written = plan_action(
        Context({"ccg": demo.ccg, "csrf_token": "t"}), row(action, stale=HOSTILE, can_manage=True)
    )
    assert "<script>" not in written
    assert (
        written.count("&lt;script&gt;") == 7
    )  # title, its two hidden labels, the change link, description, owner, stale
    assert reverse("plans:edit", args=[action.public_id]) in written
