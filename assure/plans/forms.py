from django import forms

from . import rules
from .models import DESCRIPTION_MAX_LENGTH, OWNER_NAME_MAX_LENGTH, TITLE_MAX_LENGTH, Action

STATUS_CHOICES = Action.Status.choices


class ActionForm(forms.Form):
    """An action of the plan: the CCG's own, or a gathered one the lead is editing."""

    title = forms.CharField(max_length=TITLE_MAX_LENGTH, label="What is the action?")
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=DESCRIPTION_MAX_LENGTH,
        label="More detail (optional)",
    )
    domain = forms.ChoiceField(required=False, label="Domain (optional)")
    owner = forms.ChoiceField(required=False, label="Owner: a person of the CCG")
    owner_name = forms.CharField(
        required=False,
        max_length=OWNER_NAME_MAX_LENGTH,
        label="Or the owner’s name",
        help_text="For an owner without an account, for example a team or a partner organisation.",
    )
    due = forms.DateField(
        required=False,
        label="When is the action due?",
        help_text="For example, 31/3/2013",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )
    status = forms.ChoiceField(choices=STATUS_CHOICES, initial=rules.OPEN, label="Status")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, people, domains, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(p.public_id): p for p in people}
        self.fields["owner"].choices = [("", "No one yet")] + [
            (key, p.get_full_name()) for key, p in self.people.items()
        ]
        self.domains = {str(d.number): d for d in domains}
        self.fields["domain"].choices = [("", "No particular domain")] + [
            (key, f"Domain {d.number}: {d.short_title}") for key, d in self.domains.items()
        ]
        self.fields["title"].error_messages["required"] = "Enter a title for the action"
        self.fields["title"].error_messages["max_length"] = (
            f"The title must be {TITLE_MAX_LENGTH} characters or fewer"
        )
        self.fields["owner"].error_messages["invalid_choice"] = "Choose an owner who works for the CCG"
        self.fields["domain"].error_messages["invalid_choice"] = "Choose a domain of the framework"
        self.fields["status"].error_messages["invalid_choice"] = (
            "Choose a status: open, in progress, done or dropped"
        )
        self.fields["due"].error_messages["invalid"] = (
            "Enter the due date as day/month/year, for example 31/3/2013"
        )

    def clean(self):
        data = super().clean()
        if data.get("owner") and (data.get("owner_name") or "").strip():
            self.add_error("owner_name", "Choose a person or enter a name, not both")
        return data

    @property
    def owner_user(self):
        return self.people.get(self.cleaned_data.get("owner") or "")

    @property
    def domain_obj(self):
        return self.domains.get(self.cleaned_data.get("domain") or "")


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=STATUS_CHOICES)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        if action is not None:
            self.prefix = f"action-{action.public_id}"
            self.fields["status"].label = f"Status of “{action.title}”"
        self.fields["status"].error_messages.update(
            required="Choose a status", invalid_choice="Choose a status: open, in progress, done or dropped"
        )
        self.fields["version"].error_messages["required"] = "Reload the page and change the status again"
