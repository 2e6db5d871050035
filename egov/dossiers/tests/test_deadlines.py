"""The SLA clock on the working-day calendar, with the cases the law and the issue name."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from egov.dossiers import deadlines
from egov.organization.calendar import get_calendar
from egov.procedures.models import ProcedureVersion

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


def at(y: int, m: int, d: int, h: int = 8, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=VN)


def version(value: str, unit: str = "working_days") -> ProcedureVersion:
    return ProcedureVersion(time_limit_value=Decimal(value), time_limit_unit=unit)


def test_three_working_days_from_wednesday_29_april_2026_at_16h_cross_the_holidays_and_weekend():
    # Wed 16:00–17:00 (1 h); Thu 30/4 and Fri 1/5 are holidays; Sat, Sun; Mon 4/5 8 h; Tue 5/5 8 h;
    # Wed 6/5: the remaining 7 h end at 16:00 (4.5 h in the morning, 2.5 h after 13:30).
    due = deadlines.legal_due_at(get_calendar(), version("3"), at(2026, 4, 29, 16, 0))

    assert due == at(2026, 5, 6, 16, 0)


def test_a_receipt_after_hours_counts_from_the_next_opening():
    due = deadlines.legal_due_at(get_calendar(), version("4", "working_hours"), at(2026, 3, 6, 17, 45))

    assert due == at(2026, 3, 9, 11, 0)


def test_calendar_day_limits_end_at_the_close_of_office_hours():
    due = deadlines.legal_due_at(get_calendar(), version("30", "calendar_days"), at(2026, 3, 2, 9, 0))

    assert due == at(2026, 4, 1, 17, 0)


@pytest.mark.parametrize(
    ("received", "forward_by"),
    [
        (at(2026, 3, 4, 14, 59), at(2026, 3, 4, 17, 0)),  # before 15:00: the same working day
        (at(2026, 3, 4, 12, 0), at(2026, 3, 4, 17, 0)),  # over lunch, still before 15:00: same day
        (at(2026, 3, 4, 6, 45), at(2026, 3, 4, 17, 0)),  # before opening on a working day: same day
        (at(2026, 3, 4, 15, 0), at(2026, 3, 5, 8, 0)),  # from 15:00: the first hour of the next day
        (at(2026, 3, 6, 16, 0), at(2026, 3, 9, 8, 0)),  # Friday afternoon: Monday morning
        (at(2026, 4, 29, 15, 30), at(2026, 5, 4, 8, 0)),  # before 30/4–1/5 and the weekend
        (at(2026, 3, 7, 10, 0), at(2026, 3, 9, 8, 0)),  # received on a Saturday (postal)
    ],
)
def test_forwarding_follows_the_15h_rule(received, forward_by):
    assert deadlines.forward_due_at(get_calendar(), received) == forward_by


def test_a_procedure_may_set_an_earlier_cut_off():
    """vn-standards.md checklist item 53: the cut-off is set per procedure; 15:00 otherwise."""
    cutoff = dt.time(11, 0)
    assert deadlines.forward_due_at(get_calendar(), at(2026, 3, 4, 10, 59), cutoff) == at(2026, 3, 4, 17, 0)
    assert deadlines.forward_due_at(get_calendar(), at(2026, 3, 4, 11, 0), cutoff) == at(2026, 3, 5, 8, 0)


def test_step_due_times_add_up_to_the_appointment():
    from egov.procedures.models import ProcessStep

    steps = [
        ProcessStep(hours=Decimal("1")),
        ProcessStep(hours=Decimal("5")),
        ProcessStep(hours=Decimal("2")),
    ]
    calendar = get_calendar()
    received = at(2026, 3, 2, 9, 0)

    due = deadlines.step_due_times(calendar, steps, received)

    assert due == [at(2026, 3, 2, 10, 0), at(2026, 3, 2, 17, 0), at(2026, 3, 3, 9, 0)]
    assert due[-1] == deadlines.legal_due_at(calendar, version("1"), received)


def test_supplement_restarts_the_limit_from_the_day_the_papers_come():
    calendar = get_calendar()
    supplied = at(2026, 3, 10, 14, 0)

    assert deadlines.restarted_due_at(calendar, version("5"), supplied) == at(2026, 3, 17, 14, 0)


def test_a_supplement_after_appraisal_is_allowed_only_within_three_working_days():
    calendar = get_calendar()
    received = at(2026, 3, 2, 9, 0)

    assert deadlines.supplement_still_allowed(calendar, received, at(2026, 3, 5, 9, 0))
    assert not deadlines.supplement_still_allowed(calendar, received, at(2026, 3, 5, 9, 1))


def test_an_extension_must_come_a_full_working_day_before_the_due_time():
    calendar = get_calendar()
    due = at(2026, 3, 10, 16, 0)

    assert deadlines.extension_allowed(calendar, due, at(2026, 3, 9, 16, 0))
    assert not deadlines.extension_allowed(calendar, due, at(2026, 3, 9, 16, 1))


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        (at(2026, 3, 9, 16, 0), "early"),
        (at(2026, 3, 10, 8, 0), "on_time"),
        (at(2026, 3, 10, 16, 0), "on_time"),
        (at(2026, 3, 10, 16, 1), "late"),
    ],
)
def test_timeliness_is_early_on_time_or_late(finished, expected):
    assert deadlines.timeliness(finished, at(2026, 3, 10, 16, 0)) == expected


def test_the_clock_counts_working_minutes_left_and_over():
    calendar = get_calendar()
    due = at(2026, 3, 10, 9, 0)

    before = deadlines.read_clock(calendar, due, at(2026, 3, 9, 16, 0))
    after = deadlines.read_clock(calendar, due, at(2026, 3, 10, 14, 0))

    assert (before.working_minutes_left, before.is_due_soon, before.is_overdue) == (180, True, False)
    assert (after.working_minutes_left, after.is_overdue) == (-180, True)
