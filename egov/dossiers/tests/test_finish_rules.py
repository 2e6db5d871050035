"""A dossier cannot be finished with nothing to show (ND 61/2018 Điều 19 khoản 4, 6, 7; Điều 20).

The step that drafts the result needs it attached, the leader's step needs a valid signature by
the leader on it, an open consultation blocks the step, and the return needs something to hand
over. Once the step has moved on, the specialist can no longer act on it.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from egov.documents.services import add_version
from egov.dossiers import services
from egov.dossiers.models import Consultation, Status
from egov.dossiers.tests.factories import (
    SIGNING_PIN,
    commune_procedure,
    draft_result,
    receive,
    sign_result,
    tiny_pdf,
)
from egov.organization.models import Role
from egov.organization.tests.factories import make_member
from egov.procedures.models import ProcessStep, default_step_outputs
from egov.signatures.services import add_seal, issue_certificate

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)
JSON = "application/json"

pytestmark = pytest.mark.usefixtures("_monday")


@pytest.fixture
def _monday():
    with time_machine.travel(MONDAY, tick=True):
        yield


@pytest.fixture
def staff(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.kq"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "tuphap.kq"),
        "leader": make_member(Role.LEADER, province.commune, "chutich.kq"),
        "clerk": make_member(Role.CLERK, province.commune, "vanthu.kq"),
    }


@pytest.fixture
def processing(province, staff):
    """A dossier in the specialist's step (step 2 of desk, specialist, leader, desk)."""
    dossier = receive(commune_procedure(), province.commune, staff["desk"])
    services.forward_dossier(dossier, by=staff["desk"])
    return dossier


@pytest.fixture
def at_leader(processing, staff):
    draft_result(processing, staff["specialist"])
    services.complete_step(processing, by=staff["specialist"])
    assert processing.current_step == 3
    return processing


def test_imported_steps_say_what_they_must_produce(processing):
    steps = list(processing.procedure_version.steps.order_by("position"))
    assert [s.output for s in steps] == ["", "result", "signature", ""]
    assert default_step_outputs(["desk_officer", "specialist", "desk_officer"]) == ["", "result", ""]
    assert default_step_outputs(["desk_officer", "desk_officer"]) == ["", ""]
    assert default_step_outputs(["desk_officer", "leader", "desk_officer"]) == ["", "signature", ""]


def test_the_drafting_step_needs_the_result(processing, staff):
    with pytest.raises(ValidationError, match="dự thảo hoặc đính kèm kết quả"):
        services.complete_step(processing, by=staff["specialist"])
    assert processing.current_step == 2

    draft_result(processing, staff["specialist"])
    services.complete_step(processing, by=staff["specialist"])
    assert processing.current_step == 3


def test_the_leaders_step_needs_the_leaders_valid_signature(at_leader, staff, province):
    with pytest.raises(ValidationError, match="chưa có chữ ký số hợp lệ"):
        services.complete_step(at_leader, by=staff["leader"])

    # A seal is not the competent person's signature.
    seal = issue_certificate(kind="seal", pin=SIGNING_PIN, issued_by=None, unit=province.commune)
    add_seal(
        at_leader.result_document.current_version,
        seal_certificate=seal,
        pin=SIGNING_PIN,
        signed_by=staff["clerk"],
        level="B-B",
    )
    with pytest.raises(ValidationError, match="chưa có chữ ký số hợp lệ"):
        services.complete_step(at_leader, by=staff["leader"])

    at_leader.result_document.refresh_from_db()
    sign_result(at_leader, staff["leader"])
    services.complete_step(at_leader, by=staff["leader"])
    assert at_leader.status == Status.RESOLVED


def test_a_version_uploaded_after_signing_is_unsigned_again(at_leader, staff):
    sign_result(at_leader, staff["leader"])
    add_version(at_leader.result_document, file=tiny_pdf("ban-sua.pdf"), uploaded_by=staff["specialist"])
    at_leader.result_document.refresh_from_db()

    with pytest.raises(ValidationError, match="chưa có chữ ký số hợp lệ"):
        services.complete_step(at_leader, by=staff["leader"])
    assert at_leader.status == Status.PROCESSING


