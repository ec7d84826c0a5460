"""The regional dashboard: CCGs × domains for one cycle, with switchable measures and a few facts per CCG.

A *measure* fills the heatmap's cells (the self-assessed maturity level, the assessors' judgement, the
stakeholders' agreement): adding one is adding an entry to `MEASURES`. A *fact*
is one value per CCG beside the heatmap (where it stands in the cycle, the outcome, open conditions, survey
response rate): `FACTS`. Every measure and fact gets the same `Context` and must answer in a fixed number of
queries, whatever the number of CCGs.

Only CCGs whose self-assessment the reader could open appear with data: the dashboard reads submissions only,
never a draft, exactly as the assessment pages do for regional leads and assessors.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from uuid import UUID

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from assure.assessments.levels import RESULTS_TEXT, DomainLevel, domain_levels
from assure.assessments.models import Assessment, Submission
from assure.core import permissions
from assure.core.links import NUMBER, PUBLIC_ID, UrlPattern
from assure.core.queries import Ids
from assure.cycles.models import Cycle
from assure.decisions.models import Condition, Decision, Judgement
from assure.frameworks.models import Domain
from assure.organisations.models import Organisation
from assure.surveys import anonymity
from assure.surveys.models import Response, Survey

from .exports import Column


class Cell(NamedTuple):  # some 1,300 a dashboard, each measure: a tuple is made in a third of the time
    text: str  # what the cell says (colour is never the only cue)
    band: str  # a CSS modifier: "0".."3" for levels, "none" for no data
    value: Any = None  # the raw value for the API and exports (a level code, a judgement, a percentage)
    href: str | None = None  # the evidence behind the cell
    change: int | None = None  # since the previous cycle: +n up, -n down, 0 the same, None no comparison
    previous: str | None = None  # what it was in the previous cycle


NO_DATA = Cell("No data", "none")


# The CCGs and self-assessments of a dashboard (some 200 of each) are read as plain values, not model instances:
# a third of the time, and only what the measures, facts and rows read.
class DashboardCcg(NamedTuple):
    pk: int
    code: str
    name: str
    region_name: str | None


class DashboardAssessment(NamedTuple):
    pk: int
    public_id: UUID
    organisation_id: int
    status: str
    first_submitted_at: datetime.datetime | None

    @property
    def is_draft(self) -> bool:
        return self.status == Assessment.Status.DRAFT


@dataclass
class Context:
    user: Any
    cycle: Cycle
    ccgs: list[DashboardCcg]
    domains: list[Domain]
    # CCG id -> its self-assessment in the cycle, if the reader may see it
    assessments: dict[int, DashboardAssessment]
    latest: dict[int, LatestSubmission]  # assessment id -> its latest submission
    previous_levels: dict[int, dict[int, str]]  # CCG id -> domain number -> level code in the previous cycle
    compare: bool = True  # whether cells say how they changed since the previous cycle
    extra: dict[str, Any] = field(default_factory=dict)

    def surveys(self) -> dict[int, tuple[ClosedSurvey, dict[int, float | None]]]:
        if "surveys" not in self.extra:
            self.extra["surveys"] = survey_agreement(self.user, self.cycle.pk, [c.pk for c in self.ccgs])
        return self.extra["surveys"]

    def previous_agreement(self) -> dict[int, tuple[ClosedSurvey, dict[int, float | None]]]:
        if self.cycle.previous_id is None or not self.compare:
            return {}
        if "previous_surveys" not in self.extra:
            self.extra["previous_surveys"] = survey_agreement(
                self.user, self.cycle.previous_id, [c.pk for c in self.ccgs]
            )
        return self.extra["previous_surveys"]

    @property
    def level_labels(self) -> dict[str, str]:
        return {level.code: level.label for level in self.cycle.framework.spec.rules.levels}

    @property
    def level_index(self) -> dict[str, int]:
        return {level.code: i for i, level in enumerate(self.cycle.framework.spec.rules.levels)}


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    description: str
    legend: list[tuple[str, str]]  # (band, meaning)
    cells: Callable[[Context], dict[tuple[int, int], Cell]]


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    values: Callable[[Context], dict[int, Any]]  # CCG id -> value (text or number)
    filterable: bool = False  # offered as a filter on the page (outcome)


# Measures ---------------------------------------------------------------------------------------------------


def maturity_cells(context: Context) -> dict[tuple[int, int], Cell]:
    labels, index = context.level_labels, context.level_index
    bands = {code: str(i) for code, i in index.items()}
    submission_url = UrlPattern("assessments:submission", PUBLIC_ID, NUMBER)
    no_levels: dict[int, str] = {}
    cells = {}
    for ccg in context.ccgs:
        ccg_id = ccg.pk
        assessment = context.assessments.get(ccg_id)
        latest = context.latest.get(assessment.pk) if assessment else None
        if latest is None:
            continue
        href = submission_url.format(assessment.public_id, latest.number)
        before = context.previous_levels.get(ccg_id, no_levels)
        for number, code, level_label in latest.domains:
            change = previous = None
            was = before.get(number)
            if was in index and code in index:
                change = index[code] - index[was]
                previous = labels[was]
            cells[(ccg_id, number)] = Cell(
                labels.get(code, level_label),
                bands.get(code, "0"),
                code,
                f"{href}#domain-{number}",
                change,
                previous,
            )
    return cells


AGREEMENT_BANDS = [
    (0, "0", "Under 40% agreeing"),
    (40, "1", "40% to 59%"),
    (60, "2", "60% to 79%"),
    (80, "3", "80% or more"),
]


def _agreement_band(percent: float) -> str:
    band = "0"
    for floor, code, _ in AGREEMENT_BANDS:
        if percent >= floor:
            band = code
    return band


# A closed survey's results are final: no answer can be given or changed and its settings are fixed once it has
# closed. Its agreement figures are kept in the cache (a day) rather than worked out from every response again:
# for a previous cycle of all England that was 12,000 responses on every request.
AGREEMENT_CACHE_SECONDS = 24 * 60 * 60


class ClosedSurvey(NamedTuple):
    """What the dashboard reads of a closed survey: not its statements (some 2 KB each), which are read only for
    surveys whose figures are worked out, and no model instance (some 200 a cycle)."""

    pk: int
    public_id: UUID
    organisation_id: int
    min_group_size: int
    cache_key: str  # changes with anything its figures depend on


def _agreement_key(pk: int, updated_at, closes_at, closed_at, min_group_size: int) -> str:
    return (
        f"reports:agreement:v1:{pk}:{updated_at.timestamp()}:{closes_at.timestamp()}:"
        f"{closed_at.timestamp() if closed_at else '-'}:{min_group_size}"
    )


def _agreement_shares(
    survey: ClosedSurvey, statements: list[dict], responses: list[anonymity.ResponseData]
) -> dict[int, float | None]:
    codes = [st["code"] for domain in statements for st in domain["statements"]]
    results = anonymity.results(responses, codes, survey.min_group_size)
    shares: dict[int, float | None] = {}
    if results.overall is not None:
        for domain in statements:
            share = anonymity.agree_share(
                results.overall.statements[st["code"]] for st in domain["statements"]
            )
            shares[domain["number"]] = None if share is None else round(100 * share)
    return shares


def survey_agreement(
    user, cycle_id: int, ccg_ids: list[int]
) -> dict[int, tuple[ClosedSurvey, dict[int, float | None]]]:
    """CCG id -> (its closed 360° survey in the cycle, domain number -> % of opinions that agree), with the
    survey's anonymity rules applied (nothing when too few responded). At most three queries, whatever the number
    of CCGs: the statements and responses are read only for surveys whose figures are not in the cache. Surveys
    still open are left out by the database: a cycle under way has some 200 and none of them counts yet."""
    surveys = {
        pk: ClosedSurvey(
            pk,
            public_id,
            organisation_id,
            min_group_size,
            _agreement_key(pk, updated_at, closes_at, closed_at, min_group_size),
        )
        for pk, public_id, organisation_id, min_group_size, updated_at, closes_at, closed_at in (
            Survey.objects.visible_to(user)
            .filter(cycle=cycle_id, organisation__in=Ids(ccg_ids))
            .closed_at_time(timezone.now())
            .order_by()
            .values_list(
                "pk", "public_id", "organisation_id", "min_group_size", "updated_at", "closes_at", "closed_at"
            )
        )
    }
    cached = cache.get_many([survey.cache_key for survey in surveys.values()])
    shares = {pk: cached[survey.cache_key] for pk, survey in surveys.items() if survey.cache_key in cached}
    missing = [pk for pk in surveys if pk not in shares]
    if missing:
        statements = dict(Survey.objects.filter(pk__in=missing).values_list("pk", "statements"))
        responses: dict[int, list[anonymity.ResponseData]] = {pk: [] for pk in missing}
        rows = Response.objects.filter(survey__in=missing).values_list("survey_id", "group", "answers")
        for survey_id, group, answers in rows:
            responses[survey_id].append(anonymity.ResponseData(group=group, answers=answers, comments={}))
        computed = {pk: _agreement_shares(surveys[pk], statements[pk], responses[pk]) for pk in missing}
        cache.set_many(
            {surveys[pk].cache_key: value for pk, value in computed.items()}, AGREEMENT_CACHE_SECONDS
        )
        shares.update(computed)
    return {survey.organisation_id: (survey, shares[pk]) for pk, survey in surveys.items()}


def agreement_cells(context: Context) -> dict[tuple[int, int], Cell]:
    current = context.surveys()
    before = context.previous_agreement()
    results_url = UrlPattern("surveys:results")
    cells = {}
    for ccg_id, (survey, shares) in current.items():
        href = results_url.format(survey.public_id)
        earlier = before.get(ccg_id, (None, {}))[1]
        for number, percent in shares.items():
            if percent is None:
                continue
            previous = earlier.get(number)
            cells[(ccg_id, number)] = Cell(
                text=f"{percent:.0f}% agree",
                band=_agreement_band(percent),
                value=percent,
                href=f"{href}#domain-{number}",
                change=None if previous is None else int(percent - previous),
                previous=None if previous is None else f"{previous:.0f}% agree",
            )
    return cells


# Assessors' judgements and the panel's decisions -------------------------------------------------------------

JUDGEMENT_ORDER = [Judgement.Value.NOT_MET, Judgement.Value.MET_WITH_CONDITIONS, Judgement.Value.MET]
JUDGEMENT_BANDS = {
    Judgement.Value.NOT_MET: "0",
    Judgement.Value.MET_WITH_CONDITIONS: "1",
    Judgement.Value.MET: "3",
}


def judgement_cells(context: Context) -> dict[tuple[int, int], Cell]:
    """Each domain's assessor judgement: the most cautious when assessors differ, saying so."""
    assessment_ccg = {a.pk: ccg_id for ccg_id, a in context.assessments.items()}
    found: dict[tuple[int, int], set[str]] = {}
    for assessment_id, number, value in (
        Judgement.objects.visible_to(context.user)
        .filter(assessment__in=Ids(assessment_ccg))
        .order_by()  # gathered into sets; the default ordering would join cycles, CCGs and assessors to sort
        .values_list("assessment_id", "domain__number", "value")
    ):
        found.setdefault((assessment_ccg[assessment_id], number), set()).add(value)
    labels = dict(Judgement.Value.choices)
    submission_url = UrlPattern("assessments:submission", PUBLIC_ID, NUMBER)
    submissions: dict[int, str | None] = {}  # CCG id -> its latest submission's page, found once per CCG
    cells = {}
    for (ccg_id, number), values in found.items():
        value = next(v for v in JUDGEMENT_ORDER if v in values)
        if ccg_id not in submissions:
            assessment = context.assessments[ccg_id]
            latest = context.latest.get(assessment.pk)
            submissions[ccg_id] = (
                None if latest is None else submission_url.format(assessment.public_id, latest.number)
            )
        submission = submissions[ccg_id]
        cells[(ccg_id, number)] = Cell(
            text=labels[value] + (" (assessors differ)" if len(values) > 1 else ""),
            band=JUDGEMENT_BANDS[value],
            value=value,
            href=None if submission is None else f"{submission}#domain-{number}",
        )
    return cells


