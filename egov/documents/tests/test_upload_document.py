"""Use case: an officer uploads a document; it is checked, stored under its hash, indexed and previewed."""

import hashlib

import pytest
from django.urls import reverse
from PIL import Image

from egov.core.models import AuditEntry
from egov.documents.models import Document, DocumentVersion
from egov.documents.tests.files import docx_bytes, image_bytes, odt_bytes, pdf_bytes, xlsx_bytes
from egov.documents.tests.helpers import post_document, stored_files


def test_upload_pdf_stores_version_under_hash_with_text_pages_and_preview(
    client, specialist, province, media
):
    content = pdf_bytes("Quyet dinh so 12", "Trang hai")
    client.force_login(specialist)

    response = post_document(
        client, province.department, "Quyết định 12.pdf", content, title="Quyết định số 12"
    )

    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:detail", args=[document.pk])
    version = DocumentVersion.objects.get()
    sha = hashlib.sha256(content).hexdigest()
    assert document.current_version == version
    assert document.unit == province.department
    assert document.search_title == "quyet dinh so 12"
    assert (version.number, version.origin, version.original_filename) == (1, "upload", "Quyết định 12.pdf")
    assert (version.sha256, version.size, version.mime_type) == (sha, len(content), "application/pdf")
    assert version.page_count == 2
    assert version.has_signatures is False
    assert version.file.name == f"documents/{sha[:2]}/{sha[2:4]}/{sha}"
    assert (media / version.file.name).read_bytes() == content
    assert "Quyet dinh so 12" in version.text
    assert "trang hai" in version.search_text
    with Image.open(media / version.preview.name) as preview:
        assert preview.format == "PNG"
        assert preview.width <= 800
    assert len(stored_files(media)) == 2  # the file and its preview
    entry = AuditEntry.objects.get(action="document.created")
    assert entry.actor_id == specialist.pk
    assert entry.object_id == str(document.pk)
    assert entry.after["sha256"] == sha


@pytest.mark.parametrize(
    ("name", "content", "mime_type", "pages", "text"),
    [
        (
            "to-trinh.docx",
            docx_bytes("Tờ trình số hóa"),
            "wordprocessingml.document",
            None,
            "Tờ trình số hóa",
        ),
        ("danh-sach.xlsx", xlsx_bytes(), "spreadsheetml.sheet", None, "Nguyễn Văn An"),
        ("bien-ban.odt", odt_bytes("Biên bản họp"), "opendocument.text", None, "Biên bản họp"),
        ("scan.jpg", image_bytes("JPEG"), "image/jpeg", 1, ""),
        ("scan.png", image_bytes("PNG"), "image/png", 1, ""),
        ("scan.tiff", image_bytes("TIFF", mode="1", frames=3), "image/tiff", 3, ""),
    ],
)
def test_attachments_and_scans_are_accepted(
    client, specialist, province, name, content, mime_type, pages, text
):
    client.force_login(specialist)

    response = post_document(client, province.department, name, content)

    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    assert mime_type in version.mime_type
    assert version.page_count == pages
    assert text in version.text
    # Scans get a preview; office attachments do not.
    assert bool(version.preview) == version.mime_type.startswith("image/")


def test_upload_form_offers_only_units_of_the_user(client, desk_officer, province):
    client.force_login(desk_officer)

    response = client.get(reverse("documents:create"))

    assert response.status_code == 200
    units = list(response.context["form"].fields["unit"].queryset)
    assert units == [province.commune]


def test_upload_into_another_unit_is_refused(client, desk_officer, province, media):
    client.force_login(desk_officer)

    response = post_document(client, province.department, "a.pdf", pdf_bytes())

    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Document.objects.exists()
    assert not (media / "documents").exists()


def test_citizen_has_no_upload_form(client, citizen):
    client.force_login(citizen)

    assert client.get(reverse("documents:create")).status_code == 404


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("documents:create"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
