"""Self-assessment workflows: rating items without lost updates, submitting, reopening."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from assure.audit.services import audit_record
from assure.cycles.models import Cycle
from assure.evidence.models import Evidence
from assure.frameworks.maturity import DomainResult, ItemLike, Rating, evaluate_domain, rating_of
from assure.frameworks.models import Item
from assure.organisations.models import Membership, Organisation, Role

from .models import (
    NARRATIVE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Assessment,
    CarryOver,
    ItemResponse,
    Submission,
)


class AssessmentLocked(Exception):
    """The assessment is submitted, so it cannot be changed until an assessor reopens it."""


class StaleEdit(Exception):
    """Someone else saved the item after this edit began. Carries the item as it now stands."""

    def __init__(self, current: ItemResponse):
        self.current = current
        who = current.updated_by.get_full_name() if current.updated_by else "someone else"
        super().__init__(
            f"{who} saved item {current.item.code} while you were editing it, so your change was not saved. "
            "Their version is shown; make your change again if it is still needed."
        )


class ItemInvalid(Exception):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


class IncompleteAssessment(Exception):
    def __init__(self, missing: list[str], unconfirmed: list[str] | None = None):
        self.missing = missing
        self.unconfirmed = unconfirmed or []
        problems = []
        if missing:
            problems.append(f"{len(missing)} item(s) still need a rating or to be marked not applicable")
        if self.unconfirmed:
            problems.append(
                f"{len(self.unconfirmed)} item(s) carried over from the last cycle still need to be confirmed "
                "or changed"
            )
        super().__init__("; ".join(problems))


@dataclass
class ItemInput:
    rating: int | None
    not_applicable: bool
    reason: str = ""
    narrative: str = ""
    evidence: list[str] | None = field(default=None)  # evidence public ids; None leaves links unchanged


@transaction.atomic
def assessment_get_or_create(*, cycle: Cycle, organisation: Organisation) -> Assessment:
    """The CCG's self-assessment in the cycle, made with one empty response per item on first use. In an
    annual-assurance cycle that follows another, a new one starts from the CCG's last submission there."""
    assessment, created = Assessment.objects.get_or_create(cycle=cycle, organisation=organisation)
    existing = set(assessment.responses.values_list("item_id", flat=True))
    missing = (
        Item.objects.filter(framework=cycle.framework_id)
        .exclude(pk__in=existing)
        .values_list("pk", flat=True)
    )
    ItemResponse.objects.bulk_create(
        [ItemResponse(assessment=assessment, item_id=pk) for pk in missing], ignore_conflicts=True
    )
    if created and cycle.kind == Cycle.Kind.ANNUAL_ASSURANCE and cycle.previous_id:
        assessment_carry_over(assessment=assessment)
    return assessment


def previous_submissions(assessment: Assessment):
    """The CCG's submissions in the cycle before this one, the last first (none when the cycle follows none)."""
    return Submission.objects.filter(
        assessment__cycle=assessment.cycle.previous_id, assessment__organisation=assessment.organisation_id
    ).order_by("-number")


def previous_submission(assessment: Assessment) -> Submission | None:
    """The CCG's last submission in the cycle before this one, if any."""
    if assessment.cycle.previous_id is None:
        return None
    return previous_submissions(assessment).first()


