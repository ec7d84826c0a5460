"""Development plan workflows: gathering actions from their sources, the CCG's own actions, status changes
without lost updates, and carrying open actions into the next cycle.

Gathering is idempotent: each gathered action remembers what it came from (`source_key`), so gathering again
adds only what is new, and never changes an action someone has edited. The one exception is an action made from
a condition of authorisation, whose status follows the condition (see `condition_sync`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from assure.audit.services import audit_record
from assure.cycles.models import Cycle
from assure.organisations.models import Membership, Organisation

from . import rules
from .models import DESCRIPTION_MAX_LENGTH, OWNER_NAME_MAX_LENGTH, TITLE_MAX_LENGTH, Action, Plan


class NotInCycle(Exception):
    """The CCG does not take part in the cycle."""


class Invalid(Exception):
    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


class StaleEdit(Exception):
    """Someone else changed the action after this edit began. Carries the action as it now stands."""

    def __init__(self, current: Action):
        self.current = current
        who = current.updated_by.get_full_name() if current.updated_by_id else "someone else"
        super().__init__(
            f"{who} changed “{current.title}” while you were editing it, so your change was not saved. "
            "Their version is shown; make your change again if it is still needed."
        )


class FollowsSource(Exception):
    """The action's status follows its condition of authorisation and cannot be set by hand."""


@dataclass(frozen=True)
class Candidate:
    """An action a source asks for, before it is in the plan."""

    source: str
    source_key: str
    title: str
    description: str = ""
    domain_id: int | None = None
    item_id: int | None = None
    assessment_id: int | None = None
    agreed_item_id: int | None = None
    survey_id: int | None = None
    condition_id: int | None = None
    owner_name: str = ""
    due: datetime.date | None = None
    status: str = rules.OPEN


@dataclass
class ActionInput:
    title: str
    description: str = ""
    domain_id: int | None = None
    owner_id: int | None = None
    owner_name: str = ""
    due: datetime.date | None = None
    status: str = rules.OPEN


