"""What the benchmark and the query-count tests point at in the national dataset: the demo CCG's pages."""

from __future__ import annotations

from assure.assessments.models import Assessment
from assure.evidence.models import Evidence
from assure.organisations.models import Organisation

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
    submitted = Assessment.objects.get(organisation=ccg, cycle__name=CYCLE_NAMES[-2])
    responses = draft.responses.select_related("item").order_by("item__domain__number", "item__position")
    evidence = Evidence.objects.filter(organisation=ccg).exclude(file="").order_by("title").first()
    return {
        "ccg": ccg.code,
        "cycle": str(draft.cycle.public_id),
        "draft": str(draft.public_id),
        "submitted": str(submitted.public_id),
        "items": [r.item.code for r in responses],
        "versions": {r.item.code: r.version for r in responses},
        "evidence": str(evidence.public_id),
    }
