"""The development plan's actions, each a card with its status form, written out in Python.

Through template nodes (the card's four tags were includes, its links `{% url %}`s) the cards were most of the
plan page's rendering. `{% plan_action row %}` writes what plans/action_row.html wrote, and is tested against it
(assure/plans/tests/test_plan_actions.py). The htmx status change returns action_row.html, which calls this same
tag, so a changed action and the page cannot differ.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date, linebreaksbr
from django.utils.safestring import SafeString, mark_safe

from assure.core.links import PUBLIC_ID, for_render
from assure.core.markup import csrf_input, escape, tag
from assure.core.templatetags.nhsuk import hidden_field

register = template.Library()

STATUS_TAGS = {
    "done": ("Done", "green"),
    "dropped": ("Dropped", "grey"),
    "in_progress": ("In progress", "blue"),
}
OPEN_TAG = ("Open", "white")


def _summary_row(key: str, value: str) -> str:
    return (
        f'<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{key}</dt>'
        f'<dd class="nhsuk-summary-list__value">{value}</dd></div>'
    )


def _tags(row, action) -> str:
    tags = [tag("Overdue", "red")] if row.overdue else []
    tags.append(tag(*STATUS_TAGS.get(action.status, OPEN_TAG)))
    if action.is_carried_over:
        tags.append(tag("Carried over", "purple"))
    return "<p>" + " ".join(tags) + "</p>"


def _source(row, action, context) -> str:
    text = escape(action.get_source_display())
    if row.source_detail:
        text += f": {escape(row.source_detail)}"
    if row.source_url:
        text = f'<a href="{escape(row.source_url)}">{text}</a>'
    if action.is_carried_over:
        earlier = action.carried_from
        plan = for_render(context, "plans:plan", context["ccg"].code, PUBLIC_ID).format(
            earlier.plan.cycle.public_id
        )
        text += (
            f'<br><a href="{plan}#action-{escape(earlier.public_id)}">Carried over from '
            f"{escape(earlier.plan.cycle.name)}</a>"
        )
    return text


def _status_form(row, action, context) -> str:
    form = row.form
    status = form["status"]
    field_id = escape(status.auto_id)
    url = for_render(context, "plans:status").format(action.public_id)
    hidden = f" of “{escape(action.title)}”"
    options = "".join(
        f'<option value="{escape(value)}"{" selected" if value == action.status else ""}>{escape(label)}</option>'
        for value, label in form.fields["status"].choices
    )
    return (
        f'<form method="post" action="{url}" hx-post="{url}" hx-target="#action-{escape(action.public_id)}" '
        f'hx-swap="outerHTML" class="assure-plan-status" novalidate>{csrf_input(context)}'
        f"{hidden_field(form['version'])}"
        '<div class="nhsuk-form-group nhsuk-u-margin-bottom-2">'
        f'<label class="nhsuk-label" for="{field_id}">Status<span class="nhsuk-u-visually-hidden">{hidden}</span>'
        f'</label><select class="nhsuk-select" id="{field_id}" name="{escape(status.html_name)}">{options}</select>'
        "</div>"
        '<button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0" '
        f'type="submit">Update status<span class="nhsuk-u-visually-hidden">{hidden}</span></button></form>'
    )


def _card(row, context) -> str:
    action = row.action
    parts = []
    if row.stale:
        parts.append(
            '<div class="nhsuk-error-summary" role="alert"><h3 class="nhsuk-error-summary__heading">The status was '
            f'not changed</h3><div class="nhsuk-error-summary__body"><p>{escape(row.stale)}</p></div></div>'
        )
    if row.saved:
        parts.append(
            '<p class="nhsuk-body-s assure-saved" role="status"><strong>Saved:</strong> now '
            f"{escape(action.get_status_display().lower())}.</p>"
        )
    parts.append(f'<h3 class="nhsuk-card__heading nhsuk-heading-s">{escape(action.title)}</h3>')
    parts.append(_tags(row, action))
    if action.description:
        parts.append(f'<p class="nhsuk-body-s">{linebreaksbr(action.description)}</p>')
    if action.domain_id:
        domain = f"{escape(action.domain.number)}: {escape(action.domain.short_title)}"
    else:
        domain = "Not linked to a domain"
    parts.append(
        '<dl class="nhsuk-summary-list nhsuk-u-margin-bottom-2">'
        + _summary_row("Owner", escape(action.owner_label or "No one yet"))
        + _summary_row("Due", escape(date(action.due, "j F Y")) if action.due else "No date")
        + _summary_row("Domain", domain)
        + _summary_row("Source", _source(row, action, context))
        + "</dl>"
    )
    if row.form:
        parts.append(_status_form(row, action, context))
    elif action.source == "condition":
        parts.append(
            '<p class="nhsuk-body-s">Its status follows the condition: it is done when an assessor discharges the '
            "condition.</p>"
        )
    if row.can_manage:
        parts.append(
            '<p class="nhsuk-body-s nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0"><a href="'
            f'{for_render(context, "plans:edit").format(action.public_id)}">Change this action<span '
            f'class="nhsuk-u-visually-hidden">: {escape(action.title)}</span></a></p>'
        )
    overdue = " assure-plan-action--overdue" if row.overdue else ""
    return (
        f'<li class="assure-plan-action{overdue}" id="action-{escape(action.public_id)}">'
        '<div class="nhsuk-card nhsuk-u-margin-bottom-4"><div class="nhsuk-card__content">'
        + "".join(parts)
        + "</div></div></li>\n"
    )


@register.simple_tag(takes_context=True)
def plan_action(context, row) -> SafeString:
    """{% plan_action row %}: one action of the plan (a `plans.views.Row`) as its card; `ccg` from the context."""
    return mark_safe(_card(row, context))  # noqa: S308 - every value escaped above
