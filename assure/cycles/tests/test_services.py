"""Creating and changing cycles, the signal a CCG joining sends, and deadline reminders."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from assure.accounts.tests.factories import UserFactory
from assure.assessments.models import Assessment
from assure.audit.models import AuditEvent
from assure.cycles import services
from assure.cycles.models import Cycle, CycleStep, DeadlineReminder
from assure.cycles.signals import ccg_joined_cycle
from assure.cycles.tests.helpers import ccg_with_lead, cycle_input
from assure.organisations.models import Role
from assure.organisations.tests.factories import HWBFactory, MembershipFactory, RelationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def joined():
    """The (cycle, CCG code) of every ccg_joined_cycle signal sent while the test runs."""
    seen = []

    def receiver(sender, *, cycle, ccg, **kwargs):
        seen.append((cycle.name, ccg.code))

    ccg_joined_cycle.connect(receiver, dispatch_uid="test-joined")
    yield seen
    ccg_joined_cycle.disconnect(dispatch_uid="test-joined")


def test_a_regional_lead_creates_a_cycle_for_their_region(demo, joined):
    data = cycle_input(demo.region, [demo.ccg, demo.ccg2], kind=Cycle.Kind.AUTHORISATION)

    cycle = services.cycle_create(user=demo.region_lead, data=data)

    assert cycle.region == demo.region and cycle.kind == "authorisation"
    assert set(cycle.ccgs.values_list("code", flat=True)) == {"07R", "08H"}
    assert set(cycle.steps.values_list("step", flat=True)) == {"self_assessment", "survey"}
    assert sorted(joined) == [(cycle.name, "07R"), (cycle.name, "08H")]
    event = AuditEvent.objects.get(action="cycle.created", object_id=str(cycle.pk))
    assert event.actor == demo.region_lead and event.after["ccgs"] == ["07R", "08H"]


def test_a_regional_lead_cannot_run_a_cycle_for_another_region_or_its_ccgs(demo, elsewhere, joined):
    before = Cycle.objects.count()

    with pytest.raises(services.CycleInvalid) as other_region:
        services.cycle_create(user=demo.region_lead, data=cycle_input(elsewhere.region, [elsewhere.ccg]))
    with pytest.raises(services.CycleInvalid) as forged:
        services.cycle_create(user=demo.region_lead, data=cycle_input(demo.region, [demo.ccg, elsewhere.ccg]))
    with pytest.raises(services.CycleInvalid) as national:
        services.cycle_create(user=demo.region_lead, data=cycle_input(None, [demo.ccg]))

    assert (
        other_region.value.errors["region"]
        == "You cannot run cycles for NHS Commissioning Board – Midlands and East"
    )
    assert forged.value.errors["ccgs"] == "You cannot add NHS Nottingham City CCG to a cycle"
    assert national.value.errors["region"] == "Choose your region: only platform admins run national cycles"
    assert Cycle.objects.count() == before and joined == []


def test_a_platform_admin_may_run_a_national_cycle_but_not_mix_regions_into_a_regional_one(demo, elsewhere):
    national = services.cycle_create(
        user=demo.admin, data=cycle_input(None, [demo.ccg, elsewhere.ccg], kind=Cycle.Kind.AUTHORISATION)
    )
    with pytest.raises(services.CycleInvalid) as mixed:
        services.cycle_create(
            user=demo.admin, data=cycle_input(demo.region, [elsewhere.ccg], kind="authorisation")
        )

    assert national.region is None and national.ccgs.count() == 2
    assert mixed.value.errors["ccgs"] == (
        "NHS Nottingham City CCG is not in NHS Commissioning Board – London: choose CCGs of the cycle's region"
    )


def test_step_dates_are_checked_against_the_cycle(demo):
    today = timezone.localdate()
    data = cycle_input(demo.region, [demo.ccg], kind="authorisation")
    data.steps = {
        "self_assessment": services.StepInput(opens_on=today, deadline=today + datetime.timedelta(days=400)),
        "survey": services.StepInput(
            opens_on=today + datetime.timedelta(days=20), deadline=today + datetime.timedelta(days=10)
        ),
        "partnership_review": services.StepInput(
            opens_on=today - datetime.timedelta(days=30), deadline=today + datetime.timedelta(days=10)
        ),
    }
    data.reminder_days = "7;1"

    with pytest.raises(services.CycleInvalid) as caught:
        services.cycle_create(user=demo.region_lead, data=data)

    assert caught.value.errors == {
        "self_assessment_deadline": "The self-assessment deadline must fall within the cycle's dates",
        "survey_deadline": "The 360° stakeholder survey deadline must be on or after its opening date",
        "partnership_review_opens_on": "The partnership review opening date must fall within the cycle's dates",
        "reminder_days": "Reminder days must be whole numbers of days separated by commas, like 14,7,1 (got '7;1')",
    }


def test_annual_assurance_needs_a_previous_cycle(demo):
    with pytest.raises(services.CycleInvalid) as caught:
        services.cycle_create(user=demo.region_lead, data=cycle_input(demo.region, [demo.ccg]))

    assert "Choose the cycle this annual assurance follows" in caught.value.errors["previous"]


def test_changing_a_cycle_announces_new_ccgs_and_refuses_stale_edits(demo, joined):
    cycle = services.cycle_create(
        user=demo.region_lead, data=cycle_input(demo.region, [demo.ccg], kind="authorisation")
    )
    joined.clear()
    opened_at = cycle.updated_at

    changed = services.cycle_update(
        cycle=cycle,
        user=demo.admin,
        data=cycle_input(demo.region, [demo.ccg, demo.ccg2], kind="authorisation", name="Renamed"),
        updated_at=opened_at,
    )
    with pytest.raises(services.StaleCycle):
        services.cycle_update(
            cycle=cycle,
            user=demo.region_lead,
            data=cycle_input(demo.region, [demo.ccg], kind="authorisation", name="Lost update"),
            updated_at=opened_at,
        )

    assert joined == [("Renamed", "08H")]
    changed.refresh_from_db()
    assert changed.name == "Renamed"
    event = AuditEvent.objects.get(action="cycle.changed", object_id=str(cycle.pk))
    assert event.before["name"] != event.after["name"]


def test_a_ccg_that_has_started_cannot_leave_and_the_framework_is_then_fixed(demo):
    cycle = services.cycle_create(
        user=demo.region_lead, data=cycle_input(demo.region, [demo.ccg, demo.ccg2], kind="authorisation")
    )
    Assessment.objects.create(cycle=cycle, organisation=demo.ccg2)

    with pytest.raises(services.CycleInvalid) as caught:
        services.cycle_update(
            cycle=cycle,
            user=demo.region_lead,
            data=cycle_input(demo.region, [demo.ccg], kind="annual_assurance", previous=None),
            updated_at=cycle.updated_at,
        )

    assert (
        caught.value.errors["ccgs"]
        == "NHS Islington CCG cannot leave the cycle: their self-assessment has started"
    )
    assert "cannot change once CCGs have started" in caught.value.errors["kind"]
    assert cycle.ccgs.count() == 2


def test_a_failing_receiver_leaves_nothing_written(demo):
    def broken(sender, **kwargs):
        raise RuntimeError("carry-over failed")

    ccg_joined_cycle.connect(broken, dispatch_uid="test-broken")
    try:
        with pytest.raises(RuntimeError):
            services.cycle_create(
                user=demo.region_lead, data=cycle_input(demo.region, [demo.ccg], kind="authorisation")
            )
    finally:
        ccg_joined_cycle.disconnect(dispatch_uid="test-broken")

    assert not Cycle.objects.filter(name="Riverside annual assurance").exists()


# Deadline reminders -----------------------------------------------------------------------------------------


@pytest.fixture
def reminder_cycle(demo):
    """A cycle for a new CCG whose lead, HWB lead and region's two assessors get reminders; deadlines 30 days on."""
    ccg, lead = ccg_with_lead(demo.region)
    hwb = HWBFactory(code="HWB-RIV", name="Riverside Health and Wellbeing Board", region=demo.region)
    RelationFactory(kind="hwb_partner", subject=ccg, object=hwb)
    hwb_lead = UserFactory(email="riverside.hwb@example.org")
    MembershipFactory(user=hwb_lead, organisation=hwb, role=Role.HWB_LEAD)
    today = timezone.localdate()
    data = cycle_input(demo.region, [ccg], kind="authorisation")
    deadline = today + datetime.timedelta(days=30)
    data.steps = {
        step: services.StepInput(opens_on=None, deadline=deadline) for step in CycleStep.Step.values
    }
    cycle = services.cycle_create(user=demo.region_lead, data=data)
    return cycle, ccg, lead, hwb_lead, deadline


