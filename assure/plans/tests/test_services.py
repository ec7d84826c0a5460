import datetime

import pytest
from django.utils import timezone

from assure.assessments.models import ItemResponse
from assure.audit.models import AuditEvent
from assure.cycles.models import Cycle
from assure.cycles.signals import ccg_joined_cycle
from assure.cycles.tests.factories import CycleFactory
from assure.plans import services
from assure.plans.models import Action, Plan
from assure.surveys.models import Survey

pytestmark = pytest.mark.django_db


def test_gathering_the_demo_plans_again_adds_nothing(demo, islington_plan, camden_plan):
    before = {p.pk: p.actions.count() for p in (islington_plan, camden_plan)}
    assert services.plan_gather(cycle=demo.cycle, ccg=demo.ccg2, user=demo.ccg2_lead).added == []
    assert services.plan_gather(cycle=demo.cycle, ccg=demo.ccg, user=demo.ccg_lead).added == []
    assert {p.pk: p.actions.count() for p in (islington_plan, camden_plan)} == before


def test_gathering_takes_each_source_once_and_keeps_what_people_edited(demo):
    Plan.objects.filter(cycle=demo.cycle, organisation=demo.ccg2).delete()
    first = services.plan_gather(cycle=demo.cycle, ccg=demo.ccg2, user=demo.ccg2_lead).added
    sources = {a.source for a in first}
    assert sources == {Action.Source.PARTNERSHIP, Action.Source.SURVEY}
    assert len({a.source_key for a in first}) == len(first)
    edited = first[0]
    services.action_update(
        action=edited,
        user=demo.ccg2_lead,
        data=services.ActionInput(title="Our own words", status=Action.Status.DONE),
        version=edited.version,
    )
    assert services.plan_gather(cycle=demo.cycle, ccg=demo.ccg2, user=demo.ccg2_lead).added == []
    edited.refresh_from_db()
    assert (edited.title, edited.status) == ("Our own words", Action.Status.DONE)
    assert AuditEvent.objects.filter(action="plan.action_gathered", organisation=demo.ccg2).count() >= len(
        first
    )


def test_a_newly_failing_item_is_added_on_the_next_gathering(demo, camden_plan):
    before = set(camden_plan.actions.values_list("source_key", flat=True))
    response = ItemResponse.objects.get(
        assessment__cycle=demo.cycle, assessment__organisation=demo.ccg, item__code="1.1"
    )
    ItemResponse.objects.filter(pk=response.pk).update(rating=0)
    added = services.plan_gather(cycle=demo.cycle, ccg=demo.ccg, user=demo.ccg_lead).added
    assert [a.source_key for a in added] == ["item:1.1"]
    assert "item:1.1" not in before
    assert added[0].item.code == "1.1" and added[0].domain.number == 1


def test_unrated_items_are_not_actions(demo, camden_plan):
    # Camden has rated only domains 1 and 2: nothing from domains 3 to 6.
    numbers = {a.domain.number for a in camden_plan.actions.filter(source=Action.Source.SELF_ASSESSMENT)}
    assert numbers and numbers <= {1, 2}


def test_survey_domains_come_only_from_results_that_may_be_shown(demo):
    survey = Survey.objects.get(cycle=demo.cycle, organisation=demo.ccg2)
    shown = services.survey_candidates(demo.cycle, demo.ccg2)
    assert {c.source_key for c in shown} == {"survey:2", "survey:4"}
    Survey.objects.filter(pk=survey.pk).update(min_group_size=500)  # too few responses to show anything
    assert services.survey_candidates(demo.cycle, demo.ccg2) == []


def test_an_open_survey_gives_no_actions(demo):
    assert services.survey_candidates(demo.cycle, demo.ccg) == []


def test_overdue_actions(demo, islington_plan):
    today = timezone.localdate()
    overdue = list(islington_plan.actions.overdue_on(today))
    assert overdue and all(a.due < today and a.is_active for a in overdue)
    assert all(a.is_overdue(today) for a in overdue)
    done = islington_plan.actions.filter(status=Action.Status.DONE).first()
    Action.objects.filter(pk=done.pk).update(due=today - datetime.timedelta(days=100))
    assert done.pk not in set(islington_plan.actions.overdue_on(today).values_list("pk", flat=True))


