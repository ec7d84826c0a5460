"""Rate limits: at most N requests per client in a period, then 429 Too Many Requests with a clear message.

Counters live in Django's default cache (`CACHE_URL`: local memory per process by default, Redis to share them
between processes and machines). Each period is a fixed window: `30/m` allows 30 requests in each minute.

Decorate a view::

    from assure.core.ratelimit import ratelimit

    @ratelimit(key="ip", rate="survey")          # a rate named in settings.RATELIMIT_RATES (RATELIMIT_SURVEY)
    def respond(request, token): ...

    @ratelimit(key=lambda request: request.resolver_match.kwargs["token"], rate="30/m", methods=["POST"])
    def respond(request, token): ...

`key` says whose requests are counted together: `"ip"` (the client's address), `"user"` (the signed-in person,
falling back to the address), or a function of the request returning a string. `rate` is a rate (`"30/m"`,
`"5/s"`, `"100/h"`, `"1000/d"`, `"10/5m"`) or the name of one in `settings.RATELIMIT_RATES`. `group` separates
counters (by default the view's dotted name). `methods` limits only those HTTP methods (all by default).

An HTML request over the limit gets the NHS-styled page `429.html`; a request to `/api/` or one asking for JSON
gets `{"detail": "..."}`. Both carry `Retry-After`. `RATELIMIT_ENABLED=false` switches every limit off.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from .rates import parse_rate

__all__ = ["Limit", "client_ip", "hit", "parse_rate", "ratelimit", "too_many_requests"]

Key = str | Callable[[HttpRequest], str]


@dataclass(frozen=True)
class Limit:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until the current window ends


def client_ip(request: HttpRequest) -> str:
    """The client's address: the connection's, or with `TRUSTED_PROXY_COUNT` proxies in front, the address the
    outermost trusted proxy saw (X-Forwarded-For is read from the right, so a client cannot forge it)."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return remote


def resolve_rate(rate: str) -> tuple[int, int]:
    named = getattr(settings, "RATELIMIT_RATES", {})
    return parse_rate(named.get(rate, rate))


def hit(*, group: str, key: str, rate: str) -> Limit:
    """Count one request for `key` in `group` and say whether it is within `rate`."""
    limit, period = resolve_rate(rate)
    now = time.time()
    window = int(now // period)
    digest = hashlib.sha256(f"{group}\0{key}".encode()).hexdigest()[:32]
    cache_key = f"assure:rl:{digest}:{period}:{window}"
    cache.add(cache_key, 0, timeout=period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period + 1)
        count = 1
    retry_after = max(1, math.ceil((window + 1) * period - now))
    return Limit(allowed=count <= limit, count=count, limit=limit, retry_after=retry_after)


def _key_for(request: HttpRequest, key: Key) -> str:
    if callable(key):
        return str(key(request))
    if key == "ip":
        return client_ip(request)
    if key == "user":
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return f"ip:{client_ip(request)}"
    raise ValueError(f"Unknown rate-limit key {key!r}: use 'ip', 'user' or a function of the request.")


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429 with a message people can act on: an NHS-styled page, or JSON for the API."""
    minutes = max(1, math.ceil(retry_after / 60))
    wait = f"{retry_after} seconds" if retry_after < 60 else f"{minutes} minute{'s' if minutes > 1 else ''}"
    if wants_json(request):
        response: HttpResponse = JsonResponse(
            {"detail": f"Too many requests. Wait {wait} and try again.", "retry_after": retry_after},
            status=429,
        )
    else:
        html = render_to_string("429.html", {"wait": wait}, request=request)
        response = HttpResponse(html, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def ratelimit(
    *,
    key: Key = "ip",
    rate: str,
    group: str | None = None,
    methods: Iterable[str] | None = None,
):
    """Limit a view to `rate` requests per `key`; see the module's documentation."""
    if rate not in getattr(settings, "RATELIMIT_RATES", {}):
        parse_rate(rate)  # a mistyped rate fails when the view is defined, not when it is first limited
    limited_methods = {m.upper() for m in methods} if methods is not None else None

    def decorate(view):
        counter_group = group or f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if getattr(settings, "RATELIMIT_ENABLED", True) and (
                limited_methods is None or request.method in limited_methods
            ):
                result = hit(group=counter_group, key=_key_for(request, key), rate=rate)
                if not result.allowed:
                    return too_many_requests(request, result.retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
