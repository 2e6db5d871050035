"""Paging of search results without counting every match.

Counting all the documents that contain a common word among a million took 260 ms, fifty times
the page itself (docs/performance.md, document search). Nobody pages through more than a
thousand results: lists count up to COUNT_CAP and say "more than" beyond it.
"""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja import pagination as ninja_pagination

from egov.core.limits import MAX_OFFSET

COUNT_CAP = 1000
# The most items one page of an API list holds (a province has a few hundred units).
MAX_LIMIT = 1000


def capped_count(queryset: QuerySet[Any]) -> int:
    """The number of rows, up to COUNT_CAP + 1 (COUNT over a LIMITed subquery).

    Without its ordering, so that the database stops at the first COUNT_CAP + 1 matches instead of
    sorting all of them first.
    """
    return queryset.order_by()[: COUNT_CAP + 1].count()


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """A Paginator whose count stops at COUNT_CAP; `count_is_capped` says whether there were more."""

    @cached_property
    def _counted(self) -> int:
        objects = self.object_list
        return capped_count(objects) if isinstance(objects, QuerySet) else len(objects)

    @cached_property
    def count(self) -> int:
        return min(self._counted, COUNT_CAP)

    @property
    def count_is_capped(self) -> bool:
        return self._counted > COUNT_CAP


class LimitOffsetPagination(ninja_pagination.LimitOffsetPagination):
    """ninja's `limit`/`offset` paging with both bounded, so that a page always fits the database."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class CappedLimitOffsetPagination(LimitOffsetPagination):
    """`limit`/`offset` paging whose `count` stops at COUNT_CAP, with `more` true beyond it."""

    class Output(Schema):
        items: list[Any]
        count: int = Field(description=f"Matches, counted up to {COUNT_CAP}")
        more: bool = Field(description=f"True when more than {COUNT_CAP} match")

    def paginate_queryset(
        self,
        queryset: QuerySet[Any],
        pagination: ninja_pagination.LimitOffsetPagination.Input,  # ninja passes our bounded Input
        request: HttpRequest,
        **params: Any,
    ) -> Any:
        offset = pagination.offset
        limit: int = min(pagination.limit, self.max_limit)
        counted = capped_count(queryset)
        return {
            self.items_attribute: queryset[offset : offset + limit],
            "count": min(counted, COUNT_CAP),
            "more": counted > COUNT_CAP,
        }
