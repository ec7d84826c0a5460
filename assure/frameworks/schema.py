"""The schema of a framework file, as typed models.

Validation is complete and strict: unknown keys, missing fields, wrong types, duplicate codes, references to
things that do not exist and rules that name a value the scale does not have are all rejected. No Django here.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]
Tier = Literal["basics", "future"]
TierOrAll = Literal["basics", "future", "all"]

TIER_LABELS = {"basics": "Build the basics", "future": "Develop together for the future", "all": "all items"}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    id: Code
    title: Text
    publisher: Text | None = None
    year: int | None = None


class ScalePoint(Strict):
    value: int = Field(ge=0, le=100)
    label: Text
    description: Text


class Requirement(Strict):
    tier: TierOrAll
    min_rating: int
    proportion: float = Field(gt=0, le=1)


class Level(Strict):
    code: Code
    label: Text
    description: Text
    requires: list[Requirement]


class Rules(Strict):
    threshold: Requirement
    levels: list[Level] = Field(min_length=1)

    @model_validator(mode="after")
    def _levels(self) -> Rules:
        if self.levels[0].requires:
            raise ValueError("the first level is where every domain starts, so it must have no requirements")
        _unique([level.code for level in self.levels], "level code")
        return self


class EvidenceType(Strict):
    code: Code
    title: Text
    source: Code


class Theme(Strict):
    title: Text
    text: Text
    source: Code


class KeyPoint(Strict):
    text: Text
    source: Code


class Item(Strict):
    code: Code
    tier: Tier
    text: Text
    source: Code


class SurveyStatement(Strict):
    code: Code
    text: Text


class Domain(Strict):
    number: int = Field(ge=1)
    title: Text
    short_title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    description: Text
    description_source: Code
    concern: Text
    concern_source: Code
    themes: list[Theme]
    key_points: list[KeyPoint]
    evidence: list[Code]
    items: list[Item] = Field(min_length=1)
    survey_statements: list[SurveyStatement] = Field(min_length=1)


class Framework(Strict):
    slug: Slug
    title: Text
    version: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
    summary: Text
    sources: list[Source] = Field(min_length=1)
    scale: list[ScalePoint] = Field(min_length=2)
    allow_not_applicable: bool = True
    rules: Rules
    evidence_types: list[EvidenceType]
    domains: list[Domain] = Field(min_length=1)

    def domain(self, number: int) -> Domain:
        return self.domains[number - 1]


def _duplicates(values: list[str]) -> list[str]:
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


def _unique(values: list[str], what: str) -> None:
    if repeated := _duplicates(values):
        raise ValueError(f"duplicate {what}: {', '.join(repeated)}")


def check_references(framework: Framework) -> list[tuple[str, str]]:
    """Rules that span the file. Returns (place, problem) pairs; empty when the file is consistent."""
    problems: list[tuple[str, str]] = []
    values = [point.value for point in framework.scale]
    if values != sorted(set(values)):
        problems.append(("scale", "values must be distinct and in ascending order"))
    for code in _duplicates([source.id for source in framework.sources]):
        problems.append(("sources", f"the source id {code!r} is used more than once"))
    source_ids = {source.id for source in framework.sources}
    for code in _duplicates([e.code for e in framework.evidence_types]):
        problems.append(("evidence_types", f"the evidence type code {code!r} is used more than once"))
    evidence_codes = {e.code for e in framework.evidence_types}

    requirements = [("rules.threshold", framework.rules.threshold)]
    for i, level in enumerate(framework.rules.levels):
        requirements += [(f"rules.levels[{i}].requires[{j}]", r) for j, r in enumerate(level.requires)]
    for where, requirement in requirements:
        if requirement.min_rating not in values:
            problems.append(
                (
                    f"{where}.min_rating",
                    f"{requirement.min_rating} is not a value on the scale ({', '.join(map(str, values))})",
                )
            )

    for i, evidence in enumerate(framework.evidence_types):
        if evidence.source not in source_ids:
            problems.append((f"evidence_types[{i}].source", f"unknown source {evidence.source!r}"))

    seen_items: dict[str, str] = {}
    seen_statements: dict[str, str] = {}
    for i, domain in enumerate(framework.domains):
        where = f"domains[{i}]"
        if domain.number != i + 1:
            problems.append(
                (
                    f"{where}.number",
                    f"domains must be numbered 1, 2, 3 … in order: expected {i + 1}, found {domain.number}",
                )
            )
        for field in ("description_source", "concern_source"):
            if getattr(domain, field) not in source_ids:
                problems.append((f"{where}.{field}", f"unknown source {getattr(domain, field)!r}"))
        for kind in ("themes", "key_points", "items"):
            for j, entry in enumerate(getattr(domain, kind)):
                if entry.source not in source_ids:
                    problems.append((f"{where}.{kind}[{j}].source", f"unknown source {entry.source!r}"))
        for j, code in enumerate(domain.evidence):
            if code not in evidence_codes:
                problems.append((f"{where}.evidence[{j}]", f"unknown evidence type {code!r}"))
        for code in _duplicates(domain.evidence):
            problems.append((f"{where}.evidence", f"the evidence type {code!r} is listed more than once"))
        for kind, entries, seen, what in (
            ("items", domain.items, seen_items, "item code"),
            ("survey_statements", domain.survey_statements, seen_statements, "survey statement code"),
        ):
            for j, entry in enumerate(entries):
                place = f"{where}.{kind}[{j}].code"
                if entry.code in seen:
                    problems.append(
                        (place, f"duplicate {what} {entry.code!r} (first used at {seen[entry.code]})")
                    )
                else:
                    seen[entry.code] = place
    return problems


PATH_PART = re.compile(r"([A-Za-z_]+)|\[(\d+)\]")


def parse_path(path: str) -> tuple[str | int, ...]:
    """'domains[2].items[0].code' -> ('domains', 2, 'items', 0, 'code')."""
    return tuple(name if name else int(index) for name, index in PATH_PART.findall(path))
