"""The national dataset's development plans (`manage.py seed_national`): a plan per CCG and cycle, deterministic
and written in batches, with actions from the self-assessment's items below the threshold, the agreed
partnership actions, published conditions and the CCG's own, in every state; open actions of each cycle carry
into the next. Survey domains are left out: they would need each survey's results worked out with the anonymity
rules, and the plan pages read them no differently from the other sources."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from . import rules
from .models import Action, Plan

BATCH = 2000
OWN_TITLES = [
    "Agree the clinical engagement calendar with member practices",
    "Report progress on the development plan to the governing body",
    "Review the joint health and wellbeing strategy with the board",
    "Publish what changed after the last public consultation",
]


def _status(rng, *, last: bool) -> str:
    roll = rng.random()
    if last:
        return rules.OPEN if roll < 0.45 else rules.IN_PROGRESS if roll < 0.75 else rules.DONE
    return rules.DONE if roll < 0.75 else rules.DROPPED if roll < 0.85 else rules.IN_PROGRESS


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(0)))


def development_plans(ds) -> None:
    from assure.assessments.models import ItemResponse
    from assure.national.dataset import _historic
    from assure.partnerships.models import AgreedItem, PartnershipReview

    rng = ds.rng("development_plans")
    threshold = ds.framework.spec.rules.threshold
    carried: dict[int, list[Action]] = {}
    for index, cycle in enumerate(ds.bar(ds.cycles, "Development plans")):
        last = index == len(ds.cycles) - 1
        gathered = _midnight(min(ds.today, cycle.starts_on + datetime.timedelta(days=100)))
        below: dict[int, list[tuple]] = defaultdict(list)
        for row in (
            ItemResponse.objects.filter(
                assessment__cycle=cycle,
                assessment__organisation__in=[c.pk for c in ds.ccgs],
                item__tier=threshold.tier if threshold.tier != "all" else "basics",
                rating__lt=threshold.min_rating,
            )
            .order_by("assessment__organisation_id", "item__domain__number", "item__position")
            .values_list(
                "assessment__organisation_id", "assessment_id", "item_id", "item__domain_id", "item__code"
            )
        ):
            below[row[0]].append(row[1:])
        agreed: dict[int, list[tuple]] = defaultdict(list)
        for row in (
            AgreedItem.objects.filter(review__cycle=cycle, review__status=PartnershipReview.Status.AGREED)
            .exclude(action="")
            .order_by("review__ccg_id", "review__hwb_id", "item__domain__number", "item__position")
            .values_list(
                "review__ccg_id",
                "pk",
                "item_id",
                "item__domain_id",
                "item__code",
                "action",
                "action_due",
                "action_owner__name",
            )
        ):
            agreed[row[0]].append(row[1:])
        conditions = _conditions(cycle)
        with transaction.atomic(), _historic(Plan, Action):
            plans = Plan.objects.bulk_create(
                [
                    Plan(
                        public_id=ds.uuid(rng),
                        cycle=cycle,
                        organisation=ccg,
                        gathered_at=gathered,
                        created_at=gathered,
                        updated_at=gathered,
                    )
                    for ccg in ds.ccgs
                ],
                batch_size=BATCH,
            )
            actions = []
            for position, plan in enumerate(plans):
                ccg_id = plan.organisation_id
                staff = ds.staff[ccg_id]
                specs = _specs(ccg_id, position + index, last, carried, below, agreed, conditions)
                for fields in specs:
                    due = fields.pop("due", None) or cycle.ends_on - datetime.timedelta(
                        days=rng.randrange(0, 300)
                    )
                    status = fields.pop("status", None) or _status(rng, last=last)
                    owner = staff[rng.randrange(len(staff))] if rng.random() < 0.6 else None
                    if fields.get("owner_name"):
                        owner = None  # a partnership action is owned by the organisation named
                    actions.append(
                        Action(
                            public_id=ds.uuid(rng),
                            plan=plan,
                            due=due,
                            status=status,
                            owner=owner,
                            created_at=gathered,
                            updated_at=gathered,
                            **fields,
                        )
                    )
            saved = Action.objects.bulk_create(actions, batch_size=BATCH)
        carried = defaultdict(list)
        for action in saved:
            if action.status in rules.ACTIVE:
                carried[action.plan.organisation_id].append(action)


def _specs(ccg_id, turn, last, carried, below, agreed, conditions) -> list[dict]:
    """One CCG's actions in one cycle, as the fields to make them with: first what carries over, then each
    source (skipping what the carried actions already stand for), then two of the CCG's own."""
    specs: list[dict] = []
    keys: set[str] = set()
    for old in carried.get(ccg_id, []):
        specs.append(
            {
                "title": old.title,
                "description": old.description,
                "domain_id": old.domain_id,
                "source": old.source,
                "source_key": old.source_key,
                "item_id": old.item_id,
                "assessment_id": old.assessment_id,
                "agreed_item_id": old.agreed_item_id,
                "condition_id": old.condition_id,
                "carried_from_id": old.pk,
                "due": old.due,
                "status": rules.OPEN if last else None,
            }
        )
        if old.source_key:
            keys.add(old.source_key)
    for assessment_id, item_id, domain_id, code in below.get(ccg_id, []):
        if f"item:{code}" not in keys:
            specs.append(
                {
                    "title": f"Bring item {code} up to the threshold",
                    "source": Action.Source.SELF_ASSESSMENT,
                    "source_key": f"item:{code}",
                    "item_id": item_id,
                    "domain_id": domain_id,
                    "assessment_id": assessment_id,
                }
            )
    for pk, item_id, domain_id, code, text, due, owner_name in agreed.get(ccg_id, []):
        specs.append(
            {
                "title": f"{code}: {text}"[:200],
                "source": Action.Source.PARTNERSHIP,
                "source_key": f"agreed:{pk}",
                "item_id": item_id,
                "domain_id": domain_id,
                "agreed_item_id": pk,
                "owner_name": owner_name or "",
                "due": due,
            }
        )
    for pk, public_id, domain_id, number, text, due, status in conditions.get(ccg_id, []):
        if f"condition:{public_id}" not in keys:
            specs.append(
                {
                    "title": f"Condition on domain {number}: {text}"[:200],
                    "source": Action.Source.CONDITION,
                    "source_key": f"condition:{public_id}",
                    "condition_id": pk,
                    "domain_id": domain_id,
                    "due": due,
                    "status": status,
                }
            )
    for k in range(2):
        specs.append({"title": OWN_TITLES[(turn + k) % len(OWN_TITLES)], "source": Action.Source.OWN})
    return specs


def _conditions(cycle) -> dict[int, list[tuple]]:
    """The conditions of published decisions in the cycle, per CCG (none until the decisions generator runs)."""
    from assure.plans.services import CONDITION_STATUS

    try:
        from assure.decisions.models import Condition
    except ImportError:  # pragma: no cover
        return {}
    found: dict[int, list[tuple]] = defaultdict(list)
    for ccg_id, pk, public_id, domain_id, number, text, due, status in (
        Condition.objects.filter(decision__assessment__cycle=cycle, decision__published_at__isnull=False)
        .order_by("decision__assessment__organisation_id", "domain__number", "due", "pk")
        .values_list(
            "decision__assessment__organisation_id",
            "pk",
            "public_id",
            "domain_id",
            "domain__number",
            "text",
            "due",
            "status",
        )
    ):
        found[ccg_id].append(
            (pk, public_id, domain_id, number, text, due, CONDITION_STATUS.get(status, rules.OPEN))
        )
    return found
