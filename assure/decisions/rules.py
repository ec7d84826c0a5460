"""Whether a panel's outcome is consistent with the assessors' domain judgements. Pure: no Django imports.

Every judgement counts, so a disagreement between two assessors on a domain can make an outcome inconsistent:

- *authorised* is consistent only when every domain is judged and every judgement is *met*;
- *authorised with conditions* when every domain is judged, no judgement is *not met* and at least one is
  *met with conditions* (otherwise there is nothing for a condition to answer);
- *established but not authorised* when at least one judgement is *not met*.

An outcome that is not consistent may still be recorded, with an explicit reason (the contradiction reason).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

MET = "met"
MET_WITH_CONDITIONS = "met_with_conditions"
NOT_MET = "not_met"
VALUES = (MET, MET_WITH_CONDITIONS, NOT_MET)

AUTHORISED = "authorised"
AUTHORISED_WITH_CONDITIONS = "authorised_with_conditions"
ESTABLISHED_NOT_AUTHORISED = "established_not_authorised"
OUTCOMES = (AUTHORISED, AUTHORISED_WITH_CONDITIONS, ESTABLISHED_NOT_AUTHORISED)

VALUE_WORDS = {MET: "threshold met", MET_WITH_CONDITIONS: "met with conditions", NOT_MET: "not met"}


def contradictions(outcome: str, judgements: Iterable[tuple[str, str]], domains: Sequence[str]) -> list[str]:
    """The ways `outcome` departs from the judgements, in words; empty when it is consistent.

    `judgements` are (domain, value) pairs, one per assessor per domain; `domains` are every domain of the
    framework, in order (a domain nobody has judged cannot support an authorisation).
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"Unknown outcome {outcome!r}")
    by_domain: dict[str, set[str]] = {domain: set() for domain in domains}
    for domain, value in judgements:
        if value not in VALUES:
            raise ValueError(f"Unknown judgement {value!r}")
        by_domain.setdefault(domain, set()).add(value)
    all_values = set().union(*by_domain.values()) if by_domain else set()

    reasons: list[str] = []
    if outcome in (AUTHORISED, AUTHORISED_WITH_CONDITIONS):
        for domain, values in by_domain.items():
            if not values:
                reasons.append(f"domain {domain} has no judgement")
            elif NOT_MET in values:
                reasons.append(f"domain {domain} is judged not met")
            elif outcome == AUTHORISED and MET_WITH_CONDITIONS in values:
                reasons.append(f"domain {domain} is judged met with conditions")
        if outcome == AUTHORISED_WITH_CONDITIONS and all_values and all_values <= {MET}:
            reasons.append("no domain is judged met with conditions")
    elif NOT_MET not in all_values:
        reasons.append("no domain is judged not met")
    return reasons


def contradicts(outcome: str, judgements: Iterable[tuple[str, str]], domains: Sequence[str]) -> bool:
    return bool(contradictions(outcome, judgements, domains))


def disagreements(judgements: Iterable[tuple[str, str]]) -> list[str]:
    """The domains on which assessors' judgements differ, in the order first seen."""
    seen: dict[str, set[str]] = {}
    for domain, value in judgements:
        seen.setdefault(domain, set()).add(value)
    return [domain for domain, values in seen.items() if len(values) > 1]


def suggested_outcome(judgements: Iterable[tuple[str, str]], domains: Sequence[str]) -> str | None:
    """The outcome the judgements point to, or None while a domain has no judgement."""
    pairs = list(judgements)
    judged = {domain for domain, _ in pairs}
    if not domains or any(domain not in judged for domain in domains):
        return None
    values = {value for _, value in pairs}
    if NOT_MET in values:
        return ESTABLISHED_NOT_AUTHORISED
    if MET_WITH_CONDITIONS in values:
        return AUTHORISED_WITH_CONDITIONS
    return AUTHORISED
