"""Forms render as NHS.UK form groups, so a page writes {{ form.field.as_field_group }} (or {{ form }}).

A field group (its label or legend, hint, errors and NHS-styled input) is written out in Python by
`field_group`, not through a template: a page with a form per row (an assessor's rating of each of a domain's
items, a survey's eighteen statements) spent more on the field templates than on the rest of the page. The
markup is what components/field.html gave, tested equal to it (assure/core/tests/test_form_markup.py).
"""

from functools import lru_cache

from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


class FixedChoices(BaseChoiceIterator):
    """Choices already in Django's normal form, (value, label) pairs of strings, that never change: a page with a
    form per row gives each form the same ones. Django takes a choice iterator as it is and shares it between
    copies, where it would normalise and deep-copy a list again for every field and widget of every form (on a
    domain page of 28 items, almost half the time spent making its forms)."""

    def __init__(self, choices):
        self.choices = tuple((str(value), label) for value, label in choices)

    def __iter__(self):
        return iter(self.choices)

    def __len__(self) -> int:
        return len(self.choices)

    def __deepcopy__(self, memo):
        return self  # immutable


def scale_choices(scale, *, not_applicable: bool = False) -> FixedChoices:
    """A rating scale's points as choices ("2 – In place"), with "Not applicable" last if it is allowed."""
    return _scale_choices(tuple((point.value, point.label) for point in scale), not_applicable)


@lru_cache(maxsize=64)
def _scale_choices(points: tuple[tuple[int, str], ...], not_applicable: bool) -> FixedChoices:
    choices = [(str(value), f"{value} – {label}") for value, label in points]
    if not_applicable:
        choices.append(("na", "Not applicable"))
    return FixedChoices(choices)


def error_messages(field: BoundField, *, with_id: bool = True) -> str:
    """A field's error messages as NHS.UK writes them, each (`with_id`) with the id its input's aria-describedby
    names."""
    attribute = f' id="{conditional_escape(field.auto_id)}-error"' if with_id else ""
    return "".join(
        f'<span class="nhsuk-error-message"{attribute}><span class="nhsuk-u-visually-hidden">Error:</span> '
        f"{conditional_escape(error)}</span>"
        for error in field.errors
    )


def field_group(field: BoundField) -> SafeString:
    """One bound field as an NHS.UK form group. Labels, hints and errors are escaped unless marked safe, as a
    template would."""
    from assure.core.templatetags.nhsuk import nhsuk_checkboxes, nhsuk_radios, nhsuk_widget

    field_id = conditional_escape(field.auto_id)
    label = conditional_escape(field.label)
    parts = [f'<div class="nhsuk-form-group{" nhsuk-form-group--error" if field.errors else ""}">']
    if field.use_fieldset:
        described = ""
        if field.help_text or field.errors:
            hint = f"{field_id}-hint" if field.help_text else ""
            error = f" {field_id}-error" if field.errors else ""
            described = f' aria-describedby="{hint}{error}"'
        parts.append(
            f'<fieldset class="nhsuk-fieldset"{described}>'
            f'<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{label}</legend>'
        )
    else:
        parts.append(f'<label class="nhsuk-label" for="{field_id}">{label}</label>')
    if field.help_text:
        parts.append(
            f'<div class="nhsuk-hint" id="{field_id}-hint">{conditional_escape(field.help_text)}</div>'
        )
    parts.append(error_messages(field))
    kind = field.widget_type
    if kind == "checkboxselectmultiple":
        parts.append(
            '<div class="nhsuk-checkboxes nhsuk-checkboxes--small" data-module="nhsuk-checkboxes">'
            f"{nhsuk_checkboxes(field, disabled=field.field.disabled)}</div>"
        )
    elif kind == "radioselect":
        parts.append(
            '<div class="nhsuk-radios" data-module="nhsuk-radios">'
            f"{nhsuk_radios(field, disabled=field.field.disabled)}</div>"
        )
    else:
        parts.append(nhsuk_widget(field))
    if field.use_fieldset:
        parts.append("</fieldset>")
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above or by the widget writers


class NHSBoundField(BoundField):
    def as_field_group(self):
        if self.field.template_name is not None:  # a field with a template of its own keeps it
            return super().as_field_group()
        return field_group(self)


class NHSFormRenderer(TemplatesSetting):
    form_template_name = "components/form.html"
    bound_field_class = NHSBoundField
