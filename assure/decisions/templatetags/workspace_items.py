"""An assessor's domain page: each item as the CCG submitted it, with the partnership's agreement, the other
assessors' ratings and the reader's own rating form, written out in Python.

Up to 28 items, each with its evidence, per-review and per-assessor rows and a form: through template nodes the
items were half the page's time. `{% workspace_item entry %}` and `{% assessor_rating entry %}` write what
decisions/domain.html's loop and decisions/item_rating.html wrote, from the same context, and are tested against
them (assure/decisions/tests/test_workspace_items.py). The htmx save of a rating returns item_rating.html, which
calls `assessor_rating`, so a saved rating and the page cannot differ.
"""

from __future__ import annotations

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString, mark_safe

from assure.core.forms import scale_choices
from assure.core.links import CODE, PUBLIC_ID, for_render
from assure.core.markup import csrf_input, escape, hidden_input
from assure.core.templatetags.nhsuk import domid, hidden_field, options

from ..models import NOTE_MAX_LENGTH
from ..workspace import ItemEntry

register = template.Library()

TIERS = {"basics": "Build the basics", "future": "Develop together for the future"}


def _or(value, default: str) -> str:
    """`{{ value|default_if_none:default }}`."""
    return escape(default if value is None else value)


def _row(key: str, value: str) -> str:
    return (
        f'<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{key}</dt>'
        f'<dd class="nhsuk-summary-list__value">{value}</dd></div>'
    )


def _evidence(entry: ItemEntry, context) -> str:
    if not entry.evidence:
        return "None linked"
    parts = []
    for evidence in entry.evidence:
        title = escape(evidence["title"])
        if evidence.get("file"):
            link = f'<a href="{for_render(context, "evidence:download").format(evidence["id"])}">{title}</a>'
        elif evidence.get("link"):
            link = f'<a href="{escape(evidence["link"])}" rel="noopener noreferrer">{title}</a>'
        else:
            link = f'<a href="{for_render(context, "evidence:detail").format(evidence["id"])}">{title}</a>'
        parts.append(
            f'<p class="nhsuk-body-s nhsuk-u-margin-bottom-1">{link} ({escape(evidence["type"])}, '
            f"{escape(evidence['document_date'])})</p>"
        )
    return "".join(parts)


def _agreed(agreed: dict) -> str:
    gap = f" (a gap of {escape(agreed['gap'])})" if agreed["to_discuss"] else ""
    action = f". Action: {escape(agreed['action'])}" if agreed["action"] else ""
    return _row(
        f"Partnership with {escape(agreed['hwb'])}",
        f"CCG {_or(agreed['ccg'], '–')}, HWB {_or(agreed['hwb_rating'], '–')}{gap}; "
        f"agreed {_or(agreed['agreed'], '–')}{action}",
    )


def _other(rating) -> str:
    note = f": {escape(rating.note)}" if rating.note else ""
    return _row(
        f"{escape(rating.assessor.get_full_name())}'s rating", f"{_or(rating.rating, 'No rating')}{note}"
    )


def _form_fields(form) -> str:
    return f"{hidden_field(form['version'])}{form['rating'].as_field_group()}{form['note'].as_field_group()}"


def _new_form_fields(code: str, scale, mine) -> str:
    """The fields of an unbound `AssessorRatingForm` for item `code` holding the reader's own rating `mine` (or
    none), as `_form_fields` writes them (tested against it), without building a form for each of up to 28 items
    of the page: building and writing them was a fifth of the page's time."""
    names = {field: f"rate-{code}-{field}" for field in ("rating", "note", "version")}
    note_id = escape(f"id_{names['note']}")
    rating = "" if mine is None or mine.rating is None else str(mine.rating)
    note = escape(mine.note) if mine is not None and mine.note else ""
    version = mine.version if mine is not None else 0
    radios = options(f"id_{names['rating']}", names["rating"], scale_choices(scale), "radio", {rating})
    code = escape(code)
    return (
        f"{hidden_input(names['version'], version, 'id_' + names['version'])}"
        '<div class="nhsuk-form-group"><fieldset class="nhsuk-fieldset"><legend class="nhsuk-fieldset__legend '
        f'nhsuk-fieldset__legend--s">Your rating of {code}</legend><div class="nhsuk-radios" '
        f'data-module="nhsuk-radios">{radios}</div></fieldset></div><div class="nhsuk-form-group"><label '
        f'class="nhsuk-label" for="{note_id}">Your note on {code}</label><textarea '
        f'name="{escape(names["note"])}" cols="40" rows="2" maxlength="{NOTE_MAX_LENGTH}" class="nhsuk-textarea" '
        f'id="{note_id}">\n{note}</textarea></div>'
    )


