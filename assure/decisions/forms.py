from django import forms

from assure.core.forms import scale_choices

from .models import (
    CONDITION_TEXT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    RATIONALE_MAX_LENGTH,
    RESPONSE_MAX_LENGTH,
    Condition,
    Decision,
    Judgement,
)

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class JudgementForm(forms.Form):
    value = forms.ChoiceField(widget=forms.RadioSelect, choices=Judgement.Value.choices)
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=RATIONALE_MAX_LENGTH)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, number: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.prefix = "judgement"
        self.fields["value"].label = f"Your judgement of domain {number} against the threshold"
        self.fields["value"].error_messages = {
            "required": f"Choose your judgement of domain {number}",
            "invalid_choice": f"Choose your judgement of domain {number}",
        }
        self.fields["rationale"].label = "Rationale"
        self.fields["rationale"].help_text = "What in the evidence supports your judgement."
        self.fields["rationale"].error_messages = {
            "required": f"Give a rationale for your judgement of domain {number}",
            "max_length": f"The rationale must be {RATIONALE_MAX_LENGTH:,} characters or fewer",
        }
        self.fields["version"].error_messages["required"] = "Reload the page and make your change again"


class AssessorRatingForm(forms.Form):
    rating = forms.ChoiceField(widget=forms.RadioSelect, required=False)
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX_LENGTH
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, code: str, scale, **kwargs):
        super().__init__(*args, **kwargs)
        self.code = code
        self.prefix = f"rate-{code}"
        self.fields["rating"].choices = scale_choices(scale)
        self.fields["rating"].label = f"Your rating of {code}"
        self.fields["rating"].error_messages["invalid_choice"] = (
            f"Choose a rating for {code} from the scale shown"
        )
        self.fields["note"].label = f"Your note on {code}"
        self.fields["note"].error_messages["max_length"] = (
            f"The note on {code} must be {NOTE_MAX_LENGTH:,} characters or fewer"
        )
        self.fields["version"].error_messages["required"] = (
            f"Reload the page and make your change to {code} again"
        )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(widget=forms.RadioSelect, choices=Decision.Outcome.choices, label="Outcome")
    decided_on = forms.DateField(
        label="Date of the decision", help_text="For example, 14/3/2013", input_formats=DATE_FORMATS
    )
    panel = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Panel members",
        help_text="One name per line, with their role if you wish.",
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}), max_length=RATIONALE_MAX_LENGTH, label="Rationale"
    )
    contradiction_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=RATIONALE_MAX_LENGTH,
        label="Reason for departing from the judgements (if it does)",
        help_text="Needed when the outcome contradicts the assessors' domain judgements.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].error_messages = {
            "required": "Choose the outcome",
            "invalid_choice": "Choose the outcome",
        }
        self.fields["decided_on"].error_messages = {
            "required": "Enter the date of the decision",
            "invalid": "Enter the date of the decision as day/month/year, for example 14/3/2013",
        }
        self.fields["panel"].error_messages = {"required": "Name the panel members, one per line"}
        self.fields["rationale"].error_messages = {"required": "Give the rationale for the decision"}


class ConditionForm(forms.Form):
    """One condition. On the decision page there are a few of these, prefixed `condition-N`; all blank is skipped."""

    domain = forms.ChoiceField(label="Domain")
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=CONDITION_TEXT_MAX_LENGTH,
        label="What must change",
    )
    support_level = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=Condition.SupportLevel.choices,
        label="Level of support or intervention",
    )
    due = forms.DateField(label="Due date", help_text="For example, 30/9/2013", input_formats=DATE_FORMATS)

    def __init__(self, *args, domains, label: str = "Condition", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [("", "Choose a domain")] + [
            (str(d.number), f"{d.number}. {d.short_title or d.title}") for d in domains
        ]
        self.fields["domain"].label = f"{label}: domain"
        self.fields["text"].label = f"{label}: what must change"
        self.fields["support_level"].label = f"{label}: level of support or intervention"
        self.fields["due"].label = f"{label}: due date"
        self.fields["domain"].error_messages = {
            "required": f"{label}: choose the domain it concerns",
            "invalid_choice": f"{label}: choose the domain it concerns",
        }
        self.fields["text"].error_messages = {"required": f"{label}: say what must change"}
        self.fields["support_level"].error_messages = {
            "required": f"{label}: choose the level of support",
            "invalid_choice": f"{label}: choose the level of support",
        }
        self.fields["due"].error_messages = {
            "required": f"{label}: enter the date it is due",
            "invalid": f"{label}: enter the due date as day/month/year",
        }

    def is_blank(self) -> bool:
        return not any(self.data.get(self.add_prefix(name), "").strip() for name in ("domain", "text", "due"))


class ResponseForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=RESPONSE_MAX_LENGTH,
        label="How the condition has been met",
    )
    evidence = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        label="Evidence from your library",
        help_text="Add documents to your evidence library first if they are not listed.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, evidence, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = [
            (str(e.public_id), f"{e.title} ({e.evidence_type.title}, {e.document_date:%d %b %Y})")
            for e in evidence
        ]
        self.fields["text"].error_messages = {"required": "Say how the condition has been met"}
        self.fields["evidence"].error_messages = {
            "required": "Choose at least one piece of evidence from your library",
            "invalid_choice": "Choose evidence from your own library",
        }


class ConditionActionForm(forms.Form):
    """Discharge, escalate or review: a note and the version read."""

    action = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="What do you want to do?",
        choices=[
            ("discharge", "Discharge the condition"),
            ("escalate", "Escalate the condition"),
            ("review", "Record the scheduled review"),
        ],
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=RESPONSE_MAX_LENGTH, label="Note"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].error_messages = {
            "required": "Choose what to do with the condition",
            "invalid_choice": "Choose what to do with the condition",
        }