@transaction.atomic
def assessment_carry_over(*, assessment: Assessment) -> CarryOver | None:
    """Start `assessment` from the CCG's last submission in the previous cycle: copy each rating, reason and
    narrative to the item with the same code, marked *carried over, to be confirmed*, and link the same evidence.
    Items whose codes this framework lacks are listed on the CarryOver, not copied. Idempotent: an assessment
    carries over once, and never over an item someone has already saved."""
    if CarryOver.objects.filter(assessment=assessment).exists():
        return None
    source = previous_submission(assessment)
    if source is None:
        return None
    framework = assessment.cycle.framework
    previous_items = {item["code"]: item for item in source.snapshot.get("items", [])}
    responses = list(
        assessment.responses.select_related("item").filter(version=0).order_by("item__domain__number")
    )
    all_codes = dict(Item.objects.filter(framework=framework).values_list("code", "pk"))
    copied = []
    for response in responses:
        before = previous_items.get(response.item.code)
        if before is None:
            continue
        response.not_applicable = bool(before.get("not_applicable"))
        response.rating = None if response.not_applicable else before.get("rating")
        response.reason = (before.get("reason") or "")[:REASON_MAX_LENGTH] if response.not_applicable else ""
        response.narrative = (before.get("narrative") or "")[:NARRATIVE_MAX_LENGTH]
        response.carried_over = True
        copied.append(response)
    ItemResponse.objects.bulk_update(
        copied, ["rating", "not_applicable", "reason", "narrative", "carried_over"]
    )

    links = 0
    source_framework = source.snapshot.get("framework", {})
    if (source_framework.get("slug"), source_framework.get("version")) != (framework.slug, framework.version):
        # Evidence is linked to a framework's items; link it to the same codes of this framework too.
        evidence_ids = {
            e.public_id: e
            for e in Evidence.objects.filter(
                organisation=assessment.organisation_id,
                public_id__in={
                    ev["id"] for item in previous_items.values() for ev in item.get("evidence", [])
                },
            )
        }
        through = Evidence.items.through
        wanted = []
        for code, item in previous_items.items():
            if code not in all_codes:
                continue
            for ev in item.get("evidence", []):
                evidence = evidence_ids.get(_uuid(ev["id"]))
                if evidence is not None:
                    wanted.append(through(evidence_id=evidence.pk, item_id=all_codes[code]))
        through.objects.bulk_create(wanted, ignore_conflicts=True)
        links = len(wanted)

    carry = CarryOver.objects.create(
        assessment=assessment,
        source=source,
        source_cycle_id=assessment.cycle.previous_id,
        carried_at=timezone.now(),
        carried=len(copied),
        not_carried=[
            {"code": code, "text": item.get("text", "")}
            for code, item in previous_items.items()
            if code not in all_codes
        ],
        new_items=[code for code in all_codes if code not in previous_items],
        evidence_links=links,
    )
    audit_record(
        actor=None,
        action="assessment.carried_over",
        obj=assessment,
        organisation=assessment.organisation,
        context=f"Carried over from {assessment.cycle.previous.name}, submission {source.number}",
        after={
            "carried": carry.carried,
            "not_carried": [i["code"] for i in carry.not_carried],
            "new_items": carry.new_items,
        },
    )
    return carry