@register.simple_tag(takes_context=True)
def assessor_rating(context, entry: ItemEntry) -> SafeString:
    """{% assessor_rating entry %}: the reader's own rating of one item, with its form: `entry.form` when one was
    posted, otherwise a new one holding their rating (the scale is the page's `rating_scale`); `assessment` and
    `just_saved` come from the page's context."""
    form, code = entry.form, escape(entry.code)
    if form is None:
        fields = _new_form_fields(entry.code, context["rating_scale"], entry.mine)
    else:
        fields = _form_fields(form)
    anchor = domid(entry.code)
    just_saved = context.get("just_saved")
    rate = for_render(context, "decisions:rate_item", PUBLIC_ID, CODE)
    url = escape(rate.format(context["assessment"].public_id, entry.code))
    stale = (
        '<div class="nhsuk-error-summary"><div role="alert"><h4 class="nhsuk-error-summary__heading">Your rating of '
        f'{code} was not saved</h4><div class="nhsuk-error-summary__body"><p>{escape(entry.stale)}</p></div></div>'
        "</div>"
        if entry.stale
        else ""
    )
    saved = (
        '<p class="nhsuk-body-s assure-saved" role="status"><strong>Saved.</strong></p>' if just_saved else ""
    )
    summary = f"Your own rating of {code}" + (
        f": {_or(entry.mine.rating, 'note only')}" if entry.mine else ""
    )
    opened = " open" if (form is not None and form.errors) or entry.mine or just_saved else ""
    return mark_safe(  # noqa: S308 - every value escaped above; the form pieces escape their own
        f'<div class="assure-assessor-rating" id="rate-{anchor}">{stale}{saved}'
        f'<details class="nhsuk-details"{opened}><summary class="nhsuk-details__summary">'
        f'<span class="nhsuk-details__summary-text">{summary}</span></summary><div class="nhsuk-details__text">'
        f'<form method="post" action="{url}" hx-post="{url}" hx-target="#rate-{anchor}" hx-swap="outerHTML" '
        f"novalidate>{csrf_input(context)}{fields}"
        '<button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" '
        f'type="submit">Save your rating of {code}</button></form></div></details></div>'
    )


@register.simple_tag(takes_context=True)
def workspace_item(context, entry: ItemEntry) -> SafeString:
    """{% workspace_item entry %}: one item of the assessor's domain page; `can_judge` from the page's context
    says whether the reader's rating form is shown (or else their rating, if any)."""
    if entry.not_applicable:
        rating = f"Not applicable: {escape(entry.reason)}"
    else:
        rating = _or(entry.rating, "Not rated")
    rows = (
        _row("CCG's rating", rating)
        + _row("Narrative", linebreaksbr(entry.narrative or "None", autoescape=True))
        + _row("Evidence", _evidence(entry, context))
        + "".join(_agreed(agreed) for agreed in entry.agreed)
        + "".join(_other(rating) for rating in entry.others)
    )
    own = ""
    if context.get("can_judge"):
        own = assessor_rating(context, entry)
    elif entry.mine:
        note = f": {escape(entry.mine.note)}" if entry.mine.note else ""
        own = f'<p class="nhsuk-body-s">Your rating: {_or(entry.mine.rating, "none")}{note}</p>'
    return mark_safe(  # noqa: S308 - every value escaped above
        f'<div class="assure-item"><h3 class="nhsuk-heading-s"><span class="assure-code">{escape(entry.code)}'
        f"</span> {escape(entry.text)}</h3>"
        f'<p class="nhsuk-body-s">{escape(TIERS.get(entry.tier, entry.tier))}</p>'
        f'<dl class="nhsuk-summary-list">{rows}</dl>{own}</div>\n'
    )
