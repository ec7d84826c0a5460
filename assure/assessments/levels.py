"""Each domain's level in a submission, for pages that read every CCG's (the dashboard, the assessor workspace).

A submission never changes once made, so the text of its domain results always reads the same. Those pages read
the text as the database gives it (`RESULTS_TEXT`) and decode each distinct text once per process
(`domain_levels`), rather than some 400 of them on every request at about 10 µs each. The text is the key, so
nothing can go stale: a different submission has a different text or decodes to the same levels.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import NamedTuple

from django.db.models import ExpressionWrapper, F, TextField


class DomainLevel(NamedTuple):
    number: int
    level: str  # the level's code
    level_label: str  # its label when submitted (the code, in a submission that did not record it)


# A submission's domain results as the database stores them (JSON text), for `domain_levels`.
RESULTS_TEXT = ExpressionWrapper(F("domain_results"), output_field=TextField())

# Some 630 submissions a cycle across England, three cycles on a page at most; each entry about 1 KB.
CACHED_TEXTS = 4096


def domain_levels(text: str | None) -> tuple[DomainLevel, ...]:
    """The domains' levels in the domain results `text` (from `RESULTS_TEXT`), in the order they were recorded;
    none for a submission without them."""
    if not text:
        return ()
    return _decoded(text)


@lru_cache(maxsize=CACHED_TEXTS)
def _decoded(text: str) -> tuple[DomainLevel, ...]:
    return tuple(
        DomainLevel(d["number"], d["level"], d.get("level_label", d["level"])) for d in json.loads(text) or ()
    )
