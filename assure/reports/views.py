"""The CCG report (page and PDF), the regional dashboard and the whole-cycle workbook."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from assure.assessments.models import Assessment
from assure.core import permissions
from assure.core.views import login_required_get
from assure.cycles.models import Cycle
from assure.organisations.models import Organisation, OrganisationType

from . import services, workbook
from .dashboard import MEASURES, build_dashboard, conditions_over_time, dashboard_columns
from .exports import export_response, workbook_response
from .models import ReportPdf
from .render import prepare
from .report import build_report, report_source


def _assessment(request, public_id) -> Assessment:
    return get_object_or_404(
        Assessment.objects.visible_to(request.user).select_related(
            "cycle__framework", "organisation__region"
        ),
        public_id=public_id,
    )


def _report(request, assessment: Assessment) -> dict:
    return build_report(report_source(request.user, assessment))


def pdf_filename(assessment: Assessment) -> str:
    return f"{slugify(assessment.organisation.name)}-{slugify(assessment.cycle.name)}-report.pdf"


@login_required_get
def report(request, public_id):
    assessment = _assessment(request, public_id)
    data = _report(request, assessment)
    crumbs = [("Home", reverse("core:home"))]
    if data["source"]["draft"]:
        crumbs.append(
            (
                f"{assessment.organisation.name} self-assessment",
                reverse("assessments:task_list", args=[assessment.public_id]),
            )
        )
    return render(
        request,
        "reports/report.html",
        {"assessment": assessment, "report": prepare(data), "crumbs": crumbs},
    )


def pdf_response(report_pdf: ReportPdf, assessment: Assessment) -> HttpResponse:
    response = HttpResponse(bytes(report_pdf.pdf), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, pdf_filename(assessment))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required_get
def report_pdf(request, public_id):
    """The PDF if it is ready for this content; otherwise queue it and show its progress."""
    assessment = _assessment(request, public_id)
    report_pdf = services.report_pdf_request(assessment=assessment, report=_report(request, assessment))
    if report_pdf.is_ready:
        return pdf_response(report_pdf, assessment)
    return redirect("reports:pdf_status", assessment.public_id, report_pdf.public_id)


def _report_pdf(request, assessment, pdf_id) -> ReportPdf:
    return get_object_or_404(
        ReportPdf.objects.visible_to(request.user).filter(assessment=assessment).defer("pdf", "data"),
        public_id=pdf_id,
    )


@never_cache
@login_required_get
def pdf_status(request, public_id, pdf_id):
    assessment = _assessment(request, public_id)
    report_pdf = _report_pdf(request, assessment, pdf_id)
    return render(
        request,
        "reports/preparing.html",
        {
            "assessment": assessment,
            "report_pdf": report_pdf,
            "crumbs": [
                ("Home", reverse("core:home")),
                (f"{assessment.organisation.name} report", reverse("reports:report", args=[public_id])),
            ],
        },
    )


@login_required_get
def pdf_download(request, public_id, pdf_id):
    assessment = _assessment(request, public_id)
    report_pdf = _report_pdf(request, assessment, pdf_id)
    if not report_pdf.is_ready:
        return redirect("reports:pdf_status", assessment.public_id, report_pdf.public_id)
    report_pdf = ReportPdf.objects.visible_to(request.user).get(pk=report_pdf.pk)
    return pdf_response(report_pdf, assessment)


# The regional dashboard -------------------------------------------------------------------------------------


def _dashboard_cycle(request):
    cycles = list(
        Cycle.objects.visible_to(request.user)
        .select_related("framework", "previous", "region")
        .order_by("-starts_on", "name")
    )
    wanted = request.GET.get("cycle", "")
    cycle = next((c for c in cycles if str(c.public_id) == wanted), None) or (cycles[0] if cycles else None)
    if wanted and cycle is not None and str(cycle.public_id) != wanted:
        raise Http404("No such cycle")
    return cycle, cycles


@login_required_get
def dashboard(request, fmt=None):
    if not permissions.can_view_dashboard(request.user):
        raise Http404("Not for you")
    cycle, cycles = _dashboard_cycle(request)
    regions = list(
        permissions.dashboard_regions(
            request.user, Organisation.objects.visible_to(request.user).of_type(OrganisationType.REGION)
        ).order_by("name")
    )
    region = next((r for r in regions if r.code == request.GET.get("region")), None)
    if request.GET.get("region") and region is None:
        raise Http404("No such region")
    filters = {key: request.GET.get(key, "") for key in ("outcome",)}
    board = None
    if cycle is not None:
        board = build_dashboard(
            request.user,
            cycle,
            measure=request.GET.get("measure", "maturity"),
            region=region,
            filters=filters,
        )
    if fmt:
        if board is None:
            raise Http404("No cycle")
        return export_response(
            board.rows,
            dashboard_columns(board),
            filename=f"dashboard-{cycle.name}",
            fmt=fmt,
            sheet="Dashboard",
        )
    query = request.GET.urlencode()
    # Only the CCGs whose decision the reader may see (the outcome fact is empty otherwise) count in the chart.
    decided = [r.ccg.pk for r in board.rows if r.facts.get("outcome")] if board else []
    over_time = conditions_over_time(cycle, decided) if decided else None
    return render(
        request,
        "reports/dashboard.html",
        {
            "board": board,
            "cycles": cycles,
            "cycle": cycle,
            "regions": regions,
            "region": region,
            "measures": list(MEASURES.values()),
            "filters": filters,
            "query": query,
            "over_time": over_time,
            "can_download_workbook": cycle is not None and permissions.can_view_dashboard(request.user),
            "crumbs": [("Home", reverse("core:home"))],
        },
    )


@login_required_get
def cycle_workbook(request, public_id):
    if not permissions.can_view_dashboard(request.user):
        raise Http404("Not for you")
    cycle = get_object_or_404(
        Cycle.objects.visible_to(request.user).select_related("framework", "previous", "region"),
        public_id=public_id,
    )
    sheets = workbook.cycle_sheets(request.user, cycle)
    return workbook_response(sheets, filename=f"{cycle.name} workbook")
