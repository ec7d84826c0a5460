"""The number of database queries a page makes does not grow with the data.

Every page and API endpoint in `PAGES` is requested against a small generated country and against one ten times
larger in every respect (CCGs, practices, people, evidence per CCG…), as the same person; the counts must be
equal. A page that lists something unbounded must paginate it (say so with `paginated=True`, and the test then
only asks that the page answers).

A new page is one line in `PAGES`: who asks, how, and the path built from `Targets`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assure.accounts.models import ApiToken, User
from assure.assessments.models import Assessment, ItemResponse
from assure.audit.models import AuditEvent
from assure.cycles.models import Cycle
from assure.evidence.models import Evidence
from assure.goodpractice.models import Attachment, Example
from assure.national.dataset import CYCLE_NAMES, PDF, Size, generate
from assure.national.targets import DEMO_CCG, respondent_links, targets
from assure.organisations.models import Organisation
from assure.partnerships.models import AgreedItem, PartnershipReview, SideRating
from assure.plans.models import Action as PlanAction
from assure.reports.models import ReportPdf
from assure.surveys.constants import GROUP_CODES
from assure.surveys.models import Stakeholder, Survey

SMALL = Size(
    ccgs=2,
    hwbs=2,
    practices=10,
    providers=2,
    support_units=1,
    staff_per_ccg=2,
    people_per_hwb=2,
    assessors_per_region=1,
    evidence_per_ccg=2,
    files_per_ccg=1,
)
LARGE = SMALL.times(10)
TODAY = datetime.date(2013, 6, 3)


@dataclass
class Targets:
    """What the paths point at, found in whichever dataset is loaded."""

    ccg: str  # the demo CCG's code
    cycle: str  # the open national cycle
    previous_cycle: str  # the one before (the demo CCG submitted in it)
    draft: str  # the demo CCG's self-assessment in the open cycle (a draft)
    submitted: str  # the demo CCG's self-assessment in the previous cycle (submitted)
    item: str  # an item code
    evidence: str  # a file in the demo CCG's library
    version: int  # the item's current version in the draft
    review: str  # the demo CCG's partnership review in the open cycle (being agreed)
    survey: str  # the demo CCG's closed survey (previous cycle)
    open_survey: str  # the demo CCG's open survey
    statements: list[str]  # the open survey's statement codes
    link: str  # a respondent link to the open survey
    example: str  # a published good practice example of another organisation
    own_example: str  # the demo CCG's draft example
    action: str | None  # an action of the demo CCG's development plan (previous cycle)
    action_version: int
    pdf: str | None  # the latest report PDF asked for the draft (once "CCG report PDF" has been)
    agreed_version: int  # the version of the item's agreed rating in the review (0: none yet)
    stakeholder: str  # a stakeholder of the open survey not yet invited (once "API survey stakeholder add")
    spare_evidence: str  # another record in the demo CCG's library than `evidence` (a link), to delete
    token: str  # the CCG lead's token for these requests, to revoke last
    submitted_example: str  # the demo CCG's example with the moderator (after "good practice submit")
    hwb: str  # the code of the demo CCG's partner HWB in `review`
    attachment: str  # a file attached to the demo CCG's draft example (after "good practice attachment add")
    # What "partnership review open" acts on and opens: a cycle the demo CCG has just joined (`_add_cycle`), and
    # the review of the demo pair in it, still being rated: an item of it, and that item's version on each side
    new_cycle: str
    new_review: str
    side_item: str
    ccg_side_version: int
    hwb_side_version: int
    api_example: str  # a draft example of the demo CCG for the API steps (`_add_example`)

    @classmethod
    def find(cls, link: str = "") -> Targets:
        found = targets()
        item = found["items"][3]
        action = PlanAction.objects.filter(plan__organisation__code=found["ccg"]).order_by("pk").first()
        pdf = ReportPdf.objects.filter(assessment__public_id=found["draft"]).order_by("-pk").first()
        agreed = AgreedItem.objects.filter(review__public_id=found["review"], item__code=item).first()
        stakeholder = (
            Stakeholder.objects.filter(survey__public_id=found["open_survey"], invited_at__isnull=True)
            .order_by("-email")
            .first()
        )
        spare = (
            Evidence.objects.filter(organisation__code=found["ccg"])
            .exclude(public_id=found["evidence"])
            .order_by("-title")
            .first()
        )
        token = ApiToken.objects.filter(user__email=LEAD, name=TOKEN_NAME, revoked_at=None).first()
        submitted_example = (
            Example.objects.filter(organisation__code=found["ccg"], status=Example.Status.SUBMITTED)
            .exclude(title=API_EXAMPLE)
            .first()
        )
        attachment = Attachment.objects.filter(example__public_id=found["own_example"]).first()
        new_cycle = Cycle.objects.filter(name=NEW_CYCLE).first()
        review = PartnershipReview.objects.select_related("hwb").get(public_id=found["review"])
        new_review = PartnershipReview.objects.filter(cycle=new_cycle, ccg__code=found["ccg"]).first()
        side = {}
        if new_review:
            first = SideRating.objects.filter(review=new_review).order_by(
                "item__domain__number", "item__position"
            )
            side = {r.side: r for r in first.filter(item=first[0].item)}
        api_example = Example.objects.filter(organisation__code=found["ccg"], title=API_EXAMPLE).first()
        return cls(
            ccg=found["ccg"],
            cycle=found["cycle"],
            previous_cycle=found["previous_cycle"],
            draft=found["draft"],
            submitted=found["submitted"],
            item=item,
            evidence=found["evidence"],
            version=found["versions"][item],
            review=found["review"],
            survey=found["survey"],
            open_survey=found["open_survey"],
            statements=found["statements"],
            link=link,
            example=found["example"],
            own_example=found["own_example"],
            action=str(action.public_id) if action else None,
            action_version=action.version if action else 0,
            pdf=str(pdf.public_id) if pdf else None,
            agreed_version=agreed.version if agreed else 0,
            stakeholder=str(stakeholder.public_id) if stakeholder else "",
            spare_evidence=str(spare.public_id) if spare else "",
            token=str(token.public_id) if token else "",
            submitted_example=str(submitted_example.public_id) if submitted_example else "",
            hwb=review.hwb.code,
            attachment=str(attachment.public_id) if attachment else "",
            new_cycle=str(new_cycle.public_id) if new_cycle else "",
            new_review=str(new_review.public_id) if new_review else "",
            side_item=side["ccg"].item.code if side else "",
            ccg_side_version=side["ccg"].version if side else 0,
            hwb_side_version=side["hwb"].version if side else 0,
            api_example=str(api_example.public_id) if api_example else "",
        )


@dataclass(frozen=True)
class Page:
    name: str
    who: str | None  # a demo login, or None for someone not signed in
    path: Callable[[Targets], str]
    method: str = "get"
    data: Callable[[Targets], dict | list] | None = None
    api: bool = False  # authenticate with a personal token rather than a session
    paginated: bool = False
    # A step taken once for good (closing a survey, deleting a file): measured on its first call, the caches
    # warmed by the pages before it, and listed after every page that needs what it changes.
    once: bool = False
    # Puts the data in the state the page needs, where the generated country does not hold it: called once,
    # before the page is first requested, outside the count.
    before: Callable[[], None] | None = None


TOKEN_NAME = "Query counts"
LEAD = "ccg.lead@example.org"
REGION = "region@example.org"
ASSESSOR = "assessor@example.org"
HWB = "hwb.lead@example.org"
ADMIN = "admin@example.org"
NEW_CYCLE = "Query counts: a cycle just begun"
API_EXAMPLE = "Query counts: an example sent over the API"


def _add_cycle() -> None:
    """A cycle the demo CCG has just joined: no self-assessment, partnership review or survey in it yet."""
    open_cycle = Cycle.objects.get(name=CYCLE_NAMES[-1])
    cycle = Cycle.objects.create(
        name=NEW_CYCLE,
        kind=Cycle.Kind.ANNUAL_ASSURANCE,
        framework=open_cycle.framework,
        starts_on=open_cycle.starts_on,
        ends_on=open_cycle.ends_on,
    )
    cycle.ccgs.add(Organisation.objects.get(code=DEMO_CCG))


def _rate_side(side: str):
    """Every item of one side of the review opened in the new cycle rated, so that the side can be released."""

    def rate() -> None:
        SideRating.objects.filter(review__cycle__name=NEW_CYCLE, side=side, rating__isnull=True).update(
            rating=2, version=1
        )

    return rate


def _add_example() -> None:
    """A second draft example of the demo CCG, for the API to submit and moderate."""
    own = Example.objects.filter(organisation__code=DEMO_CCG).order_by("pk").first()
    example = Example.objects.create(
        organisation=own.organisation,
        framework=own.framework,
        title=API_EXAMPLE,
        summary=own.summary,
        what_we_did=own.what_we_did,
        results=own.results,
        contact_name=own.contact_name,
        contact_email=own.contact_email,
        created_by=own.created_by,
    )
    example.domains.set(own.domains.all())


def _complete_draft() -> None:
    """The demo CCG's draft in the open cycle made ready to submit: every item rated, nothing left unconfirmed."""
    draft = Assessment.objects.get(organisation__code=DEMO_CCG, cycle__name=CYCLE_NAMES[-1])
    ItemResponse.objects.filter(assessment=draft, rating__isnull=True, not_applicable=False).update(rating=2)
    ItemResponse.objects.filter(assessment=draft, carried_over=True).update(carried_over=False)


