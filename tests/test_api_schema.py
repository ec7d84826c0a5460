"""The API keeps the promises of its OpenAPI document (/api/v1/openapi.json), whatever it is sent.

schemathesis generates requests for every operation of the document (valid ones, and ones the document says are
invalid) and checks each answer: never a server error (5xx), only status codes the document lists for the
operation, and a body and content type matching what it declares for that status. Every operation is called as a
signed-in demo user (the CCG lead of NHS Camden CCG, with a personal token made here) and as an anonymous caller.
Half the requests name real demo objects (Camden's self-assessment, survey, partnership review, good practice
example) instead of random ids, so the checks reach past "404 Not Found".

The number of examples is small and the generation derandomised, so the run is quick and the same every time;
raise SCHEMATHESIS_EXAMPLES to search harder (`SCHEMATHESIS_EXAMPLES=200 .venv/bin/pytest tests/test_api_schema.py`).
A failure prints the request that broke the promise, as a curl command. Fix the endpoint (its response
declarations, validation or code), never the check.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assure.accounts.models import ApiToken, User
from assure.config.api import api

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()

quick = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def real_objects() -> dict[str, dict[str, str]]:
    """Path parameters naming the demo's objects, by the operation path's first segment after /api/v1/."""
    from assure.assessments.models import Assessment
    from assure.goodpractice.models import Example
    from assure.partnerships.models import PartnershipReview
    from assure.surveys.models import Survey

    return {
        "assessments": {
            "id": str(Assessment.objects.get(organisation__code="07R").public_id),
            "code": "1.1",
        },
        "surveys": {"id": str(Survey.objects.get(organisation__code="07R").public_id)},
        "partnerships": {
            "id": str(PartnershipReview.objects.get(ccg__code="07R").public_id),
            "code": "1.1",
        },
        "good-practice": {"id": str(Example.objects.get(organisation__code="07R").public_id)},
        "frameworks": {"slug": "ccg-authorisation-2012"},
    }


def call(case, real: bool, headers: dict[str, str]) -> None:
    if real and case.path_parameters:
        section = case.operation.path.removeprefix("/api/v1/").split("/")[0]
        for name, value in real_objects().get(section, {}).items():
            if name in case.path_parameters:
                case.path_parameters[name] = value
    case.call_and_validate(headers=headers, checks=CHECKS)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes the database connection after each request, as it must when serving; here that
    connection holds the test's transaction (PostgreSQL would lose it), so keep it open, as Django's test client
    does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(demo) -> str:
    return ApiToken.issue(user=User.objects.get(email="ccg.lead@example.org"), name="Schema checks")[1]


@schema.parametrize()
@schema.given(real=st.booleans())
@quick
def test_signed_in(case, real, token, db):
    call(case, real, {"Authorization": f"Bearer {token}"})


@schema.parametrize()
@schema.given(real=st.booleans())
@quick
def test_anonymous(case, real, demo, db):
    call(case, real, {})
