"""The results of a closed survey: distributions per domain and statement, comments, and the blind spots.

Results are shown only once a survey has closed. While it runs, the CCG can see who has responded (to remind
the others); showing results then would let anyone compare them before and after a person responded.
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

from assure.assessments.models import Assessment
from assure.assessments.services import assessment_results
from assure.core import permissions
from assure.core.views import login_required_get

from .. import anonymity, charts, services
from ..constants import ANSWERS, GROUP_CODES, GROUP_LABELS
from .common import crumbs, get_survey


def results_context(survey, user, group: str | None) -> dict:
    results = services.survey_results(survey)
    minimum = survey.min_group_size
    groups = []
    for code in GROUP_CODES:
        count = results.counts.get(code, 0)
        if not count:
            continue
        if code in results.hidden:
            why = (
                f"fewer than {minimum} responses"
                if count < minimum
                else "hidden so that a smaller group's answers cannot be worked out from the others"
            )
        else:
            why = ""
        groups.append({"code": code, "label": GROUP_LABELS[code], "count": count, "hidden": why})
    if group and group in results.groups:
        chosen = results.groups[group]
        chosen_label = GROUP_LABELS[group]
    elif group:
        chosen, chosen_label = None, GROUP_LABELS.get(group, "")
    else:
        chosen, chosen_label = results.overall, "All stakeholders"
    domains = []
    for domain in survey.statements:
        rows = []
        for statement in domain["statements"]:
            counts = chosen.statements[statement["code"]].counts if chosen else {}
            rows.append(
                {
                    "code": statement["code"],
                    "text": statement["text"],
                    "counts": [(code, label, counts.get(code, 0)) for code, label in ANSWERS],
                    "segments": charts.diverging(counts),
                    "summary": charts.summary(counts),
                }
            )
        comments = []
        if chosen is not None:
            if group:
                comments = [(chosen_label, chosen.comments.get(domain["number"], []))]
            else:
                comments = [
                    (GROUP_LABELS[code], results.groups[code].comments.get(domain["number"], []))
                    for code in GROUP_CODES
                    if code in results.groups
                ]
            comments = [(label, texts) for label, texts in comments if texts]
        domains.append({"domain": domain, "rows": rows, "comments": comments})
    return {
        "results": results,
        "groups": groups,
        "group": group,
        "chosen": chosen,
        "chosen_label": chosen_label,
        "domains": domains,
        "blind_spots": blind_spots(survey, user, results),
    }


def _self_levels(survey, user):
    """The CCG's self-assessed level index per domain, the level labels, and where they come from."""
    framework = survey.cycle.framework
    levels = list(framework.spec.rules.levels)
    index = {level.code: i for i, level in enumerate(levels)}
    assessment = (
        Assessment.objects.visible_to(user)
        .filter(cycle=survey.cycle, organisation=survey.organisation)
        .first()
    )
    if assessment is None:
        return {}, levels, "none"
    latest = assessment.submissions.order_by("-number").values_list("domain_results", flat=True).first()
    if latest is not None:
        return (
            {d["number"]: index.get(d["level"]) for d in latest or []},
            levels,
            "submitted",
        )
    if permissions.is_ccg_member(user, survey.organisation_id):
        results = assessment_results(assessment)
        return {number: r.level_index for number, r in results.items()}, levels, "draft"
    return {}, levels, "none"


