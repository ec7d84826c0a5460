"""Read-side helpers over decisions and conditions for dashboards and reports. Flat: a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.utils import timezone

from assure.core.queries import Ids
from assure.decisions.models import Condition, Decision


@dataclass(frozen=True)
class QuarterCount:
    quarter_end: datetime.date
    decided: int  # CCGs with a decision on or before the quarter end
    free: (
        int  # of those, authorised (with or without conditions) and with no condition open at the quarter end
    )
    with_open_conditions: int  # decided CCGs with at least one condition open at the quarter end
    not_authorised: int  # decided CCGs established but not authorised


def quarter_ends(start: datetime.date, until: datetime.date) -> list[datetime.date]:
    """Every calendar quarter end (31 March, 30 June, 30 September, 31 December) from `start` up to `until`."""
    ends = []
    year, quarter = start.year, (start.month - 1) // 3
    while True:
        month = quarter * 3 + 3
        end = datetime.date(year, month, 30 if month in (6, 9) else 31)
        if end > until:
            return ends
        ends.append(end)
        quarter += 1
        if quarter == 4:
            year, quarter = year + 1, 0


def count_free_by_quarter(
    decisions: Iterable[tuple[int, datetime.date, str]],
    conditions: Iterable[tuple[int, datetime.date, datetime.date | None]],
    ends: Iterable[datetime.date],
) -> list[QuarterCount]:
    """Pure counting. `decisions`: (ccg, decided_on, outcome); `conditions`: (ccg, raised_on, discharged_on)."""
    decisions = list(decisions)
    conditions = list(conditions)
    counts = []
    for end in ends:
        decided = {ccg: outcome for ccg, decided_on, outcome in decisions if decided_on <= end}
        open_at = {
            ccg
            for ccg, raised_on, discharged_on in conditions
            if ccg in decided and raised_on <= end and (discharged_on is None or discharged_on > end)
        }
        not_authorised = {
            ccg for ccg, outcome in decided.items() if outcome == Decision.Outcome.ESTABLISHED_NOT_AUTHORISED
        }
        counts.append(
            QuarterCount(
                quarter_end=end,
                decided=len(decided),
                free=len(set(decided) - open_at - not_authorised),
                with_open_conditions=len(open_at),
                not_authorised=len(not_authorised),
            )
        )
    return counts


def ccgs_free_of_conditions_over_time(
    cycle, *, ccg_ids: Iterable[int] | None = None, until: datetime.date | None = None
) -> list[QuarterCount]:
    """For each quarter end from the cycle's start to `until` (default today), how many of the cycle's CCGs
    (limited to `ccg_ids` when given, e.g. the CCGs a dashboard reader may see) had a decision, and how many of those
    were authorised and free of open conditions. Two queries whatever the size of the cycle.

    Counts every recorded decision, published or not: callers are dashboards for regional leads and assessors.
    """
    until = until or timezone.localdate()
    decisions = Decision.objects.filter(assessment__cycle=cycle)
    conditions = Condition.objects.filter(decision__assessment__cycle=cycle)
    if ccg_ids is not None:
        ccg_ids = list(ccg_ids)
        decisions = decisions.filter(assessment__organisation__in=ccg_ids)
        conditions = conditions.filter(decision__assessment__organisation__in=ccg_ids)
    return count_free_by_quarter(
        decisions.values_list("assessment__organisation_id", "decided_on", "outcome"),
        conditions.values_list("decision__assessment__organisation_id", "raised_on", "discharged_on"),
        quarter_ends(cycle.starts_on, until),
    )


# The assessor's queue --------------------------------------------------------------------------------------------


class QueueCcg(NamedTuple):
    code: str
    name: str


@dataclass
class QueueRow:
    cycle: Any
    ccg: Any
    assessment_id: str | None  # public id, once the self-assessment has been submitted
    submitted: bool
    reopened: bool
    reviews_agreed: int
    reviews_total: int
    survey_status: str  # "none", "scheduled", "open", "closed"
    survey_responses: int
    domains_judged: int
    assessors: int
    domain_count: int
    outcome: str | None
    outcome_label: str
    published: bool
    conflicted: bool  # the reader belongs to this CCG: they may not review it

    @property
    def reviewed(self) -> bool:
        return self.domain_count > 0 and self.domains_judged >= self.domain_count

    @property
    def stage(self) -> str:
        if self.outcome and self.published:
            return "Decision published"
        if self.outcome:
            return "Decided"
        if self.reviewed:
            return "Reviewed"
        if self.domains_judged:
            return "Review under way"
        if self.submitted:
            return "Ready for review"
        return "Self-assessment not submitted"


def queue_cycles(user):
    """The cycles whose CCGs the person reviews: every cycle for platform admins, else those with CCGs of the
    regions where they are an assessor or regional lead."""
    from assure.core import permissions
    from assure.cycles.models import Cycle

    scope = permissions.scope_for(user)
    cycles = Cycle.objects.visible_to(user)
    if not scope.is_admin:
        if not scope.region_ids:
            return cycles.none()
        cycles = cycles.filter(
            pk__in=Cycle.ccgs.through.objects.filter(organisation__region__in=scope.region_ids).values(
                "cycle"
            )
        )
    return cycles.select_related("framework").order_by("-starts_on", "name")


def _queue_pairs(scope, cycles):
    """The (cycle, CCG) rows of the queue in its order: the newest cycle first, then by cycle name, CCG name."""
    from assure.cycles.models import Cycle

    pairs = Cycle.ccgs.through.objects.filter(cycle__in=cycles)
    if not scope.is_admin:
        pairs = pairs.filter(organisation__region__in=scope.region_ids)
    return pairs.order_by(
        "-cycle__starts_on", "cycle__name", "organisation__name", "organisation__code", "pk"
    )


def queue_length(user, *, cycles=None) -> int:
    """How many rows `queue(user, cycles=cycles)` has (one query, two without the cycles)."""
    from assure.core import permissions

    cycles = list(queue_cycles(user) if cycles is None else cycles)
    if not cycles:
        return 0
    return _queue_pairs(permissions.scope_for(user), cycles).count()


def queue(user, *, cycles=None, page: slice | None = None) -> list[QueueRow]:
    """Every CCG of the person's cycles with where it stands. `cycles`: some of what `queue_cycles(user)` gave,
    when the caller has read them (one cycle chosen, say); all of them when None. `page`: only those rows of the
    whole queue (the API's pages), read as such from the database. Seven queries whatever the size, six when
    given the cycles."""
    from django.db.models import Count, OuterRef, Q, Subquery
    from django.db.models.functions import Coalesce

    from assure.assessments.models import Assessment
    from assure.core import permissions
    from assure.frameworks.models import Domain
    from assure.partnerships.models import PartnershipReview
    from assure.surveys.models import Response, Survey
    from assure.surveys.models import status_at as survey_status_at

    scope = permissions.scope_for(user)
    cycles = {c.pk: c for c in (queue_cycles(user) if cycles is None else cycles)}
    if not cycles:
        return []
    pairs = _queue_pairs(scope, list(cycles.values())).values_list(
        "cycle_id", "organisation_id", "organisation__code", "organisation__name"
    )
    # (cycle id, CCG id, CCG): plain values, not a model instance each for some 600 CCGs of three cycles.
    pairs = [
        (cycle_id, ccg_id, QueueCcg(code, name))
        for cycle_id, ccg_id, code, name in (pairs if page is None else pairs[page])
    ]
    if not pairs:
        return []
    ccg_ids = {ccg_id for _, ccg_id, _ in pairs}
    domain_counts = dict(
        Domain.objects.filter(framework__in={c.framework_id for c in cycles.values()})
        .values("framework")
        .annotate(n=Count("pk"))
        .values_list("framework", "n")
    )
    assessments = {
        (a["cycle"], a["organisation"]): a
        for a in Assessment.objects.filter(cycle__in=cycles, organisation__in=Ids(ccg_ids))
        .annotate(
            judged=Count("judgements__domain", distinct=True),
            assessor_count=Count("judgements__assessor", distinct=True),
        )
        .values(
            "cycle", "organisation", "public_id", "status", "first_submitted_at", "judged", "assessor_count"
        )
    }
    decisions = {
        (d["assessment__cycle"], d["assessment__organisation"]): d
        for d in Decision.objects.filter(
            assessment__cycle__in=cycles, assessment__organisation__in=Ids(ccg_ids)
        ).values("assessment__cycle", "assessment__organisation", "outcome", "published_at")
    }
    reviews = {
        (r["cycle"], r["ccg"]): r
        for r in PartnershipReview.objects.filter(cycle__in=cycles, ccg__in=Ids(ccg_ids))
        .values("cycle", "ccg")
        .annotate(total=Count("pk"), agreed=Count("pk", filter=Q(status=PartnershipReview.Status.AGREED)))
    }
    now = timezone.now()
    surveys = {}
    # Each survey's responses counted from the index on their survey, one survey at a time: as a join, PostgreSQL
    # read every response of every survey (31,000 for England) to count a region's. COUNT(*), not COUNT(id): both
    # databases then count the index entries alone; counting ids, each read every response's row (SQLite) or
    # visited the table (PostgreSQL), three to ten times slower.
    responses = (
        Response.objects.filter(survey=OuterRef("pk"))
        .order_by()
        .values("survey")
        .annotate(n=Count("*"))
        .values("n")
    )
    for cycle_id, ccg_id, opens_at, closes_at, closed_at, n in (
        Survey.objects.filter(cycle__in=cycles, organisation__in=Ids(ccg_ids))
        .annotate(n=Coalesce(Subquery(responses), 0))
        .order_by()
        .values_list("cycle_id", "organisation_id", "opens_at", "closes_at", "closed_at", "n")
    ):
        status = survey_status_at(now, opens_at=opens_at, closes_at=closes_at, closed_at=closed_at)
        surveys[(cycle_id, ccg_id)] = (status, n)
    rows = []
    outcomes = dict(Decision.Outcome.choices)
    for cycle_id, ccg_id, ccg in pairs:
        key = (cycle_id, ccg_id)
        a = assessments.get(key)
        d = decisions.get(key)
        r = reviews.get(key, {})
        survey_status, responses = surveys.get(key, ("none", 0))
        submitted = bool(a and a["first_submitted_at"])
        rows.append(
            QueueRow(
                cycle=cycles[cycle_id],
                ccg=ccg,
                assessment_id=str(a["public_id"]) if submitted else None,
                submitted=submitted,
                reopened=bool(submitted and a["status"] == "draft"),
                reviews_agreed=r.get("agreed", 0),
                reviews_total=r.get("total", 0),
                survey_status=survey_status,
                survey_responses=responses,
                domains_judged=a["judged"] if a else 0,
                assessors=a["assessor_count"] if a else 0,
                domain_count=domain_counts.get(cycles[cycle_id].framework_id, 0),
                outcome=d["outcome"] if d else None,
                outcome_label=outcomes.get(d["outcome"], "") if d else "",
                published=bool(d and d["published_at"]),
                conflicted=ccg_id in scope.own_ids,
            )
        )
    return rows
