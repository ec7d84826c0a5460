"""`Ids`: an `__in` filter's primary keys as one parameter selects exactly what the list would."""

from __future__ import annotations

import pytest

from assure.assessments.models import Assessment
from assure.core.queries import Ids
from assure.organisations.models import Organisation


@pytest.mark.parametrize("take", [0, 1, 3, None])
def test_ids_select_what_the_list_selects(demo, take, django_assert_num_queries):
    everyone = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    chosen = everyone[::2] if take is None else everyone[:take]
    for model, lookup in ((Organisation, "pk__in"), (Assessment, "organisation__in")):
        as_list = set(model.objects.filter(**{lookup: chosen}).values_list("pk", flat=True))
        with django_assert_num_queries(0 if not chosen else 1):  # none asked for: nothing to ask the database
            as_ids = set(model.objects.filter(**{lookup: Ids(chosen)}).values_list("pk", flat=True))
        assert as_ids == as_list
        assert set(model.objects.exclude(**{lookup: Ids(chosen)}).values_list("pk", flat=True)) == set(
            model.objects.exclude(**{lookup: chosen}).values_list("pk", flat=True)
        )


def test_ids_take_any_iterable_of_ids_once_each(demo):
    pks = list(Organisation.objects.values_list("pk", flat=True)[:4])
    assert Ids(iter(pks + pks)).ids == sorted(pks)
    assert Ids(str(pk) for pk in pks).ids == sorted(pks)
    assert Organisation.objects.filter(pk__in=Ids({pks[0]: "a dict's keys"})).get().pk == pks[0]


def test_ids_on_another_database_are_one_parameter_each(demo):
    """The SQL any database but SQLite and PostgreSQL gets: a plain list of parameters, as Django would write."""
    from django.db import connection

    pks = list(Organisation.objects.values_list("pk", flat=True)[:3])
    query = Organisation.objects.filter(pk__in=Ids(pks)).query
    sql, params = Ids(pks).as_sql(query.get_compiler(connection=connection), connection)
    assert (sql, params) == ("%s, %s, %s", sorted(pks))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM organisations_organisation WHERE id IN ({sql})", params)
        assert sorted(row[0] for row in cursor.fetchall()) == sorted(pks)
