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


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_tables_are_vacuumed_too_so_indexes_alone_can_answer(demo):
    call_command("refresh_statistics", stdout=StringIO())
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'surveys_stakeholder'")
            assert cursor.fetchall()
            return
        cursor.execute(
            "SELECT last_vacuum IS NOT NULL, last_analyze IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname = 'organisations_organisation'"
        )
        assert cursor.fetchone() == (True, True)
