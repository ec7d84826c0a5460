"""Who may reach what: one table with, for every URL and API endpoint, the answer each person gets.

People (the columns)
    visitor      signed out
    outsider     a CCG lead of a CCG in another region
    admin        platform admin                    (admin@example.org)
    region_lead  regional lead, London             (region@example.org)
    assessor     assessor, London                  (assessor@example.org)
    ccg_lead     CCG lead, NHS Camden CCG          (ccg.lead@example.org)
    ccg_staff    CCG contributor, NHS Camden CCG   (ccg.staff@example.org)
    hwb_lead     HWB lead, Camden HWB              (hwb.lead@example.org)
    hwb_member   HWB member, Camden HWB            (made here: the demo has no HWB member login)
    ccg2_lead    CCG lead, NHS Islington CCG: a person of a different CCG in the same region

The objects (the `w` in the kwargs functions, built once per module by `world`) are the demo region's: Camden's
draft self-assessment, Islington's submitted one (shared with its HWB), Camden's open survey, Islington's closed
one, Camden's partnership review (both sides released, being agreed), published and unpublished good practice…

HOW TO ADD A ROW (a new page or endpoint fails `test_every_url_has_a_row` or `test_every_api_operation_has_a_row`
until you do):

1. Pages: add one line to PAGES, keyed by the URL's name, giving the answer to GET for each person:

       "surveys:results":  "visitor=302 ccg_lead,region_lead,admin=200 *=404",

   A rule is `person[,person…]=status`; `*` stands for everybody not named. Every person must end up with a
   status. If the URL takes arguments, add a function to URL_KWARGS returning them from `w`:

       "surveys:results":  lambda w: {"public_id": w.closed_survey.public_id},

   For a page that takes a form, also add a forged POST to POSTS (same format; the body comes from FORMS, empty
   by default), to show that people who may not act cannot act by posting either. To check the same URL for an
   object in another state, add a row "app:name#variant" with its own URL_KWARGS entry under the same key.
2. API operations: add one line to API keyed by "METHOD /api/v1/path/{param}" as in the OpenAPI document, and
   its path parameters to API_KWARGS (and a valid body to API_BODIES for writes, so the answer is about access
   rather than input). Each person calls with a personal token; the visitor with none. Variants work as for
   pages: a row "GET /api/v1/things/{id}#draft" takes its parameters from API_KWARGS["/api/v1/things/{id}#draft"].

3. Run `.venv/bin/pytest -q tests/test_permission_matrix.py -p no:xdist`. A wrong row fails with every person
   whose answer differs. Never change a row to match a leak: fix the view (assure/core/permissions.py).

Every request runs inside a savepoint that is rolled back, so one person's request never changes what the next one
sees. Reading the numbers: 200 shown, 302 sent elsewhere (to sign in, or on after an action), 401 the API without a
token, 403 seen but not allowed, 404 not theirs to see (objects of another organisation always answer 404), 405
wrong method, 409 the state forbids it, 422 input refused after access was granted.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assure.accounts.models import ApiToken, User
from assure.assessments.models import Assessment
from assure.config.api import api
from assure.core.demo import CYCLE_NAME, FRAMEWORK_SLUG
from assure.cycles.models import Cycle
from assure.decisions.models import Condition
from assure.evidence.services import EvidenceInput, evidence_add
from assure.frameworks.models import Framework
from assure.goodpractice.models import Attachment, Example
from assure.organisations.models import Membership, Organisation, Role
from assure.partnerships.models import PartnershipReview
from assure.reports.models import ReportPdf
from assure.surveys import services as survey_services
from assure.surveys.models import Stakeholder, Survey

PEOPLE = (
    "visitor",
    "outsider",
    "admin",
    "region_lead",
    "assessor",
    "ccg_lead",
    "ccg_staff",
    "hwb_lead",
    "hwb_member",
    "ccg2_lead",
)
DEMO_EMAILS = {
    "admin": "admin@example.org",
    "region_lead": "region@example.org",
    "assessor": "assessor@example.org",
    "ccg_lead": "ccg.lead@example.org",
    "ccg_staff": "ccg.staff@example.org",
    "hwb_lead": "hwb.lead@example.org",
    "ccg2_lead": "ccg2.lead@example.org",
}

# fmt: off
# The answer to GET, for every named URL (the admin site's index stands for the admin site).
PAGES: dict[str, str] = {
    "accounts:login":                                "visitor=200 *=302",
    "accounts:logout":                               "*=405",
    "accounts:oidc_callback":                        "*=404",
    "accounts:oidc_start":                           "*=404",
    "accounts:password_reset":                       "*=200",
    "accounts:password_reset_complete":              "*=200",
    "accounts:password_reset_confirm":               "*=200",
    "accounts:password_reset_done":                  "*=200",
    "accounts:profile":                              "visitor=302 *=200",
    "accounts:revoke_token":                         "visitor=302 *=405",
    "admin:index":                                   "admin=200 *=302",
    "api_not_found":                                 "*=404",
    "api:api-root":                                  "*=200",
    "api_root":                                      "*=200",
    "api:openapi-json":                              "*=200",
    "api:openapi-view":                              "*=200",
    "assessments:audit":                             "visitor=302 admin,ccg_lead=200 *=404",
    "assessments:audit_export":                      "visitor=302 admin,ccg_lead=200 *=404",
    "assessments:domain":                            "visitor=302 ccg_lead,ccg_staff=200 *=404",
    "assessments:export_xlsx":                       "visitor=302 ccg_lead,ccg_staff=200 *=404",
    "assessments:import_xlsx":                       "visitor=302 ccg_lead,ccg_staff=200 *=404",
    "assessments:item_history":                      "visitor=302 admin,ccg_lead,ccg_staff=200 *=404",
    "assessments:reopen":                            "visitor=302 admin,assessor=200 *=404",
    "assessments:save_item":                         "*=405",
    "assessments:share":                             "*=405",
    "assessments:start":                             "visitor,admin,ccg_lead,ccg_staff=302 *=404",
    "assessments:submission":                        "visitor=302 admin,region_lead,assessor,ccg2_lead=200 *=404",
    "assessments:submission_export":                 "visitor=302 admin,region_lead,assessor,ccg2_lead=200 *=404",
    "assessments:submit":                            "visitor=302 ccg_lead=200 ccg_staff=403 *=404",
    "assessments:submitted":                         "visitor=302 admin,region_lead,assessor,ccg2_lead=200 *=404",
    "assessments:task_list":                         "visitor=302 ccg_lead,ccg_staff=200 *=404",
    "assessments:task_list_export":                  "visitor=302 ccg_lead,ccg_staff=200 *=404",
    "core:accessibility":                            "*=200",
    "core:healthz":                                  "*=200",
    "core:home":                                     "*=200",
    "cycles:ccgs_export":                            "visitor=302 outsider=404 *=200",
    "cycles:detail":                                 "visitor=302 outsider=404 *=200",
    "cycles:list":                                   "visitor=302 admin,region_lead=200 *=404",
    "cycles:create":                                 "visitor=302 admin,region_lead=200 *=404",
    "cycles:edit":                                   "visitor=302 admin,region_lead=200 *=404",
    "evidence:add":                                  "visitor=302 ccg_lead,ccg_staff=200 *=404",
    "evidence:coverage":                             "visitor=302 admin,ccg_lead,ccg_staff=200 *=404",
    "evidence:coverage_export":                      "visitor=302 admin,ccg_lead,ccg_staff=200 *=404",
    "evidence:delete":                               "*=405",
    "evidence:detail":                               "visitor=302 admin,ccg_lead,ccg_staff=200 *=404",
    "evidence:download":                             "visitor=302 admin,ccg_lead,ccg_staff=200 *=404",
    "evidence:library":                              "visitor=302 admin,ccg_lead,ccg_staff=200 *=404",
    "evidence:library_export":                       "visitor=302 admin,ccg_lead,ccg_staff=200 *=404",
    "frameworks:detail":                             "*=200",
    "frameworks:domain":                             "*=200",
    "frameworks:list":                               "*=200",
    "goodpractice:add_attachment":                   "visitor=302 ccg_lead,ccg_staff=200 *=404",
    "goodpractice:create":                           "visitor=302 admin,region_lead,assessor=404 *=200",
    "goodpractice:delete_attachment":                "*=405",
    "goodpractice:detail":                           "*=200",
    "goodpractice:download":                         "*=200",
    "goodpractice:edit":                             "visitor=302 ccg_lead,ccg_staff=200 *=404",
    "goodpractice:export_csv":                       "*=200",
    "goodpractice:export_xlsx":                      "*=200",
    "goodpractice:library":                          "*=200",
    "goodpractice:moderate":                         "visitor=302 admin,region_lead=200 *=404",
    "goodpractice:moderation":                       "visitor=302 admin,region_lead=200 *=404",
    "goodpractice:submit":                           "*=405",
    "goodpractice:yours":                            "visitor=302 admin,region_lead,assessor=404 *=200",
    "partnerships:agree_domain":                     "visitor=302 ccg_lead,ccg_staff,hwb_lead,hwb_member=200 *=404",
    "partnerships:agree_save":                       "*=405",
    "partnerships:compare":                          "visitor=302 ccg_lead,ccg_staff,hwb_lead,hwb_member=200 *=404",
    "partnerships:export_csv":                       "visitor=302 ccg_lead,ccg_staff,hwb_lead,hwb_member=200 *=404",
    "partnerships:export_xlsx":                      "visitor=302 ccg_lead,ccg_staff,hwb_lead,hwb_member=200 *=404",
    "partnerships:gaps":                             "visitor=302 ccg_lead,ccg_staff,hwb_lead,hwb_member=200 *=404",
    "partnerships:history":                          "visitor=302 ccg_lead,ccg_staff,hwb_lead,hwb_member=200 *=404",
    "partnerships:list":                             "visitor=302 *=200",
    "partnerships:open":                             "*=405",
    "partnerships:prepare":                          "visitor=302 ccg_lead,ccg_staff,hwb_lead,hwb_member=200 *=404",
    "partnerships:release":                          "visitor,ccg_lead,ccg_staff=302 *=404",
    "partnerships:review":                           "visitor=302 ccg_lead,ccg_staff,hwb_lead,hwb_member=200 *=404",
    "partnerships:side_domain":                      "visitor=302 ccg_lead,ccg_staff=200 *=404",
    "partnerships:side_save":                        "*=405",
    "plans:add":                                     "visitor=302 ccg_lead=200 outsider,ccg2_lead=404 *=403",
    "plans:edit":                                    "visitor=302 ccg_lead=200 ccg_staff,admin=403 *=404",
    "plans:edit#own":                                "visitor=302 ccg_lead=200 outsider,ccg2_lead=404 *=403",
    "plans:export":                                  "visitor=302 outsider,ccg2_lead=404 *=200",
    "plans:gather":                                  "*=405",
    "plans:latest":                                  "outsider,ccg2_lead=404 *=302",
    "plans:list":                                    "visitor=302 *=200",
    "plans:plan":                                    "visitor=302 outsider,ccg2_lead=404 *=200",
    "plans:status":                                  "*=405",
    "reports:cycle_workbook":                        "visitor=302 admin,region_lead,assessor=200 *=404",
    "reports:open_data":                             "*=200",
    "reports:open_data_decisions":                   "*=200",
    "reports:dashboard":                             "visitor=302 admin,region_lead,assessor=200 *=404",
    "reports:dashboard_export":                      "visitor=302 admin,region_lead,assessor=200 *=404",
    "reports:pdf_download":                          "visitor,admin,region_lead,assessor,ccg2_lead=302 *=404",
    "reports:pdf_status":                            "visitor=302 admin,region_lead,assessor,ccg2_lead=200 *=404",
    "reports:report":                                "visitor=302 admin,region_lead,assessor,ccg2_lead=200 *=404",
    "reports:report_pdf":                            "visitor,admin,region_lead,assessor,ccg2_lead=302 *=404",
    "surveys:close":                                 "visitor=302 admin,region_lead,ccg_lead=200 assessor,ccg_staff=403 *=404",
    "surveys:detail":                                "visitor=302 admin,region_lead,assessor,ccg_lead,ccg_staff=200 *=404",
    "surveys:export_csv":                            "visitor=302 admin,region_lead,assessor,ccg2_lead=200 *=404",
    "surveys:export_xlsx":                           "visitor=302 admin,region_lead,assessor,ccg2_lead=200 *=404",
    "surveys:import":                                "visitor=302 admin,region_lead,ccg_lead=200 assessor,ccg_staff=403 *=404",
    "surveys:import_template":                       "visitor=302 admin,region_lead,ccg_lead=200 assessor,ccg_staff=403 *=404",
    "surveys:invite":                                "*=405",
    "surveys:list":                                  "visitor=302 *=200",
    "surveys:remind":                                "*=405",
    "surveys:respond":                               "*=200",
    "surveys:respond_done":                          "*=302",
    "surveys:results":                               "visitor=302 admin,region_lead,assessor,ccg2_lead=200 *=404",
    "surveys:settings":                              "visitor=302 admin,region_lead,ccg_lead=200 assessor,ccg_staff=403 *=404",
    "surveys:stakeholder_remove":                    "*=405",
    "surveys:stakeholders":                          "visitor=302 admin,region_lead,ccg_lead,ccg_staff=200 *=404",
    "surveys:stakeholders_export":                   "visitor=302 ccg_lead=200 *=404",
    "surveys:start":                                 "*=405",
    # Assessor review and decisions: the workspace is Islington's (submitted, judged, not decided; ccg2_lead belongs
    # to it, so may not review it: 403); adding a condition and conditions are Haringey's (decided and published).
    "decisions:queue":                               "visitor=302 admin,region_lead,assessor=200 *=404",
    "decisions:review":                              "visitor=302 admin,region_lead,assessor=200 ccg2_lead=403 *=404",
    "decisions:domain":                              "visitor=302 admin,region_lead,assessor=200 ccg2_lead=403 *=404",
    "decisions:judge":                               "*=405",
    "decisions:rate_item":                           "*=405",
    "decisions:decision":                            "visitor=302 admin,region_lead,assessor=200 ccg2_lead=403 *=404",
    "decisions:publish":                             "*=405",
    "decisions:add_condition":                       "visitor=302 admin,assessor=200 region_lead=403 *=404",
    "decisions:conditions":                          "visitor=302 *=200",
    "decisions:condition":                           "visitor=302 admin,region_lead,assessor=200 *=404",
    "decisions:respond":                             "*=405",
    "decisions:act":                                 "*=405",
    "decisions:published_index":                     "*=200",
    "decisions:published":                           "*=200",
    "decisions:decision#decided":                    "visitor=302 admin,region_lead,assessor=200 *=404",
    # The same pages for objects in another state (URL_KWARGS has their "app:name#variant" entries).
    "assessments:task_list#submitted":               "visitor,admin,region_lead,assessor=302 ccg2_lead=200 *=404",
    "evidence:library#islington":                    "visitor=302 ccg2_lead=200 *=404",
    "reports:report#draft":                          "visitor=302 ccg_lead,ccg_staff=200 *=404",
    "reports:open_data_decisions#csv":               "*=200",
    "reports:open_data_decisions#unpublished":       "*=404",
    "surveys:export_xlsx#open":                      "visitor,admin,region_lead,assessor,ccg_lead,ccg_staff=302 *=404",
    "surveys:detail#closed":                         "visitor=302 admin,region_lead,assessor,ccg2_lead=200 *=404",
    "surveys:results#open":                          "visitor,admin,region_lead,assessor,ccg_lead,ccg_staff=302 *=404",
    "partnerships:review#agreed":                    "visitor=302 admin,region_lead,assessor,ccg2_lead=200 *=404",
    "partnerships:side_domain#hwb":                  "visitor=302 hwb_lead,hwb_member=200 *=404",
    "goodpractice:detail#changes_requested":         "admin,region_lead,ccg_lead,ccg_staff=200 *=404",
    "goodpractice:detail#awaiting":                  "admin,region_lead=200 *=404",
    "goodpractice:download#changes_requested":       "admin,region_lead,ccg_lead,ccg_staff=200 *=404",
}

# A forged POST (body from FORMS, empty by default) to pages that take forms.
POSTS: dict[str, str] = {
    "assessments:start":                             "visitor,admin,ccg_lead,ccg_staff=302 *=404",
    "accounts:revoke_token":                         "visitor,ccg_lead=302 *=404",
    "assessments:save_item":                         "visitor=302 ccg_lead,ccg_staff=200 *=404",
    "assessments:submit":                            "visitor=302 ccg_lead=200 ccg_staff=403 *=404",
    "assessments:reopen":                            "visitor=302 admin,assessor=200 *=404",
    "assessments:share":                             "visitor,ccg_lead=302 *=404",
    "assessments:import_xlsx":                       "visitor=302 ccg_lead,ccg_staff=200 *=404",
    "evidence:add":                                  "visitor=302 ccg_lead,ccg_staff=200 *=404",
    "evidence:delete":                               "visitor,ccg_lead,ccg_staff=302 *=404",
    "surveys:start":                                 "visitor,admin,region_lead,ccg_lead=302 *=404",
    "cycles:create":                                 "visitor=302 admin,region_lead=200 *=404",
    "cycles:edit":                                   "visitor=302 admin,region_lead=200 *=404",
    "surveys:settings":                              "visitor=302 admin,region_lead,ccg_lead=200 assessor,ccg_staff=403 *=404",
    "surveys:stakeholders":                          "visitor=302 admin,region_lead,ccg_lead=400 *=404",
    "surveys:stakeholder_remove":                    "visitor,admin,region_lead,ccg_lead=302 assessor,ccg_staff=403 *=404",
    "surveys:import":                                "visitor=302 admin,region_lead,ccg_lead=400 assessor,ccg_staff=403 *=404",
    "surveys:invite":                                "visitor,admin,region_lead,ccg_lead=302 assessor,ccg_staff=403 *=404",
    "surveys:remind":                                "visitor,admin,region_lead,ccg_lead=302 assessor,ccg_staff=403 *=404",
    "surveys:close":                                 "visitor,admin,region_lead,ccg_lead=302 assessor,ccg_staff=403 *=404",
    "partnerships:open":                             "visitor=302 *=404",
    "partnerships:side_save":                        "visitor,ccg_lead,ccg_staff=302 *=404",
    "partnerships:release":                          "visitor,ccg_lead,ccg_staff=302 *=404",
    "partnerships:agree_save":                       "visitor,ccg_staff,hwb_member=302 ccg_lead,hwb_lead=200 *=404",
    "plans:gather":                                  "visitor,ccg_lead=302 outsider,ccg2_lead=404 *=403",
    "plans:add":                                     "visitor=302 ccg_lead=200 outsider,ccg2_lead=404 *=403",
    "plans:edit":                                    "visitor=302 ccg_lead=200 ccg_staff,admin=403 *=404",
    "plans:status":                                  "visitor,ccg_lead=302 ccg_staff,admin=403 *=404",
    "plans:status#own":                              "visitor,ccg_lead,ccg_staff=302 outsider,ccg2_lead=404 *=403",
    "goodpractice:create":                           "visitor=302 admin,region_lead,assessor=404 *=200",
    "goodpractice:edit":                             "visitor=302 ccg_lead,ccg_staff=200 *=404",
    "goodpractice:submit":                           "visitor,ccg_lead,ccg_staff=302 *=404",
    "goodpractice:moderate":                         "visitor=302 admin,region_lead=200 *=404",
    "goodpractice:add_attachment":                   "visitor=302 ccg_lead,ccg_staff=200 *=404",
    "goodpractice:delete_attachment":                "visitor,ccg_lead,ccg_staff=302 *=404",
    "decisions:judge":                               "visitor=302 admin,assessor=400 region_lead,ccg2_lead=403 *=404",
    "decisions:rate_item":                           "visitor=302 admin,assessor=400 region_lead,ccg2_lead=403 *=404",
    "decisions:decision":                            "visitor=302 admin,assessor=400 region_lead,ccg2_lead=403 *=404",
    "decisions:publish":                             "visitor,admin,region_lead,assessor=302 *=404",
    "decisions:add_condition":                       "visitor=302 admin,assessor=400 region_lead=403 *=404",
    "decisions:respond":                             "visitor=302 admin,region_lead,assessor=403 *=404",
    "decisions:act":                                 "visitor=302 admin,assessor=400 region_lead=403 *=404",
    "accounts:logout":                                "*=302",
}

# Every API operation, as "METHOD /path" of the OpenAPI document.
API: dict[str, str] = {
    "GET /api/v1/assessments":                       "visitor=401 *=200",
    "GET /api/v1/assessments/{id}":                  "visitor=401 ccg_lead,ccg_staff=200 *=404",
    "GET /api/v1/assessments/{id}/evidence":         "visitor=401 admin,ccg_lead,ccg_staff=200 *=404",
    "GET /api/v1/assessments/{id}/export.xlsx":      "visitor=401 ccg_lead,ccg_staff=200 *=404",
    "GET /api/v1/assessments/{id}/report.pdf":       "visitor=401 admin,region_lead,assessor,ccg2_lead=202 *=404",
    "GET /api/v1/cycles":                            "visitor=401 *=200",
    "GET /api/v1/cycles/{id}":                       "visitor=401 outsider=404 *=200",
    "POST /api/v1/cycles":                           "visitor=401 admin,region_lead=201 *=403",
    "GET /api/v1/dashboard":                         "visitor=401 admin,region_lead,assessor=200 *=403",
    "GET /api/v1/frameworks":                        "*=200",
    "GET /api/v1/frameworks/{slug}":                 "*=200",
    "GET /api/v1/good-practice":                     "*=200",
    "GET /api/v1/good-practice/mine":                "visitor=401 *=200",
    "GET /api/v1/good-practice/{id}":                "admin,region_lead,ccg_lead,ccg_staff=200 *=404",
    "GET /api/v1/organisations":                     "visitor=401 *=200",
    "GET /api/v1/partnerships":                      "visitor=401 *=200",
    "GET /api/v1/partnerships/{id}":                 "visitor=401 ccg_lead,ccg_staff,hwb_lead,hwb_member=200 *=404",
    "GET /api/v1/surveys":                           "visitor=401 *=200",
    "GET /api/v1/surveys/{id}":                      "visitor=401 admin,region_lead,assessor,ccg_lead,ccg_staff=200 *=404",
    "GET /api/v1/surveys/{id}/rates":                "visitor=401 admin,region_lead,assessor,ccg_lead,ccg_staff=200 *=404",
    "GET /api/v1/surveys/{id}/results":              "visitor=401 admin,region_lead,assessor,ccg2_lead=200 *=404",
    "POST /api/v1/assessments/{id}/evidence":        "visitor=401 admin=403 ccg_lead,ccg_staff=201 *=404",
    "POST /api/v1/assessments/{id}/submit":          "visitor=401 admin,ccg_staff=403 ccg_lead=409 *=404",
    "POST /api/v1/good-practice":                    "visitor=401 admin,region_lead,assessor=403 *=201",
    "POST /api/v1/good-practice/{id}/moderate":      "visitor=401 admin,region_lead=200 *=404",
    "POST /api/v1/good-practice/{id}/attachments":   "visitor=401 admin,region_lead=403 ccg_lead,ccg_staff=201 *=404",
    "DELETE /api/v1/good-practice/attachments/{id}": "visitor=401 admin,region_lead=403 ccg_lead,ccg_staff=204 *=404",
    "POST /api/v1/good-practice/{id}/submit":        "visitor=401 admin,region_lead=403 ccg_lead,ccg_staff=200 *=404",
    "POST /api/v1/partnerships/{id}/release":        "visitor=401 ccg_lead,hwb_lead=409 ccg_staff,hwb_member=403 *=404",
    "GET /api/v1/plans/{ccg_code}":                  "visitor=401 outsider,ccg2_lead=404 *=200",
    "POST /api/v1/plans/actions/{action_id}/status": "visitor=401 ccg_lead=200 ccg_staff,admin=403 *=404",
    "POST /api/v1/plans/actions/{action_id}/status#own": "visitor=401 ccg_lead,ccg_staff=200 outsider,ccg2_lead=404 *=403",
    "POST /api/v1/surveys/{id}/close":               "visitor=401 admin,region_lead,ccg_lead=200 assessor,ccg_staff=403 *=404",
    "POST /api/v1/surveys/{id}/invitations":         "visitor=401 admin,region_lead,ccg_lead=202 assessor,ccg_staff=403 *=404",
    "POST /api/v1/surveys/{id}/reminders":           "visitor=401 admin,region_lead,ccg_lead=202 assessor,ccg_staff=403 *=404",
    "POST /api/v1/surveys/{id}/stakeholders":        "visitor=401 admin,region_lead,ccg_lead=201 assessor,ccg_staff=403 *=404",
    "PUT /api/v1/assessments/{id}/items/{code}":     "visitor=401 admin=403 ccg_lead,ccg_staff=200 *=404",
    "PUT /api/v1/good-practice/{id}":                "visitor=401 admin,region_lead=403 ccg_lead,ccg_staff=200 *=404",
    "PUT /api/v1/partnerships/{id}/items/{code}":    "visitor=401 ccg_lead,ccg_staff,hwb_lead,hwb_member=409 *=404",
    "PUT /api/v1/partnerships/{id}/items/{code}/agreed": "visitor=401 ccg_lead,hwb_lead=200 ccg_staff,hwb_member=403 *=404",
    "GET /api/v1/queue":                             "visitor=401 admin,region_lead,assessor=200 *=403",
    "PUT /api/v1/assessments/{id}/judgements/{domain}": "visitor=401 admin,assessor=200 region_lead,ccg2_lead=403 *=404",
    "POST /api/v1/assessments/{id}/decision":        "visitor=401 admin,assessor=201 region_lead,ccg2_lead=403 *=404",
    "GET /api/v1/conditions":                        "visitor=401 *=200",
    "POST /api/v1/conditions/{id}/response":         "visitor=401 admin,region_lead,assessor=403 *=404",
    "POST /api/v1/conditions/{id}/discharge":        "visitor=401 admin,assessor=200 region_lead=403 *=404",
    "POST /api/v1/conditions/{id}/escalate":         "visitor=401 admin,assessor=200 region_lead=403 *=404",
    "POST /api/v1/conditions/{id}/review":           "visitor=401 admin,assessor=200 region_lead=403 *=404",
    # The same operations for objects in another state (API_KWARGS has their "/path#variant" entries).
    "GET /api/v1/assessments/{id}#submitted":        "visitor=401 admin,region_lead,assessor,ccg2_lead=200 *=404",
    "GET /api/v1/surveys/{id}/results#open":         "visitor=401 admin,region_lead,assessor,ccg_lead,ccg_staff=409 *=404",
    "GET /api/v1/partnerships/{id}#agreed":          "visitor=401 admin,region_lead,assessor,ccg2_lead=200 *=404",
    "GET /api/v1/good-practice/{id}#published":      "*=200",
    "GET /api/v1/good-practice/attachments/{id}":     "admin,region_lead,ccg_lead,ccg_staff=200 *=404",
    "GET /api/v1/good-practice/attachments/{id}#published": "*=200",
    "GET /api/v1/assessments/{id}/evidence/{evidence_id}/file": "visitor=401 admin,ccg_lead,ccg_staff=200 *=404",
    "GET /api/v1/good-practice/{id}#awaiting":       "admin,region_lead=200 *=404",
}
# fmt: on


# The URL arguments of each named URL that takes any, from the demo objects in `w` (see `world`).
def draft(w):
    return {"public_id": w.draft.public_id}


def submitted(w):
    return {"public_id": w.submitted.public_id}


def review(w):
    return {"public_id": w.review.public_id}


def open_survey(w):
    return {"public_id": w.open_survey.public_id}


def plan_action(w, *, own: bool = False):
    """A Camden development plan action: one gathered from its draft self-assessment (so seen only by the CCG's
    people), or its own, owned by the contributor (seen by every reader of the plan)."""
    from assure.plans.models import Action

    actions = Action.objects.filter(plan__cycle=w.cycle, plan__organisation=w.ccg)
    if own:
        return actions.get(source=Action.Source.OWN, owner=w.people["ccg_staff"])
    return actions.filter(source=Action.Source.SELF_ASSESSMENT).order_by("pk").first()


def plan(w):
    return {"code": w.ccg.code, "cycle_id": w.cycle.public_id}


URL_KWARGS: dict[str, Callable[[SimpleNamespace], dict]] = {
    "accounts:password_reset_confirm": lambda w: {"uidb64": "MQ", "token": "set-password"},
    "api_not_found": lambda w: {"rest": "no-such-thing"},
    "accounts:revoke_token": lambda w: {"public_id": w.token.public_id},
    "frameworks:detail": lambda w: {"slug": w.framework.slug},
    "frameworks:domain": lambda w: {"slug": w.framework.slug, "number": 1},
    "cycles:detail": lambda w: {"public_id": w.cycle.public_id},
    "cycles:ccgs_export": lambda w: {"public_id": w.cycle.public_id, "fmt": "csv"},
    "cycles:edit": lambda w: {"public_id": w.cycle.public_id},
    "assessments:start": lambda w: {"cycle_id": w.cycle.public_id, "code": w.ccg.code},
    "assessments:task_list": draft,
    "assessments:task_list_export": lambda w: {**draft(w), "fmt": "csv"},
    "assessments:domain": lambda w: {**draft(w), "number": 1},
    "assessments:save_item": lambda w: {**draft(w), "code": "1.1"},
    "assessments:item_history": lambda w: {**draft(w), "code": "1.1"},
    "assessments:submit": draft,
    "assessments:submitted": lambda w: {**submitted(w), "number": 1},
    "assessments:submission": lambda w: {**submitted(w), "number": 1},
    "assessments:submission_export": lambda w: {**submitted(w), "number": 1, "fmt": "csv"},
    "assessments:reopen": submitted,
    "assessments:share": draft,
    "assessments:audit": draft,
    "assessments:audit_export": lambda w: {**draft(w), "fmt": "csv"},
    "assessments:export_xlsx": draft,
    "assessments:import_xlsx": draft,
    "evidence:library": lambda w: {"code": w.ccg.code},
    "evidence:add": lambda w: {"code": w.ccg.code},
    "evidence:library_export": lambda w: {"code": w.ccg.code, "fmt": "csv"},
    "evidence:coverage": lambda w: {"code": w.ccg.code},
    "evidence:coverage_export": lambda w: {"code": w.ccg.code, "fmt": "csv"},
    "evidence:detail": lambda w: {"public_id": w.evidence.public_id},
    "evidence:download": lambda w: {"public_id": w.evidence.public_id},
    "evidence:delete": lambda w: {"public_id": w.evidence.public_id},
    "plans:plan": plan,
    "plans:export": lambda w: {**plan(w), "fmt": "csv"},
    "plans:gather": plan,
    "plans:add": plan,
    "plans:latest": lambda w: {"code": w.ccg.code},
    "plans:edit": lambda w: {"public_id": plan_action(w).public_id},
    "plans:status": lambda w: {"public_id": plan_action(w).public_id},
    "plans:status#own": lambda w: {"public_id": plan_action(w, own=True).public_id},
    "plans:edit#own": lambda w: {"public_id": plan_action(w, own=True).public_id},
    "reports:dashboard_export": lambda w: {"fmt": "csv"},
    "reports:cycle_workbook": lambda w: {"public_id": w.cycle.public_id},
    "reports:report": submitted,
    "reports:report_pdf": submitted,
    "reports:pdf_status": lambda w: {**submitted(w), "pdf_id": w.report_pdf.public_id},
    "reports:pdf_download": lambda w: {**submitted(w), "pdf_id": w.report_pdf.public_id},
    "surveys:start": lambda w: {"cycle_id": w.cycle.public_id, "code": w.ccg.code},
    "surveys:detail": open_survey,
    "surveys:settings": open_survey,
    "surveys:stakeholders": open_survey,
    "surveys:stakeholder_remove": lambda w: {**open_survey(w), "stakeholder_id": w.stakeholder.public_id},
    "surveys:import": open_survey,
    "surveys:import_template": open_survey,
    "surveys:invite": open_survey,
    "surveys:remind": open_survey,
    "surveys:close": open_survey,
    "surveys:results": lambda w: {"public_id": w.closed_survey.public_id},
    "surveys:export_csv": lambda w: {"public_id": w.closed_survey.public_id},
    "surveys:export_xlsx": lambda w: {"public_id": w.closed_survey.public_id},
    "surveys:stakeholders_export": lambda w: {**open_survey(w), "fmt": "csv"},
    "partnerships:export_xlsx": review,
    "reports:open_data_decisions": lambda w: {"public_id": w.cycle.public_id, "fmt": "json"},
    "surveys:respond": lambda w: {"token": w.survey_link},
    "surveys:respond_done": lambda w: {"token": w.survey_link},
    "partnerships:review": review,
    "partnerships:side_domain": lambda w: {**review(w), "side": "ccg", "number": 1},
    "partnerships:side_save": lambda w: {**review(w), "side": "ccg", "code": "1.1"},
    "partnerships:release": lambda w: {**review(w), "side": "ccg"},
    "partnerships:gaps": review,
    "partnerships:agree_domain": lambda w: {**review(w), "number": 1},
    "partnerships:agree_save": lambda w: {**review(w), "code": "1.1"},
    "partnerships:compare": review,
    "partnerships:prepare": review,
    "partnerships:history": review,
    "partnerships:export_csv": review,
    "goodpractice:detail": lambda w: {"public_id": w.published.public_id},
    "goodpractice:edit": lambda w: {"public_id": w.camden_example.public_id},
    "goodpractice:submit": lambda w: {"public_id": w.camden_example.public_id},
    "goodpractice:moderate": lambda w: {"public_id": w.awaiting.public_id},
    "goodpractice:add_attachment": lambda w: {"public_id": w.camden_example.public_id},
    "goodpractice:download": lambda w: {"public_id": w.attachment.public_id},
    "goodpractice:delete_attachment": lambda w: {"public_id": w.camden_attachment.public_id},
    "decisions:review": submitted,
    "decisions:domain": lambda w: {**submitted(w), "number": 1},
    "decisions:judge": lambda w: {**submitted(w), "number": 1},
    "decisions:rate_item": lambda w: {**submitted(w), "code": "1.1"},
    "decisions:decision": submitted,
    "decisions:publish": lambda w: {"public_id": w.decided.public_id},
    "decisions:add_condition": lambda w: {"public_id": w.decided.public_id},
    "decisions:condition": lambda w: {"public_id": w.open_condition.public_id},
    "decisions:respond": lambda w: {"public_id": w.open_condition.public_id},
    "decisions:act": lambda w: {"public_id": w.open_condition.public_id},
    "decisions:published": lambda w: {"cycle_id": w.cycle.public_id},
    "decisions:decision#decided": lambda w: {"public_id": w.decided.public_id},
    # Variants: the same URL for an object in another state ("app:name#variant" rows).
    "assessments:task_list#submitted": submitted,
    "evidence:library#islington": lambda w: {"code": w.submitted.organisation.code},
    "reports:report#draft": draft,
    "reports:open_data_decisions#csv": lambda w: {"public_id": w.cycle.public_id, "fmt": "csv"},
    # Another region's cycle: no published decision there, so no open data either
    "reports:open_data_decisions#unpublished": lambda w: {
        "public_id": Cycle.objects.get(name="Midlands and East CCG authorisation, wave 2").public_id,
        "fmt": "json",
    },
    "surveys:export_xlsx#open": open_survey,
    "surveys:detail#closed": lambda w: {"public_id": w.closed_survey.public_id},
    "surveys:results#open": open_survey,
    "partnerships:review#agreed": lambda w: {"public_id": w.agreed_review.public_id},
    "partnerships:side_domain#hwb": lambda w: {**review(w), "side": "hwb", "number": 1},
    "goodpractice:detail#changes_requested": lambda w: {"public_id": w.camden_example.public_id},
    "goodpractice:detail#awaiting": lambda w: {"public_id": w.awaiting.public_id},
    "goodpractice:download#changes_requested": lambda w: {"public_id": w.camden_attachment.public_id},
}

# Form bodies for POSTS rows (empty when not given).
FORMS: dict[str, Callable[[SimpleNamespace], dict]] = {}

# The path parameters of API operations that take any.
API_KWARGS: dict[str, Callable[[SimpleNamespace], dict]] = {
    "/api/v1/cycles/{id}": lambda w: {"id": w.cycle.public_id},
    "/api/v1/frameworks/{slug}": lambda w: {"slug": w.framework.slug},
    "/api/v1/assessments/{id}": lambda w: {"id": w.draft.public_id},
    "/api/v1/assessments/{id}/items/{code}": lambda w: {"id": w.draft.public_id, "code": "1.1"},
    "/api/v1/assessments/{id}/submit": lambda w: {"id": w.draft.public_id},
    "/api/v1/assessments/{id}/evidence": lambda w: {"id": w.draft.public_id},
    "/api/v1/assessments/{id}/report.pdf": lambda w: {"id": w.submitted.public_id},
    "/api/v1/assessments/{id}/export.xlsx": lambda w: {"id": w.draft.public_id},
    "/api/v1/surveys/{id}": lambda w: {"id": w.open_survey.public_id},
    "/api/v1/surveys/{id}/stakeholders": lambda w: {"id": w.open_survey.public_id},
    "/api/v1/surveys/{id}/invitations": lambda w: {"id": w.open_survey.public_id},
    "/api/v1/surveys/{id}/reminders": lambda w: {"id": w.open_survey.public_id},
    "/api/v1/surveys/{id}/close": lambda w: {"id": w.open_survey.public_id},
    "/api/v1/surveys/{id}/rates": lambda w: {"id": w.open_survey.public_id},
    "/api/v1/surveys/{id}/results": lambda w: {"id": w.closed_survey.public_id},
    "/api/v1/partnerships/{id}": lambda w: {"id": w.review.public_id},
    "/api/v1/partnerships/{id}/items/{code}": lambda w: {"id": w.review.public_id, "code": "1.1"},
    "/api/v1/partnerships/{id}/release": lambda w: {"id": w.review.public_id},
    "/api/v1/partnerships/{id}/items/{code}/agreed": lambda w: {"id": w.review.public_id, "code": "1.1"},
    "/api/v1/good-practice/{id}": lambda w: {"id": w.camden_example.public_id},
    "/api/v1/good-practice/{id}/submit": lambda w: {"id": w.camden_example.public_id},
    "/api/v1/good-practice/{id}/moderate": lambda w: {"id": w.awaiting.public_id},
    "/api/v1/good-practice/{id}/attachments": lambda w: {"id": w.camden_example.public_id},
    "/api/v1/good-practice/attachments/{id}": lambda w: {"id": w.camden_attachment.public_id},
    "/api/v1/assessments/{id}/judgements/{domain}": lambda w: {"id": w.submitted.public_id, "domain": "1"},
    "/api/v1/assessments/{id}/decision": lambda w: {"id": w.submitted.public_id},
    "/api/v1/conditions/{id}/response": lambda w: {"id": w.open_condition.public_id},
    "/api/v1/conditions/{id}/discharge": lambda w: {"id": w.evidence_condition.public_id},
    "/api/v1/conditions/{id}/escalate": lambda w: {"id": w.open_condition.public_id},
    "/api/v1/conditions/{id}/review": lambda w: {"id": w.open_condition.public_id},
    "/api/v1/plans/{ccg_code}": lambda w: {"ccg_code": w.ccg.code},
    "/api/v1/plans/actions/{action_id}/status": lambda w: {"action_id": plan_action(w).public_id},
    "/api/v1/plans/actions/{action_id}/status#own": lambda w: {
        "action_id": plan_action(w, own=True).public_id
    },
    # Variants ("METHOD /path#variant" rows).
    "/api/v1/assessments/{id}#submitted": lambda w: {"id": w.submitted.public_id},
    "/api/v1/surveys/{id}/results#open": lambda w: {"id": w.open_survey.public_id},
    "/api/v1/partnerships/{id}#agreed": lambda w: {"id": w.agreed_review.public_id},
    "/api/v1/good-practice/{id}#published": lambda w: {"id": w.published.public_id},
    "/api/v1/good-practice/attachments/{id}#published": lambda w: {"id": w.attachment.public_id},
    "/api/v1/assessments/{id}/evidence/{evidence_id}/file": lambda w: {
        "id": w.draft.public_id,
        "evidence_id": w.evidence.public_id,
    },
    "/api/v1/good-practice/{id}#awaiting": lambda w: {"id": w.awaiting.public_id},
}


def _item_body(w) -> dict:
    version = w.draft.responses.get(item__code="1.1").version
    return {"rating": 2, "not_applicable": False, "reason": "", "narrative": "Agreed", "version": version}


def _example_body(w) -> dict:
    return {
        "title": "Walking the wards together",
        "summary": "Board members and GPs visit services together.",
        "what_we_did": "Monthly visits.",
        "results": "Three changes agreed.",
        "contact_name": "Head of engagement",
        "contact_email": "engagement@example.org",
        "domains": [2],
    }


# Valid bodies for API writes ("json": a JSON body; "form": multipart form data).
API_BODIES: dict[str, Callable[[SimpleNamespace], dict]] = {
    "POST /api/v1/cycles": lambda w: {
        "json": {
            "name": "London wave 4",
            "kind": "authorisation",
            "framework": w.framework.slug,
            "framework_version": w.framework.version,
            "region": w.cycle.region.code,
            "starts_on": w.cycle.starts_on.isoformat(),
            "ends_on": w.cycle.ends_on.isoformat(),
            "ccgs": list(w.cycle.ccgs.values_list("code", flat=True)),
        }
    },
    "POST /api/v1/good-practice": lambda w: {"json": _example_body(w)},
    "PUT /api/v1/good-practice/{id}": lambda w: {"json": _example_body(w)},
    "POST /api/v1/good-practice/{id}/moderate": lambda w: {
        "json": {"decision": "request_changes", "note": "Say what changed."}
    },
    "POST /api/v1/surveys/{id}/stakeholders": lambda w: {
        "json": [{"name": "Ann Other", "email": "ann.other@example.org", "group": "provider"}]
    },
    "PUT /api/v1/partnerships/{id}/items/{code}": lambda w: {
        "json": {
            "rating": 2,
            "comment": "",
            "version": w.review.side_ratings.get(side="ccg", item__code="1.1").version,
        }
    },
    "PUT /api/v1/partnerships/{id}/items/{code}/agreed": lambda w: {
        "json": {"agreed_rating": 2, "version": w.review.agreed_items.get(item__code="1.1").version}
    },
    "POST /api/v1/plans/actions/{action_id}/status": lambda w: {
        "json": {"status": "done", "version": plan_action(w).version}
    },
    "POST /api/v1/plans/actions/{action_id}/status#own": lambda w: {
        "json": {"status": "done", "version": plan_action(w, own=True).version}
    },
    "PUT /api/v1/assessments/{id}/items/{code}": lambda w: {"json": _item_body(w)},
    "PUT /api/v1/assessments/{id}/judgements/{domain}": lambda w: {
        "json": {"value": "met", "rationale": "Sound."}
    },
    "POST /api/v1/assessments/{id}/decision": lambda w: {
        "json": {
            "outcome": "authorised_with_conditions",
            "rationale": "Domain 3 needs provider engagement.",
            "panel": ["Sam Assessor", "Priya Assessor"],
            "conditions": [
                {
                    "domain": "3",
                    "text": "Agree a provider plan.",
                    "support_level": "support",
                    "due": "2099-01-01",
                }
            ],
        }
    },
    "POST /api/v1/conditions/{id}/response": lambda w: {
        "json": {"text": "Done.", "evidence": [], "version": w.open_condition.version}
    },
    "POST /api/v1/conditions/{id}/discharge": lambda w: {
        "json": {"note": "Met.", "version": w.evidence_condition.version}
    },
    "POST /api/v1/conditions/{id}/escalate": lambda w: {
        "json": {"note": "No progress.", "version": w.open_condition.version}
    },
    "POST /api/v1/conditions/{id}/review": lambda w: {
        "json": {"note": "On track.", "version": w.open_condition.version}
    },
    "POST /api/v1/good-practice/{id}/attachments": lambda w: {
        "form": {"file": SimpleUploadedFile("minutes.csv", b"Month,Actions\r\nMay,3\r\n", "text/csv")}
    },
    "POST /api/v1/assessments/{id}/evidence": lambda w: {
        "form": {
            "title": "Strategy",
            "evidence_type": w.framework.evidence_types.first().code,
            "document_date": "2012-04-01",
            "owner": "Clinical lead",
            "url": "https://example.org/strategy",
        }
    },
}


# The machinery ------------------------------------------------------------------------------------------------


def parse(spec: str, where: str) -> dict[str, int]:
    """'visitor=302 ccg_lead,ccg_staff=200 *=404' → a status for every person."""
    expected: dict[str, int] = {}
    rest: int | None = None
    for rule in spec.split():
        people, _, status = rule.partition("=")
        assert status.isdigit(), f"{where}: {rule!r} is not `person[,person…]=status`"
        for person in people.split(","):
            if person == "*":
                rest = int(status)
                continue
            assert person in PEOPLE, f"{where}: unknown person {person!r}; the people are {', '.join(PEOPLE)}"
            assert person not in expected, f"{where}: {person} is given twice"
            expected[person] = int(status)
    missing = [p for p in PEOPLE if p not in expected]
    assert rest is not None or not missing, (
        f"{where}: no status for {', '.join(missing)} (add them, or `*=…`)"
    )
    return {p: expected.get(p, rest) for p in PEOPLE}


def named_urls() -> dict[str, URLPattern]:
    """Every named URL the project resolves: the API's operations are left to `api_operations`, and the admin
    site's pages to its index."""
    found: dict[str, tuple[str, URLPattern]] = {}

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or None
                full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
                if full == "admin":
                    found["admin:index"] = (prefix + str(pattern.pattern), pattern)
                    continue
                walk(pattern.url_patterns, prefix + str(pattern.pattern), full)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                assert pattern.name, f"The URL {route} has no name: give it one (and a row in PAGES)."
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                if not _is_api_operation(pattern):
                    found[name] = (route, pattern)

    walk(get_resolver().url_patterns, "/", None)
    return {name: route for name, (route, _) in found.items()}


