"""National portal sync adapter against its simulator, over real HTTP."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from egov.integrations.errors import IntegrationRejected, IntegrationUnavailable
from egov.integrations.models import SimulatedSync, SimulatorSwitch
from egov.integrations.national_portal import (
    DossierSyncPayload,
    make_idempotency_key,
    push_dossier_status,
    retry_delay,
)

live = pytest.mark.django_db(transaction=True)
RECEIVED = datetime(2025, 7, 1, 1, 30, tzinfo=UTC)  # 08:30 in Vietnam


def payload(**changes) -> DossierSyncPayload:
    values = {
        "MaHoSo": "000.00.32.H56-250701-0001",
        "MaTTHC": "1.012644",
        "MaDonVi": "000.00.32.H56",
        "KenhThucHien": 1,
        "TrangThaiHoSo": 2,
        "NgayTiepNhan": RECEIVED,
        "NgayHenTra": RECEIVED + timedelta(days=3),
        "DuocThanhToanTrucTuyen": 0,
        "DuocSoHoa": 1,
        "HoSoCoThanhPhanSoHoa": 1,
        "DuocLayTuKhoDMQG": 0,
        "MaCSDL": "",
        "TaiKhoanDuocXacThucVoiVNeID": 0,
        "idempotency_key": make_idempotency_key("000.00.32.H56-250701-0001", 1),
    }
    return DossierSyncPayload(**{**values, **changes})


@live
def test_push_is_stored_with_vietnam_time(simulators):
    receipt = push_dossier_status(payload())

    stored = SimulatedSync.objects.get()
    assert receipt.receipt_id == str(stored.receipt_id)
    assert not receipt.duplicate
    assert stored.idempotency_key == "000.00.32.H56-250701-0001#1"
    assert stored.payload["NgayTiepNhan"] == "2025-07-01T08:30:00+07:00"
    assert stored.payload["NgayKetThucXuLy"] is None
    assert "idempotency_key" not in stored.payload


@live
def test_repeated_push_counts_once_and_succeeds(simulators):
    first = push_dossier_status(payload())
    again = push_dossier_status(payload())

    assert again.duplicate
    assert again.receipt_id == first.receipt_id
    assert SimulatedSync.objects.count() == 1
    push_dossier_status(payload(TrangThaiHoSo=4, idempotency_key=make_idempotency_key("x", 2)))
    assert SimulatedSync.objects.count() == 2


@live
def test_portal_down_is_unavailable_then_the_retry_goes_through(simulators):
    switch = SimulatorSwitch.objects.create(name=SimulatorSwitch.Name.NATIONAL_PORTAL, failing=True)

    with pytest.raises(IntegrationUnavailable, match="503"):
        push_dossier_status(payload())
    assert not SimulatedSync.objects.exists()

    switch.failing = False
    switch.save()
    assert push_dossier_status(payload()).receipt_id


@live
@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"KenhThucHien": 4}, "KenhThucHien"),
        ({"TrangThaiHoSo": 11}, "TrangThaiHoSo"),
        ({"MaTTHC": ""}, "MaTTHC"),
        ({"MaDonVi": "ubnd đồng hỷ"}, "MaDonVi"),
        ({"TrangThaiHoSo": 10}, "NgayKetThucXuLy"),
        ({"NgayTiepNhan": None}, "NgayTiepNhan"),
        ({"NgayHenTra": RECEIVED - timedelta(days=1)}, "NgayHenTra"),
    ],
)
def test_invalid_payload_is_rejected_for_good(simulators, changes, complaint):
    with pytest.raises(IntegrationRejected) as caught:
        push_dossier_status(payload(**changes))

    assert caught.value.status == 400
    assert complaint in caught.value.message
    assert not SimulatedSync.objects.exists()


def test_naive_times_are_refused(no_http):
    with pytest.raises(ValueError, match="aware"):
        push_dossier_status(payload(NgayTiepNhan=datetime(2025, 7, 1, 8, 30)))


def test_retry_delay_grows_and_is_capped():
    for _ in range(20):
        delays = [retry_delay(attempt) for attempt in range(1, 12)]
        assert timedelta(seconds=24) <= delays[0] <= timedelta(seconds=30)
        assert timedelta(seconds=48) <= delays[1] <= timedelta(minutes=1)
        assert all(a < b for a, b in itertools.pairwise(delays[:8]))
        assert all(delay <= timedelta(hours=1) for delay in delays)
        assert timedelta(minutes=48) <= retry_delay(1000) <= timedelta(hours=1)
    with pytest.raises(ValueError, match="attempt"):
        retry_delay(0)


@live
def test_received_pushes_are_listed(simulators, staff_client):
    push_dossier_status(payload())

    page = staff_client.get("/mo-phong/dvcqg/")
    assert page.status_code == 200
    assert "000.00.32.H56-250701-0001#1" in page.content.decode()
