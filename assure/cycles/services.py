"""Running cycles: creating and changing them (with their CCGs and step deadlines), and deadline reminders."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from assure.audit.services import audit_record
from assure.core import permissions
from assure.frameworks.models import Framework
from assure.organisations.models import Membership, Organisation, OrganisationType, Relation, Role

from .deadlines import parse_reminder_days, reminder_due
from .models import Cycle, CycleStep, DeadlineReminder
from .signals import ccg_joined_cycle

NAME_MAX_LENGTH = 200
MAX_SEND_ATTEMPTS = 5
RETRY_DELAYS = [60, 300, 1800, 7200]  # seconds before the 2nd, 3rd, 4th and 5th attempts


class CycleInvalid(Exception):
    """What is wrong with a cycle, by field, written for the person filling in the form."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


class StaleCycle(Exception):
    """Someone else changed the cycle after this edit began."""

    def __init__(self, cycle: Cycle):
        self.current = cycle
        super().__init__(
            "Someone else changed this cycle while you were editing it, so your changes were not saved. "
            "The cycle as it now stands is shown; make your changes again if they are still needed."
        )


@dataclass(frozen=True)
class StepInput:
    opens_on: datetime.date | None
    deadline: datetime.date


@dataclass
class CycleInput:
    name: str
    kind: str
    framework: Framework
    region: Organisation | None
    starts_on: datetime.date
    ends_on: datetime.date
    previous: Cycle | None = None
    ccgs: list[Organisation] = field(default_factory=list)
    steps: dict[str, StepInput] = field(
        default_factory=dict
    )  # step code -> dates; steps left out are not used
    reminder_days: str = ""


STEP_LABELS = dict(CycleStep.Step.choices)


def cycle_validate(*, user, data: CycleInput, cycle: Cycle | None = None) -> dict[str, str]:
    """Every problem with `data`, keyed by field (`ccgs`, `region`, `<step>_deadline`…)."""
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = "Enter a name for the cycle"
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = f"The name must be {NAME_MAX_LENGTH} characters or fewer"
    if data.kind not in Cycle.Kind.values:
        errors["kind"] = "Choose whether this is an authorisation wave or annual assurance"
    if data.region is None:
        if not permissions.is_platform_admin(user):
            errors["region"] = "Choose your region: only platform admins run national cycles"
    elif (
        data.region.type.code != OrganisationType.REGION
        or not permissions.cycle_regions(user, Organisation.objects.filter(pk=data.region.pk)).exists()
    ):
        errors["region"] = f"You cannot run cycles for {data.region.name}"
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        errors["ends_on"] = "The end date must be on or after the start date"
    if data.previous is not None:
        if cycle is not None and data.previous.pk == cycle.pk:
            errors["previous"] = "A cycle cannot follow itself"
        elif not permissions.managed_cycles(user, Cycle.objects.filter(pk=data.previous.pk)).exists():
            errors["previous"] = "Choose a previous cycle that you run"
        elif data.previous.starts_on >= data.starts_on:
            errors["previous"] = f"The previous cycle, {data.previous.name}, must start before this one"
    if data.kind == Cycle.Kind.ANNUAL_ASSURANCE and data.previous is None:
        errors.setdefault(
            "previous", "Choose the cycle this annual assurance follows, so each CCG's work carries over"
        )
    allowed = set(permissions.cycle_ccgs(user, Organisation.objects.filter(pk__in=[c.pk for c in data.ccgs])))
    for ccg in data.ccgs:
        if ccg.type.code != OrganisationType.CCG or ccg not in allowed:
            errors["ccgs"] = f"You cannot add {ccg.name} to a cycle"
            break
        if data.region is not None and ccg.region_id != data.region.pk:
            errors["ccgs"] = f"{ccg.name} is not in {data.region.name}: choose CCGs of the cycle's region"
            break
    if cycle is not None:
        errors.update(_change_errors(cycle, data))
    try:
        parse_reminder_days(data.reminder_days)
    except ValueError as exc:
        errors["reminder_days"] = str(exc)
    for step, dates in data.steps.items():
        label = STEP_LABELS.get(step)
        if label is None:
            errors["steps"] = f"There is no step called {step!r}"
            continue
        if data.starts_on and data.ends_on:
            if not data.starts_on <= dates.deadline <= data.ends_on:
                errors[f"{step}_deadline"] = (
                    f"The {label.lower()} deadline must fall within the cycle's dates"
                )
            if dates.opens_on and not data.starts_on <= dates.opens_on <= data.ends_on:
                errors[f"{step}_opens_on"] = (
                    f"The {label.lower()} opening date must fall within the cycle's dates"
                )
        if dates.opens_on and dates.opens_on > dates.deadline:
            errors[f"{step}_deadline"] = f"The {label.lower()} deadline must be on or after its opening date"
    return errors


