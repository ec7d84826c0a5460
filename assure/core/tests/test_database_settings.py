"""How Assure connects to its database: on PostgreSQL, each connection keeps the plans of the queries it runs
again and again (prepared statements), unless DB_PREPARED_STATEMENTS=false says a connection pooler cannot."""

import json

import pytest
from django.db import connection

from assure.accounts.models import User

from .test_security import PRODUCTION_ENV, manage

SHOW_OPTIONS = (
    "from django.conf import settings; print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))"
)


def _options(**env) -> dict:
    result = manage("shell", "-c", f"import json; {SHOW_OPTIONS}", **PRODUCTION_ENV, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_connections_prepare_the_queries_they_repeat():
    options = _options(DATABASE_URL="postgres://assure@db.example.org/assure")
    assert options == {"server_side_binding": True, "prepare_threshold": 5}


def test_prepared_statements_can_be_turned_off_for_a_connection_pooler():
    assert (
        _options(DATABASE_URL="postgres://assure@db.example.org/assure", DB_PREPARED_STATEMENTS="false") == {}
    )


def test_sqlite_keeps_its_own_options():
    options = _options(DATABASE_URL="sqlite:////tmp/assure-settings-test.sqlite3")
    assert "server_side_binding" not in options
    assert options["transaction_mode"] == "IMMEDIATE"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
@pytest.mark.django_db
def test_a_query_run_again_and_again_is_planned_once():
    for _ in range(6):
        list(User.objects.filter(email="nobody@example.org"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "accounts_user"' in statement and "$1" in statement for statement in prepared)
