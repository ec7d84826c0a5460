"""Turning what someone typed into a full-text query that cannot be a syntax error. No Django here.

Both databases get the same words: SQLite's FTS5 as quoted phrases (so `AND`, `NEAR`, `*`, `^`, `:` and unbalanced
quotes are just text), PostgreSQL as plain words for `plainto_tsquery`. Every word must match.
"""

from __future__ import annotations

import re

MAX_WORDS = 12
MAX_WORD_LENGTH = 60
_WORD = re.compile(r"\w+")


def query_words(text: str | None) -> list[str]:
    """The words of a search, lower-cased, in order, without repeats: letters and digits only."""
    words: list[str] = []
    for match in _WORD.finditer(text or ""):
        # `\w` includes the underscore and some marks that the databases' tokenisers treat as separators;
        # split on anything that is not a letter or digit.
        for part in re.split(r"[^\w]|_", match.group()):
            word = "".join(ch for ch in part if ch.isalnum()).lower()[:MAX_WORD_LENGTH]
            if word and word not in words:
                words.append(word)
        if len(words) >= MAX_WORDS:
            break
    return words[:MAX_WORDS]


def fts5_match(text: str | None) -> str | None:
    """An FTS5 MATCH expression requiring every word, or None when there is nothing to search for."""
    words = query_words(text)
    if not words:
        return None
    return " ".join(f'"{word}"' for word in words)


def plain_query(text: str | None) -> str | None:
    """The words for PostgreSQL's `plainto_tsquery`, or None when there is nothing to search for."""
    words = query_words(text)
    return " ".join(words) if words else None
