"""Signals other apps listen to when a cycle changes."""

from django.dispatch import Signal

# Sent when a CCG joins a cycle (on creating a cycle, or adding a CCG to one), with `cycle` and `ccg`
# (an Organisation) as keyword arguments, inside the transaction that adds it. Receivers carry work over from
# the CCG's previous cycle (`cycle.previous`); they must be idempotent.
ccg_joined_cycle = Signal()
