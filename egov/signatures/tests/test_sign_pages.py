"""The signing screens over HTTP: sign, check again, upload a signed PDF, my certificates."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from egov.core.models import AuditEntry
from egov.documents.models import Document, DocumentVersion
from egov.signatures.models import SignatureValidation
from egov.signatures.tests.conftest import PIN


def _client(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def test_leader_signs_then_checks_again(document, leader, leader_cert):
    client = _client(leader)
    page = client.get(f"/can-bo/ky-so/tai-lieu/{document.pk}/").content.decode()
    assert 'type="password"' in page
    assert 'inputmode="numeric"' in page
    assert 'autocomplete="off"' in page
    response = client.post(
        f"/can-bo/ky-so/tai-lieu/{document.pk}/ky/",
        {"sign-certificate": leader_cert.pk, "sign-level": "B-T", "sign-pin": PIN},
        follow=True,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The document was signed at level PAdES B-T." in body
    assert "All signatures are valid" in body
    assert "PAdES B-T" in body
    document.refresh_from_db()
    signed = document.current_version
    assert signed.origin == DocumentVersion.Origin.SIGNED
    assert signed.has_signatures
    assert AuditEntry.objects.filter(action="signatures.signed", object_id=str(signed.pk)).exists()

    again = client.post(f"/can-bo/ky-so/tai-lieu/{document.pk}/phien-ban/{signed.pk}/kiem-tra/")
    assert again.status_code == 302
    assert SignatureValidation.objects.filter(version=signed).count() == 2


def test_upload_a_signed_pdf_to_check_it(document, leader, leader_cert, specialist):
    from egov.signatures import services

    signed = services.sign_version(
        document.current_version, certificate=leader_cert, pin=PIN, level="B-B", signed_by=leader
    )
    with signed.file.open("rb") as handle:
        content = handle.read()
    client = _client(specialist)
    response = client.post(
        "/can-bo/ky-so/kiem-tra/",
        {
            "title": "Văn bản nhận được",
            "file": SimpleUploadedFile("nhan.pdf", content, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    uploaded = Document.objects.get(title="Văn bản nhận được")
    validation = SignatureValidation.objects.get(version=uploaded.current_version)
    assert validation.status == "valid"
    page = client.get(response["Location"]).content.decode()
    assert "All signatures are valid" in page
    assert 'name="sign-pin"' not in page  # a specialist signs nothing


def test_my_certificates(leader, leader_cert):
    page = _client(leader).get("/can-bo/ky-so/chung-thu/").content.decode()
    assert leader_cert.serial in page
    assert "in force" in page
