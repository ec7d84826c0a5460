"""A domain page's items, each with its rating form, written out in Python.

A domain has up to 28 items; through template nodes (some seventy lookups, a loop per error list and an include
each) the items were half the page's time. `{% item_row entry %}` writes what assessments/item_row.html wrote,
from the same context, and is tested against it (assure/assessments/tests/test_item_rows.py). The htmx save
returns one item through item_row.html, which calls this tag, so a saved item and the page cannot differ.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

from django import template
from django.template.defaultfilters import truncatewords
from django.utils import dateformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language

from assure.core.forms import error_messages
from assure.core.links import CODE, PUBLIC_ID, for_render
from assure.core.markup import csrf_input, escape, hidden_input
from assure.core.templatetags.nhsuk import domid, nhsuk_checkboxes, nhsuk_radios

register = template.Library()


def _value(field) -> str:
    value = field.value()
    return "" if value is None else escape(value)


def _stale(entry, response, code: str) -> str:
    if not entry.get("stale"):
        return ""
    narrative = f" – “{escape(truncatewords(response.narrative, 40))}”" if response.narrative else ""
    return (
        '<div class="nhsuk-error-summary"><div role="alert">'
        f'<h3 class="nhsuk-error-summary__heading">Your change to {code} was not saved</h3>'
        f'<div class="nhsuk-error-summary__body"><p>{escape(entry["stale"])}</p>'
        f"<p>Now saved: {escape(response.display_rating)}{narrative}</p></div></div></div>"
    )


def _rating(form, item, code: str, can_edit: bool) -> str:
    rating, reason = form["rating"], form["reason"]
    disabled = not can_edit
    options = nhsuk_radios(rating, disabled=disabled, exclude="na")
    if form.allow_na:
        reason_error = " nhsuk-form-group--error" if reason.errors else ""
        described = f' aria-describedby="{escape(reason.auto_id)}-error"' if reason.errors else ""
        options += (
            f"{nhsuk_radios(rating, disabled=disabled, only='na')}"
            f'<div class="nhsuk-radios__conditional assure-na-reason" id="{escape(form.prefix)}-na-reason">'
            f'<div class="nhsuk-form-group{reason_error}">'
            f'<label class="nhsuk-label" for="{escape(reason.auto_id)}">{escape(form.fields["reason"].label)}</label>'
            f"{error_messages(reason)}"
            f'<textarea class="nhsuk-textarea{" nhsuk-textarea--error" if reason.errors else ""}" '
            f'id="{escape(reason.auto_id)}" name="{escape(reason.html_name)}" rows="2" '
            f'maxlength="{escape(form.fields["reason"].max_length)}"{described}>{_value(reason)}</textarea>'
            "</div></div>"
        )
    return (
        f'<div class="nhsuk-form-group{" nhsuk-form-group--error" if rating.errors else ""}">'
        '<fieldset class="nhsuk-fieldset"><legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">'
        f'<span class="assure-code">{code}</span> {escape(item.text)}</legend>{error_messages(rating)}'
        f'<div class="nhsuk-radios nhsuk-radios--small" data-module="nhsuk-radios">{options}</div>'
        "</fieldset></div>"
    )


def _narrative(form, code: str, can_edit: bool) -> str:
    narrative = form["narrative"]
    field_id = escape(narrative.auto_id)
    limit = escape(form.fields["narrative"].max_length)
    error = " nhsuk-form-group--error" if narrative.errors else ""
    described = f"{field_id}-info {field_id}-hint" + (f" {field_id}-error" if narrative.errors else "")
    return (
        f'<div class="nhsuk-form-group nhsuk-character-count{error}" data-module="nhsuk-character-count" '
        f'data-maxlength="{limit}"><label class="nhsuk-label" for="{field_id}">Narrative for {code}</label>'
        f'<div class="nhsuk-hint" id="{field_id}-hint">How the CCG meets this action, and where the evidence is.'
        f"</div>{error_messages(narrative)}"
        f'<textarea class="nhsuk-textarea nhsuk-js-character-count'
        f'{" nhsuk-textarea--error" if narrative.errors else ""}" id="{field_id}" '
        f'name="{escape(narrative.html_name)}" rows="4" aria-describedby="{described}"'
        f"{'' if can_edit else ' readonly'}>{_value(narrative)}</textarea>"
        f'<div class="nhsuk-hint nhsuk-character-count__message" id="{field_id}-info">You can enter up to '
        f"{limit} characters</div></div>"
    )


def _evidence(form, code: str, can_edit: bool) -> str:
    if not form.fields["evidence"].choices:
        return ""
    evidence = form["evidence"]
    linked = evidence.value()
    return (
        f'<details class="nhsuk-details"{" open" if linked else ""}><summary class="nhsuk-details__summary">'
        f'<span class="nhsuk-details__summary-text">Evidence for {code} ({len(linked or "")} linked)</span>'
        '</summary><div class="nhsuk-details__text">'
        f'<div class="nhsuk-form-group{" nhsuk-form-group--error" if evidence.errors else ""}">'
        '<fieldset class="nhsuk-fieldset"><legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">'
        f"Evidence linked to {code}</legend>{error_messages(evidence, with_id=False)}"
        '<div class="nhsuk-checkboxes nhsuk-checkboxes--small" data-module="nhsuk-checkboxes">'
        f"{nhsuk_checkboxes(evidence, disabled=not can_edit)}</div></fieldset></div></div></details>"
    )


@lru_cache(maxsize=64)
def _month(language: str, month: int) -> str:
    return dateformat.format(datetime.date(2000, month, 1), "M")


def saved_when(value: datetime.datetime) -> str:
    """`value|date:"j M Y \\a\\t H:i"` in the current time zone and language ("5 Nov 2012 at 14:30"), without
    Django working through the format for each of a page's 28 items."""
    local = template_localtime(value)
    month = _month(get_language(), local.month)
    return f"{local.day} {month} {local.year} at {local.hour:02d}:{local.minute:02d}"


