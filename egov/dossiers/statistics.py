"""Figures on dossiers per unit, procedure or sector and period, with QĐ 766 indicator 2.1.

Indicator 2.1 (vn-standards.md §5.2, checklist item 41): on-time rate = (dossiers finished on
time + dossiers still processing within time) / dossiers received or processed in the period.
A dossier's end time is the time of its closing status with priority "processed" (9) >
"result returned" (10) > stopped / refused / withdrawn; a dossier waiting for the applicant's
supplement ends at the supplement request; more than one supplement request makes it late; a
dossier with no closing status ends at the end of the period. On time ⇔ end ≤ appointment. The
supplement time is already subtracted: the services restart the appointment (`due_at`) when the
papers come (ND 61/2018 Điều 19 khoản 4). Score = 20 × rate.

Complexity: every report is one SQL statement (conditional `Count(filter=…)` grouped by the
grouping's key) that scans the scope's dossiers received before the period's end; the total row
is the sum of the group rows (groups partition the dossiers). No per-dossier Python. Figures use
each dossier's current state (its appointment today), evaluated as of the period's end (or now,
while the period runs); a later
issue adds stored rollups for large provinces.
"""

import calendar as month_calendar
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, DateTimeField, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.models import User
from egov.dossiers.models import Channel, Dossier, Status, finished_or_never
from egov.organization.models import Role, Unit
from egov.organization.permissions import holds_any, units_where

Grouping = Literal["unit", "procedure", "sector"]

# Key and name columns of each grouping. A procedure is named by its current version's name.
GROUPINGS: dict[str, tuple[str, str]] = {
    "unit": ("receiving_unit__identifier", "receiving_unit__name"),
    "procedure": ("procedure__code", "procedure__current_version__name"),
    "sector": ("procedure_version__sector__code", "procedure_version__sector__name"),
}
GROUPING_LABELS = {
    "unit": gettext_lazy("Receiving unit"),
    "procedure": gettext_lazy("Procedure"),
    "sector": gettext_lazy("Sector"),
}
# Who may read the figures of a unit and its subtree.
STATISTICS_ROLES = (Role.LEADER, Role.HEAD_OF_DEPARTMENT, Role.ADMINISTRATOR, Role.DESK_OFFICER)
# QĐ 766 group 2 "Tiến độ giải quyết" is worth 20 points, all on indicator 2.1.
INDICATOR_21_POINTS = Decimal(20)
TWO_PLACES = Decimal("0.01")


# --- Periods --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole local days from `first_day` to `last_day` inclusive (Asia/Ho_Chi_Minh)."""

    first_day: dt.date
    last_day: dt.date

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(dt.date(year, month, 1), dt.date(year, month, month_calendar.monthrange(year, month)[1]))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = 3 * (quarter - 1) + 1
        return cls(dt.date(year, first, 1), cls.month(year, first + 2).last_day)

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @property
    def start(self) -> dt.datetime:
        """The first moment of the period."""
        return _local_midnight(self.first_day)

    @property
    def end(self) -> dt.datetime:
        """The first moment after the period (exclusive)."""
        return _local_midnight(self.last_day + dt.timedelta(days=1))

    @property
    def label(self) -> str:
        return f"{self.first_day:%d/%m/%Y} – {self.last_day:%d/%m/%Y}"


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=timezone.get_current_timezone())


PERIOD_KINDS = ("month", "quarter", "year", "custom")


