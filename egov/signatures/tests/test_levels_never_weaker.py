"""A signature never comes out weaker than asked without saying so (issue 11, items 1 and 2).

egov's demo PKI follows where egov runs: certificates issued while it ran on port 8000 still get
their revocation status when it runs on 8123. When the TSA or the revocation services really
cannot be reached, signing refuses with the reason instead of silently giving B-T or B-B.
"""

import datetime
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers

from egov.core.models import AuditEntry
from egov.documents.services import create_document
from egov.signatures import pki, services, signing, validation
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


def _outside_signer(tmp_path, settings) -> signers.SimpleSigner:
    """A signer of another trusted CA whose revocation services cannot be reached."""
    now = datetime.datetime.now(tz=datetime.UTC)

    crl = f"{UNREACHABLE}/crl"

    def certificate(subject, issuer, public_key, signing_key, *, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        usage = dict.fromkeys(
            ("content_commitment", "key_encipherment", "data_encipherment", "key_agreement"), False
        )
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
                **(usage | {"content_commitment": not ca}),
            ),
            critical=True,
        )
        if not ca:
            builder = builder.add_extension(
                x509.CRLDistributionPoints(
                    [x509.DistributionPoint([x509.UniformResourceIdentifier(crl)], None, None, None)]
                ),
                critical=False,
            )
        return builder.sign(signing_key, hashes.SHA256())

    root_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root = certificate("CA bên ngoài", "CA bên ngoài", root_key.public_key(), root_key, ca=True)
    leaf = certificate("Người ký bên ngoài", "CA bên ngoài", key.public_key(), root_key, ca=False)
    (tmp_path / "ca-ngoai.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    settings.EGOV_TRUST_ROOTS = [str(tmp_path / "ca-ngoai.pem")]
    data = pkcs12.serialize_key_and_certificates(
        b"ngoai", key, leaf, [root], serialization.BestAvailableEncryption(b"1")
    )
    signer: signers.SimpleSigner = signers.SimpleSigner.load_pkcs12_data(
        data, other_certs=(), passphrase=b"1"
    )
    return signer


def test_b_lt_needs_the_revocation_status_of_its_own_certificate(
    leader, leader_cert, document, tmp_path, settings
):
    """Revocation data already in the file, about another signer, does not make a signature B-LT."""
    signed = services.sign_version(
        document.current_version, certificate=leader_cert, pin=PIN, level="B-LT", signed_by=leader
    )
    with signed.file.open("rb") as handle:
        earlier = handle.read()  # its DSS holds the demo CA's CRLs and the leader's OCSP answer

    with pytest.raises(SigningError, match="B-LT") as refused:
        signing.sign_pdf(
            earlier,
            _outside_signer(tmp_path, settings),
            level="B-LT",
            field_name="ngoai",
            appearance=None,
            reason="Ký",
        )

    assert "OCSP" in str(refused.value)
    stamped = signing.sign_pdf(
        earlier,
        _outside_signer(tmp_path, settings),
        level="B-T",
        field_name="ngoai",
        appearance=None,
        reason="Ký",
    )
    assert signing.applied_level(stamped, "ngoai") == "B-T"  # the newest, outside signature
    [leaders] = [
        s.field_name
        for s in PdfFileReader(io.BytesIO(stamped)).embedded_signatures
        if s.field_name != "ngoai"
    ]
    assert signing.applied_level(stamped, leaders) == "B-LT"  # the leader's keeps its level


def test_the_level_is_read_from_the_file_and_a_weaker_one_refused(leader, leader_cert, document):
    contents = {}
    for asked in ("B-B", "B-T", "B-LT"):  # each on top of the previous: the newest one counts
        document.refresh_from_db()
        signed = services.sign_version(
            document.current_version, certificate=leader_cert, pin=PIN, level=asked, signed_by=leader
        )
        with signed.file.open("rb") as handle:
            contents[asked] = handle.read()
        assert signing.applied_level(contents[asked]) == asked
        entry = AuditEntry.objects.get(action="signatures.signed", object_id=str(signed.pk))
        assert entry.after["level"] == asked

    with pytest.raises(SigningError, match="OCSP"):
        signing.ensure_level(contents["B-T"], asked="B-LT")
    with pytest.raises(SigningError, match="PAdES B-T"):
        signing.ensure_level(contents["B-B"], asked="B-T")
    assert signing.ensure_level(contents["B-LT"], asked="B-T") == "B-LT"


def test_the_signing_page_says_the_level_applied(client, leader, leader_cert, document):
    client.force_login(leader)

    response = client.post(
        f"/can-bo/ky-so/tai-lieu/{document.pk}/ky/",
        {"sign-certificate": leader_cert.pk, "sign-pin": PIN, "sign-level": "B-LT"},
        follow=True,
    )

    assert response.status_code == 200
    assert "Đã ký số tài liệu, chữ ký ở cấp độ PAdES B-LT." in response.text
    assert 'class="sig-level">PAdES B-LT<' in response.text
