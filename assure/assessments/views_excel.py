"""Working offline: the self-assessment exported to Excel, and a filled-in workbook imported back.

An import is two steps. Uploading checks the whole workbook and, if it is valid, shows what would change; the
rows are kept in the session (server-side), under a fresh token that the confirm form carries. Confirming
applies exactly those rows, refusing the lot if anything changed since the preview. Nothing the browser sends
back is trusted as a value: the form holds only the token.
"""

from __future__ import annotations

import secrets

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from assure.core import permissions
from assure.core.views import login_required_get
from assure.evidence.filetypes import safe_extension, sniff

from . import services, xlsx
from .views import _assessment, _crumbs

LOCKED = "This self-assessment has been submitted, so a workbook cannot be imported into it."


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload your completed workbook",
        help_text="The Excel workbook (.xlsx) exported from this self-assessment, up to 5 MB.",
        error_messages={
            "required": "Select the workbook to import",
            "empty": "The selected file is empty",
            "invalid": "Select the workbook to import",
            "missing": "Select the workbook to import",
        },
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > xlsx.MAX_UPLOAD_BYTES:
            raise ValidationError(
                f"The selected file must be smaller than {xlsx.MAX_UPLOAD_BYTES // 2**20} MB"
            )
        if safe_extension(upload.name or "") != "xlsx":
            raise ValidationError("The selected file must be an Excel workbook (.xlsx)")
        upload.seek(0)
        if sniff(upload.read(4096), upload) != "xlsx":
            raise ValidationError(
                "The selected file is not an Excel workbook, or it is damaged. Save it from Excel as an "
                ".xlsx workbook and try again"
            )
        upload.seek(0)
        return upload.read()


def _session_key(assessment) -> str:
    return f"assessments.import.{assessment.public_id}"


def _member_assessment(request, public_id):
    assessment = _assessment(request, public_id)
    if not permissions.is_ccg_member(request.user, assessment.organisation_id):
        raise Http404("Not your assessment")
    return assessment


@login_required_get
def export_xlsx(request, public_id):
    assessment = _member_assessment(request, public_id)
    response = HttpResponse(xlsx.export_assessment(assessment), content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, xlsx.export_filename(assessment))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_xlsx(request, public_id):
    assessment = _member_assessment(request, public_id)
    if not permissions.can_edit_assessment(request.user, assessment):
        messages.error(request, LOCKED)
        return redirect("assessments:task_list", assessment.public_id)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, assessment)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        current = xlsx.current_items(assessment)
        parsed = xlsx.parse_workbook(form.cleaned_data["file"], xlsx.import_catalogue(assessment, current))
        plan = xlsx.plan_import(parsed.rows, current) if parsed.ok else xlsx.Plan()
        problems = parsed.problems + plan.problems
        if not problems:
            seen = {row.code: current[row.code].version for row in parsed.rows}
            return _preview(request, assessment, request.FILES["file"].name, parsed.rows, plan, seen)
        _add_problems(form, problems)
        return _upload_page(request, assessment, form, problems)
    return _upload_page(request, assessment, form)


def _add_problems(form, problems) -> None:
    """Problems with the workbook as a whole are errors of the file field; row problems are counted there."""
    rows = [p for p in problems if p.sheet]
    for problem in problems:
        if not problem.sheet:
            form.add_error("file", problem.message)
    if rows:
        form.add_error(
            "file",
            f"The workbook has {len(rows)} problem{'s' if len(rows) != 1 else ''}, listed below. Nothing has "
            "been saved. Correct the workbook and upload it again",
        )


def _upload_page(request, assessment, form, problems=(), status=200):
    return render(
        request,
        "assessments/import_upload.html",
        {
            "assessment": assessment,
            "form": form,
            "problems": [p for p in problems if p.sheet],
            "refusals": [p for p in problems if not p.sheet] if status == 409 else [],
            "crumbs": _crumbs(assessment),
        },
        status=status,
    )


def _preview(request, assessment, filename, rows, plan, seen):
    token = secrets.token_urlsafe(16)
    request.session[_session_key(assessment)] = {
        "token": token,
        "filename": filename,
        "rows": [row.as_json() for row in rows],
        "seen": seen,
        "previewed": [change.code for change in plan.changes],
    }
    labels = {p.value: p.label for p in assessment.framework.spec.scale}
    changes = []
    for change in plan.changes:
        fields = []
        for name in change.fields:
            if name == "rating":
                before, after = (
                    xlsx.rating_text(change.before, labels),
                    xlsx.rating_text(change.after, labels),
                )
                fields.append(("Rating", before, after))
            elif name == "reason":
                fields.append(("Not applicable reason", change.before.reason, change.after.reason))
            else:
                fields.append(("Narrative", change.before.narrative, change.after.narrative))
        changes.append({"change": change, "fields": fields})
    return render(
        request,
        "assessments/import_preview.html",
        {
            "assessment": assessment,
            "filename": filename,
            "changes": changes,
            "unchanged": plan.unchanged,
            "token": token,
            "crumbs": _crumbs(
                assessment,
                ("Import from Excel", reverse("assessments:import_xlsx", args=[assessment.public_id])),
            ),
        },
    )


def _confirm(request, assessment):
    key = _session_key(assessment)
    pending = request.session.get(key)
    token = request.POST.get("token", "")
    if not pending or not secrets.compare_digest(str(pending.get("token", "")), token):
        form = _unbound(ImportForm())
        form.add_error(
            "file",
            "The changes you checked are no longer waiting to be imported (another workbook may have been "
            "uploaded since). Upload the workbook again",
        )
        return _upload_page(request, assessment, form, status=409)
    rows = [xlsx.Row.from_json(row) for row in pending["rows"]]
    try:
        changes = xlsx.workbook_import(
            assessment=assessment,
            user=request.user,
            rows=rows,
            seen=pending["seen"],
            previewed=pending["previewed"],
        )
    except xlsx.ImportRefused as exc:
        del request.session[key]
        form = _unbound(ImportForm())
        form.add_error("file", f"{exc} Upload the workbook again to check the changes as they now stand")
        return _upload_page(request, assessment, form, exc.problems, status=409)
    except services.AssessmentLocked:
        del request.session[key]
        messages.error(request, LOCKED)
        return redirect("assessments:task_list", assessment.public_id)
    del request.session[key]
    count = len(changes)
    messages.success(request, f"{count} item{'s' if count != 1 else ''} updated from the workbook.")
    return redirect("assessments:task_list", assessment.public_id)


def _unbound(form):
    """An unbound form that can carry errors to show (Django only collects errors on bound forms)."""
    form._errors = forms.utils.ErrorDict()
    form.cleaned_data = {}
    return form
