"""The CCG report: what it is built from, and its content as plain data.

`report_source(user, assessment)` gathers what the reader may see of one CCG's self-assessment: the live working
copy for the CCG's own people while it is a draft, otherwise the latest submission. `build_report` turns that into
a JSON-able dict: the CCG, the cycle, and a list of sections (see `sections.py`). The web page and the PDF both
render that dict, and the PDF is cached under a digest of it (`report_key`), so a PDF is made once per content.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.utils import timezone

from assure.assessments import services as assessment_services
from assure.assessments.models import Assessment, Submission
from assure.core import permissions
from assure.frameworks.maturity import rating_of
from assure.frameworks.models import Domain, Framework

# Bump when the report's templates or sections change, so cached PDFs are made again.
REPORT_VERSION = "2"

# What the report shows of each domain's result (`assessment_services.domain_summary`, as a snapshot holds it).
RESULT_KEYS = ("level", "level_label", "meets_threshold", "rated", "not_applicable", "total")


@dataclass(frozen=True)
class ItemFact:
    code: str
    domain: int
    tier: str
    text: str
    rating: int | None
    not_applicable: bool


@dataclass
class ReportSource:
    """Everything a section may draw on. Sections must show nothing the reader could not see on a page."""

    user: Any
    assessment: Assessment
    framework: Framework
    domains: list[Domain]
    items: list[ItemFact]
    results: dict[int, dict[str, Any]]  # domain number -> level, level_label, meets_threshold, rated, …
    submission: Submission | None  # None when built from the live working copy
    today: datetime.date
    extra: dict[str, Any] = field(default_factory=dict)  # room for sections to share what they looked up

    @property
    def from_draft(self) -> bool:
        return self.submission is None

    @property
    def scale_max(self) -> int:
        return max(p.value for p in self.framework.spec.scale)

    def ratings(self) -> dict[str, int | str | None]:
        return {i.code: rating_of(i.rating, i.not_applicable) for i in self.items}


def report_source(user, assessment: Assessment, *, today: datetime.date | None = None) -> ReportSource:
    """Raises Http404 when the reader may see the self-assessment but there is nothing submitted to show them."""
    framework = assessment.cycle.framework
    domains = list(Domain.objects.filter(framework=framework).order_by("number"))
    if permissions.report_from_draft(user, assessment):
        # The ratings as plain values, each item's text from the framework as parsed, and each domain's result
        # worked out as the task list works it out.
        rated = assessment_services.rated_items(assessment)
        texts = {item.code: item.text for domain in framework.spec.domains for item in domain.items}
        items = [ItemFact(r.code, r.domain, r.tier, texts[r.code], r.rating, r.not_applicable) for r in rated]
        submission = None
        domain_results = [
            assessment_services.domain_summary(number, result)
            for number, result in assessment_services.rated_results(assessment, rated).items()
        ]
    else:
        submission = assessment.submissions.order_by("-number").first()
        if submission is None:
            raise Http404("Nothing submitted yet")
        snapshot = submission.snapshot
        items = [
            ItemFact(i["code"], i["domain"], i["tier"], i["text"], i["rating"], i["not_applicable"])
            for i in snapshot["items"]
        ]
        domain_results = snapshot["domains"]
    results = {d["number"]: {key: d[key] for key in RESULT_KEYS} for d in domain_results}
    return ReportSource(
        user=user,
        assessment=assessment,
        framework=framework,
        domains=domains,
        items=items,
        results=results,
        submission=submission,
        today=today or timezone.localdate(),
    )


def build_report(source: ReportSource) -> dict[str, Any]:
    from .sections import build_sections

    assessment = source.assessment
    submission = source.submission
    sections = build_sections(source)
    return {
        "version": REPORT_VERSION,
        "assessment": str(assessment.public_id),
        "ccg": {"code": assessment.organisation.code, "name": assessment.organisation.name},
        "cycle": {
            "id": str(assessment.cycle.public_id),
            "name": assessment.cycle.name,
            "kind": assessment.cycle.get_kind_display(),
            "starts_on": assessment.cycle.starts_on.isoformat(),
            "ends_on": assessment.cycle.ends_on.isoformat(),
        },
        "framework": {"title": source.framework.title, "version": source.framework.version},
        "source": {
            "draft": submission is None,
            "submission": submission.number if submission else None,
            "submitted_at": submission.submitted_at.isoformat() if submission else None,
            "reopened": bool(submission and submission.reopened_at),
        },
        "as_of": source.today.isoformat(),
        "sections": sections,
    }


def report_key(report: dict[str, Any]) -> str:
    payload = json.dumps(report, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def parse_dates(report: dict[str, Any]) -> dict[str, Any]:
    """The report with its top-level ISO dates as date objects, for templates to format."""
    report = dict(report)
    report["cycle"] = {
        **report["cycle"],
        "starts_on": datetime.date.fromisoformat(report["cycle"]["starts_on"]),
        "ends_on": datetime.date.fromisoformat(report["cycle"]["ends_on"]),
    }
    source = dict(report["source"])
    if source.get("submitted_at"):
        source["submitted_at"] = datetime.datetime.fromisoformat(source["submitted_at"])
    report["source"] = source
    report["as_of"] = datetime.date.fromisoformat(report["as_of"])
    return report
