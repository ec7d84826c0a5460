"""The one place that decides what a person may see and do.

Every view and API endpoint asks here (directly or through a model's `visible_to(user)` queryset). A person's
scope is worked out once per request from their memberships:

- platform admins see everything;
- regional leads and assessors see the organisations of their region and the cycles that region runs or takes part in;
- CCG leads and contributors see their CCG, the organisations related to it, and the cycles it takes part in;
- HWB leads and members see their HWB, its partner CCGs and local authority, and the cycles those CCGs take part in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from assure.organisations.models import Membership, Relation, Role

REGION_ROLES = {Role.REGIONAL_LEAD, Role.ASSESSOR}
CCG_ROLES = {Role.CCG_LEAD, Role.CCG_CONTRIBUTOR}
HWB_ROLES = {Role.HWB_LEAD, Role.HWB_MEMBER}


@dataclass(frozen=True)
class Scope:
    is_admin: bool = False
    roles: frozenset[tuple[int, str]] = frozenset()  # (organisation id, role)
    region_ids: frozenset[int] = frozenset()
    ccg_ids: frozenset[int] = frozenset()  # CCGs the person works for
    hwb_ids: frozenset[int] = frozenset()  # HWBs the person is a member of
    partner_ccg_ids: frozenset[int] = frozenset()  # CCGs partnered with the person's HWBs
    own_ids: frozenset[int] = frozenset()
    related_ids: frozenset[int] = field(default_factory=frozenset)

    def has_role(self, organisation_id: int, *roles: str) -> bool:
        return any((organisation_id, role) in self.roles for role in roles)


EMPTY = Scope()


def scope_for(user) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return EMPTY
    cached = getattr(user, "_assure_scope", None)
    if cached is not None:
        return cached
    if user.is_platform_admin:
        scope = Scope(is_admin=True)
    else:
        memberships = list(
            Membership.objects.filter(user=user).order_by().values_list("organisation_id", "role")
        )
        own = {org for org, _ in memberships}
        region_ids = {org for org, role in memberships if role in REGION_ROLES}
        ccg_ids = {org for org, role in memberships if role in CCG_ROLES}
        hwb_ids = {org for org, role in memberships if role in HWB_ROLES}
        related: set[int] = set()
        partner_ccg_ids: set[int] = set()
        # Unordered: the default ordering joins both organisations, a scan of every organisation on PostgreSQL.
        relations = Relation.objects.filter(Q(subject__in=own) | Q(object__in=own)).order_by()
        for subject, obj, kind in relations.values_list("subject_id", "object_id", "kind"):
            related.add(obj if subject in own else subject)
            if kind == Relation.Kind.HWB_PARTNER and obj in hwb_ids:
                partner_ccg_ids.add(subject)
        scope = Scope(
            roles=frozenset(memberships),
            region_ids=frozenset(region_ids),
            ccg_ids=frozenset(ccg_ids),
            hwb_ids=frozenset(hwb_ids),
            partner_ccg_ids=frozenset(partner_ccg_ids),
            own_ids=frozenset(own),
            related_ids=frozenset(related - own),
        )
    user._assure_scope = scope
    return scope


def is_platform_admin(user) -> bool:
    return scope_for(user).is_admin


def visible_organisations(user, queryset: QuerySet) -> QuerySet:
    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    ids = scope.own_ids | scope.related_ids | scope.region_ids
    if not ids:
        return queryset.none()
    return queryset.filter(Q(pk__in=ids) | Q(region__in=scope.region_ids))


def visible_cycles(user, queryset: QuerySet) -> QuerySet:
    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    ccg_ids = scope.ccg_ids | scope.partner_ccg_ids
    if not (scope.region_ids or ccg_ids):
        return queryset.none()
    matching = queryset.filter(
        Q(region__in=scope.region_ids) | Q(ccgs__region__in=scope.region_ids) | Q(ccgs__in=ccg_ids)
    ).values("pk")
    return queryset.filter(pk__in=matching)


def can_administer(user) -> bool:
    return is_platform_admin(user)


# Self-assessments ---------------------------------------------------------------------------------------------
#
# A draft is seen only by its CCG's people. Assessors and regional leads of the CCG's region see it once it has
# been submitted (they keep seeing it, and its submitted versions, after a reopening). A partner HWB sees it only
# while it is submitted and the CCG has chosen to share it.


def visible_assessments(user, queryset: QuerySet) -> QuerySet:
    from assure.assessments.models import Assessment

    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    condition = Q(organisation__in=scope.ccg_ids)
    if scope.region_ids:
        condition |= Q(first_submitted_at__isnull=False, organisation__region__in=scope.region_ids)
    if scope.partner_ccg_ids:
        condition |= Q(
            status=Assessment.Status.SUBMITTED, shared_with_hwb=True, organisation__in=scope.partner_ccg_ids
        )
    return queryset.filter(condition)


def is_ccg_member(user, organisation_id: int) -> bool:
    return scope_for(user).has_role(organisation_id, *CCG_ROLES)


def is_ccg_lead(user, organisation_id: int) -> bool:
    return scope_for(user).has_role(organisation_id, Role.CCG_LEAD)


def is_region_assessor(user, organisation) -> bool:
    scope = scope_for(user)
    return scope.is_admin or (
        organisation.region_id is not None and scope.has_role(organisation.region_id, Role.ASSESSOR)
    )


def can_edit_assessment(user, assessment) -> bool:
    return assessment.is_draft and is_ccg_member(user, assessment.organisation_id)


def can_submit_assessment(user, assessment) -> bool:
    return assessment.is_draft and is_ccg_lead(user, assessment.organisation_id)


def can_share_assessment(user, assessment) -> bool:
    return is_ccg_lead(user, assessment.organisation_id)


def can_reopen_assessment(user, assessment) -> bool:
    return not assessment.is_draft and is_region_assessor(user, assessment.organisation)


def can_read_audit(user, organisation) -> bool:
    """The CCG lead, assessors of the CCG's region and platform admins."""
    return is_ccg_lead(user, organisation.pk) or is_region_assessor(user, organisation)


