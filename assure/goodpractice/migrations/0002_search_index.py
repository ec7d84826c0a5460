"""Full-text search over published good practice, per database (see assure/goodpractice/search.py).

SQLite: an FTS5 table with external content (the example table), kept in sync by triggers, so every way a row
changes (services, admin, flush, fixtures) updates the index.
PostgreSQL: a GIN index on the same `to_tsvector` expression the search uses.

Beware: on SQLite, Django makes some later schema changes by rebuilding the table, which drops these triggers. A
migration that alters `goodpractice_example` must create them again (`test_search.py` checks they exist).
"""

from django.db import migrations

SQLITE_FORWARDS = [
    """CREATE VIRTUAL TABLE goodpractice_example_fts USING fts5(
        title, search_document,
        content='goodpractice_example', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER goodpractice_example_fts_insert AFTER INSERT ON goodpractice_example BEGIN
        INSERT INTO goodpractice_example_fts(rowid, title, search_document)
        VALUES (new.id, new.title, new.search_document);
    END""",
    """CREATE TRIGGER goodpractice_example_fts_delete AFTER DELETE ON goodpractice_example BEGIN
        INSERT INTO goodpractice_example_fts(goodpractice_example_fts, rowid, title, search_document)
        VALUES ('delete', old.id, old.title, old.search_document);
    END""",
    """CREATE TRIGGER goodpractice_example_fts_update AFTER UPDATE ON goodpractice_example BEGIN
        INSERT INTO goodpractice_example_fts(goodpractice_example_fts, rowid, title, search_document)
        VALUES ('delete', old.id, old.title, old.search_document);
        INSERT INTO goodpractice_example_fts(rowid, title, search_document)
        VALUES (new.id, new.title, new.search_document);
    END""",
    "INSERT INTO goodpractice_example_fts(goodpractice_example_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS goodpractice_example_fts_update",
    "DROP TRIGGER IF EXISTS goodpractice_example_fts_delete",
    "DROP TRIGGER IF EXISTS goodpractice_example_fts_insert",
    "DROP TABLE IF EXISTS goodpractice_example_fts",
]
POSTGRESQL_FORWARDS = [
    "CREATE INDEX goodpractice_example_search ON goodpractice_example "
    "USING gin (to_tsvector('english'::regconfig, search_document))",
]
POSTGRESQL_BACKWARDS = ["DROP INDEX IF EXISTS goodpractice_example_search"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("goodpractice", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARDS, "postgresql": POSTGRESQL_FORWARDS}),
            _run({"sqlite": SQLITE_BACKWARDS, "postgresql": POSTGRESQL_BACKWARDS}),
        )
    ]
