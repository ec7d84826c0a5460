"""How django-axes (failed sign-in throttling) reads the email address and answers a locked-out person."""

from __future__ import annotations

import ipaddress
import math

from django.conf import settings
from django.shortcuts import render

from assure.core.ratelimit import client_ip


def username_from_request(request, credentials) -> str | None:
    """Email addresses are not case-sensitive: count `Ann@…` and `ann@…` as the same person."""
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return username.strip().lower() if isinstance(username, str) else username


def client_address(request) -> str | None:
    """The client's address as django-axes stores it: a valid IP address, or None when there is none (a sign-in
    made in code has no connection). PostgreSQL's inet column refuses anything else."""
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def locked_out(request, response=None, credentials=None):
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME * 60))
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
