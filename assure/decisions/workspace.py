"""What an assessor reviews of one CCG, domain by domain: the submitted self-assessment (ratings, narratives and
evidence), the domain's maturity and verdict, the agreed partnership reviews with their gaps, the 360° results
(after the survey has closed, with the anonymity rules applied), how the other CCGs of the cycle stand on the
domain, and the assessors' judgements and own item ratings.

Everything is read through the scoped querysets, so the workspace shows no more than the reader's other pages.
A fixed number of queries per page, whatever the size of the cycle.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from assure.assessments.levels import RESULTS_TEXT, domain_levels
from assure.assessments.models import Assessment, Submission
from assure.frameworks.models import Domain, Item
from assure.partnerships import gaps as gap_rules
from assure.partnerships.models import AgreedItem, PartnershipReview, SideRating
from assure.surveys import anonymity
from assure.surveys.models import Survey
from assure.surveys.services import survey_results

from . import rules
from .models import AssessorRating, Judgement


@dataclass
class ItemEntry:
    code: str
    tier: str
    text: str
    rating: int | None
    not_applicable: bool
    reason: str
    narrative: str
    evidence: list[dict]
    agreed: list[dict] = field(default_factory=list)  # per agreed partnership review
    mine: AssessorRating | None = None
    others: list[AssessorRating] = field(default_factory=list)
    form: Any = None
    stale: str | None = None


@dataclass
class LevelCount:
    label: str
    count: int
    this_ccg: bool


@dataclass
class SurveyDomain:
    status: str  # "none", "scheduled", "open", "closed"
    minimum: int = 0
    responses: int = 0
    shown: bool = False
    statements: list[dict] = field(default_factory=list)  # {code, text, agree, disagree, dont_know, answered}
    groups: list[dict] = field(default_factory=list)  # {group, responses, agree_share}
    hidden_groups: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def latest_submission(assessment: Assessment) -> Submission:
    submission = assessment.submissions.order_by("-number").first()
    if submission is None:
        raise Http404("Nothing submitted yet")
    return submission


def domain_results(submission: Submission) -> dict[int, dict]:
    return {d["number"]: d for d in submission.domain_results or []}


def judgements_by_domain(assessment: Assessment) -> dict[int, list[Judgement]]:
    by_domain: dict[int, list[Judgement]] = {}
    for judgement in (
        Judgement.objects.filter(assessment=assessment)
        .select_related("assessor", "domain")
        .order_by("domain__number", "assessor__email")
    ):
        by_domain.setdefault(judgement.domain.number, []).append(judgement)
    return by_domain


def disagreeing_domains(by_domain: dict[int, list[Judgement]]) -> set[int]:
    pairs = [(str(n), j.value) for n, js in by_domain.items() for j in js]
    return {int(n) for n in rules.disagreements(pairs)}


def level_distribution(user, assessment: Assessment, number: int, levels) -> list[LevelCount]:
    """How the CCGs of the cycle that the reader may see stand on the domain, from their latest submissions."""
    latest: dict[int, str | None] = {}
    for assessment_id, results in (
        Submission.objects.filter(
            assessment__in=Assessment.objects.visible_to(user)
            .filter(cycle=assessment.cycle_id, first_submitted_at__isnull=False)
            .values("pk")
        )
        .order_by("assessment_id", "number")
        .values_list("assessment_id", RESULTS_TEXT)
    ):
        latest[assessment_id] = results
    counts: Counter[str] = Counter()
    this_level = None
    for assessment_id, results in latest.items():
        for d in domain_levels(results):
            if d.number == number:
                counts[d.level] += 1
                if assessment_id == assessment.pk:
                    this_level = d.level
    return [LevelCount(level.label, counts[level.code], level.code == this_level) for level in levels]


def partnership_for_domain(user, assessment: Assessment, number: int, entries: list[ItemEntry]) -> list[dict]:
    """The agreed partnership reviews of the CCG in the cycle, with each item's agreed rating and gap."""
    reviews = list(
        PartnershipReview.objects.visible_to(user)
        .filter(
            cycle=assessment.cycle_id, ccg=assessment.organisation_id, status=PartnershipReview.Status.AGREED
        )
        .select_related("hwb")
        .defer("snapshot")  # the agreed record (some 35 KB), not shown here
        .order_by("hwb__name")
    )
    if not reviews:
        return []
    sides: dict[int, dict[str, dict[str, int | None]]] = {r.pk: {"ccg": {}, "hwb": {}} for r in reviews}
    for review_id, side, code, rating in (
        SideRating.objects.visible_to(user)
        .filter(review__in=reviews, item__domain__number=number)
        .order_by()  # put into dicts; the default ordering would join the items and domains only to sort
        .values_list("review_id", "side", "item__code", "rating")
    ):
        sides[review_id][side][code] = rating
    # (review, item code) -> (agreed rating, action): all that is shown of each agreed item.
    agreed: dict[tuple[int, str], tuple[int | None, str]] = {
        (review_id, code): (rating, action)
        for review_id, code, rating, action in AgreedItem.objects.filter(
            review__in=reviews, item__domain__number=number
        )
        .order_by()
        .values_list("review_id", "item__code", "agreed_rating", "action")
    }
    codes = [(e.code, number) for e in entries if e.tier in ("basics", "future")]
    by_code = {e.code: e for e in entries}
    summaries = []
    for review in reviews:
        rows = gap_rules.gaps(codes, sides[review.pk]["ccg"], sides[review.pk]["hwb"])
        summary = gap_rules.summarise(rows).get(number)
        for row in rows:
            rating, action = agreed.get((review.pk, row.code), (None, ""))
            by_code[row.code].agreed.append(
                {
                    "hwb": review.hwb.name,
                    "ccg": row.ccg,
                    "hwb_rating": row.hwb,
                    "gap": row.size,
                    "to_discuss": row.to_discuss,
                    "agreed": rating,
                    "action": action,
                }
            )
        summaries.append({"review": review, "summary": summary})
    return summaries