def _run(when, django_capture_on_commit_callbacks, cycle=None):
    """Run the day's reminders; with `cycle`, say how many of them were about that cycle."""
    before = DeadlineReminder.objects.filter(step__cycle=cycle).count() if cycle else 0
    moment = datetime.datetime.combine(when, datetime.time(7))
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        run = services.reminders_queue()
    if cycle is None:
        return run
    return DeadlineReminder.objects.filter(step__cycle=cycle).count() - before


def test_reminders_go_to_the_responsible_leads_once(demo, reminder_cycle, django_capture_on_commit_callbacks):
    cycle, ccg, lead, hwb_lead, deadline = reminder_cycle
    mail.outbox.clear()

    too_early = _run(deadline - datetime.timedelta(days=20), django_capture_on_commit_callbacks, cycle)
    first = _run(deadline - datetime.timedelta(days=14), django_capture_on_commit_callbacks, cycle)
    again = _run(deadline - datetime.timedelta(days=13), django_capture_on_commit_callbacks, cycle)

    assert too_early == 0
    # CCG lead: self-assessment, survey, partnership review; HWB lead: partnership review; each of the region's two
    # assessors: review.
    assert first == 6
    assert again == 0
    ours = [m for m in mail.outbox if ccg.name in m.body]
    sent = {(m.to[0].split("<")[1].rstrip(">"), m.subject) for m in ours}
    assert (lead.email, f"Reminder: self-assessment for {ccg.name} is due in 14 days") in sent
    assert (hwb_lead.email, f"Reminder: partnership review for {ccg.name} is due in 14 days") in sent
    assert (demo.assessor.email, f"Reminder: assessor review for {cycle.name} is due in 14 days") in sent
    assert len(ours) == 6
    assessor_mail = next(m for m in ours if demo.assessor.email in m.to[0])
    assert ccg.name in assessor_mail.body
    assert set(DeadlineReminder.objects.filter(step__cycle=cycle).values_list("status", flat=True)) == {
        "sent"
    }


