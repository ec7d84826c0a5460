"""Links for long lists: reverse a URL name once, then fill in each row's public id (and number).

`reverse()` (and `{% url %}`) costs tens of microseconds a call; a page with a link or three on each of 211 CCGs
spent half its time there. `UrlPattern("assessments:task_list")` reverses once with a stand-in id;
`UrlPattern("assessments:submission", PUBLIC_ID, NUMBER)` with a stand-in id and number;
`UrlPattern("assessments:save_item", PUBLIC_ID, CODE)` with a stand-in id and item code.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

PUBLIC_ID = "public id"  # where a row's public id (a UUID) goes
NUMBER = "number"  # where a row's whole number goes
CODE = "item code"  # where a row's code goes (an item code, "1.10"): one path segment of text

_STAND_INS = {PUBLIC_ID: str(uuid.UUID(int=0)), NUMBER: "987654321", CODE: "code-stand-in-5e1f"}
_KINDS = tuple(_STAND_INS)


class UrlPattern:
    """A URL with public ids and numbers to fill in per row.

    `UrlPattern(name, *args).format(*values)`: `args` are the URL's arguments, with `PUBLIC_ID`, `NUMBER` or `CODE`
    where each row's value goes, and `format` takes those values in order. With none of them in `args`, the public
    id is the last argument: `UrlPattern("reports:report").format(assessment.public_id)`.
    """

    def __init__(self, name: str, *args) -> None:
        if not any(kind in args for kind in _KINDS):
            args = (*args, PUBLIC_ID)
        self._kinds = [a for a in args if a in _KINDS]
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
            out.append(_FORMAT[kind](value))
            out.append(part)
        return "".join(out)


def _segment(value) -> str:
    """A code as `reverse()` puts it in a path (a `str` converter: any text but "/", quoted as Django quotes it)."""
    text = str(value)
    if not text or "/" in text:
        raise ValueError(f"{text!r} is not one path segment")
    return quote(text, safe=RFC3986_SUBDELIMS + "/~:@")


def _public_id(value) -> str:
    """A UUID as it appears in a path; anything else must read as one (it is parsed, so no text gets in)."""
    if type(value) is uuid.UUID:  # as the models give it: already a UUID, written out as is
        return str(value)
    return str(uuid.UUID(str(value)))


_FORMAT = {
    PUBLIC_ID: _public_id,
    NUMBER: lambda value: str(int(value)),
    CODE: _segment,
}


def for_render(context, name: str, *args) -> UrlPattern:
    """The `UrlPattern` for `name` and `args`, made once per template render (in its `render_context`), for tags
    that write one row at a time."""
    key = ("url-pattern", name, args)
    if key not in context.render_context:
        context.render_context[key] = UrlPattern(name, *args)
    return context.render_context[key]
