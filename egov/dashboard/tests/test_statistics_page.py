"""Use case: a leader reads the month's figures and indicator 2.1, and downloads them as Excel."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from egov.dossiers import services
from egov.dossiers.tests.factories import commune_procedure, process_to_result, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

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
