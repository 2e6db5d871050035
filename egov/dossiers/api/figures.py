"""Statistics and QĐ 766 indicator 2.1 for a period, over the units the caller may see."""

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Schema

from egov.core.limits import Day
from egov.dossiers import statistics
from egov.dossiers.api.common import caller, router

# --- Statistics -----------------------------------------------------------------------------------


class StatisticsRowOut(Schema):
    key: str
    name: str
    received: int
    received_direct: int
    received_online: int
    received_postal: int
    carried_over: int
    resolved: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    in_progress_on_time: int
    in_progress_overdue: int
    supplement_requested: int
    extended: int
    withdrawn: int
    stopped: int
    refused: int
    not_received: int
    indicator_base: int
    indicator_on_time: int
    on_time_percent: float | None
    indicator_score: float | None


class Indicator21Out(Schema):
    on_time: int = Field(..., description="Finished on time or still within time")
    base: int = Field(..., description="Received or processed in the period")
    rate_percent: float | None
    score: float | None = Field(None, description="20 × rate (QĐ 766 group 2)")


class StatisticsOut(Schema):
    period_from: dt.date
    period_to: dt.date
    grouping: str
    unit: str | None
    rows: list[StatisticsRowOut]
    total: StatisticsRowOut
    indicator_21: Indicator21Out


def _row_out(row: statistics.StatisticsRow) -> StatisticsRowOut:
    percent, score = row.on_time_percent, row.indicator_score
    return StatisticsRowOut(
        key=row.key,
        name=row.name,
        **{name: getattr(row, name) for name in statistics.COUNT_FIELDS},
        on_time_percent=float(percent) if percent is not None else None,
        indicator_score=float(score) if score is not None else None,
    )


class StatisticsFilters(Schema):
    period: Literal["month", "quarter", "year", "custom"] = "month"
    year: int | None = Field(None, ge=2000, le=2100, description="Default: this year")
    month: int | None = Field(None, ge=1, le=12, description="Default: this month")
    quarter: int | None = Field(None, ge=1, le=4, description="Default: this quarter")
    date_from: Day | None = Field(None, description="First day of a custom period")
    date_to: Day | None = Field(None, description="Last day of a custom period (at most three years)")
    unit: str = Field("", description="One of the caller's units (with its subtree); all of them when empty")
    grouping: Literal["unit", "procedure", "sector"] = "unit"
    procedure: str = Field("", description="Procedure code")
    sector: str = Field("", description="Sector code")


@router.get("/statistics", response=StatisticsOut, summary="Figures and QĐ 766 indicator 2.1 for a period")
def get_statistics(request: HttpRequest, filters: Query[StatisticsFilters]) -> StatisticsOut:
    """For leaders, heads of department, administrators and desk officers, over their units."""
    units, chosen = statistics.statistics_scope(caller(request), filters.unit)
    today = timezone.localdate()
    period = statistics.parse_period(
        filters.period,
        year=filters.year if filters.year is not None else today.year,
        month=filters.month if filters.month is not None else today.month,
        quarter=filters.quarter if filters.quarter is not None else (today.month - 1) // 3 + 1,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    report = statistics.dossier_statistics(
        period,
        grouping=filters.grouping,
        units=units,
        procedure_code=filters.procedure,
        sector_code=filters.sector,
    )
    total = _row_out(report.total)
    return StatisticsOut(
        period_from=period.first_day,
        period_to=period.last_day,
        grouping=filters.grouping,
        unit=chosen.identifier if chosen else None,
        rows=[_row_out(row) for row in report.rows],
        total=total,
        indicator_21=Indicator21Out(
            on_time=total.indicator_on_time,
            base=total.indicator_base,
            rate_percent=total.on_time_percent,
            score=total.indicator_score,
        ),
    )
