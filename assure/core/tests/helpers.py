"""Small helpers for reading pages the way a person does."""

from __future__ import annotations

import re
from html import unescape


def page_text(response) -> str:
    """The visible text of an HTML response: tags removed, entities decoded, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return squash(unescape(re.sub(r"<[^>]+>", " ", html)))


def squash(text: str) -> str:
    """Whitespace collapsed as `page_text` does, to compare a text with what a page shows."""
    return re.sub(r" ([,.;:!?)])", r"\1", " ".join(text.split()))  # "<a>Title</a>, v1" reads "Title, v1"