def test_a_stale_status_change_is_refused_and_changes_nothing(demo, staff_action):
    services.action_set_status(
        action=staff_action, user=demo.ccg_lead, status="done", version=staff_action.version
    )
    with pytest.raises(services.StaleEdit) as error:
        services.action_set_status(
            action=staff_action, user=demo.ccg_staff, status="dropped", version=staff_action.version
        )
    assert "Dr Clare Lead" in str(error.value)
    staff_action.refresh_from_db()
    assert staff_action.status == "done"


def test_an_owner_must_work_for_the_ccg(demo):
    with pytest.raises(services.Invalid) as error:
        services.action_add(
            cycle=demo.cycle,
            ccg=demo.ccg,
            user=demo.ccg_lead,
            data=services.ActionInput(title="Something", owner_id=demo.ccg2_lead.pk),
        )
    assert "owner" in error.value.errors


def test_a_ccg_outside_the_cycle_has_no_plan(demo, elsewhere):
    with pytest.raises(services.NotInCycle):
        services.plan_gather(cycle=demo.cycle, ccg=elsewhere.ccg, user=demo.admin)
    assert not Plan.objects.filter(organisation=elsewhere.ccg).exists()


def _next_cycle(demo) -> Cycle:
    return CycleFactory(
        name="London annual assurance", region=demo.region, ccgs=[demo.ccg2], previous=demo.cycle
    )


def test_open_actions_carry_over_when_the_ccg_joins_the_next_cycle(demo, islington_plan):
    following = _next_cycle(demo)
    active = set(islington_plan.actions.active().values_list("pk", flat=True))
    ccg_joined_cycle.send(sender=Cycle, cycle=following, ccg=demo.ccg2)
    plan = Plan.objects.get(cycle=following, organisation=demo.ccg2)
    carried = list(plan.actions.all())
    assert {a.carried_from_id for a in carried} == active
    assert all(a.is_active for a in carried)
    assert AuditEvent.objects.filter(
        action="plan.action_carried_over", organisation=demo.ccg2
    ).count() == len(active)
    # Again: nothing twice.
    ccg_joined_cycle.send(sender=Cycle, cycle=following, ccg=demo.ccg2)
    assert services.plan_carry_over(ccg=demo.ccg2, from_cycle=demo.cycle, to_cycle=following) == []
    assert plan.actions.count() == len(active)


def test_carrying_over_links_an_action_the_new_plan_already_holds(demo, islington_plan):
    following = _next_cycle(demo)
    old = islington_plan.actions.active().filter(source=Action.Source.SURVEY).first()
    plan = services.plan_get_or_create(cycle=following, ccg=demo.ccg2)
    same = Action.objects.create(
        plan=plan, title="Already here", source=old.source, source_key=old.source_key
    )
    services.plan_carry_over(ccg=demo.ccg2, from_cycle=demo.cycle, to_cycle=following)
    same.refresh_from_db()
    assert same.carried_from_id == old.pk and same.title == "Already here"
    assert plan.actions.filter(source_key=old.source_key).count() == 1


def test_a_cycle_without_a_previous_one_carries_nothing(demo):
    first = CycleFactory(region=demo.region, ccgs=[demo.ccg2])
    ccg_joined_cycle.send(sender=Cycle, cycle=first, ccg=demo.ccg2)
    assert not Plan.objects.filter(cycle=first).exists()


def test_the_demo_carries_actions_over_when_its_cycle_follows_another(demo):
    from assure.core.demo import _demo_plans

    earlier = CycleFactory(
        name="London CCG authorisation, wave 2", region=demo.region, ccgs=[demo.ccg, demo.ccg2]
    )
    Cycle.objects.filter(pk=demo.cycle.pk).update(previous=earlier)
    Plan.objects.filter(cycle=demo.cycle).delete()
    _demo_plans(
        Cycle.objects.get(pk=demo.cycle.pk),
        [demo.ccg, demo.ccg2],
        timezone.localdate(),
    )
    carried = Action.objects.filter(plan__cycle=demo.cycle, carried_from__isnull=False)
    assert {a.plan.organisation.code for a in carried} == {"07R", "08H"}
    assert {a.title for a in carried} == {"Agree a clinical engagement plan with member practices"}
