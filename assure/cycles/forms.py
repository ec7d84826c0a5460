"""The form to create or change a cycle. It reads what was sent; services.cycle_validate decides what is allowed."""

from __future__ import annotations

from django import forms

from assure.core import permissions
from assure.frameworks.models import Framework
from assure.organisations.models import Organisation, OrganisationType

from .models import Cycle, CycleStep
from .services import NAME_MAX_LENGTH, CycleInput, StepInput

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DATE,
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}",
            "invalid": f"Enter the {label[0].lower()}{label[1:]} as a real date, like 2013-04-01",
        },
    )


class FrameworkChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title}, version {obj.version}"


class CcgChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class CycleForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX_LENGTH,
        help_text="For example “London annual assurance 2013–14”.",
        error_messages={
            "required": "Enter a name for the cycle",
            "max_length": f"The name must be {NAME_MAX_LENGTH} characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of cycle",
        choices=[
            (Cycle.Kind.AUTHORISATION, "Authorisation wave"),
            (Cycle.Kind.ANNUAL_ASSURANCE, "Annual assurance (each CCG starts from its last cycle's ratings)"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether this is an authorisation wave or annual assurance"},
    )
    framework = FrameworkChoice(
        label="Framework version",
        queryset=Framework.objects.none(),
        empty_label=None,
        error_messages={
            "required": "Choose the framework version",
            "invalid_choice": "Choose one of the frameworks listed",
        },
    )
    region = forms.ModelChoiceField(
        label="Region",
        queryset=Organisation.objects.none(),
        to_field_name="code",
        required=False,
        error_messages={"invalid_choice": "Choose one of your regions"},
    )
    starts_on = _date("Start date")
    ends_on = _date("End date")
    previous = forms.ModelChoiceField(
        label="Previous cycle",
        queryset=Cycle.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label="None",
        help_text="The cycle this one follows, for each CCG's history. Annual assurance needs one.",
        error_messages={"invalid_choice": "Choose one of the cycles listed"},
    )
    all_ccgs = forms.BooleanField(
        label="Every CCG of the region (of England, for a national cycle)",
        required=False,
        help_text="Or tick the CCGs one by one below.",
    )
    ccgs = CcgChoice(
        label="CCGs",
        queryset=Organisation.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "%(value)s is not a CCG you can add to a cycle"},
    )
    reminder_days = forms.CharField(
        label="Reminder days",
        required=False,
        max_length=100,
        help_text="Days before each deadline on which the responsible leads are emailed, like 14,7,1. "
        "Leave empty to use the service's setting.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, cycle: Cycle | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.cycle = cycle
        self.fields["framework"].queryset = Framework.objects.order_by("title", "-imported_at")
        regions = permissions.cycle_regions(user, Organisation.objects.of_type(OrganisationType.REGION))
        self.fields["region"].queryset = regions.order_by("name")
        if permissions.is_platform_admin(user):
            self.fields["region"].empty_label = "National (every region)"
        else:
            self.fields["region"].required = True
            self.fields["region"].empty_label = None
            self.fields["region"].error_messages["required"] = "Choose your region"
        previous = permissions.managed_cycles(user, Cycle.objects.all()).order_by("-starts_on", "name")
        if cycle is not None:
            previous = previous.exclude(pk=cycle.pk)
        self.fields["previous"].queryset = previous
        self.fields["ccgs"].queryset = (
            permissions.cycle_ccgs(user, Organisation.objects.of_type(OrganisationType.CCG))
            .select_related("type", "region")
            .order_by("region__name", "name")
        )
        for step, label in CycleStep.Step.choices:
            self.fields[f"use_{step}"] = forms.BooleanField(label=f"Uses the {label.lower()}", required=False)
            self.fields[f"{step}_opens_on"] = _date(f"{label} opens on", required=False)
            self.fields[f"{step}_deadline"] = _date(f"{label} deadline", required=False)

    @property
    def step_rows(self):
        return [
            {
                "step": step,
                "label": label,
                "use": self[f"use_{step}"],
                "opens_on": self[f"{step}_opens_on"],
                "deadline": self[f"{step}_deadline"],
            }
            for step, label in CycleStep.Step.choices
        ]

    def ccg_groups(self):
        """The CCG checkboxes grouped by region: [(region name, [(code, label, checked, index)])]."""
        value = self["ccgs"].value() or []
        chosen = {str(v) for v in value}
        groups: dict[str, list] = {}
        for index, ccg in enumerate(self.fields["ccgs"].queryset):
            region = ccg.region.name if ccg.region_id else "No region"
            groups.setdefault(region, []).append(
                (ccg.code, f"{ccg.name} ({ccg.code})", ccg.code in chosen, index)
            )
        return list(groups.items())

    def clean(self):
        data = super().clean()
        for step, label in CycleStep.Step.choices:
            if (
                data.get(f"use_{step}")
                and not data.get(f"{step}_deadline")
                and not self.has_error(f"{step}_deadline")
            ):
                self.add_error(f"{step}_deadline", f"Enter the {label.lower()} deadline, or untick the step")
        return data

    def to_input(self) -> CycleInput:
        data = self.cleaned_data
        region = data.get("region")
        ccgs = list(data.get("ccgs") or [])
        if data.get("all_ccgs"):
            everyone = self.fields["ccgs"].queryset
            ccgs = list(everyone.filter(region=region) if region else everyone)
        return CycleInput(
            name=data["name"],
            kind=data["kind"],
            framework=data["framework"],
            region=region,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            previous=data.get("previous"),
            ccgs=ccgs,
            reminder_days=data.get("reminder_days") or "",
            steps={
                step: StepInput(opens_on=data.get(f"{step}_opens_on"), deadline=data[f"{step}_deadline"])
                for step in CycleStep.Step.values
                if data.get(f"use_{step}") and data.get(f"{step}_deadline")
            },
        )


def initial_for(cycle: Cycle) -> dict:
    steps = {s.step: s for s in cycle.steps.all()}
    initial = {
        "name": cycle.name,
        "kind": cycle.kind,
        "framework": cycle.framework_id,
        "region": cycle.region.code if cycle.region_id else "",
        "starts_on": cycle.starts_on,
        "ends_on": cycle.ends_on,
        "previous": cycle.previous.public_id if cycle.previous_id else "",
        "ccgs": list(cycle.ccgs.values_list("code", flat=True)),
        "reminder_days": cycle.reminder_days,
        "version": cycle.updated_at.isoformat(),
    }
    for step in CycleStep.Step.values:
        if step in steps:
            initial[f"use_{step}"] = True
            initial[f"{step}_opens_on"] = steps[step].opens_on
            initial[f"{step}_deadline"] = steps[step].deadline
    return initial
