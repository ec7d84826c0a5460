"""Read-side helpers over decisions and conditions for dashboards and reports. Flat: a fixed number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

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