def _item_form(t: Targets) -> dict:
    fields = {"rating": "2", "reason": "", "narrative": "Reviewed with the HWB.", "version": str(t.version)}
    return {f"item-{t.item}-{name}": value for name, value in fields.items()}


def _item_json(t: Targets) -> dict:
    return {
        "rating": 2,
        "not_applicable": False,
        "reason": "",
        "narrative": "Reviewed.",
        "version": t.version,
    }


def _survey_answers(t: Targets) -> dict:
    answers = ("agree", "neutral", "strongly_agree", "dont_know")
    return {
        "comment-1": "Joint working has improved.",
        **{f"s-{code}": answers[k % 4] for k, code in enumerate(t.statements)},
    }


PAGES = [
    Page("healthz", None, lambda t: "/healthz"),
    Page("welcome", None, lambda t: "/"),
    Page("home (CCG lead)", LEAD, lambda t: "/"),
    Page("home (regional lead)", REGION, lambda t: "/"),
    Page("home (HWB lead)", HWB, lambda t: "/"),
    Page("home (admin)", ADMIN, lambda t: "/"),
    Page("profile", LEAD, lambda t: "/accounts/profile/"),
    Page("frameworks", None, lambda t: "/frameworks/"),
    Page("framework", None, lambda t: "/frameworks/ccg-authorisation-2012/"),
    Page("framework domain", None, lambda t: "/frameworks/ccg-authorisation-2012/domains/2/"),
    Page("cycle (regional lead)", REGION, lambda t: f"/cycles/{t.cycle}/"),
    Page("cycle (CCG lead)", LEAD, lambda t: f"/cycles/{t.cycle}/"),
    Page("cycle (admin)", ADMIN, lambda t: f"/cycles/{t.cycle}/"),
    Page("cycles you run", REGION, lambda t: "/cycles/"),
    Page("create a cycle", REGION, lambda t: "/cycles/new/"),
    Page("change a cycle", ADMIN, lambda t: f"/cycles/{t.cycle}/change/"),
    Page("start self-assessment", LEAD, lambda t: f"/assessments/start/{t.cycle}/{t.ccg}/"),
    Page("task list", LEAD, lambda t: f"/assessments/{t.draft}/"),
    Page("task list (assessor: redirect)", ASSESSOR, lambda t: f"/assessments/{t.submitted}/"),
    Page("domain", LEAD, lambda t: f"/assessments/{t.draft}/domains/2/"),
    Page("item save", LEAD, lambda t: f"/assessments/{t.draft}/items/{t.item}/", "post", _item_form),
    Page(
        "item save (htmx)",
        LEAD,
        lambda t: f"/assessments/{t.draft}/items/{t.item}/",
        "post",
        lambda t: {**_item_form(t), "HTTP_HX_REQUEST": "true"},
    ),
    Page("item history", LEAD, lambda t: f"/assessments/{t.draft}/items/{t.item}/history/"),
    Page("check and submit", LEAD, lambda t: f"/assessments/{t.draft}/submit/"),
    Page("submitted", LEAD, lambda t: f"/assessments/{t.submitted}/submitted/1/"),
    Page("submission (assessor)", ASSESSOR, lambda t: f"/assessments/{t.submitted}/submissions/1/"),
    Page("reopen (assessor)", ASSESSOR, lambda t: f"/assessments/{t.submitted}/reopen/"),
    Page("who changed what", LEAD, lambda t: f"/assessments/{t.draft}/audit/"),
    Page("export to Excel", LEAD, lambda t: f"/assessments/{t.draft}/export.xlsx"),
    Page("import from Excel", LEAD, lambda t: f"/assessments/{t.draft}/import/"),
    Page("evidence library", LEAD, lambda t: f"/evidence/library/{t.ccg}/"),
    Page("evidence library (assessor)", ASSESSOR, lambda t: f"/evidence/library/{t.ccg}/"),
    Page("evidence add", LEAD, lambda t: f"/evidence/library/{t.ccg}/add/"),
    Page("evidence coverage", LEAD, lambda t: f"/evidence/library/{t.ccg}/coverage/"),
    Page("evidence detail", LEAD, lambda t: f"/evidence/{t.evidence}/"),
    Page("evidence download", LEAD, lambda t: f"/evidence/{t.evidence}/download/"),
    Page("admin index", ADMIN, lambda t: "/admin/"),
    Page("admin organisations", ADMIN, lambda t: "/admin/organisations/organisation/"),
    Page("admin relations", ADMIN, lambda t: "/admin/organisations/relation/"),
    Page("admin memberships", ADMIN, lambda t: "/admin/organisations/membership/"),
    Page("admin people", ADMIN, lambda t: "/admin/accounts/user/"),
    Page("admin cycles", ADMIN, lambda t: "/admin/cycles/cycle/"),
    Page("API frameworks", None, lambda t: "/api/v1/frameworks", api=True),
    Page("API framework", None, lambda t: "/api/v1/frameworks/ccg-authorisation-2012", api=True),
    Page("API cycles", LEAD, lambda t: "/api/v1/cycles", api=True),
    Page("API cycle (regional lead)", REGION, lambda t: f"/api/v1/cycles/{t.cycle}", api=True),
    Page("API organisations (CCG lead)", LEAD, lambda t: "/api/v1/organisations", api=True),
    Page("API CCGs (regional lead)", REGION, lambda t: "/api/v1/organisations?type=ccg", api=True),
    Page("API assessments", LEAD, lambda t: "/api/v1/assessments", api=True),
    Page("API assessments (assessor)", ASSESSOR, lambda t: "/api/v1/assessments", api=True),
    Page("API assessment", LEAD, lambda t: f"/api/v1/assessments/{t.draft}", api=True),
    Page("API assessment (assessor)", ASSESSOR, lambda t: f"/api/v1/assessments/{t.submitted}", api=True),
    Page(
        "API item save",
        LEAD,
        lambda t: f"/api/v1/assessments/{t.draft}/items/{t.item}",
        "put",
        _item_json,
        api=True,
    ),
    Page("API evidence", LEAD, lambda t: f"/api/v1/assessments/{t.draft}/evidence", api=True),
    Page(
        "API evidence file",
        LEAD,
        lambda t: f"/api/v1/assessments/{t.draft}/evidence/{t.evidence}/file",
        api=True,
    ),
    Page("partnership reviews", LEAD, lambda t: "/partnerships/"),
    Page("partnership review", LEAD, lambda t: f"/partnerships/{t.review}/"),
    Page("partnership review (HWB lead)", HWB, lambda t: f"/partnerships/{t.review}/"),
    Page("partnership side domain", LEAD, lambda t: f"/partnerships/{t.review}/sides/ccg/domains/2/"),
    Page("partnership gaps", LEAD, lambda t: f"/partnerships/{t.review}/gaps/"),
    Page("partnership agree domain", LEAD, lambda t: f"/partnerships/{t.review}/agree/domains/2/"),
    Page("partnership and self-assessment", LEAD, lambda t: f"/partnerships/{t.review}/self-assessment/"),
    Page("partnership prepare", LEAD, lambda t: f"/partnerships/{t.review}/prepare/"),
    Page("partnership history", LEAD, lambda t: f"/partnerships/{t.review}/history/"),
    Page("partnership export", LEAD, lambda t: f"/partnerships/{t.review}/export.csv"),
    Page("development plans", REGION, lambda t: "/plans/"),
    Page("development plan", LEAD, lambda t: f"/plans/{t.ccg}/{t.cycle}/"),
    Page("development plan (regional lead)", REGION, lambda t: f"/plans/{t.ccg}/{t.cycle}/"),
    Page("development plan (HWB lead)", HWB, lambda t: f"/plans/{t.ccg}/{t.cycle}/"),
    Page("development plan export", LEAD, lambda t: f"/plans/{t.ccg}/{t.cycle}/export.xlsx"),
    Page("API development plan", REGION, lambda t: f"/api/v1/plans/{t.ccg}", api=True),
    Page("surveys", LEAD, lambda t: "/surveys/"),
    Page("survey", LEAD, lambda t: f"/surveys/{t.open_survey}/"),
    Page("survey settings", LEAD, lambda t: f"/surveys/{t.open_survey}/settings/"),
    Page("survey stakeholders", LEAD, lambda t: f"/surveys/{t.open_survey}/stakeholders/"),
    Page("survey results", LEAD, lambda t: f"/surveys/{t.survey}/results/"),
    Page("survey results (regional lead)", REGION, lambda t: f"/surveys/{t.survey}/results/"),
    Page("survey results export", LEAD, lambda t: f"/surveys/{t.survey}/results.csv"),
    Page("respondent page", None, lambda t: f"/s/{t.link}/"),
    Page("respondent submission", None, lambda t: f"/s/{t.link}/", "post", _survey_answers),
    Page("respondent thanks", None, lambda t: f"/s/{t.link}/done/"),
    Page("API partnership reviews", LEAD, lambda t: "/api/v1/partnerships", api=True),
    Page("API partnership review", LEAD, lambda t: f"/api/v1/partnerships/{t.review}", api=True),
    Page("API surveys", LEAD, lambda t: "/api/v1/surveys", api=True),
    Page("API survey", LEAD, lambda t: f"/api/v1/surveys/{t.open_survey}", api=True),
    Page("API survey rates", LEAD, lambda t: f"/api/v1/surveys/{t.open_survey}/rates", api=True),
    Page("API survey results", LEAD, lambda t: f"/api/v1/surveys/{t.survey}/results", api=True),
    Page("accessibility", None, lambda t: "/accessibility/"),
    Page("sign in", None, lambda t: "/accounts/login/"),
    Page("password reset", None, lambda t: "/accounts/password-reset/"),
    Page("task list export", LEAD, lambda t: f"/assessments/{t.draft}/domains.csv"),
    Page("submission export", ASSESSOR, lambda t: f"/assessments/{t.submitted}/submissions/1/export.xlsx"),
    Page("who changed what export", LEAD, lambda t: f"/assessments/{t.draft}/audit.csv"),
    Page("evidence library export", LEAD, lambda t: f"/evidence/library/{t.ccg}/export.xlsx"),
    Page("evidence coverage export", LEAD, lambda t: f"/evidence/library/{t.ccg}/coverage/export.csv"),
    Page("cycle CCGs export", REGION, lambda t: f"/cycles/{t.cycle}/ccgs.xlsx"),
    Page("regional dashboard", REGION, lambda t: f"/reports/dashboard/?cycle={t.cycle}"),
    # The previous cycle: in the small country the assessor's region has only the demo CCG, whose self-assessment
    # in the open cycle is a draft, and a dashboard with nothing submitted rightly skips the submissions' query.
    Page(
        "regional dashboard (assessor)", ASSESSOR, lambda t: f"/reports/dashboard/?cycle={t.previous_cycle}"
    ),
    Page("regional dashboard export", REGION, lambda t: f"/reports/dashboard/export.csv?cycle={t.cycle}"),
    Page("cycle workbook", REGION, lambda t: f"/reports/cycles/{t.cycle}/workbook.xlsx"),
    Page("CCG report", LEAD, lambda t: f"/reports/assessments/{t.draft}/"),
    Page("CCG report (assessor)", ASSESSOR, lambda t: f"/reports/assessments/{t.submitted}/"),
    Page("CCG report PDF", LEAD, lambda t: f"/reports/assessments/{t.draft}/report.pdf"),
    Page("survey import", LEAD, lambda t: f"/surveys/{t.open_survey}/import/"),
    Page("survey import template", LEAD, lambda t: f"/surveys/{t.open_survey}/import/template.csv"),
    Page("good practice library", None, lambda t: "/good-practice/"),
    Page("good practice search", None, lambda t: "/good-practice/?q=approached&domain=2"),  # in every summary
    Page("good practice export", None, lambda t: "/good-practice/export.xlsx"),
    Page("good practice example", None, lambda t: f"/good-practice/{t.example}/"),
    Page("good practice, yours", LEAD, lambda t: "/good-practice/yours/"),
    Page("good practice, new", LEAD, lambda t: "/good-practice/new/"),
    Page("good practice, edit", LEAD, lambda t: f"/good-practice/{t.own_example}/edit/"),
    Page("good practice to moderate", REGION, lambda t: "/good-practice/moderation/"),
    Page("API dashboard", REGION, lambda t: f"/api/v1/dashboard?cycle={t.cycle}", api=True),
    Page("API report PDF", LEAD, lambda t: f"/api/v1/assessments/{t.draft}/report.pdf", api=True),
    Page("API assessment workbook", LEAD, lambda t: f"/api/v1/assessments/{t.draft}/export.xlsx", api=True),
    Page("API good practice", None, lambda t: "/api/v1/good-practice?q=joint", api=True),
    Page("API good practice example", None, lambda t: f"/api/v1/good-practice/{t.example}", api=True),
    Page("API good practice, yours", LEAD, lambda t: "/api/v1/good-practice/mine", api=True),
    Page("API OpenAPI document", None, lambda t: "/api/v1/openapi.json", api=True),
    Page("API documentation", None, lambda t: "/api/v1/docs", api=True),
    Page("API root", None, lambda t: "/api/v1/", api=True),
    Page("password reset sent", None, lambda t: "/accounts/password-reset/sent/"),
    Page(
        "password reset link (expired)",
        None,
        lambda t: "/accounts/password-reset/MQ/cd1234-0123456789abcdef/",
    ),
    Page("password reset done", None, lambda t: "/accounts/password-reset/done/"),
    Page("latest development plan", LEAD, lambda t: f"/plans/{t.ccg}/"),
    Page("development plan action", LEAD, lambda t: f"/plans/actions/{t.action}/"),
    Page(
        "development plan action status",
        LEAD,
        lambda t: f"/plans/actions/{t.action}/status/",
        "post",
        lambda t: {
            f"action-{t.action}-status": "in_progress",
            f"action-{t.action}-version": str(t.action_version),
        },
    ),
    Page(
        "API development plan action status",
        LEAD,
        lambda t: f"/api/v1/plans/actions/{t.action}/status",
        "post",
        lambda t: {"status": "in_progress", "version": t.action_version},
        api=True,
    ),
    Page(
        "API partnership agreed item",
        LEAD,
        lambda t: f"/api/v1/partnerships/{t.review}/items/{t.item}/agreed",
        "put",
        lambda t: {"agreed_rating": 2, "action": "", "version": t.agreed_version},
        api=True,
    ),
    Page(
        "partnership agree item",
        LEAD,
        lambda t: f"/partnerships/{t.review}/agree/items/{t.item}/",
        "post",
        lambda t: {
            f"agree-{t.item}-agreed_rating": "2",
            f"agree-{t.item}-action": "",
            f"agree-{t.item}-version": str(t.agreed_version),
        },
    ),
    Page(
        "share the self-assessment",
        LEAD,
        lambda t: f"/assessments/{t.submitted}/sharing/",
        "post",
        lambda t: {"shared": "yes"},
    ),
    Page(
        "development plan gather",
        LEAD,
        lambda t: f"/plans/{t.ccg}/{t.previous_cycle}/gather/",
        "post",
        lambda t: {},
    ),
    Page(
        "development plan new action",
        LEAD,
        lambda t: f"/plans/{t.ccg}/{t.previous_cycle}/actions/new/",
        "post",
        lambda t: {
            "title": "Agree the joint plan",
            "description": "",
            "domain": "2",
            "owner": "",
            "owner_name": "Jo Bloggs",
            "due": "31/03/2014",
            "status": "open",
        },
    ),
    Page("partnership export to Excel", LEAD, lambda t: f"/partnerships/{t.review}/export.xlsx"),
    Page("survey results to Excel", LEAD, lambda t: f"/surveys/{t.survey}/results.xlsx"),
    Page("survey stakeholders export", LEAD, lambda t: f"/surveys/{t.open_survey}/stakeholders.csv"),
    Page("survey close (confirm)", LEAD, lambda t: f"/surveys/{t.open_survey}/close/"),
    Page(
        "survey invitations", LEAD, lambda t: f"/surveys/{t.open_survey}/invitations/", "post", lambda t: {}
    ),
    Page("survey reminders", LEAD, lambda t: f"/surveys/{t.open_survey}/reminders/", "post", lambda t: {}),
    Page(
        "API survey invitations",
        LEAD,
        lambda t: f"/api/v1/surveys/{t.open_survey}/invitations",
        "post",
        api=True,
    ),
    Page(
        "API survey reminders", LEAD, lambda t: f"/api/v1/surveys/{t.open_survey}/reminders", "post", api=True
    ),
    Page("good practice export CSV", None, lambda t: "/good-practice/export.csv"),
    # the PDF that "CCG report PDF" asked for (laid out at once: tasks run as they are queued here)
    Page("CCG report PDF status", LEAD, lambda t: f"/reports/assessments/{t.draft}/pdf/{t.pdf}/"),
    Page("CCG report PDF download", LEAD, lambda t: f"/reports/assessments/{t.draft}/pdf/{t.pdf}/report.pdf"),
    # Steps taken once for good, last.
    Page(
        "API survey stakeholder add",
        LEAD,
        lambda t: f"/api/v1/surveys/{t.open_survey}/stakeholders",
        "post",
        lambda t: [{"name": "Pat Doe", "email": "pat.doe@example.org", "group": GROUP_CODES[0]}],
        api=True,
        once=True,
    ),
    Page(
        "survey stakeholder remove",
        LEAD,
        lambda t: f"/surveys/{t.open_survey}/stakeholders/{t.stakeholder}/remove/",
        "post",
        lambda t: {},
        once=True,
    ),
    Page(
        "API survey close",
        LEAD,
        lambda t: f"/api/v1/surveys/{t.open_survey}/close",
        "post",
        api=True,
        once=True,
    ),
    Page(
        "evidence delete",
        LEAD,
        lambda t: f"/evidence/{t.spare_evidence}/delete/",
        "post",
        lambda t: {},
        once=True,
    ),
    Page(
        "good practice attachment add (form)",
        LEAD,
        lambda t: f"/good-practice/{t.own_example}/attachments/add/",
    ),
    Page(
        "good practice attachment add",
        LEAD,
        lambda t: f"/good-practice/{t.own_example}/attachments/add/",
        "post",
        lambda t: {"file": SimpleUploadedFile("costs.pdf", PDF, content_type="application/pdf")},
        once=True,
    ),
    Page(
        "good practice attachment download",
        LEAD,
        lambda t: f"/good-practice/attachments/{t.attachment}/download/",
    ),
    Page(
        "API good practice attachment file",
        LEAD,
        lambda t: f"/api/v1/good-practice/attachments/{t.attachment}",
        api=True,
    ),
    Page(
        "good practice attachment delete",
        LEAD,
        lambda t: f"/good-practice/attachments/{t.attachment}/delete/",
        "post",
        lambda t: {},
        once=True,
    ),
    Page(
        "API good practice attachment add",
        LEAD,
        lambda t: f"/api/v1/good-practice/{t.own_example}/attachments",
        "post",
        lambda t: {"file": SimpleUploadedFile("minutes.csv", b"Month,Actions\r\nMay,3\r\n", "text/csv")},
        api=True,
        once=True,
    ),
    Page(
        "API good practice attachment delete",
        LEAD,
        lambda t: f"/api/v1/good-practice/attachments/{t.attachment}",
        "delete",
        api=True,
        once=True,
    ),
    Page(
        "good practice submit",
        LEAD,
        lambda t: f"/good-practice/{t.own_example}/submit/",
        "post",
        lambda t: {},
        once=True,
    ),
    Page(
        "good practice moderate",
        REGION,
        lambda t: f"/good-practice/{t.submitted_example}/moderate/",
        "post",
        lambda t: {"decision": "approve", "note": ""},
        once=True,
    ),
    Page(
        "API good practice submit",
        LEAD,
        lambda t: f"/api/v1/good-practice/{t.api_example}/submit",
        "post",
        api=True,
        once=True,
        before=_add_example,
    ),
    Page(
        "API good practice moderate",
        REGION,
        lambda t: f"/api/v1/good-practice/{t.api_example}/moderate",
        "post",
        lambda t: {"decision": "request_changes", "note": "Say what it cost."},
        api=True,
        once=True,
    ),
    Page(
        "partnership review open",
        LEAD,
        lambda t: "/partnerships/open/",
        "post",
        lambda t: {"cycle": t.new_cycle, "ccg": t.ccg, "hwb": t.hwb},
        once=True,
        before=_add_cycle,
    ),
    Page(
        "partnership side rating",
        LEAD,
        lambda t: f"/partnerships/{t.new_review}/sides/ccg/items/{t.side_item}/",
        "post",
        lambda t: {
            f"item-{t.side_item}-rating": "3",
            f"item-{t.side_item}-comment": "Seen at the board.",
            f"item-{t.side_item}-version": str(t.ccg_side_version),
        },
    ),
    Page(
        "partnership side rating (htmx)",
        LEAD,
        lambda t: f"/partnerships/{t.new_review}/sides/ccg/items/{t.side_item}/",
        "post",
        lambda t: {
            f"item-{t.side_item}-rating": "2",
            f"item-{t.side_item}-comment": "Seen at the board again.",
            f"item-{t.side_item}-version": str(t.ccg_side_version),
            "HTTP_HX_REQUEST": "true",
        },
    ),
    Page(
        "API partnership side rating",
        HWB,
        lambda t: f"/api/v1/partnerships/{t.new_review}/items/{t.side_item}",
        "put",
        lambda t: {"rating": 2, "comment": "", "version": t.hwb_side_version},
        api=True,
    ),
    Page(
        "partnership side release",
        LEAD,
        lambda t: f"/partnerships/{t.new_review}/sides/ccg/release/",
        "post",
        lambda t: {},
        once=True,
        before=_rate_side("ccg"),
    ),
    Page(
        "API partnership side release",
        HWB,
        lambda t: f"/api/v1/partnerships/{t.new_review}/release",
        "post",
        api=True,
        once=True,
        before=_rate_side("hwb"),
    ),
    Page(
        "survey start",
        LEAD,
        lambda t: f"/surveys/start/{t.new_cycle}/{t.ccg}/",
        "post",
        lambda t: {},
        once=True,
    ),
    Page("self-assessment start page", LEAD, lambda t: f"/assessments/start/{t.new_cycle}/{t.ccg}/"),
    Page(
        "self-assessment start",
        LEAD,
        lambda t: f"/assessments/start/{t.new_cycle}/{t.ccg}/",
        "post",
        lambda t: {},
        once=True,
    ),
    Page(
        "API self-assessment submit",
        LEAD,
        lambda t: f"/api/v1/assessments/{t.draft}/submit",
        "post",
        api=True,
        once=True,
        before=_complete_draft,
    ),
    Page(
        "revoke a token",
        LEAD,
        lambda t: f"/accounts/tokens/{t.token}/revoke/",
        "post",
        lambda t: {},
        once=True,
    ),
    Page("sign out", LEAD, lambda t: "/accounts/logout/", "post", lambda t: {}, once=True),
]