def decisions(context: Context) -> dict[int, Decision]:
    """CCG id -> the decision on its self-assessment in the cycle, if the reader may see it."""
    if "decisions" not in context.extra:
        assessment_ccg = {a.pk: ccg_id for ccg_id, a in context.assessments.items()}
        context.extra["decisions"] = {
            assessment_ccg[d.assessment_id]: d
            for d in Decision.objects.visible_to(context.user)
            .filter(assessment__in=Ids(assessment_ccg))
            .order_by()  # one per self-assessment; the default ordering would join the CCGs only to sort
        }
    return context.extra["decisions"]


def _maturity_legend(context_levels: list[str]) -> list[tuple[str, str]]:
    return [(str(i), label) for i, label in enumerate(context_levels)]


MEASURES: dict[str, Measure] = {
    "maturity": Measure(
        key="maturity",
        label="Self-assessed maturity level",
        description="The maturity level each domain reaches in the CCG's latest submitted self-assessment.",
        legend=[],  # filled from the framework's levels when the dashboard is built
        cells=maturity_cells,
    ),
    "judgement": Measure(
        key="judgement",
        label="Assessor judgement",
        description="The assessors' judgement of each domain against the threshold; where assessors differ, the "
        "most cautious judgement, marked as such.",
        legend=[
            ("3", "Threshold met"),
            ("1", "Met with conditions"),
            ("0", "Not met"),
        ],
        cells=judgement_cells,
    ),
    "agreement": Measure(
        key="agreement",
        label="Stakeholder agreement",
        description="The share of the CCG's 360° survey opinions that agree, per domain, once the survey has "
        "closed and with its anonymity rules applied (no figure when too few stakeholders responded).",
        legend=[(code, meaning) for _, code, meaning in AGREEMENT_BANDS],
        cells=agreement_cells,
    ),
}