def survey_for_domain(user, assessment: Assessment, number: int) -> SurveyDomain:
    survey = (
        Survey.objects.visible_to(user)
        .filter(cycle=assessment.cycle_id, organisation=assessment.organisation_id)
        .order_by()  # one per CCG and cycle; the default ordering would join the CCGs only to sort
        .first()
    )
    if survey is None:
        return SurveyDomain(status="none")
    status = survey.status
    if status != Survey.Status.CLOSED:
        return SurveyDomain(status=status, minimum=survey.min_group_size)
    results = survey_results(survey)
    statements = next((d["statements"] for d in survey.statements if d["number"] == number), [])
    out = SurveyDomain(
        status=status,
        minimum=results.minimum,
        responses=results.total,
        shown=results.overall is not None,
        hidden_groups=sorted(results.hidden),
    )
    if results.overall is None:
        return out
    for statement in statements:
        distribution = results.overall.statements.get(statement["code"])
        if distribution is None:
            continue
        out.statements.append(
            {
                "code": statement["code"],
                "text": statement["text"],
                "agree": distribution.agree,
                "disagree": distribution.disagree,
                "neither": distribution.opinions - distribution.agree - distribution.disagree,
                "dont_know": distribution.answered - distribution.opinions,
                "answered": distribution.answered,
            }
        )
    codes = [s["code"] for s in statements]
    for group, group_results in sorted(results.groups.items()):
        share = anonymity.agree_share(
            group_results.statements[c] for c in codes if c in group_results.statements
        )
        out.groups.append({"group": group, "responses": group_results.responses, "agree_share": share})
    out.comments = list(results.overall.comments.get(number, []))
    return out


def items_for_domain(submission: Submission, number: int) -> list[ItemEntry]:
    return [
        ItemEntry(
            code=i["code"],
            tier=i["tier"],
            text=i["text"],
            rating=i["rating"],
            not_applicable=i["not_applicable"],
            reason=i.get("reason", ""),
            narrative=i.get("narrative", ""),
            evidence=i.get("evidence", []),
        )
        for i in submission.snapshot.get("items", [])
        if i["domain"] == number
    ]


def attach_assessor_ratings(user, assessment: Assessment, entries: list[ItemEntry]) -> None:
    by_code = {e.code: e for e in entries}
    for row in (
        AssessorRating.objects.visible_to(user)
        .filter(assessment=assessment, item__code__in=list(by_code))
        .select_related("item", "assessor")
        .order_by("assessor__email")
    ):
        entry = by_code[row.item.code]
        if row.assessor_id == user.pk:
            entry.mine = row
        else:
            entry.others.append(row)


def domain_for(assessment: Assessment, number: int) -> Domain:
    domain = Domain.objects.filter(framework=assessment.cycle.framework_id, number=number).first()
    if domain is None:
        raise Http404("No such domain")
    return domain


def item_for(assessment: Assessment, code: str) -> Item:
    item = (
        Item.objects.filter(framework=assessment.cycle.framework_id, code=code)
        .select_related("domain")
        .first()
    )
    if item is None:
        raise Http404("No such item")
    return item