def _uuid(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def item_validate(*, assessment: Assessment, code: str, data: ItemInput) -> dict[str, str]:
    """Errors keyed by field, written for the person rating item `code`."""
    errors: dict[str, str] = {}
    scale = assessment.framework.spec.scale
    values = [p.value for p in scale]
    if data.not_applicable:
        if data.rating is not None:
            errors["rating"] = f"Choose a rating or mark {code} not applicable, not both"
        if not assessment.framework.spec.allow_not_applicable:
            errors["not_applicable"] = "This framework does not allow items to be marked not applicable"
        if not data.reason.strip():
            errors["reason"] = f"Give a reason why {code} does not apply"
    elif data.rating is not None and data.rating not in values:
        errors["rating"] = f"Choose a rating for {code} from {min(values)} to {max(values)}"
    if len(data.reason) > REASON_MAX_LENGTH:
        errors["reason"] = f"The reason must be {REASON_MAX_LENGTH} characters or fewer"
    if len(data.narrative) > NARRATIVE_MAX_LENGTH:
        errors["narrative"] = (
            f"The narrative for {code} must be {NARRATIVE_MAX_LENGTH:,} characters or fewer "
            f"(it has {len(data.narrative):,})"
        )
    return errors


@transaction.atomic
def item_save(*, response: ItemResponse, user, data: ItemInput, version: int) -> ItemResponse:
    """Save one item if nobody else saved it since `version`. Raises StaleEdit, ItemInvalid or AssessmentLocked."""
    assessment = response.assessment
    code = response.item.code
    errors = item_validate(assessment=assessment, code=code, data=data)
    evidence: list[Evidence] | None = None
    if data.evidence is not None:
        evidence = list(
            Evidence.objects.filter(organisation=assessment.organisation, public_id__in=data.evidence)
        )
        if len(evidence) != len(set(data.evidence)):
            errors["evidence"] = "Choose evidence from your CCG's evidence library"
    if errors:
        raise ItemInvalid(errors)
    before = ItemResponse.objects.select_related("item", "updated_by").get(pk=response.pk)
    # Saved only if nobody saved it since `version` and the self-assessment is still a draft, in one statement:
    # on SQLite every other save waits while this transaction writes, so it reads and writes as little as it can.
    changes = {
        "rating": None if data.not_applicable else data.rating,
        "not_applicable": data.not_applicable,
        "reason": data.reason.strip() if data.not_applicable else "",
        "narrative": data.narrative,
        "updated_at": timezone.now(),
        "updated_by": user,
        "carried_over": False,  # saving it, changed or not, confirms an item carried over from the last cycle
    }
    updated = ItemResponse.objects.filter(
        pk=response.pk, version=version, assessment__status=Assessment.Status.DRAFT
    ).update(**changes, version=F("version") + 1)
    if not updated:
        if not Assessment.objects.filter(pk=assessment.pk, status=Assessment.Status.DRAFT).exists():
            raise AssessmentLocked("This self-assessment has been submitted and can no longer be changed.")
        raise StaleEdit(before)
    # As the row now stands: `before` was read in this transaction, and the update matched `version`.
    after = copy.copy(before)
    for name, value in changes.items():
        setattr(after, name, value)
    after.version = version + 1
    old_links = set(
        Evidence.objects.filter(organisation=assessment.organisation, items=after.item).values_list(
            "public_id", flat=True
        )
    )
    if evidence is not None:
        new_links = {e.public_id for e in evidence}
        for item_evidence in Evidence.objects.filter(
            organisation=assessment.organisation, public_id__in=old_links - new_links
        ):
            item_evidence.items.remove(after.item)
        for item_evidence in evidence:
            if item_evidence.public_id not in old_links:
                item_evidence.items.add(after.item)
    else:
        new_links = old_links
    before_state = {**before.as_audit(), "evidence": sorted(str(e) for e in old_links)}
    after_state = {**after.as_audit(), "evidence": sorted(str(e) for e in new_links)}
    if before.carried_over:
        before_state["carried_over"] = True
        after_state["carried_over"] = False
    if before_state != after_state:
        audit_record(
            actor=user,
            action="item.saved",
            obj=after,
            organisation=assessment.organisation,
            context=f"Item {code}",
            before=before_state,
            after=after_state,
        )
    return after


def assessment_results(
    assessment: Assessment, responses: list[ItemResponse] | None = None
) -> dict[int, DomainResult]:
    """Each domain's maturity level and threshold verdict, from the current ratings."""
    if responses is None:
        responses = list(assessment.responses.select_related("item__domain"))
    return _results(assessment, ((r.item.domain.number, r.item, r.maturity_value) for r in responses))


def _results(
    assessment: Assessment, rated: Iterable[tuple[int, ItemLike, Rating]]
) -> dict[int, DomainResult]:
    """Each domain's result from (domain number, item, rating) in the framework's order of items."""
    rules = assessment.framework.spec.rules
    by_domain: dict[int, list[ItemLike]] = defaultdict(list)
    ratings = {}
    for number, item, value in rated:
        by_domain[number].append(item)
        ratings[item.code] = value
    return {number: evaluate_domain(rules, items, ratings) for number, items in sorted(by_domain.items())}


class RatedItem(NamedTuple):
    """An item's rating as a page that only counts and weighs ratings reads it: no narrative, no model instance
    (the task list's 77 responses, read as model instances with their items and domains, cost five times as
    much)."""

    code: str
    tier: str
    domain: int  # its domain's number
    rating: int | None
    not_applicable: bool
    carried_over: bool

    @property
    def is_answered(self) -> bool:
        return self.not_applicable or self.rating is not None

    @property
    def maturity_value(self) -> Rating:
        return rating_of(self.rating, self.not_applicable)


def rated_items(assessment: Assessment) -> list[RatedItem]:
    """The self-assessment's ratings in the framework's order of items (that of its responses)."""
    return [
        RatedItem._make(row)
        for row in assessment.responses.order_by("item__domain__number", "item__position").values_list(
            "item__code", "item__tier", "item__domain__number", "rating", "not_applicable", "carried_over"
        )
    ]


def rated_results(assessment: Assessment, rated: list[RatedItem]) -> dict[int, DomainResult]:
    """`assessment_results` from `rated_items`."""
    return _results(assessment, ((r.domain, r, r.maturity_value) for r in rated))


def domain_summary(number: int, result: DomainResult) -> dict:
    """A domain's result as a submission's snapshot records it, and as the API and the reports give it."""
    return {
        "number": number,
        "level": result.level_code,
        "level_label": result.level_label,
        "meets_threshold": result.threshold_met,
        "rated": result.rated,
        "not_applicable": result.not_applicable,
        "total": result.total,
    }


def _snapshot(assessment: Assessment, user, now) -> dict:
    responses = list(assessment.responses.select_related("item__domain"))
    links = defaultdict(list)
    for evidence in (
        Evidence.objects.filter(organisation=assessment.organisation, items__framework=assessment.framework)
        .select_related("evidence_type")
        .prefetch_related("items")
        .distinct()
    ):
        for item in evidence.items.all():
            links[item.code].append(
                {
                    "id": str(evidence.public_id),
                    "title": evidence.title,
                    "type": evidence.evidence_type.title,
                    "document_date": evidence.document_date.isoformat(),
                    "link": evidence.url,
                    "file": evidence.original_name,
                }
            )
    results = assessment_results(assessment, responses)
    return {
        "framework": {"slug": assessment.framework.slug, "version": assessment.framework.version},
        "submitted_at": now.isoformat(),
        "submitted_by": user.email,
        "items": [
            {
                "code": r.item.code,
                "domain": r.item.domain.number,
                "tier": r.item.tier,
                "text": r.item.text,
                "rating": r.rating,
                "not_applicable": r.not_applicable,
                "reason": r.reason,
                "narrative": r.narrative,
                "evidence": links.get(r.item.code, []),
            }
            for r in responses
        ],
        "domains": [domain_summary(number, result) for number, result in results.items()],
    }


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user) -> Submission:
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not assessment.is_draft:
        raise AssessmentLocked("This self-assessment has already been submitted.")
    missing = list(
        assessment.responses.filter(rating__isnull=True, not_applicable=False)
        .order_by("item__domain__number", "item__position")
        .values_list("item__code", flat=True)
    )
    unconfirmed = list(
        assessment.responses.filter(carried_over=True)
        .order_by("item__domain__number", "item__position")
        .values_list("item__code", flat=True)
    )
    if missing or unconfirmed:
        raise IncompleteAssessment(missing, unconfirmed)
    now = timezone.now()
    number = assessment.submissions.count() + 1
    submission = Submission.objects.create(
        assessment=assessment,
        number=number,
        submitted_at=now,
        submitted_by=user,
        snapshot=_snapshot(assessment, user, now),
    )
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = now
    assessment.first_submitted_at = assessment.first_submitted_at or now
    assessment.save(update_fields=["status", "submitted_at", "first_submitted_at", "updated_at"])
    audit_record(
        actor=user,
        action="assessment.submitted",
        obj=assessment,
        organisation=assessment.organisation,
        context=f"Self-assessment submission {number}",
        before={"status": "draft"},
        after={"status": "submitted"},
    )
    return submission


