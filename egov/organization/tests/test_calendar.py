"""The working-day calendar with exact dates: weekends, Vietnamese holidays, overrides, office hours."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from egov.core.models import AuditEntry
from egov.core.request_scope import request_scope
from egov.organization import calendar, services
from egov.organization.calendar import (
    CALENDAR_DAYS,
    SOURCE_NATIONAL,
    SOURCE_OVERRIDE,
    WORKING_DAYS,
    WORKING_HOURS,
    get_calendar,
    working_minutes,
)
from egov.organization.models import CalendarOverride, OfficeHours
from egov.organization.tests.factories import make_user

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


def d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


# --- Working days


@pytest.mark.django_db
def test_weekends_are_days_off():
    cal = get_calendar()

    assert cal.is_working_day(d(2026, 3, 6))  # Friday
    assert not cal.is_working_day(d(2026, 3, 7))  # Saturday
    assert not cal.is_working_day(d(2026, 3, 8))  # Sunday
    assert cal.is_working_day(d(2026, 3, 9))  # Monday
    assert cal.add_working_days(at(2026, 3, 6, 10), 1) == at(2026, 3, 9, 10)
    assert cal.add_working_hours(at(2026, 3, 6, 16), 2) == at(2026, 3, 9, 8)


@pytest.mark.django_db
def test_tet_2026_skips_the_whole_week():
    cal = get_calendar()

    assert [cal.is_working_day(d(2026, 2, day)) for day in range(13, 24)] == [
        True,
        False,
        False,  # Fri 13, Sat 14, Sun 15
        False,
        False,
        False,
        False,
        False,  # Mon 16 to Fri 20: Tết
        False,
        False,
        True,  # Sat 21, Sun 22, Mon 23
    ]
    assert cal.add_working_days(at(2026, 2, 13, 10), 1) == at(2026, 2, 23, 10)
    assert cal.add_working_hours(at(2026, 2, 13, 16), 1) == at(2026, 2, 13, 17)
    assert cal.add_working_hours(at(2026, 2, 13, 16, 30), 1) == at(2026, 2, 23, 7, 30)


@pytest.mark.django_db
def test_tet_2025():
    cal = get_calendar()

    assert not any(cal.is_working_day(d(2025, 1, day)) for day in range(27, 32))
    assert cal.is_working_day(d(2025, 2, 3))
    assert cal.add_working_days(at(2025, 1, 24, 9), 1) == at(2025, 2, 3, 9)
    assert cal.add_working_days(at(2025, 1, 24, 9), 2) == at(2025, 2, 4, 9)


@pytest.mark.django_db
def test_hung_kings_on_a_sunday_moves_to_monday():
    cal = get_calendar()

    assert not cal.is_working_day(d(2026, 4, 26))  # Sunday, lunar 10/3
    assert not cal.is_working_day(d(2026, 4, 27))  # nghỉ bù
    assert cal.add_working_days(at(2026, 4, 24, 14), 1) == at(2026, 4, 28, 14)
    with translation.override("vi"):
        is_working, reason = cal.day_kind(d(2026, 4, 27))
    assert not is_working
    assert "Hùng Vương" in reason
    assert "nghỉ bù" in reason


@pytest.mark.django_db
def test_reunification_and_labour_day_2026():
    cal = get_calendar()

    assert cal.add_working_days(at(2026, 4, 29, 9), 1) == at(2026, 5, 4, 9)


@pytest.mark.django_db
def test_national_day_2026_with_its_make_up_saturday():
    cal = get_calendar()

    assert cal.is_working_day(d(2026, 8, 22))  # Saturday worked in exchange for 31/08
    assert not cal.is_working_day(d(2026, 8, 31))
    assert not cal.is_working_day(d(2026, 9, 1))
    assert not cal.is_working_day(d(2026, 9, 2))
    assert cal.add_working_days(at(2026, 8, 21, 10), 1) == at(2026, 8, 22, 10)
    assert cal.add_working_days(at(2026, 8, 28, 10), 1) == at(2026, 9, 3, 10)
    assert cal.day_kind(d(2026, 8, 22))[0] is True


@pytest.mark.django_db
def test_make_up_saturday_2025():
    assert get_calendar().is_working_day(d(2025, 4, 26))


@pytest.mark.django_db
def test_day_kind_reasons():
    cal = get_calendar()

    with translation.override("vi"):
        assert cal.day_kind(d(2026, 3, 9)) == (True, "")
        assert cal.day_kind(d(2026, 3, 7)) == (False, "Thứ Bảy")
        assert cal.day_kind(d(2026, 3, 8)) == (False, "Chủ nhật")
        assert cal.day_kind(d(2026, 2, 17)) == (False, "Tết Nguyên Đán")
    with translation.override("en"):
        assert cal.day_kind(d(2026, 3, 7)) == (False, "Saturday")
        assert cal.day_kind(d(2026, 4, 27)) == (False, "Hung Kings' Commemoration Day (observed)")


@pytest.mark.django_db
def test_day_questions_take_dates_not_datetimes():
    with pytest.raises(TypeError):
        get_calendar().is_working_day(at(2026, 3, 9, 8))


@pytest.mark.django_db
def test_holidays_in_year_lists_weekdays_off_and_make_up_days():
    days = get_calendar().holidays_in_year(2026)

    assert [day for day, _name, _source in days] == [
        d(2026, 1, 1),
        d(2026, 2, 16),
        d(2026, 2, 17),
        d(2026, 2, 18),
        d(2026, 2, 19),
        d(2026, 2, 20),
        d(2026, 4, 27),
        d(2026, 4, 30),
        d(2026, 5, 1),
        d(2026, 8, 22),
        d(2026, 8, 31),
        d(2026, 9, 1),
        d(2026, 9, 2),
        d(2026, 11, 24),
    ]
    assert {source for _day, _name, source in days} == {SOURCE_NATIONAL}
    assert all(name for _day, name, _source in days)


# --- Overrides written by the administrator


@pytest.mark.django_db
def test_override_day_off_changes_deadlines():
    before = get_calendar()
    services.set_calendar_override(
        d(2026, 3, 10), kind="day_off", reason="Ngày giải phóng tỉnh", changed_by=None
    )
    after = get_calendar()

    assert before.add_working_days(at(2026, 3, 9, 10), 1) == at(2026, 3, 10, 10)
    assert after.add_working_days(at(2026, 3, 9, 10), 1) == at(2026, 3, 11, 10)
    assert after.day_kind(d(2026, 3, 10)) == (False, "Ngày giải phóng tỉnh")
    listed = {day: (name, source) for day, name, source in after.holidays_in_year(2026)}
    assert listed[d(2026, 3, 10)] == ("Ngày giải phóng tỉnh", SOURCE_OVERRIDE)
    assert listed[d(2026, 2, 17)][1] == SOURCE_NATIONAL


@pytest.mark.django_db
def test_override_working_day_changes_deadlines():
    services.set_calendar_override(
        d(2026, 3, 14), kind="working_day", reason="Làm bù theo Quyết định 12/QĐ-UBND", changed_by=None
    )
    cal = get_calendar()

    assert cal.is_working_day(d(2026, 3, 14))
    assert cal.add_working_days(at(2026, 3, 13, 10), 1) == at(2026, 3, 14, 10)
    assert cal.next_working_moment(at(2026, 3, 13, 18)) == at(2026, 3, 14, 7)


@pytest.mark.django_db
def test_override_wins_over_a_national_holiday():
    services.set_calendar_override(d(2026, 2, 20), kind="working_day", reason="Trực Tết", changed_by=None)

    assert calendar.is_working_day(d(2026, 2, 20))
    assert calendar.add_working_days(at(2026, 2, 13, 10), 1) == at(2026, 2, 20, 10)


@pytest.mark.django_db
def test_set_override_records_an_audit_entry():
    admin = make_user("quantri_lich")

    override = services.set_calendar_override(
        d(2026, 3, 10), kind="day_off", reason="  Ngày giải phóng tỉnh ", changed_by=admin
    )

    assert override.reason == "Ngày giải phóng tỉnh"
    entry = AuditEntry.objects.get(action="calendar.override_set")
    assert entry.actor_label == "quantri_lich"
    assert entry.object_type == "organization.calendaroverride"
    assert entry.object_id == str(override.pk)
    assert entry.before is None
    assert entry.after == {"date": "2026-03-10", "kind": "day_off", "reason": "Ngày giải phóng tỉnh"}


@pytest.mark.django_db
def test_setting_again_replaces_the_reason_and_keeps_the_before():
    services.set_calendar_override(d(2026, 3, 10), kind="day_off", reason="A", changed_by=None)

    services.set_calendar_override(d(2026, 3, 10), kind="day_off", reason="B", changed_by=None)

    assert CalendarOverride.objects.get().reason == "B"
    last = AuditEntry.objects.filter(action="calendar.override_set").last()
    assert last is not None
    assert last.before == {"date": "2026-03-10", "kind": "day_off", "reason": "A"}


@pytest.mark.django_db
def test_remove_override_records_an_audit_entry_and_restores_the_day():
    admin = make_user("quantri_lich")
    override = services.set_calendar_override(
        d(2026, 3, 10), kind="day_off", reason="Ngày giải phóng tỉnh", changed_by=admin
    )

    services.remove_calendar_override(d(2026, 3, 10), removed_by=admin)

    assert not CalendarOverride.objects.exists()
    assert get_calendar().is_working_day(d(2026, 3, 10))
    entry = AuditEntry.objects.get(action="calendar.override_removed")
    assert entry.object_id == str(override.pk)
    assert entry.before == {"date": "2026-03-10", "kind": "day_off", "reason": "Ngày giải phóng tỉnh"}


@pytest.mark.django_db
def test_removing_a_missing_override_is_refused():
    with pytest.raises(ValidationError, match="10/03/2026"):
        services.remove_calendar_override(d(2026, 3, 10), removed_by=None)
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "kind", "reason", "field"),
    [
        (d(2026, 3, 10), "day_off", "   ", "reason"),
        (d(2026, 3, 10), "holiday", "Lý do", "kind"),
        (d(2026, 3, 10), "working_day", "Lý do", "kind"),  # a Tuesday already works
        (d(2026, 3, 14), "day_off", "Lý do", "kind"),  # a Saturday is already off
        (d(2026, 2, 17), "day_off", "Lý do", "kind"),  # Tết is already off
        (d(2026, 8, 22), "working_day", "Lý do", "kind"),  # already a make-up Saturday
    ],
)
def test_invalid_overrides_are_refused(day, kind, reason, field):
    with pytest.raises(ValidationError) as error:
        services.set_calendar_override(day, kind=kind, reason=reason, changed_by=None)

    assert field in error.value.message_dict
    assert not CalendarOverride.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_a_make_up_working_day_may_be_set_on_a_holiday_weekday():
    services.set_calendar_override(
        d(2026, 8, 31), kind="working_day", reason="Không áp dụng hoán đổi", changed_by=None
    )

    assert get_calendar().is_working_day(d(2026, 8, 31))


# --- Office hours and receipt outside them


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2026, 3, 6, 17, 30), at(2026, 3, 9, 7)),  # Friday after closing -> Monday opening
        (at(2026, 3, 10, 6), at(2026, 3, 10, 7)),  # before opening
        (at(2026, 3, 10, 12), at(2026, 3, 10, 13, 30)),  # lunch
        (at(2026, 3, 10, 11, 30), at(2026, 3, 10, 13, 30)),  # the morning period is half-open
        (at(2026, 3, 10, 17), at(2026, 3, 11, 7)),
        (at(2026, 3, 10, 9, 15), at(2026, 3, 10, 9, 15)),  # working time stays
        (at(2026, 3, 8, 10), at(2026, 3, 9, 7)),  # Sunday
        (at(2026, 2, 13, 17, 1), at(2026, 2, 23, 7)),  # Friday before Tết
    ],
)
def test_next_working_moment(moment, expected):
    assert calendar.next_working_moment(moment) == expected


@pytest.mark.django_db
def test_is_working_time_uses_half_open_periods():
    cal = get_calendar()

    assert not cal.is_working_time(at(2026, 3, 10, 6, 59))
    assert cal.is_working_time(at(2026, 3, 10, 7))
    assert cal.is_working_time(at(2026, 3, 10, 11, 29))
    assert not cal.is_working_time(at(2026, 3, 10, 11, 30))
    assert cal.is_working_time(at(2026, 3, 10, 13, 30))
    assert cal.is_working_time(at(2026, 3, 10, 16, 59))
    assert not cal.is_working_time(at(2026, 3, 10, 17))
    assert not cal.is_working_time(at(2026, 3, 7, 9))  # Saturday
    assert not cal.is_working_time(at(2026, 2, 17, 9))  # Tết


@pytest.mark.django_db
def test_receipt_after_hours_counts_from_the_next_opening():
    cal = get_calendar()

    # Received Friday 17:30: the one working day runs all of Monday, due by Monday 17:00.
    assert cal.add_working_days(at(2026, 3, 6, 17, 30), 1) == at(2026, 3, 9, 17)
    assert cal.add_working_hours(at(2026, 3, 10, 6), 1) == at(2026, 3, 10, 8)
    assert cal.add_working_hours(at(2026, 3, 10, 12), 1) == at(2026, 3, 10, 14, 30)


@pytest.mark.django_db
def test_configured_office_hours_are_used():
    OfficeHours.objects.create(
        morning_start=dt.time(7, 30),
        morning_end=dt.time(11, 30),
        afternoon_start=dt.time(13, 30),
        afternoon_end=dt.time(16, 30),
    )
    cal = get_calendar()

    assert cal.next_working_moment(at(2026, 3, 10, 7)) == at(2026, 3, 10, 7, 30)
    # Still 480 minutes a working day, although these office hours give only 420 a day.
    assert cal.add_working_days(at(2026, 3, 9, 7, 30), 1) == at(2026, 3, 10, 8, 30)
    assert cal.add_calendar_days(at(2026, 3, 9, 9), 1) == at(2026, 3, 10, 16, 30)


# --- Working days and hours


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "value", "unit", "expected"),
    [
        (at(2026, 3, 9, 8), 1, WORKING_DAYS, at(2026, 3, 10, 8)),
        (at(2026, 3, 9, 8), 5, WORKING_DAYS, at(2026, 3, 16, 8)),
        (at(2026, 3, 9, 16, 30), 4, WORKING_HOURS, at(2026, 3, 10, 10, 30)),
        (at(2026, 3, 9, 9), Decimal("0.5"), WORKING_DAYS, at(2026, 3, 9, 15)),
        (at(2026, 3, 9, 8, 30), Decimal("0.5"), WORKING_DAYS, at(2026, 3, 9, 14, 30)),
        (at(2026, 3, 9, 13, 30), Decimal("0.5"), WORKING_DAYS, at(2026, 3, 10, 7, 30)),
        (at(2026, 3, 9, 8), Decimal("1.5"), WORKING_HOURS, at(2026, 3, 9, 9, 30)),
        (at(2026, 3, 9, 7), Decimal("4.5"), WORKING_HOURS, at(2026, 3, 9, 11, 30)),
        (at(2026, 3, 9, 13, 30), Decimal("3.5"), WORKING_HOURS, at(2026, 3, 9, 17)),
        (at(2026, 3, 9, 8), 0, WORKING_DAYS, at(2026, 3, 9, 8)),
        (at(2026, 3, 9, 11, 30), 0, WORKING_HOURS, at(2026, 3, 9, 11, 30)),
        (at(2026, 3, 9, 12), 0, WORKING_HOURS, at(2026, 3, 9, 13, 30)),
        (at(2026, 3, 9, 11, 30), 1, WORKING_HOURS, at(2026, 3, 9, 14, 30)),
        (at(2026, 3, 2, 9), 3, CALENDAR_DAYS, at(2026, 3, 5, 17)),
    ],
)
def test_add_duration(start, value, unit, expected):
    result = calendar.add_duration(start, value, unit)

    assert result == expected
    assert result.tzinfo == VN


@pytest.mark.django_db
def test_a_period_ending_at_closing_time_stays_there():
    cal = get_calendar()

    assert cal.add_working_days(at(2026, 3, 9, 7), 1) == at(2026, 3, 9, 17)
    assert cal.add_working_days(at(2026, 3, 9, 7), 2) == at(2026, 3, 10, 17)
    assert cal.add_working_hours(at(2026, 3, 9, 17), 0) == at(2026, 3, 9, 17)


@pytest.mark.django_db
def test_other_time_zones_are_converted_to_local_time():
    start = dt.datetime(2026, 3, 9, 1, 0, tzinfo=dt.UTC)  # 08:00 in Hà Nội

    result = calendar.add_working_hours(start, 1)

    assert result == at(2026, 3, 9, 9)
    assert result.tzinfo == VN


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "unit", "error"),
    [
        (-1, WORKING_DAYS, ValueError),
        (1, "weeks", ValueError),
        (0.5, WORKING_DAYS, TypeError),
        (Decimal("1.5"), CALENDAR_DAYS, ValueError),
        (-1, CALENDAR_DAYS, ValueError),
    ],
)
def test_invalid_durations_are_refused(value, unit, error):
    with pytest.raises(error):
        calendar.add_duration(at(2026, 3, 9, 8), value, unit)


def test_a_fraction_of_a_minute_is_dropped_so_a_deadline_never_falls_later():
    """1.33 working days is 638.4 minutes (a time limit typed with two decimals): 638 minutes."""
    assert working_minutes(Decimal("1.33"), WORKING_DAYS) == 638
    assert working_minutes(Decimal("0.001"), WORKING_DAYS) == 0
    assert working_minutes(Decimal("0.5"), WORKING_HOURS) == 30


# --- Calendar days (Bộ luật Dân sự 2015 Điều 147, 148)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (at(2026, 3, 2, 10), 3, at(2026, 3, 5, 17)),  # Monday + 3 = Thursday, end of office hours
        (at(2026, 3, 3, 16, 59), 5, at(2026, 3, 9, 17)),  # ends Sunday -> Monday
        (at(2026, 3, 2, 10), 5, at(2026, 3, 9, 17)),  # ends Saturday -> Monday
        (at(2026, 8, 26, 9), 5, at(2026, 9, 3, 17)),  # ends 31/08 -> after National Day
        (at(2026, 2, 10, 9), 7, at(2026, 2, 23, 17)),  # ends in Tết
        (at(2026, 3, 7, 10), 1, at(2026, 3, 9, 17)),  # received on Saturday
        (at(2026, 3, 6, 23, 30), 1, at(2026, 3, 9, 17)),  # late Friday: the first day not counted
        (at(2026, 3, 2, 10), 0, at(2026, 3, 2, 17)),
        (at(2026, 3, 2, 18), 0, at(2026, 3, 3, 17)),
        (at(2026, 3, 1, 10), 30, at(2026, 3, 31, 17)),
    ],
)
def test_add_calendar_days(start, days, expected):
    assert calendar.add_calendar_days(start, days) == expected


@pytest.mark.django_db
def test_calendar_days_end_on_an_override_day_off_moves_on():
    services.set_calendar_override(d(2026, 3, 5), kind="day_off", reason="Bão số 3", changed_by=None)

    assert calendar.add_calendar_days(at(2026, 3, 2, 10), 3) == at(2026, 3, 6, 17)


# --- Measuring elapsed working time


@pytest.mark.django_db
def test_working_minutes_between():
    cal = get_calendar()

    assert cal.working_minutes_between(at(2026, 3, 9, 8), at(2026, 3, 10, 10)) == 600
    assert cal.working_minutes_between(at(2026, 3, 9, 12), at(2026, 3, 9, 13)) == 0
    assert cal.working_minutes_between(at(2026, 3, 6, 16), at(2026, 3, 9, 8)) == 120
    assert cal.working_minutes_between(at(2026, 2, 13, 10), at(2026, 2, 23, 10)) == 480
    assert cal.working_days_between(at(2026, 2, 13, 10), at(2026, 2, 23, 10)) == Decimal(1)
    assert cal.working_days_between(at(2026, 3, 9, 8), at(2026, 3, 9, 12)) == Decimal("0.4375")
    assert cal.working_minutes_between(at(2026, 3, 10, 10), at(2026, 3, 9, 8)) == 0
    assert cal.working_minutes_between(at(2026, 3, 9, 8), at(2026, 3, 9, 8)) == 0


@pytest.mark.django_db
def test_working_minutes_between_with_pauses():
    cal = get_calendar()
    start, end = at(2026, 3, 9, 8), at(2026, 3, 10, 10)  # 600 working minutes

    one = [(at(2026, 3, 9, 13), at(2026, 3, 9, 15))]  # 90 working minutes (13:30-15:00)
    overlapping = [(at(2026, 3, 9, 13), at(2026, 3, 9, 15)), (at(2026, 3, 9, 14), at(2026, 3, 9, 16))]
    outside = [(at(2026, 3, 8, 0), at(2026, 3, 9, 9))]  # clipped to 08:00-09:00
    after_end = [(at(2026, 3, 10, 9), at(2026, 3, 12, 0))]  # clipped to 09:00-10:00
    nested = [(at(2026, 3, 9, 8), at(2026, 3, 10, 10)), (at(2026, 3, 9, 9), at(2026, 3, 9, 10))]

    assert cal.working_minutes_between(start, end, one) == 510
    assert cal.working_minutes_between(start, end, overlapping) == 450
    assert cal.working_minutes_between(start, end, outside) == 540
    assert cal.working_minutes_between(start, end, after_end) == 540
    assert cal.working_minutes_between(start, end, outside + after_end + one) == 390
    assert cal.working_minutes_between(start, end, nested) == 0
    assert calendar.working_days_between(start, end, one) == Decimal("1.0625")


@pytest.mark.django_db
def test_pause_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="pause"):
        calendar.working_minutes_between(
            at(2026, 3, 9, 8), at(2026, 3, 10, 10), [(at(2026, 3, 9, 10), at(2026, 3, 9, 9))]
        )


# --- Naive datetimes


@pytest.mark.django_db
@pytest.mark.parametrize(
    "call",
    [
        lambda cal, naive: cal.is_working_time(naive),
        lambda cal, naive: cal.next_working_moment(naive),
        lambda cal, naive: cal.add_working_days(naive, 1),
        lambda cal, naive: cal.add_working_hours(naive, 1),
        lambda cal, naive: cal.add_calendar_days(naive, 1),
        lambda cal, naive: cal.working_minutes_between(naive, at(2026, 3, 10, 8)),
        lambda cal, naive: cal.working_minutes_between(
            at(2026, 3, 8, 8), at(2026, 3, 10, 8), [(naive, at(2026, 3, 9, 12))]
        ),
    ],
)
def test_naive_datetimes_are_refused(call):
    with pytest.raises(ValueError, match="naive"):
        call(get_calendar(), dt.datetime(2026, 3, 9, 8))


# --- Performance: one read, then no query per day


@pytest.mark.django_db
def test_long_spans_need_no_query_per_day(django_assert_num_queries):
    services.set_calendar_override(d(2026, 3, 10), kind="day_off", reason="Lý do", changed_by=None)
    OfficeHours.objects.create()
    with django_assert_num_queries(2):
        cal = get_calendar()

    with django_assert_num_queries(0):
        due = cal.add_working_days(at(2024, 1, 2, 8), 750)
        elapsed = cal.working_minutes_between(at(2024, 1, 2, 8), due)
        deadline = cal.add_calendar_days(at(2024, 1, 2, 8), 1000)
        cal.holidays_in_year(2027)

    assert elapsed == 750 * 480
    assert due.year == 2027
    assert deadline >= at(2026, 9, 28)


# --- One read per request -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_request_reads_the_calendar_once_and_again_after_changing_it(django_assert_num_queries):
    """A receipt asks for the calendar to set deadlines and again to answer with the clock: one
    read. A change inside the same request (an administrator's) is seen by the next question."""
    holiday = dt.date(2026, 3, 3)  # a Tuesday
    with request_scope():
        with django_assert_num_queries(2):  # office hours and overrides
            assert get_calendar().is_working_day(holiday)
            assert get_calendar().is_working_day(holiday)
        services.set_calendar_override(holiday, kind="day_off", reason="Bão số 3", changed_by=None)
        assert not get_calendar().is_working_day(holiday)
        services.remove_calendar_override(holiday, removed_by=None)
        assert get_calendar().is_working_day(holiday)
    with django_assert_num_queries(2):  # outside a request: every call reads
        get_calendar()
