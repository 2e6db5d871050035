"""A signature never comes out weaker than asked without saying so (issue 11, items 1 and 2).

egov's demo PKI follows where egov runs: certificates issued while it ran on port 8000 still get
their revocation status when it runs on 8123. When the TSA or the revocation services really
cannot be reached, signing refuses with the reason instead of silently giving B-T or B-B.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.documents.services import create_document
from egov.signatures import pki, services, validation
from egov.signatures.signing import SigningError
from egov.signatures.tests.conftest import PIN
from egov.signatures.validation import validate_pdf

UNREACHABLE = "http://127.0.0.1:9"  # the discard port: nothing listens there


@pytest.fixture
def document(leader, province, pdf):
    return create_document(
        title="Quyết định",
        unit=province.department,
        file=SimpleUploadedFile("qd.pdf", pdf, content_type="application/pdf"),
        uploaded_by=leader,
    )


def test_certificates_issued_under_another_address_keep_their_revocation_status(
    settings, leader, province, document
):
    settings.SITE_URL = "http://127.0.0.1:8000"
    cert = services.issue_certificate(
        kind="personal", pin=PIN, issued_by=None, owner=leader, unit=province.department
    )

    settings.SITE_URL = "http://127.0.0.1:8123"  # the same demo, now served on another port
    settings.EGOV_TSA_URL = "http://127.0.0.1:8123/pki/tsa/"
    signed = services.sign_version(
        document.current_version, certificate=cert, pin=PIN, level="B-LT", signed_by=leader
    )

    with signed.file.open("rb") as handle:
        [report] = validate_pdf(handle.read()).signatures
    assert report.level == "B-LT"
    assert report.revocation["status"] == "good"
    assert report.status == "valid", report.errors


def test_b_lt_is_refused_when_revocation_cannot_be_fetched(settings, leader, province, document, monkeypatch):
    settings.SITE_URL = UNREACHABLE
    settings.EGOV_PKI_IN_PROCESS = False  # as for a real CA: OCSP and CRL only over the network
    # The time stamp still works: only the revocation services are down.
    monkeypatch.setattr(
        validation, "default_timestamper", lambda: validation.LocalTimeStamper(pki.ensure_demo_pki())
    )
    cert = services.issue_certificate(
        kind="personal", pin=PIN, issued_by=None, owner=leader, unit=province.department
    )
    versions = document.versions.count()

    with pytest.raises(SigningError, match="B-LT") as refused:
        services.sign_version(
            document.current_version, certificate=cert, pin=PIN, level="B-LT", signed_by=leader
        )

    assert "OCSP" in str(refused.value)
    assert "ConnectionError" not in str(refused.value)
    assert document.versions.count() == versions  # nothing half-written


def test_b_t_is_refused_with_the_reason_when_the_tsa_is_down(settings, leader, province, document, client):
    settings.EGOV_TSA_URL = f"{UNREACHABLE}/tsa/"
    cert = services.issue_certificate(
        kind="personal", pin=PIN, issued_by=None, owner=leader, unit=province.department
    )
    versions = document.versions.count()

    client.force_login(leader)
    response = client.post(
        f"/can-bo/ky-so/tai-lieu/{document.pk}/ky/",
        {"sign-certificate": cert.pk, "sign-pin": PIN, "sign-level": "B-T"},
    )

    assert response.status_code == 400
    assert "dịch vụ cấp dấu thời gian" in response.text
    assert "HTTPConnectionPool" not in response.text
    assert "Exception" not in response.text
    assert document.versions.count() == versions