@transaction.atomic
def assessment_reopen(*, assessment: Assessment, user, reason: str) -> Submission:
    reason = reason.strip()
    if not reason:
        raise ItemInvalid({"reason": "Give a reason for reopening the self-assessment"})
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_draft:
        raise AssessmentLocked("This self-assessment is not submitted, so there is nothing to reopen.")
    submission = assessment.submissions.order_by("-number").first()
    submission.reopened_at = timezone.now()
    submission.reopened_by = user
    submission.reopen_reason = reason
    submission.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    assessment.status = Assessment.Status.DRAFT
    assessment.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=user,
        action="assessment.reopened",
        obj=assessment,
        organisation=assessment.organisation,
        context=f"Self-assessment submission {submission.number} reopened",
        before={"status": "submitted"},
        after={"status": "draft", "reason": reason},
    )
    leads = list(
        Membership.objects.filter(
            organisation=assessment.organisation, role=Role.CCG_LEAD, user__is_active=True
        ).values_list("user__email", flat=True)
    )
    if leads:
        link = settings.SITE_URL + reverse("assessments:task_list", args=[assessment.public_id])
        transaction.on_commit(
            lambda: send_mail(
                subject=f"Your self-assessment for {assessment.cycle.name} has been reopened",
                message=(
                    f"{user.get_full_name()} has reopened {assessment.organisation.name}'s self-assessment "
                    f"for {assessment.cycle.name}.\n\nReason: {reason}\n\nYou can change it and submit it again: {link}\n"
                ),
                from_email=None,
                recipient_list=leads,
                fail_silently=True,
            )
        )
    return submission


@transaction.atomic
def assessment_share(*, assessment: Assessment, user, shared: bool) -> Assessment:
    if assessment.shared_with_hwb != shared:
        Assessment.objects.filter(pk=assessment.pk).update(shared_with_hwb=shared, updated_at=timezone.now())
        audit_record(
            actor=user,
            action="assessment.sharing",
            obj=assessment,
            organisation=assessment.organisation,
            context="Sharing with partner HWBs",
            before={"shared_with_hwb": assessment.shared_with_hwb},
            after={"shared_with_hwb": shared},
        )
        assessment.shared_with_hwb = shared
    return assessment