def blind_spots(survey, user, results: anonymity.Results) -> dict:
    self_levels, levels, source = _self_levels(survey, user)

    def shares(group_results):
        if group_results is None:
            return {}
        return {
            d["number"]: anonymity.agree_share(group_results.statements[s["code"]] for s in d["statements"])
            for d in survey.statements
        }

    overall = shares(results.overall)
    hwb = shares(results.groups.get("hwb"))
    spots = anonymity.blind_spots(
        {d["number"]: self_levels.get(d["number"]) for d in survey.statements}, len(levels), overall
    )
    titles = {d["number"]: d["short_title"] for d in survey.statements}
    rows = [
        {
            "spot": spot,
            "title": titles.get(spot.domain, ""),
            "level": levels[spot.self_level].label if spot.self_level is not None else None,
            "self_percent": None if spot.self_share is None else round(spot.self_share * 100),
            "agree_percent": None if spot.agree_share is None else round(spot.agree_share * 100),
            "hwb_percent": None if hwb.get(spot.domain) is None else round(hwb[spot.domain] * 100),
            "gap_points": None if spot.gap is None else round(spot.gap * 100),
        }
        for spot in spots
    ]
    return {
        "rows": rows,
        "called_out": [row for row in rows if row["spot"].called_out],
        "source": source,
        "levels": levels,
        "has_hwb": bool(hwb),
    }


@login_required_get
def results(request, public_id):
    survey = get_survey(request, public_id)
    if not survey.is_closed:
        messages.error(request, "Results are shown once the survey has closed.")
        return redirect("surveys:detail", survey.public_id)
    group = request.GET.get("group") or None
    if group is not None and group not in GROUP_CODES:
        group = None
    context = results_context(survey, request.user, group)
    return render(
        request,
        "surveys/results.html",
        {**context, "survey": survey, "crumbs": crumbs(survey)},
    )


def results_rows(survey) -> list[list]:
    """The results as rows for a CSV export: suppressed groups have no counts, only `suppressed`."""
    results = services.survey_results(survey)
    header = ["Group", "Responses", "Domain", "Statement", "Statement text", *[label for _, label in ANSWERS]]
    rows = [header]
    statements = [(d["number"], s) for d in survey.statements for s in d["statements"]]
    entries = [("all", "All stakeholders", results.overall)] + [
        (code, GROUP_LABELS[code], results.groups.get(code))
        for code in GROUP_CODES
        if results.counts.get(code)
    ]
    for code, label, group_results in entries:
        if group_results is None:
            count = results.counts.get(code, 0) if code != "all" else results.total
            rows.append(
                [
                    label,
                    f"fewer than {survey.min_group_size}" if count < survey.min_group_size else "suppressed",
                    "",
                    "",
                    "suppressed",
                ]
            )
            continue
        for number, statement in statements:
            counts = group_results.statements[statement["code"]].counts
            rows.append(
                [
                    label,
                    group_results.responses,
                    number,
                    statement["code"],
                    statement["text"],
                    *[counts[answer] for answer, _ in ANSWERS],
                ]
            )
    return rows


@login_required_get
def export_csv(request, public_id):
    survey = get_survey(request, public_id)
    if not survey.is_closed:
        messages.error(request, "Results are shown once the survey has closed.")
        return redirect("surveys:detail", survey.public_id)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in results_rows(survey):
        writer.writerow([_safe_cell(v) for v in row])
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    name = f"survey-results-{slugify(survey.organisation.code)}-{slugify(survey.cycle.name)[:50]}.csv"
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required_get
def export_xlsx(request, public_id):
    """The same rows as the CSV, as an Excel workbook: suppressed groups carry no counts."""
    from assure.reports.exports import Column, Sheet, workbook_response

    survey = get_survey(request, public_id)
    if not survey.is_closed:
        messages.error(request, "Results are shown once the survey has closed.")
        return redirect("surveys:detail", survey.public_id)
    header, *rows = results_rows(survey)
    columns = [
        Column(slugify(name).replace("-", "_"), name, lambda row, i=i: row[i] if i < len(row) else None)
        for i, name in enumerate(header)
    ]
    name = f"survey-results-{survey.organisation.code}-{survey.cycle.name}"
    return workbook_response([Sheet("360 results", columns, rows)], filename=name[:80])


def _safe_cell(value):
    """Text that a spreadsheet would run as a formula is quoted."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def results_url(survey) -> str:
    return reverse("surveys:results", args=[survey.public_id])
