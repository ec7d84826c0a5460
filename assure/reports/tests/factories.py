"""Submitted self-assessments made in bulk, for dashboards at scale."""

from __future__ import annotations

from django.utils import timezone

from assure.assessments.models import Assessment, Submission
from assure.organisations.tests.factories import CCGFactory


def submitted_ccgs(cycle, region, count: int, *, levels: list[str] | None = None) -> list:
    """`count` new CCGs of `region` in `cycle`, each with a submitted self-assessment whose domains reach
    `levels` (one level code per domain, in order)."""
    framework = cycle.framework
    codes = [level.code for level in framework.spec.rules.levels]
    levels = levels or [codes[i % len(codes)] for i in range(6)]
    labels = {level.code: level.label for level in framework.spec.rules.levels}
    now = timezone.now()
    ccgs = CCGFactory.create_batch(count, region=region)
    cycle.ccgs.add(*ccgs)
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                cycle=cycle,
                organisation=ccg,
                status=Assessment.Status.SUBMITTED,
                submitted_at=now,
                first_submitted_at=now,
            )
            for ccg in ccgs
        ]
    )
    snapshot = {
        "items": [],
        "domains": [
            {
                "number": n,
                "level": level,
                "level_label": labels[level],
                "meets_threshold": level != codes[0],
                "rated": 5,
                "not_applicable": 0,
                "total": 5,
            }
            for n, level in enumerate(levels, start=1)
        ],
    }
    Submission.objects.bulk_create(
        [Submission(assessment=a, number=1, submitted_at=now, snapshot=snapshot) for a in assessments]
    )
    return ccgs


def closed_surveys(cycle, ccgs: list, *, respondents: int = 6, answer: str = "agree") -> None:
    """A closed 360° survey for each CCG, with `respondents` member practices (invited and responded) all giving
    `answer` to every statement. Written in bulk, for dashboards at scale."""
    import datetime
    import uuid

    from assure.surveys.models import Response, Stakeholder, Survey
    from assure.surveys.services import framework_statements

    now = timezone.now()
    statements = framework_statements(cycle.framework)
    surveys = Survey.objects.bulk_create(
        [
            Survey(
                cycle=cycle,
                organisation=ccg,
                opens_at=now - datetime.timedelta(days=30),
                closes_at=now - datetime.timedelta(days=1),
                statements=statements,
            )
            for ccg in ccgs
        ]
    )
    codes = [s["code"] for d in statements for s in d["statements"]]
    Stakeholder.objects.bulk_create(
        [
            Stakeholder(
                survey=survey,
                name=f"Person {n}",
                email=f"person{n}.{survey.pk}@example.org",
                group="member_practice",
                invited_at=now,
                responded_at=now,
            )
            for survey in surveys
            for n in range(respondents)
        ]
    )
    Response.objects.bulk_create(
        [
            Response(
                survey=survey,
                key=uuid.uuid4().hex,
                group="member_practice",
                answers=dict.fromkeys(codes, answer),
            )
            for survey in surveys
            for _ in range(respondents)
        ]
    )


def decide(
    assessment,
    *,
    assessor,
    outcome: str = "authorised_with_conditions",
    judgements: dict[int, str] | None = None,
    conditions: list[dict] | None = None,
    published: bool = False,
    decided_on=None,
):
    """A decision on `assessment` with a judgement per domain by `assessor` and the given conditions."""
    import datetime

    from assure.decisions.models import Condition, Decision, Judgement
    from assure.frameworks.models import Domain

    decided_on = decided_on or timezone.localdate()
    domains = {d.number: d for d in Domain.objects.filter(framework=assessment.cycle.framework_id)}
    judgements = judgements if judgements is not None else dict.fromkeys(domains, "met")
    for number, value in judgements.items():
        Judgement.objects.create(
            assessment=assessment, domain=domains[number], assessor=assessor, value=value
        )
    decision = Decision.objects.create(
        assessment=assessment,
        outcome=outcome,
        decided_on=decided_on,
        panel="Sam Assessor\nA Panel Member",
        rationale="The panel weighed the evidence.",
        recorded_by=assessor,
        published_at=timezone.now() if published else None,
    )
    for spec in conditions or []:
        spec = dict(spec)
        number = spec.pop("domain")
        Condition.objects.create(
            decision=decision,
            domain=domains[number],
            support_level=spec.pop("support_level", "toolkit"),
            due=spec.pop("due", decided_on + datetime.timedelta(days=90)),
            raised_on=spec.pop("raised_on", decided_on),
            **spec,
        )
    return decision
