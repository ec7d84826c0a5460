"""The cycle's assessor-review step is done for a CCG once the panel has recorded its decision."""

import pytest

from assure.cycles import progress
from assure.cycles.models import CycleStep

from .factories import decide, judge_all

pytestmark = pytest.mark.django_db

ASSESSOR_REVIEW = progress.STEP_DONE[CycleStep.Step.ASSESSOR_REVIEW]


def test_the_assessor_review_is_done_once_a_decision_is_recorded(demo, fresh):
    ccg_id = fresh.organisation_id
    judge_all(fresh, demo.assessor)
    assert ASSESSOR_REVIEW(demo.cycle, [ccg_id]) == set(), "judgements alone do not finish the review"

    decide(fresh, demo.assessor)
    assert ASSESSOR_REVIEW(demo.cycle, [ccg_id]) == {ccg_id}


def test_a_decision_in_another_cycle_does_not_count(demo, fresh):
    from assure.cycles.tests.factories import CycleFactory

    judge_all(fresh, demo.assessor)
    decide(fresh, demo.assessor)
    other = CycleFactory(framework=demo.cycle.framework, region=demo.region)
    assert ASSESSOR_REVIEW(other, [fresh.organisation_id]) == set()
