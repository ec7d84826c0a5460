from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from assure.assessments.models import Assessment
from assure.core import permissions
from assure.core.views import login_required_get
from assure.organisations.models import Organisation

from .models import Cycle


@login_required_get
def cycle_detail(request, public_id):
    cycle = get_object_or_404(
        Cycle.objects.visible_to(request.user)
        .select_related("framework", "region")
        .defer("framework__document")
        .prefetch_related("steps"),
        public_id=public_id,
    )
    ccgs = list(Organisation.objects.visible_to(request.user).filter(cycles=cycle).select_related("region"))
    assessments = {
        a.organisation_id: a
        for a in Assessment.objects.visible_to(request.user).filter(
            cycle=cycle, organisation__in=[c.pk for c in ccgs]
        )
    }
    for ccg in ccgs:
        ccg.assessment = assessments.get(ccg.pk)
        ccg.is_mine = permissions.is_ccg_member(request.user, ccg.pk)
    crumbs = [("Home", reverse("core:home"))]
    return render(request, "cycles/detail.html", {"cycle": cycle, "ccgs": ccgs, "crumbs": crumbs})
