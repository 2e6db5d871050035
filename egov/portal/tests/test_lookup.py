"""Use case: an applicant scans the receipt's QR code or types the code at /tra-cuu/."""

import datetime as dt
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import resolve, reverse

from egov.dossiers import services
from egov.dossiers.printing import lookup_url
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PERSONAL = ["Nguyễn Văn An", "019090001234", "0912345678", "an@example.vn", "Xóm Làng Mới"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dossier(province):
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.dh")
    specialist = make_member(Role.SPECIALIST, province.commune, "tuphap.dh")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        dossier = receive(commune_procedure(days="2"), province.commune, desk)
        services.forward_dossier(dossier, by=desk)
        services.assign_dossier(
            dossier, by=make_member(Role.LEADER, province.commune, "ct.dh"), to_user=specialist
        )
        services.record_appraisal(dossier, by=specialist, note="Ghi chú nội bộ bí mật")
    return dossier


def test_the_qr_page_shows_the_status_and_no_personal_data(client, dossier):
    url = reverse("portal:lookup_detail", args=[dossier.code])
    assert url == f"/tra-cuu/{dossier.code}/"

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    for fact in (
        dossier.code,
        "Đăng ký khai sinh 1.001193",
        "Being processed",
        "Thẩm định hồ sơ",
        "Xã Đồng Hỷ",
    ):
        assert fact in html
    assert "09:00 04/03/2026" in html  # the appointment, in Vietnam time
    assert "09:00 02/03/2026" in html  # received
    for secret in [*PERSONAL, "Ghi chú nội bộ bí mật", "tuphap.dh", "motcua.dh"]:
        assert secret not in html
    assert response["X-Robots-Tag"] == "noindex"


def test_the_receipts_qr_code_opens_the_lookup_page(client, dossier):
    path = urlparse(lookup_url(dossier.code)).path

    assert resolve(path).view_name == "portal:lookup_detail"
    assert client.get(path).status_code == 200


def test_the_form_sends_a_typed_code_to_its_page(client, dossier):
    assert client.get(reverse("portal:lookup")).status_code == 200

    response = client.get(reverse("portal:lookup"), {"code": f"  {dossier.code.lower()} "})

    assert response.status_code == 302
    assert response["Location"] == f"/tra-cuu/{dossier.code}/"


def test_an_unknown_code_is_a_friendly_404(client, db):
    response = client.get("/tra-cuu/H51.60-260302-9999/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "We found no dossier with the code H51.60-260302-9999" in response.content.decode()
    assert 'name="code"' in response.content.decode()


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=VN), tick=False)
def test_thirty_lookups_a_minute_per_address_then_429(client, dossier):
    url = reverse("portal:lookup_detail", args=[dossier.code])
    codes = [client.get(url if n % 2 else "/tra-cuu/KHONG-CO/").status_code for n in range(30)]
    assert set(codes) == {200, 404}

    limited = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert limited.status_code == 429
    assert limited["Retry-After"] == "55"
    assert "Too many lookups from your address" in limited.content.decode()
    assert "Being processed" not in limited.content.decode()
    # The JSON lookup shares the same allowance; another address has its own.
    assert client.get(f"/api/v1/lookup/{dossier.code}").status_code == 429
    assert client.get(url, REMOTE_ADDR="10.0.0.2").status_code == 200
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 1, 0, tzinfo=VN), tick=False):
        assert client.get(url).status_code == 200
