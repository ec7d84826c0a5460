"""Sessions end after SESSION_COOKIE_AGE seconds without a request.

Django can do this by saving the session on every request (SESSION_SAVE_EVERY_REQUEST), which costs a database
write per page. This middleware instead saves it (and so pushes the expiry forward) when a signed-in person's
session was last refreshed more than SESSION_REFRESH_SECONDS ago: the idle timeout holds to within that
interval, for one write a minute rather than one a page.
"""

from __future__ import annotations

import time

from django.conf import settings

REFRESHED_KEY = "_assure_refreshed"


def mark_refreshed(session) -> None:
    session[REFRESHED_KEY] = int(time.time())


def on_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        mark_refreshed(request.session)


class SessionIdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated and not session.is_empty():
            last = session.get(REFRESHED_KEY, 0)
            if time.time() - last >= settings.SESSION_REFRESH_SECONDS:
                mark_refreshed(
                    session
                )  # marks the session modified: SessionMiddleware saves it on the way out
        return response
