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
