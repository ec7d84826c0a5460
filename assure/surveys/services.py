"""360° survey workflows: setting up, the stakeholder list, invitations and reminders, responding, closing.

Every write is a typed function with keyword-only arguments, in one transaction. Audit entries record changes to
the survey's settings and list, and counts of emails queued: never anything a respondent answered.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from assure.audit.services import audit_record
from assure.cycles.models import Cycle, CycleStep
from assure.frameworks.models import Domain
from assure.organisations.models import Organisation

from . import anonymity
from .constants import (
    ANSWER_CODES,
    COMMENT_MAX_LENGTH,
    GROUP_CODES,
    GROUP_LABELS,
    LOWEST_MIN_GROUP_SIZE,
)
from .importer import NAME_MAX_LENGTH, ORGANISATION_MAX_LENGTH, StakeholderRow
from .models import EmailDelivery, Response, Stakeholder, Survey

TOKEN_BYTES = 32  # 256 bits of randomness in every link
MAX_SEND_ATTEMPTS = 5
RETRY_DELAYS = (60, 300, 1800, 7200)  # seconds before the 2nd, 3rd, 4th and 5th attempts
INTRO_MAX_LENGTH = 3000


class SurveyInvalid(Exception):
    """Input that breaks a rule. `errors` maps a field name to a message written for the person."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))


class SurveyStateError(Exception):
    """The survey's state forbids this (not open yet, closed). `code` says which."""

    def __init__(self, message: str, code: str):
        self.code = code
        super().__init__(message)


class LinkInvalid(Exception):
    """No stakeholder has this link (mistyped, made up, or replaced by a newer one)."""


# Links ------------------------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def response_key(token: str) -> str:
    """The key a response is stored under: only whoever holds the link can work it out."""
    return salted_hmac("assure.surveys.response", token, algorithm="sha256").hexdigest()


def respond_url(token: str) -> str:
    return settings.SITE_URL + reverse("surveys:respond", args=[token])


def _rotate_link(stakeholder: Stakeholder, token: str | None = None) -> str:
    """Give the stakeholder a new link (`token`, or a new secret); the one before keeps working alongside it.
    Returns the new secret."""
    token = token or secrets.token_urlsafe(TOKEN_BYTES)
    stakeholder.previous_token_hash = stakeholder.token_hash
    stakeholder.token_hash = token_hash(token)
    return token


def stakeholder_for_link(token: str, *, with_names: bool = True) -> Stakeholder:
    """Whom the link opens, with its survey (and the survey's CCG and cycle, which the pages name; a submission
    that is stored and redirected does without them, and they are read when needed).

    Raises LinkInvalid."""
    if not token or len(token) > 200:
        raise LinkInvalid
    digest = token_hash(token)
    related = ("survey__organisation", "survey__cycle") if with_names else ("survey",)
    queryset = Stakeholder.objects.select_related(*related)
    # Ordered by id alone: the default ordering (survey, name, email) pulls in the survey's and its cycle's
    # orderings, which cost more to compile than the indexed lookup costs to run. At most one row matches.
    stakeholder = queryset.filter(Q(token_hash=digest) | Q(previous_token_hash=digest)).order_by("pk").first()
    if stakeholder is None:
        raise LinkInvalid
    return stakeholder


def link_opened(*, stakeholder: Stakeholder) -> None:
    Stakeholder.objects.filter(pk=stakeholder.pk, opened_at__isnull=True).update(opened_at=timezone.now())


# Setting up -------------------------------------------------------------------------------------------------


def framework_statements(framework) -> list[dict]:
    domains = (
        Domain.objects.filter(framework=framework).prefetch_related("survey_statements").order_by("number")
    )
    return [
        {
            "number": d.number,
            "title": d.title,
            "short_title": d.short_title,
            "statements": [{"code": s.code, "text": s.text} for s in d.survey_statements.all()],
        }
        for d in domains
    ]


