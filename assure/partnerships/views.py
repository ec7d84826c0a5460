"""Partnership review pages: the list, a review's overview, rating one side, releasing it, the gaps, agreeing,
the comparison with the CCG's self-assessment, the page to prepare for the 360° survey and the history.

Every page reads the review through `PartnershipReview.objects.visible_to` (404 for anyone else) and the side
ratings through `SideRating.objects.visible_to` (see `queries.board`), so a side's unreleased ratings never reach
the other side by any page.
"""

from __future__ import annotations

import csv
import uuid

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from assure.assessments.models import Assessment
from assure.audit.models import AuditEvent
from assure.core import permissions
from assure.core.templatetags.nhsuk import domid
from assure.core.views import login_required_get
from assure.cycles.models import Cycle
from assure.frameworks.models import Domain, SurveyStatement
from assure.organisations.models import Organisation, Relation, Role

from . import gaps, queries, services
from .forms import AgreementForm, SideRatingForm
from .models import CCG, HWB, SIDE_NAMES, SIDES, AgreedItem, PartnershipReview, SideRating


def _review(request, public_id) -> PartnershipReview:
    return get_object_or_404(
        PartnershipReview.objects.visible_to(request.user)
        .select_related("cycle__framework", "ccg", "hwb")
        # The agreed record (some 35 KB) is never shown here.
        .defer("snapshot"),
        public_id=public_id,
    )


def _side(request, review, side: str) -> str:
    """The side in the URL, when the person rates for it; 404 otherwise (the other side is not theirs to see)."""
    if side not in SIDES or side not in permissions.partnership_sides(request.user, review):
        raise Http404("Not your side")
    return side


def _crumbs(review: PartnershipReview, *extra) -> list[tuple[str, str]]:
    return [
        ("Home", reverse("core:home")),
        ("Partnership reviews", reverse("partnerships:list")),
        (f"{review.ccg.name} and {review.hwb.name}", reverse("partnerships:review", args=[review.public_id])),
        *extra,
    ]


