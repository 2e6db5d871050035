"""Helpers of the documents tests: uploads over HTTP and through the service."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from egov.accounts.models import User
from egov.documents import services
from egov.documents.models import Document, DocumentVersion
from egov.documents.tests.files import bomb_pdf, javascript_pdf, pdf_bytes
from egov.organization.models import Unit


def stored_files(media: Path) -> list[Path]:
    """Files written under MEDIA_ROOT/documents."""
    return sorted(p for p in (media / "documents").rglob("*") if p.is_file())


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def logged_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def post_document(client: Client, unit: Unit, name: str, content: bytes, title: str = "Hồ sơ thử"):
    return client.post(
        reverse("documents:create"),
        {"title": title, "unit": unit.pk, "file": upload(name, content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def make_document(
    user: User, unit: Unit, title: str = "Quyết định bổ nhiệm", content: bytes | None = None
) -> Document:
    return services.create_document(
        title=title,
        unit=unit,
        file=upload("quyet-dinh.pdf", content or pdf_bytes("Quyet dinh bo nhiem can bo")),
        uploaded_by=user,
    )


# Hostile uploads every entry point must refuse through validation.check_upload, with the
# Vietnamese message each one shows (issue 11 item 16).
HOSTILE_PDFS = [
    pytest.param(
        "bom.pdf", bomb_pdf, "Tệp bị từ chối vì khi giải nén sẽ có dung lượng quá lớn bất thường.", id="bomb"
    ),
    pytest.param("ma-lenh.pdf", javascript_pdf, "Tệp PDF có chứa JavaScript", id="javascript"),
]


@dataclass(frozen=True)
class Stored:
    documents: int
    versions: int
    files: frozenset[Path]


def stored(media: Path) -> Stored:
    """What is stored: document rows and every file under MEDIA_ROOT."""
    return Stored(
        documents=Document.objects.count(),
        versions=DocumentVersion.objects.count(),
        files=frozenset(p for p in media.rglob("*") if p.is_file()),
    )
