"""Use case: a leader reads the month's figures and indicator 2.1, and downloads them as Excel."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from egov.dossiers import services
from egov.dossiers.statistics import Period
from egov.dossiers.tests.factories import commune_procedure, process_to_result, receive
from egov.organization.models import Role, Unit
from egov.organization.tests.factories import make_member, make_unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = {"period": "month", "year": "2026", "month": "3"}


@pytest.fixture
def staff(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.dh"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "tuphap.dh"),
        "leader": make_member(Role.LEADER, province.commune, "chutich.dh"),
    }


@pytest.fixture
def march(province, staff):
    """One dossier resolved early and one left overdue: 1 of 2 on time, 10 points."""
    version = commune_procedure(days="2")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        early = receive(version, province.commune, staff["desk"])
        late = receive(version, province.commune, staff["desk"])
        for dossier in (early, late):
            services.forward_dossier(dossier, by=staff["desk"])
        process_to_result(early, specialist=staff["specialist"], leader=staff["leader"])


def test_the_leader_sees_the_table_and_the_indicator(client, march, staff):
    client.force_login(staff["leader"])

    response = client.get(reverse("dashboard:statistics"), MARCH, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<strong data-testid="indicator-score">10.00</strong>' in html
    assert '<span data-testid="indicator-rate">50.00%</span>' in html
    assert "1 of 2 dossiers finished on time or still within time" in html
    assert "Xã Đồng Hỷ" in html
    report = response.context["report"]
    assert (report.total.received, report.total.resolved_early, report.total.in_progress_overdue) == (2, 1, 1)
    assert reverse("dashboard:statistics_excel") + "?period=month" in html


def test_the_export_button_has_one_label(client, march, staff):
    client.force_login(staff["leader"])

    html = client.get(reverse("dashboard:statistics"), MARCH).content.decode()

    assert "Tải tệp Excel</a>" in html
    assert "Tải Excel" not in html
    assert "Tải về tệp Excel" not in html


def test_grouping_and_a_unit_of_the_reader(client, march, staff, province):
    client.force_login(make_member(Role.LEADER, province.province, "ct.tinh"))

    by_sector = client.get(reverse("dashboard:statistics"), {**MARCH, "grouping": "sector", "unit": "H51.60"})
    other = client.get(reverse("dashboard:statistics"), {**MARCH, "unit": "H51.61"})

    assert [row.key for row in by_sector.context["report"].rows] == ["HOTICH"]
    assert other.context["report"].rows == []
    client.force_login(staff["desk"])
    outside = client.get(reverse("dashboard:statistics"), {**MARCH, "unit": "H51.61"})
    assert outside.status_code == 400
    assert "unit" in outside.context["form"].errors


def test_the_excel_download(client, march, staff):
    client.force_login(staff["desk"])

    response = client.get(reverse("dashboard:statistics_excel"), {**MARCH, "unit": "H51.60"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="thong-ke-ho-so-20260301-20260331.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Theo đơn vị"]
    assert sheet["A2"].value == "Xã Đồng Hỷ"
    headers = [cell.value for cell in sheet[3]]
    total = [cell.value for cell in sheet[sheet.max_row]]
    assert total[headers.index("Tiếp nhận trong kỳ")] == 2
    assert total[headers.index("Điểm chỉ số 2.1 (tối đa 20)")] == 10.0


def test_only_statistics_roles_and_logged_in_users(client, staff, province):
    url = reverse("dashboard:statistics")
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))

    client.force_login(staff["specialist"])
    assert client.get(url).status_code == 403
    assert client.get(reverse("dashboard:statistics_excel")).status_code == 403


def test_a_bad_period_is_a_form_error(client, staff, province):
    client.force_login(staff["leader"])

    response = client.get(reverse("dashboard:statistics"), {"period": "custom", "date_from": "2026-03-09"})

    assert response.status_code == 400
    assert response.context["report"] is None
    assert "date_from" in response.context["form"].errors


@pytest.fixture
def reorganised(province):
    """A district dissolved on 1/7/2025 (two-tier local government) and two same-named divisions."""
    district = make_unit("district", parent=province.province, name="Huyện Đồng Hỷ", identifier="H51.70")
    Unit.objects.filter(pk=district.pk).update(dissolved_on=dt.date(2025, 7, 1))
    for commune in (province.commune, province.other_commune):
        make_unit("division", parent=commune, name="Phòng Kinh tế", identifier=f"{commune.identifier}.02")
    return district


def _unit_select(html: str) -> str:
    start = html.index('<select name="unit"')
    return html[start : html.index("</select>", start)]


def test_the_unit_filter_offers_units_of_the_period_and_tells_namesakes_apart(client, province, reorganised):
    client.force_login(make_member(Role.LEADER, province.province, "ct.tinh"))

    this_month = _unit_select(client.get(reverse("dashboard:statistics"), MARCH).content.decode())
    first_half_2025 = _unit_select(
        client.get(
            reverse("dashboard:statistics"), {"period": "quarter", "year": "2025", "quarter": "2"}
        ).content.decode()
    )

    assert "Huyện Đồng Hỷ" not in this_month
    assert ">Phòng Kinh tế — UBND xã Đồng Hỷ</option>" in this_month
    assert ">Phòng Kinh tế — UBND xã Võ Nhai</option>" in this_month
    assert ">Xã Đồng Hỷ</option>" in this_month
    group = first_half_2025.index('<optgroup label="Đơn vị đã giải thể">')
    assert first_half_2025.index(">Huyện Đồng Hỷ</option>") > group
    assert first_half_2025.index(">Xã Võ Nhai</option>") < group
    # The dissolved district stays chosen (and valid) when the period moves past its dissolution.
    chosen = client.get(reverse("dashboard:statistics"), {**MARCH, "unit": "H51.70"})
    assert chosen.status_code == 200
    assert 'value="H51.70" selected>Huyện Đồng Hỷ</option>' in _unit_select(chosen.content.decode())


def test_the_fields_of_another_period_kind_are_ignored(client, march, staff):
    client.force_login(staff["leader"])
    url = reverse("dashboard:statistics")

    # Left over from a month and from a range of dates, shown when the page runs no script.
    year = client.get(url, {"period": "year", "year": "2026", "month": "13", "date_from": "31/02/2026"})
    dates = client.get(
        url, {"period": "custom", "year": "1", "date_from": "2026-03-01", "date_to": "2026-03-31"}
    )

    assert year.status_code == 200
    assert year.context["report"].period == Period.year(2026)
    assert dates.status_code == 200
    assert dates.context["report"].total.received == 2
    html = year.content.decode()
    assert 'name="month" value="13" min="1" max="12" data-period-kinds="month"' in html
    assert 'data-period-kinds="custom"' in html
    assert "/static/egov/stats.js" in html
