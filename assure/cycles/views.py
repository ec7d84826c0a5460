import datetime
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from assure.assessments.models import Assessment
from assure.core import permissions
from assure.core.links import UrlPattern
from assure.core.queries import Ids
from assure.core.views import login_required_get
from assure.organisations.models import Organisation
from assure.reports.exports import Column, export_response

from . import progress, services
from .forms import CycleForm, initial_for
from .models import Cycle


class RowAssessment(NamedTuple):
    public_id: uuid.UUID
    organisation_id: int
    status: str
    first_submitted_at: datetime.datetime | None
    submitted_at: datetime.datetime | None


@dataclass(slots=True)
class CcgRow:
    """A CCG of the cycle as its row shows it (read as values: some 200 model instances cost three times as much),
    with its self-assessment and the row's links."""

    pk: int
    code: str
    name: str
    region_name: str | None
    assessment: RowAssessment | None = None
    is_mine: bool = False
    overdue: list[str] = field(default_factory=list)
    start_url: str = ""
    status_label: str = ""
    task_list_url: str = ""
    report_url: str = ""


CCG_COLUMNS = [
    Column("code", "CCG code"),
    Column("name", "CCG name"),
    Column("region", "Region", "region_name"),
    Column(
        "self_assessment",
        "Self-assessment",
        lambda c: c.status_label if c.assessment else "Not started",
    ),
    Column(
        "first_submitted_at",
        "First submitted at",
        lambda c: c.assessment.first_submitted_at if c.assessment else None,
    ),
    Column(
        "submitted_at", "Last submitted at", lambda c: c.assessment.submitted_at if c.assessment else None
    ),
    Column("overdue", "Overdue steps", lambda c: ", ".join(c.overdue)),
]


@login_required_get
def cycle_detail(request, public_id, fmt=None):
    cycle = get_object_or_404(
        Cycle.objects.visible_to(request.user)
        .select_related("framework", "region")
        .prefetch_related("steps"),
        public_id=public_id,
    )
    ccgs = [
        CcgRow(*values)
        for values in Organisation.objects.visible_to(request.user)
        .filter(cycles=cycle)
        .order_by("name")
        .values_list("pk", "code", "name", "region__name")  # what the table and its download show
    ]
    assessments = {
        a.organisation_id: a
        for a in map(
            RowAssessment._make,
            Assessment.objects.visible_to(request.user)
            .filter(cycle=cycle, organisation__in=Ids(c.pk for c in ccgs))
            .order_by()  # by CCG below; the default ordering would join cycles and CCGs only to sort
            .values_list("public_id", "organisation_id", "status", "first_submitted_at", "submitted_at"),
        )
    }
    late = progress.overdue(cycle, [c.pk for c in ccgs])
    statuses = dict(Assessment.Status.choices)
    start = reverse("assessments:start", args=[cycle.public_id, "CODE"]).removesuffix("CODE/")
    task_list, report = UrlPattern("assessments:task_list"), UrlPattern("reports:report")
    for ccg in ccgs:
        ccg.assessment = assessments.get(ccg.pk)
        ccg.is_mine = permissions.is_ccg_member(request.user, ccg.pk)
        ccg.overdue = [s.label for s in late[ccg.pk]]
        # Each row's links, reversed once for the page rather than once per row.
        ccg.start_url = f"{start}{quote(ccg.code)}/"
        if ccg.assessment:
            ccg.status_label = statuses[ccg.assessment.status]
            ccg.task_list_url = task_list.format(ccg.assessment.public_id)
            ccg.report_url = report.format(ccg.assessment.public_id)
    steps = progress.steps_of(cycle)
    overdue = Counter(s.step.pk for ccg in ccgs for s in late[ccg.pk])
    for step in steps:
        step.overdue = overdue[step.pk]
    if fmt:
        return export_response(ccgs, CCG_COLUMNS, filename=f"{cycle.name} CCGs", fmt=fmt, sheet="CCGs")
    crumbs = [("Home", reverse("core:home"))]
    return render(
        request,
        "cycles/detail.html",
        {
            "cycle": cycle,
            "ccgs": ccgs,
            "steps": steps,
            "crumbs": crumbs,
            "can_view_dashboard": permissions.can_view_dashboard(request.user),
            "can_manage": permissions.can_manage_cycle(request.user, cycle),
        },
    )


@login_required_get
def cycle_list(request):
    """The cycles a platform admin or regional lead runs, with a way to create one."""
    if not permissions.can_create_cycle(request.user):
        raise Http404("Not for you")
    cycles = list(
        permissions.managed_cycles(request.user, Cycle.objects.visible_to(request.user))
        .select_related("framework", "region", "previous")
        .defer("previous__framework")
        .order_by("-starts_on", "name")
    )
    counts = dict(
        Cycle.ccgs.through.objects.filter(cycle__in=[c.pk for c in cycles])
        .values_list("cycle")
        .annotate(n=Count("organisation"))
        .values_list("cycle", "n")
    )
    for cycle in cycles:
        cycle.ccg_count = counts.get(cycle.pk, 0)
    return render(
        request,
        "cycles/list.html",
        {"cycles": cycles, "crumbs": [("Home", reverse("core:home"))]},
    )


def _form_page(request, form, cycle=None, stale=None):
    crumbs = [("Home", reverse("core:home")), ("Cycles", reverse("cycles:list"))]
    if cycle is not None:
        crumbs.append((cycle.name, reverse("cycles:detail", args=[cycle.public_id])))
    return render(
        request, "cycles/form.html", {"form": form, "cycle": cycle, "stale": stale, "crumbs": crumbs}
    )


@login_required
@require_http_methods(["GET", "POST"])
def cycle_create(request):
    if not permissions.can_create_cycle(request.user):
        raise Http404("Not for you")
    form = CycleForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(user=request.user, data=form.to_input())
        except services.CycleInvalid as exc:
            _add_errors(form, exc.errors)
        else:
            messages.success(request, f"{cycle.name} has been created.")
            return redirect("cycles:detail", cycle.public_id)
    return _form_page(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_edit(request, public_id):
    cycle = get_object_or_404(
        Cycle.objects.visible_to(request.user)
        .select_related("framework", "region", "previous")
        .prefetch_related("steps"),
        public_id=public_id,
    )
    if not permissions.can_manage_cycle(request.user, cycle):
        raise Http404("Not yours to change")
    form = CycleForm(request.POST or None, user=request.user, cycle=cycle, initial=initial_for(cycle))
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            updated_at = datetime.datetime.fromisoformat(form.cleaned_data["version"])
        except ValueError:
            updated_at = None
        try:
            cycle = services.cycle_update(
                cycle=cycle, user=request.user, data=form.to_input(), updated_at=updated_at
            )
        except services.CycleInvalid as exc:
            _add_errors(form, exc.errors)
        except services.StaleCycle as exc:
            stale = str(exc)
            fresh = Cycle.objects.visible_to(request.user).prefetch_related("steps").get(pk=cycle.pk)
            form = CycleForm(user=request.user, cycle=fresh, initial=initial_for(fresh))
        else:
            messages.success(request, f"{cycle.name} has been saved.")
            return redirect("cycles:detail", cycle.public_id)
    return _form_page(request, form, cycle, stale)


def _add_errors(form, errors):
    for name, message in errors.items():
        form.add_error(name if name in form.fields else None, message)
