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


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why are you reopening this self-assessment?",
        help_text="The CCG lead is told, with this reason.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        error_messages={"required": "Give a reason for reopening the self-assessment"},
    )
