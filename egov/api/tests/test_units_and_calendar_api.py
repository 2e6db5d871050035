import pytest


def test_units_list_and_subtree(client, province):
    body = client.get("/api/v1/units", {"parent": province.department.identifier}).json()

    assert [u["identifier"] for u in body["items"]] == [province.division.identifier]


def test_units_search_without_accents(client, province):
    body = client.get("/api/v1/units", {"q": "xa dong hy"}).json()

    assert [u["name"] for u in body["items"]] == ["Xã Đồng Hỷ"]


def test_unit_detail(client, province):
    body = client.get(f"/api/v1/units/{province.commune.identifier}").json()

    assert body["level"]["code"] == "commune"
    assert body["parent"] == province.province.identifier


@pytest.mark.django_db
def test_due_time_skips_tet_2026(client):
    response = client.get(
        "/api/v1/calendar/due",
        {"start": "2026-02-13T10:00:00+07:00", "duration": "1", "unit": "working_days"},
    )

    assert response.status_code == 200
    assert response.json()["due"].startswith("2026-02-23T10:00:00")


@pytest.mark.django_db
def test_due_time_counts_from_the_next_opening(client):
    body = client.get(
        "/api/v1/calendar/due",
        {"start": "2026-03-06T17:30:00+07:00", "duration": "4", "unit": "working_hours"},
    ).json()

    assert body["counted_from"].startswith("2026-03-09T07:00:00")
    assert body["due"].startswith("2026-03-09T11:00:00")


@pytest.mark.django_db
def test_due_time_rejects_a_naive_start_with_a_clear_message(client):
    response = client.get("/api/v1/calendar/due", {"start": "2026-03-06T08:00:00", "duration": "1"})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_data"
    assert "múi giờ" in response.json()["message"]


@pytest.mark.django_db
def test_due_time_rejects_bad_values(client):
    response = client.get("/api/v1/calendar/due", {"duration": "abc"})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


@pytest.mark.django_db
def test_calendar_days_of_2026(client):
    body = client.get("/api/v1/calendar/days", {"year": 2026}).json()

    days = {d["date"]: d for d in body}
    assert days["2026-02-17"]["is_working_day"] is False
    assert days["2026-08-22"]["is_working_day"] is True


def test_me_requires_authentication(client, db):
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_me_with_an_api_token(client, specialist):
    from egov.accounts.services import create_api_token

    _token, raw = create_api_token(specialist, name="tích hợp thử", created_by=None)

    body = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).json()

    assert body["username"] == "chuyenvien"
    assert body["memberships"][0]["role"] == "specialist"


@pytest.mark.django_db
def test_openapi_and_docs_are_served(client):
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "egov API"
    assert client.get("/api/v1/docs").status_code == 200
