"""Diverging stacked bars for agreement scales, as plain numbers for a server-rendered SVG. No Django.

Disagreement runs left of the centre line and agreement right of it; "neither" straddles the line. "Don't know"
is left out of the bar (the table alternative shows it). Widths are percentages of the opinions given, on a
200-wide canvas whose centre is x = 100.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .constants import ANSWER_LABELS, OPINIONS

CENTRE = 100.0


@dataclass(frozen=True)
class Segment:
    code: str
    label: str
    x: float
    width: float
    count: int
    percent: int


def diverging(counts: Mapping[str, int]) -> list[Segment]:
    opinions = sum(counts.get(code, 0) for code in OPINIONS)
    if not opinions:
        return []
    share = {code: counts.get(code, 0) * 100.0 / opinions for code in OPINIONS}
    left = share["strongly_disagree"] + share["disagree"] + share["neutral"] / 2
    x = CENTRE - left
    segments = []
    for code in OPINIONS:
        width = share[code]
        segments.append(
            Segment(
                code, ANSWER_LABELS[code], round(x, 2), round(width, 2), counts.get(code, 0), round(width)
            )
        )
        x += width
    return [s for s in segments if s.width > 0]


def summary(counts: Mapping[str, int]) -> str:
    """A sentence for screen readers: "7 of 10 agree, 2 disagree, 1 neither; 3 don't know"."""
    opinions = sum(counts.get(code, 0) for code in OPINIONS)
    agree = counts.get("agree", 0) + counts.get("strongly_agree", 0)
    disagree = counts.get("disagree", 0) + counts.get("strongly_disagree", 0)
    text = (
        f"{agree} of {opinions} agree, {disagree} disagree, {counts.get('neutral', 0)} neither"
        if opinions
        else "No opinions given"
    )
    return f"{text}; {counts.get('dont_know', 0)} don't know"