def _change_errors(cycle: Cycle, data: CycleInput) -> dict[str, str]:
    """What cannot change once CCGs have started work in the cycle."""
    from assure.assessments.models import Assessment

    errors = {}
    started = set(Assessment.objects.filter(cycle=cycle).values_list("organisation_id", flat=True))
    if started and data.framework.pk != cycle.framework_id:
        errors["framework"] = "The framework cannot change once CCGs have started their self-assessments"
    if started and data.kind != cycle.kind:
        errors["kind"] = "The kind of cycle cannot change once CCGs have started their self-assessments"
    removed = started - {c.pk for c in data.ccgs}
    if removed:
        names = sorted(Organisation.objects.filter(pk__in=removed).values_list("name", flat=True))
        errors["ccgs"] = f"{', '.join(names)} cannot leave the cycle: their self-assessment has started"
    return errors


def _audit_state(cycle: Cycle) -> dict:
    return {
        "name": cycle.name,
        "kind": cycle.kind,
        "framework": f"{cycle.framework.slug} {cycle.framework.version}",
        "region": cycle.region.code if cycle.region_id else None,
        "starts_on": cycle.starts_on.isoformat(),
        "ends_on": cycle.ends_on.isoformat(),
        "previous": cycle.previous.name if cycle.previous_id else None,
        "reminder_days": cycle.reminder_days,
        "ccgs": sorted(cycle.ccgs.values_list("code", flat=True)),
        "steps": {
            s.step: [s.opens_on.isoformat() if s.opens_on else None, s.deadline.isoformat()]
            for s in cycle.steps.order_by("step")
        },
    }


def _apply(cycle: Cycle, data: CycleInput) -> list[Organisation]:
    cycle.name = data.name.strip()
    cycle.kind = data.kind
    cycle.framework = data.framework
    cycle.region = data.region
    cycle.starts_on = data.starts_on
    cycle.ends_on = data.ends_on
    cycle.previous = data.previous
    cycle.reminder_days = ",".join(str(d) for d in parse_reminder_days(data.reminder_days))
    cycle.save()
    before = set(cycle.ccgs.values_list("pk", flat=True))
    wanted = {c.pk: c for c in data.ccgs}
    cycle.ccgs.remove(*(before - wanted.keys()))
    joined = [c for pk, c in wanted.items() if pk not in before]
    cycle.ccgs.add(*joined)
    CycleStep.objects.filter(cycle=cycle).exclude(step__in=list(data.steps)).delete()
    for step, dates in data.steps.items():
        CycleStep.objects.update_or_create(
            cycle=cycle, step=step, defaults={"opens_on": dates.opens_on, "deadline": dates.deadline}
        )
    return sorted(joined, key=lambda c: c.name)


def _announce(cycle: Cycle, joined: list[Organisation]) -> None:
    for ccg in joined:
        ccg_joined_cycle.send(sender=Cycle, cycle=cycle, ccg=ccg)


@transaction.atomic
def cycle_create(*, user, data: CycleInput) -> Cycle:
    """Create a cycle with its CCGs and steps. Each CCG joining is announced (`ccg_joined_cycle`) inside the
    transaction, so what other apps carry over is written with it or not at all. Raises CycleInvalid."""
    errors = cycle_validate(user=user, data=data)
    if errors:
        raise CycleInvalid(errors)
    cycle = Cycle()
    joined = _apply(cycle, data)
    audit_record(
        actor=user,
        action="cycle.created",
        obj=cycle,
        organisation=cycle.region,
        context=f"Cycle {cycle.name}",
        after=_audit_state(cycle),
    )
    _announce(cycle, joined)
    return cycle