# Evidence -----------------------------------------------------------------------------------------------------


def visible_evidence(user, queryset: QuerySet) -> QuerySet:
    from assure.assessments.models import Assessment

    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    condition = Q(organisation__in=scope.ccg_ids)
    if scope.region_ids:
        submitted = Assessment.objects.filter(
            first_submitted_at__isnull=False, organisation__region__in=scope.region_ids
        ).values("organisation")
        condition |= Q(organisation__in=submitted)
    if scope.partner_ccg_ids:
        shared = Assessment.objects.filter(
            status=Assessment.Status.SUBMITTED, shared_with_hwb=True, organisation__in=scope.partner_ccg_ids
        ).values("organisation")
        condition |= Q(organisation__in=shared)
    return queryset.filter(condition)


def can_manage_evidence(user, organisation_id: int) -> bool:
    return is_ccg_member(user, organisation_id)


# Reports, the regional dashboard and exports ------------------------------------------------------------------
#
# A CCG report shows what its reader may see of the self-assessment: the CCG's own people read it from the live
# working copy while it is a draft; everyone else who can see the self-assessment reads it from the latest
# submission. The regional dashboard and the whole-cycle workbook are for platform admins and the regional leads
# and assessors of a region, and show only the CCGs of their regions.


def report_from_draft(user, assessment) -> bool:
    """Whether this person's report is built from the live working copy (else from the latest submission)."""
    return assessment.is_draft and is_ccg_member(user, assessment.organisation_id)


def visible_report_pdfs(user, queryset: QuerySet) -> QuerySet:
    from assure.assessments.models import Assessment

    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    visible = visible_assessments(user, Assessment.objects.all()).values("pk")
    return queryset.filter(assessment__in=visible).filter(
        Q(from_draft=False) | Q(assessment__organisation__in=scope.ccg_ids)
    )


