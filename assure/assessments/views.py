"""Self-assessment pages: the task list, a domain's items, submitting, the submitted version, reopening."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from assure.accounts.models import unread_but_name
from assure.audit.models import AuditEvent
from assure.core import permissions
from assure.core.forms import FixedChoices
from assure.core.templatetags.nhsuk import domid
from assure.core.views import login_required_get
from assure.cycles import progress
from assure.cycles.models import Cycle
from assure.evidence.models import Evidence
from assure.evidence.queries import coverage_for
from assure.frameworks.models import Domain, Item
from assure.goodpractice.suggestions import suggest_for_domain
from assure.organisations.models import Organisation
from assure.reports.exports import Column, export_response

from . import services
from .forms import HeldItemForm, ItemForm, ReopenForm
from .models import Assessment, CarryOver, ItemResponse, Submission


def _assessment(request, public_id) -> Assessment:
    return get_object_or_404(
        Assessment.objects.visible_to(request.user).select_related(
            "cycle__framework", "organisation__region"
        ),
        public_id=public_id,
    )


def _crumbs(assessment: Assessment, *extra) -> list[tuple[str, str]]:
    crumbs = [
        ("Home", reverse("core:home")),
        (
            f"{assessment.organisation.name} self-assessment",
            reverse("assessments:task_list", args=[assessment.public_id]),
        ),
    ]
    return crumbs + list(extra)


def _status(result) -> tuple[str, str]:
    answered = result.rated + result.not_applicable
    if answered == 0:
        return "Not started", "grey"
    if answered < result.total:
        return "In progress", "blue"
    return "Completed", ""


@require_http_methods(["GET", "POST"])
def start(request, cycle_id, code):
    """A CCG member's way into their self-assessment for a cycle: its task list once it exists. Before that, a page
    saying what starting it does, with the button (a POST) that starts it, so that nothing is made by following a
    link."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    cycle = get_object_or_404(
        Cycle.objects.visible_to(request.user).select_related("framework", "previous"),
        public_id=cycle_id,
    )
    organisation = get_object_or_404(
        Organisation.objects.visible_to(request.user).filter(cycles=cycle), code=code
    )
    assessment = (
        Assessment.objects.visible_to(request.user).filter(cycle=cycle, organisation=organisation).first()
    )
    if assessment is not None:
        return redirect("assessments:task_list", assessment.public_id)
    if not permissions.is_ccg_member(request.user, organisation.pk):
        raise Http404("No self-assessment")
    if request.method == "POST":
        assessment = services.assessment_get_or_create(cycle=cycle, organisation=organisation)
        messages.success(request, f"The self-assessment of {organisation.name} for {cycle.name} is started.")
        return redirect("assessments:task_list", assessment.public_id)
    carries_over = (
        cycle.kind == Cycle.Kind.ANNUAL_ASSURANCE
        and cycle.previous_id
        and Submission.objects.filter(
            assessment__cycle=cycle.previous_id, assessment__organisation=organisation
        ).exists()
    )
    framework = cycle.framework
    spec = framework.spec  # parsed once per process: no query to count what the framework holds
    return render(
        request,
        "assessments/start.html",
        {
            "cycle": cycle,
            "organisation": organisation,
            "framework": framework,
            "items": sum(len(domain.items) for domain in spec.domains),
            "domains": len(spec.domains),
            "carried_from": cycle.previous if carries_over else None,
            "crumbs": [("Home", reverse("core:home"))],
        },
    )


TASK_LIST_COLUMNS = [
    Column("domain", "Domain", lambda r: r["domain"].number),
    Column("title", "Domain title", lambda r: r["domain"].short_title),
    Column("status", "Status"),
    Column("level", "Maturity level", lambda r: r["result"].level_label),
    Column("threshold", "Meets threshold", lambda r: r["result"].threshold_met),
    Column("rated", "Items rated", lambda r: r["result"].rated),
    Column("not_applicable", "Items not applicable", lambda r: r["result"].not_applicable),
    Column("total", "Items", lambda r: r["result"].total),
    Column("evidence_expected", "Evidence types expected", lambda r: r["coverage"].expected),
    Column("evidence_present", "Evidence types present", lambda r: r["coverage"].present),
    Column("evidence_stale", "Evidence over 12 months old", lambda r: r["coverage"].stale),
]

SUBMISSION_COLUMNS = [
    Column("code", "Item code"),
    Column("domain", "Domain"),
    Column("tier", "Tier"),
    Column("text", "Item", width=60),
    Column("rating", "Rating"),
    Column("rating_label", "Rating meaning"),
    Column("not_applicable", "Not applicable"),
    Column("reason", "Not applicable reason", width=40),
    Column("narrative", "Narrative", width=60),
    Column("evidence", "Evidence", lambda r: "; ".join(e["title"] for e in r.get("evidence") or [])),
]