@transaction.atomic
def cycle_update(*, cycle: Cycle, user, data: CycleInput, updated_at: datetime.datetime | None) -> Cycle:
    """Change a cycle if nobody else changed it since `updated_at`. CCGs added are announced like on creation.
    Raises CycleInvalid or StaleCycle."""
    current = (
        Cycle.objects.select_for_update(of=("self",))
        .select_related("framework", "region", "previous")
        .get(pk=cycle.pk)
    )
    if updated_at is None or current.updated_at != updated_at:
        raise StaleCycle(current)
    errors = cycle_validate(user=user, data=data, cycle=current)
    if errors:
        raise CycleInvalid(errors)
    before = _audit_state(current)
    joined = _apply(current, data)
    current.refresh_from_db()
    after = _audit_state(current)
    if before != after:
        audit_record(
            actor=user,
            action="cycle.changed",
            obj=current,
            organisation=current.region,
            context=f"Cycle {current.name}",
            before=before,
            after=after,
        )
    _announce(current, joined)
    return current


# Deadline reminders ---------------------------------------------------------------------------------------------


def _recipients(cycle: Cycle, step: CycleStep, ccgs: list[Organisation]) -> dict[tuple[int, int], set[int]]:
    """(organisation the reminder is about, recipient user id) pairs, as {(org id, user id)} grouped."""
    wanted: dict[tuple[int, int], set[int]] = {}
    ccg_ids = [c.pk for c in ccgs]
    leads: dict[int, set[int]] = defaultdict(set)
    for org, user in Membership.objects.filter(
        organisation__in=ccg_ids, role=Role.CCG_LEAD, user__is_active=True
    ).values_list("organisation_id", "user_id"):
        leads[org].add(user)
    if step.step in (CycleStep.Step.SELF_ASSESSMENT, CycleStep.Step.SURVEY):
        for ccg in ccg_ids:
            for user in leads[ccg]:
                wanted[(ccg, user)] = {ccg}
    elif step.step == CycleStep.Step.PARTNERSHIP_REVIEW:
        hwbs: dict[int, set[int]] = defaultdict(set)
        for ccg, hwb in Relation.objects.filter(
            kind=Relation.Kind.HWB_PARTNER, subject__in=ccg_ids
        ).values_list("subject_id", "object_id"):
            hwbs[hwb].add(ccg)
        for hwb, user in Membership.objects.filter(
            organisation__in=list(hwbs), role=Role.HWB_LEAD, user__is_active=True
        ).values_list("organisation_id", "user_id"):
            for ccg in hwbs[hwb]:
                leads[ccg].add(user)
        for ccg in ccg_ids:
            for user in leads[ccg]:
                wanted[(ccg, user)] = {ccg}
    else:  # assessor review: each assessor once per region, about the region's CCGs still to review
        by_region: dict[int, set[int]] = defaultdict(set)
        for ccg in ccgs:
            if ccg.region_id:
                by_region[ccg.region_id].add(ccg.pk)
        for region, user in Membership.objects.filter(
            organisation__in=list(by_region), role=Role.ASSESSOR, user__is_active=True
        ).values_list("organisation_id", "user_id"):
            wanted[(region, user)] = by_region[region]
    return wanted


@dataclass(frozen=True)
class ReminderRun:
    queued: int
    already_sent: int


@transaction.atomic
def reminders_queue(*, today: datetime.date | None = None) -> ReminderRun:
    """Queue the deadline reminders due today for every open cycle: to the responsible people for each step not
    yet done. Each (step, organisation, person, reminder day) is queued once ever, so running it again the same
    day (or catching up a missed day) sends nothing twice. Returns how many were queued."""
    from . import progress

    today = today or timezone.localdate()
    queued: list[int] = []
    existing = 0
    cycles = Cycle.objects.filter(ends_on__gte=today).prefetch_related("steps").select_related("framework")
    for cycle in cycles:
        schedule = cycle.reminder_schedule
        due_steps = []
        for step in cycle.steps.all():
            days = reminder_due(deadline=step.deadline, today=today, days=schedule)
            if days is not None:
                due_steps.append((step, days))
        if not due_steps:
            continue
        ccgs = list(cycle.ccgs.all())
        done = progress.done_by_step(cycle, [s for s, _ in due_steps], [c.pk for c in ccgs])
        for step, days in due_steps:
            pending = [c for c in ccgs if c.pk not in done[step.step]]
            if not pending:
                continue
            for (organisation, user), _about in _recipients(cycle, step, pending).items():
                reminder, created = DeadlineReminder.objects.get_or_create(
                    step=step, organisation_id=organisation, recipient_id=user, days_before=days
                )
                if created:
                    queued.append(reminder.pk)
                else:
                    existing += 1
    from .tasks import send_deadline_reminder

    transaction.on_commit(lambda: [send_deadline_reminder.enqueue(pk) for pk in queued])
    return ReminderRun(queued=len(queued), already_sent=existing)