def _signed_in(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    return None


# The list and opening ------------------------------------------------------------------------------------------


@login_required_get
def review_list(request):
    reviews = list(
        PartnershipReview.objects.visible_to(request.user)
        .select_related("cycle", "ccg", "hwb")
        .order_by("-cycle__starts_on", "ccg__name", "hwb__name")
    )
    scope = permissions.scope_for(request.user)
    lead_ccgs = {org for org, role in scope.roles if role == Role.CCG_LEAD}
    lead_hwbs = {org for org, role in scope.roles if role == Role.HWB_LEAD}
    can_open = []
    if lead_ccgs or lead_hwbs:
        pairs = list(
            Relation.objects.filter(kind=Relation.Kind.HWB_PARTNER)
            .filter(Q(subject__in=lead_ccgs) | Q(object__in=lead_hwbs))
            .select_related("subject", "object")
        )
        cycles = list(
            Cycle.objects.visible_to(request.user)
            .open()
            .filter(ccgs__in=[p.subject_id for p in pairs])
            .distinct()
            .order_by("ends_on")
        )
        taking_part = set(
            Cycle.ccgs.through.objects.filter(cycle__in=[c.pk for c in cycles]).values_list(
                "cycle_id", "organisation_id"
            )
        )
        opened = {(r.cycle_id, r.ccg_id, r.hwb_id) for r in reviews}
        can_open = [
            {"cycle": cycle, "ccg": pair.subject, "hwb": pair.object}
            for cycle in cycles
            for pair in pairs
            if (cycle.pk, pair.subject_id) in taking_part
            and (cycle.pk, pair.subject_id, pair.object_id) not in opened
        ]
    return render(
        request,
        "partnerships/list.html",
        {"reviews": reviews, "can_open": can_open, "crumbs": [("Home", reverse("core:home"))]},
    )


@require_POST
def review_open(request):
    if response := _signed_in(request):
        return response
    try:
        cycle_id = uuid.UUID(request.POST.get("cycle", ""))
    except ValueError:
        raise Http404("No such cycle") from None
    cycle = get_object_or_404(Cycle.objects.visible_to(request.user), public_id=cycle_id)
    organisations = Organisation.objects.visible_to(request.user)
    ccg = get_object_or_404(organisations.of_type("ccg"), code=request.POST.get("ccg", ""))
    hwb = get_object_or_404(organisations.of_type("hwb"), code=request.POST.get("hwb", ""))
    if not permissions.can_open_partnership_review(request.user, ccg.pk, hwb.pk):
        raise Http404("Only the CCG lead or the HWB lead can open the review")
    try:
        review, created = services.review_open(cycle=cycle, ccg=ccg, hwb=hwb, user=request.user)
    except services.NotPartners as exc:
        messages.error(request, str(exc))
        return redirect("partnerships:list")
    if created:
        messages.success(request, f"The partnership review of {ccg.name} and {hwb.name} is open.")
    return redirect("partnerships:review", review.public_id)


# A review's overview -------------------------------------------------------------------------------------------


def _domain_status(rated: int, total: int) -> tuple[str, str]:
    if rated == 0:
        return "Not started", "grey"
    if rated < total:
        return "In progress", "blue"
    return "Completed", ""


@login_required_get
def review_detail(request, public_id):
    review = _review(request, public_id)
    my_sides = permissions.partnership_sides(request.user, review)
    progress = {}
    if my_sides:
        counts = (
            SideRating.objects.visible_to(request.user)
            .filter(review=review, side__in=my_sides)
            .values("side", "item__domain__number")
            .annotate(total=Count("pk"), rated=Count("pk", filter=Q(rating__isnull=False)))
        )
        for row in counts:
            progress.setdefault(row["side"], []).append(row)
    domains = {
        d.number: d
        for d in Domain.objects.filter(framework=review.cycle.framework_id).only("number", "short_title")
    }
    sides = []
    for side in my_sides:
        rows = sorted(progress.get(side, []), key=lambda r: r["item__domain__number"])
        tasks = []
        for row in rows:
            status, colour = _domain_status(row["rated"], row["total"])
            tasks.append(
                {"domain": domains[row["item__domain__number"]], "status": status, "colour": colour, **row}
            )
        rated = sum(r["rated"] for r in rows)
        total = sum(r["total"] for r in rows)
        sides.append(
            {
                "side": side,
                "name": SIDE_NAMES[side],
                "organisation": review.organisation(side),
                "tasks": tasks,
                "rated": rated,
                "total": total,
                "released_at": review.released_at(side),
                "can_rate": permissions.can_rate_side(request.user, review, side),
                "can_release": permissions.can_release_side(request.user, review, side) and rated == total,
                "is_lead": permissions.is_partnership_lead(request.user, review, side),
            }
        )
    agreed_count = item_total = None
    if review.both_released:
        counts = AgreedItem.objects.filter(review=review).aggregate(
            total=Count("pk"), agreed=Count("pk", filter=Q(agreed_rating__isnull=False))
        )
        agreed_count, item_total = counts["agreed"], counts["total"]
    return render(
        request,
        "partnerships/review.html",
        {
            "review": review,
            "sides": sides,
            "other_sides": [
                {
                    "name": SIDE_NAMES[s],
                    "organisation": review.organisation(s),
                    "released_at": review.released_at(s),
                }
                for s in SIDES
                if s not in my_sides
            ],
            "domains": list(domains.values()),
            "agreed_count": agreed_count,
            "item_total": item_total,
            "can_agree": permissions.can_agree_partnership(request.user, review),
            "is_member": bool(my_sides),
            "crumbs": _crumbs(review)[:2],
        },
    )


# Rating one side -----------------------------------------------------------------------------------------------


def _side_form(review, rating: SideRating, data=None):
    initial = {
        "rating": "" if rating.rating is None else str(rating.rating),
        "comment": rating.comment,
        "version": rating.version,
    }
    return SideRatingForm(data, initial=initial, code=rating.item.code, scale=review.framework.spec.scale)


def _side_context(request, review, side, number, *, stale=None):
    domain = get_object_or_404(
        Domain.objects.filter(framework=review.cycle.framework_id).prefetch_related("key_points", "themes"),
        number=number,
    )
    board = queries.board(review, request.user)
    entries = [
        {
            "rating": row.side(side),
            "item": row.item,
            "form": _side_form(review, row.side(side)),
            "stale": stale if stale and stale.current.pk == row.side(side).pk else None,
        }
        for row in board.domain_rows(number)
    ]
    result = board.results(side).get(number)
    return {
        "review": review,
        "side": side,
        "side_name": SIDE_NAMES[side],
        "organisation": review.organisation(side),
        "domain": domain,
        # The key points as imported, from the parsed framework: no query for the domain's rows.
        "guidance": review.cycle.framework.spec.domain(domain.number),
        "domains": board.domains,
        "basics": [e for e in entries if e["item"].tier == "basics"],
        "future": [e for e in entries if e["item"].tier == "future"],
        "result": result,
        "can_rate": permissions.can_rate_side(request.user, review, side),
        "crumbs": _crumbs(review),
    }


@login_required_get
def side_domain(request, public_id, side, number):
    review = _review(request, public_id)
    side = _side(request, review, side)
    return render(request, "partnerships/side_domain.html", _side_context(request, review, side, number))


@require_POST
def side_save(request, public_id, side, code):
    if response := _signed_in(request):
        return response
    review = _review(request, public_id)
    side = _side(request, review, side)
    rating = get_object_or_404(
        SideRating.objects.visible_to(request.user).select_related("item__domain"),
        review=review,
        side=side,
        item__code=code,
    )
    rating.review = review
    number = rating.item.domain.number
    if not permissions.can_rate_side(request.user, review, side):
        messages.error(
            request, f"The {SIDE_NAMES[side]} side has been released, so it can no longer be changed."
        )
        return redirect("partnerships:review", review.public_id)
    form = _side_form(review, rating, request.POST)
    stale = saved = None
    if form.is_valid():
        value = form.cleaned_data["rating"]
        try:
            saved = services.side_rating_save(
                rating=rating,
                user=request.user,
                value=int(value) if value else None,
                comment=form.cleaned_data["comment"],
                version=form.cleaned_data["version"],
            )
        except services.Invalid as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except services.StaleEdit as exc:
            stale = exc
        except services.ReviewLocked as exc:
            messages.error(request, str(exc))
            return redirect("partnerships:review", review.public_id)
    anchor = f"#item-{domid(code)}"
    if saved is not None and not request.htmx:
        messages.success(request, f"Your {SIDE_NAMES[side]} rating of {code} is saved.")
        return redirect(reverse("partnerships:side_domain", args=[review.public_id, side, number]) + anchor)
    context = _side_context(request, review, side, number, stale=stale)
    entry = next(e for e in context["basics"] + context["future"] if e["item"].code == code)
    if saved is None and stale is None:
        entry["form"] = form
    if request.htmx:
        return render(
            request,
            "partnerships/side_item.html",
            {**context, "entry": entry, "just_saved": saved is not None, "oob_result": True},
        )
    return render(
        request,
        "partnerships/side_domain.html",
        {**context, "error_form": entry["form"] if saved is None and stale is None else None},
    )


@require_http_methods(["GET", "POST"])
def side_release(request, public_id, side):
    if response := _signed_in(request):
        return response
    review = _review(request, public_id)
    side = _side(request, review, side)
    if not review.side_open(side):
        messages.error(request, f"The {SIDE_NAMES[side]} side has already been released.")
        return redirect("partnerships:review", review.public_id)
    if not permissions.is_partnership_lead(request.user, review, side):
        lead = "CCG lead" if side == CCG else "HWB lead"
        messages.error(request, f"Only the {lead} can release the {SIDE_NAMES[side]} side's ratings.")
        return redirect("partnerships:review", review.public_id)
    missing = services.side_missing(review, side)
    if request.method == "POST" and not missing:
        try:
            review = services.side_release(review=review, side=side, user=request.user)
        except (services.IncompleteSide, services.ReviewLocked) as exc:
            messages.error(request, str(exc))
        else:
            if review.both_released:
                messages.success(request, "Both sides have released their ratings: you can now see the gaps.")
                return redirect("partnerships:gaps", review.public_id)
            messages.success(
                request,
                f"The {SIDE_NAMES[side]} side is released. The other side's ratings appear once they release theirs.",
            )
            return redirect("partnerships:review", review.public_id)
    return render(
        request,
        "partnerships/release.html",
        {
            "review": review,
            "side": side,
            "side_name": SIDE_NAMES[side],
            "organisation": review.organisation(side),
            "missing": missing,
            "crumbs": _crumbs(review),
        },
    )


# The gaps ------------------------------------------------------------------------------------------------------


def _both_released_or_redirect(request, review):
    if not review.both_released:
        messages.error(request, "The gaps are shown once both sides have released their ratings.")
        return redirect("partnerships:review", review.public_id)
    return None


def _summary(board: queries.Board):
    ccg_results, hwb_results = board.results(CCG), board.results(HWB)
    domain_gaps = gaps.summarise(board.gaps())
    return [
        {
            "domain": d,
            "ccg": ccg_results.get(d.number),
            "hwb": hwb_results.get(d.number),
            "gaps": domain_gaps.get(d.number),
        }
        for d in board.domains
        if d.number in domain_gaps
    ]


CHART_SIDE_WIDTH = 45  # room for "CCG" / "HWB" before each bar
CHART_BAR_WIDTH = 400
CHART_ROW_HEIGHT = 66


def _chart(summary, scale_max: int) -> dict:
    """Geometry for the server-rendered SVG: per domain, a bar for each side's mean rating on the scale."""

    def x(value: float) -> float:
        return CHART_SIDE_WIDTH + round(CHART_BAR_WIDTH * value / scale_max, 1)

    rows = []
    for index, row in enumerate(summary):
        top = 10 + index * CHART_ROW_HEIGHT
        bars = []
        for offset, side, mean in ((22, CCG, row["gaps"].ccg_mean), (42, HWB, row["gaps"].hwb_mean)):
            value = mean or 0
            bars.append(
                {
                    "side": side,
                    "name": SIDE_NAMES[side],
                    "y": top + offset,
                    "text_y": top + offset + 13,
                    "width": x(value) - CHART_SIDE_WIDTH,
                    "mean": mean,
                    "value_x": x(value) + 6,
                }
            )
        rows.append({"domain": row["domain"], "label_y": top + 14, "bars": bars})
    axis_bottom = 10 + len(rows) * CHART_ROW_HEIGHT
    return {
        "rows": rows,
        "ticks": [{"value": v, "x": x(v)} for v in range(scale_max + 1)],
        "bar_x": CHART_SIDE_WIDTH,
        "axis_bottom": axis_bottom,
        "tick_y": axis_bottom + 16,
        "height": axis_bottom + 24,
        "width": CHART_SIDE_WIDTH + CHART_BAR_WIDTH + 40,
    }


SORTS = {"framework": "Framework order", "gap": "Largest gap first"}


@login_required_get
def gaps_view(request, public_id):
    review = _review(request, public_id)
    if response := _both_released_or_redirect(request, review):
        return response
    board = queries.board(review, request.user, plain=True)
    which = request.GET.get("gap", "all")
    which = which if which in gaps.GAP_FILTERS else "all"
    sort = request.GET.get("sort", "framework")
    sort = sort if sort in SORTS else "framework"
    try:
        domain = int(request.GET.get("domain", "")) if request.GET.get("domain") else None
    except ValueError:
        domain = None
    if domain is not None and domain not in {d.number for d in board.domains}:
        domain = None
    rows_by_code = {r.item.code: r for r in board.rows}
    chosen = gaps.filter_and_sort(board.gaps(), which=which, domain=domain, by_gap=sort == "gap")
    summary = _summary(board)
    scale = review.framework.spec.scale
    return render(
        request,
        "partnerships/gaps.html",
        {
            "review": review,
            "summary": summary,
            "chart": _chart(summary, max(p.value for p in scale)),
            "rows": [(rows_by_code[g.code], g) for g in chosen],
            "total": len(board.rows),
            "to_discuss": sum(1 for g in board.gaps() if g.to_discuss),
            "filters": gaps.GAP_FILTERS,
            "sorts": SORTS,
            "which": which,
            "sort": sort,
            "domain": domain,
            "domains": board.domains,
            "scale": {p.value: p.label for p in scale},
            "can_agree": permissions.can_agree_partnership(request.user, review),
            "crumbs": _crumbs(review),
        },
    )


# Agreeing ------------------------------------------------------------------------------------------------------


def _agreement_form(review, agreed: AgreedItem, data=None):
    initial = {
        "agreed_rating": "" if agreed.agreed_rating is None else str(agreed.agreed_rating),
        "action": agreed.action,
        "action_owner": agreed.action_owner.code if agreed.action_owner_id else "",
        "action_due": agreed.action_due.strftime("%d/%m/%Y") if agreed.action_due else "",
        "version": agreed.version,
    }
    return AgreementForm(
        data, initial=initial, code=agreed.item.code, scale=review.framework.spec.scale, review=review
    )


def _agree_context(request, review, number, *, stale=None):
    domain = get_object_or_404(
        Domain.objects.filter(framework=review.cycle.framework_id).prefetch_related("key_points"),
        number=number,
    )
    board = queries.board(review, request.user)
    rows = board.domain_rows(number)
    for row in rows:
        row.agreed.item = row.item
    entries = [
        {
            "row": row,
            "item": row.item,
            "gap": row.gap,
            "form": _agreement_form(review, row.agreed),
            "stale": stale if stale and stale.current.pk == row.agreed.pk else None,
        }
        for row in rows
    ]
    remaining = sum(1 for r in board.rows if r.agreed.agreed_rating is None)
    return {
        "review": review,
        "domain": domain,
        # The key points as imported, from the parsed framework: no query for the domain's rows.
        "guidance": review.cycle.framework.spec.domain(domain.number),
        "domains": board.domains,
        "entries": entries,
        "remaining": remaining,
        "scale": {p.value: p.label for p in review.framework.spec.scale},
        "can_agree": permissions.can_agree_partnership(request.user, review),
        "crumbs": _crumbs(review, ("Gaps", reverse("partnerships:gaps", args=[review.public_id]))),
    }


@login_required_get
def agree_domain(request, public_id, number):
    review = _review(request, public_id)
    if response := _both_released_or_redirect(request, review):
        return response
    return render(request, "partnerships/agree_domain.html", _agree_context(request, review, number))


@require_POST
def agree_save(request, public_id, code):
    if response := _signed_in(request):
        return response
    review = _review(request, public_id)
    if not permissions.partnership_sides(request.user, review):
        raise Http404("Not a member of this partnership")
    agreed = get_object_or_404(
        AgreedItem.objects.select_related("item__domain"), review=review, item__code=code
    )
    number = agreed.item.domain.number
    if not permissions.can_agree_partnership(request.user, review):
        if review.is_agreed:
            messages.error(request, "This review has been agreed, so it can no longer be changed.")
        elif review.status == PartnershipReview.Status.RATING:
            messages.error(request, "Both sides must release their ratings before items can be agreed.")
        else:
            messages.error(request, "Only the CCG lead or the HWB lead can record agreed ratings.")
        return redirect("partnerships:review", review.public_id)
    form = _agreement_form(review, agreed, request.POST)
    stale = saved = None
    if form.is_valid():
        data = services.AgreementInput(
            agreed_rating=int(form.cleaned_data["agreed_rating"]),
            action=form.cleaned_data["action"],
            action_owner=form.cleaned_data["action_owner"] or None,
            action_due=form.cleaned_data["action_due"],
        )
        try:
            saved = services.agreement_save(
                agreed=agreed, user=request.user, data=data, version=form.cleaned_data["version"]
            )
        except services.Invalid as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except services.StaleEdit as exc:
            stale = exc
        except services.ReviewLocked as exc:
            messages.error(request, str(exc))
            return redirect("partnerships:review", review.public_id)
    review.refresh_from_db()
    if saved is not None and review.is_agreed:
        messages.success(request, "Every item has an agreed rating: the review is agreed and locked.")
        return redirect("partnerships:review", review.public_id)
    anchor = f"#item-{domid(code)}"
    if saved is not None and not request.htmx:
        messages.success(request, f"The agreed rating of {code} is saved.")
        return redirect(reverse("partnerships:agree_domain", args=[review.public_id, number]) + anchor)
    context = _agree_context(request, review, number, stale=stale)
    entry = next(e for e in context["entries"] if e["item"].code == code)
    if saved is None and stale is None:
        entry["form"] = form
    if request.htmx:
        return render(
            request,
            "partnerships/agree_item.html",
            {**context, "entry": entry, "just_saved": saved is not None},
        )
    return render(
        request,
        "partnerships/agree_domain.html",
        {**context, "error_form": entry["form"] if saved is None and stale is None else None},
    )


# Comparing with the self-assessment ----------------------------------------------------------------------------


def _self_assessment_ratings(request, review) -> tuple[dict[str, object], str | None]:
    """The CCG's self-assessment ratings as the person may read them: the live working copy for the CCG's own
    people, the latest submitted version for anyone else allowed to see it. (ratings by code, where from)."""
    assessment = (
        Assessment.objects.visible_to(request.user)
        .filter(cycle=review.cycle_id, organisation=review.ccg_id)
        .first()
    )
    if assessment is None:
        return {}, None
    if permissions.is_ccg_member(request.user, review.ccg_id):
        responses = assessment.responses.values_list("item__code", "rating", "not_applicable")
        return {code: ("n/a" if na else rating) for code, rating, na in responses}, "working copy"
    latest = assessment.submissions.order_by("-number").first()
    if latest is None:
        return {}, None
    return (
        {i["code"]: ("n/a" if i["not_applicable"] else i["rating"]) for i in latest.snapshot["items"]},
        f"submitted version {latest.number}",
    )


@login_required_get
def compare(request, public_id):
    review = _review(request, public_id)
    board = queries.board(review, request.user)
    ccg_visible = CCG in board.visible_sides
    own, source = _self_assessment_ratings(request, review) if ccg_visible else ({}, None)
    differing = []
    same = 0
    for row in board.rows:
        mine = own.get(row.item.code)
        partnership = row.ccg.rating if row.ccg else None
        if mine is None or partnership is None:
            continue
        if mine == partnership:
            same += 1
        else:
            differing.append(
                {
                    "row": row,
                    "self": mine,
                    "partnership": partnership,
                    "difference": None if mine == "n/a" else partnership - mine,
                }
            )
    return render(
        request,
        "partnerships/compare.html",
        {
            "review": review,
            "ccg_visible": ccg_visible,
            "source": source,
            "differing": differing,
            "same": same,
            "domains": board.domains,
            "crumbs": _crumbs(review),
        },
    )


# Preparing for the 360° survey ---------------------------------------------------------------------------------


@login_required_get
def prepare(request, public_id):
    review = _review(request, public_id)
    if response := _both_released_or_redirect(request, review):
        return response
    board = queries.board(review, request.user)
    summary = {row["domain"].number: row for row in _summary(board)}
    agreed_results = board.agreed_results()
    statements: dict[int, list[SurveyStatement]] = {}
    for statement in SurveyStatement.objects.filter(
        domain__framework=review.cycle.framework_id
    ).select_related("domain"):
        statements.setdefault(statement.domain.number, []).append(statement)
    sections = []
    for domain in board.domains:
        rows = board.domain_rows(domain.number)
        if not rows:
            continue
        sections.append(
            {
                "domain": domain,
                "summary": summary.get(domain.number),
                "agreed": agreed_results.get(domain.number),
                "agreed_count": sum(1 for r in rows if r.agreed.agreed_rating is not None),
                "to_discuss": [r for r in rows if r.gap.to_discuss],
                "actions": [r for r in rows if r.agreed.action],
                "rows": rows,
                "statements": statements.get(domain.number, []),
            }
        )
    return render(
        request,
        "partnerships/prepare.html",
        {
            "review": review,
            "sections": sections,
            "scale": {p.value: p.label for p in review.framework.spec.scale},
            "printed_at": timezone.localtime(),
            "crumbs": _crumbs(review),
        },
    )


# Export --------------------------------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "Domain",
    "Code",
    "Tier",
    "Item",
    "CCG rating",
    "CCG comment",
    "HWB rating",
    "HWB comment",
    "Gap",
    "To discuss",
    "Agreed rating",
    "Action",
    "Action owner",
    "Action due",
]


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required_get
def export_csv(request, public_id):
    """Everything the person may see of the review as CSV: the other side's columns stay empty until both sides
    have released, exactly as on the pages (the rows come from the same `queries.board`)."""
    review = _review(request, public_id)
    board = queries.board(review, request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"partnership-review-{review.ccg.code}-{review.hwb.code}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(EXPORT_COLUMNS)
    for row in board.rows:
        gap, agreed = row.gap, row.agreed
        action = agreed if agreed is not None and agreed.action else None
        writer.writerow(
            _cell(value)
            for value in [
                row.item.domain.number,
                row.item.code,
                row.item.get_tier_display(),
                row.item.text,
                gap.ccg,
                row.ccg.comment if row.ccg else "",
                gap.hwb,
                row.hwb.comment if row.hwb else "",
                gap.size,
                "yes" if gap.to_discuss else "",
                agreed.agreed_rating if agreed else None,
                action.action if action else "",
                action.action_owner.name if action else "",
                action.action_due.isoformat() if action else "",
            ]
        )
    return response


def _gap_summary_rows(board) -> list[dict]:
    titles = {d.number: d.short_title for d in board.domains}
    return [
        {
            "domain": number,
            "title": titles.get(number, ""),
            "agree": s.agree,
            "one": s.differ_by_one,
            "two_plus": s.differ_by_two_plus,
            "ccg_mean": s.ccg_mean,
            "hwb_mean": s.hwb_mean,
        }
        for number, s in gaps.summarise(board.gaps()).items()
    ]


@login_required_get
def export_xlsx(request, public_id):
    """The review as an Excel workbook: the items with both sides' ratings, gaps and agreements (one sheet) and
    the gaps by domain (another). Built from the same `queries.board` as the pages and the CSV, so the other
    side's ratings and the gaps stay empty until both sides have released."""
    from assure.reports.exports import Column, Sheet, workbook_response

    review = _review(request, public_id)
    board = queries.board(review, request.user)

    def action(row):
        return row.agreed if row.agreed is not None and row.agreed.action else None

    items = [
        Column("domain", "Domain", lambda r: r.item.domain.number),
        Column("code", "Code", lambda r: r.item.code),
        Column("tier", "Tier", lambda r: r.item.get_tier_display()),
        Column("item", "Item", lambda r: r.item.text),
        Column("ccg_rating", "CCG rating", lambda r: r.gap.ccg),
        Column("ccg_comment", "CCG comment", lambda r: r.ccg.comment if r.ccg else ""),
        Column("hwb_rating", "HWB rating", lambda r: r.gap.hwb),
        Column("hwb_comment", "HWB comment", lambda r: r.hwb.comment if r.hwb else ""),
        Column("gap", "Gap", lambda r: r.gap.size),
        Column("to_discuss", "To discuss", lambda r: r.gap.to_discuss if r.gap.size is not None else None),
        Column("agreed_rating", "Agreed rating", lambda r: r.agreed.agreed_rating if r.agreed else None),
        Column("action", "Action", lambda r: action(r).action if action(r) else ""),
        Column("action_owner", "Action owner", lambda r: action(r).action_owner.name if action(r) else ""),
        Column("action_due", "Action due", lambda r: action(r).action_due if action(r) else None),
    ]
    summary = [
        Column("domain", "Domain"),
        Column("title", "Domain title"),
        Column("agree", "Items that agree"),
        Column("one", "Items one point apart"),
        Column("two_plus", "Items two or more points apart"),
        Column("ccg_mean", "CCG average rating"),
        Column("hwb_mean", "HWB average rating"),
    ]
    sheets = [Sheet("Items", items, board.rows)]
    if review.both_released:
        sheets.append(Sheet("Gaps by domain", summary, _gap_summary_rows(board)))
    return workbook_response(sheets, filename=f"partnership-review-{review.ccg.code}-{review.hwb.code}")


# History -------------------------------------------------------------------------------------------------------


@login_required_get
def history(request, public_id):
    review = _review(request, public_id)
    rating_ids = [
        str(pk)
        for pk in SideRating.objects.visible_to(request.user)
        .filter(review=review)
        .values_list("pk", flat=True)
    ]
    agreed_ids = [str(pk) for pk in AgreedItem.objects.filter(review=review).values_list("pk", flat=True)]
    events = (
        AuditEvent.objects.filter(
            Q(object_type=PartnershipReview._meta.label_lower, object_id=str(review.pk))
            | Q(object_type=SideRating._meta.label_lower, object_id__in=rating_ids)
            | Q(object_type=AgreedItem._meta.label_lower, object_id__in=agreed_ids)
        )
        .select_related("actor")
        .order_by("-at", "-pk")[:500]
    )
    return render(
        request,
        "partnerships/history.html",
        {"review": review, "events": list(events), "crumbs": _crumbs(review)},
    )
