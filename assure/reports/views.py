"""The CCG report (page and PDF), the regional dashboard and the whole-cycle workbook."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.cache import never_cache

from assure.assessments.models import Assessment
from assure.core.views import login_required_get

from . import services
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
