"""`seed_national` makes judgements, decisions and conditions: deterministic, consistent, and replaced whole."""

from io import StringIO

import pytest
from django.core.management import call_command

from assure.decisions import rules
from assure.decisions.models import Condition, ConditionEvent, Decision, Judgement
from assure.national.dataset import CYCLE_NAMES, PREFIX

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def seed(*args: str) -> None:
    call_command("seed_national", "--scale", "0.02", "--force", *args, stdout=StringIO(), verbosity=0)


def generated() -> dict:
    national = {"assessment__organisation__code__startswith": PREFIX}
    return {
        "judgements": sorted(
            Judgement.objects.filter(**national).values_list(
                "public_id", "assessment__public_id", "domain__number", "assessor__email", "value"
            )
        ),
        "decisions": sorted(
            Decision.objects.filter(**national).values_list(
                "public_id", "outcome", "decided_on", "contradiction_reason", "published_at"
            )
        ),
        "conditions": sorted(
            Condition.objects.filter(decision__assessment__organisation__code__startswith=PREFIX).values_list(
                "public_id", "domain__number", "status", "due", "discharged_on"
            )
        ),
        "events": ConditionEvent.objects.filter(
            condition__decision__assessment__organisation__code__startswith=PREFIX
        ).count(),
    }


def test_closed_cycles_are_decided_and_the_open_one_is_only_judged():
    seed()
    closed, open_cycle = CYCLE_NAMES[:-1], CYCLE_NAMES[-1]
    decided = Decision.objects.filter(assessment__cycle__name__in=closed)
    assert (
        decided.count()
        == Judgement.objects.filter(assessment__cycle__name__in=closed)
        .values("assessment")
        .distinct()
        .count()
    )
    assert not Decision.objects.filter(assessment__cycle__name=open_cycle).exists()
    domains = ["1", "2", "3", "4", "5", "6"]
    for decision in decided.prefetch_related("assessment__judgements__domain", "conditions"):
        pairs = [(str(j.domain.number), j.value) for j in decision.assessment.judgements.all()]
        assert bool(decision.contradiction_reason) == rules.contradicts(decision.outcome, pairs, domains)
        if decision.outcome == "authorised":
            assert not decision.conditions.all()
        if decision.outcome == "authorised_with_conditions":
            assert decision.conditions.all()
    assert Condition.objects.filter(status="discharged").exists()
    assert not Condition.objects.filter(status="discharged", discharged_on__isnull=True).exists()


def test_it_is_deterministic_and_replaced_whole():
    seed()
    first = generated()
    assert first["judgements"] and first["decisions"]
    seed()
    assert generated() == first
