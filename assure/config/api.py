"""The versioned JSON API. Each app contributes a router; scoping is the same as the web pages'."""

import copy
import hashlib
import math
import threading

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import Throttled
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from assure.accounts.models import ApiToken
from assure.core.ratelimit import client_ip, hit


class PersonalToken(HttpBearer):
    """`Authorization: Bearer <token>` with a personal token from the profile page or `create_api_token`."""

    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


class RateLimit(BaseThrottle):
    """RATELIMIT_API requests per token (or per address for calls without one); beyond it, 429."""

    def __init__(self) -> None:
        self._local = threading.local()  # one instance serves every thread: keep each request's wait apart

    def allow_request(self, request) -> bool:
        self._local.wait = None
        if not settings.RATELIMIT_ENABLED:
            return True
        authorization = request.headers.get("Authorization", "")
        if authorization:
            key = "token:" + hashlib.sha256(authorization.encode()).hexdigest()
        else:
            key = "ip:" + client_ip(request)
        result = hit(group="api", key=key, rate="api")
        self._local.wait = result.retry_after
        return result.allowed

    def wait(self):
        return getattr(self._local, "wait", None)


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
# The answers any operation may give besides its own: declared once here so that every operation's entry in the
# OpenAPI document lists them (and clients, and the schema checks in tests/test_api_schema.py, can rely on it).
COMMON_RESPONSES = {
    "429": _json(
        {
            "type": "object",
            "properties": {"detail": {"type": "string"}, "retry_after": {"type": "integer"}},
            "required": ["detail", "retry_after"],
        },
        "Too many requests: wait `retry_after` seconds (also sent as `Retry-After`)",
    ),
}
BAD_BODY = _json(DETAIL, "The body could not be read (not JSON, or not the form data declared)")
UNAUTHORISED = _json(DETAIL, "No token, or a token that is not valid (or has been revoked)")
NOT_FOUND = _json(DETAIL, "Nothing you may see has this id")
INVALID = _json(
    {
        "type": "object",
        "properties": {"detail": {"type": "array", "items": {"type": "object"}}},
        "required": ["detail"],
    },
    "The request's parameters or body are not valid: `detail` lists each problem with its place (`loc`)",
)


class AssureAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """The generated document, with the answers common to every operation added to each."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                # django-ninja keys the responses by int; the document's keys are strings.
                responses = {
                    str(status): response for status, response in operation.get("responses", {}).items()
                }
                operation["responses"] = responses
                for status, response in COMMON_RESPONSES.items():
                    responses.setdefault(status, copy.deepcopy(response))
                if operation.get("security"):
                    responses.setdefault("401", copy.deepcopy(UNAUTHORISED))
                if any(p["in"] == "path" for p in operation.get("parameters", [])):
                    responses.setdefault("404", copy.deepcopy(NOT_FOUND))
                if operation.get("requestBody"):
                    responses.setdefault("400", copy.deepcopy(BAD_BODY))
                if operation.get("parameters") or operation.get("requestBody"):
                    _accept_validation_errors(responses)
        return schema


def _accept_validation_errors(responses: dict) -> None:
    """422 is also what django-ninja answers when parameters or body do not match their declared types: an
    operation whose own 422 has another shape documents both."""
    invalid = copy.deepcopy(INVALID)
    if "422" not in responses:
        responses["422"] = invalid
        return
    content = responses["422"].setdefault("content", {}).setdefault("application/json", {})
    declared = content.get("schema")
    if declared is not None:
        content["schema"] = {"anyOf": [declared, invalid["content"]["application/json"]["schema"]]}


def root(request):
    """The API's own address: where its documentation is, in JSON, rather than a page saying nothing is here."""
    return JsonResponse(
        {
            "name": "Assure API",
            "version": "1",
            "documentation": request.build_absolute_uri(reverse("api:openapi-view")),
            "openapi": request.build_absolute_uri(reverse("api:openapi-json")),
        }
    )


@csrf_exempt
def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/ (an id that is not a UUID, say) answers like the API, in JSON."""
    return JsonResponse({"detail": "Not Found"}, status=404)


api = AssureAPI(
    title="Assure API",
    version="1",
    description=(
        "Frameworks, cycles, organisations, self-assessments, evidence and partnership reviews, with the same scoping as the web pages: "
        "anything the caller may not see answers 404. Authenticate with a personal token (create one on your "
        "profile page, or `manage.py create_api_token EMAIL`) sent as `Authorization: Bearer <token>`. "
        "Framework content is public. Errors: 401 without a valid token, 403 when the caller may see but not act, "
        "404 when out of scope, 429 when a token (or an address without one) makes too many calls in a minute (wait for "
        "the `Retry-After` seconds), 409 with a `code` (`stale`, `locked`, `incomplete`) when the state forbids the "
        "change, 422 with `errors` by field when the input is invalid."
    ),
    urls_namespace="api",
    auth=PersonalToken(),
    throttle=[RateLimit()],
)


@api.exception_handler(Throttled)
def too_many_requests(request, exc: Throttled):
    wait = math.ceil(exc.wait or 60)
    return api.create_response(
        request,
        {"detail": f"Too many requests. Wait {wait} seconds and try again.", "retry_after": wait},
        status=429,
    )


api.add_router("/frameworks", "assure.frameworks.api.router")
api.add_router("/cycles", "assure.cycles.api.router")
api.add_router("/organisations", "assure.organisations.api.router")
api.add_router("/assessments", "assure.assessments.api.router")
api.add_router("/assessments", "assure.evidence.api.router")
api.add_router("/assessments", "assure.reports.api.router")
api.add_router("/dashboard", "assure.reports.api.dashboard_router")
api.add_router("/surveys", "assure.surveys.api.router")
api.add_router("/partnerships", "assure.partnerships.api.router")
api.add_router("/good-practice", "assure.goodpractice.api.router")
api.add_router("/assessments", "assure.decisions.api.router")
api.add_router("/queue", "assure.decisions.api.queue_router")
api.add_router("/conditions", "assure.decisions.api.conditions_router")
api.add_router("/plans", "assure.plans.api.router")
