"""Evidence coverage: for each domain, the evidence types it expects and what the CCG has. No Django here."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

STALE_AFTER_DAYS = 365

PRESENT = "present"
STALE = "stale"
UNLINKED = "unlinked"
MISSING = "missing"


@dataclass(frozen=True)
class EvidenceFact:
    type_id: int
    domain_numbers: frozenset[int]  # linked directly, or through one of the domain's items
    document_date: datetime.date


@dataclass(frozen=True)
class CoverageRow:
    type_id: int
    status: str  # present, stale, unlinked or missing
    count: int
    newest: datetime.date | None


@dataclass(frozen=True)
class DomainCoverage:
    number: int
    rows: tuple[CoverageRow, ...]

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def present(self) -> int:
        return sum(1 for r in self.rows if r.status == PRESENT)

    @property
    def stale(self) -> int:
        return sum(1 for r in self.rows if r.status == STALE)

    @property
    def missing(self) -> int:
        return sum(1 for r in self.rows if r.status in (MISSING, UNLINKED))


def coverage(
    expected: dict[int, Sequence[int]], evidence: Iterable[EvidenceFact], today: datetime.date
) -> dict[int, DomainCoverage]:
    """`expected` maps a domain number to the evidence type ids it expects, in order.

    A type is *present* for a domain when evidence of that type is linked to the domain (or one of its items) and
    the newest such document is at most twelve months old; *stale* when it is older; *unlinked* when the library
    holds evidence of the type but none is linked to the domain; *missing* when the library has none.
    """
    facts = list(evidence)
    result = {}
    for number, type_ids in expected.items():
        rows = []
        for type_id in type_ids:
            of_type = [f for f in facts if f.type_id == type_id]
            linked = [f for f in of_type if number in f.domain_numbers]
            if linked:
                newest = max(f.document_date for f in linked)
                status = STALE if (today - newest).days > STALE_AFTER_DAYS else PRESENT
                rows.append(CoverageRow(type_id, status, len(linked), newest))
            elif of_type:
                rows.append(CoverageRow(type_id, UNLINKED, 0, max(f.document_date for f in of_type)))
            else:
                rows.append(CoverageRow(type_id, MISSING, 0, None))
        result[number] = DomainCoverage(number, tuple(rows))
    return result
