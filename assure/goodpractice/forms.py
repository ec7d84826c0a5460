from django import forms

from assure.frameworks.models import Domain, Item, Theme

from .models import NOTE_MAX_LENGTH, SUMMARY_MAX_LENGTH, TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, theme_code
from .services import Decision


def _textarea(rows: int, max_length: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "maxlength": max_length})


class ExampleForm(forms.Form):
    organisation = forms.ChoiceField(
        label="Organisation",
        help_text="The organisation whose example this is.",
        error_messages={
            "required": "Choose the organisation",
            "invalid_choice": "Choose one of your organisations",
        },
    )
    title = forms.CharField(
        label="Title", max_length=TITLE_MAX_LENGTH, error_messages={"required": "Enter a title"}
    )
    summary = forms.CharField(
        label="Summary",
        max_length=SUMMARY_MAX_LENGTH,
        help_text=f"What the example is about, in a sentence or two (up to {SUMMARY_MAX_LENGTH} characters).",
        widget=_textarea(3, SUMMARY_MAX_LENGTH),
        error_messages={"required": "Enter a summary"},
    )
    what_we_did = forms.CharField(
        label="What you did",
        max_length=TEXT_MAX_LENGTH,
        help_text="Who was involved, the steps you took and what made it work.",
        widget=_textarea(8, TEXT_MAX_LENGTH),
        error_messages={"required": "Enter what you did"},
    )
    results = forms.CharField(
        label="Results",
        max_length=TEXT_MAX_LENGTH,
        help_text="What changed for patients, the public or partners, and how you know.",
        widget=_textarea(6, TEXT_MAX_LENGTH),
        error_messages={"required": "Enter the results"},
    )
    contact_name = forms.CharField(
        label="Contact name",
        max_length=200,
        help_text="Who other organisations can contact to learn more. This is published with the example.",
        error_messages={"required": "Enter a contact name"},
    )
    contact_email = forms.EmailField(
        label="Contact email address",
        max_length=254,
        error_messages={
            "required": "Enter a contact email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    domains = forms.ModelMultipleChoiceField(
        label="Domains",
        queryset=Domain.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.ModelMultipleChoiceField(
        label="Themes of potential beyond authorisation",
        queryset=Theme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    items = forms.ModelMultipleChoiceField(
        label="Items",
        queryset=Item.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, framework, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is None or len(organisations) < 2:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].choices = [("", "Choose an organisation")] + [
                (o.code, o.name) for o in organisations
            ]
        self.fields["domains"].queryset = Domain.objects.filter(framework=framework).order_by("number")
        self.fields["domains"].label_from_instance = lambda d: f"{d.number}. {d.short_title}"
        self.fields["themes"].queryset = (
            Theme.objects.filter(domain__framework=framework)
            .select_related("domain")
            .order_by("domain__number", "position")
        )
        self.fields["themes"].label_from_instance = lambda t: f"{theme_code(t)} {t.title}"
        self.fields["items"].queryset = Item.objects.filter(framework=framework).select_related("domain")
        self.fields["items"].label_from_instance = lambda i: (
            f"{i.code} {i.text[:90]}{'…' if len(i.text) > 90 else ''}"
        )

    def clean(self):
        data = super().clean()
        tagged = data.get("domains") or data.get("themes") or data.get("items")
        if not tagged and not {"domains", "themes", "items"} & set(self.errors):
            self.add_error("domains", "Choose at least one domain, theme or item the example is about")
        return data


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=Decision.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve, ask for changes or reject"},
    )
    note = forms.CharField(
        label="Note to the organisation",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text="Required when you ask for changes (say what) or reject (say why).",
        widget=_textarea(4, NOTE_MAX_LENGTH),
    )

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == Decision.REQUEST_CHANGES and not (data.get("note") or "").strip():
            self.add_error("note", "Say what needs to change")
        if decision == Decision.REJECT and not (data.get("note") or "").strip():
            self.add_error("note", "Give the reason for rejecting the example")
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument, CSV or an image. It is published with the example.",
        error_messages={"required": "Select a file to upload", "empty": "The selected file is empty"},
    )


class SearchForm(forms.Form):
    q = forms.CharField(label="Search good practice", required=False, max_length=200)
    domain = forms.TypedChoiceField(label="Domain", required=False, coerce=int, empty_value=None)
    theme = forms.ChoiceField(label="Theme", required=False)
    organisation_type = forms.ChoiceField(
        label="Organisation type",
        required=False,
        choices=[
            ("", "Any"),
            ("ccg", "Clinical commissioning groups"),
            ("hwb", "Health and Wellbeing Boards"),
        ],
    )

    def __init__(self, *args, domains, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [("", "Any domain")] + [
            (d.number, f"{d.number}. {d.short_title}") for d in domains
        ]
        self.fields["theme"].choices = [("", "Any theme")] + [
            (theme_code(t), f"{theme_code(t)} {_short(t.title)}") for t in themes
        ]


def _short(text: str, length: int = 70) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
