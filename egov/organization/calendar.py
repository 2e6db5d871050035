"""The working-day calendar: the one module that answers every deadline question.

Which days are working days, which moments are office hours, and what "N working days /
working hours / calendar days after receipt" means. Build one `WorkingCalendar` with
`get_calendar()` (one read of the overrides and of the office hours) and ask it everything; the
module-level functions are conveniences that build a fresh calendar for each call.

All moments are timezone-aware datetimes; results come back in the deployment's local zone
(settings.TIME_ZONE). Durations are whole minutes internally.
"""

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.core.request_scope import forget, once_per_request
from egov.organization.models import CalendarOverride, OfficeHours

# One working day counts as 8 working hours whatever the configured office hours: the national
# rule of one-stop systems (QĐ 188/1999/QĐ-TTg: 8 hours a day, 40-hour week).
MINUTES_PER_WORKING_HOUR = 60
MINUTES_PER_WORKING_DAY = 8 * MINUTES_PER_WORKING_HOUR

# The unit strings of egov.procedures.models.ProcedureVersion.TimeUnit (organization is a lower
# layer and must not import procedures).
WORKING_DAYS = "working_days"
WORKING_HOURS = "working_hours"
CALENDAR_DAYS = "calendar_days"

# Where an exception to the Monday to Friday rule comes from (holidays_in_year).
SOURCE_NATIONAL = "national"
SOURCE_OVERRIDE = "override"

# No real calendar has ten years without a working day; stop instead of looping forever.
_MAX_SEARCH_DAYS = 3660

Moment = dt.datetime
Period = tuple[dt.datetime, dt.datetime]


class CalendarException(NamedTuple):
    """A weekday off or a weekend working day, for the admin calendar screen."""

    date: dt.date
    name: str
    source: str


@dataclass(frozen=True)
class OfficeSchedule:
    """The two daily office periods (morning and afternoon), local wall-clock times."""

    morning_start: dt.time = dt.time(7, 0)
    morning_end: dt.time = dt.time(11, 30)
    afternoon_start: dt.time = dt.time(13, 30)
    afternoon_end: dt.time = dt.time(17, 0)

    def __post_init__(self) -> None:
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            raise ValueError("office periods must be ordered: morning before afternoon")

    @classmethod
    def from_model(cls, hours: OfficeHours | None) -> "OfficeSchedule":
        if hours is None:
            return cls()
        return cls(hours.morning_start, hours.morning_end, hours.afternoon_start, hours.afternoon_end)


@dataclass(frozen=True)
class _NationalYear:
    """One year of the national calendar as the `holidays` package knows it."""

    holidays: frozenset[dt.date]
    weekend_workdays: frozenset[dt.date]


@functools.lru_cache(maxsize=64)
def _national_year(country: str, year: int) -> _NationalYear:
    # The package already applies the Prime Minister's yearly decisions it knows: Tết, Hùng
    # Kings (lunar 10/3), substitute days for holidays on a weekend (nghỉ bù, Bộ luật Lao động
    # 2019 Điều 111 khoản 3, Điều 112) and swapped days off with their make-up Saturdays.
    national = holidays.country_holidays(country, years=year)
    # weekend_workdays accumulates every known year; keep this year's only.
    workdays = {day for day in getattr(national, "weekend_workdays", set()) if day.year == year}
    return _NationalYear(holidays=frozenset(national), weekend_workdays=frozenset(workdays))


@functools.lru_cache(maxsize=64)
def _holiday_names(country: str, year: int, language: str | None) -> dict[dt.date, str]:
    national = holidays.country_holidays(country, years=year, language=language)
    return dict(national.items())


@functools.lru_cache(maxsize=8)
def _supported_languages(country: str) -> tuple[str, ...]:
    return tuple(holidays.country_holidays(country).supported_languages)


def _package_language(country: str) -> str | None:
    """The `holidays` language matching the active Django language, if the package has it."""
    active = (translation.get_language() or "").lower()
    for language in _supported_languages(country):
        if language.lower().replace("_", "-") == active or language.lower().split("_")[0] == active:
            return language
    return None


def _require_aware(moment: dt.datetime) -> None:
    if timezone.is_naive(moment):
        raise ValueError(f"naive datetime {moment!r}: the calendar takes aware datetimes only")


