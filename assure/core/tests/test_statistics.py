"""`manage.py refresh_statistics`: the query planner's statistics, gathered on demand."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db
def test_refreshing_the_statistics_gives_the_planner_figures_for_the_tables(demo):
    out = StringIO()
    call_command("refresh_statistics", stdout=out)
    assert "Statistics refreshed" in out.getvalue()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'organisations_organisation'")
        else:
            cursor.execute("SELECT attname FROM pg_stats WHERE tablename = 'organisations_organisation'")
        assert cursor.fetchall(), "no statistics were gathered for the organisations table"
