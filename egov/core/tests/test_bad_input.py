"""Use case: a mistyped or hostile address gets a 400 or 404, never a 500 (on SQLite and PostgreSQL).

NUL bytes, lone surrogates, integers past 64 bits, dates past year 9999 and fractions of a minute
each used to reach the database or the date arithmetic and fail there.
"""

import datetime as dt

import pytest
from django.test import Client

from egov.accounts.services import create_api_token
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

JSON = "application/json"
HUGE = "99999999999999999999"


@pytest.fixture
def officer(province):
    officer = make_member(Role.DESK_OFFICER, province.commune, "motcua.loi")
    for role in (Role.LEADER, Role.SPECIALIST):
        from egov.organization.services import grant_role

        grant_role(officer, granted_by=None, unit=province.commune, role=role)
    return officer


@pytest.fixture
def dossier(province, officer):
    return receive(commune_procedure(days="2"), province.commune, officer)


@pytest.fixture
def staff_client(officer) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    return client


@pytest.fixture
def api_client(officer) -> Client:
    _token, raw = create_api_token(officer, name="loi", created_by=None)
    return Client(raise_request_exception=False, headers={"Authorization": f"Bearer {raw}"})


PAGES = [
    "/thu-tuc/%00/",
    "/tra-cuu/%00/",
    "/thu-tuc/?q=%00",
    "/can-bo/ho-so/%00/",
    "/can-bo/ho-so/?page=" + HUGE,
    "/can-bo/ho-so/?received_to=0",
    "/can-bo/ho-so/?received_from=0001-01-01&received_to=9999-12-31",
    "/can-bo/ho-so/so-theo-doi/?unit=%00",
    "/can-bo/ho-so/so-theo-doi/?unit=H51.60&from=9999-12-31&to=9999-12-31",
    "/can-bo/thong-ke/?period=custom&date_from=9999-12-31&date_to=9999-12-31",
    "/can-bo/thong-ke/?year=" + HUGE,
    "/can-bo/tai-lieu/?q=%00&page=" + HUGE,
    "/can-bo/tai-lieu/" + HUGE + "/",
    "/phan-anh-kien-nghi/?page=" + HUGE,
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_answer_bad_input_without_a_server_error(staff_client, dossier, url):
    response = staff_client.get(url)
    assert response.status_code in (200, 302, 400, 404), (url, response.status_code)


def test_a_nul_in_a_page_address_or_query_is_a_400(client):
    assert client.get("/thu-tuc/%00/").status_code == 400
    assert client.get("/tra-cuu/", {"code": "H51\x00"}).status_code == 400


def test_a_nul_in_the_api_is_answered_in_its_error_format(client):
    response = client.get("/api/v1/units/H51%00")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert "ký tự không được phép" in response.json()["message"]
    english = client.get("/api/v1/units/H51%00", headers={"Accept-Language": "en"})
    assert "characters that are not allowed" in english.json()["message"]


def test_a_nul_in_a_cookie_or_a_form_never_reaches_the_session_table(client):
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/thu-tuc/").status_code == 400
    client.cookies.pop("sessionid")
    response = client.post("/tai-khoan/dang-nhap/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400


API = [
    "/api/v1/dossiers/abc%00",
    "/api/v1/units/%00",
    "/api/v1/documents?offset=" + HUGE,
    "/api/v1/documents?limit=" + HUGE,
    "/api/v1/dossiers?offset=" + HUGE,
    "/api/v1/dossiers?after=" + HUGE,
    "/api/v1/dossiers?received_to=9999-12-31",
    "/api/v1/dossiers?received_to=0",
    "/api/v1/documents/" + HUGE,
    "/api/v1/documents/1/versions/" + HUGE + "/content",
    "/api/v1/documents/" + HUGE + "/versions/1/content",
    "/api/v1/procedures?offset=" + HUGE,
    "/api/v1/units?limit=" + HUGE,
    "/api/v1/calendar/due?duration=1&start=9999-12-31T23:59:59%2B07:00",
    "/api/v1/calendar/due?duration=1e400",
    "/api/v1/statistics?period=custom&date_from=9999-12-31&date_to=9999-12-31",
]


@pytest.mark.parametrize("url", API)
def test_the_api_answers_bad_input_with_a_client_error_in_its_format(api_client, dossier, url):
    response = api_client.get(url)
    assert response.status_code in (400, 404, 422), (url, response.status_code)
    assert response.json()["code"] in ("invalid_input", "invalid_data", "not_found")


def test_a_date_written_as_a_number_is_not_read_as_1970(api_client, dossier):
    """pydantic reads `0` as a Unix time; the spec says yyyy-mm-dd, and so does the API now."""
    response = api_client.get("/api/v1/dossiers", {"received_to": "0"})
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "received_to"


def test_fractional_durations_count_whole_minutes(api_client):
    """1.33 working days is 638.4 minutes: the deadline drops the fraction instead of failing."""
    start = "2026-03-02T08:00:00+07:00"
    response = api_client.get("/api/v1/calendar/due", {"duration": "1.33", "start": start})
    assert response.status_code == 200, response.content
    # 638 minutes from Monday 08:00: Monday's 480 minutes, then 158 on Tuesday from 07:30.
    due = dt.datetime.fromisoformat(response.json()["due"])
    assert due.date() == dt.date(2026, 3, 3)

    whole = api_client.get("/api/v1/calendar/due", {"duration": "1.5", "unit": "calendar_days"})
    assert whole.status_code == 422


def test_nul_and_lone_surrogates_in_json_are_made_storable(api_client, dossier):
    """Stored on PostgreSQL too: NUL is removed, a lone surrogate becomes U+FFFD."""
    body = '{"reason": "Thi\\u0000\\u1ebfu gi\\ud800y t\\u1edd", "missing": ["B\\u1ea3n sao\\u0000"]}'
    response = api_client.post(f"/api/v1/dossiers/{dossier.code}/supplement-request", body, content_type=JSON)
    assert response.status_code in (200, 409, 422), response.content
    if response.status_code == 200:
        dossier.refresh_from_db()
        event = dossier.events.order_by("-pk").first()
        assert "\x00" not in event.note
