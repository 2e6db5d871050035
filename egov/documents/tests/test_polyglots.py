"""Use case: a file that is both a scan and a web page is never served as the page, nor kept as one.

A polyglot (a JPEG with `<script>` in a comment, a PDF with HTML after %%EOF) is a valid scan, so
it is accepted and kept as the applicant sent it. It is served only as an attachment with its
sniffed type and `nosniff`, so no browser renders it as HTML; and its digitised copy is written
anew (images re-encoded, the PDF rewritten), so the payload does not travel into the archive.
"""

import io

import pytest
from django.urls import reverse

from egov.documents.models import Document, DocumentVersion
from egov.documents.tests.files import pdf_bytes
from egov.documents.tests.helpers import upload
from egov.documents.tests.test_ocr_engine import scanned_page

PAYLOAD = b"<script>alert(document.cookie)</script>"
HTML = b"<html><body>" + PAYLOAD + b"</body></html>"


def jpeg_with_script() -> bytes:
    """A 300 dpi scan whose JPEG comment segment (COM) is an HTML page."""
    buffer = io.BytesIO()
    page = scanned_page("Giấy chứng sinh số 42 cấp cho trẻ Nguyễn Bình An", size=(1748, 1000))
    page.save(buffer, format="JPEG", dpi=(300, 300), quality=90, comment=HTML)
    return buffer.getvalue()


def scanned_pdf_with_html() -> bytes:
    """A PDF scan followed, after its %%EOF, by an HTML page."""
    buffer = io.BytesIO()
    page = scanned_page("Tờ khai đăng ký khai sinh của bà Nguyễn Thị Ánh", size=(1748, 1000))
    page.save(buffer, format="PDF", resolution=300)
    return buffer.getvalue() + b"\n" + HTML + b"\n"


POLYGLOTS = [
    pytest.param("giay-chung-sinh.jpg", jpeg_with_script, "image/jpeg", id="jpeg"),
    pytest.param("to-khai.pdf", scanned_pdf_with_html, "application/pdf", id="pdf"),
    pytest.param(
        "van-ban.pdf", lambda: pdf_bytes("Van ban") + HTML, "application/pdf", id="born-digital-pdf"
    ),
]


@pytest.mark.parametrize(("name", "make", "mime_type"), POLYGLOTS)
def test_a_polyglot_is_downloaded_as_an_attachment_of_its_sniffed_type(
    client, specialist, province, name, make, mime_type
):
    content = make()
    assert PAYLOAD in content
    client.force_login(specialist)
    client.post(
        reverse("documents:create"),
        {"title": "Giấy tờ", "unit": province.department.pk, "file": upload(name, content, "text/html")},
    )
    version = DocumentVersion.objects.get()
    assert version.mime_type == mime_type

    response = client.get(reverse("documents:download", args=[version.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == mime_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    # The original is kept as sent (it is the applicant's paper).
    assert b"".join(response.streaming_content) == content


@pytest.mark.parametrize(("name", "make", "mime_type"), POLYGLOTS)
def test_the_digitised_copy_of_a_polyglot_does_not_carry_its_payload(
    client, specialist, province, django_capture_on_commit_callbacks, name, make, mime_type
):
    client.force_login(specialist)
    client.post(
        reverse("documents:create"),
        {"title": "Giấy tờ", "unit": province.department.pk, "file": upload(name, make())},
    )
    scan = DocumentVersion.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("documents:digitise", args=[scan.pk]))

    assert response.status_code == 302
    document = Document.objects.get()
    digitised = document.current_version
    assert digitised is not None
    assert digitised.origin == DocumentVersion.Origin.OCR, scan.digitisation_jobs.get().error
    with digitised.file.open("rb") as handle:
        stored = handle.read()
    assert b"<script" not in stored.lower()
    assert b"<html" not in stored.lower()
    downloaded = client.get(reverse("documents:download", args=[digitised.pk]))
    assert b"<script" not in b"".join(downloaded.streaming_content).lower()
