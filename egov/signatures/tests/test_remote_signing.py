"""Remote signing: egov prepares the digest, the key holder signs it outside egov, egov embeds it."""

import base64
import hashlib
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.hazmat.primitives.serialization import pkcs12
from django.test import Client

from egov.documents.models import DocumentVersion
from egov.signatures.models import SignatureValidation, SigningRequest
from egov.signatures.tests.conftest import PIN


def _outside_key(cert_row):
    """The key as the holder's own signing tool has it — egov never touches it in this flow."""
    key, _cert, _chain = pkcs12.load_key_and_certificates(
        Path(cert_row.pkcs12_path).read_bytes(), PIN.encode()
    )
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


def _client(user):
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def test_remote_signature_over_the_api_validates(document, leader, leader_cert):
    client = _client(leader)
    response = client.post(
        "/api/v1/signing-requests",
        {"document_id": document.pk, "certificate_id": leader_cert.pk, "level": "B-LT"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    prepared = response.json()
    digest = base64.b64decode(prepared["digest_b64"])
    assert digest == hashlib.sha256(base64.b64decode(prepared["to_be_signed_b64"])).digest()
    assert DocumentVersion.objects.filter(document=document).count() == 1  # nothing signed yet

    # The signer signs only the 32-byte digest (as a SmartCA-style service or a token would).
    signature = _outside_key(leader_cert).sign(digest, ec.ECDSA(utils.Prehashed(hashes.SHA256())))
    done = client.post(
        f"/api/v1/signing-requests/{prepared['id']}/complete",
        {"signature_b64": base64.b64encode(signature).decode()},
        content_type="application/json",
    )
    assert done.status_code == 201, done.content
    body = done.json()
    assert body["validation"]["status"] == "valid", body["validation"]
    [report] = body["validation"]["signatures"]
    assert report["serial"] == leader_cert.serial
    assert report["level"] == "B-LT"
    assert report["timestamp"]["valid"]
    assert SigningRequest.objects.get(pk=prepared["id"]).state == SigningRequest.State.COMPLETED

    again = client.post(
        f"/api/v1/signing-requests/{prepared['id']}/complete",
        {"signature_b64": base64.b64encode(signature).decode()},
        content_type="application/json",
    )
    assert again.status_code == 422  # a request is completed once


def test_a_wrong_signature_is_refused(document, leader, leader_cert):
    client = _client(leader)
    prepared = client.post(
        "/api/v1/signing-requests",
        {"document_id": document.pk, "certificate_id": leader_cert.pk, "level": "B-B"},
        content_type="application/json",
    ).json()
    wrong = _outside_key(leader_cert).sign(b"something else", ec.ECDSA(hashes.SHA256()))
    response = client.post(
        f"/api/v1/signing-requests/{prepared['id']}/complete",
        {"signature_b64": base64.b64encode(wrong).decode()},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "does not match" in response.json()["message"]
    assert document.versions.count() == 1
    assert SignatureValidation.objects.count() == 0
