"""The demo PKI: a root CA, an issuing CA, a time-stamp authority, and their CRL/OCSP answers.

A real deployment trusts the national root CA and the government's specialised CA (Ban Cơ yếu
Chính phủ) instead (settings.EGOV_TRUST_ROOTS, docs/howto/signing.md). The demo PKI only lets the
platform be shown and tested end to end: certificates it issues are not qualified signatures under
Luật Giao dịch điện tử 2023 and ND 23/2025.

Keys use ECDSA P-256 (fast to generate and sign); the time-stamp authority uses RSA 2048 because
pyHanko's reference time-stamp responder signs with RSA only. CA keys sit unencrypted next to the
certificates in settings.EGOV_PKI_DIR with mode 0600 — acceptable for a demo, never for a real CA.
"""

import hashlib
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from asn1crypto import cms as asn1_cms
from asn1crypto import core as asn1_core
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp as asn1_tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID
from django.conf import settings
from pyhanko.sign.general import as_signing_certificate, simple_cms_attribute
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from egov.core.site import site_url

ROOT_NAME = "egov Demo Root CA"
ISSUING_NAME = "egov Demo Issuing CA"
TSA_NAME = "egov Demo TSA"
PROVINCE = "Thái Nguyên"
DEMO_PIN = "123456"

type PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
type CertificateKind = Literal["personal", "seal"]


@dataclass(frozen=True)
class Authority:
    """A certificate with its private key."""

    certificate: x509.Certificate
    key: PrivateKey

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.der)


@dataclass(frozen=True)
class DemoPki:
    directory: Path
    root: Authority
    issuing: Authority
    tsa: Authority

    @property
    def certificates_dir(self) -> Path:
        return self.directory / "certs"


def _now() -> datetime:
    return datetime.now(tz=UTC)


def _name(common_name: str, *, organisation: str = "egov", locality: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if locality:
        attributes.append(x509.NameAttribute(NameOID.LOCALITY_NAME, locality))
    attributes.append(x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"))
    return x509.Name(attributes)


def pki_base_url() -> str:
    return site_url("/pki/")


_BASES_FILE = "base-urls.txt"


def _remembered_base_urls(directory: Path) -> list[str]:
    path = directory / _BASES_FILE
    return path.read_text().split() if path.exists() else []


def _remember_base_url(directory: Path, base: str) -> None:
    """Note the address written into a certificate: egov may run elsewhere later (another port)."""
    known = _remembered_base_urls(directory)
    if base not in known:
        (directory / _BASES_FILE).write_text("\n".join([*known, base]) + "\n")


def known_base_urls() -> tuple[str, ...]:
    """Every address the demo PKI's certificates name for its CRL, OCSP and CA files.

    They all mean this egov's own PKI, wherever it runs now, so they are answered in-process:
    a demo seeded on port 8000 and served on 8123 still checks revocation (B-LT stays B-LT).
    """
    return tuple(dict.fromkeys([pki_base_url(), *_remembered_base_urls(pki_directory())]))


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _save(directory: Path, stem: str, authority: Authority) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{stem}.crt").write_bytes(authority.certificate.public_bytes(serialization.Encoding.PEM))
    key_pem = authority.key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write_private(directory / f"{stem}.key", key_pem)


def _load(directory: Path, stem: str) -> Authority | None:
    cert_path, key_path = directory / f"{stem}.crt", directory / f"{stem}.key"
    if not (cert_path.exists() and key_path.exists()):
        return None
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey)
    return Authority(x509.load_pem_x509_certificate(cert_path.read_bytes()), key)


def _ski(key: PrivateKey) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


def _aki(issuer: Authority) -> x509.AuthorityKeyIdentifier:
    return x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key())


def _crl_dp(url: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints(
        [x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)]
    )


_CA_KEY_USAGE = x509.KeyUsage(
    digital_signature=False,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=True,
    crl_sign=True,
    encipher_only=False,
    decipher_only=False,
)
# digitalSignature + nonRepudiation (contentCommitment): a signature that commits its signer.
_SIGNING_KEY_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=True,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


