"""Use case: a bad upload is refused with a clear reason, and nothing is stored."""

import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from egov.documents import validation
from egov.documents.models import Document, DocumentVersion
from egov.documents.tests.files import docx_bytes, image_bytes, pdf_bytes, zip_bomb_docx, zip_bytes
from egov.documents.tests.helpers import post_document, stored_files, upload


def truncated_pdf() -> bytes:
    content = pdf_bytes("Trang 1", "Trang 2")
    return content[: len(content) * 2 // 3]


def pdf_with_broken_page() -> bytes:
    """Ends with %%EOF, but a page's content stream points at an object that is not a stream."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes("Trang 1")))
    pdf.pages[0].obj.Contents = pdf.make_indirect(pikepdf.Dictionary(Foo=1))
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


BAD_UPLOADS = [
    ("truncated.pdf", truncated_pdf, "malformed_pdf"),
    ("broken-page.pdf", pdf_with_broken_page, "malformed_pdf"),
    ("garbage.pdf", lambda: b"%PDF-1.7\n" + b"\x00garbage" * 100 + b"\n%%EOF\n", "malformed_pdf"),
    ("encrypted.pdf", lambda: pdf_bytes("Mat", encrypt=True), "encrypted_pdf"),
    ("renamed.pdf", lambda: image_bytes("PNG"), "type_mismatch"),
    ("renamed.docx", lambda: pdf_bytes(), "type_mismatch"),
    (
        "spreadsheet.docx",
        lambda: docx_bytes().replace(b"word/document.xml", b"xl/workbook.xml\x00\x00"),
        "type_mismatch",
    ),
    ("empty.pdf", lambda: b"", "empty"),
    ("program.exe", lambda: b"MZ\x90\x00" + bytes(200), "unsupported_type"),
    ("noextension", lambda: pdf_bytes(), "unsupported_type"),
    ("bomb.docx", zip_bomb_docx, "decompression_bomb"),
    ("plain.docx", lambda: zip_bytes({"a.txt": b"hi"}), "malformed_file"),
    ("cut.png", lambda: image_bytes("PNG", size=(400, 400), mode="RGB")[:-200], "malformed_image"),
]


@pytest.mark.parametrize(("name", "make", "code"), BAD_UPLOADS)
def test_bad_upload_is_refused_and_nothing_is_stored(client, specialist, province, media, name, make, code):
    client.force_login(specialist)

    response = post_document(client, province.department, name, make())

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    # An empty file is refused by Django's FileField already, with the same code.
    assert [error.code for error in errors["file"]] == [code]
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert not (media / "documents").exists() or stored_files(media) == []


def test_error_is_shown_next_to_the_file_field(client, specialist, province):
    client.force_login(specialist)

    response = post_document(client, province.department, "renamed.pdf", image_bytes("PNG"))

    html = response.text
    assert "The file name ends in .pdf but the content is PNG." in html
    assert html.index("errorlist") < html.index('type="file"')


def test_oversize_upload_is_refused(client, specialist, province, media, settings):
    settings.EGOV_UPLOAD_MAX_BYTES = 1000
    client.force_login(specialist)

    response = post_document(
        client, province.department, "big.pdf", pdf_bytes("x" * 50, "y" * 50) + bytes(1000)
    )

    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == ["too_large"]
    assert "larger than the limit of 1000" in response.text
    assert not Document.objects.exists()
    assert not (media / "documents").exists()


@pytest.mark.parametrize("size", [(4000, 4000), (1100, 1000)], ids=["error", "warning"])
def test_decompression_bomb_image_is_refused(client, specialist, province, media, settings, size):
    # Pillow raises above twice the limit and warns just above it: both are refused.
    settings.EGOV_UPLOAD_MAX_PIXELS = 1_000_000
    client.force_login(specialist)

    response = post_document(client, province.department, "bomb.png", image_bytes("PNG", size=size, mode="1"))

    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == ["decompression_bomb"]
    assert not Document.objects.exists()
    assert not (media / "documents").exists()


def test_118_megapixel_png_is_refused_under_the_default_limit(client, specialist, province, media):
    # 11 800 × 10 000 one-bit pixels compress to a few kilobytes; Pillow reads the size from the
    # header when opening, so the refusal comes before any pixel is decoded.
    content = image_bytes("PNG", size=(11_800, 10_000), mode="1")
    assert len(content) < 100_000
    client.force_login(specialist)

    response = client.post(
        reverse("documents:create"),
        {"title": "Ảnh lớn", "unit": province.department.pk, "file": upload("anh.png", content)},
    )

    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == ["decompression_bomb"]
    assert "Tệp bị từ chối vì khi giải nén sẽ có dung lượng quá lớn bất thường." in response.text
    assert not Document.objects.exists()


def test_large_one_bit_scan_is_a_bomb_under_the_default_limit(settings):
    settings.EGOV_UPLOAD_MAX_PIXELS = 100_000_000
    content = image_bytes("PNG", size=(20000, 20000), mode="1")

    with pytest.raises(ValidationError) as caught:
        validation.check_content(content, "scan.png")

    assert caught.value.code == "decompression_bomb"


def test_zip_bomb_below_the_ratio_floor_is_refused_by_total_size(settings):
    settings.EGOV_UPLOAD_MAX_BYTES = 10_000  # 20 × 10 kB = 200 kB may be expanded at most

    with pytest.raises(ValidationError) as caught:
        validation.check_content(zip_bomb_docx(expanded_bytes=500_000), "bomb.docx")

    assert caught.value.code == "decompression_bomb"


def test_messages_are_english_msgids():
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        validation.check_content(pdf_bytes(encrypt=True), "a.pdf")

    assert caught.value.messages == [
        "The PDF is encrypted or protected by a password. Upload a copy without protection."
    ]


def test_client_mime_type_is_not_trusted(client, specialist, province):
    client.force_login(specialist)

    response = client.post(
        reverse("documents:create"),
        {
            "title": "x",
            "unit": province.department.pk,
            "file": upload("a.pdf", image_bytes(), "application/pdf"),
        },
    )

    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == ["type_mismatch"]