def can_view_dashboard(user) -> bool:
    scope = scope_for(user)
    return scope.is_admin or bool(scope.region_ids)


def dashboard_regions(user, queryset: QuerySet) -> QuerySet:
    """The regions whose CCGs this person may watch on the dashboard (every region for platform admins)."""
    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    return queryset.filter(pk__in=scope.region_ids)


def dashboard_ccgs(user, queryset: QuerySet) -> QuerySet:
    """The CCGs (of a queryset of organisations) this person may see on the dashboard and in cycle workbooks."""
    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    if not scope.region_ids:
        return queryset.none()
    return queryset.filter(region__in=scope.region_ids)


# 360° stakeholder surveys ---------------------------------------------------------------------------------------
#
# A CCG's people, and the assessors and regional leads of its region, see its surveys: the response rates while
# it runs and the (anonymised) results once it has closed. The CCG lead and the region's regional leads run it:
# settings, the stakeholder list, invitations, reminders and closing. Nobody, whatever their role, sees which
# stakeholder gave which answer: that is not stored anywhere they could read it (see surveys/models.py).


def visible_surveys(user, queryset: QuerySet) -> QuerySet:
    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    condition = Q(organisation__in=scope.ccg_ids)
    if scope.region_ids:
        condition |= Q(organisation__region__in=scope.region_ids)
    if not (scope.ccg_ids or scope.region_ids):
        return queryset.none()
    return queryset.filter(condition)


def can_manage_survey(user, organisation) -> bool:
    """Set up and run a CCG's survey: its CCG lead, a regional lead of its region, a platform admin."""
    scope = scope_for(user)
    return (
        scope.is_admin
        or scope.has_role(organisation.pk, Role.CCG_LEAD)
        or (organisation.region_id is not None and scope.has_role(organisation.region_id, Role.REGIONAL_LEAD))
    )


def can_see_stakeholders(user, organisation) -> bool:
    """The stakeholder list (names, emails, who has responded): those who run the survey and the CCG's staff."""
    return can_manage_survey(user, organisation) or is_ccg_member(user, organisation.pk)


def can_export_stakeholders(user, organisation) -> bool:
    """A download of the stakeholder list (names and emails in bulk): the CCG's lead only."""
    return scope_for(user).has_role(organisation.pk, Role.CCG_LEAD)


# Partnership reviews -------------------------------------------------------------------------------------------
#
# A review belongs to a CCG–HWB pair. The two organisations' people see it from the moment it is opened; assessors
# and regional leads of the CCG's region, and platform admins, only once it is agreed. Each side's ratings are
# blind: people see their own side's ratings, and the other side's only once *both* sides have released theirs,
# so neither anchors the other. Every page, export, API endpoint and history reads side ratings through
# `visible_side_ratings`, so there is one rule to get right.

SIDE_CCG = "ccg"
SIDE_HWB = "hwb"


def visible_partnership_reviews(user, queryset: QuerySet) -> QuerySet:
    from assure.partnerships.models import PartnershipReview

    scope = scope_for(user)
    agreed = Q(status=PartnershipReview.Status.AGREED)
    if scope.is_admin:
        return queryset.filter(agreed)
    condition = Q(pk__in=[])
    if scope.ccg_ids:
        condition |= Q(ccg__in=scope.ccg_ids)
    if scope.hwb_ids:
        condition |= Q(hwb__in=scope.hwb_ids)
    if scope.region_ids:
        condition |= agreed & Q(ccg__region__in=scope.region_ids)
    return queryset.filter(condition)


def visible_side_ratings(user, queryset: QuerySet) -> QuerySet:
    """Side ratings of visible reviews: the person's own side always, the other side once both have released."""
    from assure.partnerships.models import PartnershipReview

    scope = scope_for(user)
    reviews = visible_partnership_reviews(user, PartnershipReview.objects.all()).values("pk")
    condition = Q(review__ccg_released_at__isnull=False, review__hwb_released_at__isnull=False)
    if scope.ccg_ids:
        condition |= Q(side=SIDE_CCG, review__ccg__in=scope.ccg_ids)
    if scope.hwb_ids:
        condition |= Q(side=SIDE_HWB, review__hwb__in=scope.hwb_ids)
    return queryset.filter(condition, review__in=reviews)


