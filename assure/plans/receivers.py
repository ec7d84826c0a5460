"""What the plans app does when something happens elsewhere."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from assure.cycles.signals import ccg_joined_cycle


@receiver(ccg_joined_cycle, dispatch_uid="plans_carry_over")
def carry_over_on_join(sender, *, cycle, ccg, **kwargs) -> None:
    """A CCG joining a cycle that follows another takes its open actions along."""
    from .services import plan_carry_over

    if cycle.previous_id is not None:
        plan_carry_over(ccg=ccg, from_cycle=cycle.previous, to_cycle=cycle)


@receiver(post_save, sender="decisions.Condition", dispatch_uid="plans_follow_condition")
def follow_condition(sender, instance, created, **kwargs) -> None:
    """A plan action made from a condition follows it: done once an assessor discharges the condition."""
    if created:
        return
    from .services import condition_sync

    condition_sync(condition=instance)
