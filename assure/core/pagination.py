"""Pagination for the API's lists: `?limit=` (default 100, at most 500) and `?offset=` (default 0).

A paginated endpoint answers `{"items": [...], "count": N}`, `count` being the number of rows in the whole list,
so a client asks for the next page with `offset` + `limit` until it has `count`. Lists are in a fixed order, so
pages do not overlap or skip rows.

    @router.get("", response=list[ThingOut])
    @paginate(ApiPagination)
    def thing_list(request):
        return Rows(Thing.objects.visible_to(request.auth).order_by("name", "pk"), _summary)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
MAX_OFFSET = 1_000_000_000  # far beyond any list, and within what every database takes as a number


class ApiPagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="How many rows (at most 500).")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many rows to skip.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)

    def paginate_queryset(self, queryset, pagination: Input, request, **params) -> dict:
        offset, limit = pagination.offset, min(pagination.limit, self.max_limit)
        items = list(queryset[offset : offset + limit])
        if len(items) < limit and (items or offset == 0):
            count = offset + len(items)  # the last page: no need to ask the database to count
        else:
            count = self._items_count(queryset)
        return {self.items_attribute: items, "count": count}


class Rows:
    """A queryset whose rows are turned into the API's dicts only for the page asked for: one query for the
    page (plus its prefetches) and one to count, however long the list."""

    def __init__(self, queryset: QuerySet, convert: Callable[[Any], Any]) -> None:
        self.queryset = queryset
        self.convert = convert

    def all(self) -> Rows:  # what the paginator calls before counting
        return self

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> list:
        return [self.convert(row) for row in self.queryset[page]]


class Pages:
    """A list a paginator (the API's, or Django's for a page) reads a page at a time through `read(slice)`,
    counting it with `count()`: for lists built from several queries at once (the assessor queue), each asked for
    one page's rows."""

    def __init__(self, count: Callable[[], int], read: Callable[[slice], list]) -> None:
        self.count = count
        self.read = read

    def all(self) -> Pages:  # what the API's paginator calls before counting
        return self

    def __len__(self) -> int:  # how Django's paginator counts it
        return self.count()

    def __getitem__(self, page: slice) -> list:
        return self.read(page)