# Facts per CCG ----------------------------------------------------------------------------------------------


def stage_values(context: Context) -> dict[int, str]:
    """Where each CCG stands in the cycle, as far as the reader may see. Later steps (partnership review, survey,
    assessor review, decision) refine this as they arrive, through `STAGES`."""
    stages = {}
    for ccg in context.ccgs:
        assessment = context.assessments.get(ccg.pk)
        if assessment is None or assessment.first_submitted_at is None:
            stage = "Self-assessment not submitted"
        elif assessment.is_draft:
            stage = "Self-assessment reopened"
        else:
            stage = "Self-assessment submitted"
        stages[ccg.pk] = stage
    for refine in STAGES:
        stages.update(refine(context))
    return stages


# Each function returns {CCG id: stage} for the CCGs that have reached a later step; later entries win.
def decision_stages(context: Context) -> dict[int, str]:
    return {
        ccg_id: "Decision published" if decision.is_published else "Decision recorded, not yet published"
        for ccg_id, decision in decisions(context).items()
    }


STAGES: list[Callable[[Context], dict[int, str]]] = [decision_stages]


def outcome_values(context: Context) -> dict[int, str]:
    return {ccg_id: decision.get_outcome_display() for ccg_id, decision in decisions(context).items()}


def open_condition_values(context: Context) -> dict[int, int]:
    """Conditions not yet discharged, for each CCG with a decision (0 when none is open)."""
    found = decisions(context)
    counts = dict(
        Condition.objects.visible_to(context.user)
        .open()
        .filter(decision__in=Ids(d.pk for d in found.values()))
        .values_list("decision_id")
        .annotate(n=Count("pk"))
        .values_list("decision_id", "n")
    )
    return {ccg_id: counts.get(decision.pk, 0) for ccg_id, decision in found.items()}