def _request(page: Page, targets: Targets, clients: dict, tokens: dict):
    path = page.path(targets)
    data = page.data(targets) if page.data else {}
    headers = {k: data.pop(k) for k in list(data) if k.startswith("HTTP_")} if isinstance(data, dict) else {}
    if page.api:
        client = Client()
        if page.who:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {tokens[page.who]}"
        if page.method == "get":
            return client.get(path, **headers)
        if isinstance(data, dict) and any(hasattr(value, "read") for value in data.values()):
            return getattr(client, page.method)(
                path, data, **headers
            )  # a file: multipart, as a form sends it
        return getattr(client, page.method)(path, data, content_type="application/json", **headers)
    client = clients.get(page.who) or Client()
    if page.method == "get":
        return client.get(path, **headers)
    return getattr(client, page.method)(path, data, **headers)


def _measure(size: Size) -> tuple[dict[str, tuple[int, int, bool]], dict[str, bool]]:
    """(status code, queries, whether it read a framework's whole document) for every page, against a country of
    `size`; and whether each step taken once did its work (`_effects`)."""
    generate(size=size, today=TODAY)
    clients, tokens = {}, {}
    for email in {p.who for p in PAGES if p.who}:
        user = User.objects.get(email=email)
        clients[email] = Client()
        clients[email].force_login(user)
        tokens[email] = ApiToken.issue(user=user, name=TOKEN_NAME)[1]
    link = respondent_links(1)[0]
    results = {}
    for page in PAGES:
        if page.before:
            page.before()
        if not page.once:
            targets = Targets.find(link)  # fresh, so a save sends the item's current version
            _request(page, targets, clients, tokens)  # once to warm caches (framework spec, content types)
        targets = Targets.find(link)
        with CaptureQueriesContext(connection) as queries:
            response = _request(page, targets, clients, tokens)
        document = any(DOCUMENT in q["sql"] for q in queries.captured_queries)
        results[page.name] = (response.status_code, len(queries), document)
    return results, _effects(clients[LEAD])


