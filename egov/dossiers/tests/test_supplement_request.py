"""A supplement request states the papers and the reason, and the applicant is told both.

ND 61/2018 Điều 15 khoản 3, Điều 17 khoản 1 điểm a and khoản 2; vn-standards.md checklist 2 and 5.
"""

import uuid

import pytest
from django.urls import reverse

from egov.dossiers import services
from egov.dossiers.models import Channel, Dossier, Notification, Status
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.dossiers.tests.online_factories import citizen, online_procedure, submitted
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

pytestmark = pytest.mark.django_db

NO_REASON_VI = "Nêu rõ lý do cần bổ sung, hoàn thiện hồ sơ."
NO_LIST_VI = "Liệt kê đầy đủ, một lần tất cả giấy tờ cần bổ sung, hoàn thiện."
JSON = "application/json"


@pytest.fixture(autouse=True)
def no_population(settings):
    settings.EGOV_POPULATION_URL = "http://127.0.0.1:9/dan-cu/"  # nothing listens: typed by hand


def _desk_data(version, unit, **overrides):
    data = {
        "receiving_unit": unit.pk,
        "channel": Channel.DIRECT,
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": "019090001234",
        "applicant_address": "Xóm Làng Mới, xã Đồng Hỷ",
        "applicant_phone": "0912345678",
        "applicant_email": "an@example.vn",
        "owner_name": "",
        "owner_address": "",
        "missing": "Tờ khai đăng ký khai sinh\nGiấy chứng sinh (bản chính)",
        "reason": "",
        "submission_key": uuid.uuid4().hex,
        "do": "supplement",
    }
    data.update(overrides)
    return data


def _bodies(dossier: Dossier) -> dict[str, str]:
    return {n.channel: n.body for n in Notification.objects.filter(dossier=dossier).order_by("pk")}


def test_desk_supplement_needs_its_reason_and_the_notice_carries_both(client, province):
    version = commune_procedure()
    client.force_login(make_member(Role.DESK_OFFICER, province.commune, "motcua.bosung"))
    url = reverse("dossiers:intake") + f"?thu_tuc={version.procedure.code}"

    refused = client.post(url, _desk_data(version, province.commune))

    assert refused.status_code == 200
    assert NO_REASON_VI in refused.text
    assert Dossier.objects.count() == 0

    empty_list = client.post(url, _desk_data(version, province.commune, missing=" \n ", reason="Thiếu"))
    assert NO_LIST_VI in empty_list.text
    assert Dossier.objects.count() == 0

    done = client.post(url, _desk_data(version, province.commune, reason="Tờ khai chưa có chữ ký"))

    assert done.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    bodies = _bodies(dossier)
    assert set(bodies) == {"email", "sms"}
    for body in bodies.values():
        assert "1) Tờ khai đăng ký khai sinh; 2) Giấy chứng sinh (bản chính)" in body
        assert "Lý do: Tờ khai chưa có chữ ký." in body


def test_online_supplement_needs_its_reason_and_the_portal_and_notice_show_both(client, province):
    dossier = submitted(online_procedure(), citizen(), province.commune)
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.online")
    client.force_login(desk)
    url = reverse("dossiers:act", args=[dossier.code, "supplement_online"])
    ask = {"expected_status": dossier.status, "missing": "Giấy chứng sinh (bản chính)\nGiấy ủy quyền"}

    refused = client.post(url, {**ask, "reason": "  "})

    assert refused.status_code == 200
    assert NO_REASON_VI in refused.text
    dossier.refresh_from_db()
    assert dossier.status == Status.REGISTERED

    client.post(url, {**ask, "reason": "Bản chụp giấy chứng sinh bị mờ"})

    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    notices = Notification.objects.filter(dossier=dossier).order_by("-pk")
    latest = {n.channel: n.body for n in notices[:2]}
    for body in latest.values():
        assert "Giấy chứng sinh (bản chính); 2) Giấy ủy quyền" in body
        assert "Lý do: Bản chụp giấy chứng sinh bị mờ." in body

    client.force_login(dossier.citizen)
    page = client.get(reverse("portal:citizen_dossier", args=[dossier.code]))
    assert page.status_code == 200
    section = page.text.split('class="card supplement"')[1].split("</section>")[0]
    assert "Bản chụp giấy chứng sinh bị mờ" in section
    assert "Giấy ủy quyền" in section
    # Another citizen does not see it.
    client.force_login(citizen("congdan.khac", national_id="019090009999", phone="0987654321"))
    assert client.get(reverse("portal:citizen_dossier", args=[dossier.code])).status_code == 404


def test_supplement_after_appraisal_needs_its_reason_on_the_page_and_the_api(client, province):
    version = commune_procedure(days="2")
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.thamdinh")
    specialist = make_member(Role.SPECIALIST, province.commune, "chuyenvien.thamdinh")
    dossier = receive(version, province.commune, desk)
    services.forward_dossier(dossier, by=desk)
    client.force_login(specialist)
    url = reverse("dossiers:act", args=[dossier.code, "request_supplement"])

    page = client.post(url, {"expected_status": Status.PROCESSING, "missing": "Ảnh 4x6", "reason": ""})

    assert page.status_code == 200
    assert NO_REASON_VI in page.text
    api = client.post(
        f"/api/v1/dossiers/{dossier.code}/supplement-request",
        {"expected_revision": _revision(client, dossier.code), "missing": ["Ảnh 4x6"], "reason": " "},
        content_type=JSON,
    )
    assert api.status_code in (400, 422), api.content
    assert api.json()["details"]["reason"] == [NO_REASON_VI]
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING

    client.post(url, {"expected_status": Status.PROCESSING, "missing": "Ảnh 4x6", "reason": "Thiếu ảnh"})

    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    sms = Notification.objects.filter(dossier=dossier, channel="sms").latest("pk")
    assert "1) Ảnh 4x6" in sms.body
    assert "Lý do: Thiếu ảnh." in sms.body


def _revision(client, code: str) -> int:
    response = client.get(f"/api/v1/dossiers/{code}")
    assert response.status_code == 200
    return int(response.json()["revision"])
