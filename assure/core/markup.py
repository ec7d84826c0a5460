"""Pieces for markup written out in Python, where a template would spend most of a page's time on its nodes:
the tables with a row per CCG (some 200) and the pages with a form per item (see README: Development). The
markup is what the templates gave, and each such writer is tested against the template it replaced.
"""

from __future__ import annotations

from html import escape as _escape


def escape(value) -> str:
    """As Django's `escape` (the same five characters, `'` as `&#x27;`), without its lazy-string wrapper: every
    value here is a plain string or number, and the wrapper cost a fifth of a long table's time."""
    return _escape(str(value), quote=True)


def tag(text: str, colour: str | None = None) -> str:
    """An NHS.UK tag, as components/tag.html writes it."""
    modifier = f" nhsuk-tag--{escape(colour)}" if colour else ""
    return f'<strong class="nhsuk-tag{modifier}">{escape(text)}</strong>'


def hidden_input(name: str, value, element_id: str) -> str:
    """A hidden input as Django's HiddenInput writes it: no value attribute for none or an empty value. For the
    forms written out in Python (a domain's items, an assessor's ratings)."""
    shown = "" if value is None or value == "" else f' value="{escape(value)}"'
    return f'<input type="hidden" name="{escape(name)}"{shown} id="{escape(element_id)}">'


def csrf_input(context) -> str:
    """`{% csrf_token %}` for a tag writing a form: the hidden input with the page's token (none without one)."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