@login_required_get
def task_list(request, public_id, fmt=None):
    assessment = _assessment(request, public_id)
    if not permissions.is_ccg_member(request.user, assessment.organisation_id):
        # Assessors, regional leads and partner HWBs read the submitted version, never the working draft.
        latest = assessment.submissions.order_by("-number").values_list("number", flat=True).first()
        if latest is None:
            raise Http404("Not submitted")
        if fmt:
            return redirect("assessments:submission_export", assessment.public_id, latest, fmt)
        return redirect("assessments:submission", assessment.public_id, latest)
    responses = services.rated_items(assessment)
    results = services.rated_results(assessment, responses)
    domains = list(Domain.objects.filter(framework=assessment.framework).order_by("number"))
    cover = coverage_for(organisation=assessment.organisation, framework=assessment.framework)
    earlier = _previous_levels(assessment)
    level_index = {level.code: i for i, level in enumerate(assessment.framework.spec.rules.levels)}
    rows = []
    for domain in domains:
        result = results.get(domain.number)
        status, colour = _status(result)
        before = earlier.get(domain.number)
        change = None
        if before and before["level"] in level_index and result and result.level_code in level_index:
            change = level_index[result.level_code] - level_index[before["level"]]
        rows.append(
            {
                "domain": domain,
                "result": result,
                "status": status,
                "colour": colour,
                "coverage": cover.get(domain.number),
                "previous": before,
                "change": change,
            }
        )
    if fmt:
        return export_response(
            rows,
            TASK_LIST_COLUMNS,
            filename=f"{assessment.organisation.code} self-assessment {assessment.cycle.name}",
            fmt=fmt,
            sheet="Domains",
        )
    submissions = list(
        assessment.submissions.select_related("reopened_by")
        .defer("snapshot", "domain_results")  # listed by number, date and reopening only
        .order_by("-number")
    )
    answered = sum(r.is_answered for r in responses)
    carry_over = CarryOver.objects.filter(assessment=assessment).select_related("source_cycle").first()
    deadlines = progress.standings(assessment.cycle, [assessment.organisation_id])[assessment.organisation_id]
    return render(
        request,
        "assessments/task_list.html",
        {
            "assessment": assessment,
            "rows": rows,
            "answered": answered,
            "total": len(responses),
            "unconfirmed": [r for r in responses if r.carried_over],
            "carry_over": carry_over,
            "compared_with": assessment.cycle.previous if earlier else None,
            "deadlines": deadlines,
            "submissions": submissions,
            "last_reopen": next((s for s in submissions if s.reopened_at), None)
            if assessment.is_draft
            else None,
            "can_edit": permissions.can_edit_assessment(request.user, assessment),
            "can_submit": permissions.can_submit_assessment(request.user, assessment),
            "can_share": permissions.can_share_assessment(request.user, assessment),
            "can_read_audit": permissions.can_read_audit(request.user, assessment.organisation),
            "crumbs": [("Home", reverse("core:home"))],
        },
    )


def _previous_levels(assessment: Assessment) -> dict[int, dict]:
    """Domain number -> {level, level_label} in the CCG's last submission of the previous cycle (its domain
    results alone, not the whole snapshot)."""
    if assessment.cycle.previous_id is None:
        return {}
    domains = services.previous_submissions(assessment).values_list("domain_results", flat=True).first()
    return {d["number"]: d for d in domains or []}


def _item_forms(assessment, responses, evidence_choices):
    spec = assessment.framework.spec
    forms = {}
    for response in responses:
        initial = {
            "rating": "na"
            if response.not_applicable
            else ("" if response.rating is None else str(response.rating)),
            "reason": response.reason,
            "narrative": response.narrative,
            "evidence": [str(public_id) for public_id in response.item.evidence_for_org],
            "version": response.version,
        }
        forms[response.item.code] = HeldItemForm(
            initial=initial,
            code=response.item.code,
            scale=spec.scale,
            evidence_choices=evidence_choices,
            allow_na=spec.allow_not_applicable,
        )
    return forms


def _evidence_choices(assessment) -> FixedChoices:
    """The CCG's evidence library as an item's choices, each piece by title and type, shared by the page's forms."""
    return FixedChoices(
        (e.public_id, f"{e.title} ({e.evidence_type.title})")
        for e in Evidence.objects.filter(organisation=assessment.organisation)
        .select_related("evidence_type")
        .only("public_id", "title", "evidence_type__title")
    )


