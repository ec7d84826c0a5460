"""Links for long lists: reverse a URL name once, then fill in each row's public id.

`reverse()` (and `{% url %}`) costs tens of microseconds a call; a page with a link or three on each of 211 CCGs
spent half its time there. `UrlPattern("assessments:task_list")` reverses once with a placeholder id.
"""

from __future__ import annotations

import uuid

from django.urls import reverse

_PLACEHOLDER = uuid.UUID(int=0)


class UrlPattern:
    """A URL whose one argument is a public id (a UUID): `UrlPattern(name).format(public_id)`."""

    def __init__(self, name: str, *before) -> None:
        path = reverse(name, args=[*before, _PLACEHOLDER])
        head, marker, tail = path.rpartition(str(_PLACEHOLDER))
        if not marker:
            raise ValueError(f"{name} does not take a public id as its last argument")
        self._head, self._tail = head, tail

    def format(self, public_id) -> str:
        return f"{self._head}{uuid.UUID(str(public_id))}{self._tail}"
