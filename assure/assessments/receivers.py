"""What the self-assessment does when a CCG joins a cycle."""

from __future__ import annotations

from assure.cycles.models import Cycle


def start_from_previous_cycle(sender, *, cycle: Cycle, ccg, **kwargs) -> None:
    """In an annual-assurance cycle that follows another, the CCG's self-assessment is made at once, starting
    from its last submission in the previous cycle (see services.assessment_carry_over). Idempotent."""
    from . import services

    if cycle.kind == Cycle.Kind.ANNUAL_ASSURANCE and cycle.previous_id:
        services.assessment_get_or_create(cycle=cycle, organisation=ccg)
