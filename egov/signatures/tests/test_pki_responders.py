"""The demo PKI's public endpoints: OCSP, CRL, time stamps and CA certificates."""

import hashlib

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp
from django.core.management import call_command

from egov.signatures import pki, services


def _ocsp_request(cert_der: bytes, demo: pki.DemoPki) -> bytes:
    cert = x509.load_der_x509_certificate(cert_der)
    # SHA-1 in the CertID is RFC 6960's default and what most clients send.
    builder = ocsp.OCSPRequestBuilder().add_certificate(cert, demo.issuing.certificate, hashes.SHA1())  # noqa: S303
    request = builder.build()
    return request.public_bytes(serialization.Encoding.DER)


def _ask(client, body: bytes) -> ocsp.OCSPResponse:
    response = client.post("/pki/ocsp/", body, content_type="application/ocsp-request")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ocsp-response"
    return ocsp.load_der_ocsp_response(response.content)


def test_ocsp_answers_good_then_revoked(client, leader_cert, demo_pki):
    body = _ocsp_request(bytes(leader_cert.certificate_der), demo_pki)
    answer = _ask(client, body)
    assert answer.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert answer.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert answer.serial_number == leader_cert.serial_int
    # The response is signed by the issuing CA.
    demo_pki.issuing.certificate.public_key().verify(
        answer.signature, answer.tbs_response_bytes, ec.ECDSA(hashes.SHA256())
    )

    services.revoke_certificate(leader_cert, reason="keyCompromise", revoked_by=None)
    answer = _ask(client, body)
    assert answer.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert answer.revocation_reason == x509.ReasonFlags.key_compromise


def test_ocsp_unknown_serial_and_foreign_issuer(client, db, demo_pki):
    stranger, _path = pki.issue_certificate(
        common_name="Không đăng ký", organisation="X", kind="personal", pin="1"
    )
    body = _ocsp_request(stranger.public_bytes(serialization.Encoding.DER), demo_pki)
    assert _ask(client, body).certificate_status == ocsp.OCSPCertStatus.UNKNOWN
    garbage = _ask(client, b"not an ocsp request")
    assert garbage.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST


def test_crl_lists_the_revoked_serial(client, leader_cert, seal_cert, demo_pki):
    services.revoke_certificate(seal_cert, reason="cessationOfOperation", revoked_by=None)
    response = client.get("/pki/crl/issuing.crl")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.content)
    assert crl.is_signature_valid(demo_pki.issuing.certificate.public_key())
    revoked = crl.get_revoked_certificate_by_serial_number(seal_cert.serial_int)
    assert revoked is not None
    assert crl.get_revoked_certificate_by_serial_number(leader_cert.serial_int) is None
    root_crl = x509.load_der_x509_crl(client.get("/pki/crl/root.crl").content)
    assert root_crl.is_signature_valid(demo_pki.root.certificate.public_key())
    assert len(root_crl) == 0


def test_tsa_answers_a_valid_token(client, db, demo_pki):
    digest = hashlib.sha256(b"van ban").digest()
    request = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {"hash_algorithm": {"algorithm": "sha256"}, "hashed_message": digest},
            "nonce": 12345,
            "cert_req": True,
        }
    )
    response = client.post("/pki/tsa/", request.dump(), content_type="application/timestamp-query")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/timestamp-reply"
    reply = tsp.TimeStampResp.load(response.content)
    assert reply["status"]["status"].native == "granted"
    signed_data = reply["time_stamp_token"]["content"]
    info = signed_data["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == digest
    assert info["nonce"].native == 12345
    tsa_cert = next(c.chosen for c in signed_data["certificates"] if "TSA" in c.chosen.subject.human_friendly)
    assert tsa_cert.extended_key_usage_value.native == ["time_stamping"]
    rejected = client.post("/pki/tsa/", b"junk", content_type="application/timestamp-query")
    assert rejected.content[0] == 0x30
    assert b"\x02\x01\x02" in rejected.content  # status: rejection


def test_ca_certificates_and_management_command(client, db, settings, tmp_path, demo_pki):
    root = x509.load_der_x509_certificate(client.get("/pki/ca/root.crt").content)
    issuing = x509.load_der_x509_certificate(client.get("/pki/ca/issuing.crt").content)
    assert "CN=egov Demo Root CA" in root.subject.rfc4514_string()
    issuing.verify_directly_issued_by(root)
    assert client.get("/pki/ca/other.crt").status_code == 404

    settings.EGOV_PKI_DIR = tmp_path / "pki-new"
    call_command("setup_demo_pki")
    first = (tmp_path / "pki-new" / "root.crt").read_bytes()
    call_command("setup_demo_pki")  # idempotent
    assert (tmp_path / "pki-new" / "root.crt").read_bytes() == first
    call_command("setup_demo_pki", "--force")
    assert (tmp_path / "pki-new" / "root.crt").read_bytes() != first
    assert oct((tmp_path / "pki-new" / "root.key").stat().st_mode)[-3:] == "600"
