"""Factories for assessor review and decisions. A submitted self-assessment is made through the services, so it
has a submission snapshot as a real one does."""

from __future__ import annotations

import datetime

from django.utils import timezone

from assure.accounts.tests.factories import UserFactory
from assure.assessments import services as assessment_services
from assure.assessments.models import Assessment, ItemResponse
from assure.decisions import services
from assure.decisions.models import Decision, Judgement
from assure.organisations.models import Role
from assure.organisations.tests.factories import CCGFactory, MembershipFactory


def submitted_assessment(*, cycle, ccg=None, rating: int = 2, lead=None) -> Assessment:
    """A CCG of the cycle's region with its self-assessment rated `rating` throughout and submitted."""
    ccg = ccg or CCGFactory(region=cycle.region)
    cycle.ccgs.add(ccg)
    if lead is None:
        lead = UserFactory()
        MembershipFactory(user=lead, organisation=ccg, role=Role.CCG_LEAD)
    assessment = assessment_services.assessment_get_or_create(cycle=cycle, organisation=ccg)
    ItemResponse.objects.filter(assessment=assessment).update(
        rating=rating, narrative="In place.", version=1, updated_at=timezone.now()
    )
    assessment_services.assessment_submit(assessment=assessment, user=lead)
    assessment.refresh_from_db()
    return assessment


def judge_all(assessment: Assessment, assessor, values: dict[int, str] | None = None, default: str = "met"):
    values = values or {}
    for domain in assessment.cycle.framework.domains.order_by("number"):
        services.judgement_save(
            assessment=assessment,
            domain=domain,
            assessor=assessor,
            value=values.get(domain.number, default),
            rationale=f"Judged {values.get(domain.number, default)}.",
            version=Judgement.objects.filter(assessment=assessment, domain=domain, assessor=assessor)
            .values_list("version", flat=True)
            .first()
            or 0,
        )


def decide(
    assessment: Assessment,
    user,
    *,
    outcome: str = "authorised",
    conditions: list[tuple[str, str, str, int]] = (),
    reason: str = "",
    days_ago: int = 5,
    publish_by=None,
) -> Decision:
    """Record a decision (conditions as (domain number, text, support level, due in days)), optionally published."""
    decided_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    decision = services.decision_record(
        assessment=assessment,
        user=user,
        data=services.DecisionInput(
            outcome=outcome,
            decided_on=decided_on,
            panel="Sam Assessor\nRita Regional",
            rationale="As the judgements show.",
            contradiction_reason=reason,
            conditions=[
                services.ConditionInput(
                    domain=d, text=t, support_level=s, due=decided_on + datetime.timedelta(days=due)
                )
                for d, t, s, due in conditions
            ],
        ),
    )
    if publish_by is not None:
        decision = services.decision_publish(decision=decision, user=publish_by)
    return decision
