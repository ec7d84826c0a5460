"""What the benchmark and the query-count tests point at in the national dataset: the demo CCG's pages."""

from __future__ import annotations

from assure.assessments.models import Assessment
from assure.evidence.models import Evidence
from assure.goodpractice.models import Example
from assure.organisations.models import Organisation
from assure.partnerships.models import PartnershipReview
from assure.surveys import services as survey_services
from assure.surveys.models import Stakeholder, Survey

from .dataset import CYCLE_NAMES, PREFIX

DEMO_CCG = f"{PREFIX}C001"


class NoNationalDataset(LookupError):
    pass


def targets() -> dict:
    """Codes and public ids of the demo CCG, the open cycle, its self-assessments, items and evidence."""
    ccg = Organisation.objects.filter(code=DEMO_CCG).first()
    if ccg is None:
        raise NoNationalDataset("There is no national dataset: run `manage.py seed_national` first.")
    draft = Assessment.objects.select_related("cycle").get(organisation=ccg, cycle__name=CYCLE_NAMES[-1])
    submitted = Assessment.objects.select_related("cycle").get(organisation=ccg, cycle__name=CYCLE_NAMES[-2])
    responses = draft.responses.select_related("item").order_by("item__domain__number", "item__position")
    evidence = Evidence.objects.filter(organisation=ccg).exclude(file="").order_by("title").first()
    review = PartnershipReview.objects.filter(ccg=ccg, cycle=draft.cycle).order_by("hwb__code").first()
    closed = Survey.objects.get(organisation=ccg, cycle=submitted.cycle)
    open_survey = Survey.objects.get(organisation=ccg, cycle=draft.cycle)
    published = Example.objects.published().exclude(organisation=ccg).order_by("pk").first()
    own = Example.objects.filter(organisation=ccg, status=Example.Status.DRAFT).order_by("pk").first()
    return {
        "ccg": ccg.code,
        "cycle": str(draft.cycle.public_id),
        "previous_cycle": str(submitted.cycle.public_id),
        "draft": str(draft.public_id),
        "submitted": str(submitted.public_id),
        "items": [r.item.code for r in responses],
        "versions": {r.item.code: r.version for r in responses},
        "evidence": str(evidence.public_id),
        "review": str(review.public_id),
        "survey": str(closed.public_id),
        "open_survey": str(open_survey.public_id),
        "statements": open_survey.statement_codes,
        "example": str(published.public_id) if published else None,  # published, of another organisation
        "own_example": str(own.public_id) if own else None,  # the demo CCG's draft
    }


def respondent_links(count: int) -> list[str]:
    """New links for `count` stakeholders of the demo CCG's open survey who have not responded, made as a
    reminder makes them (the secret is returned, only its hash is stored). For requests to the respondent page:
    the generated data's own links were never kept."""
    survey = Survey.objects.get(organisation__code=DEMO_CCG, cycle__name=CYCLE_NAMES[-1])
    stakeholders = list(
        Stakeholder.objects.filter(survey=survey, responded_at__isnull=True).order_by("email")[:count]
    )
    links = []
    for stakeholder in stakeholders:
        links.append(survey_services._rotate_link(stakeholder))
        stakeholder.save(update_fields=["token_hash", "previous_token_hash"])
    return links