def _clip(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def from_draft(action: Action) -> bool:
    """Whether the action was gathered from a self-assessment that has never been submitted. Such an action says
    something about the draft, so only the CCG's own people see it (see permissions.visible_plan_actions)."""
    if action.source != Action.Source.SELF_ASSESSMENT:
        return False
    from assure.assessments.models import Assessment

    return not Assessment.objects.filter(pk=action.assessment_id, first_submitted_at__isnull=False).exists()


def audit_organisation(action: Action, ccg: Organisation) -> Organisation | None:
    """The organisation an action's audit events are filed under. Events about an action from a draft carry none:
    the organisation-wide audit log is read by assessors, who must not read about a draft."""
    return None if from_draft(action) else ccg


def plan_for(*, cycle: Cycle, ccg: Organisation) -> Plan | None:
    return Plan.objects.filter(cycle=cycle, organisation=ccg).first()


def plan_get_or_create(*, cycle: Cycle, ccg: Organisation) -> Plan:
    """The CCG's plan in the cycle, made if it does not exist yet. Raises NotInCycle."""
    if not cycle.ccgs.filter(pk=ccg.pk).exists():
        raise NotInCycle(f"{ccg.name} does not take part in {cycle.name}.")
    plan = Plan.objects.filter(cycle=cycle, organisation=ccg).first()
    if plan is not None:
        return plan
    try:
        with transaction.atomic():
            return Plan.objects.create(cycle=cycle, organisation=ccg)
    except IntegrityError:  # made by someone else at the same moment
        return Plan.objects.get(cycle=cycle, organisation=ccg)


# Sources ------------------------------------------------------------------------------------------------------


def self_assessment_candidates(cycle: Cycle, ccg: Organisation) -> list[Candidate]:
    """Items rated below the threshold in the CCG's self-assessment (unrated items are not yet an action)."""
    from assure.assessments.models import Assessment
    from assure.assessments.services import assessment_results

    assessment = Assessment.objects.filter(cycle=cycle, organisation=ccg).first()
    if assessment is None:
        return []
    responses = list(assessment.responses.select_related("item__domain"))
    by_code = {r.item.code: r for r in responses}
    threshold = cycle.framework.spec.rules.threshold
    candidates = []
    for number, result in assessment_results(assessment, responses).items():
        shortfall = result.threshold_shortfall
        if shortfall is None:
            continue
        for code in shortfall.items_below:
            response = by_code[code]
            if response.rating is None:
                continue
            item = response.item
            candidates.append(
                Candidate(
                    source=Action.Source.SELF_ASSESSMENT,
                    source_key=f"item:{code}",
                    title=_clip(f"Bring item {code} up to the threshold: {item.text}", TITLE_MAX_LENGTH),
                    description=(
                        f"Domain {number} ({item.domain.short_title}) meets the threshold when every "
                        f"{shortfall.tier} item is rated {threshold.min_rating} or above; the self-assessment "
                        f"rates item {code} below that."
                    ),
                    domain_id=item.domain_id,
                    item_id=item.pk,
                    assessment_id=assessment.pk,
                    due=cycle.ends_on,
                )
            )
    return candidates


def partnership_candidates(cycle: Cycle, ccg: Organisation) -> list[Candidate]:
    """The development actions agreed in the CCG's agreed partnership reviews of the cycle."""
    from assure.partnerships.models import AgreedItem, PartnershipReview

    agreed = (
        AgreedItem.objects.filter(
            review__cycle=cycle, review__ccg=ccg, review__status=PartnershipReview.Status.AGREED
        )
        .exclude(action="")
        .select_related("item__domain", "review__hwb", "action_owner")
        .order_by("review__hwb__name", "item__domain__number", "item__position")
    )
    return [
        Candidate(
            source=Action.Source.PARTNERSHIP,
            source_key=f"agreed:{a.pk}",
            title=_clip(f"{a.item.code}: {a.action}", TITLE_MAX_LENGTH),
            description=_clip(
                f"Agreed with {a.review.hwb.name} in the partnership review: {a.action}",
                DESCRIPTION_MAX_LENGTH,
            ),
            domain_id=a.item.domain_id,
            item_id=a.item_id,
            agreed_item_id=a.pk,
            owner_name=a.action_owner.name if a.action_owner_id else "",
            due=a.action_due,
        )
        for a in agreed
    ]


def survey_candidates(cycle: Cycle, ccg: Organisation) -> list[Candidate]:
    """Domains with low agreement in the CCG's closed 360° survey, from the overall results only, and only
    when the anonymity rules let them be shown (see surveys/anonymity.py)."""
    from assure.frameworks.models import Domain
    from assure.surveys import anonymity
    from assure.surveys.models import Survey
    from assure.surveys.services import survey_results

    survey = Survey.objects.filter(cycle=cycle, organisation=ccg).first()
    if survey is None or not survey.is_closed:
        return []
    overall = survey_results(survey).overall
    if overall is None:  # too few responses to show anything
        return []
    shares = {
        d["number"]: anonymity.agree_share(overall.statements[s["code"]] for s in d["statements"])
        for d in survey.statements
    }
    titles = {d["number"]: d["short_title"] for d in survey.statements}
    domains = dict(Domain.objects.filter(framework=cycle.framework_id).values_list("number", "pk"))
    return [
        Candidate(
            source=Action.Source.SURVEY,
            source_key=f"survey:{number}",
            title=_clip(
                f"Domain {number} ({titles[number]}): act on what stakeholders told us", TITLE_MAX_LENGTH
            ),
            description=(
                f"In the 360° survey, {round(shares[number] * 100)}% of the stakeholders who gave a view agreed "
                f"with the statements on domain {number} (below {round(rules.LOW_AGREEMENT * 100)}%)."
            ),
            domain_id=domains.get(number),
            survey_id=survey.pk,
            due=cycle.ends_on,
        )
        for number in rules.low_agreement_domains(shares)
    ]


# How a condition's status shows in the plan: done once discharged; escalated is still to do.
CONDITION_STATUS = {
    "open": rules.OPEN,
    "evidence_submitted": rules.IN_PROGRESS,
    "discharged": rules.DONE,
    "escalated": rules.OPEN,
}


def condition_candidates(cycle: Cycle, ccg: Organisation) -> list[Candidate]:
    """The conditions of the CCG's authorisation decision in the cycle, once the decision is published (before
    that the CCG does not see it, so neither may its plan)."""
    from assure.decisions.models import Condition

    conditions = (
        Condition.objects.filter(
            decision__assessment__cycle=cycle,
            decision__assessment__organisation=ccg,
            decision__published_at__isnull=False,
        )
        .select_related("domain")
        .order_by("domain__number", "due", "pk")
    )
    return [
        Candidate(
            source=Action.Source.CONDITION,
            source_key=f"condition:{c.public_id}",
            title=_clip(f"Condition on domain {c.domain.number}: {c.text}", TITLE_MAX_LENGTH),
            description=_clip(
                f"{c.text}\n\nSupport: {c.get_support_level_display()}.", DESCRIPTION_MAX_LENGTH
            ),
            domain_id=c.domain_id,
            condition_id=c.pk,
            due=c.due,
            status=CONDITION_STATUS.get(c.status, rules.OPEN),
        )
        for c in conditions
    ]


@transaction.atomic
def condition_sync(*, condition) -> int:
    """Bring the status of the plan actions made from a condition into line with it. Returns how many changed."""
    return _follow_conditions(Action.objects.filter(condition=condition))


def _follow_conditions(actions) -> int:
    """Bring each of `actions` (made from conditions) into line with its condition's status, in one query when
    none has to change. Returns how many changed."""
    changed = 0
    for action in actions.select_related("plan__organisation", "condition"):
        status = CONDITION_STATUS.get(action.condition.status, rules.OPEN)
        if action.status == status:
            continue
        before = action.as_audit()
        Action.objects.filter(pk=action.pk).update(
            status=status, version=F("version") + 1, updated_at=timezone.now()
        )
        action.status = status
        audit_record(
            actor=None,
            action="plan.action_follows_condition",
            obj=action,
            organisation=audit_organisation(action, action.plan.organisation),
            context=_clip(f"Development plan action follows its condition: {action.title}", 200),
            before=before,
            after=action.as_audit(),
        )
        changed += 1
    return changed


SOURCES = (self_assessment_candidates, partnership_candidates, survey_candidates, condition_candidates)


def plan_candidates(*, cycle: Cycle, ccg: Organisation) -> list[Candidate]:
    return [candidate for source in SOURCES for candidate in source(cycle, ccg)]


# Gathering ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GatherOutcome:
    plan: Plan
    added: list[Action]


def _new_action(plan: Plan, candidate: Candidate, user) -> Action:
    return Action(
        plan=plan,
        title=candidate.title,
        description=candidate.description,
        domain_id=candidate.domain_id,
        owner_name=candidate.owner_name,
        due=candidate.due,
        status=candidate.status,
        source=candidate.source,
        source_key=candidate.source_key,
        item_id=candidate.item_id,
        assessment_id=candidate.assessment_id,
        agreed_item_id=candidate.agreed_item_id,
        survey_id=candidate.survey_id,
        condition_id=candidate.condition_id,
        created_by=user if getattr(user, "pk", None) else None,
        updated_by=user if getattr(user, "pk", None) else None,
    )


@transaction.atomic
def plan_gather(*, cycle: Cycle, ccg: Organisation, user) -> GatherOutcome:
    """Add to the CCG's plan an action for everything its sources ask for that the plan does not hold yet."""
    plan = plan_get_or_create(cycle=cycle, ccg=ccg)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)  # one gathering at a time per plan
    existing = set(plan.actions.exclude(source_key="").values_list("source_key", flat=True))
    added = []
    followed = []  # conditions the plan already has an action for: their actions follow them
    for candidate in plan_candidates(cycle=cycle, ccg=ccg):
        if candidate.source_key in existing:
            if candidate.condition_id is not None:
                followed.append(candidate.condition_id)
            continue
        existing.add(candidate.source_key)
        action = _new_action(plan, candidate, user)
        action.save()
        added.append(action)
        audit_record(
            actor=user,
            action="plan.action_gathered",
            obj=action,
            organisation=audit_organisation(action, ccg),
            context=_clip(f"Development plan action: {action.title}", 200),
            after={**action.as_audit(), "source": action.source},
        )
    if followed:
        _follow_conditions(Action.objects.filter(condition__in=followed))
    plan.gathered_at = timezone.now()
    plan.save(update_fields=["gathered_at", "updated_at"])
    return GatherOutcome(plan=plan, added=added)


