"""What `make bench` measures: one line per page or endpoint.

`path` is formatted with what `manage.py bench_setup` finds in the national dataset: `{ccg}` (the demo CCG's
code), `{cycle}` (the open cycle), `{draft}` (the demo CCG's self-assessment in it, a draft), `{submitted}` (its
self-assessment in the previous cycle), `{evidence}` (a file in its library), `{review}` (its partnership review
in the open cycle, being agreed), `{survey}` (its closed survey of the previous cycle), `{open_survey}` (its
open survey), `{link}` (a respondent link to the open survey, made by `bench_setup`). `who` is the demo login the
simulated people sign in as (a session cookie, or a personal token for `api=True`); `None` is not signed in.
`request` names a request builder in `bench/run.py` for requests that need a body (saves, submissions).

A scenario with `path=None` is a page whose feature is not built yet: the table lists it as pending. When the
feature lands, give it its path (and a request builder if it posts something).
"""

from __future__ import annotations

from dataclasses import dataclass

CCG_LEAD = "ccg.lead@example.org"
REGIONAL_LEAD = "region@example.org"
ASSESSOR = "assessor@example.org"


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str | None
    who: str | None = CCG_LEAD
    method: str = "GET"
    api: bool = False
    request: str | None = None
    budget_p95_ms: float | None = 150  # at concurrency 8
    budget_rps: float | None = None  # sustained requests per second at concurrency 8, none lost


# The floor: the cheapest request a Django view answers on the same server (`/healthz`: no template, no session,
# one `SELECT 1`). Every other page's ratio to it is shown.
FLOOR = Scenario("floor", "/healthz", who=None, budget_p95_ms=None)

SCENARIOS = [
    FLOOR,
    Scenario("home", "/"),
    Scenario("task list", "/assessments/{draft}/"),
    Scenario("domain", "/assessments/{draft}/domains/2/"),
    Scenario("evidence library", "/evidence/library/{ccg}/"),
    Scenario("evidence coverage", "/evidence/library/{ccg}/coverage/"),
    Scenario("item save", "/assessments/{draft}/items/{item}/", method="POST", request="item_save_page"),
    Scenario("cycle, all CCGs", "/cycles/{cycle}/", who=REGIONAL_LEAD),
    Scenario("submission", "/assessments/{submitted}/submissions/1/", who=ASSESSOR),
    Scenario("API assessment", "/api/v1/assessments/{draft}", api=True),
    Scenario("API assessments", "/api/v1/assessments", who=REGIONAL_LEAD, api=True),
    Scenario("API CCGs", "/api/v1/organisations?type=ccg", who=REGIONAL_LEAD, api=True),
    Scenario("API evidence", "/api/v1/assessments/{draft}/evidence", api=True),
    Scenario(
        "API item save",
        "/api/v1/assessments/{draft}/items/{item}",
        method="PUT",
        api=True,
        request="item_save_api",
    ),
    Scenario("partnership gaps", "/partnerships/{review}/gaps/"),
    Scenario("survey results", "/surveys/{survey}/results/"),
    Scenario(
        "survey submission",
        "/s/{link}/",
        who=None,
        method="POST",
        request="survey_submission",
        budget_rps=200,
    ),
    Scenario("API review", "/api/v1/partnerships/{review}", api=True),
    Scenario("API survey results", "/api/v1/surveys/{survey}/results", api=True),
    Scenario("regional dashboard", "/reports/dashboard/?cycle={cycle}", who=REGIONAL_LEAD, budget_p95_ms=250),
    Scenario(
        "API dashboard", "/api/v1/dashboard?cycle={cycle}", who=REGIONAL_LEAD, api=True, budget_p95_ms=250
    ),
    Scenario("CCG report page", "/reports/assessments/{draft}/"),
    Scenario(
        "CCG report PDF", "/reports/assessments/{draft}/report.pdf", request="report_pdf", budget_p95_ms=3000
    ),
    Scenario("assessor queue", "/decisions/?cycle={cycle}", who=ASSESSOR),
    Scenario("assessor workspace", "/decisions/review/{submitted}/domains/2/", who=ASSESSOR),
    Scenario("development plan", "/plans/{ccg}/{cycle}/"),
    Scenario("API development plan", "/api/v1/plans/{ccg}", api=True),
]
