from urllib.parse import quote

from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from assure.assessments.models import Assessment
from assure.core import permissions
from assure.core.links import UrlPattern
from assure.core.views import login_required_get
from assure.organisations.models import Organisation
from assure.reports.exports import Column, export_response

from .models import Cycle

CCG_COLUMNS = [
    Column("code", "CCG code"),
    Column("name", "CCG name"),
    Column("region", "Region", "region.name"),
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
]


@login_required_get
def cycle_detail(request, public_id, fmt=None):
    cycle = get_object_or_404(
        Cycle.objects.visible_to(request.user)
        .select_related("framework", "region")
        .defer("framework__document")
        .prefetch_related("steps"),
        public_id=public_id,
    )
    ccgs = list(Organisation.objects.visible_to(request.user).filter(cycles=cycle).select_related("region"))
    assessments = {
        a.organisation_id: a
        for a in Assessment.objects.visible_to(request.user)
        .filter(cycle=cycle, organisation__in=[c.pk for c in ccgs])
        .only("public_id", "organisation_id", "status", "first_submitted_at", "submitted_at")
    }
    statuses = dict(Assessment.Status.choices)
    start = reverse("assessments:start", args=[cycle.public_id, "CODE"]).removesuffix("CODE/")
    task_list, report = UrlPattern("assessments:task_list"), UrlPattern("reports:report")
    for ccg in ccgs:
        ccg.assessment = assessments.get(ccg.pk)
        ccg.is_mine = permissions.is_ccg_member(request.user, ccg.pk)
        # Each row's links, reversed once for the page rather than once per row.
        ccg.start_url = f"{start}{quote(ccg.code)}/"
        if ccg.assessment:
            ccg.status_label = statuses[ccg.assessment.status]
            ccg.task_list_url = task_list.format(ccg.assessment.public_id)
            ccg.report_url = report.format(ccg.assessment.public_id)
    if fmt:
        return export_response(ccgs, CCG_COLUMNS, filename=f"{cycle.name} CCGs", fmt=fmt, sheet="CCGs")
    crumbs = [("Home", reverse("core:home"))]
    return render(
        request,
        "cycles/detail.html",
        {
            "cycle": cycle,
            "ccgs": ccgs,
            "crumbs": crumbs,
            "can_view_dashboard": permissions.can_view_dashboard(request.user),
        },
    )