def parse_period(
    kind: str,
    *,
    year: int | None = None,
    month: int | None = None,
    quarter: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Period:
    """The period a filter form or API query asks for; ValidationError names the bad field."""
    if kind not in PERIOD_KINDS:
        raise ValidationError({"period": _("Choose a month, a quarter, a year or two dates.")})
    if kind == "custom":
        if date_from is None or date_to is None:
            raise ValidationError({"date_from": _("Give both the first and the last day.")})
        if date_from > date_to:
            raise ValidationError({"date_to": _("The last day is before the first day.")})
        if (date_to - date_from).days > 3 * 366:
            raise ValidationError({"date_to": _("A period may span at most three years.")})
        return Period(date_from, date_to)
    if year is None or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    if kind == "year":
        return Period.year(year)
    if kind == "quarter":
        if quarter is None or not 1 <= quarter <= 4:
            raise ValidationError({"quarter": _("A quarter is 1, 2, 3 or 4.")})
        return Period.quarter(year, quarter)
    if month is None or not 1 <= month <= 12:
        raise ValidationError({"month": _("A month is 1 to 12.")})
    return Period.month(year, month)


# --- Who may read what ----------------------------------------------------------------------------


def statistics_units(user: User) -> QuerySet[Unit]:
    """Units (with their subtrees) whose figures the user may read."""
    if not may_read_statistics(user):
        return Unit.objects.none()
    return units_where(user, *STATISTICS_ROLES)


def may_read_statistics(user: User) -> bool:
    return holds_any(user, *STATISTICS_ROLES)


def statistics_scope(user: User, unit_identifier: str = "") -> tuple[QuerySet[Unit], Unit | None]:
    """The units a report covers: one of the user's units and its subtree, or all of them.

    PermissionDenied when the user holds none of the roles; ValidationError for a unit outside
    their subtree (the same answer as for a unit that does not exist).
    """
    allowed = statistics_units(user)
    if not allowed.exists():
        raise PermissionDenied
    if not unit_identifier:
        return allowed, None
    unit = allowed.filter(identifier=unit_identifier).first()
    if unit is None:
        raise ValidationError({"unit": _("Choose one of your units.")})
    return Unit.objects.subtree_of([unit]), unit


# --- Figures --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatisticsRow:
    """The figures of one group (a unit, a procedure or a sector), or of all of them."""

    key: str
    name: str
    received: int = 0  # received in the period
    received_direct: int = 0  # channel 1
    received_online: int = 0  # channel 2
    received_postal: int = 0  # channel 3
    carried_over: int = 0  # received earlier, still open at the start of the period
    resolved: int = 0  # processed (status 9) in the period
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    in_progress_on_time: int = 0  # open at the end of the period, within time
    in_progress_overdue: int = 0  # open at the end of the period, past the appointment
    supplement_requested: int = 0  # at least one supplement asked after receipt
    extended: int = 0  # appointment changed (Mẫu 04)
    withdrawn: int = 0  # status 7 in the period
    stopped: int = 0  # status 8 in the period
    refused: int = 0  # refused after appraisal (the refusal is the result) in the period
    not_received: int = 0  # refused at the desk (status 3) in the period
    indicator_base: int = 0  # 2.1 denominator: received or processed in the period
    indicator_on_time: int = 0  # 2.1 numerator: finished on time or still within time

    @property
    def on_time_rate(self) -> Decimal | None:
        """Indicator 2.1 as a fraction (0–1, four places); None when nothing was processed."""
        if not self.indicator_base:
            return None
        return (Decimal(self.indicator_on_time) / self.indicator_base).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        )

    @property
    def on_time_percent(self) -> Decimal | None:
        if not self.indicator_base:
            return None
        return (Decimal(100 * self.indicator_on_time) / self.indicator_base).quantize(
            TWO_PLACES, rounding=ROUND_HALF_UP
        )

    @property
    def indicator_score(self) -> Decimal | None:
        """QĐ 766 points of indicator 2.1: 20 × rate, two decimals."""
        if not self.indicator_base:
            return None
        return (INDICATOR_21_POINTS * self.indicator_on_time / self.indicator_base).quantize(
            TWO_PLACES, rounding=ROUND_HALF_UP
        )


COUNT_FIELDS = [f.name for f in fields(StatisticsRow) if f.name not in ("key", "name")]


@dataclass(frozen=True)
class StatisticsReport:
    period: Period
    grouping: str
    rows: list[StatisticsRow]
    total: StatisticsRow


