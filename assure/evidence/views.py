"""The evidence library: list, add (upload or link), link to domains and items, download, coverage."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from assure.core import permissions
from assure.core.downloads import file_download
from assure.core.views import login_required_get
from assure.cycles.models import Cycle
from assure.frameworks.models import EvidenceType, Framework
from assure.reports.exports import Column, export_response

from . import services
from .coverage import MISSING, PRESENT, STALE, UNLINKED
from .filetypes import UploadRejected
from .forms import EvidenceForm, EvidenceLinksForm
from .models import Evidence
from .queries import coverage_for


def _organisation(request, code):
    """The CCG whose library this is; only visible to people who may see its evidence."""
    from assure.organisations.models import Organisation

    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), code=code)
    if not (
        permissions.is_ccg_member(request.user, organisation.pk)
        or Evidence.objects.visible_to(request.user).filter(organisation=organisation).exists()
    ):
        raise Http404("No evidence library")
    return organisation


def _framework(request, organisation) -> Framework:
    """The framework of the CCG's newest cycle (evidence types come from it)."""
    cycle = (
        Cycle.objects.visible_to(request.user)
        .filter(ccgs=organisation)
        .select_related("framework")
        .order_by("-starts_on")
        .first()
    )
    if cycle is None:
        raise Http404("This CCG is not in a cycle")
    return cycle.framework


def _crumbs(organisation, *extra):
    return [
        ("Home", reverse("core:home")),
        (f"{organisation.name} evidence", reverse("evidence:library", args=[organisation.code])),
        *extra,
    ]


LIBRARY_COLUMNS = [
    Column("title", "Title"),
    Column("type", "Evidence type", "evidence_type.title"),
    Column("document_date", "Document date"),
    Column("owner", "Owner"),
    Column("kind", "File or link", lambda e: "Link" if e.is_link else "File"),
    Column("link", "Link", "url"),
    Column("file", "File name", "original_name"),
    Column("stale", "Over 12 months old", lambda e: e.is_stale()),
    Column("domains", "Domains", lambda e: ", ".join(str(d.number) for d in e.domains.all())),
    Column("items", "Items", lambda e: ", ".join(i.code for i in e.items.all())),
    Column("id", "Evidence ID", "public_id"),
]


@login_required_get
def library(request, code, fmt=None):
    organisation = _organisation(request, code)
    evidence = (
        Evidence.objects.visible_to(request.user)
        .filter(organisation=organisation)
        .select_related("evidence_type")
        .prefetch_related("domains", "items")
        .order_by("-document_date", "title")
    )
    if fmt:
        return export_response(
            evidence,
            LIBRARY_COLUMNS,
            filename=f"{organisation.code} evidence library",
            fmt=fmt,
            sheet="Evidence",
        )
    return render(
        request,
        "evidence/library.html",
        {
            "organisation": organisation,
            "evidence": evidence,
            "can_manage": permissions.can_manage_evidence(request.user, organisation.pk),
            "crumbs": [("Home", reverse("core:home"))],
        },
    )


@require_http_methods(["GET", "POST"])
def add(request, code):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    organisation = _organisation(request, code)
    if not permissions.can_manage_evidence(request.user, organisation.pk):
        raise Http404("Not allowed")
    framework = _framework(request, organisation)
    form = EvidenceForm(request.POST or None, request.FILES or None, framework=framework)
    if request.method == "POST" and form.is_valid():
        data = services.EvidenceInput(
            title=form.cleaned_data["title"],
            evidence_type=form.cleaned_data["evidence_type"],
            document_date=form.cleaned_data["document_date"],
            owner=form.cleaned_data["owner"],
            upload=form.cleaned_data["file"],
            url=form.cleaned_data["url"] or "",
            domains=list(form.cleaned_data["domains"]),
        )
        try:
            evidence = services.evidence_add(organisation=organisation, user=request.user, data=data)
        except UploadRejected as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, f"“{evidence.title}” has been added to the evidence library.")
            return redirect("evidence:detail", evidence.public_id)
    return render(
        request,
        "evidence/add.html",
        {"organisation": organisation, "form": form, "crumbs": _crumbs(organisation)},
    )


def _evidence(request, public_id) -> Evidence:
    return get_object_or_404(
        Evidence.objects.visible_to(request.user).select_related(
            "organisation", "evidence_type__framework", "added_by"
        ),
        public_id=public_id,
    )