def partnership_sides(user, review) -> list[str]:
    """The sides of a review the person rates for: "ccg", "hwb", both (rare) or neither."""
    scope = scope_for(user)
    sides = []
    if review.ccg_id in scope.ccg_ids:
        sides.append(SIDE_CCG)
    if review.hwb_id in scope.hwb_ids:
        sides.append(SIDE_HWB)
    return sides


def is_partnership_lead(user, review, side: str | None = None) -> bool:
    """The CCG lead or the HWB lead of the pair (of one side, when given)."""
    scope = scope_for(user)
    ccg = side in (None, SIDE_CCG) and scope.has_role(review.ccg_id, Role.CCG_LEAD)
    hwb = side in (None, SIDE_HWB) and scope.has_role(review.hwb_id, Role.HWB_LEAD)
    return ccg or hwb


def can_open_partnership_review(user, ccg_id: int, hwb_id: int) -> bool:
    scope = scope_for(user)
    return scope.has_role(ccg_id, Role.CCG_LEAD) or scope.has_role(hwb_id, Role.HWB_LEAD)


def can_rate_side(user, review, side: str) -> bool:
    return side in partnership_sides(user, review) and review.side_open(side)


def can_release_side(user, review, side: str) -> bool:
    return is_partnership_lead(user, review, side) and review.side_open(side)


def can_agree_partnership(user, review) -> bool:
    return review.status == review.Status.AGREEING and is_partnership_lead(user, review)


# Good practice library ----------------------------------------------------------------------------------------
#
# Published examples are public. An organisation's own people (CCG or HWB roles) see all its examples, drafts
# included, and submit and edit them. Moderators see examples once submitted: platform admins everywhere, regional
# leads in their region. Everyone else gets 404.

GOOD_PRACTICE_ROLES = CCG_ROLES | HWB_ROLES


def good_practice_organisation_ids(user) -> frozenset[int]:
    """The organisations a person may submit good practice for: the CCGs and HWBs they work for."""
    return frozenset(org for org, role in scope_for(user).roles if role in GOOD_PRACTICE_ROLES)


def moderated_region_ids(user) -> frozenset[int]:
    scope = scope_for(user)
    return frozenset(org for org, role in scope.roles if role == Role.REGIONAL_LEAD)


def visible_examples(user, queryset: QuerySet) -> QuerySet:
    from assure.goodpractice.models import Example

    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    condition = Q(status=Example.Status.PUBLISHED)
    own = good_practice_organisation_ids(user)
    if own:
        condition |= Q(organisation__in=own)
    regions = moderated_region_ids(user)
    if regions:
        condition |= Q(organisation__region__in=regions) & ~Q(status=Example.Status.DRAFT)
    return queryset.filter(condition)


def can_submit_good_practice(user, organisation_id: int) -> bool:
    return organisation_id in good_practice_organisation_ids(user)


def can_edit_example(user, example) -> bool:
    """The organisation's people, while the example is a draft or has changes requested."""
    return example.is_editable and can_submit_good_practice(user, example.organisation_id)


def can_moderate_example(user, example) -> bool:
    """Platform admins, and regional leads of the example's organisation's region, once it is submitted."""
    from assure.goodpractice.models import Example

    if example.status == Example.Status.DRAFT:
        return False
    scope = scope_for(user)
    return scope.is_admin or example.organisation.region_id in moderated_region_ids(user)


def is_good_practice_moderator(user) -> bool:
    return is_platform_admin(user) or bool(moderated_region_ids(user))


