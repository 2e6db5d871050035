"""Use case: an integration or a staff page uses /api/v1/documents."""

import hashlib

from egov.core.models import AuditEntry
from egov.documents.models import Document
from egov.documents.tests.files import image_bytes, pdf_bytes
from egov.documents.tests.helpers import make_document, upload


def test_create_list_detail_download(client, specialist, province):
    client.force_login(specialist)
    content = pdf_bytes("Qua API")

    created = client.post(
        "/api/v1/documents",
        {
            "title": "Văn bản qua API",
            "unit": province.department.identifier,
            "file": upload("api.pdf", content),
        },
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["title"] == "Văn bản qua API"
    assert body["unit"] == "H51.10"
    assert body["current_version"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["current_version"]["page_count"] == 1
    assert [v["number"] for v in body["versions"]] == [1]

    listed = client.get("/api/v1/documents", {"q": "van ban qua api"})
    assert listed.status_code == 200
    assert listed.json()["count"] == 1
    assert listed.json()["items"][0]["id"] == body["id"]

    detail = client.get(f"/api/v1/documents/{body['id']}")
    assert detail.json()["versions"][0]["filename"] == "api.pdf"

    download = client.get(f"/api/v1/documents/{body['id']}/versions/1/content")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Disposition"] == 'attachment; filename="api.pdf"'
    assert AuditEntry.objects.filter(action="document.downloaded").count() == 1


def test_new_version_through_the_api(client, specialist, document):
    client.force_login(specialist)

    response = client.post(
        f"/api/v1/documents/{document.pk}/versions", {"file": upload("v2.pdf", pdf_bytes("v2"))}
    )

    assert response.status_code == 201
    assert response.json()["number"] == 2
    assert client.get(f"/api/v1/documents/{document.pk}/versions/2/content").status_code == 200


def test_bad_file_is_a_json_error_and_stores_nothing(client, specialist, province, media):
    client.force_login(specialist)

    response = client.post(
        "/api/v1/documents",
        {"title": "x", "unit": province.department.identifier, "file": upload("x.pdf", image_bytes())},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_data"
    assert "but the content is PNG" in response.json()["message"]
    assert not Document.objects.exists()
    assert not (media / "documents").exists()


def test_unit_must_be_one_of_the_callers(client, desk_officer, province):
    client.force_login(desk_officer)

    other = client.post(
        "/api/v1/documents",
        {"title": "x", "unit": province.department.identifier, "file": upload("a.pdf", pdf_bytes())},
    )
    unknown = client.post(
        "/api/v1/documents", {"title": "x", "unit": "H99", "file": upload("a.pdf", pdf_bytes())}
    )

    assert other.status_code == 403
    assert unknown.status_code == 422
    assert not Document.objects.exists()


def test_list_shows_only_visible_documents(client, specialist, outsider, province, document):
    make_document(outsider, province.other_commune, "Của xã Võ Nhai", content=pdf_bytes("vn"))
    client.force_login(outsider)

    response = client.get("/api/v1/documents")

    assert [item["title"] for item in response.json()["items"]] == ["Của xã Võ Nhai"]


def test_anonymous_is_refused(client, document):
    assert client.get("/api/v1/documents").status_code == 401
    assert client.get(f"/api/v1/documents/{document.pk}").status_code == 401


def test_blank_title_is_refused(client, specialist, province, media):
    client.force_login(specialist)

    response = client.post(
        "/api/v1/documents",
        {"title": "   ", "unit": province.department.identifier, "file": upload("a.pdf", pdf_bytes())},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 422
    assert "title" in response.json()["details"]
    assert not Document.objects.exists()
    assert not (media / "documents").exists()
