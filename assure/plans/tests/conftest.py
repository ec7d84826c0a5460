"""Fixtures for the development plan tests. The demo region's plans: Camden (07R) gathered from its draft
self-assessment, with an action of its own owned by the contributor; Islington (08H) gathered from its agreed
partnership review and closed survey."""

from __future__ import annotations

import pytest

from assure.plans.models import Action, Plan


@pytest.fixture
def camden_plan(demo) -> Plan:
    return Plan.objects.get(cycle=demo.cycle, organisation=demo.ccg)


@pytest.fixture
def islington_plan(demo) -> Plan:
    return Plan.objects.get(cycle=demo.cycle, organisation=demo.ccg2)


@pytest.fixture
def staff_action(camden_plan, demo) -> Action:
    """Camden's own action, owned by the contributor."""
    return camden_plan.actions.get(owner=demo.ccg_staff, source=Action.Source.OWN)


@pytest.fixture
def lead_action(camden_plan, demo) -> Action:
    """A gathered Camden action the contributor does not own."""
    return camden_plan.actions.filter(source=Action.Source.SELF_ASSESSMENT).first()
