"""Survey results without giving anyone away: aggregation and suppression. Pure functions, no Django.

The rules (the product's promise):

- A group's results are shown only when at least `minimum` people of the group responded.
- Hidden results may not be worked out by subtraction. The overall results are the sum of every group's, so
  "overall minus the groups shown" gives the hidden groups' results combined. That is safe only when the hidden
  groups together hold at least `minimum` responses; so while they hold fewer, the next smallest group shown is
  hidden too (and the one after, and so on).
- When fewer than `minimum` people responded in all, nothing is shown: not the overall, not any group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .constants import AGREE, ANSWER_CODES, DISAGREE, OPINIONS


def hidden_groups(counts: Mapping[str, int], minimum: int) -> frozenset[str]:
    """The groups whose results must not be shown, given each group's number of responses.

    Groups with no responses have nothing to hide and are never in the result.
    """
    if minimum < 1:
        raise ValueError("minimum must be at least 1")
    responding = {group: n for group, n in counts.items() if n > 0}
    total = sum(responding.values())
    if total < minimum:
        return frozenset(responding)
    hidden = {group for group, n in responding.items() if n < minimum}
    shown = sorted((n, group) for group, n in responding.items() if group not in hidden)
    while hidden and sum(responding[g] for g in hidden) < minimum and shown:
        _, group = shown.pop(0)  # the smallest group still shown
        hidden.add(group)
    return frozenset(hidden)


def overall_shown(counts: Mapping[str, int], minimum: int) -> bool:
    return sum(n for n in counts.values() if n > 0) >= minimum


@dataclass
class Distribution:
    """How many people gave each answer to one statement."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ANSWER_CODES, 0))

    @property
    def answered(self) -> int:
        return sum(self.counts.values())

    @property
    def opinions(self) -> int:
        return sum(self.counts[code] for code in OPINIONS)

    @property
    def agree(self) -> int:
        return sum(self.counts[code] for code in AGREE)

    @property
    def disagree(self) -> int:
        return sum(self.counts[code] for code in DISAGREE)

    def add(self, other: Distribution) -> None:
        for code, n in other.counts.items():
            self.counts[code] += n


@dataclass
class GroupResults:
    """One group's (or everyone's) answers: statement code -> distribution, and the comments per domain."""

    responses: int = 0
    statements: dict[str, Distribution] = field(default_factory=dict)
    comments: dict[int, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ResponseData:
    """One response as the aggregation needs it: never who gave it."""

    group: str
    answers: Mapping[str, str]  # statement code -> answer code
    comments: Mapping[int, str]  # domain number -> comment


def aggregate(responses: Iterable[ResponseData], statements: Sequence[str]) -> dict[str, GroupResults]:
    """Every group's results, unsuppressed. Answers to unknown statements, or unknown answers, are ignored."""
    known = set(statements)
    groups: dict[str, GroupResults] = {}
    for response in responses:
        results = groups.get(response.group)
        if results is None:
            results = groups[response.group] = GroupResults(
                statements={code: Distribution() for code in statements}
            )
        results.responses += 1
        for code, answer in response.answers.items():
            if code in known and answer in ANSWER_CODES:
                results.statements[code].counts[answer] += 1
        for domain, comment in response.comments.items():
            text = comment.strip()
            if text:
                results.comments.setdefault(domain, []).append(text)
    return groups


@dataclass
class Results:
    """What may be shown: the overall (None when suppressed), the groups shown and those hidden."""

    minimum: int
    counts: dict[str, int]  # responses per group
    overall: GroupResults | None
    groups: dict[str, GroupResults]  # only the groups shown
    hidden: frozenset[str]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def results(responses: Iterable[ResponseData], statements: Sequence[str], minimum: int) -> Results:
    """The survey's results with every rule above applied. Comments are sorted, so their order says nothing
    about who wrote them or when; comments of hidden groups are left out of the overall too."""
    by_group = aggregate(responses, statements)
    counts = {group: r.responses for group, r in by_group.items()}
    hidden = hidden_groups(counts, minimum)
    shown = {group: r for group, r in by_group.items() if group not in hidden}
    overall: GroupResults | None = None
    if overall_shown(counts, minimum):
        overall = GroupResults(statements={code: Distribution() for code in statements})
        for group_results in by_group.values():
            overall.responses += group_results.responses
            for code, distribution in group_results.statements.items():
                overall.statements[code].add(distribution)
        for group_results in shown.values():
            for domain, texts in group_results.comments.items():
                overall.comments.setdefault(domain, []).extend(texts)
    for group_results in [*shown.values(), *([overall] if overall else [])]:
        for texts in group_results.comments.values():
            texts.sort(key=str.casefold)
    return Results(minimum=minimum, counts=counts, overall=overall, groups=shown, hidden=hidden)


def agree_share(distributions: Iterable[Distribution]) -> float | None:
    """The share of opinions given (don't know left out) that agree or strongly agree; None without any."""
    agree = opinions = 0
    for distribution in distributions:
        agree += distribution.agree
        opinions += distribution.opinions
    return agree / opinions if opinions else None


@dataclass(frozen=True)
class BlindSpot:
    domain: int
    self_level: int | None  # index of the self-assessed maturity level, 0 = lowest; None when not assessed
    self_share: float | None  # the level as a share of the scale, 0 to 1
    agree_share: float | None  # stakeholders who agree, 0 to 1
    gap: float | None  # self_share - agree_share: positive when the CCG rates itself above what others see
    called_out: bool = False


def blind_spots(
    self_levels: Mapping[int, int | None],
    level_count: int,
    agree_shares: Mapping[int, float | None],
    *,
    call_out: int = 2,
    min_gap: float = 0.2,
) -> list[BlindSpot]:
    """For each domain, the CCG's self-assessed maturity beside the share of stakeholders who agree.

    The level is put on the same 0–1 footing as the share (lowest level 0, highest 1). The `call_out` domains
    with the largest differences, of at least `min_gap`, are called out.
    """
    spots = []
    for domain in sorted(set(self_levels) | set(agree_shares)):
        level = self_levels.get(domain)
        share = agree_shares.get(domain)
        self_share = None if level is None else (level / (level_count - 1) if level_count > 1 else 1.0)
        gap = None if self_share is None or share is None else self_share - share
        spots.append(BlindSpot(domain, level, self_share, share, gap))
    ranked = sorted(
        (s for s in spots if s.gap is not None and abs(s.gap) >= min_gap),
        key=lambda s: (-abs(s.gap or 0), s.domain),
    )
    chosen = {s.domain for s in ranked[:call_out]}
    return [
        BlindSpot(s.domain, s.self_level, s.self_share, s.agree_share, s.gap, s.domain in chosen)
        for s in spots
    ]