@require_http_methods(["GET", "POST"])
def detail(request, public_id):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    evidence = _evidence(request, public_id)
    can_manage = permissions.can_manage_evidence(request.user, evidence.organisation_id)
    framework = evidence.evidence_type.framework
    form = None
    if can_manage:
        form = EvidenceLinksForm(
            request.POST or None,
            framework=framework,
            initial={"domains": list(evidence.domains.all()), "items": list(evidence.items.all())},
        )
        if request.method == "POST" and form.is_valid():
            services.evidence_update_links(
                evidence=evidence,
                user=request.user,
                domains=list(form.cleaned_data["domains"]),
                items=list(form.cleaned_data["items"]),
            )
            messages.success(request, "The links have been saved.")
            return redirect("evidence:detail", evidence.public_id)
    elif request.method == "POST":
        raise Http404("Not allowed")
    return render(
        request,
        "evidence/detail.html",
        {
            "evidence": evidence,
            "organisation": evidence.organisation,
            "form": form,
            "can_manage": can_manage,
            "domains": evidence.domains.order_by("number"),
            "items": evidence.items.select_related("domain"),
            "crumbs": _crumbs(evidence.organisation),
        },
    )


@login_required_get
def download(request, public_id):
    evidence = _evidence(request, public_id)
    if not evidence.file:
        raise Http404("This evidence is a link, not a file")
    return file_download(
        evidence.file,
        name=evidence.original_name or "evidence",
        content_type=evidence.content_type,
        private=True,
    )


@require_POST
def delete(request, public_id):
    if not request.user.is_authenticated:
        return redirect(reverse("accounts:login"))
    evidence = _evidence(request, public_id)
    if not permissions.can_manage_evidence(request.user, evidence.organisation_id):
        raise Http404("Not allowed")
    code = evidence.organisation.code
    title = evidence.title
    services.evidence_delete(evidence=evidence, user=request.user)
    messages.success(request, f"“{title}” has been removed from the evidence library.")
    return redirect("evidence:library", code)


COVERAGE_COLUMNS = [
    Column("domain", "Domain", lambda r: r["domain"].number),
    Column("domain_title", "Domain title", lambda r: r["domain"].short_title),
    Column("type", "Evidence type", lambda r: r["type"].title),
    Column("status", "Status"),
    Column("count", "Linked documents"),
    Column("newest", "Newest document date"),
]


@login_required_get
def coverage(request, code, fmt=None):
    organisation = _organisation(request, code)
    cycle_id = request.GET.get("cycle")
    cycles = (
        Cycle.objects.visible_to(request.user)
        .filter(ccgs=organisation)
        .select_related("framework")
        .order_by("-starts_on")
    )
    cycle = None
    if cycle_id:
        try:
            cycle = cycles.filter(public_id=uuid.UUID(cycle_id)).first()
        except ValueError:
            cycle = None
    cycle = cycle or cycles.first()
    if cycle is None:
        raise Http404("This CCG is not in a cycle")
    framework = cycle.framework
    result = coverage_for(organisation=organisation, framework=framework)
    types = {t.pk: t for t in EvidenceType.objects.filter(framework=framework)}
    domains = list(framework.domains.order_by("number"))
    labels = {
        PRESENT: ("Present", "green"),
        STALE: ("Over 12 months old", "orange"),
        UNLINKED: ("In the library, not linked", "yellow"),
        MISSING: ("Missing", "red"),
    }
    sections = [
        {
            "domain": d,
            "summary": result[d.number],
            "rows": [
                {
                    "type": types[row.type_id],
                    "status": labels[row.status][0],
                    "colour": labels[row.status][1],
                    "count": row.count,
                    "newest": row.newest,
                }
                for row in result[d.number].rows
            ],
        }
        for d in domains
    ]
    if fmt:
        rows = [{**row, "domain": section["domain"]} for section in sections for row in section["rows"]]
        return export_response(
            rows,
            COVERAGE_COLUMNS,
            filename=f"{organisation.code} evidence coverage {cycle.name}",
            fmt=fmt,
            sheet="Evidence coverage",
        )
    return render(
        request,
        "evidence/coverage.html",
        {"organisation": organisation, "cycle": cycle, "sections": sections, "crumbs": _crumbs(organisation)},
    )
