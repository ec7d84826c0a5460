"""Building blocks for the cycle tests: a CCG with a lead, a submitted self-assessment in a past cycle, and the
input for a new cycle."""

from __future__ import annotations

import datetime

from django.utils import timezone

from assure.accounts.tests.factories import UserFactory
from assure.assessments import services as assessment_services
from assure.assessments.models import ItemResponse
from assure.cycles import services
from assure.cycles.models import Cycle, CycleStep
from assure.cycles.tests.factories import CycleFactory
from assure.organisations.models import Role
from assure.organisations.tests.factories import CCGFactory, MembershipFactory


def ccg_with_lead(region, code: str = "99X", name: str = "NHS Riverside CCG"):
    ccg = CCGFactory(code=code, name=name, region=region)
    lead = UserFactory(email=f"lead.{code.lower()}@example.org", full_name="Dr Rhea Lead")
    MembershipFactory(user=lead, organisation=ccg, role=Role.CCG_LEAD)
    return ccg, lead


def past_cycle(region, ccgs, *, framework=None, name: str = "Riverside wave 1") -> Cycle:
    today = timezone.localdate()
    extra = {"framework": framework} if framework is not None else {}
    return CycleFactory(
        name=name,
        region=region,
        ccgs=ccgs,
        starts_on=today - datetime.timedelta(days=400),
        ends_on=today - datetime.timedelta(days=200),
        **extra,
    )


def submitted_assessment(cycle, ccg, lead, *, rating=lambda item: 2, narrative="Seen working at the board."):
    """The CCG's self-assessment in `cycle`, every item rated by `rating(item)`, then submitted."""
    assessment = assessment_services.assessment_get_or_create(cycle=cycle, organisation=ccg)
    responses = list(assessment.responses.select_related("item"))
    for response in responses:
        response.rating = rating(response.item)
        response.narrative = f"{narrative} ({response.item.code})"
        response.version = 1
    ItemResponse.objects.bulk_update(responses, ["rating", "narrative", "version"])
    assessment_services.assessment_submit(assessment=assessment, user=lead)
    return assessment


def cycle_input(region, ccgs, *, previous=None, framework=None, kind=Cycle.Kind.ANNUAL_ASSURANCE, **changes):
    from assure.cycles.tests.factories import builtin_framework

    today = timezone.localdate()
    data = services.CycleInput(
        name="Riverside annual assurance",
        kind=kind,
        framework=framework or builtin_framework(),
        region=region,
        starts_on=today - datetime.timedelta(days=10),
        ends_on=today + datetime.timedelta(days=300),
        previous=previous,
        ccgs=list(ccgs),
        steps={
            CycleStep.Step.SELF_ASSESSMENT: services.StepInput(
                opens_on=today - datetime.timedelta(days=10), deadline=today + datetime.timedelta(days=30)
            ),
            CycleStep.Step.SURVEY: services.StepInput(
                opens_on=None, deadline=today + datetime.timedelta(days=60)
            ),
        },
    )
    for key, value in changes.items():
        setattr(data, key, value)
    return data
