"""Checklist 36: the national-portal feed says whether the applicant's account was VNeID-authenticated,
and keeps papers scanned at intake (DuocSoHoa) apart from papers reused from digitised data."""

from typing import Any

import pytest
from django.urls import reverse

from egov.accounts.models import CitizenIdentity
from egov.accounts.services import create_api_token
from egov.dossiers.models import Dossier
from egov.dossiers.outbox import deliver_due
from egov.dossiers.tests.factories import commune_procedure, scanned
from egov.dossiers.tests.online_factories import FORM, citizen, filled_draft, online_procedure
from egov.integrations.models import SimulatedSync
from egov.integrations.simulators import sync_problems
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

pytestmark = pytest.mark.django_db(transaction=True)
JSON = "application/json"


@pytest.fixture(autouse=True)
def portal(settings, live_server):
    """The outbox speaks HTTP to egov's own portal simulator, which validates every push."""
    settings.EGOV_NATIONAL_PORTAL_URL = f"{live_server.url}/mo-phong/dvcqg/"
    settings.EGOV_SMS_URL = f"{live_server.url}/mo-phong/sms/"
    settings.EGOV_POPULATION_URL = "http://127.0.0.1:9/dan-cu/"
    settings.EGOV_INTEGRATION_TIMEOUT = 30
    return live_server


def pushed(code: str) -> dict[str, Any]:
    """The last payload the portal accepted for the dossier."""
    _notes, syncs = deliver_due()
    assert syncs.failed == 0
    push = SimulatedSync.objects.filter(dossier_code=code).order_by("-received_at").first()
    assert push is not None, "the portal did not accept the push"
    payload: dict[str, Any] = push.payload
    return payload


def submit_online(client, version, owner, unit) -> Dossier:
    draft = filled_draft(version, owner, unit)
    client.force_login(owner)
    response = client.post(
        reverse("portal:online_draft", args=[draft.pk]), {**FORM, "do": "submit", "receiving_unit": unit.pk}
    )
    assert response.status_code == 302, response.content
    return Dossier.objects.get(citizen=owner)


def test_an_online_dossier_from_a_vneid_account_carries_the_flag(client, province):
    version = online_procedure()
    vouched = citizen()
    CitizenIdentity.objects.create(
        user=vouched,
        issuer="https://vneid.example/",
        subject="vneid-1",
        national_id="019090001234",
        level="2",
    )
    plain = citizen("congdan.binh", national_id="019195004567")

    with_vneid = submit_online(client, version, vouched, province.commune)
    client.logout()
    without = submit_online(client, version, plain, province.commune)

    assert with_vneid.submitted_with_vneid is True
    payload = pushed(with_vneid.code)
    assert payload["TaiKhoanDuocXacThucVoiVNeID"] == 1
    assert (payload["DuocSoHoa"], payload["HoSoCoThanhPhanSoHoa"]) == (0, 0)  # uploaded, not scanned
    assert pushed(without.code)["TaiKhoanDuocXacThucVoiVNeID"] == 0


def test_a_desk_dossier_keeps_scanned_and_reused_papers_apart(client, province):
    version = commune_procedure()
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.dh")
    _token, raw = create_api_token(desk, name="Một cửa", created_by=None)
    scan = scanned(province.commune, desk, "Tờ khai")
    earlier = scanned(province.commune, desk, "Kết quả lần trước")  # digitised before, reused now
    body = {
        "procedure": version.procedure.code,
        "receiving_unit": province.commune.identifier,
        "channel": 1,
        "applicant": {"name": "Trần Thị Bình", "id_number": "019090005678", "phone": "0987654321"},
        "components": [
            {"component_position": 1, "document_id": scan.pk},
            {"component_position": 2, "document_id": earlier.pk, "reused": True},
        ],
        "outcome": {"decision": "accept"},
    }

    created = client.post("/api/v1/dossiers", body, content_type=JSON, HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert created.status_code == 201, created.content
    code = created.json()["code"]
    assert [(c["is_digitised"], c["is_reused"]) for c in created.json()["components"]] == [
        (True, False),
        (False, True),
    ]
    payload = pushed(code)
    assert payload["TaiKhoanDuocXacThucVoiVNeID"] == 0  # nobody logged in to submit it
    assert (payload["DuocSoHoa"], payload["HoSoCoThanhPhanSoHoa"]) == (1, 1)
    papers = payload["ThanhPhanHoSo"]
    assert [(p["DuocSoHoa"], p["TaiSuDung"]) for p in papers] == [(1, 0), (0, 1)]
    assert sum(p["DuocSoHoa"] for p in papers) == 1
    assert sum(p["TaiSuDung"] for p in papers) == 1


def test_the_portal_refuses_a_paper_both_scanned_and_reused():
    paper = {"TenThanhPhan": "Tờ khai", "DuocSoHoa": 1, "TaiSuDung": 1, "DuocLayTuKhoDMQG": 0}
    problems = sync_problems({"ThanhPhanHoSo": [paper]})
    assert any("tái sử dụng" in problem for problem in problems)
    assert not any(
        "ThanhPhanHoSo" in p for p in sync_problems({"ThanhPhanHoSo": [{**paper, "TaiSuDung": 0}]})
    )
