"""Searching the published good practice: one interface over SQLite FTS5 and PostgreSQL full-text search.

    search_examples(query="discharge planning", domain=3, organisation_type="hwb")

returns a queryset of published examples only, best match first when there is a query, newest first otherwise.

- SQLite: the FTS5 table `goodpractice_example_fts` mirrors `Example.title` and `Example.search_document`
  (external content, kept in sync by triggers the migration creates), with the Porter stemmer.
- PostgreSQL: a GIN index over `to_tsvector('english', search_document)` (created by the migration); the query
  uses the same expression so the index serves it, ranked with `ts_rank`.

The words come from `query.py`, so nothing a person types can be an FTS syntax error.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import F, Func, Q, QuerySet
from django.db.models.expressions import RawSQL

from .models import Example
from .query import fts5_match, plain_query

FTS_TABLE = "goodpractice_example_fts"
SEARCH_CONFIG = "english"
# bm25 weighs a match in the title four times one in the rest; it is lower for better matches, hence the minus.
RANK_SQL = (
    "SELECT -bm25(goodpractice_example_fts, 4.0, 1.0) FROM goodpractice_example_fts "
    "WHERE goodpractice_example_fts MATCH %s AND goodpractice_example_fts.rowid = goodpractice_example.id"
)
MATCHING_SQL = "SELECT rowid FROM goodpractice_example_fts WHERE goodpractice_example_fts MATCH %s"


@dataclass(frozen=True)
class Filters:
    domain: int | None = None  # domain number
    theme: tuple[int, int] | None = None  # (domain number, theme number within it from 1), as in theme_code
    organisation_type: str | None = None  # organisation type code: ccg, hwb


class ToTsVector(Func):
    """`to_tsvector('english', <document>)`: exactly the expression the GIN index was built on."""

    template = f"to_tsvector('{SEARCH_CONFIG}'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


def apply_filters(examples: QuerySet, filters: Filters) -> QuerySet:
    if filters.domain is not None:
        examples = examples.filter(
            Q(domains__number=filters.domain)
            | Q(themes__domain__number=filters.domain)
            | Q(items__domain__number=filters.domain)
        )
    if filters.theme is not None:
        number, position = filters.theme
        examples = examples.filter(themes__domain__number=number, themes__position=position - 1)
    if filters.organisation_type:
        examples = examples.filter(organisation__type__code=filters.organisation_type)
    if filters.domain is not None or filters.theme is not None:
        # Joins through the tags may repeat an example; keep each once without DISTINCT (which PostgreSQL
        # refuses alongside an ORDER BY on an annotation it does not select).
        examples = Example.objects.filter(pk__in=examples.values("pk"))
    return examples


def search_examples(*, query: str = "", filters: Filters | None = None) -> QuerySet:
    """Published examples matching every word of `query` (all of them when it has no words) and the filters."""
    examples = apply_filters(Example.objects.published(), filters or Filters())
    if connection.vendor == "postgresql":
        words = plain_query(query)
        if words is not None:
            search = SearchQuery(words, config=SEARCH_CONFIG, search_type="plain")
            vector = ToTsVector(F("search_document"))
            return (
                examples.annotate(search=vector)
                .filter(search=search)
                .annotate(rank=SearchRank(vector, search))
                .order_by("-rank", "-published_at", "pk")
            )
    else:
        match = fts5_match(query)
        if match is not None:
            # Fixed SQL; the only value, the sanitised MATCH expression, is a query parameter.
            rank = RawSQL(RANK_SQL, [match])  # noqa: S611
            matching = RawSQL(MATCHING_SQL, [match])  # noqa: S611
            return (
                examples.filter(pk__in=matching).annotate(rank=rank).order_by("-rank", "-published_at", "pk")
            )
    if query and query.strip():
        return examples.none()  # words typed, but none a search can use (only punctuation, say)
    return examples.order_by("-published_at", "pk")
