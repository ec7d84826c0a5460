"""The database's statistics about its own tables, which its query planner chooses plans by.

SQLite keeps none until `ANALYZE` is run, and without them it guesses: on the national dataset it read the
regional dashboard's decisions by way of all 8,847 organisations, a quarter of a second, instead of by the 211
self-assessments asked about. PostgreSQL gathers them by itself (autovacuum), some time after a bulk load.
`refresh()` gathers them now; `seed_national` calls it after loading, and `manage.py refresh_statistics` (run
daily by deploy/assure-statistics.timer) keeps them current as the data grows.
"""

from __future__ import annotations

from django.db import connections


def refresh(using: str = "default") -> None:
    """Gather fresh statistics for every table (`ANALYZE`, the same statement on SQLite and PostgreSQL)."""
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")
