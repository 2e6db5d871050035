"""End to end over real HTTP: the signer and validator fetch the TSA, OCSP and CRL from egov's server.

The other tests answer egov's own PKI URLs in-process; this one turns that off
(EGOV_PKI_IN_PROCESS = False) so every time stamp and revocation answer crosses the network.
"""

from pathlib import Path

import pytest

from egov.signatures import pki, services, signing
from egov.signatures.tests.conftest import PIN
from egov.signatures.validation import validate_pdf

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def over_http(live_server, settings, tmp_path, monkeypatch):
    settings.SITE_URL = live_server.url
    settings.EGOV_TSA_URL = f"{live_server.url}/pki/tsa/"
    settings.EGOV_PKI_IN_PROCESS = False
    settings.EGOV_PKI_DIR = tmp_path / "pki-http"  # a CA whose URLs point at this server
    pki.ensure_demo_pki()
    served = []
    answer = pki.Responder.answer

    def spy(self, method, path, body=b""):
        served.append(path.strip("/"))
        return answer(self, method, path, body)

    monkeypatch.setattr(pki.Responder, "answer", spy)
    return served


def test_b_t_and_b_lt_over_http(over_http, leader, province, pdf):
    cert = services.issue_certificate(
        kind="personal", pin=PIN, issued_by=None, owner=leader, unit=province.department
    )
    source = signing.Pkcs12Source(Path(cert.pkcs12_path), PIN)
    b_t = signing.sign_pdf(pdf, source, level="B-T", field_name="s1", appearance=None, reason="x")
    assert "tsa" in over_http
    b_lt = signing.sign_pdf(pdf, source, level="B-LT", field_name="s1", appearance=None, reason="x")
    assert "ocsp" in over_http or "crl/issuing.crl" in over_http

    for signed, level in ((b_t, "B-T"), (b_lt, "B-LT")):
        result = validate_pdf(signed)
        assert result.status == "valid", result.signatures[0].errors
        [report] = result.signatures
        assert report.level == level
        assert report.timestamp["valid"]
        assert report.revocation["status"] == "good"

    services.revoke_certificate(cert, reason="keyCompromise", revoked_by=None)
    [report] = validate_pdf(b_lt).signatures
    assert report.revocation["status"] == "revoked"
    assert report.revocation["source"] in {"ocsp", "crl"}  # fetched fresh over HTTP, not the embedded answer