def _domain_responses(assessment, domain):
    """The assessment's responses to the domain's items, with who saved them last."""
    responses = list(
        assessment.responses.filter(item__domain=domain)
        .select_related("item", "updated_by")
        .defer(*unread_but_name("updated_by"))
        .order_by("item__position")
    )
    for response in responses:
        response.item.domain = domain
    return responses


def _link_evidence(assessment, responses, **items):
    """Sets each response's `item.evidence_for_org`: the CCG's evidence linked to it. `items` narrows the one query
    to the responses' items (by domain, or by item)."""
    linked = defaultdict(list)
    for item_id, public_id in Evidence.items.through.objects.filter(
        evidence__organisation=assessment.organisation, **items
    ).values_list("item_id", "evidence__public_id"):
        linked[item_id].append(public_id)
    for response in responses:
        response.item.evidence_for_org = linked[response.item_id]


def _entry(response, form, stale):
    return {
        "response": response,
        "form": form,
        "stale": stale if stale and stale.current.pk == response.pk else None,
    }


def _domain_result(assessment, domain, responses):
    """The domain's live result and what it still needs, from its responses (the other domains do not count)."""
    result = services.assessment_results(assessment, responses)[domain.number]
    return {"result": result, "shortfall_items": _shortfall_items(result, responses)}


def _domain_context(request, assessment, number, *, stale=None):
    # The framework's six domains in one query (the navigation), the domain's responses in one more.
    domains = list(
        Domain.objects.filter(framework=assessment.framework)
        .defer("description", "description_source", "concern_source")
        .order_by("number")
    )
    domain = next((d for d in domains if d.number == number), None)
    if domain is None:
        raise Http404("No such domain")
    evidence_choices = _evidence_choices(assessment)
    responses = _domain_responses(assessment, domain)
    _link_evidence(assessment, responses, item__domain=domain)
    forms = _item_forms(assessment, responses, evidence_choices)
    entries = [_entry(r, forms[r.item.code], stale) for r in responses]
    return {
        "assessment": assessment,
        "domain": domain,
        # Its themes and key points as imported, from the parsed framework: no query for the domain's rows.
        "guidance": assessment.framework.spec.domain(domain.number),
        "domains": domains,
        "suggestions": suggest_for_domain(
            organisation=assessment.organisation,
            domain=domain,
            responses=responses,
            top=max(point.value for point in assessment.framework.spec.scale),
        ),
        "basics": [e for e in entries if e["response"].item.tier == Item.Tier.BASICS],
        "future": [e for e in entries if e["response"].item.tier == Item.Tier.FUTURE],
        **_domain_result(assessment, domain, responses),
        "can_edit": permissions.can_edit_assessment(request.user, assessment),
        "carried_from": assessment.cycle.previous if any(r.carried_over for r in responses) else None,
        "has_evidence": bool(evidence_choices),
        "crumbs": _crumbs(assessment),
    }


def _item_context(request, assessment, saved_response, evidence_choices, *, stale=None):
    """What an htmx save answers with: the one item, as the domain page shows it, and the domain's result. The page
    around it (the other items' forms, the suggestions, the navigation) is already on the person's screen."""
    domain = saved_response.item.domain
    responses = _domain_responses(assessment, domain)
    response = next(r for r in responses if r.pk == saved_response.pk)
    _link_evidence(assessment, [response], item=response.item_id)
    form = _item_forms(assessment, [response], evidence_choices)[response.item.code]
    return {
        "assessment": assessment,
        "domain": domain,
        "entry": _entry(response, form, stale),
        **_domain_result(assessment, domain, responses),
        "can_edit": permissions.can_edit_assessment(request.user, assessment),
        "carried_from": assessment.cycle.previous if response.carried_over else None,
    }


def _shortfall_items(result, responses, assessment=None):
    """The items named in what is still needed for the next level, with their text."""
    texts = {r.item.code: r.item.text for r in responses}
    labels = {p.value: p.label for p in responses[0].assessment.framework.spec.scale} if responses else {}
    return [
        {
            "shortfall": shortfall,
            "min_label": labels.get(shortfall.min_rating, shortfall.min_rating),
            "items": [(code, texts.get(code, "")) for code in shortfall.items_below],
        }
        for shortfall in result.next_level_shortfalls
    ]


@login_required_get
def domain(request, public_id, number):
    assessment = _assessment(request, public_id)
    if not permissions.is_ccg_member(request.user, assessment.organisation_id):
        raise Http404("Not your assessment")
    return render(request, "assessments/domain.html", _domain_context(request, assessment, number))


