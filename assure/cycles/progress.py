"""Where each CCG stands against a cycle's step deadlines.

A step is *done* for a CCG when:
- self-assessment: its self-assessment is submitted (a reopened one is due again);
- partnership review: its review with every partner HWB is agreed (a CCG with no partner HWB has none to do);
- 360° survey: its survey has closed;
- assessor review: the panel has recorded its decision on the CCG's self-assessment for the cycle.

Each check answers for all the CCGs asked about in a fixed number of queries, unordered: the answers are sets,
and the models' default orderings would join the cycles and organisations only to sort by their names. Callers
pass CCGs the reader may see; nothing here checks scope.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone

from assure.core.queries import Ids

from .deadlines import StepState, step_state
from .models import Cycle, CycleStep


def self_assessment_done(cycle: Cycle, ccg_ids: list[int]) -> set[int]:
    from assure.assessments.models import Assessment

    return set(
        Assessment.objects.filter(
            cycle=cycle, organisation__in=Ids(ccg_ids), status=Assessment.Status.SUBMITTED
        )
        .order_by()
        .values_list("organisation_id", flat=True)
    )


def partnership_review_done(cycle: Cycle, ccg_ids: list[int]) -> set[int]:
    from assure.organisations.models import Relation
    from assure.partnerships.models import PartnershipReview

    partners: dict[int, set[int]] = defaultdict(set)
    for ccg, hwb in (
        Relation.objects.filter(kind=Relation.Kind.HWB_PARTNER, subject__in=Ids(ccg_ids))
        .order_by()
        .values_list("subject_id", "object_id")
    ):
        partners[ccg].add(hwb)
    agreed: dict[int, set[int]] = defaultdict(set)
    for ccg, hwb in (
        PartnershipReview.objects.filter(
            cycle=cycle, ccg__in=Ids(ccg_ids), status=PartnershipReview.Status.AGREED
        )
        .order_by()
        .values_list("ccg_id", "hwb_id")
    ):
        agreed[ccg].add(hwb)
    return {ccg for ccg in ccg_ids if partners[ccg] <= agreed[ccg]}


def survey_done(cycle: Cycle, ccg_ids: list[int]) -> set[int]:
    from assure.surveys.models import Survey

    return set(
        Survey.objects.filter(cycle=cycle, organisation__in=Ids(ccg_ids))
        .closed_at_time(timezone.now())
        .order_by()
        .values_list("organisation_id", flat=True)
    )


def assessor_review_done(cycle: Cycle, ccg_ids: list[int]) -> set[int]:
    from assure.decisions.models import Decision

    return set(
        Decision.objects.filter(assessment__cycle=cycle, assessment__organisation__in=Ids(ccg_ids))
        .order_by()
        .values_list("assessment__organisation_id", flat=True)
    )


# step -> function(cycle, CCG ids) -> the ids of those CCGs for which the step is done.
STEP_DONE: dict[str, Callable[[Cycle, list[int]], set[int]]] = {
    CycleStep.Step.SELF_ASSESSMENT: self_assessment_done,
    CycleStep.Step.PARTNERSHIP_REVIEW: partnership_review_done,
    CycleStep.Step.SURVEY: survey_done,
    CycleStep.Step.ASSESSOR_REVIEW: assessor_review_done,
}


@dataclass(frozen=True)
class StepStanding:
    step: CycleStep
    state: StepState

    @property
    def label(self) -> str:
        return self.step.get_step_display()


def steps_of(cycle: Cycle) -> list[CycleStep]:
    """The cycle's steps in deadline order (prefetched `steps` are used when present)."""
    return sorted(cycle.steps.all(), key=lambda s: (s.deadline, CycleStep.ORDER.index(s.step)))


def done_by_step(cycle: Cycle, steps: Iterable[CycleStep], ccg_ids: list[int]) -> dict[str, set[int]]:
    if not ccg_ids:
        return {step.step: set() for step in steps}
    return {step.step: STEP_DONE[step.step](cycle, ccg_ids) for step in steps}


def standings(
    cycle: Cycle, ccg_ids: list[int], *, today: datetime.date | None = None
) -> dict[int, list[StepStanding]]:
    """CCG id -> each step of the cycle with where the CCG stands against its deadline."""
    today = today or timezone.localdate()
    steps = steps_of(cycle)
    done = done_by_step(cycle, steps, ccg_ids)
    # A step stands one of two ways on a given day, done or not: each is worked out once, not once per CCG.
    ways = [
        {
            is_done: StepStanding(
                step, step_state(opens_on=step.opens_on, deadline=step.deadline, done=is_done, today=today)
            )
            for is_done in (False, True)
        }
        for step in steps
    ]
    return {
        ccg: [way[ccg in done[step.step]] for step, way in zip(steps, ways, strict=True)] for ccg in ccg_ids
    }


def overdue(
    cycle: Cycle, ccg_ids: list[int], *, today: datetime.date | None = None
) -> dict[int, list[StepStanding]]:
    """CCG id -> the steps it has not done by their deadline, in deadline order: `standings` with only the overdue
    steps. Only the steps whose deadline has passed are checked, since no CCG can be overdue on the others: before
    a cycle's first deadline this reads nothing but its steps."""
    today = today or timezone.localdate()
    late = [
        StepStanding(step, state)
        for step in steps_of(cycle)
        if (
            state := step_state(opens_on=step.opens_on, deadline=step.deadline, done=False, today=today)
        ).is_overdue
    ]
    done = done_by_step(cycle, [s.step for s in late], ccg_ids)
    return {ccg: [s for s in late if ccg not in done[s.step.step]] for ccg in ccg_ids}