def _new_ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _create_root() -> Authority:
    key = _new_ec_key()
    name = _name(ROOT_NAME)
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * 20))
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_CA_KEY_USAGE, critical=True)
        .add_extension(_ski(key), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Authority(cert, key)


def _create_issuing(root: Authority) -> Authority:
    key = _new_ec_key()
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(ISSUING_NAME))
        .issuer_name(root.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * 10))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_CA_KEY_USAGE, critical=True)
        .add_extension(_ski(key), critical=False)
        .add_extension(_aki(root), critical=False)
        .add_extension(_crl_dp(pki_base_url() + "crl/root.crl"), critical=False)
        .sign(root.key, hashes.SHA256())
    )
    return Authority(cert, key)


def _create_tsa(issuing: Authority) -> Authority:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(TSA_NAME))
        .issuer_name(issuing.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * 5))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_SIGNING_KEY_USAGE, critical=True)
        # RFC 3161 §2.3: the TSA certificate has exactly this critical extended key usage.
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(_ski(key), critical=False)
        .add_extension(_aki(issuing), critical=False)
        .add_extension(_crl_dp(pki_base_url() + "crl/issuing.crl"), critical=False)
        .sign(issuing.key, hashes.SHA256())
    )
    return Authority(cert, key)


_cache: dict[Path, DemoPki] = {}


def pki_directory() -> Path:
    return Path(settings.EGOV_PKI_DIR)


def load_demo_pki() -> DemoPki | None:
    """The demo PKI in settings.EGOV_PKI_DIR, or None when it was never created."""
    directory = pki_directory()
    if directory in _cache:
        return _cache[directory]
    root, issuing, tsa = _load(directory, "root"), _load(directory, "issuing"), _load(directory, "tsa")
    if root is None or issuing is None or tsa is None:
        return None
    pki = DemoPki(directory, root, issuing, tsa)
    _cache[directory] = pki
    return pki


def ensure_demo_pki(*, force: bool = False) -> DemoPki:
    """Create the demo CAs and TSA when missing (or anew with force); return them."""
    directory = pki_directory()
    if not force:
        existing = load_demo_pki()
        if existing is not None:
            return existing
    _cache.pop(directory, None)
    _stampers.pop(directory, None)
    root = _create_root()
    issuing = _create_issuing(root)
    tsa = _create_tsa(issuing)
    for stem, authority in (("root", root), ("issuing", issuing), ("tsa", tsa)):
        _save(directory, stem, authority)
    _remember_base_url(directory, pki_base_url())
    pki = DemoPki(directory, root, issuing, tsa)
    _cache[directory] = pki
    return pki


def issue_certificate(
    *,
    common_name: str,
    organisation: str,
    kind: CertificateKind,
    pin: str,
    locality: str = PROVINCE,
    valid_days: int = 730,
) -> tuple[x509.Certificate, Path]:
    """Issue a signing certificate from the demo issuing CA; its key goes into a PKCS#12 file.

    The PIN is the PKCS#12 passphrase: without it the key cannot be used (ND 130/2018 Điều 9, the
    subscriber keeps sole control of the private key).
    """
    pki = ensure_demo_pki()
    key = _new_ec_key()
    base = pki_base_url()
    _remember_base_url(pki_directory(), base)
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation=organisation, locality=locality))
        .issuer_name(pki.issuing.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_SIGNING_KEY_USAGE, critical=True)
        .add_extension(_ski(key), critical=False)
        .add_extension(_aki(pki.issuing), critical=False)
        .add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP,
                        x509.UniformResourceIdentifier(base + "ocsp/"),
                    ),
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.CA_ISSUERS,
                        x509.UniformResourceIdentifier(base + "ca/issuing.crt"),
                    ),
                ]
            ),
            critical=False,
        )
        .add_extension(_crl_dp(base + "crl/issuing.crl"), critical=False)
        .sign(pki.issuing.key, hashes.SHA256())
    )
    path = pki.certificates_dir / f"{kind}-{cert.serial_number:x}.p12"
    blob = pkcs12.serialize_key_and_certificates(
        name=common_name.encode("utf-8"),
        key=key,
        cert=cert,
        cas=[pki.issuing.certificate, pki.root.certificate],
        encryption_algorithm=serialization.BestAvailableEncryption(pin.encode("utf-8")),
    )
    _write_private(path, blob)
    return cert, path


