"""The form markup written out in Python (assure/core/templatetags/nhsuk.py) is what Django's own widget templates
and option loops give, escaping included: writing it out is only quicker, never different."""

import datetime

import pytest
from django import forms
from django.template import Context, Template
from django.test.html import parse_html
from django.utils.safestring import mark_safe

from assure.core.forms import FixedChoices
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


# components/field.html as it was: one field as an NHS.UK form group, now written out by `field_group`.
FIELD_GROUP_BEFORE = Template(
    """{# One form field as an NHS.UK form group: label or legend, hint, error message and the NHS-styled input. #}
{% load nhsuk %}
<div class="nhsuk-form-group{% if field.errors %} nhsuk-form-group--error{% endif %}">
  {% if field.use_fieldset %}
    <fieldset class="nhsuk-fieldset"{% if field.help_text or field.errors %} aria-describedby="{% if field.help_text %}{{ field.auto_id }}-hint{% endif %}{% if field.errors %} {{ field.auto_id }}-error{% endif %}"{% endif %}>
      <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{{ field.label }}</legend>
  {% else %}
    <label class="nhsuk-label" for="{{ field.auto_id }}">{{ field.label }}</label>
  {% endif %}
  {% if field.help_text %}
    <div class="nhsuk-hint" id="{{ field.auto_id }}-hint">{{ field.help_text }}</div>
  {% endif %}
  {% for error in field.errors %}
    <span class="nhsuk-error-message" id="{{ field.auto_id }}-error"><span class="nhsuk-u-visually-hidden">Error:</span> {{ error }}</span>
  {% endfor %}
  {% if field.widget_type == "checkboxselectmultiple" %}
    <div class="nhsuk-checkboxes nhsuk-checkboxes--small" data-module="nhsuk-checkboxes">
      {% nhsuk_checkboxes field disabled=field.field.disabled %}
    </div>
  {% elif field.widget_type == "radioselect" %}
    <div class="nhsuk-radios" data-module="nhsuk-radios">
      {% nhsuk_radios field disabled=field.field.disabled %}
    </div>
  {% else %}
    {% nhsuk_widget field %}
  {% endif %}
  {% if field.use_fieldset %}</fieldset>{% endif %}
</div>
"""
)


class WithHints(forms.Form):
    plain = forms.CharField(help_text="Say <what> & why", max_length=10)
    linked = forms.CharField(help_text=mark_safe('See <a href="/help/">the help</a>'), required=False)
    choose = forms.ChoiceField(
        widget=forms.RadioSelect, choices=[("y", "Yes"), ("n", "No")], help_text="Pick one", label=HOSTILE
    )
    several = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, choices=[("a", "A"), ("b", "B")], help_text="Any number"
    )
    fixed = forms.ChoiceField(widget=forms.RadioSelect, choices=[("1", "One")], disabled=True, required=False)
    listed = forms.ChoiceField(choices=[("1", "One"), ("2", "Two & more")], required=False)


FIELD_GROUP_FORMS = {
    **FORMS,
    "hints, unbound": WithHints(),
    "hints, bound with errors": WithHints({"plain": "far too long to fit", "choose": "x", "several": ["z"]}),
    "hints, bound and valid": WithHints({"plain": "ok", "choose": "y", "several": ["a", "b"]}),
}


@pytest.mark.parametrize("state", FIELD_GROUP_FORMS)
def test_field_groups_are_written_as_the_field_template_wrote_them(state):
    form = FIELD_GROUP_FORMS[state]
    if form.is_bound:
        form.is_valid()
    for field in form.visible_fields():
        written = field.as_field_group()
        assert parse_html(written) == parse_html(FIELD_GROUP_BEFORE.render(Context({"field": field}))), (
            field.name
        )
        assert "<script>" not in written


def test_a_field_with_a_template_of_its_own_keeps_it():
    class Own(forms.Form):
        name = forms.CharField(template_name="components/form.html")

    field = Own()["name"]
    assert field.as_field_group() == field.render()


class Picks(forms.Form):
    rating = forms.ChoiceField(widget=forms.RadioSelect)
    files = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, rating, files, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = rating
        self.fields["files"].choices = files


RATINGS = [("1", "1 – Low"), ("2", "2 – <High>")]
FILES = [("a", "Alpha & co"), ("b", HOSTILE)]


@pytest.mark.parametrize(
    "data", [None, {"rating": "2", "files": ["b"]}, {"rating": "9", "files": ["a", "z"]}]
)
def test_fixed_choices_shared_by_many_forms_act_as_the_same_choices_given_to_each(data):
    ratings, files = FixedChoices(RATINGS), FixedChoices(FILES)
    shared = [Picks(data, rating=ratings, files=files) for _ in range(2)]
    alone = Picks(data, rating=RATINGS, files=FILES)

    for form in shared:
        assert form.is_valid() == alone.is_valid()
        assert form.errors == alone.errors
        for name in ("rating", "files"):
            assert parse_html(str(form[name])) == parse_html(str(alone[name]))
            assert list(form.fields[name].choices) == list(alone.fields[name].choices)
    assert shared[0].fields["files"].choices is shared[1].fields["files"].choices  # shared, not copied


def test_fixed_choices_are_falsy_when_empty_and_keep_values_as_strings():
    assert not FixedChoices([])
    assert len(FixedChoices(FILES)) == 2
    assert list(FixedChoices([(7, "Seven")])) == [("7", "Seven")]
