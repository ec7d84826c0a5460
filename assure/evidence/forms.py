import datetime

from django import forms
from django.utils import timezone

from assure.frameworks.models import Domain, EvidenceType, Item


class EvidenceForm(forms.Form):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter a title for the evidence"}
    )
    evidence_type = forms.ModelChoiceField(
        label="Type of evidence",
        queryset=EvidenceType.objects.none(),
        empty_label="Choose a type",
        error_messages={
            "required": "Choose the type of evidence",
            "invalid_choice": "Choose a type from the list",
        },
    )
    document_date = forms.DateField(
        label="Document date",
        help_text="The date on the document, for example 2026-03-31.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the document date",
            "invalid": "Enter the document date as a real date, like 2026-03-31",
        },
    )
    owner = forms.CharField(
        label="Owner",
        max_length=200,
        help_text="Who in the CCG is responsible for this document.",
        error_messages={"required": "Enter who owns the document"},
    )
    file = forms.FileField(
        label="Upload a file",
        required=False,
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument, CSV or an image.",
    )
    url = forms.URLField(
        label="Or give a link",
        required=False,
        max_length=1000,
        assume_scheme="https",
        help_text="A web address where the document can be read.",
        error_messages={"invalid": "Enter a full web address, like https://example.org/plan.pdf"},
    )
    domains = forms.ModelMultipleChoiceField(
        label="Domains this evidence supports",
        queryset=Domain.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_type"].queryset = EvidenceType.objects.filter(framework=framework)
        self.fields["domains"].queryset = Domain.objects.filter(framework=framework).order_by("number")
        self.fields["domains"].label_from_instance = lambda d: f"{d.number}. {d.short_title}"

    def clean_document_date(self):
        value = self.cleaned_data["document_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("The document date must be today or in the past")
        if value < datetime.date(2000, 1, 1):
            raise forms.ValidationError("The document date must be after 1 January 2000")
        return value

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("file")) == bool(data.get("url")):
            self.add_error("file", "Upload a file or give a link (one, not both)")
        return data


class EvidenceLinksForm(forms.Form):
    domains = forms.ModelMultipleChoiceField(
        label="Domains", queryset=Domain.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    items = forms.ModelMultipleChoiceField(
        label="Items", queryset=Item.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domains"].queryset = Domain.objects.filter(framework=framework).order_by("number")
        self.fields["domains"].label_from_instance = lambda d: f"{d.number}. {d.short_title}"
        self.fields["items"].queryset = Item.objects.filter(framework=framework).select_related("domain")
        self.fields["items"].label_from_instance = lambda i: (
            f"{i.code} {i.text[:90]}{'…' if len(i.text) > 90 else ''}"
        )
