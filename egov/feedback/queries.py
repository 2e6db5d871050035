"""Reads across feedback rows: averages of ratings, the staff queue, the public search."""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, QuerySet

from egov.core.text import search_terms
from egov.feedback.models import Feedback, Rating


@dataclass(frozen=True)
class UnitAverage:
    unit_id: int
    unit_name: str
    count: int
    average: Decimal


def average_by_unit(ratings: QuerySet[Rating], start: dt.datetime, end: dt.datetime) -> list[UnitAverage]:
    """Mean overall satisfaction per receiving unit for ratings given in [start, end)."""
    rows = (
        ratings.filter(created_at__gte=start, created_at__lt=end)
        .values("unit_id", "unit__name")
        .annotate(count=Count("pk"), average=Avg("overall"))
        .order_by("unit__name")
    )
    return [
        UnitAverage(
            unit_id=row["unit_id"],
            unit_name=row["unit__name"],
            count=row["count"],
            average=Decimal(str(row["average"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        )
        for row in rows
    ]


def search_published(query: str) -> QuerySet[Feedback]:
    """Published answers matching every folded word of the query (accent-insensitive)."""
    found = Feedback.objects.published().select_related("unit").order_by("-published_at", "-pk")
    for term in search_terms(query):
        found = found.filter(search_text__contains=term)
    return found


def staff_queue(feedback: QuerySet[Feedback], *, show: str = "open") -> QuerySet[Feedback]:
    """Open feedback first by its answer deadline; `show=all` includes closed ones."""
    if show != "all":
        feedback = feedback.filter(status__in=Feedback.OPEN_STATUSES)
    return feedback.select_related("unit").order_by("answer_due_at", "pk")