def revoke(serial: str, reason: str = "unspecified") -> None:
    """Revoke a certificate this CA issued (by hex serial); see services.revoke_certificate."""
    from egov.signatures import services

    services.revoke_serial(serial, reason=reason, revoked_by=None)


# --- Revocation status and responders -----------------------------------------------------------


@dataclass(frozen=True)
class CertStatus:
    revoked_at: datetime | None = None
    reason: str = ""


@dataclass(frozen=True)
class RevocationState:
    """What the issuing CA knows about its certificates at one moment (read once from the DB)."""

    known: dict[int, CertStatus] = field(default_factory=dict)


def revocation_state(pki: DemoPki) -> RevocationState:
    from egov.signatures.models import SigningCertificate

    issuer = pki.issuing.certificate.subject.rfc4514_string()
    known = {
        int(serial, 16): CertStatus(revoked_at, reason)
        for serial, revoked_at, reason in SigningCertificate.objects.filter(issuer=issuer).values_list(
            "serial", "revoked_at", "revocation_reason"
        )
    }
    known[pki.tsa.certificate.serial_number] = CertStatus()
    return RevocationState(known)


def _reason_flag(reason: str) -> x509.ReasonFlags:
    try:
        return x509.ReasonFlags(reason)
    except ValueError:
        return x509.ReasonFlags.unspecified


REASONS = [flag.value for flag in x509.ReasonFlags if flag not in {x509.ReasonFlags.remove_from_crl}]


def build_crl(pki: DemoPki, state: RevocationState, *, which: Literal["issuing", "root"]) -> bytes:
    """A DER CRL signed by the issuing CA (its certificates) or the root (the issuing CA)."""
    issuer = pki.issuing if which == "issuing" else pki.root
    now = _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now - timedelta(minutes=1))
        .next_update(now + timedelta(days=1))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(_aki(issuer), critical=False)
    )
    if which == "issuing":
        for serial, status in state.known.items():
            if status.revoked_at is None:
                continue
            entry = (
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(status.revoked_at)
                .add_extension(x509.CRLReason(_reason_flag(status.reason)), critical=False)
                .build()
            )
            builder = builder.add_revoked_certificate(entry)
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def _hash(algorithm: hashes.HashAlgorithm, data: bytes) -> bytes:
    return hashlib.new(algorithm.name, data).digest()


