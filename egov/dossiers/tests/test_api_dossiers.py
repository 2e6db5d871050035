"""Use case: an integration or a staff page drives dossiers through /api/v1/dossiers."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from egov.accounts.services import create_api_token
from egov.dossiers.api import reading
from egov.dossiers.models import Dossier, DossierEvent, Status
from egov.dossiers.tests.factories import SIGNING_PIN, commune_procedure, receive, scanned
from egov.organization.models import Role
from egov.organization.tests.factories import make_member
from egov.signatures.services import issue_certificate

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)
JSON = "application/json"


@pytest.fixture(autouse=True)
def _monday_morning():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def staff(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.dh"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "tuphap.dh"),
        "leader": make_member(Role.LEADER, province.commune, "chutich.dh"),
    }


@pytest.fixture
def version(db):
    return commune_procedure(days="2")


@pytest.fixture
def dossier(version, province, staff):
    return receive(version, province.commune, staff["desk"])


def detail(client, code):
    response = client.get(f"/api/v1/dossiers/{code}")
    assert response.status_code == 200, response.content
    return response.json()


def act_once(client, code, action, status=200, **body):
    """POST the action with the revision just read: it works once, and the same request again is stale."""
    before = detail(client, code)
    payload = {"expected_revision": before["revision"], **body}
    url = f"/api/v1/dossiers/{code}/{action}"

    first = client.post(url, payload, content_type=JSON)
    assert first.status_code == status, first.content
    after = first.json()
    assert after["revision"] > before["revision"]

    events = DossierEvent.objects.count()
    replay = client.post(url, payload, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en")
    assert replay.status_code == 409, replay.content
    assert replay.json()["code"] == "conflict"
    assert "has changed since you read it" in replay.json()["message"]
    assert DossierEvent.objects.count() == events
    assert detail(client, code)["revision"] == after["revision"]
    return after


# --- Reading --------------------------------------------------------------------------------------


def test_list_and_detail_for_the_unit_and_nobody_else(client, dossier, outsider, citizen):
    client.force_login(Dossier.objects.get().events.first().actor)

    listed = client.get("/api/v1/dossiers").json()
    assert (listed["count"], [item["code"] for item in listed["items"]]) == (1, [dossier.code])
    body = detail(client, dossier.code)
    assert body["applicant"]["name"] == "Nguyễn Văn An"
    assert [c["catalogue_position"] for c in body["components"]] == [1]
    assert [e["kind"] for e in body["events"]] == ["registered", "received"]
    assert body["current_step_name"] == "Tiếp nhận, kiểm tra hồ sơ"
    assert dt.datetime.fromisoformat(body["deadlines"]["due_at"]) == dt.datetime(2026, 3, 4, 9, 0, tzinfo=VN)
    assert body["deadlines"]["working_minutes_left"] == 16 * 60

    for stranger in (outsider, citizen):
        client.force_login(stranger)
        assert client.get("/api/v1/dossiers").json() == {
            "count": 0,
            "more": False,
            "items": [],
            "next_after": None,
        }
        missing = client.get(f"/api/v1/dossiers/{dossier.code}")
        assert missing.status_code == 404
        assert missing.json()["code"] == "not_found"


def test_the_list_counts_up_to_the_cap_and_says_there_are_more(client, version, province, staff, monkeypatch):
    from egov.core import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    monkeypatch.setattr(reading, "COUNT_CAP", 2)
    for _ in range(3):
        receive(version, province.commune, staff["desk"])
    client.force_login(staff["desk"])

    listed = client.get("/api/v1/dossiers", {"limit": 1}).json()
    assert (listed["count"], listed["more"], len(listed["items"])) == (2, True, 1)
    one = client.get("/api/v1/dossiers", {"limit": 1, "q": listed["items"][0]["code"]}).json()
    assert (one["count"], one["more"]) == (1, False)


def test_the_list_filters_and_pages_with_bounded_queries(
    client, version, province, staff, django_assert_max_num_queries
):
    codes = [receive(version, province.commune, staff["desk"]).code for _ in range(5)]
    client.force_login(staff["desk"])

    # Session, user, the caller's memberships, units and consultations, the count, the page and
    # its units and assignees (one query each): the same whatever the page size, none per row.
    with django_assert_max_num_queries(11):
        first = client.get("/api/v1/dossiers", {"limit": 2}).json()
    with django_assert_max_num_queries(11):
        everything = client.get("/api/v1/dossiers", {"limit": 100}).json()

    assert [item["code"] for item in everything["items"]] == codes[::-1]
    assert [item["code"] for item in first["items"]] == codes[:2:-1][:2]
    second = client.get("/api/v1/dossiers", {"limit": 2, "after": first["next_after"]}).json()
    assert [item["code"] for item in second["items"]] == codes[2:0:-1]
    assert client.get("/api/v1/dossiers", {"limit": 2, "offset": 4}).json()["next_after"] is None
    assert client.get("/api/v1/dossiers", {"q": codes[0][-4:].lower()}).json()["count"] == 1
    assert client.get("/api/v1/dossiers", {"status": Status.PROCESSING}).json()["count"] == 0
    assert client.get("/api/v1/dossiers", {"procedure": "1.001193", "unit": "H51"}).json()["count"] == 5
    assert client.get("/api/v1/dossiers", {"received_from": "2026-03-03"}).json()["count"] == 0
    assert client.get("/api/v1/dossiers", {"received_to": "2026-03-02"}).json()["count"] == 5
    assert client.get("/api/v1/dossiers", {"limit": 101}).status_code == 400
    assert client.get("/api/v1/dossiers", {"unit": "H99"}).status_code == 422


def test_token_auth_and_no_anonymous_access(client, dossier, staff):
    assert client.get("/api/v1/dossiers").status_code == 401
    _token, raw = create_api_token(staff["desk"], name="Cổng tích hợp", created_by=None)

    response = client.get(f"/api/v1/dossiers/{dossier.code}", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 200
    assert response.json()["code"] == dossier.code


# --- Desk registration ----------------------------------------------------------------------------


def registration(version, unit, document_id, **overrides):
    body = {
        "procedure": version.procedure.code,
        "receiving_unit": unit.identifier,
        "channel": 1,
        "applicant": {"name": "Trần Thị Bình", "id_number": "019090005678", "phone": "0987654321"},
        "components": [
            {"component_position": 1, "document_id": document_id},
            {"component_position": 2, "exemption": "shown_only"},
        ],
        "outcome": {"decision": "accept"},
        "submission_key": "api-1",
    }
    return {**body, **overrides}


def test_desk_registration_through_the_api_once(client, version, province, staff):
    _token, raw = create_api_token(staff["desk"], name="Một cửa", created_by=None)
    document = scanned(province.commune, staff["desk"])
    body = registration(version, province.commune, document.pk)

    created = client.post("/api/v1/dossiers", body, content_type=JSON, HTTP_AUTHORIZATION=f"Bearer {raw}")
    again = client.post("/api/v1/dossiers", body, content_type=JSON, HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert created.status_code == 201, created.content
    assert created.json()["status"] == Status.RECEIVED
    assert created.json()["code"] == "H51.60-260302-0001"
    assert [c["document_id"] for c in created.json()["components"]] == [document.pk, None]
    assert (again.status_code, again.json()["code"]) == (200, created.json()["code"])
    assert Dossier.objects.count() == 1


def test_the_registration_answer_is_the_dossier_as_stored(
    client, version, province, staff, django_assert_max_num_queries
):
    """The 201 is built from what was just written, without reading the dossier back: it must
    say exactly what a later read says, and the receipt stays within its query budget."""
    _token, raw = create_api_token(staff["desk"], name="Một cửa", created_by=None)
    document = scanned(province.commune, staff["desk"])
    body = registration(version, province.commune, document.pk)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    # In one transaction: code counter, dossier, fee line, papers, the scan handed to the dossier
    # (audited), two events, audit entry, SMS and portal rows. Before it: token, catalogue entry
    # (papers, fees, steps read once), unit, the caller's right to the scan; calendar read once.
    # Answering from a re-read took 62. The tracking book number (checklist 29) adds its counter
    # row and, for a year's first entry as here, the closing of the years before. The version in
    # force comes with its procedure, and is not checked a second time. The applicant's citizen
    # account, by the ID number, takes one more.
    with django_assert_max_num_queries(49):
        created = client.post("/api/v1/dossiers", body, content_type=JSON, **bearer)

    assert created.status_code == 201, created.content
    stored = client.get(f"/api/v1/dossiers/{created.json()['code']}", **bearer)
    assert created.json() == stored.json()
    # Every moment is said in Vietnam's time, whether just computed or read back from the database.
    moments = [stored.json()["received_at"], stored.json()["deadlines"]["due_at"]]
    moments += [event["at"] for event in stored.json()["events"]]
    assert all(moment.endswith("+07:00") for moment in moments), moments


def test_bad_registrations_are_json_400_and_make_nothing(client, version, province, staff, outsider):
    client.force_login(staff["desk"])
    others = scanned(province.other_commune, outsider)

    unscanned = client.post(
        "/api/v1/dossiers",
        registration(version, province.commune, None, components=[]),
        content_type=JSON,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    foreign = client.post(
        "/api/v1/dossiers",
        registration(version, province.commune, others.pk),
        content_type=JSON,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    unknown = client.post(
        "/api/v1/dossiers",
        registration(version, province.commune, None, procedure="9.999"),
        content_type=JSON,
    )
    malformed = client.post("/api/v1/dossiers", {"procedure": "1.001193"}, content_type=JSON)

    assert unscanned.status_code == 422
    assert unscanned.json()["code"] == "invalid_data"
    assert "Missing or not scanned" in unscanned.json()["message"]
    assert foreign.status_code == 422
    assert "components" in foreign.json()["details"]
    assert "procedure" in unknown.json()["details"]
    assert (malformed.status_code, malformed.json()["code"]) == (400, "invalid_input")
    assert Dossier.objects.count() == 0


# --- Actions --------------------------------------------------------------------------------------


def test_the_whole_walk_each_action_once(client, dossier, province, staff):
    code = dossier.code
    client.force_login(staff["desk"])
    body = act_once(client, code, "forward")
    assert (body["status"], body["current_step"]) == (Status.PROCESSING, 2)

    client.force_login(staff["leader"])
    assert act_once(client, code, "assign", username="tuphap.dh")["assignee"] == "tuphap.dh"

    client.force_login(staff["specialist"])
    act_once(client, code, "appraisal", note="Hồ sơ hợp lệ")
    result = scanned(province.commune, staff["specialist"], "Giấy khai sinh")
    assert act_once(client, code, "result", document_id=result.pk)["result_document_id"] == result.pk
    assert act_once(client, code, "complete-step", note="Trình ký")["current_step"] == 3

    client.force_login(staff["leader"])
    assert act_once(client, code, "send-back", reason="Sửa lại dự thảo")["current_step"] == 2
    client.force_login(staff["specialist"])
    act_once(client, code, "complete-step")
    client.force_login(staff["leader"])
    extended = act_once(client, code, "extension", new_due_at="2026-03-06T16:00:00", reason="Cần xác minh")
    assert dt.datetime.fromisoformat(extended["due_at"]) == dt.datetime(2026, 3, 6, 16, 0, tzinfo=VN)
    certificate = issue_certificate(
        kind="personal", pin=SIGNING_PIN, issued_by=None, owner=staff["leader"], unit=province.commune
    )
    signed = client.post(
        f"/api/v1/documents/{result.pk}/signatures",
        {"certificate_id": certificate.pk, "pin": SIGNING_PIN, "level": "B-B"},
        content_type=JSON,
    )
    assert signed.status_code == 201, signed.content
    resolved = act_once(client, code, "complete-step")
    assert (resolved["status"], resolved["deadlines"]["timeliness"]) == (Status.RESOLVED, "early")

    client.force_login(staff["desk"])
    assert act_once(client, code, "fee-payment", method="direct")["fee_payment_method"] == "direct"
    returned = act_once(client, code, "return", method="desk")
    assert returned["status"] == Status.RETURNED
    statuses = [e["to_status"] for e in returned["events"] if e["to_status"]]
    assert statuses == [1, 2, 4, 9, 10]


def test_consultation_supplement_and_transfer(client, dossier, province, staff, outsider):
    code = dossier.code
    client.force_login(staff["desk"])
    act_once(client, code, "forward")

    client.force_login(staff["specialist"])
    asked = act_once(
        client,
        code,
        "consultations",
        status=201,
        units=["H51.61"],
        mode="sequential",
        content="Xác minh nơi cư trú",
    )
    consultation = asked["consultations"][0]
    assert (consultation["unit"]["identifier"], consultation["answered_at"]) == ("H51.61", None)

    client.force_login(outsider)  # a specialist of the consulted commune sees the dossier now
    answered = act_once(client, code, f"consultations/{consultation['id']}/answer", answer="Đã xác minh")
    assert answered["consultations"][0]["answer"] == "Đã xác minh"
    assert (
        client.post(
            f"/api/v1/dossiers/{code}/consultations/999999/answer", {"answer": "x"}, content_type=JSON
        ).status_code
        == 404
    )

    client.force_login(staff["specialist"])
    paused = act_once(client, code, "supplement-request", missing=["Ảnh 4x6"], reason="Thiếu ảnh")
    assert paused["status"] == Status.SUPPLEMENT_REQUESTED
    client.force_login(staff["desk"])
    assert act_once(client, code, "supplement-received")["status"] == Status.PROCESSING

    client.force_login(staff["leader"])
    moved = act_once(client, code, "transfer", unit="H51.61", reason="Nơi cư trú thuộc xã Võ Nhai")
    assert (moved["competent_unit"]["identifier"], moved["receiving_unit"]["identifier"]) == (
        "H51.61",
        "H51.60",
    )


def test_refusal_and_withdrawal(client, version, province, staff):
    refused, withdrawn = (
        receive(version, province.commune, staff["desk"]),
        receive(version, province.commune, staff["desk"]),
    )
    client.force_login(staff["desk"])
    act_once(client, refused.code, "forward")
    assert (
        act_once(client, withdrawn.code, "withdraw", reason="Công dân xin rút")["status"] == Status.WITHDRAWN
    )

    client.force_login(staff["leader"])
    body = act_once(client, refused.code, "refusal", reason="Không đủ điều kiện")
    assert (body["status"], body["outcome"]) == (Status.RESOLVED, "refused")


def test_expected_status_and_a_replay_without_expectations_are_409(client, dossier, staff):
    client.force_login(staff["desk"])
    url = f"/api/v1/dossiers/{dossier.code}/forward"

    assert client.post(url, {"expected_status": Status.RECEIVED}, content_type=JSON).status_code == 200
    stale = client.post(url, {"expected_status": Status.RECEIVED}, content_type=JSON)
    bare = client.post(url, {}, content_type=JSON)

    assert (stale.status_code, stale.json()["code"]) == (409, "conflict")
    assert (bare.status_code, bare.json()["code"]) == (409, "conflict")
    assert DossierEvent.objects.filter(dossier=dossier, kind="forwarded").count() == 1


def test_bad_action_input_and_forbidden_actions(client, dossier, staff):
    client.force_login(staff["desk"])
    client.post(f"/api/v1/dossiers/{dossier.code}/forward", {}, content_type=JSON)
    events = DossierEvent.objects.count()

    client.force_login(staff["specialist"])
    empty = client.post(
        f"/api/v1/dossiers/{dossier.code}/appraisal",
        {"note": " "},
        content_type=JSON,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    missing_field = client.post(f"/api/v1/dossiers/{dossier.code}/appraisal", {}, content_type=JSON)
    nobody = client.post(
        f"/api/v1/dossiers/{dossier.code}/assign", {"username": "khong-co"}, content_type=JSON
    )
    forbidden = client.post(f"/api/v1/dossiers/{dossier.code}/refusal", {"reason": "x"}, content_type=JSON)

    assert (empty.status_code, empty.json()["details"]["note"]) == (422, ["Write what the appraisal found."])
    assert (missing_field.status_code, missing_field.json()["code"]) == (400, "invalid_input")
    assert (nobody.status_code, list(nobody.json()["details"])) == (422, ["username"])
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "forbidden")
    assert DossierEvent.objects.count() == events


# --- Statistics -----------------------------------------------------------------------------------


def test_statistics_for_leaders_only(client, dossier, staff):
    client.force_login(staff["leader"])

    response = client.get("/api/v1/statistics", {"period": "month", "year": 2026, "month": 3})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["period_from"], body["period_to"]) == ("2026-03-01", "2026-03-31")
    assert [(row["key"], row["received"]) for row in body["rows"]] == [("H51.60", 1)]
    assert body["indicator_21"] == {"on_time": 1, "base": 1, "rate_percent": 100.0, "score": 20.0}
    assert client.get("/api/v1/statistics", {"unit": "H51.61"}).status_code == 422
    assert client.get("/api/v1/statistics", {"period": "custom"}).status_code == 422
    client.force_login(staff["specialist"])
    assert client.get("/api/v1/statistics").status_code == 403