# The CCG's own actions and changes ----------------------------------------------------------------------------


def ccg_people(ccg: Organisation):
    """The people who may own an action of the CCG's plan: its CCG leads and contributors."""
    from assure.accounts.models import User
    from assure.core.permissions import CCG_ROLES

    member_ids = Membership.objects.filter(organisation=ccg, role__in=CCG_ROLES).values("user")
    return User.objects.filter(pk__in=member_ids, is_active=True).order_by("full_name", "email")


def action_validate(*, plan: Plan, data: ActionInput) -> dict[str, str]:
    errors = {}
    title = data.title.strip()
    if not title:
        errors["title"] = "Enter a title for the action"
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = f"The title must be {TITLE_MAX_LENGTH} characters or fewer (it has {len(title)})"
    if len(data.description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = (
            f"The description must be {DESCRIPTION_MAX_LENGTH:,} characters or fewer "
            f"(it has {len(data.description):,})"
        )
    if len(data.owner_name) > OWNER_NAME_MAX_LENGTH:
        errors["owner_name"] = f"The owner's name must be {OWNER_NAME_MAX_LENGTH} characters or fewer"
    if data.owner_id is not None and not ccg_people(plan.organisation).filter(pk=data.owner_id).exists():
        errors["owner"] = f"Choose an owner who works for {plan.organisation.name}"
    if data.owner_id is not None and data.owner_name.strip():
        errors["owner_name"] = "Choose a person or enter a name, not both"
    if data.status not in rules.STATUSES:
        errors["status"] = "Choose a status: open, in progress, done or dropped"
    if data.domain_id is not None:
        from assure.frameworks.models import Domain

        if not Domain.objects.filter(pk=data.domain_id, framework=plan.cycle.framework_id).exists():
            errors["domain"] = "Choose a domain of the cycle's framework"
    return errors


@transaction.atomic
def action_add(*, cycle: Cycle, ccg: Organisation, user, data: ActionInput) -> Action:
    """Add one of the CCG's own actions to its plan. Raises Invalid or NotInCycle."""
    plan = plan_get_or_create(cycle=cycle, ccg=ccg)
    if errors := action_validate(plan=plan, data=data):
        raise Invalid(errors)
    action = Action.objects.create(
        plan=plan,
        title=data.title.strip(),
        description=data.description.strip(),
        domain_id=data.domain_id,
        owner_id=data.owner_id,
        owner_name=data.owner_name.strip(),
        due=data.due,
        status=data.status,
        source=Action.Source.OWN,
        created_by=user,
        updated_by=user,
    )
    audit_record(
        actor=user,
        action="plan.action_added",
        obj=action,
        organisation=ccg,
        context=_clip(f"Development plan action: {action.title}", 200),
        after=action.as_audit(),
    )
    return action


def _locked_update(action: Action, user, version: int, **fields) -> Action:
    before = Action.objects.select_related("owner", "updated_by").get(pk=action.pk)
    updated = Action.objects.filter(pk=action.pk, version=version).update(
        **fields, version=F("version") + 1, updated_at=timezone.now(), updated_by=user
    )
    if not updated:
        raise StaleEdit(before)
    after = Action.objects.select_related("owner", "updated_by", "plan__organisation").get(pk=action.pk)
    if before.as_audit() != after.as_audit():
        audit_record(
            actor=user,
            action="plan.action_changed",
            obj=after,
            organisation=audit_organisation(after, after.plan.organisation),
            context=_clip(f"Development plan action: {after.title}", 200),
            before=before.as_audit(),
            after=after.as_audit(),
        )
    return after


@transaction.atomic
def action_update(*, action: Action, user, data: ActionInput, version: int) -> Action:
    """Change an action (the CCG lead), if nobody else changed it since `version`. Raises Invalid, StaleEdit."""
    if errors := action_validate(plan=action.plan, data=data):
        raise Invalid(errors)
    if action.source == Action.Source.CONDITION and data.status != action.status:
        raise Invalid({"status": "This action’s status follows its condition of authorisation"})
    return _locked_update(
        action,
        user,
        version,
        title=data.title.strip(),
        description=data.description.strip(),
        domain_id=data.domain_id,
        owner_id=data.owner_id,
        owner_name=data.owner_name.strip(),
        due=data.due,
        status=data.status,
    )


@transaction.atomic
def action_set_status(*, action: Action, user, status: str, version: int) -> Action:
    """Change an action's status if nobody else changed it since `version`.

    Raises Invalid (an unknown status), FollowsSource (a condition's action) or StaleEdit."""
    if status not in rules.STATUSES:
        raise Invalid({"status": "Choose a status: open, in progress, done or dropped"})
    if action.source == Action.Source.CONDITION:
        raise FollowsSource(
            "This action’s status follows its condition of authorisation: it is done when an assessor "
            "discharges the condition."
        )
    return _locked_update(action, user, version, status=status)


# Carrying into the next cycle ---------------------------------------------------------------------------------

CARRIED_FIELDS = (
    "title",
    "description",
    "domain_id",
    "owner_id",
    "owner_name",
    "due",
    "status",
    "source",
    "source_key",
    "item_id",
    "assessment_id",
    "agreed_item_id",
    "survey_id",
    "condition_id",
)


@transaction.atomic
def plan_carry_over(*, ccg: Organisation, from_cycle: Cycle, to_cycle: Cycle, user=None) -> list[Action]:
    """Copy the open and in-progress actions of the CCG's plan in `from_cycle` into its plan in `to_cycle`,
    each marked as carried over with a link back. Running it again carries nothing twice. When the new plan
    already holds an action from the same source, that action is linked back instead of copied."""
    previous = Plan.objects.filter(cycle=from_cycle, organisation=ccg).first()
    if previous is None:
        return []
    open_actions = list(previous.actions.active().order_by("pk"))
    if not open_actions:
        return []
    plan = plan_get_or_create(cycle=to_cycle, ccg=ccg)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    current = list(plan.actions.all())
    already = {a.carried_from_id for a in current if a.carried_from_id}
    by_key = {a.source_key: a for a in current if a.source_key}
    carried = []
    for old in open_actions:
        if old.pk in already:
            continue
        same = by_key.get(old.source_key) if old.source_key else None
        if same is not None:
            if same.carried_from_id is None:
                Action.objects.filter(pk=same.pk).update(carried_from=old)
            continue
        action = Action(plan=plan, carried_from=old, **{f: getattr(old, f) for f in CARRIED_FIELDS})
        action.save()
        carried.append(action)
        audit_record(
            actor=user,
            action="plan.action_carried_over",
            obj=action,
            organisation=audit_organisation(action, ccg),
            context=_clip(f"Carried over from {from_cycle.name}: {action.title}", 200),
            after={**action.as_audit(), "from_cycle": from_cycle.name},
        )
    return carried
