"""Links for long lists: reverse a URL name once, then fill in each row's public id (and number).

`reverse()` (and `{% url %}`) costs tens of microseconds a call; a page with a link or three on each of 211 CCGs
spent half its time there. `UrlPattern("assessments:task_list")` reverses once with a stand-in id;
`UrlPattern("assessments:submission", PUBLIC_ID, NUMBER)` with a stand-in id and number.
"""

from __future__ import annotations

import re
import uuid

from django.urls import reverse

PUBLIC_ID = "public id"  # where a row's public id (a UUID) goes
NUMBER = "number"  # where a row's whole number goes

_STAND_INS = {PUBLIC_ID: str(uuid.UUID(int=0)), NUMBER: "987654321"}


class UrlPattern:
    """A URL with public ids and numbers to fill in per row.

    `UrlPattern(name, *args).format(*values)`: `args` are the URL's arguments, with `PUBLIC_ID` or `NUMBER` where
    each row's value goes, and `format` takes those values in order. With no `PUBLIC_ID` or `NUMBER` in `args`,
    the public id is the last argument: `UrlPattern("reports:report").format(assessment.public_id)`.
    """

    def __init__(self, name: str, *args) -> None:
        if PUBLIC_ID not in args and NUMBER not in args:
            args = (*args, PUBLIC_ID)
        self._kinds = [a for a in args if a in (PUBLIC_ID, NUMBER)]
        path = reverse(name, args=[_STAND_INS.get(a, a) if isinstance(a, str) else a for a in args])
        stand_ins = "|".join(re.escape(_STAND_INS[kind]) for kind in set(self._kinds))
        self._parts = re.split(stand_ins, path)
        if len(self._parts) != len(self._kinds) + 1:
            raise ValueError(f"{name} does not take {', '.join(self._kinds)} where they were given")

    def format(self, *values) -> str:
        if len(values) != len(self._kinds):
            raise TypeError(f"expected {len(self._kinds)} values, got {len(values)}")
        out = [self._parts[0]]
        for kind, value, part in zip(self._kinds, values, self._parts[1:], strict=True):
            out.append(str(uuid.UUID(str(value))) if kind == PUBLIC_ID else str(int(value)))
            out.append(part)
        return "".join(out)