@require_POST
def save_item(request, public_id, code):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    assessment = _assessment(request, public_id)
    if not permissions.is_ccg_member(request.user, assessment.organisation_id):
        raise Http404("Not your assessment")
    # Through the assessment, so the response holds the assessment already read (its framework's parsed rules).
    response = get_object_or_404(
        assessment.responses.select_related("item__domain").defer(
            "item__domain__description", "item__domain__description_source", "item__domain__concern_source"
        ),
        item__code=code,
    )
    number = response.item.domain.number
    if not permissions.can_edit_assessment(request.user, assessment):
        messages.error(request, "This self-assessment has been submitted and can no longer be changed.")
        return redirect("assessments:task_list", assessment.public_id)
    spec = assessment.framework.spec
    evidence_choices = _evidence_choices(assessment)
    form = ItemForm(
        request.POST,
        code=code,
        scale=spec.scale,
        evidence_choices=evidence_choices,
        allow_na=spec.allow_not_applicable,
    )
    stale = None
    saved = None
    if form.is_valid():
        rating = form.cleaned_data["rating"]
        data = services.ItemInput(
            rating=int(rating) if rating not in ("", "na") else None,
            not_applicable=rating == "na",
            reason=form.cleaned_data["reason"],
            narrative=form.cleaned_data["narrative"],
            evidence=form.cleaned_data["evidence"],
        )
        try:
            saved = services.item_save(
                response=response, user=request.user, data=data, version=form.cleaned_data["version"]
            )
        except services.ItemInvalid as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except services.StaleEdit as exc:
            stale = exc
        except services.AssessmentLocked as exc:
            messages.error(request, str(exc))
            return redirect("assessments:task_list", assessment.public_id)
    if saved is not None and not request.htmx:
        messages.success(request, f"Item {code} saved.")
        return redirect(
            f"{reverse('assessments:domain', args=[assessment.public_id, number])}#item-{domid(code)}"
        )
    if request.htmx:
        context = _item_context(request, assessment, response, evidence_choices, stale=stale)
        if saved is None and stale is None:
            context["entry"]["form"] = form  # keep what the person typed, with the errors
        return render(
            request,
            "assessments/item_row.html",
            {**context, "just_saved": saved is not None, "oob_result": True},
        )
    context = _domain_context(request, assessment, number, stale=stale)
    entry = next(e for e in context["basics"] + context["future"] if e["response"].item.code == code)
    if saved is None and stale is None:
        entry["form"] = form  # keep what the person typed, with the errors
    return render(
        request,
        "assessments/domain.html",
        {
            **context,
            "error_code": code,
            "error_form": entry["form"] if saved is None and stale is None else None,
        },
    )


