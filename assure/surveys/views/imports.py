"""Importing a stakeholder list from CSV or Excel: upload, check every row, preview, then import.

The checked rows wait in the session under a fresh token that the confirm form carries, as the self-assessment
import does; nothing the browser sends back is trusted as a value.
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from assure.core.views import login_required_get

from .. import importer, services
from ..constants import GROUPS
from ..forms import ImportForm
from .common import crumbs, get_managed_survey

PREVIEW_ROWS = 20
PROBLEMS_SHOWN = 500


def _key(survey) -> str:
    return f"surveys.import.{survey.public_id}"


@require_http_methods(["GET", "POST"])
def import_stakeholders(request, public_id):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    survey = get_managed_survey(request, public_id)
    if survey.is_closed:
        messages.error(request, "This survey has closed, so its stakeholder list can no longer be changed.")
        return redirect("surveys:detail", survey.public_id)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, survey)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        kind, data = form.cleaned_data["file"]
        parsed = importer.parse_stakeholders(data, kind, services.existing_emails(survey))
        if parsed.file_problems or not (parsed.valid or parsed.row_problems):
            for problem in parsed.file_problems or parsed.problems:
                form.add_error("file", problem.message)
            return _upload(request, survey, form, status=400)
        token = secrets.token_urlsafe(16)
        request.session[_key(survey)] = {
            "token": token,
            "filename": request.FILES["file"].name,
            "rows": [row.as_json() for row in parsed.valid],
        }
        return render(
            request,
            "surveys/import_preview.html",
            {
                "survey": survey,
                "filename": request.FILES["file"].name,
                "parsed": parsed,
                "problems": parsed.problems[:PROBLEMS_SHOWN],
                "more_problems": max(0, len(parsed.problems) - PROBLEMS_SHOWN),
                "sample": parsed.valid[:PREVIEW_ROWS],
                "token": token,
                "crumbs": crumbs(survey, ("Import", reverse("surveys:import", args=[survey.public_id]))),
            },
        )
    return _upload(request, survey, form, status=400 if form.errors else 200)


def _upload(request, survey, form, status=200):
    return render(
        request,
        "surveys/import_upload.html",
        {"survey": survey, "form": form, "groups": GROUPS, "crumbs": crumbs(survey)},
        status=status,
    )


def _confirm(request, survey):
    pending = request.session.get(_key(survey))
    token = request.POST.get("token", "")
    if not pending or not secrets.compare_digest(str(pending.get("token", "")), token):
        form = ImportForm(data={}, files={})
        form.is_valid()
        form.errors["file"] = form.error_class(
            [
                "The checked list is no longer waiting to be imported (another file may have been checked since). "
                "Upload the file again"
            ]
        )
        return _upload(request, survey, form, status=409)
    del request.session[_key(survey)]
    rows = [importer.StakeholderRow.from_json(row) for row in pending["rows"]]
    try:
        outcome = services.stakeholders_import(survey=survey, user=request.user, rows=rows)
    except services.SurveyStateError as exc:
        messages.error(request, str(exc))
        return redirect("surveys:detail", survey.public_id)
    text = f"{outcome.added:,} stakeholder{'s' if outcome.added != 1 else ''} added to the list."
    if outcome.already_listed:
        text += (
            f" {len(outcome.already_listed):,} were left out because they were added to the list while you were "
            "checking the file."
        )
    messages.success(request, text)
    return redirect("surveys:stakeholders", survey.public_id)


@login_required_get
def template_csv(request, public_id):
    survey = get_managed_survey(request, public_id)
    body = ",".join(importer.TEMPLATE_HEADER) + "\r\n"
    body += "Dr Asha Patel,asha.patel@example.org,Park Road Surgery,member_practice\r\n"
    body += "Cllr Tom Hughes,tom.hughes@example.org,Camden Health and Wellbeing Board,Health and Wellbeing Board\r\n"
    response = HttpResponse(body.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, "stakeholders-template.csv")
    del survey
    return response