def _is_api_operation(pattern: URLPattern) -> bool:
    """django-ninja serves each API path through a PathView; its operations have rows in API."""
    return "PathView" in getattr(pattern.callback, "__qualname__", "")


def api_operations() -> list[str]:
    schema = api.get_openapi_schema()
    return [f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops]


def test_every_url_has_a_row():
    urls = named_urls()
    rows = {key.partition("#")[0] for key in PAGES}
    missing = sorted(set(urls) - rows)
    stale = sorted(rows - set(urls))
    assert not missing, (
        "These URLs have no row in PAGES (tests/test_permission_matrix.py). Add one line each, saying what GET "
        'answers each person, e.g. "app:name": "visitor=302 ccg_lead,ccg_staff=200 *=404", and, if the URL '
        "takes arguments, a line in URL_KWARGS:\n" + "\n".join(f"  {name}: {urls[name]}" for name in missing)
    )
    assert not stale, f"PAGES has rows for URLs that no longer exist: {stale}"
    needs_kwargs = sorted(
        key
        for key in {*PAGES, *POSTS}
        if "<" in urls.get(key.partition("#")[0], "") and key not in URL_KWARGS
    )
    assert not needs_kwargs, (
        "These URLs take arguments: add a function to URL_KWARGS returning them from the demo objects "
        '(e.g. "app:name": lambda w: {"public_id": w.draft.public_id}):\n'
        + "\n".join(f"  {key}: {urls[key.partition('#')[0]]}" for key in needs_kwargs)
    )
    unknown = sorted(key for key in POSTS if key.partition("#")[0] not in urls)
    assert not unknown, f"POSTS has rows for URLs that do not exist: {unknown}"


