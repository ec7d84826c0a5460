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

from django.urls import reverse
from django.utils import timezone

from assure.decisions.models import Condition, Decision, Judgement
from assure.evidence.coverage import MISSING, PRESENT, STALE, UNLINKED
from assure.evidence.queries import coverage_for
from assure.frameworks.models import EvidenceType
from assure.partnerships import gaps as partnership_gaps
from assure.partnerships import queries as partnership_queries
from assure.partnerships.models import CCG, HWB, PartnershipReview
from assure.plans import rules as plan_rules
from assure.plans.models import Action
from assure.surveys import anonymity
from assure.surveys import services as survey_services
from assure.surveys.constants import GROUP_CODES, GROUP_LABELS
from assure.surveys.models import Survey

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


# What the reader may see of the CCG's partnership reviews and its 360° survey, looked up once per report.


def partnership_boards(source: ReportSource) -> list[partnership_queries.Board]:
    """A board for each of the CCG's partnership reviews in the cycle that the reader may see. Side ratings come
    through `SideRating.objects.visible_to`, so the blind rule holds: a side the reader may not see yet is absent."""
    if "partnership_boards" not in source.extra:
        assessment = source.assessment
        reviews = list(
            PartnershipReview.objects.visible_to(source.user)
            .filter(cycle=assessment.cycle_id, ccg=assessment.organisation_id)
            # The snapshot is not shown; the boards name each HWB, and an agreed action its owner, the CCG or
            # the HWB. The CCG and the cycle are the self-assessment's, read with it.
            .select_related("hwb")
            .defer("snapshot")
            .order_by("hwb__name")
        )
        for review in reviews:
            review.ccg, review.cycle = assessment.organisation, assessment.cycle
        source.extra["partnership_boards"] = [
            partnership_queries.board(review, source.user, plain=True, domains=source.domains)
            for review in reviews
        ]
    return source.extra["partnership_boards"]


def survey_and_results(source: ReportSource) -> tuple[Survey | None, anonymity.Results | None]:
    """The CCG's 360° survey in the cycle if the reader may see it, and its results (anonymity rules applied)
    only once it has closed, exactly as the survey's results page."""
    if "survey" not in source.extra:
        assessment = source.assessment
        survey = (
            Survey.objects.visible_to(source.user)
            .filter(cycle=assessment.cycle_id, organisation=assessment.organisation_id)
            .order_by()  # one per CCG and cycle; the default ordering would join the CCGs only to sort
            .first()
        )
        results = survey_services.survey_results(survey) if survey is not None and survey.is_closed else None
        source.extra["survey"] = (survey, results)
    return source.extra["survey"]


def agreement_by_domain(
    survey: Survey, group_results: anonymity.GroupResults | None
) -> dict[int, float | None]:
    """Per domain, the share (per cent) of opinions that agree; empty when the group's results are not shown."""
    if group_results is None:
        return {}
    shares = {}
    for domain in survey.statements:
        share = anonymity.agree_share(group_results.statements[s["code"]] for s in domain["statements"])
        shares[domain["number"]] = None if share is None else round(100 * share, 1)
    return shares


def hwb_series(source: ReportSource) -> list[Series]:
    """For each partnership review whose HWB side the reader may see: the HWB's average rating per domain as a
    share of the top of the scale."""
    top = source.scale_max
    series = []
    boards = [b for b in partnership_boards(source) if HWB in b.visible_sides]
    for index, board in enumerate(boards):
        summary = partnership_gaps.summarise(board.gaps())
        values = {
            d.number: (
                round(100 * summary[d.number].hwb_mean / top, 1)
                if d.number in summary and summary[d.number].hwb_mean is not None and top
                else None
            )
            for d in source.domains
        }
        key = "hwb" if index == 0 else f"hwb-{index + 1}"
        series.append(Series(key, f"HWB partner ({board.review.hwb.name})", values))
    return series


def stakeholder_series(source: ReportSource) -> Series | None:
    survey, results = survey_and_results(source)
    if survey is None or results is None or results.overall is None:
        return None
    values = agreement_by_domain(survey, results.overall)
    return Series(
        "stakeholders",
        "Stakeholders (360° agreement)",
        {d.number: values.get(d.number) for d in source.domains},
    )