def test_steps_already_done_get_no_reminder(demo, reminder_cycle, django_capture_on_commit_callbacks):
    from assure.assessments.models import Assessment

    cycle, ccg, _lead, _hwb_lead, deadline = reminder_cycle
    Assessment.objects.create(cycle=cycle, organisation=ccg, status=Assessment.Status.SUBMITTED)

    assert _run(deadline - datetime.timedelta(days=7), django_capture_on_commit_callbacks, cycle) == 5
    assert not DeadlineReminder.objects.filter(step__step="self_assessment", step__cycle=cycle).exists()


def test_a_reminder_for_a_step_done_after_queueing_is_skipped(demo, reminder_cycle):
    from assure.assessments.models import Assessment

    cycle, ccg, _lead, _hwb_lead, deadline = reminder_cycle
    with time_machine.travel(datetime.datetime.combine(deadline, datetime.time(7)), tick=False):
        services.reminders_queue()
    reminder = DeadlineReminder.objects.get(step__step="self_assessment", step__cycle=cycle)
    Assessment.objects.create(cycle=cycle, organisation=ccg, status=Assessment.Status.SUBMITTED)

    outcome = services.reminder_send(reminder_id=reminder.pk)

    assert outcome.status == "skipped"
    reminder.refresh_from_db()
    assert reminder.days_before == 1 and reminder.status == "skipped"


def test_the_cycle_s_own_reminder_days_win_and_nothing_goes_out_after_the_deadline(
    demo, reminder_cycle, django_capture_on_commit_callbacks
):
    cycle, _ccg, _lead, _hwb_lead, deadline = reminder_cycle
    Cycle.objects.filter(pk=cycle.pk).update(reminder_days="3")

    assert _run(deadline - datetime.timedelta(days=14), django_capture_on_commit_callbacks, cycle) == 0
    assert _run(deadline - datetime.timedelta(days=2), django_capture_on_commit_callbacks, cycle) == 6
    assert _run(deadline + datetime.timedelta(days=1), django_capture_on_commit_callbacks, cycle) == 0


def test_a_failed_send_is_recorded_and_retried(demo, reminder_cycle, settings):
    cycle, _ccg, _lead, _hwb_lead, deadline = reminder_cycle
    with time_machine.travel(datetime.datetime.combine(deadline, datetime.time(7)), tick=False):
        services.reminders_queue()
    reminder = DeadlineReminder.objects.filter(step__cycle=cycle).first()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1

    outcome = services.reminder_send(reminder_id=reminder.pk)

    reminder.refresh_from_db()
    assert outcome.status == "retrying" and outcome.retry_in == 60
    assert reminder.attempts == 1 and reminder.error


def test_the_daily_command_queues_and_says_how_many(demo, reminder_cycle, capsys):
    cycle, _ccg, _lead, _hwb_lead, deadline = reminder_cycle

    day = (deadline - datetime.timedelta(days=1)).isoformat()
    call_command("send_deadline_reminders", "--date", day)
    first = capsys.readouterr().out
    call_command("send_deadline_reminders", "--date", day)
    second = capsys.readouterr().out

    assert DeadlineReminder.objects.filter(step__cycle=cycle, days_before=1).count() == 6
    queued = int(first.split()[0])
    assert queued >= 5 and first.endswith("0 already sent before.\n")
    assert second == f"0 reminders queued; {queued} already sent before.\n"
    with pytest.raises(Exception, match="--date must be a date"):
        call_command("send_deadline_reminders", "--date", "tomorrow")
