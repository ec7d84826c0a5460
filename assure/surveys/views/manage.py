"""The pages that run a survey: the list, the overview with response rates, settings, stakeholders, sending
and closing."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from assure.core import permissions
from assure.core.views import login_required_get
from assure.cycles.models import Cycle
from assure.organisations.models import Organisation

from .. import services
from ..forms import SettingsForm, StakeholderForm
from ..models import EmailDelivery, Stakeholder, Survey
from .common import crumbs, get_managed_survey, get_survey

STAKEHOLDERS_PER_PAGE = 100


def _login(request):
    return redirect(f"{reverse('accounts:login')}?next={request.path}")


@login_required_get
def survey_list(request):
    surveys = list(
        Survey.objects.visible_to(request.user)
        .select_related("cycle", "organisation")
        .order_by("-cycle__starts_on", "organisation__name")
    )
    # CCGs the person could set a survey up for, in the open cycles they see.
    cycles = list(Cycle.objects.visible_to(request.user).open().order_by("ends_on", "name"))
    existing = {(s.cycle_id, s.organisation_id) for s in surveys}
    ccgs = (
        Organisation.objects.visible_to(request.user)
        .filter(cycles__in=[c.pk for c in cycles])
        .select_related("region")
        .distinct()
    )
    by_cycle = {c.pk: c for c in cycles}
    taking_part = Cycle.ccgs.through.objects.filter(
        cycle__in=list(by_cycle), organisation__in=[c.pk for c in ccgs]
    ).values_list("cycle_id", "organisation_id")
    ccg_by_id = {c.pk: c for c in ccgs}
    can_start = [
        (by_cycle[cycle_id], ccg_by_id[org_id])
        for cycle_id, org_id in taking_part
        if (cycle_id, org_id) not in existing
        and permissions.can_manage_survey(request.user, ccg_by_id[org_id])
    ]
    can_start.sort(key=lambda pair: (pair[0].name, pair[1].name))
    return render(
        request,
        "surveys/list.html",
        {"surveys": surveys, "can_start": can_start, "crumbs": [("Home", reverse("core:home"))]},
    )


@require_POST
def start(request, cycle_id, code):
    if not request.user.is_authenticated:
        return _login(request)
    cycle = get_object_or_404(
        Cycle.objects.visible_to(request.user).select_related("framework"), public_id=cycle_id
    )
    organisation = get_object_or_404(
        Organisation.objects.visible_to(request.user).of_type("ccg").filter(cycles=cycle), code=code
    )
    if not permissions.can_manage_survey(request.user, organisation):
        raise Http404("Not yours to set up")
    survey = services.survey_create(cycle=cycle, organisation=organisation, user=request.user)
    messages.success(request, "The survey has been set up. Check its dates and introduction.")
    return redirect("surveys:settings", survey.public_id)


@login_required_get
def detail(request, public_id):
    survey = get_survey(request, public_id)
    rates, total = services.survey_rates(survey)
    can_manage = permissions.can_manage_survey(request.user, survey.organisation)
    pending = EmailDelivery.objects.filter(
        stakeholder__survey=survey, status__in=[EmailDelivery.Status.QUEUED, EmailDelivery.Status.RETRYING]
    ).count()
    failed = EmailDelivery.objects.filter(
        stakeholder__survey=survey, status=EmailDelivery.Status.FAILED
    ).count()
    not_invited = total.listed - total.invited
    return render(
        request,
        "surveys/rates.html" if request.htmx else "surveys/detail.html",
        {
            "survey": survey,
            "rates": rates,
            "total": total,
            "not_invited": not_invited,
            "to_remind": total.invited - total.responded,
            "pending": pending,
            "failed": failed,
            "can_manage": can_manage,
            "can_see_stakeholders": permissions.can_see_stakeholders(request.user, survey.organisation),
            "crumbs": crumbs(survey)[:2],
        },
    )


@require_http_methods(["GET", "POST"])
def settings_view(request, public_id):
    if not request.user.is_authenticated:
        return _login(request)
    survey = get_managed_survey(request, public_id)
    if survey.is_closed:
        messages.error(request, "This survey has closed, so its settings can no longer be changed.")
        return redirect("surveys:detail", survey.public_id)
    opening_locked = survey.is_open
    initial = {
        "opens_on": timezone.localtime(survey.opens_at).date(),
        "closes_on": (timezone.localtime(survey.closes_at) - datetime.timedelta(microseconds=1)).date(),
        "min_group_size": survey.min_group_size,
        "intro": survey.intro,
    }
    form = SettingsForm(
        request.POST if request.method == "POST" else None, initial=initial, opening_locked=opening_locked
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(
                survey=survey,
                user=request.user,
                opens_at=survey.opens_at if opening_locked else form.opens_at,
                closes_at=form.closes_at,
                min_group_size=form.cleaned_data["min_group_size"],
                intro=form.cleaned_data["intro"],
            )
        except services.SurveyInvalid as exc:
            for field, message in exc.errors.items():
                form.add_error(
                    {"opens_at": "opens_on", "closes_at": "closes_on"}.get(field, field)
                    if field != "opens_at" or not opening_locked
                    else None,
                    message,
                )
        except services.SurveyStateError as exc:
            messages.error(request, str(exc))
            return redirect("surveys:detail", survey.public_id)
        else:
            messages.success(request, "The survey's settings have been saved.")
            return redirect("surveys:detail", survey.public_id)
    return render(
        request,
        "surveys/settings.html",
        {"survey": survey, "form": form, "crumbs": crumbs(survey)},
    )


@require_http_methods(["GET", "POST"])
def stakeholders(request, public_id):
    if not request.user.is_authenticated:
        return _login(request)
    survey = get_survey(request, public_id)
    if not permissions.can_see_stakeholders(request.user, survey.organisation):
        raise Http404("Not allowed to see the stakeholder list")
    can_manage = permissions.can_manage_survey(request.user, survey.organisation)
    form = StakeholderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_manage:
            raise Http404("Not allowed to change the stakeholder list")
        if form.is_valid():
            data = services.StakeholderInput(**form.cleaned_data)
            try:
                added = services.stakeholder_add(survey=survey, user=request.user, data=data)
            except services.SurveyInvalid as exc:
                for field, message in exc.errors.items():
                    form.add_error(field, message)
            except services.SurveyStateError as exc:
                messages.error(request, str(exc))
                return redirect("surveys:stakeholders", survey.public_id)
            else:
                messages.success(request, f"{added.name} has been added to the stakeholder list.")
                return redirect("surveys:stakeholders", survey.public_id)
    people = Stakeholder.objects.filter(survey=survey).order_by("name", "email")
    group = request.GET.get("group", "")
    if group:
        people = people.filter(group=group)
    page = Paginator(people, STAKEHOLDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveys/stakeholders.html",
        {
            "survey": survey,
            "form": form,
            "page": page,
            "params": urlencode({"group": group}) if group else "",
            "group": group,
            "can_manage": can_manage and not survey.is_closed,
            "can_export": permissions.can_export_stakeholders(request.user, survey.organisation),
            "crumbs": crumbs(survey),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def stakeholder_remove(request, public_id, stakeholder_id):
    if not request.user.is_authenticated:
        return _login(request)
    survey = get_managed_survey(request, public_id)
    stakeholder = get_object_or_404(
        Stakeholder.objects.select_related("survey"), survey=survey, public_id=stakeholder_id
    )
    try:
        services.stakeholder_remove(stakeholder=stakeholder, user=request.user)
    except services.SurveyStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{stakeholder.name} has been removed from the stakeholder list.")
    return redirect("surveys:stakeholders", survey.public_id)


def _send(request, public_id, action, what):
    if not request.user.is_authenticated:
        return _login(request)
    survey = get_managed_survey(request, public_id)
    try:
        count = action(survey=survey, user=request.user)
    except services.SurveyStateError as exc:
        messages.error(request, str(exc))
    else:
        if count:
            messages.success(
                request,
                f"{count:,} {what}{'s' if count != 1 else ''} queued. They are sent in the background: "
                "refresh this page to see progress.",
            )
        else:
            messages.error(request, f"There is nobody to send {what}s to.")
    return redirect("surveys:detail", survey.public_id)


@require_POST
def send_invitations(request, public_id):
    return _send(request, public_id, services.invitations_send, "invitation")


@require_POST
def send_reminders(request, public_id):
    return _send(request, public_id, services.reminders_send, "reminder")


@require_http_methods(["GET", "POST"])
def close(request, public_id):
    if not request.user.is_authenticated:
        return _login(request)
    survey = get_managed_survey(request, public_id)
    if request.method == "POST":
        try:
            services.survey_close(survey=survey, user=request.user)
        except services.SurveyStateError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, "The survey is closed. Its links no longer work and the results are ready."
            )
            return redirect("surveys:results", survey.public_id)
        return redirect("surveys:detail", survey.public_id)
    if not survey.is_open:
        messages.error(request, "Only an open survey can be closed.")
        return redirect("surveys:detail", survey.public_id)
    _, total = services.survey_rates(survey)
    return render(request, "surveys/close.html", {"survey": survey, "total": total, "crumbs": crumbs(survey)})


STAKEHOLDER_COLUMNS = [
    ("name", "Name", "name"),
    ("email", "Email", "email"),
    ("organisation", "Organisation", "organisation"),
    ("group", "Group", lambda p: p.get_group_display()),
    ("status", "Status", "state"),
    ("reminders", "Reminders sent", "reminders"),
    ("added_at", "Added", "added_at"),
    ("invited_at", "Invited", "invited_at"),
    ("opened_at", "Opened", "opened_at"),
    ("responded_at", "Responded", "responded_at"),
]


@login_required_get
def stakeholders_export(request, public_id, fmt):
    """The stakeholder list as CSV or XLSX, for the CCG's lead only (404 for everyone else): who is on it and
    where their invitation stands, never what anyone answered."""
    from assure.reports.exports import Column, export_response

    survey = get_survey(request, public_id)
    if not permissions.can_export_stakeholders(request.user, survey.organisation):
        raise Http404("Not allowed to download the stakeholder list")
    people = Stakeholder.objects.filter(survey=survey).order_by("name", "email")
    group = request.GET.get("group", "")
    if group:
        people = people.filter(group=group)
    columns = [Column(key, header, value) for key, header, value in STAKEHOLDER_COLUMNS]
    name = f"stakeholders-{survey.organisation.code}-{survey.cycle.name}"
    return export_response(people, columns, filename=name[:80], fmt=fmt, sheet="Stakeholders")