def _conditions(period: Period) -> dict[str, Q]:
    """The condition of each count, over the aliases that `_dossiers` defines."""
    start, end = period.start, period.end
    received = Q(received_at__isnull=False)
    in_period = received & Q(received_at__lt=end) & (Q(finished_at__isnull=True) | Q(finished_at__gte=start))
    received_in = received & Q(received_at__gte=start, received_at__lt=end)
    resolved_in = Q(resolved_at__gte=start, resolved_at__lt=end)
    # deadlines.timeliness: late after the appointment; early on an earlier local day; counts_as_late
    # (a second supplement, or one asked too late — QĐ 766, 2.1) forces late.
    not_late = Q(counts_as_late=False, resolved_at__lte=F("due_at"))
    open_at_end = (
        in_period
        & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    )
    within_time = Q(counts_as_late=False, due_at__gte=F("end_time"))
    closed_in = Q(closed_at__gte=start, closed_at__lt=end)
    return {
        "received": received_in,
        "received_direct": received_in & Q(channel=Channel.DIRECT),
        "received_online": received_in & Q(channel=Channel.ONLINE),
        "received_postal": received_in & Q(channel=Channel.POSTAL),
        "carried_over": in_period & Q(received_at__lt=start),
        "resolved": resolved_in,
        "resolved_early": resolved_in & not_late & Q(resolved_day__lt=F("due_day")),
        "resolved_on_time": resolved_in & not_late & Q(resolved_day__gte=F("due_day")),
        "resolved_late": resolved_in & ~not_late,
        "in_progress_on_time": open_at_end & within_time,
        "in_progress_overdue": open_at_end & ~within_time,
        "supplement_requested": in_period & Q(supplement_count__gte=1),
        "extended": in_period & Q(extension_count__gte=1),
        "withdrawn": closed_in & Q(status=Status.WITHDRAWN),
        "stopped": closed_in & Q(status=Status.STOPPED),
        "refused": resolved_in & Q(outcome=Dossier.ResultOutcome.REFUSED),
        "not_received": closed_in & Q(status=Status.NOT_RECEIVED),
        "indicator_base": in_period,
        # More than one supplement request ⇒ late, whatever the clock says (QĐ 766, 2.1).
        "indicator_on_time": in_period & within_time & Q(supplement_count__lte=1),
    }


def _dossiers(period: Period) -> QuerySet[Dossier]:
    """Dossiers with the per-dossier moments the counts compare (aliases, not selected)."""
    end = period.end
    tz = timezone.get_current_timezone()
    # The 2.1 end time, evaluated as of the period's end (a closing status after it does not count yet).
    end_time = Case(
        When(resolved_at__lt=end, then=F("resolved_at")),
        When(closed_at__lt=end, then=F("closed_at")),
        # Waiting for the applicant's papers: the request ends the clock (paused_at is only set then).
        When(paused_at__lt=end, then=F("paused_at")),
        # Open dossiers are judged at the period's end, or now for the running period.
        default=Value(min(end, timezone.now())),
        output_field=DateTimeField(),
    )
    return Dossier.objects.alias(
        finished_at=Coalesce("resolved_at", "closed_at"),
        left_clock_at=finished_or_never(),
        end_time=end_time,
        resolved_day=TruncDate("resolved_at", tzinfo=tz),
        due_day=TruncDate("due_at", tzinfo=tz),
    )


def dossier_statistics(
    period: Period,
    *,
    grouping: str = "unit",
    units: QuerySet[Unit] | None = None,
    procedure_code: str = "",
    sector_code: str = "",
) -> StatisticsReport:
    """The figures of the period per group, and their total. One query.

    `units` limits the report to dossiers received by or decided in those units (a unit's subtree,
    or every unit the reader may see); None means the whole installation.
    """
    if grouping not in GROUPINGS:
        raise ValidationError({"grouping": _("Group by unit, procedure or sector.")})
    key_field, name_field = GROUPINGS[grouping]
    conditions = _conditions(period)
    dossiers = _dossiers(period).filter(
        conditions["indicator_base"] | conditions["not_received"] | conditions["withdrawn"],
        # Implied by each of the three, and served by an index (dossier_finished_idx): a report
        # reads the dossiers open during the period, not the whole history.
        Q(left_clock_at__gte=period.start),
    )
    if units is not None:
        scope = units.values("pk")
        dossiers = dossiers.filter(Q(receiving_unit__in=scope) | Q(competent_unit__in=scope))
    if procedure_code:
        dossiers = dossiers.filter(procedure__code=procedure_code)
    if sector_code:
        dossiers = dossiers.filter(procedure_version__sector__code=sector_code)
    counts = {name: Count("pk", filter=condition) for name, condition in conditions.items()}
    grouped = dossiers.values(key_field, name_field).annotate(**counts).order_by(key_field)
    rows = [
        StatisticsRow(
            key=row[key_field] or "",
            name=row[name_field] or row[key_field] or "",
            **{name: row[name] for name in COUNT_FIELDS},
        )
        for row in grouped
    ]
    return StatisticsReport(period=period, grouping=grouping, rows=rows, total=_total(rows))


