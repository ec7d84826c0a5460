"""How django-axes (failed sign-in throttling) reads the email address and answers a locked-out person."""

from __future__ import annotations

import math

from django.conf import settings
from django.shortcuts import render


def username_from_request(request, credentials) -> str | None:
    """Email addresses are not case-sensitive: count `Ann@…` and `ann@…` as the same person."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return username.strip().lower() if isinstance(username, str) else username


def locked_out(request, response=None, credentials=None):
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME * 60))
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
