"""Fixtures of the signature tests: a demo PKI per test session, certificates, PDFs."""

import pytest

from egov.documents.tests.files import pdf_bytes
from egov.signatures import pki, services
from egov.signatures.models import SigningCertificate

PIN = "123456"


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("pki")


@pytest.fixture(autouse=True)
def demo_pki(settings, pki_dir, tmp_path) -> pki.DemoPki:
    """One demo CA for the session (fast); certificates point at settings.SITE_URL."""
    settings.EGOV_PKI_DIR = pki_dir
    settings.EGOV_TRUST_ROOTS = []
    settings.EGOV_TSA_URL = ""  # the demo TSA at SITE_URL, wherever a test points SITE_URL
    settings.MEDIA_ROOT = tmp_path / "media"
    return pki.ensure_demo_pki()


@pytest.fixture
def leader_cert(leader, province) -> SigningCertificate:
    return services.issue_certificate(
        kind="personal", pin=PIN, issued_by=None, owner=leader, unit=province.department
    )


@pytest.fixture
def seal_cert(clerk, province) -> SigningCertificate:
    return services.issue_certificate(kind="seal", pin=PIN, issued_by=None, unit=province.department)


@pytest.fixture
def pdf() -> bytes:
    return pdf_bytes("Quyet dinh so 12/QD-STP", "Trang 2")


@pytest.fixture
def document(leader, province, pdf):
    """A two-page PDF of Sở Tư pháp, uploaded by its leader."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from egov.documents.services import create_document

    return create_document(
        title="Quyết định phê duyệt",
        unit=province.department,
        file=SimpleUploadedFile("quyet-dinh.pdf", pdf, content_type="application/pdf"),
        uploaded_by=leader,
    )
