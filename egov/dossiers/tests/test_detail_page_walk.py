"""What the staff dossier page says, in Vietnamese, as the demo walk found it (walk 2026-12-08).

The print links name the form as the circular does ("Mẫu 01"), a finished dossier says where and
when it ended instead of "being processed at", and an unpaid fee is a warning on top of the page.
"""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from egov.dossiers import services
from egov.dossiers.models import Dossier, Status
from egov.dossiers.tests.factories import commune_procedure, process_to_result, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

pytestmark = pytest.mark.django_db

NOW_AT = "Đang xử lý tại"
FEE_WARNING = 'id="fee-unpaid"'


@pytest.fixture
def staff(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.walk"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "tuphap.walk"),
        "leader": make_member(Role.LEADER, province.commune, "chutich.walk"),
    }


@pytest.fixture
def dossier(province, staff) -> Dossier:
    dossier = receive(commune_procedure(), province.commune, staff["desk"])
    assert dossier.fee_amount == 8000
    return dossier


def head(client, user, dossier: Dossier) -> str:
    """The page's header (code, status, where it is, the warnings and the print links), in Vietnamese."""
    client.force_login(user)
    response = client.get(reverse("dossiers:detail", args=[dossier.code]), HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    page: str = response.text
    return page.split('<header class="dossier-head">', 1)[1].split("</header>", 1)[0]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_print_links_name_the_form_in_vietnamese(client, staff, dossier):
    links = text(head(client, staff["desk"], dossier))

    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)" in links
    assert "Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)" in links
    assert "form" not in links


def test_a_returned_dossier_says_where_it_ended_not_that_it_is_processed(client, staff, dossier):
    services.forward_dossier(dossier, by=staff["desk"])
    process_to_result(dossier, specialist=staff["specialist"], leader=staff["leader"])
    services.record_fee_payment(dossier, by=staff["desk"], method="direct")
    services.return_result(dossier, by=staff["desk"], method="desk")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED

    shown = text(head(client, staff["desk"], dossier))

    assert NOW_AT not in shown
    assert "bước" not in shown
    ended = timezone.localtime(dossier.closed_at).strftime("%H:%M %d/%m/%Y")
    assert f"Đã kết thúc tại {dossier.current_unit.name}, {ended}" in shown


def test_an_open_dossier_still_says_where_it_is(client, staff, dossier):
    assert NOW_AT in text(head(client, staff["desk"], dossier))


def test_an_unpaid_fee_is_a_warning_until_it_is_paid(client, staff, dossier):
    html = head(client, staff["desk"], dossier)
    assert FEE_WARNING in html
    assert "Phí, lệ phí chưa nộp: 8.000 đ" in text(html)

    # Processed and signed, on its way to the desk for issuance: still owed, still warned.
    services.forward_dossier(dossier, by=staff["desk"])
    process_to_result(dossier, specialist=staff["specialist"], leader=staff["leader"])
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED
    assert FEE_WARNING in head(client, staff["desk"], dossier)

    services.record_fee_payment(dossier, by=staff["desk"], method="direct")
    assert FEE_WARNING not in head(client, staff["desk"], dossier)


def test_no_fee_warning_on_a_withdrawn_dossier_or_one_without_fee(client, province, staff, dossier):
    services.withdraw_dossier(dossier, by=staff["desk"], reason="Công dân xin rút hồ sơ")
    assert FEE_WARNING not in head(client, staff["desk"], dossier)

    free = receive(commune_procedure("1.000656", fees=[]), province.commune, staff["desk"])
    assert FEE_WARNING not in head(client, staff["desk"], free)