@login_required_get
def item_history(request, public_id, code):
    assessment = _assessment(request, public_id)
    if not permissions.is_ccg_member(
        request.user, assessment.organisation_id
    ) and not permissions.can_read_audit(request.user, assessment.organisation):
        raise Http404("Not allowed")
    response = get_object_or_404(
        ItemResponse.objects.select_related("item__domain"), assessment=assessment, item__code=code
    )
    events = AuditEvent.objects.for_object(response).select_related("actor")
    return render(
        request,
        "assessments/item_history.html",
        {
            "assessment": assessment,
            "response": response,
            "events": events,
            "crumbs": _crumbs(
                assessment,
                (
                    f"Domain {response.item.domain.number}",
                    reverse("assessments:domain", args=[assessment.public_id, response.item.domain.number]),
                ),
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def submit(request, public_id):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    assessment = _assessment(request, public_id)
    if not permissions.is_ccg_member(request.user, assessment.organisation_id):
        raise Http404("Not your assessment")
    if not permissions.can_submit_assessment(request.user, assessment):
        if not assessment.is_draft:
            return redirect("assessments:task_list", assessment.public_id)
        raise PermissionDenied("Only the CCG lead can submit the self-assessment.")
    missing = list(
        assessment.responses.filter(rating__isnull=True, not_applicable=False)
        .select_related("item__domain")
        .order_by("item__domain__number", "item__position")
    )
    unconfirmed = list(
        assessment.responses.filter(carried_over=True)
        .select_related("item__domain")
        .order_by("item__domain__number", "item__position")
    )
    if request.method == "POST" and not missing and not unconfirmed:
        try:
            submission = services.assessment_submit(assessment=assessment, user=request.user)
        except services.IncompleteAssessment:
            pass
        except services.AssessmentLocked as exc:
            messages.error(request, str(exc))
            return redirect("assessments:task_list", assessment.public_id)
        else:
            return redirect("assessments:submitted", assessment.public_id, submission.number)
    results = services.assessment_results(assessment)
    return render(
        request,
        "assessments/submit.html",
        {
            "assessment": assessment,
            "missing": missing,
            "unconfirmed": unconfirmed,
            "results": results,
            "crumbs": _crumbs(assessment),
        },
    )


@login_required_get
def submitted(request, public_id, number):
    assessment = _assessment(request, public_id)
    submission = get_object_or_404(Submission, assessment=assessment, number=number)
    return render(
        request,
        "assessments/submitted.html",
        {"assessment": assessment, "submission": submission, "crumbs": _crumbs(assessment)},
    )


@login_required_get
def submission(request, public_id, number, fmt=None):
    assessment = _assessment(request, public_id)
    submission = get_object_or_404(
        Submission.objects.select_related("submitted_by", "reopened_by"), assessment=assessment, number=number
    )
    snapshot = submission.snapshot
    domains = list(Domain.objects.filter(framework=assessment.framework).order_by("number"))
    items_by_domain = {}
    for item in snapshot["items"]:
        items_by_domain.setdefault(item["domain"], []).append(item)
    results = {d["number"]: d for d in snapshot["domains"]}
    scale = {p.value: p.label for p in assessment.framework.spec.scale}
    sections = [
        {"domain": d, "items": items_by_domain.get(d.number, []), "result": results.get(d.number)}
        for d in domains
    ]
    if fmt:
        rows = [
            {**item, "rating_label": scale.get(item["rating"], "") if item["rating"] is not None else ""}
            for item in snapshot["items"]
        ]
        return export_response(
            rows,
            SUBMISSION_COLUMNS,
            filename=f"{assessment.organisation.code} submitted self-assessment {submission.number}",
            fmt=fmt,
            sheet=f"Submission {submission.number}",
        )
    return render(
        request,
        "assessments/submission.html",
        {
            "assessment": assessment,
            "submission": submission,
            "sections": sections,
            "scale": scale,
            "can_reopen": permissions.can_reopen_assessment(request.user, assessment)
            and submission.reopened_at is None,
            "crumbs": [("Home", reverse("core:home"))],
        },
    )


@require_http_methods(["GET", "POST"])
def reopen(request, public_id):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    assessment = _assessment(request, public_id)
    if not permissions.can_reopen_assessment(request.user, assessment):
        raise Http404("Not allowed")
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.assessment_reopen(
            assessment=assessment, user=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            f"{assessment.organisation.name}'s self-assessment has been reopened and the CCG lead told.",
        )
        latest = assessment.submissions.order_by("-number").first()
        return redirect("assessments:submission", assessment.public_id, latest.number)
    return render(
        request,
        "assessments/reopen.html",
        {"assessment": assessment, "form": form, "crumbs": [("Home", reverse("core:home"))]},
    )


@require_POST
def share(request, public_id):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    assessment = _assessment(request, public_id)
    if not permissions.can_share_assessment(request.user, assessment):
        raise Http404("Not allowed")
    shared = request.POST.get("shared") == "yes"
    services.assessment_share(assessment=assessment, user=request.user, shared=shared)
    messages.success(
        request,
        "Your partner HWBs can now read the submitted self-assessment."
        if shared
        else "Your partner HWBs can no longer read the self-assessment.",
    )
    return redirect("assessments:task_list", assessment.public_id)


AUDIT_COLUMNS = [
    Column("at", "When", "event.at"),
    Column("who", "Who", "event.actor_label"),
    Column("action", "Action", "event.action"),
    Column("context", "What", "event.context"),
    Column("field", "Field"),
    Column("before", "Before"),
    Column("after", "After"),
]


@login_required_get
def audit_log(request, public_id, fmt=None):
    assessment = _assessment(request, public_id)
    if not permissions.can_read_audit(request.user, assessment.organisation):
        raise Http404("Not allowed")
    events = AuditEvent.objects.filter(organisation=assessment.organisation).select_related("actor")[:500]
    if fmt:
        rows = [
            {"event": event, "field": field, "before": old, "after": new}
            for event in events
            for field, old, new in (event.changes or [("", None, None)])
        ]
        return export_response(
            rows,
            AUDIT_COLUMNS,
            filename=f"{assessment.organisation.code} audit trail",
            fmt=fmt,
            sheet="Audit trail",
        )
    return render(
        request,
        "assessments/audit_log.html",
        {"assessment": assessment, "events": events, "crumbs": _crumbs(assessment)},
    )
