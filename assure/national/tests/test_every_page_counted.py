"""Every page and API endpoint has its queries counted against a small and a ten times larger dataset
(`assure/national/tests/test_flat_queries.py`, `assure/decisions/tests/test_flat_queries.py`), or is listed in
`COUNTED_ELSEWHERE` with the test that counts them, or is listed in `NOT_COUNTED` with the reason. A new URL
fails this test until it is one of these."""

from __future__ import annotations

import uuid
from dataclasses import fields
from types import SimpleNamespace

from django.urls import URLPattern, URLResolver, get_resolver, resolve

from assure.decisions.tests.test_flat_queries import pages as decision_pages
from assure.decisions.tests.test_flat_queries import steps as decision_steps
from assure.national.tests.test_flat_queries import PAGES, Targets

# Route -> why its queries are not counted. Keep it short: a route counted later must leave this list.
NOT_COUNTED = {
    "^api/v1/(?P<rest>[\\s\\S]*)$": "the API's answer to an unknown address: no query",
}

# Route -> the test that counts its queries, small and ten times larger, where the national test cannot: single
# sign-on needs an identity provider, which the fake one in the single sign-on tests plays.
COUNTED_ELSEWHERE = {
    "accounts/sso/start/": "assure/accounts/tests/test_oidc.py",
    "accounts/sso/callback/": "assure/accounts/tests/test_oidc.py",
}


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _counted() -> set[str]:
    """The routes the two query-count tests request: their paths are built here from made-up ids, which is
    enough to resolve each to its route."""
    some_id = str(uuid.uuid4())
    targets = Targets(**{f.name: some_id for f in fields(Targets)} | {"ccg": "X01", "item": "2.1"})
    paths = [page.path(targets) for page in PAGES]
    thing = SimpleNamespace(public_id=some_id)
    demo = SimpleNamespace(cycle=thing)
    paths += [
        path for _, _, path, _, _ in decision_pages(demo, thing, thing, {"assessor": "t"}, thing).values()
    ]
    fresh = SimpleNamespace(
        undecided=thing, conditions=[thing, thing], to_escalate=thing, to_review=thing, lead_token="t"
    )
    paths += [path for _, _, path, _, _ in decision_steps(fresh, {"assessor": "t"}).values()]
    return {resolve(path.split("?")[0]).route for path in paths}


def test_every_page_and_endpoint_has_its_queries_counted():
    routes = {route for route in _routes(get_resolver().url_patterns) if not route.startswith("admin/")}
    counted = _counted() | set(COUNTED_ELSEWHERE)
    missing = sorted(routes - counted - set(NOT_COUNTED))
    assert not missing, (
        f"Count the queries of {missing} (test_flat_queries.py), or say in NOT_COUNTED why not"
    )
    counted_now = sorted(counted & set(NOT_COUNTED))
    assert not counted_now, f"{counted_now} are counted now: take them out of NOT_COUNTED"
    gone = sorted((set(NOT_COUNTED) | set(COUNTED_ELSEWHERE)) - routes)
    assert not gone, f"NOT_COUNTED or COUNTED_ELSEWHERE names {gone}, which are no longer routes"