# Development plans ----------------------------------------------------------------------------------------------
#
# A CCG's plan is read by its people, its partner HWBs' people, the regional leads and assessors of its region
# and platform admins (actions drawn from a never-submitted self-assessment only by the CCG's people). The CCG lead manages it (gathers, adds and edits actions); a contributor may change the
# status of an action they own. Everyone else gets 404.


def _plan_reader_condition(scope: Scope, field: str) -> Q | None:
    ccg_ids = scope.ccg_ids | scope.partner_ccg_ids
    if not (ccg_ids or scope.region_ids):
        return None
    condition = Q(**{f"{field}__in": ccg_ids})
    if scope.region_ids:
        condition |= Q(**{f"{field}__region__in": scope.region_ids})
    return condition


def visible_plans(user, queryset: QuerySet) -> QuerySet:
    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    condition = _plan_reader_condition(scope, "organisation")
    return queryset.none() if condition is None else queryset.filter(condition)


# An action gathered from a self-assessment that has never been submitted tells of the draft: only the CCG's own
# people (and platform admins) see it, as they alone see the draft.
DRAFT_ACTION = Q(source="self_assessment", assessment__first_submitted_at__isnull=True)


def visible_plan_actions(user, queryset: QuerySet) -> QuerySet:
    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    condition = _plan_reader_condition(scope, "plan__organisation")
    if condition is None:
        return queryset.none()
    return queryset.filter((condition & ~DRAFT_ACTION) | Q(plan__organisation__in=scope.ccg_ids))


def can_read_plan(user, organisation) -> bool:
    scope = scope_for(user)
    return (
        scope.is_admin
        or organisation.pk in scope.ccg_ids
        or organisation.pk in scope.partner_ccg_ids
        or (organisation.region_id is not None and organisation.region_id in scope.region_ids)
    )


def can_manage_plan(user, organisation) -> bool:
    """Gather, add and edit actions: the CCG lead."""
    return is_ccg_lead(user, organisation.pk)


def can_update_action_status(user, action, organisation) -> bool:
    """The CCG lead, or a person of the CCG who owns the action."""
    return can_manage_plan(user, organisation) or (
        action.owner_id is not None
        and action.owner_id == getattr(user, "pk", None)
        and is_ccg_member(user, organisation.pk)
    )


# Assessor review, decisions and conditions ---------------------------------------------------------------------
#
# Assessors, regional leads and platform admins review the submitted self-assessments of their region's CCGs.
# Assessors (and platform admins) record judgements and their own item ratings and, sitting as the panel, record
# decisions and conditions; regional leads and platform admins publish decisions. Nobody reviews or decides on a
# CCG they belong to. Judgements and assessors' ratings are working notes: the CCG (and anyone else outside the
# region's assessors) sees them only once the decision is published, and a person who belongs to the CCG never sees
# them before then, whatever other role they hold. Decisions and conditions are seen by the region's assessors and
# regional leads from the start, and by the CCG and its partner HWBs once published; published decisions are also
# public, on a page per cycle (`Decision.objects.published()`). The CCG lead answers a condition with evidence; an
# assessor discharges, escalates or reviews it.


def is_conflicted(user, assessment) -> bool:
    """Whether the person belongs to the organisation whose assessment this is."""
    return assessment.organisation_id in scope_for(user).own_ids


def can_review(user, assessment) -> bool:
    """Read the review workspace: the region's assessors and regional leads, platform admins; never the CCG's own."""
    scope = scope_for(user)
    if assessment.first_submitted_at is None or is_conflicted(user, assessment):
        return False
    region_id = assessment.organisation.region_id
    return scope.is_admin or (region_id is not None and region_id in scope.region_ids)


def can_judge(user, assessment) -> bool:
    """Record judgements and item ratings, and sit on the panel: assessors of the CCG's region, platform admins."""
    scope = scope_for(user)
    if assessment.first_submitted_at is None or is_conflicted(user, assessment):
        return False
    region_id = assessment.organisation.region_id
    return scope.is_admin or (region_id is not None and scope.has_role(region_id, Role.ASSESSOR))


