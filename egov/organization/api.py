"""REST endpoints for units and the working-day calendar, mounted by egov.api at /api/v1."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import WithJsonSchema

from egov.core.limits import Moment
from egov.core.pagination import LimitOffsetPagination
from egov.core.text import fold, search_terms
from egov.organization import calendar
from egov.organization.models import Unit

router = Router()


class LevelOut(Schema):
    code: str
    name: str


class UnitOut(Schema):
    identifier: str
    name: str
    short_name: str
    level: LevelOut
    parent: str | None = Field(None, alias="parent.identifier")
    division_code: str
    address: str
    phone: str
    email: str
    website: str
    receives_dossiers: bool
    dissolved_on: dt.date | None


class UnitFilters(Schema):
    q: str = ""
    level: str = ""
    parent: str = ""
    include_historic: bool = False


@router.get("/units", response=list[UnitOut], tags=["units"], summary="Units of the organisation tree")
@paginate(LimitOffsetPagination)
def list_units(request: HttpRequest, filters: Query[UnitFilters]) -> QuerySet[Unit]:
    """Units in tree order; `parent` gives a unit's whole subtree, `q` searches names without accents."""
    units = Unit.objects.select_related("level", "parent")
    if not filters.include_historic:
        units = units.active()
    if filters.level:
        units = units.filter(level__code=filters.level)
    if filters.parent:
        parent = get_object_or_404(Unit, identifier=filters.parent)
        units = units.subtree_of([parent]).exclude(pk=parent.pk)
    if filters.q:
        # A province has a few hundred units: folding in Python keeps one rule for both databases.
        terms = search_terms(filters.q)
        matching = [
            u.pk for u in units if all(t in fold(f"{u.name} {u.short_name} {u.identifier}") for t in terms)
        ]
        units = units.filter(pk__in=matching)
    return units.order_by("path")


@router.get("/units/{identifier}", response=UnitOut, tags=["units"], summary="One unit")
def get_unit(request: HttpRequest, identifier: str) -> Unit:
    return get_object_or_404(Unit.objects.select_related("level", "parent"), identifier=identifier)


# A time limit: a number from 0 to 3650, given as a JSON number (a decimal string is accepted too).
Duration = Annotated[
    Decimal,
    Field(ge=0, le=3650, allow_inf_nan=False),
    WithJsonSchema({"type": "number", "minimum": 0, "maximum": 3650}),
]
Year = Annotated[int, Field(ge=2000, le=2100, description="2000 to 2100")]


class DueOut(Schema):
    start: dt.datetime
    counted_from: dt.datetime = Field(..., description="The next working moment at or after start")
    duration: Decimal
    unit: str
    due: dt.datetime


@router.get(
    "/calendar/due",
    response=DueOut,
    tags=["calendar"],
    summary="Due time for a start and a duration",
)
def due_time(
    request: HttpRequest,
    duration: Duration,
    unit: Literal["working_days", "working_hours", "calendar_days"] = "working_days",
    start: Moment | None = None,
) -> DueOut:
    """When a time limit started at `start` (default: now) runs out, on the working-day calendar."""
    start = start or timezone.now()
    if timezone.is_naive(start):
        raise ValidationError(
            {"start": _("The start time must include a time zone, e.g. 2026-03-02T08:00:00+07:00.")}
        )
    if unit == "calendar_days" and duration != duration.to_integral_value():
        raise ValidationError({"duration": _("A duration in calendar days must be a whole number.")})
    working = calendar.get_calendar()
    due = working.add_duration(start, duration, unit)
    return DueOut(
        start=start,
        counted_from=working.next_working_moment(start),
        duration=duration,
        unit=unit,
        due=due,
    )


class DayOut(Schema):
    date: dt.date
    is_working_day: bool
    reason: str


@router.get(
    "/calendar/days",
    response=list[DayOut],
    tags=["calendar"],
    summary="Days off and make-up working days of a year",
)
def calendar_days(request: HttpRequest, year: Year) -> list[DayOut]:
    working = calendar.get_calendar()
    days = []
    for day, name, _source in working.holidays_in_year(year):
        is_working, _reason = working.day_kind(day)
        days.append(DayOut(date=day, is_working_day=is_working, reason=name))
    return days