def default_dates(cycle: Cycle, now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    """The cycle's survey step, if it has one, from 9am on its opening day to 5pm on its deadline."""
    step = cycle.steps.filter(step=CycleStep.Step.SURVEY).first()
    tz = timezone.get_current_timezone()
    if step is not None and step.opens_on and step.deadline > timezone.localdate(now):
        opens = datetime.datetime.combine(step.opens_on, datetime.time(9), tz)
        closes = datetime.datetime.combine(step.deadline, datetime.time(17), tz)
        return opens, closes
    opens = now.replace(second=0, microsecond=0)
    return opens, opens + datetime.timedelta(days=28)


@transaction.atomic
def survey_create(*, cycle: Cycle, organisation: Organisation, user) -> Survey:
    """The CCG's survey in the cycle, created with default settings on first use."""
    survey = Survey.objects.filter(cycle=cycle, organisation=organisation).first()
    if survey is not None:
        return survey
    opens_at, closes_at = default_dates(cycle, timezone.now())
    survey = Survey.objects.create(
        cycle=cycle,
        organisation=organisation,
        opens_at=opens_at,
        closes_at=closes_at,
        statements=framework_statements(cycle.framework),
    )
    audit_record(
        actor=user,
        action="survey.created",
        obj=survey,
        organisation=organisation,
        context="360° survey set up",
        after=survey.as_audit(),
    )
    return survey


@transaction.atomic
def survey_update(
    *,
    survey: Survey,
    user,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    min_group_size: int,
    intro: str,
) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    now = timezone.now()
    status = survey.status_at(now)
    if status == Survey.Status.CLOSED:
        raise SurveyStateError("This survey has closed, so its settings can no longer be changed.", "closed")
    errors: dict[str, str] = {}
    intro = intro.strip()
    if status == Survey.Status.OPEN and opens_at != survey.opens_at:
        errors["opens_at"] = "The survey is open, so its opening date can no longer be changed"
    if closes_at <= opens_at:
        errors["closes_at"] = "The closing date must be after the opening date"
    elif closes_at <= now:
        errors["closes_at"] = (
            "The closing date must be in the future. To close the survey now, use Close the survey"
        )
    if min_group_size < LOWEST_MIN_GROUP_SIZE:
        errors["min_group_size"] = (
            f"The minimum number of responses must be {LOWEST_MIN_GROUP_SIZE} or more, so nobody can be identified"
        )
    elif min_group_size > 1000:
        errors["min_group_size"] = "The minimum number of responses must be 1,000 or fewer"
    if len(intro) > INTRO_MAX_LENGTH:
        errors["intro"] = f"The introduction must be {INTRO_MAX_LENGTH:,} characters or fewer"
    if errors:
        raise SurveyInvalid(errors)
    before = survey.as_audit()
    survey.opens_at, survey.closes_at, survey.min_group_size, survey.intro = (
        opens_at,
        closes_at,
        min_group_size,
        intro,
    )
    if status == Survey.Status.SCHEDULED:
        # Until it opens the statements follow the framework; from then on they are frozen as asked.
        survey.statements = framework_statements(survey.cycle.framework)
    survey.save()
    if survey.as_audit() != before:
        audit_record(
            actor=user,
            action="survey.settings",
            obj=survey,
            organisation=survey.organisation,
            context="360° survey settings",
            before=before,
            after=survey.as_audit(),
        )
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, user) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    status = survey.status
    if status == Survey.Status.CLOSED:
        raise SurveyStateError("This survey has already closed.", "closed")
    if status == Survey.Status.SCHEDULED:
        raise SurveyStateError("This survey has not opened yet, so there is nothing to close.", "not_open")
    survey.closed_at = timezone.now()
    survey.save(update_fields=["closed_at", "updated_at"])
    audit_record(
        actor=user,
        action="survey.closed",
        obj=survey,
        organisation=survey.organisation,
        context="360° survey closed by hand",
        before={"status": "open"},
        after={"status": "closed"},
    )
    return survey


# The stakeholder list ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StakeholderInput:
    name: str
    email: str
    organisation: str
    group: str  # a group code