def can_publish_decision(user, decision) -> bool:
    scope = scope_for(user)
    assessment = decision.assessment
    if decision.is_published or is_conflicted(user, assessment):
        return False
    region_id = assessment.organisation.region_id
    return scope.is_admin or (region_id is not None and scope.has_role(region_id, Role.REGIONAL_LEAD))


def visible_judgements(user, queryset: QuerySet) -> QuerySet:
    """Judgements and assessors' item ratings (both have an `assessment`)."""
    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    published = Q(assessment__decision__published_at__isnull=False)
    condition = Q(pk__in=[])
    if scope.region_ids:
        condition |= Q(assessment__organisation__region__in=scope.region_ids) & (
            ~Q(assessment__organisation__in=scope.own_ids) | published
        )
    if scope.ccg_ids:
        condition |= published & Q(assessment__organisation__in=scope.ccg_ids)
    return queryset.filter(condition)


def _decision_condition(scope: Scope, prefix: str = "") -> Q:
    published = Q(**{f"{prefix}published_at__isnull": False})
    organisation = f"{prefix}assessment__organisation"
    condition = Q(pk__in=[])
    if scope.region_ids:
        condition |= Q(**{f"{organisation}__region__in": scope.region_ids}) & (
            ~Q(**{f"{organisation}__in": scope.own_ids}) | published
        )
    ccg_ids = scope.ccg_ids | scope.partner_ccg_ids
    if ccg_ids:
        condition |= published & Q(**{f"{organisation}__in": ccg_ids})
    return condition


def visible_decisions(user, queryset: QuerySet) -> QuerySet:
    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    return queryset.filter(_decision_condition(scope))


def visible_conditions(user, queryset: QuerySet) -> QuerySet:
    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    return queryset.filter(_decision_condition(scope, "decision__"))


def can_respond_to_condition(user, condition) -> bool:
    """The CCG lead, while the condition is open, escalated or awaiting a decision on evidence already sent."""
    from assure.decisions.models import Condition

    return (
        condition.status != Condition.Status.DISCHARGED
        and condition.decision.is_published
        and is_ccg_lead(user, condition.decision.assessment.organisation_id)
    )


def can_manage_condition(user, condition) -> bool:
    """Discharge, escalate or review: the assessors of the CCG's region and platform admins."""
    return can_judge(user, condition.decision.assessment)


# Running cycles ------------------------------------------------------------------------------------------------
#
# Platform admins create and change any cycle, national or regional. A regional lead creates and changes the
# cycles their region runs, for CCGs of that region only. Everyone else reads cycles (visible_cycles) but does
# not run them.


def cycle_regions(user, queryset: QuerySet) -> QuerySet:
    """The regions (of a queryset of organisations) this person may run cycles for."""
    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    return queryset.filter(pk__in=[org for org, role in scope.roles if role == Role.REGIONAL_LEAD])


def can_create_cycle(user) -> bool:
    scope = scope_for(user)
    return scope.is_admin or any(role == Role.REGIONAL_LEAD for _, role in scope.roles)


def can_manage_cycle(user, cycle) -> bool:
    """Change a cycle: platform admins any; a regional lead their region's (a national cycle is the admins')."""
    scope = scope_for(user)
    return scope.is_admin or (
        cycle.region_id is not None and scope.has_role(cycle.region_id, Role.REGIONAL_LEAD)
    )


def managed_cycles(user, queryset: QuerySet) -> QuerySet:
    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    return queryset.filter(region__in=[org for org, role in scope.roles if role == Role.REGIONAL_LEAD])


def cycle_ccgs(user, queryset: QuerySet) -> QuerySet:
    """The CCGs (of a queryset of organisations) this person may put in a cycle: any for platform admins, those
    of their regions for regional leads."""
    scope = scope_for(user)
    if scope.is_admin:
        return queryset
    return queryset.filter(region__in=[org for org, role in scope.roles if role == Role.REGIONAL_LEAD])