def response_rate_values(context: Context) -> dict[int, str]:
    """The 360° survey's response rate (responded of invited) for each CCG with a survey the reader may see."""
    # One survey per CCG and cycle; unordered, each survey's people are counted from the (survey, invited_at,
    # responded_at) index alone.
    rows = (
        Survey.objects.visible_to(context.user)
        .filter(cycle=context.cycle, organisation__in=Ids(c.pk for c in context.ccgs))
        .order_by()
        .values_list("organisation_id")
        .annotate(invited=Count("stakeholders__invited_at"), responded=Count("stakeholders__responded_at"))
    )
    return {
        ccg_id: f"{round(100 * responded / invited)}% ({responded} of {invited})"
        for ccg_id, invited, responded in rows
        if invited
    }


FACTS: list[Fact] = [
    Fact("stage", "Stage", stage_values),
    Fact("response_rate", "360° response rate", response_rate_values),
    Fact("outcome", "Outcome", outcome_values, filterable=True),
    Fact("open_conditions", "Open conditions", open_condition_values),
]


def overdue_values(context: Context) -> dict[int, str | None]:
    """The steps each CCG has not done by their deadline (assure/cycles/progress.py), or None."""
    from assure.cycles import progress

    late = progress.overdue(context.cycle, [c.pk for c in context.ccgs])
    return {ccg: ", ".join(s.label for s in steps) or None for ccg, steps in late.items()}


FACTS.append(Fact("overdue", "Overdue steps", overdue_values))


# Building ---------------------------------------------------------------------------------------------------


