"""On SQLite only: an index holding each submission's number, date and domain results.

A submission's row holds its whole snapshot (some 40 KB) before the stored `domain_results` column, so SQLite
read past every snapshot's overflow pages to reach the results of each CCG's latest submission (the regional
dashboard reads 211 of them twice). From this index it reads the results alone, once the planner's statistics
include it (`manage.py refresh_statistics`, which `seed_national` and the daily timer run). PostgreSQL keeps large
values out of line (TOAST), so it reads `domain_results` without the snapshot and needs no such index; an index
entry there is also limited in size, which a framework with many domains could exceed.
"""

from django.db import migrations

NAME = "submission_results_sqlite_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "assessments_submission" '
            '("assessment_id", "number", "submitted_at", "domain_results")'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_submission_domain_results")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
