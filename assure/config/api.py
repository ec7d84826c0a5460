"""The versioned JSON API. Each app contributes a router; scoping is the same as the web pages'."""

from ninja import NinjaAPI
from ninja.security import HttpBearer

from assure.accounts.models import ApiToken


class PersonalToken(HttpBearer):
    """`Authorization: Bearer <token>` with a personal token from the profile page or `create_api_token`."""

    def authenticate(self, request, token):
        user = ApiToken.authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Assure API",
    version="1",
    description=(
        "Frameworks, cycles, organisations, self-assessments, evidence and partnership reviews, with the same scoping as the web pages: "
        "anything the caller may not see answers 404. Authenticate with a personal token (create one on your "
        "profile page, or `manage.py create_api_token EMAIL`) sent as `Authorization: Bearer <token>`. "
        "Framework content is public. Errors: 401 without a valid token, 403 when the caller may see but not act, "
        "404 when out of scope, 409 with a `code` (`stale`, `locked`, `incomplete`) when the state forbids the "
        "change, 422 with `errors` by field when the input is invalid."
    ),
    urls_namespace="api",
    auth=PersonalToken(),
)

api.add_router("/frameworks", "assure.frameworks.api.router")
api.add_router("/cycles", "assure.cycles.api.router")
api.add_router("/organisations", "assure.organisations.api.router")
api.add_router("/assessments", "assure.assessments.api.router")
api.add_router("/assessments", "assure.evidence.api.router")
api.add_router("/surveys", "assure.surveys.api.router")
api.add_router("/partnerships", "assure.partnerships.api.router")
api.add_router("/good-practice", "assure.goodpractice.api.router")