def _require_date(day: dt.date) -> None:
    # datetime is a date subclass; looking it up by date would silently miss every holiday.
    if isinstance(day, dt.datetime):
        raise TypeError("pass a date, not a datetime")


def working_minutes(value: Decimal | int, unit: str) -> int:
    """A working-day or working-hour duration in whole minutes (0.5 day = 240 minutes).

    A fraction of a minute (1.33 days is 638.4 minutes) is dropped: a deadline never falls later
    than the time limit allows.
    """
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise TypeError("durations are int or Decimal, never float")
    if unit == WORKING_DAYS:
        minutes = Decimal(value) * MINUTES_PER_WORKING_DAY
    elif unit == WORKING_HOURS:
        minutes = Decimal(value) * MINUTES_PER_WORKING_HOUR
    else:
        raise ValueError(f"{unit!r} is not a working-time unit")
    if minutes < 0:
        raise ValueError("durations cannot be negative")
    return int(minutes.to_integral_value(rounding=ROUND_FLOOR))


class WorkingCalendar:
    """Working days and office hours of one deployment, with deadline arithmetic.

    Immutable after construction; per-date answers are memoised, so one instance can serve
    many computations over years without touching the database.
    """

    def __init__(
        self,
        *,
        country: str,
        zone: dt.tzinfo,
        schedule: OfficeSchedule | None = None,
        overrides: Iterable[tuple[dt.date, str, str]] = (),
    ) -> None:
        self.country = country
        self.zone = zone
        self.schedule = schedule or OfficeSchedule()
        working_kind = CalendarOverride.Kind.WORKING_DAY
        self._overrides: dict[dt.date, tuple[bool, str]] = {
            day: (kind == working_kind, reason) for day, kind, reason in overrides
        }
        self._working: dict[dt.date, bool] = {}
        self._periods: dict[dt.date, tuple[Period, ...]] = {}

    # --- Days

    def national_day_kind(self, day: dt.date) -> tuple[bool, str]:
        """Whether `day` is a working day before the deployment's overrides, and why."""
        _require_date(day)
        national = _national_year(self.country, day.year)
        if day in national.weekend_workdays:
            return True, _("Make-up working day")
        if day in national.holidays:
            names = _holiday_names(self.country, day.year, _package_language(self.country))
            return False, names.get(day, "")
        # QĐ 188/1999/QĐ-TTg: civil servants work Monday to Friday.
        if day.weekday() == 5:
            return False, _("Saturday")
        if day.weekday() == 6:
            return False, _("Sunday")
        return True, ""

    def day_kind(self, day: dt.date) -> tuple[bool, str]:
        """Whether `day` is a working day and why (holiday name, override reason, weekday)."""
        _require_date(day)
        if day in self._overrides:
            return self._overrides[day]
        return self.national_day_kind(day)

    def is_working_day(self, day: dt.date) -> bool:
        _require_date(day)
        known = self._working.get(day)
        if known is None:
            if day in self._overrides:
                known = self._overrides[day][0]
            else:
                national = _national_year(self.country, day.year)
                known = day in national.weekend_workdays or (
                    day.weekday() < 5 and day not in national.holidays
                )
            self._working[day] = known
        return known

    def holidays_in_year(self, year: int) -> list[CalendarException]:
        """Weekdays off and weekend working days of a year, with their name and source."""
        exceptions: list[CalendarException] = []
        day = dt.date(year, 1, 1)
        while day.year == year:
            working = self.is_working_day(day)
            if working != (day.weekday() < 5):
                source = SOURCE_OVERRIDE if day in self._overrides else SOURCE_NATIONAL
                exceptions.append(CalendarException(day, self.day_kind(day)[1], source))
            day += dt.timedelta(days=1)
        return exceptions

    def _day_periods(self, day: dt.date) -> tuple[Period, ...]:
        """The office periods of `day` as aware local datetimes; none on a day off."""
        periods = self._periods.get(day)
        if periods is None:
            if self.is_working_day(day):
                s = self.schedule
                at = functools.partial(dt.datetime.combine, day, tzinfo=self.zone)
                periods = (
                    (at(s.morning_start), at(s.morning_end)),
                    (at(s.afternoon_start), at(s.afternoon_end)),
                )
            else:
                periods = ()
            self._periods[day] = periods
        return periods

    # --- Moments

    def _local(self, moment: Moment) -> Moment:
        _require_aware(moment)
        return moment.astimezone(self.zone)

    def is_working_time(self, moment: Moment) -> bool:
        """Whether `moment` falls in the half-open office periods of a working day."""
        local = self._local(moment)
        return any(start <= local < end for start, end in self._day_periods(local.date()))

    def is_period_end(self, moment: Moment) -> bool:
        """Whether `moment` is exactly the end of an office period of a working day."""
        local = self._local(moment)
        return any(local == end for _start, end in self._day_periods(local.date()))

    def next_working_moment(self, moment: Moment) -> Moment:
        """`moment` if it is working time, else the next opening.

        A dossier received outside office hours counts from the next opening (Friday 17:30 →
        Monday 07:00, lunch 12:00 → 13:30).
        """
        local = self._local(moment)
        day = local.date()
        for _attempt in range(_MAX_SEARCH_DAYS):
            for start, end in self._day_periods(day):
                if local < end:
                    return max(start, local)
            day += dt.timedelta(days=1)
        raise RuntimeError(f"no working day within {_MAX_SEARCH_DAYS} days of {moment}")

    # --- Adding durations

    def add_working_minutes(self, start: Moment, minutes: int) -> Moment:
        """`start` plus `minutes` of working time.

        A result that ends exactly at the end of a period stays there ("by 17:00 Tuesday")
        instead of jumping to the next opening; this keeps the addition additive and monotonic.
        """
        if minutes < 0:
            raise ValueError("durations cannot be negative")
        local = self._local(start)
        if minutes == 0 and (self.is_working_time(local) or self.is_period_end(local)):
            return local
        moment = self.next_working_moment(local)
        remaining = dt.timedelta(minutes=minutes)
        day = moment.date()
        for _attempt in range(_MAX_SEARCH_DAYS * 2):
            for period_start, period_end in self._day_periods(day):
                if period_end <= moment:
                    continue
                begin = max(period_start, moment)
                available = period_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
            day += dt.timedelta(days=1)
        raise RuntimeError(f"no end found for {minutes} working minutes after {start}")

    def add_working_days(self, start: Moment, days: Decimal | int) -> Moment:
        """`start` plus working days of 8 working hours each (0.5 day = 4 hours)."""
        return self.add_working_minutes(start, working_minutes(days, WORKING_DAYS))

    def add_working_hours(self, start: Moment, hours: Decimal | int) -> Moment:
        return self.add_working_minutes(start, working_minutes(hours, WORKING_HOURS))

    def end_of_office_day(self, day: dt.date) -> Moment:
        """The end of the afternoon period of `day`, or of the next working day if it is off."""
        _require_date(day)
        for _attempt in range(_MAX_SEARCH_DAYS):
            periods = self._day_periods(day)
            if periods:
                return periods[-1][1]
            day += dt.timedelta(days=1)
        raise RuntimeError(f"no working day within {_MAX_SEARCH_DAYS} days of {day}")

    def add_calendar_days(self, start: Moment, days: int) -> Moment:
        """The deadline of a period of `days` calendar days starting at `start`.

        The first day is not counted (Bộ luật Dân sự 2015 Điều 147 khoản 1); the period ends at
        the end of office hours of the last day, or of the next working day when the last day
        is a weekend day or holiday (Điều 148 khoản 5). Ending at the close of office hours
        rather than midnight (Điều 148 khoản 6) is the one-stop rule: the desk closes then.
        """
        if isinstance(days, bool) or not isinstance(days, int):
            raise TypeError("calendar days are a whole number")
        if days < 0:
            raise ValueError("durations cannot be negative")
        local = self._local(start)
        deadline = self.end_of_office_day(local.date() + dt.timedelta(days=days))
        if deadline < local:
            # Only with days=0 after closing time: the period cannot end before it starts.
            deadline = self.end_of_office_day(local.date() + dt.timedelta(days=1))
        return deadline

    def add_duration(self, start: Moment, value: Decimal | int, unit: str) -> Moment:
        """`start` plus a duration in one of the procedure time units."""
        if unit == CALENDAR_DAYS:
            if isinstance(value, Decimal):
                if value != value.to_integral_value():
                    raise ValueError("calendar days are a whole number")
                value = int(value)
            return self.add_calendar_days(start, value)
        return self.add_working_minutes(start, working_minutes(value, unit))

    # --- Measuring

    def _working_time(self, start: Moment, end: Moment) -> dt.timedelta:
        total = dt.timedelta()
        if end <= start:
            return total
        day, last = start.date(), end.date()
        while day <= last:
            for period_start, period_end in self._day_periods(day):
                overlap = min(period_end, end) - max(period_start, start)
                if overlap > dt.timedelta():
                    total += overlap
            day += dt.timedelta(days=1)
        return total

    def working_minutes_between(
        self,
        start: Moment,
        end: Moment,
        pauses: Sequence[tuple[Moment, Moment]] = (),
    ) -> int:
        """Working minutes in [start, end), not counting those inside any pause.

        Pauses (e.g. waiting for the applicant to complete a dossier) may overlap each other
        and reach outside [start, end); they are merged and clipped.
        """
        start, end = self._local(start), self._local(end)
        if end <= start:
            return 0
        clipped: list[Period] = []
        for pause_start, pause_end in pauses:
            pause_start, pause_end = self._local(pause_start), self._local(pause_end)
            if pause_end < pause_start:
                raise ValueError(f"pause ends before it starts: {pause_start} to {pause_end}")
            pause_start, pause_end = max(pause_start, start), min(pause_end, end)
            if pause_start < pause_end:
                clipped.append((pause_start, pause_end))
        merged: list[Period] = []
        for pause_start, pause_end in sorted(clipped):
            if merged and pause_start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], pause_end))
            else:
                merged.append((pause_start, pause_end))
        total = self._working_time(start, end)
        for pause_start, pause_end in merged:
            total -= self._working_time(pause_start, pause_end)
        return int(total.total_seconds()) // 60

    def working_days_between(
        self,
        start: Moment,
        end: Moment,
        pauses: Sequence[tuple[Moment, Moment]] = (),
    ) -> Decimal:
        """Working time in [start, end) in working days of 480 minutes."""
        return Decimal(self.working_minutes_between(start, end, pauses)) / MINUTES_PER_WORKING_DAY


