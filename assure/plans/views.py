"""The development plan pages: the plan with its filters and exports, gathering, the CCG's own actions, editing
and status changes (htmx, with a no-JavaScript fallback), and a list of the plans a person can read."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from assure.core import permissions
from assure.core.views import login_required_get
from assure.cycles.models import Cycle
from assure.frameworks.models import Domain
from assure.organisations.models import Organisation, OrganisationType
from assure.reports.exports import Column, export_response

from . import rules, services
from .forms import ActionForm, StatusForm
from .models import Action, Plan

STATUS_FILTERS = [
    ("", "Any status"),
    ("active", "Still to do (open or in progress)"),
    ("overdue", "Overdue"),
] + [(value, label) for value, label in Action.Status.choices]
SOURCE_FILTERS = [
    ("", "Any source"),
    *Action.Source.choices,
    ("carried_over", "Carried over from last cycle"),
]


def _ccg(request, code) -> Organisation:
    """The CCG whose plan this is, if the person may read it; 404 otherwise (its existence is not revealed)."""
    ccg = (
        Organisation.objects.visible_to(request.user)
        .filter(code=code, type__code=OrganisationType.CCG)
        .select_related("region")
        .first()
    )
    if ccg is None or not permissions.can_read_plan(request.user, ccg):
        raise Http404("No such development plan")
    return ccg


def _cycle(request, ccg, cycle_id) -> Cycle:
    return get_object_or_404(
        Cycle.objects.visible_to(request.user).filter(ccgs=ccg).select_related("framework"),
        public_id=cycle_id,
    )


def _action(request, public_id) -> Action:
    return get_object_or_404(
        Action.objects.visible_to(request.user).select_related(
            "plan__organisation__region", "plan__cycle", "owner", "updated_by", "domain"
        ),
        public_id=public_id,
    )


def _crumbs(ccg, cycle, *extra):
    return [
        ("Home", reverse("core:home")),
        ("Development plans", reverse("plans:list")),
        (f"{ccg.name} development plan", reverse("plans:plan", args=[ccg.code, cycle.public_id])),
        *extra,
    ]


@dataclass
class Row:
    """One action as the page shows it."""

    action: Action
    overdue: bool
    source_url: str | None
    source_detail: str
    can_update: bool
    form: StatusForm | None = None
    can_manage: bool = False  # the reader may edit the action (the CCG lead)
    stale: str = ""
    saved: bool = False


def _source_detail(action: Action) -> str:
    if action.source == Action.Source.SELF_ASSESSMENT and action.item_id:
        return f"Item {action.item.code}"
    if action.source == Action.Source.PARTNERSHIP and action.agreed_item_id:
        return f"Item {action.agreed_item.item.code}, with {action.agreed_item.review.hwb.name}"
    if action.source in (Action.Source.SURVEY, Action.Source.CONDITION) and action.domain_id:
        return f"Domain {action.domain.number}"
    return ""


class SourceLinks:
    """Where each action came from, linked only when the reader may open it (no link to a page they would get
    404 on): the self-assessments, partnership reviews and surveys of the CCG are each read with one query."""

    def __init__(self, user, actions: list[Action], ccg):
        from assure.assessments.models import Assessment
        from assure.partnerships.models import PartnershipReview
        from assure.surveys.models import Survey

        def ids(queryset, field="organisation"):
            return dict(queryset.filter(**{field: ccg}).values_list("pk", "public_id"))

        # Every source of the CCG's (whatever the cycle: carried-over actions point back to earlier ones), read the
        # same way however many actions there are, so the page's query count does not depend on its actions.
        # The CCG's own people open the item's domain; everyone else the submitted self-assessment (a draft's
        # pages are the CCG's alone, platform admins included).
        self.member = permissions.is_ccg_member(user, ccg.pk)
        assessments = Assessment.objects.visible_to(user)
        if not self.member:
            assessments = assessments.filter(first_submitted_at__isnull=False)
        self.assessments = ids(assessments)
        self.reviews = ids(PartnershipReview.objects.visible_to(user), "ccg")
        self.surveys = ids(Survey.objects.visible_to(user))

    def url(self, action: Action) -> str | None:
        if action.source == Action.Source.SELF_ASSESSMENT and action.assessment_id in self.assessments:
            public_id = self.assessments[action.assessment_id]
            if self.member:
                return reverse("assessments:domain", args=[public_id, action.item.domain.number])
            return reverse("assessments:task_list", args=[public_id])
        if action.source == Action.Source.PARTNERSHIP and action.agreed_item_id:
            review = self.reviews.get(action.agreed_item.review_id)
            return reverse("partnerships:review", args=[review]) if review else None
        if action.source == Action.Source.SURVEY and action.survey_id in self.surveys:
            return reverse("surveys:results", args=[self.surveys[action.survey_id]])
        return None


# The columns of the development plan's actions and their relations that the page and its export show.
SHOWN = [
    *(field.name for field in Action._meta.concrete_fields),
    "owner__full_name",
    "owner__email",
    "domain__number",
    "domain__short_title",
    "item__code",
    "item__domain__number",
    "agreed_item__item__code",
    "agreed_item__review__hwb__name",
    "carried_from__public_id",
    "carried_from__plan__cycle__public_id",
    "carried_from__plan__cycle__name",
]


def _actions(plan: Plan | None, user):
    if plan is None:
        return Action.objects.visible_to(user).none()
    return (
        Action.objects.visible_to(user)
        .filter(plan=plan)
        .select_related(
            "owner",
            "domain",
            "item__domain",
            "agreed_item__item",
            "agreed_item__review__hwb",
            "carried_from__plan__cycle",
        )
        # Of the relations, only what the page and its export show: with all their columns the query had 144 for
        # Django to compile and read (51 now), an agreed review's snapshot (some 35 KB) among them. Nor is who
        # changed an action last joined; each relation made PostgreSQL's planning of this query longer (12 tables:
        # some 2 ms, more than reading the rows).
        .only(*SHOWN)
        # Unordered: the page sorts the actions itself (`_sorted`); with seven relations selected, Django's
        # compiling of the default ordering was 1.2 ms of the query's 4.6.
        .order_by()
    )


def _filter(actions: list[Action], request, today) -> tuple[list[Action], dict]:
    status = request.GET.get("status", "")
    source = request.GET.get("source", "")
    domain = request.GET.get("domain", "")
    chosen = {"status": status, "source": source, "domain": domain}
    if status == "active":
        actions = [a for a in actions if a.is_active]
    elif status == "overdue":
        actions = [a for a in actions if a.is_overdue(today)]
    elif status in rules.STATUSES:
        actions = [a for a in actions if a.status == status]
    if source == "carried_over":
        actions = [a for a in actions if a.is_carried_over]
    elif source in Action.Source.values:
        actions = [a for a in actions if a.source == source]
    if domain.isdigit():
        actions = [a for a in actions if a.domain_id and a.domain.number == int(domain)]
    return actions, chosen


def _sorted(actions: list[Action], today) -> list[Action]:
    return sorted(
        actions,
        key=lambda a: rules.sort_key(
            due=a.due,
            status=a.status,
            domain=a.domain.number if a.domain_id else None,
            title=a.title,
            today=today,
        ),
    )


def _row(request, action: Action, organisation, today, links: SourceLinks | None = None, **extra) -> Row:
    can_update = permissions.can_update_action_status(request.user, action, organisation)
    form = None
    if can_update and action.source != Action.Source.CONDITION:
        form = StatusForm(action=action, initial={"status": action.status, "version": action.version})
    return Row(
        action=action,
        overdue=action.is_overdue(today),
        source_url=links.url(action) if links else None,
        source_detail=_source_detail(action),
        can_update=can_update,
        form=form,
        **extra,
    )


EXPORT_COLUMNS = [
    Column("title", "Action", "action.title"),
    Column("description", "Detail", "action.description"),
    Column("domain", "Domain", lambda r: r.action.domain.number if r.action.domain_id else None),
    Column("owner", "Owner", "action.owner_label"),
    Column("due", "Due", "action.due"),
    Column("status", "Status", lambda r: r.action.get_status_display()),
    Column("overdue", "Overdue", "overdue"),
    Column("source", "Source", lambda r: r.action.get_source_display()),
    Column("source_detail", "From", "source_detail"),
    Column(
        "carried_over",
        "Carried over from",
        lambda r: r.action.carried_from.plan.cycle.name if r.action.carried_from_id else "",
    ),
    Column("id", "Action ID", "action.public_id"),
]


@login_required_get
def plan_detail(request, code, cycle_id, fmt=None):
    ccg = _ccg(request, code)
    cycle = _cycle(request, ccg, cycle_id)
    plan = services.plan_for(cycle=cycle, ccg=ccg)
    today = timezone.localdate()
    everything = list(_actions(plan, request.user))
    actions, chosen = _filter(everything, request, today)
    actions = _sorted(actions, today)
    links = SourceLinks(request.user, actions, ccg)
    can_manage = permissions.can_manage_plan(request.user, ccg)
    rows = [_row(request, a, ccg, today, links, can_manage=can_manage) for a in actions]
    if fmt:
        return export_response(
            rows,
            EXPORT_COLUMNS,
            filename=f"{ccg.code} development plan {cycle.name}",
            fmt=fmt,
            sheet="Actions",
        )
    domains = list(Domain.objects.filter(framework=cycle.framework_id).order_by("number"))
    return render(
        request,
        "plans/plan.html",
        {
            "ccg": ccg,
            "cycle": cycle,
            "plan": plan,
            "rows": rows,
            "total": len(everything),
            "overdue": sum(1 for a in everything if a.is_overdue(today)),
            "done": sum(1 for a in everything if a.status == Action.Status.DONE),
            "active": sum(1 for a in everything if a.is_active),
            "chosen": chosen,
            "filtered": any(chosen.values()),
            "status_filters": STATUS_FILTERS,
            "source_filters": SOURCE_FILTERS,
            "domains": domains,
            "can_manage": can_manage,
            "other_cycles": list(
                Cycle.objects.visible_to(request.user)
                .filter(ccgs=ccg)
                .exclude(pk=cycle.pk)
                .only("name", "public_id")
            ),
            "crumbs": [("Home", reverse("core:home")), ("Development plans", reverse("plans:list"))],
        },
    )


@login_required_get
def plan_latest(request, code):
    """The plan of the newest cycle the CCG takes part in."""
    ccg = _ccg(request, code)
    cycle = (
        Cycle.objects.visible_to(request.user)
        .filter(ccgs=ccg)
        .order_by("-starts_on", "-pk")
        .only("public_id")
        .first()
    )
    if cycle is None:
        raise Http404("This CCG is not in a cycle")
    return redirect("plans:plan", ccg.code, cycle.public_id)


@login_required_get
def plan_list(request):
    """The plans a person can read: one row per CCG and cycle, with how many actions are open and overdue."""
    scope = permissions.scope_for(request.user)
    memberships = (
        Cycle.ccgs.through.objects.filter(cycle__in=Cycle.objects.visible_to(request.user))
        .select_related("cycle", "organisation")
        .order_by("-cycle__starts_on", "cycle__name", "organisation__name")
    )
    pairs = [m for m in memberships if permissions.can_read_plan(request.user, m.organisation)]
    today = timezone.localdate()
    counts = {
        (p["plan__cycle_id"], p["plan__organisation_id"]): p
        for p in Action.objects.visible_to(request.user)
        .values("plan__cycle_id", "plan__organisation_id")
        .annotate(
            total=Count("pk"),
            active=Count("pk", filter=Q(status__in=rules.ACTIVE)),
            overdue=Count("pk", filter=Q(status__in=rules.ACTIVE, due__lt=today)),
        )
        .order_by()
    }
    rows = [
        {"cycle": m.cycle, "ccg": m.organisation, "counts": counts.get((m.cycle_id, m.organisation_id))}
        for m in pairs
    ]
    return render(
        request,
        "plans/list.html",
        {"rows": rows, "own_ccgs": scope.ccg_ids, "crumbs": [("Home", reverse("core:home"))]},
    )


def _require_manager(request, ccg):
    if not permissions.can_manage_plan(request.user, ccg):
        raise PermissionDenied("Only the CCG lead can change the development plan.")


@require_POST
@login_required
def gather(request, code, cycle_id):
    ccg = _ccg(request, code)
    cycle = _cycle(request, ccg, cycle_id)
    _require_manager(request, ccg)
    outcome = services.plan_gather(cycle=cycle, ccg=ccg, user=request.user)
    n = len(outcome.added)
    if n:
        messages.success(request, f"Added {n} action{'s' if n != 1 else ''} to the plan.")
    else:
        messages.info(request, "The plan already holds an action for everything its sources ask for.")
    return redirect("plans:plan", ccg.code, cycle.public_id)


def _form(request, ccg, cycle, **kwargs) -> ActionForm:
    return ActionForm(
        request.POST or None,
        people=list(services.ccg_people(ccg)),
        domains=list(Domain.objects.filter(framework=cycle.framework_id).order_by("number")),
        **kwargs,
    )


def _input(form: ActionForm) -> services.ActionInput:
    data = form.cleaned_data
    owner, domain = form.owner_user, form.domain_obj
    return services.ActionInput(
        title=data["title"],
        description=data["description"],
        domain_id=domain.pk if domain else None,
        owner_id=owner.pk if owner else None,
        owner_name=data["owner_name"],
        due=data["due"],
        status=data["status"],
    )


def _apply_errors(form, errors: dict[str, str]) -> None:
    for field, message in errors.items():
        form.add_error(field if field in form.fields else None, message)


@require_http_methods(["GET", "POST"])
@login_required
def action_new(request, code, cycle_id):
    ccg = _ccg(request, code)
    cycle = _cycle(request, ccg, cycle_id)
    _require_manager(request, ccg)
    form = _form(request, ccg, cycle)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_add(cycle=cycle, ccg=ccg, user=request.user, data=_input(form))
        except services.Invalid as error:
            _apply_errors(form, error.errors)
        else:
            messages.success(request, f"Added “{form.cleaned_data['title']}” to the plan.")
            return redirect("plans:plan", ccg.code, cycle.public_id)
    return render(
        request,
        "plans/action_form.html",
        {"form": form, "ccg": ccg, "cycle": cycle, "action": None, "crumbs": _crumbs(ccg, cycle)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def action_edit(request, public_id):
    action = _action(request, public_id)
    ccg, cycle = action.plan.organisation, action.plan.cycle
    _require_manager(request, ccg)
    initial = {
        "title": action.title,
        "description": action.description,
        "domain": str(action.domain.number) if action.domain_id else "",
        "owner": str(action.owner.public_id) if action.owner_id else "",
        "owner_name": action.owner_name,
        "due": action.due.strftime("%d/%m/%Y") if action.due else "",
        "status": action.status,
        "version": action.version,
    }
    form = _form(request, ccg, cycle, initial=initial)
    stale = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(
                action=action, user=request.user, data=_input(form), version=form.cleaned_data["version"] or 0
            )
        except services.Invalid as error:
            _apply_errors(form, error.errors)
        except services.StaleEdit as error:
            stale = str(error)
            action = error.current
        else:
            messages.success(request, f"Saved “{form.cleaned_data['title']}”.")
            return redirect("plans:plan", ccg.code, cycle.public_id)
    return render(
        request,
        "plans/action_form.html",
        {
            "form": form,
            "ccg": ccg,
            "cycle": cycle,
            "action": action,
            "stale": stale,
            "crumbs": _crumbs(ccg, cycle),
        },
        status=409 if stale else 200,
    )


@require_POST
@login_required
def action_status(request, public_id):
    """Change an action's status: htmx swaps the action in place; without JavaScript, back to the plan."""
    action = _action(request, public_id)
    ccg, cycle = action.plan.organisation, action.plan.cycle
    if not permissions.can_update_action_status(request.user, action, ccg):
        raise PermissionDenied("Only the CCG lead or the action's owner can change its status.")
    form = StatusForm(request.POST, action=action)
    htmx = request.headers.get("HX-Request") == "true"
    today = timezone.localdate()
    stale = error_text = ""
    saved = False
    if form.is_valid():
        try:
            action = services.action_set_status(
                action=action,
                user=request.user,
                status=form.cleaned_data["status"],
                version=form.cleaned_data["version"],
            )
            saved = True
        except services.StaleEdit as error:
            stale = str(error)
            action = error.current
        except (services.Invalid, services.FollowsSource) as error:
            error_text = str(error)
    else:
        error_text = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    if htmx:
        action = _action(request, action.public_id)
        links = SourceLinks(request.user, [action], ccg)
        row = _row(
            request,
            action,
            ccg,
            today,
            links,
            can_manage=permissions.can_manage_plan(request.user, ccg),
            stale=stale or error_text,
            saved=saved,
        )
        return render(request, "plans/action_row.html", {"row": row, "ccg": ccg, "cycle": cycle})
    if saved:
        messages.success(request, f"“{action.title}” is now {action.get_status_display().lower()}.")
    else:
        messages.error(request, stale or error_text)
    return redirect(reverse("plans:plan", args=[ccg.code, cycle.public_id]) + f"#action-{action.public_id}")
