"""Assessor review and decision pages: the queue, the review workspace (overview and domain by domain, with
judgements and assessors' item ratings), the decision with its conditions and publication, the conditions pages
(the CCG's response, discharge, escalation, reviews) and the public page of published decisions per cycle.

Assessments are read through `Assessment.objects.visible_to` (404 for anyone else); a person who belongs to the
CCG gets 403 with a message saying why they may not assess it; everything else is decided in
`assure/core/permissions.py`.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assure.assessments.models import Assessment
from assure.core import permissions
from assure.core.pagination import Pages
from assure.core.templatetags.nhsuk import domid
from assure.core.views import login_required_get
from assure.cycles.models import Cycle
from assure.evidence.models import Evidence
from assure.frameworks.models import Domain

from . import queries, services, workspace
from .forms import (
    AssessorRatingForm,
    ConditionActionForm,
    ConditionForm,
    DecisionForm,
    JudgementForm,
    ResponseForm,
)
from .models import Condition, ConditionEvent, Decision

CONDITIONS_PER_PAGE = 50
QUEUE_PER_PAGE = 100  # a region's CCGs in one cycle fit on one page

CONDITION_ROWS = 3  # blank condition rows offered with a new decision
# A decision's conditions, prefetched with the decision (itself read through visible_to, or published).
CONDITIONS = Prefetch(
    "conditions",
    queryset=Condition.objects.select_related("domain"),  # scoped: a decision's own conditions
)


class Forbidden(Exception):
    pass


def _signed_in(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    return None


def _forbidden(request, message: str, crumbs=None):
    return render(
        request,
        "decisions/forbidden.html",
        {"message": message, "crumbs": crumbs or [("Home", reverse("core:home"))]},
        status=403,
    )


def _assessment(request, public_id) -> Assessment:
    """The assessment, when the reader may review it. 404 when they may not see it; Forbidden when they belong
    to the CCG (they see it as its own people, but may not assess it)."""
    assessment = get_object_or_404(
        Assessment.objects.visible_to(request.user).select_related(
            "organisation__region", "cycle__framework"
        ),
        public_id=public_id,
    )
    if permissions.is_conflicted(request.user, assessment):
        raise Forbidden(
            f"You belong to {assessment.organisation.name}, so you cannot review or decide on its assessment."
        )
    if not permissions.can_review(request.user, assessment):
        raise Http404("Not a reviewer of this assessment")
    return assessment


def reviewer_view(view):
    """Signed in, and allowed to review the assessment in the URL (404 / 403 otherwise)."""

    def wrapped(request, public_id, *args, **kwargs):
        if response := _signed_in(request):
            return response
        try:
            assessment = _assessment(request, public_id)
        except Forbidden as exc:
            return _forbidden(request, str(exc))
        return view(request, assessment, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _crumbs(assessment: Assessment | None = None, *extra) -> list[tuple[str, str]]:
    crumbs = [("Home", reverse("core:home")), ("Assessor queue", reverse("decisions:queue"))]
    if assessment is not None:
        crumbs.append(
            (assessment.organisation.name, reverse("decisions:review", args=[assessment.public_id]))
        )
    return crumbs + list(extra)


# The queue --------------------------------------------------------------------------------------------------------


@login_required_get
def queue(request):
    if (
        not permissions.scope_for(request.user).is_admin
        and not permissions.scope_for(request.user).region_ids
    ):
        raise Http404("The queue is for assessors and regional leads")
    cycles = list(queries.queue_cycles(request.user))
    chosen = None
    wanted = request.GET.get("cycle", "")
    if wanted:
        try:
            chosen = next(c for c in cycles if c.public_id == uuid.UUID(wanted))
        except (ValueError, StopIteration):
            raise Http404("No such cycle") from None
    shown = [chosen] if chosen else cycles
    page = Paginator(
        Pages(
            lambda: queries.queue_length(request.user, cycles=shown),
            lambda rows: queries.queue(request.user, cycles=shown, page=rows),
        ),
        QUEUE_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "decisions/queue.html",
        {
            "page": page,
            "rows": page.object_list,
            "params": urlencode({"cycle": chosen.public_id}) if chosen else "",
            "cycles": cycles,
            "chosen": chosen,
            "crumbs": [("Home", reverse("core:home"))],
        },
    )


# The review workspace ----------------------------------------------------------------------------------------------


@require_GET
@reviewer_view
def review(request, assessment):
    submission = workspace.latest_submission(assessment)
    results = workspace.domain_results(submission)
    domains = list(Domain.objects.filter(framework=assessment.cycle.framework_id).order_by("number"))
    by_domain = workspace.judgements_by_domain(assessment)
    disagreements = workspace.disagreeing_domains(by_domain)
    decision = Decision.objects.visible_to(request.user).filter(assessment=assessment).first()
    rows = [
        {
            "domain": d,
            "result": results.get(d.number),
            "judgements": by_domain.get(d.number, []),
            "disagreement": d.number in disagreements,
        }
        for d in domains
    ]
    return render(
        request,
        "decisions/review.html",
        {
            "assessment": assessment,
            "submission": submission,
            "rows": rows,
            "decision": decision,
            "can_judge": permissions.can_judge(request.user, assessment),
            "crumbs": _crumbs(),
        },
    )


def _domain_context(request, assessment, number: int) -> dict:
    framework = assessment.cycle.framework
    domains = list(Domain.objects.filter(framework=framework).order_by("number"))
    domain = next((d for d in domains if d.number == number), None)  # the list's own, not another query
    if domain is None:
        raise Http404("No such domain")
    submission = workspace.latest_submission(assessment)
    entries = workspace.items_for_domain(submission, number)
    workspace.attach_assessor_ratings(request.user, assessment, entries)
    can_judge = permissions.can_judge(request.user, assessment)
    judgements = workspace.judgements_by_domain(assessment).get(number, [])
    mine = next((j for j in judgements if j.assessor_id == request.user.pk), None)
    others = [j for j in judgements if j.assessor_id != request.user.pk]
    form = JudgementForm(
        number=number,
        initial={
            "value": mine.value if mine else "",
            "rationale": mine.rationale if mine else "",
            "version": mine.version if mine else 0,
        },
    )
    return {
        "assessment": assessment,
        "submission": submission,
        "domain": domain,
        "domains": domains,
        "result": workspace.domain_results(submission).get(number),
        "entries": entries,
        "reviews": workspace.partnership_for_domain(request.user, assessment, number, entries),
        "survey": workspace.survey_for_domain(request.user, assessment, number),
        "distribution": workspace.level_distribution(
            request.user, assessment, number, framework.spec.rules.levels
        ),
        "judgements": judgements,
        "mine": mine,
        "others": others,
        "disagreement": len({j.value for j in judgements}) > 1,
        "form": form,
        "can_judge": can_judge,
        # Each item's rating form is written holding the reader's rating (workspace_items.assessor_rating) on this
        # scale; `entry.form` is set only to show a posted form again.
        "rating_scale": framework.spec.scale,
        "decided": Decision.objects.visible_to(request.user).filter(assessment=assessment).exists(),
        "crumbs": _crumbs(assessment),
    }


@require_GET
@reviewer_view
def domain(request, assessment, number):
    return render(request, "decisions/domain.html", _domain_context(request, assessment, number))


@require_POST
@reviewer_view
def judge(request, assessment, number):
    if not permissions.can_judge(request.user, assessment):
        return _forbidden(
            request, "Only the assessors of the CCG's region can record judgements.", _crumbs(assessment)
        )
    domain = workspace.domain_for(assessment, number)
    form = JudgementForm(request.POST, number=number)
    stale = saved = None
    if form.is_valid():
        try:
            saved = services.judgement_save(
                assessment=assessment,
                domain=domain,
                assessor=request.user,
                value=form.cleaned_data["value"],
                rationale=form.cleaned_data["rationale"],
                version=form.cleaned_data["version"],
            )
        except services.Invalid as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except services.StaleEdit as exc:
            stale = str(exc)
    if saved is not None and not request.htmx:
        messages.success(request, f"Your judgement of domain {number} is saved.")
        return redirect(reverse("decisions:domain", args=[assessment.public_id, number]) + "#judgement")
    context = _domain_context(request, assessment, number)
    if saved is None and stale is None:
        context["form"] = form
    context["stale"] = stale
    context["just_saved"] = saved is not None
    template = "decisions/judgement.html" if request.htmx else "decisions/domain.html"
    return render(request, template, context, status=200 if saved or stale or request.htmx else 400)


@require_POST
@reviewer_view
def rate_item(request, assessment, code):
    if not permissions.can_judge(request.user, assessment):
        return _forbidden(
            request, "Only the assessors of the CCG's region can rate items.", _crumbs(assessment)
        )
    item = workspace.item_for(assessment, code)
    number = item.domain.number
    form = AssessorRatingForm(request.POST, code=code, scale=assessment.cycle.framework.spec.scale)
    stale = saved = None
    if form.is_valid():
        value = form.cleaned_data["rating"]
        try:
            saved = services.assessor_rating_save(
                assessment=assessment,
                item=item,
                assessor=request.user,
                rating=int(value) if value else None,
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except services.Invalid as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except services.StaleEdit as exc:
            stale = str(exc)
    anchor = f"#rate-{domid(code)}"
    if saved is not None and not request.htmx:
        messages.success(request, f"Your rating of {code} is saved.")
        return redirect(reverse("decisions:domain", args=[assessment.public_id, number]) + anchor)
    context = _domain_context(request, assessment, number)
    entry = next(e for e in context["entries"] if e.code == code)
    if saved is None and stale is None:
        entry.form = form
    entry.stale = stale
    if request.htmx:
        return render(
            request,
            "decisions/item_rating.html",
            {**context, "entry": entry, "just_saved": saved is not None},
        )
    context["error_form"] = entry.form if saved is None and stale is None else None
    return render(request, "decisions/domain.html", context, status=400 if context["error_form"] else 200)


# The decision -------------------------------------------------------------------------------------------------------


def _condition_forms(data, domains, count: int) -> list[ConditionForm]:
    return [
        ConditionForm(data, domains=domains, prefix=f"condition-{n}", label=f"Condition {n + 1}")
        for n in range(count)
    ]


def _decision_context(request, assessment, **extra) -> dict:
    domains = list(Domain.objects.filter(framework=assessment.cycle.framework_id).order_by("number"))
    by_domain = workspace.judgements_by_domain(assessment)
    pairs = [(str(n), j.value) for n, js in by_domain.items() for j in js]
    from . import rules

    return {
        "assessment": assessment,
        "domains": domains,
        "judgement_rows": [{"domain": d, "judgements": by_domain.get(d.number, [])} for d in domains],
        "disagreements": workspace.disagreeing_domains(by_domain),
        "suggested": rules.suggested_outcome(pairs, [str(d.number) for d in domains]),
        "outcomes": dict(Decision.Outcome.choices),
        "crumbs": _crumbs(assessment),
        **extra,
    }


@require_http_methods(["GET", "POST"])
@reviewer_view
def decision(request, assessment):
    existing = (
        Decision.objects.visible_to(request.user)
        .filter(assessment=assessment)
        .select_related("recorded_by", "published_by")
        .prefetch_related(CONDITIONS)
        .first()
    )
    if existing is not None:
        if request.method == "POST":
            messages.error(request, "A decision on this CCG has already been recorded.")
            return redirect("decisions:decision", assessment.public_id)
        return render(
            request,
            "decisions/decision.html",
            _decision_context(
                request,
                assessment,
                decision=existing,
                can_judge=permissions.can_judge(request.user, assessment),
                can_publish=permissions.can_publish_decision(request.user, existing),
            ),
        )
    can_judge = permissions.can_judge(request.user, assessment)
    domains = list(Domain.objects.filter(framework=assessment.cycle.framework_id).order_by("number"))
    if request.method == "GET":
        form = DecisionForm(initial={"decided_on": timezone.localdate().strftime("%d/%m/%Y")})
        return render(
            request,
            "decisions/decision_form.html",
            _decision_context(
                request,
                assessment,
                form=form,
                condition_forms=_condition_forms(None, domains, CONDITION_ROWS),
                can_judge=can_judge,
            ),
        )
    if not can_judge:
        return _forbidden(
            request, "Only the assessors of the CCG's region sit on the panel.", _crumbs(assessment)
        )
    form = DecisionForm(request.POST)
    condition_forms = _condition_forms(request.POST, domains, CONDITION_ROWS)
    filled = [f for f in condition_forms if not f.is_blank()]
    checks = [f.is_valid() for f in filled]  # every form, so each shows its errors
    valid = form.is_valid() and all(checks)
    if valid:
        data = services.DecisionInput(
            outcome=form.cleaned_data["outcome"],
            decided_on=form.cleaned_data["decided_on"],
            panel=form.cleaned_data["panel"],
            rationale=form.cleaned_data["rationale"],
            contradiction_reason=form.cleaned_data["contradiction_reason"],
            conditions=[
                services.ConditionInput(
                    domain=f.cleaned_data["domain"],
                    text=f.cleaned_data["text"],
                    support_level=f.cleaned_data["support_level"],
                    due=f.cleaned_data["due"],
                )
                for f in filled
            ],
        )
        try:
            services.decision_record(assessment=assessment, user=request.user, data=data)
        except services.Invalid as exc:
            for field, message in exc.errors.items():
                if field.startswith("conditions."):
                    _, index, name = field.split(".")
                    filled[int(index)].add_error(name, message)
                else:
                    form.add_error(field if field in form.fields else None, message)
        except services.WrongState as exc:
            messages.error(request, str(exc))
            return redirect("decisions:decision", assessment.public_id)
        else:
            messages.success(request, "The decision is recorded. A regional lead can now publish it.")
            return redirect("decisions:decision", assessment.public_id)
    radios = {"outcome", "support_level"}
    errors = [
        (f"id_{name}{'_0' if name in radios else ''}" if name != "__all__" else "id_outcome_0", e)
        for name, es in form.errors.items()
        for e in es
    ]
    for f in filled:
        for name, es in f.errors.items():
            errors += [(f"id_{f.prefix}-{name}{'_0' if name in radios else ''}", e) for e in es]
    return render(
        request,
        "decisions/decision_form.html",
        _decision_context(
            request,
            assessment,
            form=form,
            condition_forms=condition_forms,
            can_judge=can_judge,
            errors=errors,
        ),
        status=400,
    )


@require_POST
@reviewer_view
def publish(request, assessment):
    decision = get_object_or_404(
        Decision.objects.visible_to(request.user).select_related("assessment__organisation"),
        assessment=assessment,
    )
    if not permissions.can_publish_decision(request.user, decision):
        if decision.is_published:
            messages.error(request, "This decision has already been published.")
            return redirect("decisions:decision", assessment.public_id)
        return _forbidden(
            request, "Only a regional lead of the CCG's region can publish a decision.", _crumbs(assessment)
        )
    services.decision_publish(decision=decision, user=request.user)
    messages.success(request, "The decision is published: the CCG and the public can now see it.")
    return redirect("decisions:decision", assessment.public_id)


@require_http_methods(["GET", "POST"])
@reviewer_view
def add_condition(request, assessment):
    decision = get_object_or_404(Decision.objects.visible_to(request.user), assessment=assessment)
    crumbs = _crumbs(assessment, ("Decision", reverse("decisions:decision", args=[assessment.public_id])))
    if not permissions.can_judge(request.user, assessment):
        return _forbidden(request, "Only the assessors of the CCG's region can add conditions.", crumbs)
    domains = list(Domain.objects.filter(framework=assessment.cycle.framework_id).order_by("number"))
    data = request.POST if request.method == "POST" else None
    form = ConditionForm(data, domains=domains, prefix="condition", label="New condition")
    if request.method == "POST" and form.is_valid():
        try:
            services.condition_add(
                decision=decision,
                user=request.user,
                data=services.ConditionInput(
                    domain=form.cleaned_data["domain"],
                    text=form.cleaned_data["text"],
                    support_level=form.cleaned_data["support_level"],
                    due=form.cleaned_data["due"],
                ),
            )
        except services.Invalid as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, "The condition is added.")
            return redirect("decisions:decision", assessment.public_id)
    return render(
        request,
        "decisions/condition_add.html",
        {"assessment": assessment, "decision": decision, "form": form, "crumbs": crumbs},
        status=400 if form.errors else 200,
    )


# Conditions ---------------------------------------------------------------------------------------------------------


@login_required_get
def conditions(request):
    """The conditions the reader may see, a page at a time (a regional lead of all England sees thousands),
    filtered by status; the overdue count is over all of them."""
    rows = Condition.objects.visible_to(request.user)
    today = timezone.localdate()
    status = request.GET.get("status", "")
    if status == "open":
        rows = rows.open()
    elif status in Condition.Status.values:
        rows = rows.filter(status=status)
    overdue = rows.open().exclude(status=Condition.Status.EVIDENCE_SUBMITTED).filter(due__lt=today).count()
    page = Paginator(
        rows.select_related(
            "domain", "decision__assessment__organisation", "decision__assessment__cycle"
        ).order_by("status", "due", "decision__assessment__organisation__name", "pk"),
        CONDITIONS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "decisions/conditions.html",
        {
            "page": page,
            "rows": page.object_list,
            "params": urlencode({"status": status}) if status else "",
            "today": today,
            "status": status,
            "statuses": Condition.Status.choices,
            "overdue": overdue,
            "crumbs": [("Home", reverse("core:home"))],
        },
    )


def _condition(request, public_id) -> Condition:
    return get_object_or_404(
        Condition.objects.visible_to(request.user).select_related(
            "domain", "decision__assessment__organisation__region", "decision__assessment__cycle"
        ),
        public_id=public_id,
    )


def _condition_context(request, condition: Condition, **extra) -> dict:
    organisation = condition.decision.assessment.organisation
    can_respond = permissions.can_respond_to_condition(request.user, condition)
    can_manage = permissions.can_manage_condition(request.user, condition) and condition.is_open
    events = list(
        ConditionEvent.objects.filter(condition=condition)
        .select_related("actor")
        .prefetch_related("evidence")
        .order_by("created_at", "pk")
    )
    context = {
        "condition": condition,
        "organisation": organisation,
        "events": events,
        "can_respond": can_respond,
        "can_manage": can_manage,
        "today": timezone.localdate(),
        "crumbs": [("Home", reverse("core:home")), ("Conditions", reverse("decisions:conditions"))],
    }
    if can_respond and "response_form" not in extra:
        context["response_form"] = ResponseForm(
            evidence=_library(request, organisation), initial={"version": condition.version}
        )
    if can_manage and "action_form" not in extra:
        context["action_form"] = ConditionActionForm(initial={"version": condition.version})
    context.update(extra)
    return context


def _library(request, organisation):
    return list(
        Evidence.objects.visible_to(request.user)
        .filter(organisation=organisation)
        .select_related("evidence_type")
        .order_by("-document_date", "title")
    )


@login_required_get
def condition(request, public_id):
    condition = _condition(request, public_id)
    return render(request, "decisions/condition.html", _condition_context(request, condition))


@require_POST
def respond(request, public_id):
    if response := _signed_in(request):
        return response
    condition = _condition(request, public_id)
    if not permissions.can_respond_to_condition(request.user, condition):
        return _forbidden(request, "Only the CCG lead can respond to a condition while it is open.")
    organisation = condition.decision.assessment.organisation
    library = _library(request, organisation)
    form = ResponseForm(request.POST, evidence=library)
    if form.is_valid():
        chosen = [e for e in library if str(e.public_id) in set(form.cleaned_data["evidence"])]
        try:
            services.condition_respond(
                condition=condition,
                user=request.user,
                text=form.cleaned_data["text"],
                evidence=chosen,
                version=form.cleaned_data["version"],
            )
        except services.Invalid as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except (services.StaleEdit, services.WrongState) as exc:
            messages.error(request, str(exc))
            return redirect("decisions:condition", condition.public_id)
        else:
            messages.success(request, "Your response is sent: an assessor will review the evidence.")
            return redirect("decisions:condition", condition.public_id)
    return render(
        request,
        "decisions/condition.html",
        _condition_context(request, condition, response_form=form),
        status=400,
    )


ACTIONS = {
    "discharge": (services.condition_discharge, "The condition is discharged."),
    "escalate": (services.condition_escalate, "The condition is escalated."),
    "review": (services.condition_review, "The review is recorded."),
}


@require_POST
def act(request, public_id):
    if response := _signed_in(request):
        return response
    condition = _condition(request, public_id)
    assessment = condition.decision.assessment
    if permissions.is_conflicted(request.user, assessment) or not permissions.can_manage_condition(
        request.user, condition
    ):
        return _forbidden(
            request, "Only the assessors of the CCG's region can discharge, escalate or review a condition."
        )
    form = ConditionActionForm(request.POST)
    if form.is_valid():
        action, done = ACTIONS[form.cleaned_data["action"]]
        try:
            action(
                condition=condition,
                user=request.user,
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except services.Invalid as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except (services.StaleEdit, services.WrongState) as exc:
            messages.error(request, str(exc))
            return redirect("decisions:condition", condition.public_id)
        else:
            messages.success(request, done)
            return redirect("decisions:condition", condition.public_id)
    return render(
        request,
        "decisions/condition.html",
        _condition_context(request, condition, action_form=form),
        status=400,
    )


# The public page ----------------------------------------------------------------------------------------------------


@require_GET
def published_index(request):
    """The cycles with published decisions, for anyone."""
    public = Decision.objects.published()  # scoped: published decisions are public
    ids = public.values("assessment__cycle")
    cycles = Cycle.objects.filter(pk__in=ids)  # scoped: the cycles of published decisions
    cycles = cycles.order_by("-starts_on", "name")
    return render(
        request,
        "decisions/published_index.html",
        {"cycles": list(cycles), "crumbs": [("Home", reverse("core:home"))]},
    )


@require_GET
def published(request, cycle_id):
    # Published decisions are public: any cycle's page lists them (and nothing else) to anyone.
    cycles = Cycle.objects.only("pk", "name", "public_id")  # scoped: the public page of published decisions
    cycle = get_object_or_404(cycles, public_id=cycle_id)
    decisions = list(
        Decision.objects.published()  # scoped: published decisions are public
        .filter(assessment__cycle=cycle)
        .select_related("assessment__organisation")
        .prefetch_related(CONDITIONS)
        .order_by("assessment__organisation__name")
    )
    return render(
        request,
        "decisions/published.html",
        {
            "cycle": cycle,
            "decisions": decisions,
            "crumbs": [
                ("Home", reverse("core:home")),
                ("Published decisions", reverse("decisions:published_index")),
            ],
        },
    )
