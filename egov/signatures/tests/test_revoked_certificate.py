"""A signature made with a certificate that is revoked afterwards is reported revoked."""

from egov.signatures import pki, services, signing
from egov.signatures.tests.conftest import PIN
from egov.signatures.validation import validate_pdf


def test_revoked_after_signing_is_reported_revoked(pdf, leader_cert, settings):
    signed = signing.sign_pdf(
        pdf,
        signing.Pkcs12Source(leader_cert.pkcs12_path, PIN),
        level="B-T",
        field_name="s",
        appearance=None,
        reason="x",
    )
    assert validate_pdf(signed).status == "valid"

    pki.revoke(leader_cert.serial, "keyCompromise")
    result = validate_pdf(signed)
    assert result.status == "invalid"
    [report] = result.signatures
    assert report.revocation["status"] == "revoked"
    assert report.revocation["source"] in {"ocsp", "crl"}
    assert report.revocation["reason"] == "key_compromise"
    assert "revoked" in report.errors


def test_revocation_is_found_through_the_crl_alone(pdf, leader_cert, monkeypatch):
    # Without the OCSP responder, the CRL distribution point must still give the answer.
    real_answer = pki.Responder.answer

    def no_ocsp(self, method, path, body=b""):
        return None if path.strip("/") == "ocsp" else real_answer(self, method, path, body)

    monkeypatch.setattr(pki.Responder, "answer", no_ocsp)
    signed = signing.sign_pdf(
        pdf,
        signing.Pkcs12Source(leader_cert.pkcs12_path, PIN),
        level="B-B",
        field_name="s",
        appearance=None,
        reason="x",
    )
    services.revoke_certificate(leader_cert, reason="superseded", revoked_by=None)
    [report] = validate_pdf(signed).signatures
    assert report.revocation == {**report.revocation, "status": "revoked", "source": "crl"}
