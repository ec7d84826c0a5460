"""`seed_national` makes a development plan per CCG and cycle, the same every run, with open actions carried on."""

from io import StringIO

import pytest
from django.core.management import call_command

from assure.national.dataset import CYCLE_NAMES, PREFIX
from assure.organisations.models import Organisation
from assure.plans.models import Action, Plan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def _seed() -> None:
    call_command("seed_national", "--scale", "0.02", "--force", stdout=StringIO(), verbosity=0)


def _plans() -> list:
    return sorted(
        Action.objects.filter(plan__organisation__code__startswith=PREFIX).values_list(
            "public_id", "plan__public_id", "title", "status", "due", "source", "carried_from__public_id"
        )
    )


def test_seed_national_makes_plans_deterministically(demo):
    _seed()
    ccgs = Organisation.objects.filter(code__startswith=PREFIX, type__code="ccg").count()
    assert Plan.objects.filter(cycle__name__in=CYCLE_NAMES).count() == ccgs * len(CYCLE_NAMES)
    first = _plans()
    sources = {row[5] for row in first}
    assert {"self_assessment", "partnership", "own"} <= sources
    latest = Action.objects.filter(
        plan__cycle__name=CYCLE_NAMES[-1], plan__organisation__code__startswith=PREFIX
    )
    assert latest.filter(carried_from__isnull=False).exists()
    assert all(
        a.carried_from.plan.cycle.name == CYCLE_NAMES[-2] for a in latest.filter(carried_from__isnull=False)
    )
    assert (
        latest.filter(status="done").exists() and latest.filter(status__in=["open", "in_progress"]).exists()
    )
    # No key twice in a plan: the carried actions stand for their source.
    for plan in Plan.objects.filter(organisation__code__startswith=PREFIX):
        keys = [k for k in plan.actions.values_list("source_key", flat=True) if k]
        assert len(keys) == len(set(keys))
    _seed()
    assert _plans() == first
    # The demo region is left alone.
    assert Plan.objects.filter(organisation=demo.ccg).exists()