@dataclass
class Row:
    ccg: DashboardCcg
    cells: list[Cell]
    facts: dict[str, Any]
    assessment: DashboardAssessment | None

    @property
    def fact_list(self) -> list[Any]:
        return [self.facts.get(fact.key) for fact in FACTS]


@dataclass
class Dashboard:
    cycle: Cycle
    measure: Measure
    domains: list[Domain]
    rows: list[Row]
    facts: list[Fact]
    legend: list[tuple[str, str]]
    compared_with: Cycle | None
    all_cells: dict[str, dict[tuple[int, int], Cell]]  # measure key -> cells, for the API
    choices: dict[str, list[str]]  # filterable fact key -> the values present, for the filters


class LatestSubmission(NamedTuple):
    number: int
    domains: tuple[DomainLevel, ...]


def _latest_submissions(assessment_ids: list[int]) -> dict[int, LatestSubmission]:
    latest: dict[int, tuple[int, str | None]] = {}
    for assessment_id, number, results in (
        Submission.objects.filter(assessment_id__in=Ids(assessment_ids))
        .order_by("assessment_id", "number")
        .values_list("assessment_id", "number", RESULTS_TEXT)
    ):
        latest[assessment_id] = (number, results)
    return {pk: LatestSubmission(number, domain_levels(results)) for pk, (number, results) in latest.items()}


def _previous_levels(user, cycle: Cycle, ccg_ids: list[int]) -> dict[int, dict[int, str]]:
    """CCG id -> domain number -> level code in the latest submission of its self-assessment in the previous
    cycle (one query: the assessments the reader may see, as a subquery)."""
    if cycle.previous_id is None:
        return {}
    earlier = Assessment.objects.visible_to(user).filter(
        cycle=cycle.previous_id, organisation__in=Ids(ccg_ids), first_submitted_at__isnull=False
    )
    latest: dict[int, str | None] = {}
    for ccg_id, results in (
        Submission.objects.filter(assessment__in=earlier.values("pk"))
        .order_by("assessment_id", "number")
        .values_list("assessment__organisation_id", RESULTS_TEXT)
    ):
        latest[ccg_id] = results
    return {ccg_id: {d.number: d.level for d in domain_levels(results)} for ccg_id, results in latest.items()}


def build_dashboard(
    user,
    cycle: Cycle,
    *,
    measure: str = "maturity",
    region: Organisation | None = None,
    filters: dict[str, str] | None = None,
    measures: list[str] | None = None,
    facts: list[str] | None = None,
    compare: bool = True,
) -> Dashboard:
    """The dashboard for `cycle` as `user` may see it. `filters` maps a filterable fact's key to a value.
    `measures` lists the measures to compute besides the one shown (the API asks for all); `facts` the facts to
    work out (all of them when None; the API leaves out those it does not give). With `compare` False the cells
    leave out the change since the previous cycle, whose figures are then not read (the API gives none)."""
    chosen = MEASURES.get(measure, MEASURES["maturity"])
    ccgs = permissions.dashboard_ccgs(user, Organisation.objects.visible_to(user).filter(cycles=cycle))
    if region is not None:
        ccgs = ccgs.filter(region=region)
    ccgs = [
        DashboardCcg(*values)
        for values in ccgs.values_list("pk", "code", "name", "region__name").order_by("name")
    ]
    ccg_ids = [c.pk for c in ccgs]
    assessments = {
        a.organisation_id: a
        for a in map(
            DashboardAssessment._make,
            Assessment.objects.visible_to(user)
            .filter(cycle=cycle, organisation__in=Ids(ccg_ids))
            .order_by()  # by CCG below; the default ordering would join cycles and CCGs only to sort
            .values_list("pk", "public_id", "organisation_id", "status", "first_submitted_at"),
        )
    }
    visible = [a for a in assessments.values() if a.first_submitted_at is not None]
    domains = list(Domain.objects.filter(framework=cycle.framework_id).order_by("number"))
    context = Context(
        user=user,
        cycle=cycle,
        ccgs=ccgs,
        domains=domains,
        assessments=assessments,
        latest=_latest_submissions([a.pk for a in visible]),
        previous_levels=_previous_levels(user, cycle, ccg_ids) if compare else {},
        compare=compare,
    )
    wanted = {chosen.key, *(measures or [])}
    all_cells = {key: MEASURES[key].cells(context) for key in wanted if key in MEASURES}
    cells = all_cells[chosen.key]
    fact_values = {fact.key: fact.values(context) for fact in FACTS if facts is None or fact.key in facts}
    choices = {
        fact.key: sorted({str(v) for v in fact_values[fact.key].values() if v})
        for fact in FACTS
        if fact.filterable and fact.key in fact_values
    }
    rows = []
    for ccg in ccgs:
        facts = {key: values.get(ccg.pk) for key, values in fact_values.items()}
        if filters and any(
            value and str(facts.get(key) or "") != value
            for key, value in filters.items()
            if any(f.key == key and f.filterable for f in FACTS)
        ):
            continue
        rows.append(
            Row(
                ccg=ccg,
                cells=[cells.get((ccg.pk, d.number), NO_DATA) for d in domains],
                facts=facts,
                assessment=assessments.get(ccg.pk),
            )
        )
    legend = chosen.legend or _maturity_legend([level.label for level in cycle.framework.spec.rules.levels])
    return Dashboard(
        cycle=cycle,
        measure=chosen,
        domains=domains,
        rows=rows,
        facts=FACTS,
        legend=legend,
        compared_with=cycle.previous,
        all_cells=all_cells,
        choices=choices,
    )


