"""Properties of deadline arithmetic that must hold for any start and duration.

Each test builds its calendar once (one database read) and runs Hypothesis inside the test
body, so no function-scoped fixture is shared between examples.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egov.organization.calendar import (
    OfficeSchedule,
    WorkingCalendar,
    get_calendar,
)
from egov.organization.models import CalendarOverride

VN = ZoneInfo("Asia/Ho_Chi_Minh")

# Any minute 2024-2027 in Hà Nội time: nights, weekends and holidays included.
starts = st.datetimes(
    min_value=dt.datetime(2024, 1, 1),
    max_value=dt.datetime(2027, 12, 31, 23, 59),
    timezones=st.just(VN),
).map(lambda moment: moment.replace(second=0, microsecond=0))
durations = st.integers(min_value=0, max_value=2000 * 60)  # up to 2000 working hours, in minutes


def _lands_on_working_time_or_period_end(cal: WorkingCalendar, moment: dt.datetime) -> bool:
    local = moment.astimezone(VN)
    s = cal.schedule
    period_end = local.time() in {s.morning_end, s.afternoon_end} and cal.is_working_day(local.date())
    return cal.is_working_time(local) or period_end


def _with_overrides() -> WorkingCalendar:
    """A calendar with a provincial day off, an administrator's make-up Saturday and odd hours."""
    return WorkingCalendar(
        country="VN",
        zone=VN,
        schedule=OfficeSchedule(dt.time(7, 30), dt.time(11, 15), dt.time(13, 0), dt.time(16, 45)),
        overrides=[
            (dt.date(2025, 3, 11), CalendarOverride.Kind.DAY_OFF, "Ngày giải phóng tỉnh"),
            (dt.date(2025, 3, 15), CalendarOverride.Kind.WORKING_DAY, "Làm bù"),
            (dt.date(2026, 2, 20), CalendarOverride.Kind.WORKING_DAY, "Trực Tết"),
        ],
    )


@pytest.mark.django_db
def test_adding_is_monotonic_in_the_duration():
    cal = get_calendar()

    @given(t=starts, a=durations, b=durations)
    @settings(max_examples=200, deadline=None)
    def check(t: dt.datetime, a: int, b: int) -> None:
        a, b = sorted((a, b))
        assert cal.add_working_minutes(t, a) <= cal.add_working_minutes(t, b)

    check()


@pytest.mark.django_db
def test_adding_is_monotonic_in_the_start():
    cal = get_calendar()

    @given(t1=starts, t2=starts, d=durations)
    @settings(max_examples=200, deadline=None)
    def check(t1: dt.datetime, t2: dt.datetime, d: int) -> None:
        t1, t2 = sorted((t1, t2))
        assert cal.add_working_minutes(t1, d) <= cal.add_working_minutes(t2, d)

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("build", [get_calendar, _with_overrides], ids=["national", "overrides"])
def test_adding_is_additive(build):
    cal = build()

    @given(t=starts, a=durations, b=durations)
    @settings(max_examples=200, deadline=None)
    def check(t: dt.datetime, a: int, b: int) -> None:
        in_two_steps = cal.add_working_minutes(cal.add_working_minutes(t, a), b)
        assert in_two_steps == cal.add_working_minutes(t, a + b)

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("build", [get_calendar, _with_overrides], ids=["national", "overrides"])
def test_result_is_working_time_or_the_end_of_a_period(build):
    cal = build()

    @given(t=starts, d=durations)
    @settings(max_examples=200, deadline=None)
    def check(t: dt.datetime, d: int) -> None:
        result = cal.add_working_minutes(t, d)
        assert _lands_on_working_time_or_period_end(cal, result)
        assert result >= t
        assert result.tzinfo == VN

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("build", [get_calendar, _with_overrides], ids=["national", "overrides"])
def test_measuring_undoes_adding(build):
    cal = build()

    @given(t=starts, a=durations)
    @settings(max_examples=200, deadline=None)
    def check(t: dt.datetime, a: int) -> None:
        counted_from = cal.next_working_moment(t)
        assert cal.working_minutes_between(counted_from, cal.add_working_minutes(t, a)) == a

    check()


@pytest.mark.django_db
def test_next_working_moment_is_the_first_working_minute():
    cal = get_calendar()

    @given(t=starts)
    @settings(max_examples=200, deadline=None)
    def check(t: dt.datetime) -> None:
        moment = cal.next_working_moment(t)
        assert moment >= t
        assert cal.is_working_time(moment)
        assert cal.working_minutes_between(t, moment) == 0

    check()


@pytest.mark.django_db
@pytest.mark.parametrize("build", [get_calendar, _with_overrides], ids=["national", "overrides"])
def test_calendar_days_end_at_closing_time_of_a_working_day(build):
    cal = build()

    @given(t=starts, days=st.integers(min_value=0, max_value=400))
    @settings(max_examples=200, deadline=None)
    def check(t: dt.datetime, days: int) -> None:
        result = cal.add_calendar_days(t, days)
        assert result >= t
        assert result.tzinfo == VN
        assert result.time() == cal.schedule.afternoon_end
        assert cal.is_working_day(result.date())
        assert result.date() >= t.date() + dt.timedelta(days=days)
        if days >= 1:
            # The deadline moves past days off only (Bộ luật Dân sự 2015 Điều 148 khoản 5).
            day = t.date() + dt.timedelta(days=days)
            while day < result.date():
                assert not cal.is_working_day(day)
                day += dt.timedelta(days=1)

    check()
