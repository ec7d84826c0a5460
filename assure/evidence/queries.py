"""Database side of evidence coverage: a fixed number of queries whatever the size of the library."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils import timezone

from assure.frameworks.models import DomainEvidence, Framework
from assure.organisations.models import Organisation

from .coverage import DomainCoverage, EvidenceFact, coverage
from .models import Evidence


def coverage_for(
    *, organisation: Organisation, framework: Framework, today: datetime.date | None = None
) -> dict[int, DomainCoverage]:
    expected: dict[int, list[int]] = defaultdict(list)
    for number, type_id in (
        DomainEvidence.objects.filter(domain__framework=framework)
        .order_by("domain__number", "position")
        .values_list("domain__number", "evidence_type_id")
    ):
        expected[number].append(type_id)
    evidence = {
        pk: (type_id, date, set())
        for pk, type_id, date in Evidence.objects.filter(
            organisation=organisation, evidence_type__framework=framework
        ).values_list("pk", "evidence_type_id", "document_date")
    }
    for pk, number in Evidence.domains.through.objects.filter(evidence__in=evidence.keys()).values_list(
        "evidence_id", "domain__number"
    ):
        evidence[pk][2].add(number)
    for pk, number in Evidence.items.through.objects.filter(
        evidence__in=evidence.keys(), item__framework=framework
    ).values_list("evidence_id", "item__domain__number"):
        evidence[pk][2].add(number)
    facts = [EvidenceFact(t, frozenset(numbers), d) for t, d, numbers in evidence.values()]
    return coverage(dict(expected), facts, today or timezone.localdate())