@dataclass(frozen=True)
class SendOutcome:
    status: str
    retry_in: int | None = None


def _reminder_email(reminder: DeadlineReminder, pending: list[Organisation]) -> EmailMultiAlternatives:
    step = reminder.step
    cycle = step.cycle
    days_left = (step.deadline - timezone.localdate()).days
    when = "today" if days_left <= 0 else f"in {days_left} day{'s' if days_left != 1 else ''}"
    context = {
        "reminder": reminder,
        "step": step,
        "cycle": cycle,
        "recipient": reminder.recipient,
        "organisation": reminder.organisation,
        "pending": pending,
        "when": when,
        "link": settings.SITE_URL + reverse("cycles:detail", args=[cycle.public_id]),
        "service_name": settings.SERVICE_NAME,
    }
    about = (
        reminder.organisation.name if reminder.organisation.type.code == OrganisationType.CCG else cycle.name
    )
    message = EmailMultiAlternatives(
        subject=f"Reminder: {step.get_step_display().lower()} for {about} is due {when}",
        body=render_to_string("cycles/emails/reminder.txt", context),
        to=[f"{reminder.recipient.get_full_name()} <{reminder.recipient.email}>"],
    )
    return message


def reminder_send(*, reminder_id: int) -> SendOutcome:
    """Send one queued reminder (called by the worker), unless the step was done since it was queued."""
    from . import progress

    try:
        with transaction.atomic():
            reminder = (
                DeadlineReminder.objects.select_for_update(of=("self",))
                .select_related("step__cycle", "organisation__type", "recipient")
                .filter(pk=reminder_id)
                .first()
            )
            if reminder is None or reminder.status not in (
                DeadlineReminder.Status.QUEUED,
                DeadlineReminder.Status.RETRYING,
            ):
                return SendOutcome(reminder.status if reminder else "missing")
            cycle = reminder.step.cycle
            if reminder.organisation.type.code == OrganisationType.CCG:
                about = [reminder.organisation]
            else:
                about = list(cycle.ccgs.filter(region=reminder.organisation).order_by("name"))
            done = progress.STEP_DONE[reminder.step.step](cycle, [c.pk for c in about])
            pending = [c for c in about if c.pk not in done]
            now = timezone.now()
            if not pending or not reminder.recipient.is_active:
                reminder.status = DeadlineReminder.Status.SKIPPED
                reminder.error = (
                    "The step was done before the reminder was sent" if not pending else "Inactive"
                )
                reminder.save(update_fields=["status", "error"])
                return SendOutcome(reminder.status)
            _reminder_email(reminder, pending).send()
            reminder.status, reminder.sent_at, reminder.error = DeadlineReminder.Status.SENT, now, ""
            reminder.attempts += 1
            reminder.save(update_fields=["status", "sent_at", "error", "attempts"])
            return SendOutcome(reminder.status)
    except Exception as exc:  # the SMTP server refused, timed out or could not be reached
        with transaction.atomic():
            reminder = DeadlineReminder.objects.select_for_update().get(pk=reminder_id)
            reminder.attempts += 1
            reminder.error = f"{type(exc).__name__}: {exc}"[:2000]
            retry = reminder.attempts < MAX_SEND_ATTEMPTS
            reminder.status = DeadlineReminder.Status.RETRYING if retry else DeadlineReminder.Status.FAILED
            reminder.save(update_fields=["attempts", "error", "status"])
        delay = RETRY_DELAYS[min(reminder.attempts, len(RETRY_DELAYS)) - 1] if retry else None
        return SendOutcome(reminder.status, retry_in=delay)
