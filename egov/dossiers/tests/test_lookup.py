"""Use case: the public status of a dossier by its code, as a read model and as JSON."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from egov.dossiers import services
from egov.dossiers.lookup import public_status
from egov.dossiers.models import Status
from egov.dossiers.tests.factories import commune_procedure, process_to_result, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.dh"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "tuphap.dh"),
        "leader": make_member(Role.LEADER, province.commune, "chutich.dh"),
    }


@pytest.fixture
def dossier(province, staff):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        dossier = receive(commune_procedure(days="2"), province.commune, staff["desk"])
        services.forward_dossier(dossier, by=staff["desk"])
    return dossier


def test_public_status_is_one_query_and_names_the_step(dossier, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = public_status(f" {dossier.code.lower()} ")

    assert found is not None
    assert (found.code, found.status, found.step_name, found.receiving_unit) == (
        dossier.code,
        Status.PROCESSING,
        "Thẩm định hồ sơ",
        "Xã Đồng Hỷ",
    )
    assert found.due_at == dt.datetime(2026, 3, 4, 9, 0, tzinfo=VN)
    assert found.finished_at is None
    assert public_status("H51.60-000000-0000") is None
    assert public_status("   ") is None


def test_a_finished_dossier_shows_its_dates_and_no_step(dossier, staff):
    with time_machine.travel(dt.datetime(2026, 3, 3, 10, 0, tzinfo=VN), tick=False):
        process_to_result(dossier, specialist=staff["specialist"], leader=staff["leader"])
        services.return_result(dossier, by=staff["desk"], method="desk")

    found = public_status(dossier.code)

    assert found.status == Status.RETURNED
    assert found.step_name == ""
    assert found.finished_at == found.returned_at == dt.datetime(2026, 3, 3, 10, 0, tzinfo=VN)


def test_the_json_lookup_is_public_and_has_no_personal_data(client, dossier):
    response = client.get(f"/api/v1/lookup/{dossier.code}", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "code",
        "procedure_code",
        "procedure_name",
        "status",
        "status_label",
        "step_name",
        "receiving_unit",
        "due_at",
        "received_at",
        "finished_at",
        "returned_at",
    }
    assert (body["status"], body["status_label"], body["step_name"]) == (
        4,
        "Being processed",
        "Thẩm định hồ sơ",
    )
    text = json.dumps(body, ensure_ascii=False)
    for secret in ("Nguyễn Văn An", "019090001234", "0912345678", "an@example.vn", "Xóm Làng Mới", "motcua"):
        assert secret not in text


def test_the_json_lookup_404_and_429(client, dossier):
    missing = client.get("/api/v1/lookup/KHONG-CO", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 30, tzinfo=VN), tick=False):
        statuses = [client.get(f"/api/v1/lookup/{dossier.code}").status_code for _ in range(30)]
        limited = client.get(f"/api/v1/lookup/{dossier.code}", HTTP_ACCEPT_LANGUAGE="en")

    assert set(statuses) == {200}
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert int(limited["Retry-After"]) == 30
