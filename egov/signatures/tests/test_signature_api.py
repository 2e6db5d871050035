"""The signature endpoints of /api/v1: sign the current version, validate, read the latest report."""

from django.test import Client

from egov.signatures.tests.conftest import PIN


def _client(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def test_sign_validate_and_read_latest(document, leader, leader_cert, specialist):
    client = _client(leader)
    assert client.get(f"/api/v1/documents/{document.pk}/validations/latest").status_code == 404
    response = client.post(
        f"/api/v1/documents/{document.pk}/signatures",
        {"certificate_id": leader_cert.pk, "pin": PIN, "level": "B-B"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 2
    assert response.json()["validation"]["status"] == "valid"

    wrong = client.post(
        f"/api/v1/documents/{document.pk}/signatures",
        {"certificate_id": leader_cert.pk, "pin": "111111", "level": "B-B"},
        content_type="application/json",
    )
    assert wrong.status_code == 422
    assert wrong.json()["message"] == "Wrong PIN."

    reader = _client(specialist)  # anyone of the unit may check signatures
    checked = reader.post(f"/api/v1/documents/{document.pk}/validations")
    assert checked.status_code == 201
    latest = reader.get(f"/api/v1/documents/{document.pk}/validations/latest").json()
    assert latest["id"] == checked.json()["id"]
    assert latest["status"] == "valid"
    [signature] = latest["signatures"]
    assert signature["trusted"]
    assert signature["revocation"]["status"] == "good"