def _last_saved(response) -> str:
    if not response.updated_at:
        return ""
    who = (response.updated_by.get_full_name() if response.updated_by else "") or "someone"
    return f"Last saved by {escape(who)} on {escape(saved_when(response.updated_at))} · "


@register.simple_tag(takes_context=True)
def item_row(context, entry) -> SafeString:
    """{% item_row entry %}: one item of a domain page with its form, `entry` as the domain view makes them
    ({"response", "form", "stale"}); `assessment`, `can_edit`, `carried_from`, `just_saved` and `oob_result` come
    from the page's context, as they did for the template."""
    response, form = entry["response"], entry["form"]
    item = response.item
    code, anchor = escape(item.code), domid(item.code)
    assessment = context["assessment"]
    can_edit = bool(context.get("can_edit"))
    # Reversed once for the page's items, not once per item.
    save = for_render(context, "assessments:save_item", PUBLIC_ID, CODE)
    history = for_render(context, "assessments:item_history", PUBLIC_ID, CODE)
    save_url = escape(save.format(assessment.public_id, item.code))
    history_url = escape(history.format(assessment.public_id, item.code))
    csrf = csrf_input(context)
    held = form["version"]
    version = hidden_input(held.html_name, held.value(), held.auto_id)
    carried = ""
    if response.carried_over:
        carried_from = context.get("carried_from")
        cycle = (carried_from.name if carried_from else "") or "the last cycle"
        carried = (
            '<p class="nhsuk-body-s assure-carried-over"><strong class="nhsuk-tag nhsuk-tag--orange">Carried over, '
            f"to be confirmed</strong> This is what your CCG submitted for {code} in {escape(cycle)}. Save it as "
            "it is to confirm it, or change it.</p>"
        )
    saved = (
        '<p class="nhsuk-body-s assure-saved" role="status"><strong>Saved.</strong></p>'
        if context.get("just_saved")
        else ""
    )
    button = ""
    if can_edit:
        label = f"Confirm or save {code}" if response.carried_over else f"Save {code}"
        button = f'<button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit">{label}</button>'
    result = ""
    if context.get("oob_result"):
        with context.push():
            result = context.template.engine.get_template("assessments/domain_result.html").render(context)
    return mark_safe(  # noqa: S308 - every value escaped above; the form pieces escape their own
        f'<div class="assure-item" id="item-{anchor}">{_stale(entry, response, code)}{carried}{saved}'
        f'<form method="post" action="{save_url}" hx-post="{save_url}" hx-target="#item-{anchor}" '
        f'hx-swap="outerHTML" novalidate>{csrf}{version}{_rating(form, item, code, can_edit)}'
        f"{_narrative(form, code, can_edit)}{_evidence(form, code, can_edit)}{button}</form>"
        f'<p class="nhsuk-body-s assure-source">{_last_saved(response)}'
        f'<a href="{history_url}">History of {code}</a></p>{result}</div>\n'
    )
