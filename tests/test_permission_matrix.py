"""Who may reach what: one table with, for every URL pattern and API endpoint, the answer each person gets.

Columns: a signed-out visitor, an outsider (a CCG lead in another region), then the seven demo logins. Every named
URL the project resolves must have a row here: a new page or endpoint without one fails
`test_every_url_has_a_row`, so whoever adds it decides, in this one place, who may see it. Pages are requested
with GET, and actions with POST (empty form or `{}`), each person in a savepoint that is rolled back, so one
person's request cannot change what the next one sees. The admin site is covered by a rule for all its URLs
(`test_the_admin_site_is_for_platform_admins_only`).

Reading the numbers: 200 shown, 302 sent elsewhere (signing in, or back after an action), 400/422 the empty form
or body is refused after access was granted, 401 the API without a token, 403 seen but not allowed, 404 not
theirs to see (objects of other organisations are always 404), 405 wrong method, 409 the state forbids it.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assure.accounts.models import ApiToken
from assure.assessments.models import Assessment
from assure.evidence.services import EvidenceInput, evidence_add

ROLES = (
    "visitor",
    "outsider",
    "admin",
    "region_lead",
    "assessor",
    "ccg_lead",
    "ccg_staff",
    "hwb_lead",
    "ccg2_lead",
)


@dataclass(frozen=True)
class Row:
    method: str
    kwargs: Callable[[SimpleNamespace], dict]
    expect: dict[str, int]
    json: Callable[[SimpleNamespace], dict] | None = None  # a valid API body, so the answer is about access
    form: Callable[[SimpleNamespace], dict] | None = None


def row(method: str, kwargs: Callable[[SimpleNamespace], dict] | None, *statuses: int, **body) -> Row:
    assert len(statuses) == len(ROLES), "one status per column"
    return Row(method, kwargs or (lambda c: {}), dict(zip(ROLES, statuses, strict=True)), **body)


def item_body(c) -> dict:
    version = c.draft.responses.get(item__code="1.1").version
    return {"rating": 2, "not_applicable": False, "reason": "", "narrative": "Agreed", "version": version}


def evidence_form(c) -> dict:
    return {
        "title": "Strategy",
        "evidence_type": c.framework.evidence_types.first().code,
        "document_date": "2012-04-01",
        "owner": "Clinical lead",
        "url": "https://example.org/strategy",
    }


def draft(c):
    return {"public_id": c.draft.public_id}


def submitted(c):
    return {"public_id": c.submitted.public_id}


def evidence(c):
    return {"public_id": c.evidence.public_id}


def api_draft(c):
    return {"id": c.draft.public_id}


# fmt: off
#                                        method  url kwargs                                   visitor outsider admin region assessor ccg_lead ccg_staff hwb_lead ccg2_lead
MATRIX: dict[str, Row] = {
    "core:home":                     row("GET",  None,                                        200, 200, 200, 200, 200, 200, 200, 200, 200),
    "core:accessibility":            row("GET",  None,                                        200, 200, 200, 200, 200, 200, 200, 200, 200),
    "core:healthz":                  row("GET",  None,                                        200, 200, 200, 200, 200, 200, 200, 200, 200),
    "accounts:login":                row("GET",  None,                                        200, 302, 302, 302, 302, 302, 302, 302, 302),
    "accounts:logout":               row("POST", None,                                        302, 302, 302, 302, 302, 302, 302, 302, 302),
    "accounts:password_reset":       row("GET",  None,                                        200, 200, 200, 200, 200, 200, 200, 200, 200),
    "accounts:password_reset_done":  row("GET",  None,                                        200, 200, 200, 200, 200, 200, 200, 200, 200),
    "accounts:password_reset_confirm": row("GET", lambda c: {"uidb64": "MQ", "token": "set-password"},
                                                                                              200, 200, 200, 200, 200, 200, 200, 200, 200),
    "accounts:password_reset_complete": row("GET", None,                                      200, 200, 200, 200, 200, 200, 200, 200, 200),
    "accounts:oidc_start":           row("GET",  None,                                        404, 404, 404, 404, 404, 404, 404, 404, 404),
    "accounts:oidc_callback":        row("GET",  None,                                        404, 404, 404, 404, 404, 404, 404, 404, 404),
    "accounts:profile":              row("GET",  None,                                        302, 200, 200, 200, 200, 200, 200, 200, 200),
    "accounts:revoke_token":         row("POST", lambda c: {"public_id": c.token.public_id},  302, 404, 404, 404, 404, 302, 404, 404, 404),
    "frameworks:list":               row("GET",  None,                                        200, 200, 200, 200, 200, 200, 200, 200, 200),
    "frameworks:detail":             row("GET",  lambda c: {"slug": c.framework.slug},        200, 200, 200, 200, 200, 200, 200, 200, 200),
    "frameworks:domain":             row("GET",  lambda c: {"slug": c.framework.slug, "number": 1},
                                                                                              200, 200, 200, 200, 200, 200, 200, 200, 200),
    "cycles:detail":                 row("GET",  lambda c: {"public_id": c.cycle.public_id},  302, 404, 200, 200, 200, 200, 200, 200, 200),
    "assessments:start":             row("GET",  lambda c: {"cycle_id": c.cycle.public_id, "code": c.ccg.code},
                                                                                              302, 404, 302, 404, 404, 302, 302, 404, 404),
    "assessments:task_list":         row("GET",  draft,                                       302, 404, 404, 404, 404, 200, 200, 404, 404),
    "assessments:domain":            row("GET",  lambda c: {**draft(c), "number": 1},         302, 404, 404, 404, 404, 200, 200, 404, 404),
    "assessments:save_item":         row("POST", lambda c: {**draft(c), "code": "1.1"},       302, 404, 404, 404, 404, 200, 200, 404, 404),
    "assessments:item_history":      row("GET",  lambda c: {**draft(c), "code": "1.1"},       302, 404, 200, 404, 404, 200, 200, 404, 404),
    "assessments:submit":            row("GET",  draft,                                       302, 404, 404, 404, 404, 200, 403, 404, 404),
    "assessments:submitted":         row("GET",  lambda c: {**submitted(c), "number": 1},     302, 404, 200, 200, 200, 404, 404, 404, 200),
    "assessments:submission":        row("GET",  lambda c: {**submitted(c), "number": 1},     302, 404, 200, 200, 200, 404, 404, 404, 200),
    "assessments:reopen":            row("GET",  submitted,                                   302, 404, 200, 404, 200, 404, 404, 404, 404),
    "assessments:share":             row("POST", draft,                                       302, 404, 404, 404, 404, 302, 404, 404, 404),
    "assessments:audit":             row("GET",  draft,                                       302, 404, 200, 404, 404, 200, 404, 404, 404),
    "assessments:export_xlsx":       row("GET",  draft,                                       302, 404, 404, 404, 404, 200, 200, 404, 404),
    "assessments:import_xlsx":       row("GET",  draft,                                       302, 404, 404, 404, 404, 200, 200, 404, 404),
    "evidence:library":              row("GET",  lambda c: {"code": c.ccg.code},              302, 404, 200, 404, 404, 200, 200, 404, 404),
    "evidence:add":                  row("GET",  lambda c: {"code": c.ccg.code},              302, 404, 404, 404, 404, 200, 200, 404, 404),
    "evidence:coverage":             row("GET",  lambda c: {"code": c.ccg.code},              302, 404, 200, 404, 404, 200, 200, 404, 404),
    "evidence:detail":               row("GET",  evidence,                                    302, 404, 200, 404, 404, 200, 200, 404, 404),
    "evidence:download":             row("GET",  evidence,                                    302, 404, 404, 404, 404, 404, 404, 404, 404),
    "evidence:delete":               row("POST", evidence,                                    302, 404, 404, 404, 404, 302, 302, 404, 404),
    # The API: a token for each person; the visitor sends none. A platform admin's writes to a CCG's draft answer
    # 403 where the pages answer 404 (the admin may know the draft exists, but not change it).
    "api:api-root":                  row("GET",  None,                                        404, 404, 404, 404, 404, 404, 404, 404, 404),
    "api:openapi-json":              row("GET",  None,                                        200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:openapi-view":              row("GET",  None,                                        200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:framework_list":            row("GET",  None,                                        200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:framework_detail":          row("GET",  lambda c: {"slug": c.framework.slug},        200, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:cycle_list":                row("GET",  None,                                        401, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:organisation_list":         row("GET",  None,                                        401, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:assessment_list":           row("GET",  None,                                        401, 200, 200, 200, 200, 200, 200, 200, 200),
    "api:assessment_detail":         row("GET",  api_draft,                                   401, 404, 404, 404, 404, 200, 200, 404, 404),
    "api:item_update":               row("PUT",  lambda c: {**api_draft(c), "code": "1.1"},   401, 404, 403, 404, 404, 200, 200, 404, 404,
                                         json=item_body),
    "api:assessment_submit":         row("POST", api_draft,                                   401, 404, 403, 404, 404, 409, 403, 404, 404),
    "api:evidence_list":             row("GET",  api_draft,                                   401, 404, 200, 404, 404, 200, 200, 404, 404),
    "api:evidence_create":           row("POST", api_draft,                                   401, 404, 403, 404, 404, 201, 201, 404, 404,
                                         form=evidence_form),
}
# fmt: on


def named_urls() -> dict[str, str]:
    """Every named URL the project resolves (but the admin site's), with its route."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = pattern.namespace if not namespace else f"{namespace}:{pattern.namespace}"
                walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    inner if pattern.namespace else namespace,
                )
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"the URL {prefix}{pattern.pattern} has no name: name it and add a row"
                found[f"{namespace}:{pattern.name}" if namespace else pattern.name] = prefix + str(
                    pattern.pattern
                )

    walk(get_resolver().url_patterns, "/", None)
    return found