def _total(rows: Iterable[StatisticsRow]) -> StatisticsRow:
    sums = dict.fromkeys(COUNT_FIELDS, 0)
    for row in rows:
        for name in COUNT_FIELDS:
            sums[name] += getattr(row, name)
    return StatisticsRow(key="", name=_("Total"), **sums)


# --- Excel ----------------------------------------------------------------------------------------

# Vietnamese headers: the workbook is a report handed on to the Văn phòng UBND in its own language.
EXCEL_COLUMNS: list[tuple[str, str]] = [
    ("received", "Tiếp nhận trong kỳ"),
    ("received_direct", "Trực tiếp"),
    ("received_online", "Trực tuyến"),
    ("received_postal", "Bưu chính công ích"),
    ("carried_over", "Kỳ trước chuyển sang"),
    ("resolved", "Đã giải quyết"),
    ("resolved_early", "Trước hạn"),
    ("resolved_on_time", "Đúng hạn"),
    ("resolved_late", "Quá hạn"),
    ("in_progress_on_time", "Đang giải quyết trong hạn"),
    ("in_progress_overdue", "Đang giải quyết quá hạn"),
    ("supplement_requested", "Yêu cầu bổ sung"),
    ("extended", "Gia hạn"),
    ("withdrawn", "Công dân rút"),
    ("stopped", "Dừng xử lý"),
    ("refused", "Từ chối giải quyết"),
    ("not_received", "Không tiếp nhận"),
    ("indicator_base", "Hồ sơ tính chỉ số 2.1"),
    ("indicator_on_time", "Đúng hạn và trong hạn"),
]
EXCEL_SHEETS = {"unit": "Theo đơn vị", "procedure": "Theo thủ tục", "sector": "Theo lĩnh vực"}
EXCEL_KEY_HEADERS = {
    "unit": ("Mã đơn vị", "Đơn vị tiếp nhận"),
    "procedure": ("Mã thủ tục", "Tên thủ tục"),
    "sector": ("Mã lĩnh vực", "Lĩnh vực"),
}


def statistics_workbook(
    period: Period,
    *,
    units: QuerySet[Unit] | None = None,
    procedure_code: str = "",
    sector_code: str = "",
    scope_name: str = "",
) -> bytes:
    """An .xlsx with one sheet per grouping (unit, procedure, sector); three queries."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from egov.core.spreadsheet import append_row

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for grouping, sheet_name in EXCEL_SHEETS.items():
        report = dossier_statistics(
            period, grouping=grouping, units=units, procedure_code=procedure_code, sector_code=sector_code
        )
        sheet = workbook.create_sheet(sheet_name)
        title = (
            f"Thống kê tình hình giải quyết hồ sơ thủ tục hành chính từ ngày "
            f"{period.first_day:%d/%m/%Y} đến ngày {period.last_day:%d/%m/%Y}"
        )
        headers = [
            "STT",
            *EXCEL_KEY_HEADERS[grouping],
            *(header for _field, header in EXCEL_COLUMNS),
            "Tỷ lệ đúng hạn (%)",
            "Điểm chỉ số 2.1 (tối đa 20)",
        ]
        append_row(sheet, [title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        sheet["A1"].font = Font(bold=True, size=13)
        append_row(sheet, [scope_name] if scope_name else [])
        append_row(sheet, headers)
        for cell in sheet[3]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for number, row in enumerate(report.rows, start=1):
            append_row(sheet, [number, row.key, row.name, *_excel_figures(row)])
        append_row(sheet, ["", "", "Tổng cộng", *_excel_figures(report.total)])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        sheet.freeze_panes = "D4"
        sheet.column_dimensions["C"].width = 48
        for column in range(4, len(headers) + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _excel_figures(row: StatisticsRow) -> list[Any]:
    # Numbers stay numbers (int, float) so the sheet can sum and chart them.
    percent, score = row.on_time_percent, row.indicator_score
    return [
        *(getattr(row, name) for name, _header in EXCEL_COLUMNS),
        float(percent) if percent is not None else None,
        float(score) if score is not None else None,
    ]