_counts: dict[str, dict] = {}


@pytest.fixture
def counts(db, demo, time_machine) -> dict[str, dict]:
    """The counts for both sizes, worked out once per test process (generating the data takes a few seconds)."""
    if not _counts:
        time_machine.move_to(datetime.datetime(2013, 6, 3, 10, 0), tick=False)
        _counts["small"], _ = _measure(SMALL)
        _counts["large"], _counts["effects"] = _measure(LARGE)
    return _counts


def _effects(lead_client: Client) -> dict[str, bool]:
    """Whether each step taken once did what it is for, in the dataset just measured: a count is only worth
    something for the request that did the work, not one turned away."""
    found = targets()
    lead = User.objects.get(email=LEAD)
    open_survey = Survey.objects.get(public_id=found["open_survey"])
    new_review = PartnershipReview.objects.filter(cycle__name=NEW_CYCLE, ccg__code=found["ccg"]).first()
    files = AuditEvent.objects.filter(actor=lead, action__startswith="goodpractice.attachment_")
    files_added = [e.after["attachments"] for e in files if e.action == "goodpractice.attachment_added"]
    files_removed = [e.before["attachments"] for e in files if e.action == "goodpractice.attachment_removed"]
    files_left = Attachment.objects.filter(example__organisation__code=found["ccg"]).exists()
    return {
        # the stakeholder the API added is the one the page removed
        "API survey stakeholder add": AuditEvent.objects.filter(
            action="stakeholders.imported", actor=lead, after__added=1
        ).exists(),
        "survey stakeholder remove": AuditEvent.objects.filter(
            action="stakeholder.removed", actor=lead, context__contains="pat.doe@example.org"
        ).exists()
        and not open_survey.stakeholders.filter(email="pat.doe@example.org").exists(),
        "API survey close": open_survey.closed_at is not None,
        "evidence delete": AuditEvent.objects.filter(action="evidence.deleted", actor=lead).exists(),
        "good practice submit": Example.objects.filter(
            organisation__code=found["ccg"], submitted_at__isnull=False
        ).exists(),
        "good practice moderate": Example.objects.filter(
            organisation__code=found["ccg"], status=Example.Status.PUBLISHED, moderated_by__email=REGION
        ).exists(),
        # the page's file is costs.pdf, the API's minutes.csv; none is left
        "good practice attachment add": ["costs.pdf"] in files_added,
        "good practice attachment delete": ["costs.pdf"] in files_removed and not files_left,
        "API good practice attachment add": ["minutes.csv"] in files_added,
        "API good practice attachment delete": ["minutes.csv"] in files_removed and not files_left,
        "API good practice submit": Example.objects.filter(
            title=API_EXAMPLE, submitted_at__isnull=False
        ).exists(),
        "API good practice moderate": Example.objects.filter(
            title=API_EXAMPLE, status=Example.Status.CHANGES_REQUESTED, moderated_by__email=REGION
        ).exists(),
        "partnership review open": new_review is not None,
        "partnership side release": bool(new_review and new_review.ccg_released_at),
        "API partnership side release": bool(new_review and new_review.hwb_released_at),
        "self-assessment start": Assessment.objects.filter(
            cycle__name=NEW_CYCLE, organisation__code=found["ccg"]
        ).exists(),
        "survey start": Survey.objects.filter(
            cycle__name=NEW_CYCLE, organisation__code=found["ccg"]
        ).exists(),
        "API self-assessment submit": Assessment.objects.get(public_id=found["draft"]).status
        == Assessment.Status.SUBMITTED,
        "revoke a token": ApiToken.objects.filter(
            user=lead, name=TOKEN_NAME, revoked_at__isnull=False
        ).exists(),
        "sign out": lead_client.get("/accounts/profile/").status_code == 302,  # to the sign-in page
    }


@pytest.mark.parametrize("page", [p for p in PAGES if p.once], ids=[p.name for p in PAGES if p.once])
def test_each_step_taken_once_did_its_work(page: Page, counts):
    assert counts["effects"][page.name], f"{page.name} was measured, but did not do what it is for"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_queries_do_not_grow_with_the_data(page: Page, counts):
    small_status, small, _ = counts["small"][page.name]
    large_status, large, _ = counts["large"][page.name]

    assert small_status == large_status, f"{page.name} answered {small_status}, then {large_status}"
    assert small_status < 400, f"{page.name} answered {small_status}"
    if not page.paginated:
        assert small == large, (
            f"{page.name}: {small} queries with the small dataset, {large} with ten times the data"
        )


# A framework's whole document as imported (some 60 KB of JSON, read and decoded: 0.1 ms on SQLite, 0.4 ms on
# PostgreSQL), in its own table. Its parsed form is kept per process (`Framework.spec`), so no page needs it once
# warmed up.
DOCUMENT = '"frameworks_importeddocument"'


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_no_page_reads_a_frameworks_whole_document(page: Page, counts):
    *_, document = counts["large"][page.name]
    assert not document, f"{page.name} read a framework's whole document: use `Framework.spec`"