def ocsp_respond(pki: DemoPki, state: RevocationState, request_der: bytes) -> bytes:
    """Answer an RFC 6960 request about a certificate of the issuing CA: good, revoked or unknown."""
    try:
        request = ocsp.load_der_ocsp_request(request_der)
        algorithm = request.hash_algorithm
        serial = request.serial_number
    except ValueError:
        return ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.MALFORMED_REQUEST
        ).public_bytes(serialization.Encoding.DER)
    issuer = pki.issuing
    key_bits = asn1_x509.Certificate.load(issuer.der).public_key["public_key"].contents[1:]
    name_hash = _hash(algorithm, issuer.certificate.subject.public_bytes())
    if request.issuer_name_hash != name_hash or request.issuer_key_hash != _hash(algorithm, key_bits):
        return ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED).public_bytes(
            serialization.Encoding.DER
        )
    status = state.known.get(serial)
    now = _now()
    if status is None:
        cert_status, revoked_at, reason = ocsp.OCSPCertStatus.UNKNOWN, None, None
    elif status.revoked_at is not None:
        cert_status, revoked_at = ocsp.OCSPCertStatus.REVOKED, status.revoked_at
        reason = _reason_flag(status.reason)
    else:
        cert_status, revoked_at, reason = ocsp.OCSPCertStatus.GOOD, None, None
    builder = (
        ocsp.OCSPResponseBuilder()
        .add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash,
            issuer_key_hash=request.issuer_key_hash,
            serial_number=serial,
            algorithm=algorithm,
            cert_status=cert_status,
            this_update=now - timedelta(seconds=5),
            next_update=now + timedelta(days=1),
            revocation_time=revoked_at,
            revocation_reason=reason,
        )
        .responder_id(ocsp.OCSPResponderEncoding.HASH, issuer.certificate)
    )
    for extension in request.extensions:
        if isinstance(extension.value, x509.OCSPNonce):
            builder = builder.add_extension(extension.value, critical=False)
    return builder.sign(issuer.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


_stampers: dict[Path, "_TimeStamper"] = {}


class _TimeStamper(DummyTimeStamper):
    """pyHanko's reference RFC 3161 responder, signing with the key already loaded (pyHanko's
    own class re-parses the RSA key for every token, which costs more than the rest)."""

    def __init__(self, pki: DemoPki) -> None:
        key = pki.tsa.key
        assert isinstance(key, rsa.RSAPrivateKey)
        self.rsa_key = key
        key_info = asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        chain = SimpleCertificateStore.from_certs([pki.issuing.asn1])  # type: ignore[no-untyped-call]
        super().__init__(tsa_cert=pki.tsa.asn1, tsa_key=key_info, certs_to_embed=chain)

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str, dt: datetime) -> Any:
        signed_attrs = asn1_cms.CMSAttributes(
            [
                _attribute("content_type", "tst_info"),
                _attribute("signing_time", asn1_cms.Time({"utc_time": asn1_core.UTCTime(dt)})),
                _attribute("signing_certificate", as_signing_certificate(self.tsa_cert)),
                _attribute("message_digest", hashlib.new(md_algorithm, tst_info_data).digest()),
            ]
        )
        signature = self.rsa_key.sign(
            signed_attrs.dump(), padding.PKCS1v15(), get_pyca_cryptography_hash(md_algorithm)
        )
        return signature, signed_attrs


def _attribute(name: str, value: Any) -> Any:
    return simple_cms_attribute(name, value)  # type: ignore[no-untyped-call]


def _time_stamper(pki: DemoPki) -> _TimeStamper:
    if pki.directory not in _stampers:
        _stampers[pki.directory] = _TimeStamper(pki)
    return _stampers[pki.directory]


def tsa_respond(pki: DemoPki, request_der: bytes) -> bytes:
    """Answer an RFC 3161 time-stamp request with a token signed by the demo TSA."""
    try:
        request = asn1_tsp.TimeStampReq.load(request_der)
        request.native  # noqa: B018 — parse fully now, so a malformed request is rejected here
    except ValueError:
        # TimeStampResp ::= SEQUENCE { status PKIStatusInfo } — no token (asn1crypto wants one).
        status = bytes(
            asn1_tsp.PKIStatusInfo(
                {"status": "rejection", "fail_info": asn1_tsp.PKIFailureInfo({"bad_data_format"})}
            ).dump()
        )
        return b"\x30" + bytes([len(status)]) + status
    response: asn1_tsp.TimeStampResp = _time_stamper(pki).request_tsa_response(request)
    return bytes(response.dump())


class Responder:
    """Answers the public PKI URLs (the views, and the in-process fetcher during signing)."""

    def __init__(self, pki: DemoPki, state: RevocationState) -> None:
        self.pki = pki
        self.state = state

    def answer(self, method: str, path: str, body: bytes = b"") -> tuple[str, bytes] | None:
        """(content type, body) for a path relative to /pki/, or None when it is not ours."""
        path = path.strip("/")
        if method == "GET" and path == "crl/issuing.crl":
            return "application/pkix-crl", build_crl(self.pki, self.state, which="issuing")
        if method == "GET" and path == "crl/root.crl":
            return "application/pkix-crl", build_crl(self.pki, self.state, which="root")
        if method == "GET" and path == "ca/issuing.crt":
            return "application/pkix-cert", self.pki.issuing.der
        if method == "GET" and path == "ca/root.crt":
            return "application/pkix-cert", self.pki.root.der
        if method == "POST" and path == "ocsp":
            return "application/ocsp-response", ocsp_respond(self.pki, self.state, body)
        if method == "POST" and path == "tsa":
            return "application/timestamp-reply", tsa_respond(self.pki, body)
        return None


def serial_hex(cert: x509.Certificate) -> str:
    return f"{cert.serial_number:x}"