def conditions_over_time(cycle: Cycle, ccg_ids: list[int], *, today=None) -> dict[str, Any] | None:
    """How many of the given CCGs were free of open conditions at each quarter end since the cycle started, and
    today, as a chart (SVG), its text description and its table; None while none of them has a decision.

    The counting is `assure.decisions.queries.count_free_by_quarter`, over the same two queries as its
    `ccgs_free_of_conditions_over_time`, with today added after the last quarter end."""
    from django.utils.safestring import mark_safe

    from assure.decisions.queries import count_free_by_quarter, quarter_ends

    from .charts import QuarterPoint, conditions_chart_svg, describe_quarters

    today = today or timezone.localdate()
    ends = quarter_ends(cycle.starts_on, today)
    if not ends or ends[-1] != today:
        ends.append(today)
    counts = count_free_by_quarter(
        Decision.objects.filter(
            assessment__cycle=cycle, assessment__organisation__in=Ids(ccg_ids)
        ).values_list("assessment__organisation_id", "decided_on", "outcome"),
        Condition.objects.filter(
            decision__assessment__cycle=cycle, decision__assessment__organisation__in=Ids(ccg_ids)
        ).values_list("decision__assessment__organisation_id", "raised_on", "discharged_on"),
        ends,
    )
    if not any(c.decided for c in counts):
        return None
    counts = [c for c in counts if c.decided or c.quarter_end == today]
    points = [
        QuarterPoint(
            label=f"{c.quarter_end.day} {c.quarter_end:%B %Y}"
            + (" (today)" if c.quarter_end == today else ""),
            free=c.free,
            with_open_conditions=c.with_open_conditions,
            not_authorised=c.not_authorised,
        )
        for c in counts
    ]
    description = describe_quarters(points)
    svg = conditions_chart_svg(
        points,
        chart_id="chart-conditions",
        title="CCGs free of open conditions at each quarter end",
        description=description,
    )
    return {
        "svg": mark_safe(svg),  # noqa: S308 - our own SVG, every text in it escaped by ElementTree
        "description": description,
        "rows": [{"point": p, "decided": c.decided} for p, c in zip(points, counts, strict=True)],
    }


def dashboard_columns(dashboard: Dashboard) -> list[Column]:
    """The dashboard's table as export columns: the CCG, its facts, each domain (and the previous cycle's)."""
    columns = [
        Column("ccg_code", "CCG code", lambda r: r.ccg.code),
        Column("ccg_name", "CCG name", lambda r: r.ccg.name),
        Column("region", "Region", lambda r: r.ccg.region_name or ""),
    ]
    columns += [Column(f.key, f.label, lambda r, key=f.key: r.facts.get(key)) for f in dashboard.facts]
    for index, domain in enumerate(dashboard.domains):
        columns.append(
            Column(
                f"domain_{domain.number}",
                f"Domain {domain.number} {domain.short_title}: {dashboard.measure.label}",
                lambda r, i=index: r.cells[i].text if r.cells[i].band != "none" else "",
            )
        )
        if dashboard.compared_with:
            columns.append(
                Column(
                    f"domain_{domain.number}_previous",
                    f"Domain {domain.number} in {dashboard.compared_with.name}",
                    lambda r, i=index: r.cells[i].previous,
                )
            )
    return columns
