"""Use case: an officer uploads a new version; earlier versions stay as they were."""

from django.urls import reverse

from egov.core.models import AuditEntry
from egov.documents.models import DocumentVersion
from egov.documents.tests.files import image_bytes, pdf_bytes
from egov.documents.tests.helpers import upload


def test_new_version_becomes_current(client, leader, document, media):
    first = document.current_version
    client.force_login(leader)

    response = client.post(
        reverse("documents:add_version", args=[document.pk]),
        {"file": upload("ban-sua.pdf", pdf_bytes("Ban sua"))},
    )

    assert response.status_code == 302
    document.refresh_from_db()
    second = document.current_version
    assert (second.number, second.origin, second.created_by) == (2, "upload", leader)
    assert second.derived_from is None
    first.refresh_from_db()
    assert (first.number, first.sha256, first.file.name) == (
        1,
        document.versions.get(number=1).sha256,
        first.file.name,
    )
    assert (media / first.file.name).exists()
    assert AuditEntry.objects.filter(action="document.version_added", object_id=str(document.pk)).count() == 1


def test_bad_new_version_shows_the_error_on_the_document_page(client, leader, document):
    client.force_login(leader)

    response = client.post(
        reverse("documents:add_version", args=[document.pk]),
        {"file": upload("scan.pdf", image_bytes("JPEG"))},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert [e.code for e in response.context["version_form"].errors.as_data()["file"]] == ["type_mismatch"]
    assert "but the content is JPEG" in response.text
    assert DocumentVersion.objects.count() == 1


def test_detail_lists_versions_newest_first(client, leader, document):
    client.force_login(leader)
    client.post(
        reverse("documents:add_version", args=[document.pk]), {"file": upload("v2.pdf", pdf_bytes("v2"))}
    )

    response = client.get(reverse("documents:detail", args=[document.pk]), HTTP_ACCEPT_LANGUAGE="en")

    assert [v.number for v in response.context["versions"]] == [2, 1]
    assert 'id="version-2"' in response.text
    assert "Upload a new version" in response.text
