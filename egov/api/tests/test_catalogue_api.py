import pytest

from egov.demo.seed import seed_catalogue


@pytest.fixture
def catalogue(db) -> int:
    return seed_catalogue()


def test_search_is_accent_insensitive(client, catalogue):
    response = client.get("/api/v1/procedures", {"q": "dang ky ket hon"})

    body = response.json()
    assert response.status_code == 200
    assert "Đăng ký kết hôn" in [item["name"] for item in body["items"]]
    assert body["count"] == len(body["items"])


def test_list_is_paginated(client, catalogue):
    body = client.get("/api/v1/procedures", {"limit": 5, "offset": 5}).json()

    assert len(body["items"]) == 5
    assert body["count"] > 50


def test_detail_has_components_fees_and_steps(client, catalogue):
    body = client.get("/api/v1/procedures/1.001193").json()

    assert body["code"] == "1.001193"
    assert body["name"] == "Đăng ký khai sinh"
    assert body["in_force"] is True
    assert body["components"]
    assert body["steps"]
    assert {"number", "signed_on", "issuer"} <= set(body["decision"])


def test_versions_newest_first(client, catalogue):
    from egov.procedures.models import Procedure

    amended = Procedure.objects.filter(versions__number=2).distinct().first()
    body = client.get(f"/api/v1/procedures/{amended.code}/versions").json()

    assert [v["number"] for v in body] == sorted((v["number"] for v in body), reverse=True)
    assert body[0]["change"] == "amended"


def test_unknown_procedure_gives_a_json_404_in_vietnamese(client, catalogue):
    response = client.get("/api/v1/procedures/9.999999")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Không tìm thấy."}


def test_errors_are_in_english_when_asked(client, catalogue):
    response = client.get("/api/v1/procedures/9.999999", headers={"Accept-Language": "en"})

    assert response.json() == {"code": "not_found", "message": "Not found."}


def test_sectors(client, catalogue):
    body = client.get("/api/v1/sectors").json()

    assert {"code": "HOTICH", "name": "Hộ tịch"} in body
    assert len(body) >= 8