def stakeholder_validate(*, survey: Survey, data: StakeholderInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    name, email = " ".join(data.name.split()), data.email.strip().lower()
    if not name:
        errors["name"] = "Enter the person's name"
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = f"The name must be {NAME_MAX_LENGTH} characters or fewer"
    if not email:
        errors["email"] = "Enter an email address"
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter an email address in the correct format, like name@example.org"
        else:
            if Stakeholder.objects.filter(survey=survey, email=email).exists():
                errors["email"] = f"{email} is already on the stakeholder list"
    if len(data.organisation.strip()) > ORGANISATION_MAX_LENGTH:
        errors["organisation"] = f"The organisation must be {ORGANISATION_MAX_LENGTH} characters or fewer"
    if data.group not in GROUP_CODES:
        errors["group"] = "Choose the person's stakeholder group"
    return errors


def _check_not_closed(survey: Survey) -> None:
    if survey.is_closed:
        raise SurveyStateError(
            "This survey has closed, so its stakeholder list can no longer be changed.", "closed"
        )


@transaction.atomic
def stakeholder_add(*, survey: Survey, user, data: StakeholderInput) -> Stakeholder:
    _check_not_closed(survey)
    errors = stakeholder_validate(survey=survey, data=data)
    if errors:
        raise SurveyInvalid(errors)
    stakeholder = Stakeholder.objects.create(
        survey=survey,
        name=" ".join(data.name.split()),
        email=data.email.strip().lower(),
        organisation=" ".join(data.organisation.split()),
        group=data.group,
    )
    audit_record(
        actor=user,
        action="stakeholder.added",
        obj=survey,
        organisation=survey.organisation,
        context=f"Stakeholder {stakeholder.email} added",
        after={"name": stakeholder.name, "email": stakeholder.email, "group": stakeholder.group},
    )
    return stakeholder


@transaction.atomic
def stakeholder_remove(*, stakeholder: Stakeholder, user) -> None:
    survey = stakeholder.survey
    _check_not_closed(survey)
    if stakeholder.invited_at is not None:
        raise SurveyStateError(f"{stakeholder.name} has been invited, so they stay on the list.", "invited")
    stakeholder.delete()
    audit_record(
        actor=user,
        action="stakeholder.removed",
        obj=survey,
        organisation=survey.organisation,
        context=f"Stakeholder {stakeholder.email} removed",
        before={"name": stakeholder.name, "email": stakeholder.email, "group": stakeholder.group},
    )


def _insert_stakeholders(survey: Survey, rows: Sequence[StakeholderRow], now: datetime.datetime) -> None:
    """Insert many stakeholders with multi-row INSERTs. `bulk_create` spends most of its time preparing each
    field of each row; here only the values that differ per row are prepared, so 10,000 rows take a fraction
    of a second."""
    if not rows:
        return
    meta = Stakeholder._meta
    names = ["survey", "public_id", "name", "email", "organisation", "group", "added_at", "reminders"]
    fields = [meta.get_field(name) for name in names]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    public_id = meta.get_field("public_id")
    added_at = meta.get_field("added_at").get_db_prep_save(now, connection)
    values = [
        (
            survey.pk,
            public_id.get_db_prep_save(uuid.uuid4(), connection),
            row.name,
            row.email,
            row.organisation,
            row.group,
            added_at,
            0,
        )
        for row in rows
    ]
    # Equal batches make the same SQL each time, which the database driver parses once and reuses.
    batch = max(1, min(500, connection.ops.bulk_batch_size(fields, values)))
    table = connection.ops.quote_name(meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(values), batch):
            chunk = values[start : start + batch]
            placeholders = ", ".join([f"({marks})"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {placeholders}",  # noqa: S608 (names from the model)
                [value for row in chunk for value in row],
            )


def existing_emails(survey: Survey) -> set[str]:
    return set(Stakeholder.objects.filter(survey=survey).values_list("email", flat=True))


@dataclass(frozen=True)
class ImportOutcome:
    added: int
    already_listed: list[str]  # emails added to the list by someone else since the preview


@transaction.atomic
def stakeholders_import(*, survey: Survey, user, rows: Sequence[StakeholderRow]) -> ImportOutcome:
    """Add checked rows in bulk. Rows whose email reached the list since they were checked are left out."""
    _check_not_closed(survey)
    list(Survey.objects.select_for_update().filter(pk=survey.pk).values_list("pk"))  # one import at a time
    existing = existing_emails(survey)
    fresh, skipped, seen = [], [], set()
    for row in rows:
        if row.email in existing or row.email in seen:
            skipped.append(row.email)
            continue
        seen.add(row.email)
        fresh.append(row)
    _insert_stakeholders(survey, fresh, timezone.now())
    if fresh:
        audit_record(
            actor=user,
            action="stakeholders.imported",
            obj=survey,
            organisation=survey.organisation,
            context=f"{len(fresh)} stakeholders imported",
            after={"added": len(fresh), "skipped": len(skipped)},
        )
    return ImportOutcome(added=len(fresh), already_listed=skipped)


# Invitations and reminders ----------------------------------------------------------------------------------


def _pending(kind: str):
    return Q(
        deliveries__kind=kind,
        deliveries__status__in=[EmailDelivery.Status.QUEUED, EmailDelivery.Status.RETRYING],
    )


def _queue(survey: Survey, user, stakeholders: Iterable[int], kind: str) -> int:
    ids = list(stakeholders)
    now = timezone.now()
    deliveries = EmailDelivery.objects.bulk_create(
        [EmailDelivery(stakeholder_id=pk, kind=kind, queued_at=now) for pk in ids], batch_size=2000
    )
    if not deliveries:
        return 0
    delivery_ids = [d.pk for d in deliveries]
    if any(pk is None for pk in delivery_ids):  # databases that do not return bulk-inserted keys
        delivery_ids = list(
            EmailDelivery.objects.filter(stakeholder_id__in=ids, kind=kind, queued_at=now).values_list(
                "pk", flat=True
            )
        )
    audit_record(
        actor=user,
        action=f"survey.{kind}s_queued",
        obj=survey,
        organisation=survey.organisation,
        context=f"{len(delivery_ids)} {kind}{'s' if len(delivery_ids) != 1 else ''} queued",
        after={"count": len(delivery_ids)},
    )
    from .tasks import send_survey_email

    transaction.on_commit(lambda: [send_survey_email.enqueue(pk) for pk in delivery_ids])
    return len(delivery_ids)


def _check_open(survey: Survey, what: str) -> None:
    status = survey.status
    if status == Survey.Status.SCHEDULED:
        raise SurveyStateError(
            f"The survey opens on {timezone.localtime(survey.opens_at):%-d %B %Y at %H:%M}: "
            f"{what} can be sent from then.",
            "not_open",
        )
    if status == Survey.Status.CLOSED:
        raise SurveyStateError(f"The survey has closed, so no more {what} can be sent.", "closed")


@transaction.atomic
def invitations_send(*, survey: Survey, user) -> int:
    """Queue an invitation for everyone on the list not yet invited (nor waiting for one). Returns how many."""
    _check_open(survey, "invitations")
    waiting = (
        Stakeholder.objects.filter(survey=survey, invited_at__isnull=True)
        .exclude(_pending(EmailDelivery.Kind.INVITATION))
        .values_list("pk", flat=True)
    )
    return _queue(survey, user, waiting, EmailDelivery.Kind.INVITATION)


@transaction.atomic
def reminders_send(*, survey: Survey, user) -> int:
    """Queue a reminder for everyone invited who has not responded (and is not waiting for one)."""
    _check_open(survey, "reminders")
    waiting = (
        Stakeholder.objects.filter(survey=survey, invited_at__isnull=False, responded_at__isnull=True)
        .exclude(_pending(EmailDelivery.Kind.REMINDER))
        .values_list("pk", flat=True)
    )
    return _queue(survey, user, waiting, EmailDelivery.Kind.REMINDER)


def build_email(*, stakeholder: Stakeholder, kind: str, token: str) -> EmailMultiAlternatives:
    survey = stakeholder.survey
    context = {
        "stakeholder": stakeholder,
        "survey": survey,
        "organisation": survey.organisation,
        "link": respond_url(token),
        "closes_at": timezone.localtime(survey.closes_at),
        "reminder": kind == EmailDelivery.Kind.REMINDER,
        "service_name": settings.SERVICE_NAME,
        "min_group_size": survey.min_group_size,
    }
    subject = (
        f"Reminder: your views on {survey.organisation.name}"
        if kind == EmailDelivery.Kind.REMINDER
        else f"Your views on {survey.organisation.name}: 360° stakeholder survey"
    )
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("surveys/emails/invitation.txt", context),
        to=[f"{stakeholder.name} <{stakeholder.email}>"],
    )
    message.attach_alternative(render_to_string("surveys/emails/invitation.html", context), "text/html")
    return message


@dataclass(frozen=True)
class SendOutcome:
    status: str
    retry_in: int | None = None  # seconds, when it failed and will be tried again


def delivery_send(*, delivery_id: int) -> SendOutcome:
    """Send one queued email (called by the worker), in three steps so that no database transaction stays open
    while the mail server is talking (on SQLite that would hold up every other write):

    1. check that it is still due (a short transaction) and make the new link;
    2. send it;
    3. record the new link and the sending, if nobody else did meanwhile (a short transaction).

    A failed send leaves the stakeholder's links as they were. A crash between 2 and 3 sends it again later (the
    first copy's link never worked: it was not saved)."""
    try:
        with transaction.atomic():
            delivery = EmailDelivery.objects.select_for_update().filter(pk=delivery_id).first()
            if delivery is None or delivery.status not in PENDING_STATUSES:
                return SendOutcome(delivery.status if delivery else "missing")
            stakeholder = (
                Stakeholder.objects.select_for_update(of=("self",))
                .select_related("survey__organisation", "survey__cycle")
                .get(pk=delivery.stakeholder_id)
            )
            reason = _skip_reason(stakeholder, delivery.kind)
            if reason:
                delivery.status, delivery.error, delivery.last_attempt_at = (
                    EmailDelivery.Status.SKIPPED,
                    reason,
                    timezone.now(),
                )
                delivery.save(update_fields=["status", "error", "last_attempt_at"])
                return SendOutcome(delivery.status)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        build_email(stakeholder=stakeholder, kind=delivery.kind, token=token).send()
        with transaction.atomic():
            delivery = EmailDelivery.objects.select_for_update().get(pk=delivery_id)
            if delivery.status not in PENDING_STATUSES:  # sent by another worker meanwhile
                return SendOutcome(delivery.status)
            stakeholder = Stakeholder.objects.select_for_update(of=("self",)).get(pk=delivery.stakeholder_id)
            _rotate_link(stakeholder, token)
            now = timezone.now()
            if delivery.kind == EmailDelivery.Kind.INVITATION:
                stakeholder.invited_at = now
            else:
                stakeholder.reminded_at = now
                stakeholder.reminders += 1
            stakeholder.save()
            delivery.status, delivery.sent_at, delivery.last_attempt_at = EmailDelivery.Status.SENT, now, now
            delivery.attempts += 1
            delivery.error = ""
            delivery.save()
            return SendOutcome(delivery.status)
    except Exception as exc:  # the SMTP server refused, timed out or could not be reached
        with transaction.atomic():
            delivery = EmailDelivery.objects.select_for_update().get(pk=delivery_id)
            delivery.attempts += 1
            delivery.last_attempt_at = timezone.now()
            delivery.error = f"{type(exc).__name__}: {exc}"[:2000]
            retry = delivery.attempts < MAX_SEND_ATTEMPTS
            delivery.status = EmailDelivery.Status.RETRYING if retry else EmailDelivery.Status.FAILED
            delivery.save()
        delay = RETRY_DELAYS[min(delivery.attempts, len(RETRY_DELAYS)) - 1] if retry else None
        return SendOutcome(delivery.status, retry_in=delay)


PENDING_STATUSES = (EmailDelivery.Status.QUEUED, EmailDelivery.Status.RETRYING)


def _skip_reason(stakeholder: Stakeholder, kind: str) -> str:
    status = stakeholder.survey.status
    if status != Survey.Status.OPEN:
        return "The survey was not open when the email was due to be sent"
    if kind == EmailDelivery.Kind.INVITATION and stakeholder.invited_at is not None:
        return "Already invited"
    if kind == EmailDelivery.Kind.REMINDER and stakeholder.responded_at is not None:
        return "Responded before the reminder was sent"
    return ""


# Responding -------------------------------------------------------------------------------------------------


def response_validate(
    *, survey: Survey, answers: Mapping[str, str], comments: Mapping[int, str]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    codes = set(survey.statement_codes)
    numbers = {d["number"] for d in survey.statements}
    for code, answer in answers.items():
        if code not in codes:
            errors[code] = f"There is no statement {code} in this survey"
        elif answer not in ANSWER_CODES:
            errors[code] = f"Choose one of the answers for statement {code}"
    for number, comment in comments.items():
        if number not in numbers:
            errors[f"comment-{number}"] = f"There is no domain {number} in this survey"
        elif len(comment) > COMMENT_MAX_LENGTH:
            errors[f"comment-{number}"] = (
                f"Your comment on domain {number} must be {COMMENT_MAX_LENGTH:,} characters or fewer "
                f"(it has {len(comment):,})"
            )
    return errors


def response_for(*, survey: Survey, token: str) -> Response | None:
    return Response.objects.filter(survey=survey, key=response_key(token)).first()


def response_save(
    *,
    token: str,
    answers: Mapping[str, str],
    comments: Mapping[int, str],
    stakeholder: Stakeholder | None = None,
) -> None:
    """Store a respondent's answers, replacing any they gave before with the same link, all at once.

    `stakeholder` is whom the link opened a moment ago, if the caller has looked (the respondent's page has):
    the lookup with its survey is then not made twice. Either way the stakeholder's row is locked and read again
    before anything is written, so a link replaced in the meantime is refused.

    Everything that needs no lock (checking the answers, working out the response's key) is done before the
    transaction begins: on SQLite the transaction holds the database's one write lock, which every other
    respondent is waiting for.

    Raises LinkInvalid, SurveyStateError (not open, closed) or SurveyInvalid.
    """
    if stakeholder is None:
        stakeholder = stakeholder_for_link(token, with_names=False)
    survey = stakeholder.survey
    status = survey.status
    if status == Survey.Status.CLOSED:
        raise SurveyStateError(
            "This survey has closed, so answers can no longer be given or changed.", "closed"
        )
    if status == Survey.Status.SCHEDULED:
        raise SurveyStateError("This survey has not opened yet.", "not_open")
    answers = {code: answer for code, answer in answers.items() if answer}
    comments = {number: text.strip() for number, text in comments.items() if text and text.strip()}
    errors = response_validate(survey=survey, answers=answers, comments=comments)
    if errors:
        raise SurveyInvalid(errors)
    key = response_key(token)
    digest = token_hash(token)
    stored = {"answers": answers, "comments": {str(number): text for number, text in comments.items()}}
    with transaction.atomic():
        locked = list(
            Stakeholder.objects.select_for_update()
            .filter(Q(token_hash=digest) | Q(previous_token_hash=digest), pk=stakeholder.pk)
            .order_by()
            .values_list("group", "opened_at")
        )
        if not locked:
            raise LinkInvalid
        group, opened_at = locked[0]
        if Response.objects.filter(survey=survey, key=key).update(**stored):
            return
        try:
            with transaction.atomic():
                Response.objects.create(survey=survey, key=key, group=group, **stored)
        except IntegrityError:  # the same link, submitted twice at once: the later one replaces the earlier
            Response.objects.filter(survey=survey, key=key).update(**stored)
            return
        now = timezone.now()
        # From now on only the link they answered with opens their answers.
        Stakeholder.objects.filter(pk=stakeholder.pk).update(
            responded_at=now, opened_at=opened_at or now, token_hash=digest, previous_token_hash=None
        )


# Reading ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRate:
    group: str
    label: str
    listed: int
    invited: int
    opened: int
    responded: int

    @property
    def rate(self) -> float | None:
        return self.responded / self.invited if self.invited else None

    @property
    def rate_percent(self) -> str:
        return "–" if self.rate is None else f"{round(self.rate * 100)}%"


def survey_rates(survey: Survey) -> tuple[list[GroupRate], GroupRate]:
    """Per group (every group with someone on the list) and in total: listed, invited, opened, responded."""
    rows = (
        Stakeholder.objects.filter(survey=survey)
        .values("group")
        .annotate(
            listed=Count("pk"),
            invited=Count("pk", filter=Q(invited_at__isnull=False)),
            opened=Count("pk", filter=Q(opened_at__isnull=False)),
            responded=Count("pk", filter=Q(responded_at__isnull=False)),
        )
    )
    by_group = {row["group"]: row for row in rows}
    rates = [
        GroupRate(
            group=code,
            label=GROUP_LABELS[code],
            listed=row["listed"],
            invited=row["invited"],
            opened=row["opened"],
            responded=row["responded"],
        )
        for code in GROUP_CODES
        if (row := by_group.get(code))
    ]
    total = GroupRate(
        group="all",
        label="All stakeholders",
        listed=sum(r.listed for r in rates),
        invited=sum(r.invited for r in rates),
        opened=sum(r.opened for r in rates),
        responded=sum(r.responded for r in rates),
    )
    return rates, total


def survey_results(survey: Survey) -> anonymity.Results:
    """The results with the anonymity rules applied (see anonymity.py). Only for a closed survey."""
    rows = Response.objects.filter(survey=survey).values_list("group", "answers", "comments")
    data = (
        anonymity.ResponseData(
            group=group, answers=answers, comments={int(k): v for k, v in (comments or {}).items()}
        )
        for group, answers, comments in rows
    )
    return anonymity.results(data, survey.statement_codes, survey.min_group_size)
