"""The versioned JSON API. Each app contributes a router; scoping is the same as the web pages'."""

import hashlib
import math
import threading

from django.conf import settings
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


api = NinjaAPI(
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