CHART_SERIES: list[Callable[[ReportSource], Series | list[Series] | None]] = [
    self_assessment_series,
    hwb_series,
    stakeholder_series,
]


# Sections -------------------------------------------------------------------------------------------------


JUDGEMENT_ORDER = ["not_met", "met_with_conditions", "met"]


def judgements(source: ReportSource) -> dict[int, list[str]]:
    """Domain number -> the assessors' judgements the reader may see (the CCG's people only once the decision is
    published; the region's assessors and regional leads, and platform admins, always)."""
    if "judgements" not in source.extra:
        found: dict[int, list[str]] = {}
        if source.assessment.first_submitted_at is None:  # never submitted: nothing to judge yet
            source.extra["judgements"] = found
            return found
        for number, value in (
            Judgement.objects.visible_to(source.user)
            .filter(assessment=source.assessment)
            .values_list("domain__number", "value")
        ):
            found.setdefault(number, []).append(value)
        source.extra["judgements"] = found
    return source.extra["judgements"]


def judgement_text(values: list[str]) -> str | None:
    if not values:
        return None
    labels = dict(Judgement.Value.choices)
    distinct = sorted(set(values), key=JUDGEMENT_ORDER.index)
    if len(distinct) == 1:
        return labels[distinct[0]]
    return "Assessors differ: " + ", ".join(labels[v].lower() for v in distinct)


def domains_section(source: ReportSource) -> Section:
    judged = judgements(source)
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
                "judgement": judgement_text(judged.get(domain.number, [])),
            }
        )
    levels = [level.label for level in source.framework.spec.rules.levels]
    return section(
        "domains",
        "Self-assessed maturity and threshold by domain",
        {"rows": rows, "levels": levels, "draft": source.from_draft, "judged": bool(judged)},
    )


def chart_section(source: ReportSource) -> Section:
    series: list[Series] = []
    for build in CHART_SERIES:
        built = build(source)
        if isinstance(built, list):
            series.extend(built)
        elif built is not None:
            series.append(built)
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


def partnership_section(source: ReportSource) -> Section | None:
    """Perception gaps between the CCG and each HWB partner, only for reviews whose two sides have both been
    released (before that neither side sees the other's ratings, so neither does the report)."""
    boards = partnership_boards(source)
    if not boards:
        return None
    reviews = []
    for board in boards:
        review = board.review
        entry: dict[str, Any] = {
            "hwb": review.hwb.name,
            "stage": review.stage,
            "href": reverse("partnerships:gaps", args=[review.public_id]),
            "compared": False,
        }
        if review.both_released and board.visible_sides == {CCG, HWB}:
            rows = board.gaps()
            summary = partnership_gaps.summarise(rows)
            titles = {d.number: d.short_title for d in board.domains}
            texts = {r.item.code: r.item.text for r in board.rows}
            agreed = {r.item.code: r.agreed.agreed_rating for r in board.rows if r.agreed is not None}
            entry.update(
                {
                    "compared": True,
                    "domains": [
                        {
                            "number": number,
                            "short_title": titles.get(number, ""),
                            "agree": d.agree,
                            "differ_by_one": d.differ_by_one,
                            "differ_by_two_plus": d.differ_by_two_plus,
                            "ccg_mean": d.ccg_mean,
                            "hwb_mean": d.hwb_mean,
                        }
                        for number, d in summary.items()
                    ],
                    "to_discuss": [
                        {
                            "code": g.code,
                            "text": texts.get(g.code, ""),
                            "ccg": g.ccg,
                            "hwb": g.hwb,
                            "size": g.size,
                            "agreed": agreed.get(g.code),
                        }
                        for g in partnership_gaps.filter_and_sort(rows, which="two_plus", by_gap=True)
                    ],
                }
            )
        reviews.append(entry)
    return section(
        "partnership",
        "Partnership review: gaps between the CCG and its HWB partners",
        {"reviews": reviews, "discuss_at": partnership_gaps.DISCUSS_AT},
    )


