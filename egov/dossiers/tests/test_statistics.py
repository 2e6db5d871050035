"""Use case: figures per unit, procedure and sector, and QĐ 766 indicator 2.1 (vn-standards.md §5.2)."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from egov.dossiers import services
from egov.dossiers.models import Status
from egov.dossiers.services import Applicant, DeskOutcome
from egov.dossiers.statistics import (
    Period,
    dossier_statistics,
    parse_period,
    statistics_scope,
    statistics_workbook,
)
from egov.dossiers.tests.factories import commune_procedure, process_to_result, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = Period.month(2026, 3)


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=VN)


@pytest.fixture
def staff(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.dh"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "tuphap.dh"),
        "leader": make_member(Role.LEADER, province.commune, "chutich.dh"),
    }


def received(version, province, staff, moment, **kwargs):
    with time_machine.travel(moment, tick=False):
        dossier = receive(version, province.commune, staff["desk"], **kwargs)
        services.forward_dossier(dossier, by=staff["desk"])
    return dossier


def resolved(dossier, staff, moment):
    with time_machine.travel(moment, tick=False):
        process_to_result(dossier, specialist=staff["specialist"], leader=staff["leader"])
    assert dossier.status == Status.RESOLVED
    return dossier


@pytest.fixture
def march(province, staff):
    """Dossiers of a 2-working-day procedure, most received Mon 2 March 09:00 (due Wed 4 March 09:00)."""
    version = commune_procedure(days="2")
    made = {}
    made["early"] = resolved(received(version, province, staff, at(3, 2, 9)), staff, at(3, 3, 10))
    made["on_time"] = resolved(received(version, province, staff, at(3, 2, 9)), staff, at(3, 4, 8))
    made["late"] = resolved(received(version, province, staff, at(3, 2, 9)), staff, at(3, 5, 10))
    made["in_time"] = received(version, province, staff, at(3, 31, 9), channel=2)  # due 2 April
    made["overdue"] = received(version, province, staff, at(3, 2, 9), channel=3)
    two = received(version, province, staff, at(3, 2, 9))
    with time_machine.travel(at(3, 2, 10), tick=False):
        services.request_supplement(two, by=staff["specialist"], missing=["Ảnh"], reason="Thiếu ảnh")
    with time_machine.travel(at(3, 3, 9), tick=False):
        services.receive_supplement(two, by=staff["desk"])
    with time_machine.travel(at(3, 3, 10), tick=False):
        services.request_supplement(two, by=staff["specialist"], missing=["Tờ khai"], reason="Thiếu tờ khai")
    made["two_supplements"] = two
    withdrawn = received(version, province, staff, at(3, 2, 9))
    with time_machine.travel(at(3, 3, 9), tick=False):
        services.withdraw_dossier(withdrawn, by=staff["desk"], reason="Công dân xin rút")
    made["withdrawn"] = withdrawn
    # Before the period: finished in February (left out), and one carried over into March.
    made["february"] = resolved(received(version, province, staff, at(2, 2, 9)), staff, at(2, 3, 9))
    made["carried"] = received(version, province, staff, at(2, 26, 9))  # due 2 March 09:00
    resolved(made["carried"], staff, at(3, 2, 8))
    with time_machine.travel(at(3, 9, 9), tick=False):
        services.register_at_desk(
            version=version,
            receiving_unit=province.commune,
            applicant=Applicant(name="Lê Văn C"),
            components=[],
            outcome=DeskOutcome(DeskOutcome.REFUSE, reason="Không thuộc thẩm quyền"),
            received_by=staff["desk"],
        )
    return made


def test_march_figures_and_indicator_21(march, province, django_assert_num_queries):
    assert march["on_time"].due_at == at(3, 4, 9)

    with django_assert_num_queries(1):
        report = dossier_statistics(MARCH, grouping="unit")

    assert [row.key for row in report.rows] == ["H51.60"]
    total = report.total
    figures = {
        "received": total.received,
        "by_channel": (total.received_direct, total.received_online, total.received_postal),
        "carried_over": total.carried_over,
        "resolved": (total.resolved, total.resolved_early, total.resolved_on_time, total.resolved_late),
        "in_progress": (total.in_progress_on_time, total.in_progress_overdue),
        "supplement_requested": total.supplement_requested,
        "withdrawn": total.withdrawn,
        "not_received": total.not_received,
        "indicator": (total.indicator_on_time, total.indicator_base),
    }
    assert figures == {
        "received": 7,
        "by_channel": (5, 1, 1),
        "carried_over": 1,
        # early, on time (the carried-over one, and 08:00 on the due day), late
        "resolved": (4, 1, 2, 1),
        "in_progress": (1, 2),  # in time (due in April); overdue and the twice-supplemented one
        "supplement_requested": 1,
        "withdrawn": 1,
        "not_received": 1,
        # early, on time ×2, in time, withdrawn before the appointment — of the 8 received or processed
        "indicator": (5, 8),
    }
    assert total.on_time_rate == Decimal("0.6250")
    assert total.indicator_score == Decimal("12.50")
    assert report.rows[0] == total.__class__(**{**total.__dict__, "key": "H51.60", "name": "Xã Đồng Hỷ"})


def test_four_of_six_gives_13_33_points(province, staff):
    version = commune_procedure(days="2")
    for finish in (at(3, 3, 10), at(3, 4, 8), at(3, 5, 10), at(3, 5, 11)):
        resolved(received(version, province, staff, at(3, 2, 9)), staff, finish)
    received(version, province, staff, at(3, 30, 9))
    received(version, province, staff, at(3, 31, 9))

    total = dossier_statistics(MARCH).total

    assert (total.indicator_on_time, total.indicator_base) == (4, 6)
    assert total.indicator_score == Decimal("13.33")
    assert total.on_time_percent == Decimal("66.67")


def test_a_dossier_waiting_for_one_supplement_ends_at_the_request(province, staff):
    version = commune_procedure(days="2")
    dossier = received(version, province, staff, at(3, 2, 9))
    with time_machine.travel(at(3, 3, 10), tick=False):
        services.request_supplement(dossier, by=staff["specialist"], missing=["Ảnh"], reason="Thiếu ảnh")

    # At the end of March the appointment (4 March) is long past, but the clock stopped on the 3rd.
    total = dossier_statistics(MARCH).total

    assert (total.indicator_on_time, total.in_progress_on_time, total.in_progress_overdue) == (1, 1, 0)


def test_a_dossier_resolved_after_the_period_is_still_in_progress_at_its_end(province, staff):
    version = commune_procedure(days="2")
    resolved(received(version, province, staff, at(3, 31, 9)), staff, at(4, 1, 9))

    march = dossier_statistics(MARCH).total
    april = dossier_statistics(Period.month(2026, 4)).total

    assert (march.resolved, march.in_progress_on_time, march.indicator_on_time) == (0, 1, 1)
    assert (april.received, april.carried_over, april.resolved_early, april.indicator_base) == (0, 1, 1, 1)


def test_groupings_filters_and_scope(march, province, staff, outsider):
    by_procedure = dossier_statistics(MARCH, grouping="procedure")
    by_sector = dossier_statistics(MARCH, grouping="sector")

    assert [(r.key, r.received) for r in by_procedure.rows] == [("1.001193", 7)]
    assert [(r.key, r.name, r.received) for r in by_sector.rows] == [("HOTICH", "Hộ tịch", 7)]
    assert dossier_statistics(MARCH, procedure_code="9.999").rows == []
    assert dossier_statistics(MARCH, sector_code="HOTICH").total.received == 7

    units, unit = statistics_scope(staff["leader"])
    assert unit is None
    assert dossier_statistics(MARCH, units=units).total.received == 7
    # The province's leader sees the commune through the subtree rule.
    province_leader = make_member(Role.LEADER, province.province, "ct.tinh")
    units, unit = statistics_scope(province_leader, "H51.60")
    assert unit == province.commune
    assert dossier_statistics(MARCH, units=units).total.received == 7
    other_units, _ = statistics_scope(province_leader, "H51.61")
    assert dossier_statistics(MARCH, units=other_units).rows == []

    with pytest.raises(PermissionDenied):
        statistics_scope(staff["specialist"])
    with pytest.raises(ValidationError):
        statistics_scope(staff["leader"], "H51.61")


def test_periods():
    assert Period.quarter(2026, 1) == Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert Period.month(2024, 2).last_day == dt.date(2024, 2, 29)
    assert Period.year(2026).end == at(1, 1, 0).replace(year=2027)
    assert MARCH.start == at(3, 1, 0)
    assert parse_period("quarter", year=2026, quarter=2) == Period.quarter(2026, 2)
    assert parse_period("custom", date_from=dt.date(2026, 3, 5), date_to=dt.date(2026, 3, 9)).label == (
        "05/03/2026 – 09/03/2026"
    )
    with pytest.raises(ValidationError):
        parse_period("custom", date_from=dt.date(2026, 3, 9), date_to=dt.date(2026, 3, 5))
    with pytest.raises(ValidationError):
        parse_period("month", year=2026, month=13)


def test_the_workbook_has_a_sheet_per_grouping_with_numbers(march):
    content = statistics_workbook(MARCH, scope_name="Xã Đồng Hỷ")

    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Theo đơn vị", "Theo thủ tục", "Theo lĩnh vực"]
    sheet = workbook["Theo đơn vị"]
    assert sheet["A1"].value.endswith("từ ngày 01/03/2026 đến ngày 31/03/2026")
    headers = [cell.value for cell in sheet[3]]
    assert headers[:4] == ["STT", "Mã đơn vị", "Đơn vị tiếp nhận", "Tiếp nhận trong kỳ"]
    unit_row = [cell.value for cell in sheet[4]]
    assert unit_row[:4] == [1, "H51.60", "Xã Đồng Hỷ", 7]
    total_row = [cell.value for cell in sheet[5]]
    assert total_row[2] == "Tổng cộng"
    assert total_row[headers.index("Đúng hạn và trong hạn")] == 5
    assert total_row[headers.index("Tỷ lệ đúng hạn (%)")] == 62.5
    assert total_row[headers.index("Điểm chỉ số 2.1 (tối đa 20)")] == 12.5