def get_calendar() -> WorkingCalendar:
    """The deployment's calendar: national holidays, its overrides and its office hours.

    Read once per request (a receipt sets its deadlines and answers with its clock from one read).
    """
    return once_per_request(_CALENDAR, _read_calendar)


_CALENDAR = "organization.calendar"


def calendar_changed() -> None:
    """An override or the office hours changed: the rest of this request reads the new calendar."""
    forget(_CALENDAR)


def _read_calendar() -> WorkingCalendar:
    overrides = CalendarOverride.objects.values_list("date", "kind", "reason")
    return WorkingCalendar(
        country=settings.EGOV_HOLIDAY_COUNTRY,
        zone=ZoneInfo(settings.TIME_ZONE),
        schedule=OfficeSchedule.from_model(OfficeHours.objects.first()),
        overrides=list(overrides),
    )


# --- Conveniences: each builds a fresh calendar (two small queries); for many calls in a row,
# build one with get_calendar() and use its methods.


def is_working_day(day: dt.date) -> bool:
    return get_calendar().is_working_day(day)


def day_kind(day: dt.date) -> tuple[bool, str]:
    return get_calendar().day_kind(day)


def holidays_in_year(year: int) -> list[CalendarException]:
    return get_calendar().holidays_in_year(year)


def is_working_time(moment: Moment) -> bool:
    return get_calendar().is_working_time(moment)


def next_working_moment(moment: Moment) -> Moment:
    return get_calendar().next_working_moment(moment)


def add_working_minutes(start: Moment, minutes: int) -> Moment:
    return get_calendar().add_working_minutes(start, minutes)


def add_working_days(start: Moment, days: Decimal | int) -> Moment:
    return get_calendar().add_working_days(start, days)


def add_working_hours(start: Moment, hours: Decimal | int) -> Moment:
    return get_calendar().add_working_hours(start, hours)


def add_calendar_days(start: Moment, days: int) -> Moment:
    return get_calendar().add_calendar_days(start, days)


def add_duration(start: Moment, value: Decimal | int, unit: str) -> Moment:
    return get_calendar().add_duration(start, value, unit)


def working_minutes_between(start: Moment, end: Moment, pauses: Sequence[tuple[Moment, Moment]] = ()) -> int:
    return get_calendar().working_minutes_between(start, end, pauses)


def working_days_between(start: Moment, end: Moment, pauses: Sequence[tuple[Moment, Moment]] = ()) -> Decimal:
    return get_calendar().working_days_between(start, end, pauses)
