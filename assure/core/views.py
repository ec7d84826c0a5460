from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from assure.core import permissions
from assure.cycles.models import Cycle
from assure.frameworks.models import Framework
from assure.organisations.models import Membership


def login_required_get(view):
    """A page for signed-in people that only answers GET."""
    return login_required(require_GET(view))


@require_GET
def home(request):
    if not request.user.is_authenticated:
        frameworks = Framework.objects.latest_versions()
        return render(request, "core/welcome.html", {"frameworks": frameworks})
    memberships = list(
        Membership.objects.filter(user=request.user).select_related(
            "organisation__type", "organisation__region"
        )
    )
    cycles = list(
        Cycle.objects.visible_to(request.user)
        .open()
        .select_related("framework", "region")
        .prefetch_related("steps")
        .order_by("ends_on", "name")
    )
    # The CCGs this person works for, in each open cycle: their way into the self-assessment.
    ccg_memberships = {
        m.organisation_id: m.organisation for m in memberships if m.role in permissions.CCG_ROLES
    }
    taking_part = Cycle.ccgs.through.objects.filter(
        cycle__in=[c.pk for c in cycles], organisation__in=ccg_memberships.keys()
    ).values_list("cycle_id", "organisation_id")
    own_ccgs: dict[int, list] = {}
    for cycle_id, organisation_id in taking_part:
        own_ccgs.setdefault(cycle_id, []).append(ccg_memberships[organisation_id])
    for cycle in cycles:
        cycle.own_ccgs = own_ccgs.get(cycle.pk, [])
    return render(
        request,
        "core/home.html",
        {
            "memberships": memberships,
            "is_platform_admin": permissions.is_platform_admin(request.user),
            "can_view_dashboard": permissions.can_view_dashboard(request.user),
            "cycles": cycles,
            "shares_good_practice": bool(permissions.good_practice_organisation_ids(request.user)),
            "moderates_good_practice": permissions.is_good_practice_moderator(request.user),
            "runs_cycles": permissions.can_create_cycle(request.user),
        },
    )


@require_GET
def accessibility(request):
    return render(request, "core/accessibility.html")


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
