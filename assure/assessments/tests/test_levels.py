"""A submission's domain levels read from the text the database stores (`assure.assessments.levels`): the same
levels as the submission's own domain results, on SQLite and PostgreSQL, whatever was recorded."""

from __future__ import annotations

import datetime

import pytest

from assure.assessments.levels import RESULTS_TEXT, DomainLevel, domain_levels
from assure.assessments.models import Assessment, Submission

WHEN = datetime.datetime(2012, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture
def islington(demo) -> Assessment:
    """The demo's submitted self-assessment."""
    return Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg2)


def _submission(assessment, number: int, snapshot: dict) -> Submission:
    return assessment.submissions.create(number=number, submitted_at=WHEN, snapshot=snapshot)


def _levels_read(submission: Submission) -> tuple[DomainLevel, ...]:
    text = Submission.objects.filter(pk=submission.pk).values_list(RESULTS_TEXT, flat=True).get()
    assert text is None or isinstance(text, str)  # the stored text, not decoded by the database driver
    return domain_levels(text)


def test_levels_read_from_the_stored_text_are_the_submissions_domain_results(demo, islington):
    submission = islington.submissions.order_by("-number").first()
    results = Submission.objects.get(pk=submission.pk).domain_results

    levels = _levels_read(submission)

    assert [(d.number, d.level, d.level_label) for d in levels] == [
        (d["number"], d["level"], d["level_label"]) for d in results
    ]
    assert len(levels) == 6


def test_a_submission_without_domain_results_or_labels(demo, islington):
    none = _submission(islington, 90, {"items": []})
    empty = _submission(islington, 91, {"items": [], "domains": []})
    unlabelled = _submission(
        islington,
        92,
        {"items": [], "domains": [{"number": 2, "level": "basics_built"}, {"number": 1, "level": "x & <y>"}]},
    )

    assert _levels_read(none) == ()
    assert _levels_read(empty) == ()
    # As recorded, in that order; a level without its label is named by its code.
    assert _levels_read(unlabelled) == (
        DomainLevel(2, "basics_built", "basics_built"),
        DomainLevel(1, "x & <y>", "x & <y>"),
    )


def test_each_text_is_decoded_once_and_its_levels_cannot_be_changed_by_a_reader():
    text = '[{"number": 1, "level": "basics_built", "level_label": "Basics built"}]'

    first = domain_levels(text)
    again = domain_levels("".join([text[:10], text[10:]]))  # an equal text, another string

    assert again is first
    assert isinstance(first, tuple) and isinstance(first[0], tuple)  # immutable, so safe to share
    assert domain_levels(None) == domain_levels("") == ()
