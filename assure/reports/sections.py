"""The sections of the CCG report. Adding a section is adding one function to `SECTIONS`.

A section function takes the `ReportSource` and returns a section, or None when it has nothing to show (the
feature is not used in the cycle, or nothing is there yet). A section is plain JSON-able data:

    {"key": "coverage", "title": "Evidence coverage", "template": "reports/sections/coverage.html", "data": {...}}

The page and the PDF render the same template for a section; `data` is all the template sees. A section must
show nothing its reader could not see on a page: `source.user` is the reader.

The chart of the six domains has series in the same way: `CHART_SERIES` functions each give one series (the
self-assessment, the HWB partner's view, stakeholders' agreement) or None when there is no data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assure.evidence.coverage import MISSING, PRESENT, STALE, UNLINKED
from assure.evidence.queries import coverage_for
from assure.frameworks.models import EvidenceType

from .charts import Series, describe_domains
from .report import ReportSource

Section = dict[str, Any]


def section(key: str, title: str, data: dict[str, Any]) -> Section:
    return {"key": key, "title": title, "template": f"reports/sections/{key}.html", "data": data}


# Chart series ---------------------------------------------------------------------------------------------


def self_assessment_series(source: ReportSource) -> Series | None:
    """Each domain's average rating over its applicable items, as a share of the top of the scale (unrated
    items count as 0)."""
    top = source.scale_max
    values: dict[int, float | None] = {}
    for domain in source.domains:
        applicable = [i for i in source.items if i.domain == domain.number and not i.not_applicable]
        values[domain.number] = (
            round(100 * sum(i.rating or 0 for i in applicable) / (top * len(applicable)), 1)
            if applicable and top
            else None
        )
    return Series("self", "Self-assessment", values)


CHART_SERIES: list[Callable[[ReportSource], Series | None]] = [self_assessment_series]


# Sections -------------------------------------------------------------------------------------------------


def domains_section(source: ReportSource) -> Section:
    rows = []
    for domain in source.domains:
        result = source.results.get(domain.number)
        if result is None:
            continue
        rows.append(
            {
                "number": domain.number,
                "title": domain.title,
                "short_title": domain.short_title,
                "level_label": result["level_label"],
                "meets_threshold": result["meets_threshold"],
                "rated": result["rated"],
                "not_applicable": result["not_applicable"],
                "total": result["total"],
            }
        )
    levels = [level.label for level in source.framework.spec.rules.levels]
    return section(
        "domains",
        "Self-assessed maturity and threshold by domain",
        {"rows": rows, "levels": levels, "draft": source.from_draft},
    )


def chart_section(source: ReportSource) -> Section:
    series = [s for s in (build(source) for build in CHART_SERIES) if s is not None]
    domains = [(d.number, d.short_title) for d in source.domains]
    return section(
        "chart",
        "The six domains at a glance",
        {
            "domains": [{"number": n, "short_title": t} for n, t in domains],
            "series": [
                {"key": s.key, "label": s.label, "values": {str(k): v for k, v in s.values.items()}}
                for s in series
            ],
            "description": describe_domains(domains, series),
        },
    )


COVERAGE_LABELS = {
    PRESENT: ("Present", "green"),
    STALE: ("Over 12 months old", "orange"),
    UNLINKED: ("In the library, not linked", "yellow"),
    MISSING: ("Missing", "red"),
}


def coverage_section(source: ReportSource) -> Section:
    organisation = source.assessment.organisation
    result = coverage_for(organisation=organisation, framework=source.framework, today=source.today)
    types = dict(EvidenceType.objects.filter(framework=source.framework).values_list("pk", "title"))
    domains = []
    for domain in source.domains:
        summary = result.get(domain.number)
        if summary is None:
            continue
        domains.append(
            {
                "number": domain.number,
                "short_title": domain.short_title,
                "expected": summary.expected,
                "present": summary.present,
                "stale": summary.stale,
                "missing": summary.missing,
                "rows": [
                    {
                        "type": types.get(row.type_id, ""),
                        "status": COVERAGE_LABELS[row.status][0],
                        "colour": COVERAGE_LABELS[row.status][1],
                        "count": row.count,
                        "newest": row.newest.isoformat() if row.newest else None,
                    }
                    for row in summary.rows
                ],
            }
        )
    return section("coverage", "Evidence coverage", {"domains": domains, "code": organisation.code})


SECTIONS: list[Callable[[ReportSource], Section | None]] = [
    domains_section,
    chart_section,
    coverage_section,
]


def build_sections(source: ReportSource) -> list[Section]:
    return [s for s in (build(source) for build in SECTIONS) if s is not None]
