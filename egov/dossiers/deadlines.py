"""The legal SLA clock of a dossier, on the working-day calendar.

Pure functions of the calendar, the procedure version and the dossier's moments; services call
them and store the results (due_at, forward_due_at, step due times) on the dossier.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.utils import timezone

from egov.organization.calendar import MINUTES_PER_WORKING_DAY, WorkingCalendar
from egov.procedures.models import ProcedureVersion, ProcessStep

# ND 61/2018 Điều 18 (kept by ND 118/2025): a dossier received at the desk is forwarded the same
# working day, or at the start of the next working day when received after 15:00.
FORWARD_CUTOFF = dt.time(15, 0)
# "Đầu giờ ngày làm việc tiếp theo": we allow the first working hour of that day.
FORWARD_NEXT_DAY_GRACE_MINUTES = 60
# ND 61/2018 Điều 19 khoản 4: a supplement after appraisal is asked within 3 working days of receipt.
SUPPLEMENT_AFTER_APPRAISAL_DAYS = 3
# ND 61/2018 Điều 19 khoản 9: the apology and new date come at least 1 working day before the due time.
EXTENSION_NOTICE_MINUTES = MINUTES_PER_WORKING_DAY

Timeliness = Literal["early", "on_time", "late"]


def legal_due_at(
    calendar: WorkingCalendar, version: ProcedureVersion, counted_from: dt.datetime
) -> dt.datetime:
    """The appointment time: the version's time limit counted from receipt (or a restart).

    A receipt outside office hours counts from the next opening (the calendar does that).
    """
    return calendar.add_duration(counted_from, version.time_limit_value, version.time_limit_unit)


def forward_due_at(
    calendar: WorkingCalendar,
    received_at: dt.datetime,
    cutoff: dt.time | None = None,
    *,
    appointment: dt.datetime | None = None,
) -> dt.datetime:
    """When a dossier received at the desk must have been forwarded (the 15:00 rule).

    Any moment of a working day before the cut-off counts as "before 15:00", the lunch break
    and the early morning included: a dossier received at 12:00 is forwarded that same day.
    The rule gives the latest moment, not a time of its own: the forwarding is part of the
    procedure's time limit (ND 61/2018 Điều 19 khoản 6), so it is never due after the
    appointment (a 4-hour trích lục received at 07:20 is forwarded by 11:20, not 17:00).
    """
    latest = _forward_rule(calendar, received_at, cutoff)
    return latest if appointment is None else min(latest, appointment)


def _forward_rule(calendar: WorkingCalendar, received_at: dt.datetime, cutoff: dt.time | None) -> dt.datetime:
    local = timezone.localtime(received_at)
    if calendar.is_working_day(local.date()) and local.time() < (cutoff or FORWARD_CUTOFF):
        return calendar.end_of_office_day(local.date())
    next_day = local.date() + dt.timedelta(days=1)
    while not calendar.is_working_day(next_day):
        next_day += dt.timedelta(days=1)
    opening = calendar.next_working_moment(dt.datetime.combine(next_day, dt.time(0, 0), tzinfo=local.tzinfo))
    return calendar.add_working_minutes(opening, FORWARD_NEXT_DAY_GRACE_MINUTES)


def step_due_times(
    calendar: WorkingCalendar, steps: Sequence[ProcessStep], start: dt.datetime
) -> list[dt.datetime]:
    """Due time of each internal step when the process runs from `start` on schedule."""
    due: list[dt.datetime] = []
    moment = start
    for step in steps:
        moment = calendar.add_working_minutes(moment, int(step.hours * 60))
        due.append(moment)
    return due


def timeliness(finished_at: dt.datetime, due_at: dt.datetime) -> Timeliness:
    """Early, on time or late, as the control slip (Mẫu 06) and TT 01/2018 Chỉ số 1 count it.

    Early means finished on an earlier day than the appointment; on time, on the appointment day
    and not after its time; late, after the appointment time.
    """
    if finished_at > due_at:
        return "late"
    if timezone.localdate(finished_at) < timezone.localdate(due_at):
        return "early"
    return "on_time"


def restarted_due_at(
    calendar: WorkingCalendar, version: ProcedureVersion, supplied_at: dt.datetime
) -> dt.datetime:
    """After a supplement asked following appraisal, the time limit starts again from zero when
    the applicant supplies the papers (ND 61/2018 Điều 19 khoản 4)."""
    return legal_due_at(calendar, version, supplied_at)


def supplement_still_allowed(calendar: WorkingCalendar, received_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether a supplement can still be asked after appraisal (within 3 working days of receipt)."""
    limit = calendar.add_working_days(received_at, SUPPLEMENT_AFTER_APPRAISAL_DAYS)
    return now <= limit


def extension_allowed(calendar: WorkingCalendar, due_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether the apology/extension (Mẫu 04) is still on time: ≥ 1 working day before due."""
    return calendar.working_minutes_between(now, due_at) >= EXTENSION_NOTICE_MINUTES


@dataclass(frozen=True)
class ClockReading:
    """Where a dossier stands against its appointment, for queues and the detail page."""

    due_at: dt.datetime | None
    working_minutes_left: int | None
    is_overdue: bool
    is_due_soon: bool


def read_clock(
    calendar: WorkingCalendar, due_at: dt.datetime | None, now: dt.datetime, *, soon_minutes: int = 480
) -> ClockReading:
    """How much working time is left before the appointment (negative when overdue)."""
    if due_at is None:
        return ClockReading(None, None, is_overdue=False, is_due_soon=False)
    if now <= due_at:
        left = calendar.working_minutes_between(now, due_at)
        return ClockReading(due_at, left, is_overdue=False, is_due_soon=left <= soon_minutes)
    over = calendar.working_minutes_between(due_at, now)
    return ClockReading(due_at, -over, is_overdue=True, is_due_soon=False)


def working_days(minutes: int) -> Decimal:
    return (Decimal(minutes) / MINUTES_PER_WORKING_DAY).quantize(Decimal("0.01"))