def test_an_open_consultation_blocks_the_step(processing, staff, province):
    draft_result(processing, staff["specialist"])
    # One unit consulted "all at once" needs no lead unit: it leads itself.
    [consultation] = services.consult_units(
        processing,
        by=staff["specialist"],
        units=[province.department],
        content="Xin ý kiến về nơi cư trú",
        mode=Consultation.Mode.PARALLEL,
    )
    assert consultation.is_lead

    with pytest.raises(ValidationError, match=province.department.name):
        services.complete_step(processing, by=staff["specialist"])

    answerer = make_member(Role.SPECIALIST, province.department, "cv.so.kq")
    services.answer_consultation(consultation, by=answerer, answer="Đồng ý")
    services.complete_step(processing, by=staff["specialist"])
    assert processing.current_step == 3


def test_the_specialist_cannot_act_on_the_leaders_step(at_leader, staff, client):
    assert at_leader.assignee is None or at_leader.assignee == staff["specialist"]
    at_leader.assignee = staff["specialist"]
    at_leader.save(update_fields=["assignee"])
    for action in (
        lambda: services.record_appraisal(at_leader, by=staff["specialist"], note="Sửa"),
        lambda: services.complete_step(at_leader, by=staff["specialist"]),
        lambda: services.request_supplement(at_leader, by=staff["specialist"], missing=["x"], reason="y"),
    ):
        with pytest.raises(PermissionDenied):
            action()

    client.force_login(staff["specialist"])
    revision = client.get(f"/api/v1/dossiers/{at_leader.code}").json()["revision"]
    response = client.post(
        f"/api/v1/dossiers/{at_leader.code}/appraisal",
        {"expected_revision": revision, "note": "Sửa"},
        content_type=JSON,
    )
    assert response.status_code == 403, response.content


def test_the_return_needs_something_to_hand_over(province, staff, client):
    version = commune_procedure(
        "2.000908",
        days="2",
        steps=[
            {"name": "Tiếp nhận", "role": "desk_officer", "hours": "1"},
            {"name": "Xử lý", "role": "specialist", "hours": "14"},
            {"name": "Trả kết quả", "role": "desk_officer", "hours": "1"},
        ],
    )
    dossier = receive(version, province.commune, staff["desk"])
    services.forward_dossier(dossier, by=staff["desk"])
    ProcessStep.objects.filter(version=version).update(output="")  # a paper-only procedure
    services.complete_step(dossier, by=staff["specialist"])
    assert dossier.status == Status.RESOLVED

    client.force_login(staff["desk"])
    revision = client.get(f"/api/v1/dossiers/{dossier.code}").json()["revision"]
    refused = client.post(
        f"/api/v1/dossiers/{dossier.code}/return",
        {"expected_revision": revision, "method": "desk"},
        content_type=JSON,
    )
    assert refused.status_code == 422
    assert "paper result" in refused.json()["message"] or "giấy" in refused.json()["message"]
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED

    returned = client.post(
        f"/api/v1/dossiers/{dossier.code}/return",
        {"expected_revision": revision, "method": "desk", "paper_result": "Giấy xác nhận số 15/GXN"},
        content_type=JSON,
    )
    assert returned.status_code == 200, returned.content
    dossier.refresh_from_db()
    assert (dossier.status, dossier.paper_result) == (Status.RETURNED, "Giấy xác nhận số 15/GXN")


def test_a_refusal_is_returned_without_another_result(processing, staff):
    services.refuse_after_appraisal(processing, by=staff["leader"], reason="Không đủ điều kiện")
    services.return_result(processing, by=staff["desk"], method="desk")
    assert processing.status == Status.RETURNED


def test_the_desk_records_the_paper_result_of_an_immediate_procedure(province, staff):
    version = commune_procedure(
        "2.000909", days="0.5", steps=[{"name": "Tiếp nhận và trả", "role": "desk_officer", "hours": "4"}]
    )
    dossier = receive(version, province.commune, staff["desk"])
    with pytest.raises(ValidationError):
        services.resolve_at_desk(dossier, by=staff["desk"])
    assert dossier.status == Status.RECEIVED

    services.resolve_at_desk(dossier, by=staff["desk"], paper_result="Bản sao chứng thực số 88")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.paper_result) == (Status.RETURNED, "Bản sao chứng thực số 88")
