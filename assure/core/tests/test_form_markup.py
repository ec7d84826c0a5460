"""The form markup written out in Python (assure/core/templatetags/nhsuk.py) is what Django's own widget templates
and option loops give, escaping included: writing it out is only quicker, never different."""

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.test.html import parse_html

from assure.core.templatetags.nhsuk import _written_widget, hidden_field, nhsuk_checkboxes, nhsuk_radios

HOSTILE = '"><script>alert(1)</script>&amp;'


class EveryKind(forms.Form):
    title = forms.CharField(max_length=20)
    email = forms.EmailField(required=False)
    count = forms.IntegerField(min_value=0, required=False)
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    when = forms.DateField(widget=forms.DateInput, required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=500, required=False)
    locked = forms.CharField(disabled=True, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.ChoiceField(
        widget=forms.RadioSelect, choices=[("1", "1 – Low"), ("2", "2 – <High>"), ("na", "Not applicable")]
    )
    files = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, choices=[("a", "Alpha & co"), ("b", HOSTILE)], required=False
    )


FORMS = {
    "unbound, empty": EveryKind(),
    "unbound, initial": EveryKind(
        initial={
            "title": HOSTILE,
            "count": 3,
            "when": datetime.date(2013, 3, 14),
            "notes": HOSTILE,
            "version": 7,
        },
        prefix="item-1.2",
    ),
    "bound": EveryKind(
        {"title": HOSTILE, "email": "a@b", "count": "x", "secret": "pw", "notes": "\nline", "version": "2"}
    ),
}
TEXT_LIKE = ["title", "email", "count", "secret", "when", "notes", "locked", "version"]


@pytest.mark.parametrize("state", FORMS)
@pytest.mark.parametrize("name", TEXT_LIKE)
@pytest.mark.parametrize(
    "attrs", [{}, {"class": "nhsuk-input nhsuk-input--error", "aria-describedby": "x-hint"}]
)
def test_inputs_and_textareas_are_written_as_django_renders_them(state, name, attrs):
    field = FORMS[state][name]
    assert str(_written_widget(field, attrs)) == str(field.as_widget(attrs=attrs))


@pytest.mark.parametrize("state", FORMS)
def test_a_hidden_field_is_written_as_django_renders_it(state):
    field = FORMS[state]["version"]
    assert str(hidden_field(field)) == str(field)


def test_widgets_not_written_out_are_left_to_django():
    class Other(forms.Form):
        pick = forms.ChoiceField(choices=[("1", "One")])
        upload = forms.FileField()

    form = Other()
    assert _written_widget(form["pick"], {}) is None
    assert _written_widget(form["upload"], {}) is None


# How components/field.html wrote the options before, from Django's own subwidgets.
OPTIONS_BEFORE = Template(
    """{% for option in field %}<div class="nhsuk-{{ group }}__item">
    <input class="nhsuk-{{ group }}__input" id="{{ option.id_for_label }}" name="{{ option.data.name }}"
    type="{{ kind }}" value="{{ option.data.value }}"{% if option.data.selected %} checked{% endif %}>
    <label class="nhsuk-label nhsuk-{{ group }}__label" for="{{ option.id_for_label }}">{{ option.choice_label }}</label>
    </div>{% endfor %}"""
)


def _django_options(field, kind):
    group = {"radio": "radios", "checkbox": "checkboxes"}[kind]
    return OPTIONS_BEFORE.render(Context({"field": field, "kind": kind, "group": group}))


@pytest.mark.parametrize("selected", [None, "2", "na"])
def test_radios_are_django_options_written_out(selected):
    field = EveryKind({"rating": selected} if selected else None)["rating"]
    assert parse_html(nhsuk_radios(field)) == parse_html(_django_options(field, "radio"))
    assert ("checked" in nhsuk_radios(field)) == bool(selected)


def test_radios_can_leave_out_one_option_and_write_it_alone_with_its_place_kept():
    field = EveryKind(prefix="item-1.1")["rating"]
    scale = nhsuk_radios(field, exclude="na")
    alone = nhsuk_radios(field, only="na")
    assert 'value="na"' not in scale and 'value="2"' in scale
    assert alone.count("<input") == 1 and 'id="id_item-1.1-rating_2"' in alone
    assert parse_html(scale + alone) == parse_html(nhsuk_radios(field))


@pytest.mark.parametrize("selected", [[], ["b"], ["a", "b"]])
def test_checkboxes_are_django_options_written_out(selected):
    field = EveryKind({"files": selected})["files"]
    assert parse_html(nhsuk_checkboxes(field)) == parse_html(_django_options(field, "checkbox"))
    assert HOSTILE not in nhsuk_checkboxes(field)


def test_disabled_options_say_so():
    field = EveryKind()["rating"]
    assert nhsuk_radios(field, disabled=True).count(" disabled") == 3
