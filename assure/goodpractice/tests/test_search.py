"""Full-text search: the same behaviour on SQLite (FTS5) and PostgreSQL, published examples only."""

from __future__ import annotations

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assure.goodpractice import services
from assure.goodpractice.models import Example
from assure.goodpractice.search import SEARCH_CONFIG, Filters, ToTsVector, search_examples

from .factories import ExampleFactory


def _titles(queryset) -> list[str]:
    return [e.title for e in queryset]


def test_words_match_title_text_and_tags_with_stemming(gp):
    assert _titles(search_examples(query="navigator")) == ["Islington wellbeing navigators"]
    assert _titles(search_examples(query="COMMUNITY support")) == ["Islington wellbeing navigators"]
    assert _titles(search_examples(query="navigators JSNA")) == ["Islington wellbeing navigators"]  # item 1.3
    assert _titles(search_examples(query="navigators hospital")) == []  # every word must match


def test_unpublished_examples_are_never_found(gp):
    for query in ["Camden draft", "pharmacy outreach", "Nottingham diabetes", ""]:
        titles = _titles(search_examples(query=query))
        assert not {gp.draft.title, gp.submitted.title, gp.far.title} & set(titles)


def test_a_title_match_ranks_above_a_match_in_the_text(gp, demo):
    ExampleFactory(
        organisation=demo.hackney,
        framework=demo.framework,
        title="Reablement at home",
        what_we_did="Our navigators worked with reablement teams.",
        tags=[gp.domain1],
    )
    assert _titles(search_examples(query="navigators"))[0] == "Islington wellbeing navigators"


def test_filters_by_domain_theme_and_organisation_type(gp, demo):
    ExampleFactory(
        organisation=demo.hwb,
        framework=demo.framework,
        title="HWB development sessions",
        tags=[demo.framework.items.get(code="5.2")],
    )
    assert "HWB development sessions" in _titles(search_examples(filters=Filters(domain=5)))
    assert "Islington wellbeing navigators" not in _titles(search_examples(filters=Filters(domain=5)))
    assert _titles(search_examples(filters=Filters(organisation_type="hwb"))) == [
        "HWB development sessions",
        "One forward plan for a board with two CCG partners",
    ]
    assert "Islington wellbeing navigators" in _titles(search_examples(filters=Filters(theme=(1, 1))))
    assert _titles(search_examples(query="navigators", filters=Filters(domain=6))) == []


def test_an_example_tagged_twice_in_a_domain_is_listed_once(gp):
    titles = _titles(search_examples(filters=Filters(domain=1)))
    assert titles.count("Islington wellbeing navigators") == 1


def test_the_index_follows_changes_to_examples(gp):
    gp.published.title = "Islington social prescribers"
    gp.published.save()
    services.example_reindex(example=gp.published)
    assert _titles(search_examples(query="prescribers")) == ["Islington social prescribers"]
    assert _titles(search_examples(query="wellbeing navigators")) == []  # the old title left the index
    gp.published.delete()
    assert _titles(search_examples(query="prescribers")) == []


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=120))
def test_any_search_text_gives_results_or_none_never_an_error(gp, text):
    results = list(search_examples(query=text))
    assert all(e.status == Example.Status.PUBLISHED for e in results)


@pytest.mark.parametrize("text", ['"', "NEAR(a", "a OR", "*", "title:x", "\x00", "'--", "ÀÉÎ", "_"])
def test_fts_syntax_is_just_text(gp, text):
    list(search_examples(query=text))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")
def test_sqlite_keeps_the_fts_table_in_sync_with_triggers(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'goodpractice_%'")
        triggers = {row[0] for row in cursor.fetchall()}
    assert triggers == {
        "goodpractice_example_fts_insert",
        "goodpractice_example_fts_update",
        "goodpractice_example_fts_delete",
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN index")
def test_postgresql_search_expression_is_the_one_the_gin_index_serves(gp):
    # The search's own expression, on its own, so the planner has no cheaper index to prefer.
    queryset = (
        Example.objects.annotate(search=ToTsVector(F("search_document")))
        .filter(search=SearchQuery("navigators", config=SEARCH_CONFIG, search_type="plain"))
        .values("pk")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "goodpractice_example_search" in plan