def survey_section(source: ReportSource) -> Section | None:
    """The 360° results with the survey's anonymity rules applied, only once the survey has closed."""
    survey, results = survey_and_results(source)
    if survey is None:
        return None
    data: dict[str, Any] = {
        "closed": results is not None,
        "status": survey.status_label,
        "closes_at": survey.closes_at.date().isoformat(),
        "minimum": survey.min_group_size,
        "href": reverse("surveys:results", args=[survey.public_id]) if results is not None else None,
    }
    if results is not None:
        groups = []
        for code in GROUP_CODES:
            count = results.counts.get(code, 0)
            if not count:
                continue
            if code in results.hidden:
                why = (
                    f"fewer than {survey.min_group_size} responses"
                    if count < survey.min_group_size
                    else "hidden so that a smaller group's answers cannot be worked out from the others"
                )
            else:
                why = ""
            groups.append({"code": code, "label": GROUP_LABELS[code], "count": count, "hidden": why})
        overall = agreement_by_domain(survey, results.overall)
        shown = [g for g in groups if not g["hidden"]]
        by_group = {g["code"]: agreement_by_domain(survey, results.groups.get(g["code"])) for g in shown}
        data.update(
            {
                "total": results.total,
                "overall_shown": results.overall is not None,
                "groups": groups,
                "columns": ["All stakeholders", *[g["label"] for g in shown]],
                "rows": [
                    {
                        "number": d["number"],
                        "short_title": d["short_title"],
                        "values": [
                            overall.get(d["number"]),
                            *[by_group[g["code"]].get(d["number"]) for g in shown],
                        ],
                    }
                    for d in survey.statements
                ]
                if results.overall is not None
                else [],
            }
        )
    return section("survey", "360° stakeholder survey results", data)


def decision_section(source: ReportSource) -> Section | None:
    """The panel's decision and its conditions, if the reader may see them: the CCG's people and partner HWBs
    once it is published; the region's assessors and regional leads, and platform admins, from when it is
    recorded."""
    if source.assessment.first_submitted_at is None:  # a decision needs a submitted self-assessment
        return None
    decision = Decision.objects.visible_to(source.user).filter(assessment=source.assessment).first()
    if decision is None:
        return None
    conditions = Condition.objects.visible_to(source.user).filter(decision=decision).select_related("domain")
    return section(
        "decision",
        "Decision and conditions",
        {
            "outcome": decision.get_outcome_display(),
            "decided_on": decision.decided_on.isoformat(),
            "published_on": timezone.localdate(decision.published_at).isoformat()
            if decision.published_at
            else None,
            "rationale": decision.rationale,
            "conditions": [
                {
                    "domain": c.domain.number,
                    "short_title": c.domain.short_title,
                    "text": c.text,
                    "support_level": c.get_support_level_display(),
                    "due": c.due.isoformat(),
                    "status": c.get_status_display(),
                    "overdue": c.is_overdue_on(source.today),
                }
                for c in conditions
            ],
        },
    )


def plan_section(source: ReportSource) -> Section | None:
    """The CCG's development plan in the cycle: each action with where it came from, its owner, due date, status
    and whether it is overdue; overdue first, as on the plan's page. None while the plan has no actions."""
    assessment = source.assessment
    actions = sorted(
        Action.objects.visible_to(source.user)
        .filter(plan__cycle=assessment.cycle_id, plan__organisation=assessment.organisation_id)
        .select_related("owner", "domain")
        .order_by(),  # sorted here, as on the plan's page
        key=lambda a: plan_rules.sort_key(
            due=a.due,
            status=a.status,
            domain=a.domain.number if a.domain else None,
            title=a.title,
            today=source.today,
        ),
    )
    if not actions:
        return None
    rows = [
        {
            "title": a.title,
            "domain": a.domain.number if a.domain else None,
            "source": a.get_source_display(),
            "owner": a.owner_label,
            "due": a.due.isoformat() if a.due else None,
            "status": a.get_status_display(),
            "overdue": a.is_overdue(source.today),
            "carried_over": a.is_carried_over,
        }
        for a in actions
    ]
    return section(
        "plan",
        "Development plan",
        {
            "rows": rows,
            "active": sum(1 for a in actions if a.is_active),
            "overdue": sum(1 for r in rows if r["overdue"]),
            "href": reverse("plans:plan", args=[assessment.organisation.code, assessment.cycle.public_id]),
        },
    )


SECTIONS: list[Callable[[ReportSource], Section | None]] = [
    domains_section,
    chart_section,
    partnership_section,
    survey_section,
    coverage_section,
    decision_section,
    plan_section,
]


def build_sections(source: ReportSource) -> list[Section]:
    return [s for s in (build(source) for build in SECTIONS) if s is not None]
