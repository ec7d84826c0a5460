from types import SimpleNamespace
from typing import Any, NamedTuple

from django import forms

from assure.core.forms import FixedChoices, scale_choices

from .models import NARRATIVE_MAX_LENGTH, REASON_MAX_LENGTH


class ItemForm(forms.Form):
    """One item's rating. The choices come from the framework's scale; 'na' marks it not applicable."""

    rating = forms.ChoiceField(widget=forms.RadioSelect, required=False)
    reason = forms.CharField(
        label="Why does this not apply?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=REASON_MAX_LENGTH,
    )
    narrative = forms.CharField(
        label="Narrative",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=NARRATIVE_MAX_LENGTH,
        help_text="How the CCG meets this action, and where the evidence is.",
    )
    evidence = forms.MultipleChoiceField(
        label="Evidence", required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, code: str, scale, evidence_choices, allow_na: bool = True, **kwargs):
        """`evidence_choices`: (public id, label) pairs, or FixedChoices of them to share between many forms."""
        super().__init__(*args, **kwargs)
        self.code = code
        self.allow_na = allow_na
        self.fields["rating"].choices = scale_choices(scale, not_applicable=allow_na)
        self.fields["rating"].label = f"Rating for {code}"
        if not isinstance(evidence_choices, FixedChoices):
            evidence_choices = FixedChoices(evidence_choices)
        self.fields["evidence"].choices = evidence_choices
        self.fields["narrative"].error_messages["max_length"] = (
            f"The narrative for {code} must be {NARRATIVE_MAX_LENGTH:,} characters or fewer"
        )
        self.fields["reason"].error_messages["max_length"] = (
            f"The reason must be {REASON_MAX_LENGTH} characters or fewer"
        )
        self.prefix = f"item-{code}"


class HeldField(NamedTuple):
    """A field of a `HeldItemForm`: what the domain page's writers read of a bound field of an ItemForm that
    nothing was posted to (its field's label, length and choices, its name, id and value). It has no errors: only
    a posted form has those, and a posted form is an ItemForm."""

    field: Any
    html_name: str
    auto_id: str
    initial: Any
    errors: tuple = ()

    def value(self):
        return self.initial


class HeldItemForm:
    """An item's form as its domain page first shows it, holding the response's values (`initial`, as for an
    ItemForm), without building an ItemForm: Django copies every field of every form it makes, and a domain's
    28 ItemForms were a fifth of its page's time. It gives what the page's writers (`item_rows.py`) read of a
    form, no more; saving posts to an ItemForm, which validates, and which the page shows again with its errors.
    Tested to write what an ItemForm with the same values writes (assure/assessments/tests/test_item_rows.py)."""

    def __init__(
        self, *, initial: dict, code: str, scale, evidence_choices: FixedChoices, allow_na: bool = True
    ):
        self.code = code
        self.allow_na = allow_na
        self.prefix = f"item-{code}"
        self.initial = initial
        base = ItemForm.base_fields  # read, never changed: the labels and lengths every item's form shares
        self.fields = {
            "rating": SimpleNamespace(choices=scale_choices(scale, not_applicable=allow_na)),
            "reason": base["reason"],
            "narrative": base["narrative"],
            "evidence": SimpleNamespace(choices=evidence_choices),
            "version": base["version"],
        }

    def __getitem__(self, name: str) -> HeldField:
        html_name = f"{self.prefix}-{name}"
        return HeldField(self.fields[name], html_name, f"id_{html_name}", self.initial.get(name))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why are you reopening this self-assessment?",
        help_text="The CCG lead is told, with this reason.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        error_messages={"required": "Give a reason for reopening the self-assessment"},
    )
