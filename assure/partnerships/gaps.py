"""Perception gaps between the CCG's and the HWB's ratings of the same items. Pure functions, no Django.

A gap is the absolute difference between the two ratings. Items the two sides rate two or more points apart are
flagged to discuss. The per-domain summary counts the items that agree, differ by one, and differ by two or more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

DISCUSS_AT = 2  # a gap of this many points or more is an item to discuss

GapFilter = Literal["all", "agree", "one", "two_plus"]
GAP_FILTERS: dict[str, str] = {
    "all": "All items",
    "agree": "Ratings agree",
    "one": "Differ by one point",
    "two_plus": "Differ by two or more (to discuss)",
}


class ItemLike(Protocol):
    code: str
    tier: str


@dataclass(frozen=True)
class Gap:
    code: str
    domain: int
    ccg: int | None
    hwb: int | None

    @property
    def size(self) -> int | None:
        """How far apart the two ratings are; None while either side's rating is missing (or not visible)."""
        if self.ccg is None or self.hwb is None:
            return None
        return abs(self.ccg - self.hwb)

    @property
    def to_discuss(self) -> bool:
        return self.size is not None and self.size >= DISCUSS_AT

    @property
    def higher(self) -> str | None:
        """Which side rates the item higher: "ccg", "hwb", or None when they agree or a rating is missing."""
        if not self.size:
            return None
        return "ccg" if self.ccg > self.hwb else "hwb"  # type: ignore[operator]

    def matches(self, which: str) -> bool:
        size = self.size
        if which == "agree":
            return size == 0
        if which == "one":
            return size == 1
        if which == "two_plus":
            return size is not None and size >= DISCUSS_AT
        return True


@dataclass(frozen=True)
class DomainGaps:
    domain: int
    agree: int
    differ_by_one: int
    differ_by_two_plus: int
    ccg_mean: float | None
    hwb_mean: float | None

    @property
    def compared(self) -> int:
        return self.agree + self.differ_by_one + self.differ_by_two_plus


def gaps(
    items: Iterable[tuple[str, int]], ccg: Mapping[str, int | None], hwb: Mapping[str, int | None]
) -> list[Gap]:
    """One Gap per (code, domain number), in the order given."""
    return [Gap(code, domain, ccg.get(code), hwb.get(code)) for code, domain in items]


def filter_and_sort(rows: Iterable[Gap], *, which: str = "all", domain: int | None = None, by_gap=False):
    """The rows of one domain (or all) matching a gap filter; largest gap first when `by_gap`, else as given.

    Sorting is stable, so items with the same gap stay in framework order."""
    chosen = [r for r in rows if r.matches(which) and (domain is None or r.domain == domain)]
    if by_gap:
        chosen.sort(key=lambda r: -1 if r.size is None else r.size, reverse=True)
    return chosen


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def summarise(rows: Iterable[Gap]) -> dict[int, DomainGaps]:
    """Per domain: how many items agree, differ by one and by two or more, and each side's mean rating."""
    by_domain: dict[int, list[Gap]] = {}
    for row in rows:
        by_domain.setdefault(row.domain, []).append(row)
    summary = {}
    for number, domain_rows in sorted(by_domain.items()):
        sizes = [r.size for r in domain_rows if r.size is not None]
        summary[number] = DomainGaps(
            domain=number,
            agree=sum(1 for s in sizes if s == 0),
            differ_by_one=sum(1 for s in sizes if s == 1),
            differ_by_two_plus=sum(1 for s in sizes if s >= DISCUSS_AT),
            ccg_mean=_mean([r.ccg for r in domain_rows if r.ccg is not None]),
            hwb_mean=_mean([r.hwb for r in domain_rows if r.hwb is not None]),
        )
    return summary
