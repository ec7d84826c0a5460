"""The database's statistics about its own tables, which its query planner chooses plans by.

SQLite keeps none until `ANALYZE` is run, and without them it guesses: on the national dataset it read the
regional dashboard's decisions by way of all 8,847 organisations, a quarter of a second, instead of by the 211
self-assessments asked about. PostgreSQL gathers them by itself (autovacuum), some time after a bulk load; until
its tables are also vacuumed it cannot answer from an index alone (it must visit each row to see whether it is
current), so after a bulk load it read all 63,000 stakeholders to count the dashboard's response rates, 34 ms,
instead of the 21,000 asked about from their index, 5 ms.
`refresh()` gathers them now; `seed_national` calls it after loading, and `manage.py refresh_statistics` (run
daily by deploy/assure-statistics.timer) keeps them current as the data grows.
"""

from __future__ import annotations

from django.db import connections


def refresh(using: str = "default") -> None:
    """Gather fresh statistics for every table: `ANALYZE` on SQLite; `VACUUM (ANALYZE)` on PostgreSQL, or
    `ANALYZE` alone inside a transaction, where PostgreSQL cannot vacuum."""
    connection = connections[using]
    statement = "ANALYZE"
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        statement = "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        cursor.execute(statement)