def test_every_api_operation_has_a_row():
    operations = api_operations()
    rows = {key.partition("#")[0] for key in API}
    missing = sorted(set(operations) - rows)
    stale = sorted(rows - set(operations))
    assert not missing, (
        "These API operations have no row in API (tests/test_permission_matrix.py). Add one line each, keyed by "
        'method and path as in /api/v1/openapi.json, e.g. "GET /api/v1/things/{id}": "visitor=401 ccg_lead=200 '
        '*=404", with its path parameters in API_KWARGS and, for a write, a valid body in API_BODIES:\n'
        + "\n".join(f"  {op}" for op in missing)
    )
    assert not stale, f"API has rows for operations that no longer exist: {stale}"
    for op in operations:
        path = op.split(" ", 1)[1]
        assert "{" not in path or path in API_KWARGS, f"{op} takes path parameters: add them to API_KWARGS"


def test_rows_are_well_formed():
    for table, rows in (("PAGES", PAGES), ("POSTS", POSTS), ("API", API)):
        for name, spec in rows.items():
            parse(spec, f"{table}[{name!r}]")


# The world: the demo region, plus what the table needs, made once per module and rolled back at its end.


@pytest.fixture(autouse=True)
def _empty_file_storage():
    """Keep the module's storage (holding the files `world` saves) for every test here."""


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    storage_settings = {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Requests never run background work here: a queued PDF stays queued.
    tasks = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_db_blocker.unblock(), override_settings(STORAGES=storage_settings, TASKS=tasks):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _build_world() -> SimpleNamespace:
    from assure.accounts.tests.factories import UserFactory
    from assure.cycles.tests.factories import CycleFactory
    from assure.organisations.tests.factories import CCGFactory, MembershipFactory, RegionFactory

    people = {key: User.objects.get(email=email) for key, email in DEMO_EMAILS.items()}
    orgs = Organisation.objects.in_bulk(["07R", "08H", "HWB-CAM"], field_name="code")
    ccg, ccg2, hwb = orgs["07R"], orgs["08H"], orgs["HWB-CAM"]
    people["hwb_member"] = UserFactory(email="hwb.member@example.org", full_name="Hal Member")
    Membership.objects.create(user=people["hwb_member"], organisation=hwb, role=Role.HWB_MEMBER)

    elsewhere = RegionFactory(code="Y55", name="NHS Commissioning Board – Midlands and East")
    nottingham = CCGFactory(code="04K", name="NHS Nottingham City CCG", region=elsewhere)
    CycleFactory(name="Midlands and East CCG authorisation, wave 2", region=elsewhere, ccgs=[nottingham])
    people["outsider"] = UserFactory(email="outsider@example.org", full_name="Olive Outsider")
    MembershipFactory(user=people["outsider"], organisation=nottingham, role=Role.CCG_LEAD)

    cycle = Cycle.objects.get(name=CYCLE_NAME)
    framework = Framework.objects.latest_versions().get(slug=FRAMEWORK_SLUG)
    draft = Assessment.objects.get(cycle=cycle, organisation=ccg)
    submitted = Assessment.objects.get(cycle=cycle, organisation=ccg2)
    assert draft.is_draft and not submitted.is_draft

    evidence = evidence_add(
        organisation=ccg,
        user=people["ccg_lead"],
        data=EvidenceInput(
            title="Clinical strategy",
            evidence_type=framework.evidence_types.first(),
            document_date=datetime.date(2012, 4, 1),
            owner="Clinical lead",
            upload=SimpleUploadedFile("strategy.csv", b"Year,Plan\r\n2012,Clinical strategy\r\n", "text/csv"),
        ),
    )

    # The demo's good practice file was saved into the session's storage; put it back in this module's.
    storage = storages["default"]
    attachment = Attachment.objects.select_related("example").get(example__organisation__code="07T")
    storage.save(attachment.file.name, ContentFile(b"Month,Recommendations\r\nApril,2\r\n"))
    camden_example = Example.objects.get(organisation=ccg)
    camden_attachment = Attachment(
        example=camden_example, original_name="minutes.csv", content_type="text/csv", size=8
    )
    camden_attachment.file.save("minutes.csv", ContentFile(b"a,b\r\n1,2\r\n"), save=True)

    open_survey = Survey.objects.get(cycle=cycle, organisation=ccg)
    stakeholder = Stakeholder.objects.filter(survey=open_survey, responded_at__isnull=True).first()
    survey_link = survey_services._rotate_link(stakeholder)
    stakeholder.save()

    token, _ = ApiToken.issue(user=people["ccg_lead"], name="Matrix")
    report_pdf = ReportPdf.objects.create(
        assessment=submitted, key="matrix", data={"source": {"draft": False}}, from_draft=False
    )
    return SimpleNamespace(
        people=people,
        tokens={key: ApiToken.issue(user=person, name="Matrix")[1] for key, person in people.items()},
        cycle=cycle,
        framework=framework,
        ccg=ccg,
        draft=draft,
        submitted=submitted,
        evidence=evidence,
        token=token,
        report_pdf=report_pdf,
        open_survey=open_survey,
        closed_survey=Survey.objects.get(cycle=cycle, organisation=ccg2),
        stakeholder=stakeholder,
        survey_link=survey_link,
        review=PartnershipReview.objects.get(cycle=cycle, ccg=ccg, hwb=hwb),
        agreed_review=PartnershipReview.objects.get(cycle=cycle, ccg=ccg2),
        published=attachment.example,
        attachment=attachment,
        camden_example=camden_example,
        camden_attachment=camden_attachment,
        awaiting=Example.objects.get(organisation__code="08M"),
        # Haringey's decision (published, with conditions at every stage) and two of its conditions.
        decided=Assessment.objects.get(cycle=cycle, organisation__code="08D"),
        open_condition=Condition.objects.filter(
            decision__assessment__organisation__code="08D", status="open"
        ).first(),
        evidence_condition=Condition.objects.filter(
            decision__assessment__organisation__code="08D", status="evidence_submitted"
        ).first(),
    )


def _client(w, person: str) -> Client:
    client = Client()
    if person != "visitor":
        client.force_login(w.people[person])
    return client


def _each_person(w, request: Callable[[str], int], expected: dict[str, int], what: str) -> None:
    wrong = []
    for person in PEOPLE:
        with transaction.atomic():
            status = request(person)
            transaction.set_rollback(True)  # one person's request never changes what the next one sees
        if status != expected[person]:
            wrong.append(f"{person}: expected {expected[person]}, got {status}")
    assert not wrong, f"{what}\n  " + "\n  ".join(wrong)


def _page_url(w, key: str) -> str:
    """The URL of a PAGES/POSTS row: "app:name", or "app:name#variant" with its own URL_KWARGS entry."""
    return reverse(key.partition("#")[0], kwargs=URL_KWARGS[key](w) if key in URL_KWARGS else None)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_get(world, name, db):
    url = _page_url(world, name)
    _each_person(
        world,
        lambda person: _client(world, person).get(url).status_code,
        parse(PAGES[name], name),
        f"GET {url} ({name})",
    )


@pytest.mark.parametrize("name", sorted(POSTS))
def test_forged_post(world, name, db):
    url = _page_url(world, name)
    form = FORMS.get(name, lambda w: {})(world)
    _each_person(
        world,
        lambda person: _client(world, person).post(url, form).status_code,
        parse(POSTS[name], name),
        f"POST {url} ({name})",
    )


def _api_request(w, key: str) -> tuple[str, str, dict]:
    """URL, method and body of an API row: "METHOD /path", or "METHOD /path#variant" with its own API_KWARGS."""
    operation, _, variant = key.partition("#")
    method, path = operation.split(" ", 1)
    kwargs = API_KWARGS.get(f"{path}#{variant}") if variant else None
    kwargs = kwargs or API_KWARGS.get(path)
    params = kwargs(w) if kwargs else {}
    url = re.sub(r"\{(\w+)\}", lambda m: str(params[m.group(1)]), path)
    return url, method, API_BODIES.get(key, API_BODIES.get(operation, lambda w: {}))(w)


@pytest.mark.parametrize("operation", sorted(API))
def test_api(world, operation, db):
    url, method, body = _api_request(world, operation)

    def call(person: str) -> int:
        headers = {} if person == "visitor" else {"Authorization": f"Bearer {world.tokens[person]}"}
        if "form" in body:
            for value in body["form"].values():
                if hasattr(value, "seek"):
                    value.seek(0)  # a file, read again by each person's request
            data = {"data": body["form"]}
        elif method in {"POST", "PUT", "PATCH"}:
            data = {"data": json.dumps(body.get("json", {})), "content_type": "application/json"}
        else:
            data = {}
        return getattr(Client(), method.lower())(url, headers=headers, **data).status_code

    _each_person(world, call, parse(API[operation], operation), operation)
