import copy
import datetime
import functools
import json

from django import forms
from django.utils import timezone

from .constants import ANSWERS, COMMENT_MAX_LENGTH, GROUPS, LOWEST_MIN_GROUP_SIZE
from .importer import MAX_UPLOAD_BYTES, NAME_MAX_LENGTH, ORGANISATION_MAX_LENGTH
from .services import INTRO_MAX_LENGTH

GROUP_CHOICES = [(code, label) for code, label, _ in GROUPS]


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), timezone.get_current_timezone())


class SettingsForm(forms.Form):
    opens_on = forms.DateField(
        label="Opening date",
        help_text="The survey opens at the start of this day. Invitations can be sent from then.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the opening date",
            "invalid": "Enter the opening date as a real date",
        },
    )
    closes_on = forms.DateField(
        label="Closing date",
        help_text="The survey closes at midnight at the end of this day. Links stop working then.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the closing date",
            "invalid": "Enter the closing date as a real date",
        },
    )
    min_group_size = forms.IntegerField(
        label="Minimum responses before a group's results are shown",
        help_text=f"At least {LOWEST_MIN_GROUP_SIZE}. Groups with fewer responses are hidden, comments included.",
        min_value=LOWEST_MIN_GROUP_SIZE,
        max_value=1000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4"}),
        error_messages={
            "required": "Enter the minimum number of responses",
            "invalid": "Enter the minimum number of responses as a whole number, like 5",
            "min_value": f"The minimum number of responses must be {LOWEST_MIN_GROUP_SIZE} or more, so nobody can be identified",
            "max_value": "The minimum number of responses must be 1,000 or fewer",
        },
    )
    intro = forms.CharField(
        label="Introduction",
        required=False,
        max_length=INTRO_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Shown to stakeholders at the top of the survey: why you are asking and what you will do "
        "with the answers.",
        error_messages={"max_length": f"The introduction must be {INTRO_MAX_LENGTH:,} characters or fewer"},
    )

    def __init__(self, *args, opening_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if opening_locked:
            self.fields["opens_on"].disabled = True
            self.fields["opens_on"].help_text = "The survey is open, so its opening date is fixed."

    def clean(self):
        data = super().clean()
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", "The closing date must be on or after the opening date")
        return data

    @property
    def opens_at(self) -> datetime.datetime:
        return local_midnight(self.cleaned_data["opens_on"])

    @property
    def closes_at(self) -> datetime.datetime:
        return local_midnight(self.cleaned_data["closes_on"] + datetime.timedelta(days=1))


class StakeholderForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        error_messages={
            "required": "Enter the person's name",
            "max_length": f"The name must be {NAME_MAX_LENGTH} characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.CharField(
        label="Email address",
        max_length=254,
        error_messages={"required": "Enter an email address"},
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    organisation = forms.CharField(
        label="Organisation (optional)",
        required=False,
        max_length=ORGANISATION_MAX_LENGTH,
        error_messages={
            "max_length": f"The organisation must be {ORGANISATION_MAX_LENGTH} characters or fewer"
        },
    )
    group = forms.ChoiceField(
        label="Stakeholder group",
        choices=[("", "Choose a group"), *GROUP_CHOICES],
        error_messages={
            "required": "Choose the person's stakeholder group",
            "invalid_choice": "Choose the person's stakeholder group from the list",
        },
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a stakeholder list",
        help_text="A CSV file or an Excel workbook (.xlsx), up to 10 MB, with the columns Name, Email, "
        "Organisation and Group.",
        error_messages={
            "required": "Select the file to import",
            "empty": "The selected file is empty",
            "invalid": "Select the file to import",
            "missing": "Select the file to import",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The selected file must be smaller than {MAX_UPLOAD_BYTES // 2**20} MB"
            )
        kind = "xlsx" if name.endswith(".xlsx") else "csv" if name.endswith((".csv", ".txt")) else None
        if kind is None:
            raise forms.ValidationError(
                "The selected file must be a CSV file (.csv) or an Excel workbook (.xlsx)"
            )
        upload.seek(0)
        data = upload.read()
        if kind == "xlsx" and not data.startswith(b"PK\x03\x04"):
            raise forms.ValidationError(
                "The selected file is not an Excel workbook, or it is damaged. Save it from Excel as .xlsx and "
                "try again"
            )
        if kind == "csv" and b"\x00" in data[:4096]:
            raise forms.ValidationError(
                "The selected file is not a CSV file. Save it as CSV (UTF-8) and try again"
            )
        return kind, data


def _response_fields(statements: list[dict]) -> tuple[dict[str, forms.Field], list[dict]]:
    """The survey's fields (a set of radios per statement, a comment per domain) and, per domain, their names."""
    fields: dict[str, forms.Field] = {}
    domains = []
    for domain in statements:
        names = []
        for statement in domain["statements"]:
            name = f"s-{statement['code']}"
            fields[name] = forms.ChoiceField(
                label=f"{statement['code']} {statement['text']}",
                choices=list(ANSWERS),
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": f"Choose one of the answers for statement {statement['code']}"
                },
            )
            names.append(name)
        comment = f"comment-{domain['number']}"
        fields[comment] = forms.CharField(
            label=f"Comments on {domain['short_title'].lower()} (optional)",
            required=False,
            max_length=COMMENT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text="Do not include anything that could identify you or anyone else.",
            error_messages={
                "max_length": f"Your comment on domain {domain['number']} must be "
                f"{COMMENT_MAX_LENGTH:,} characters or fewer"
            },
        )
        domains.append({"domain": domain, "statements": names, "comment": comment})
    return fields, domains


@functools.lru_cache(maxsize=64)
def _response_fields_for(statements_json: str) -> tuple[dict[str, forms.Field], list[dict]]:
    return _response_fields(json.loads(statements_json))


class ResponseForm(forms.Form):
    """Every statement of the survey as a set of radios, and a comment per domain. Nothing is required: a
    respondent may leave statements unanswered and come back.

    The fields are built once for each set of statements and copied for each form, as Django copies a form
    class's declared fields: building them was a fifth of the time a submission took."""

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        fields, domains = _response_fields_for(json.dumps(survey.statements, sort_keys=True))
        self.fields.update(copy.deepcopy(fields))
        self.domains = domains  # read only

    def bound_domains(self):
        return [
            {
                "domain": d["domain"],
                "statements": [self[name] for name in d["statements"]],
                "comment": self[d["comment"]],
            }
            for d in self.domains
        ]

    def answers(self) -> dict[str, str]:
        return {
            name.removeprefix("s-"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("s-") and value
        }

    def comments(self) -> dict[int, str]:
        return {
            int(name.removeprefix("comment-")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("comment-") and value.strip()
        }