def test_every_url_has_a_row():
    urls = named_urls()

    missing = sorted(set(urls) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(urls))
    assert not missing, "Add a row to MATRIX for each new URL, saying who may reach it:\n" + "\n".join(
        f"  {name}: {urls[name]}" for name in missing
    )
    assert not stale, f"MATRIX has rows for URLs that no longer exist: {stale}"


@pytest.fixture
def context(demo, outsider) -> SimpleNamespace:
    camden_draft = Assessment.objects.get_or_create(
        cycle=demo.cycle, organisation=demo.ccg, defaults={"framework": demo.cycle.framework}
    )[0]
    islington = Assessment.objects.get(cycle=demo.cycle, organisation=demo.ccg2)
    assert camden_draft.is_draft and not islington.is_draft
    item = evidence_add(
        organisation=demo.ccg,
        user=demo.ccg_lead,
        data=EvidenceInput(
            title="Clinical strategy",
            evidence_type=demo.framework.evidence_types.first(),
            document_date=datetime.date(2012, 4, 1),
            owner="Clinical lead",
            url="https://example.org/strategy",
        ),
    )
    token, _ = ApiToken.issue(user=demo.ccg_lead, name="Matrix")
    people = {role: getattr(demo, role) for role in ROLES if role not in {"visitor", "outsider"}}
    people["outsider"] = outsider
    return SimpleNamespace(
        demo=demo,
        cycle=demo.cycle,
        ccg=demo.ccg,
        framework=demo.framework,
        draft=camden_draft,
        submitted=islington,
        evidence=item,
        token=token,
        people=people,
    )


def request_as(role: str, name: str, entry: Row, c: SimpleNamespace) -> int:
    url = reverse(name, kwargs=entry.kwargs(c))
    client = Client()
    headers = {}
    if name.startswith("api:"):
        if role != "visitor":
            headers["Authorization"] = f"Bearer {ApiToken.issue(user=c.people[role], name='m')[1]}"
        if entry.form:
            body = {"data": entry.form(c)}
        elif entry.method in {"POST", "PUT"}:
            body = {
                "data": json.dumps(entry.json(c) if entry.json else {}),
                "content_type": "application/json",
            }
        else:
            body = {}
        response = getattr(client, entry.method.lower())(url, headers=headers, **body)
    else:
        if role != "visitor":
            client.force_login(c.people[role])
        response = getattr(client, entry.method.lower())(url)
    return response.status_code


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_person_gets_the_answer_the_matrix_declares(name, context):
    entry = MATRIX[name]
    wrong = []
    for role in ROLES:
        with transaction.atomic():
            status = request_as(role, name, entry, context)
            transaction.set_rollback(True)  # one person's action never changes what the next one sees
        if status != entry.expect[role]:
            wrong.append(f"{role}: expected {entry.expect[role]}, got {status}")
    assert not wrong, f"{entry.method} {name}\n  " + "\n  ".join(wrong)


def test_the_admin_site_is_for_platform_admins_only(context):
    """Every model's list and add pages, and the index: platform admins in, everybody else sent to sign in."""
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if model_admin.has_add_permission(SimpleNamespace(user=context.people["admin"], method="GET")):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
    wrong = []
    for role in ROLES:
        client = Client()
        if role != "visitor":
            client.force_login(context.people[role])
        for url in urls:
            response = client.get(url)
            expected = 200 if role == "admin" else 302
            if response.status_code != expected or (
                expected == 302 and "/admin/login/" not in response["Location"]
            ):
                wrong.append(f"{role} {url}: {response.status_code}")
    assert not wrong, "\n".join(wrong)
