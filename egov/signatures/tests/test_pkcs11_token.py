"""Signing with a key on a PKCS#11 token: SoftHSM2 stands in for the officer's USB token.

The test fails (never skips) when SoftHSM2 is missing: `make test` installs it.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from egov.signatures import pki, services
from egov.signatures.models import SignatureValidation
from egov.signatures.signing import WrongPinError
from egov.signatures.tests.conftest import PIN

SOFTHSM_LIB = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN = "egov-test"


@pytest.fixture
def token(tmp_path, monkeypatch, leader):
    """A fresh SoftHSM2 token holding the leader's key and certificate under the label 'officer'."""
    util = shutil.which("softhsm2-util")
    if util is None or not Path(SOFTHSM_LIB).exists():
        pytest.fail("SoftHSM2 is not installed: run `make test`, which installs softhsm2")
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    env = {"SOFTHSM2_CONF": str(conf), "PATH": "/usr/bin:/bin"}

    def run(*args: str) -> None:
        subprocess.run([util, *args], check=True, capture_output=True, env=env)  # noqa: S603 — fixed arguments

    run("--init-token", "--free", "--label", TOKEN, "--pin", PIN, "--so-pin", "12345678")
    # A certificate issued for the token (the CA would do this when it hands the token out).
    _cert, p12_path = pki.issue_certificate(
        common_name="Lãnh đạo Sở", organisation="Sở Tư pháp", kind="personal", pin=PIN
    )
    key, cert, _chain = pkcs12.load_key_and_certificates(p12_path.read_bytes(), PIN.encode())
    p12_path.unlink()  # the key now lives on the token only
    key_pem = tmp_path / "officer-key.pem"
    key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    run("--import", str(key_pem), "--token", TOKEN, "--label", "officer", "--id", "01", "--pin", PIN)
    key_pem.unlink()

    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    lib = pkcs11.lib(SOFTHSM_LIB)
    lib.reinitialize()  # the module reads SOFTHSM2_CONF when initialised
    with lib.get_token(token_label=TOKEN).open(rw=True, user_pin=PIN) as session:
        session.create_object(
            {
                Attribute.CLASS: ObjectClass.CERTIFICATE,
                Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                Attribute.TOKEN: True,
                Attribute.LABEL: "officer",
                Attribute.ID: b"\x01",
                Attribute.SUBJECT: cert.subject.public_bytes(),
                Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            }
        )
    return cert


def test_sign_with_the_token_and_validate(document, leader, province, token):
    cert_row = services.register_pkcs11_certificate(
        certificate=token,
        library=SOFTHSM_LIB,
        token_label=TOKEN,
        key_label="officer",
        owner=leader,
        unit=province.department,
        kind="personal",
        registered_by=leader,
    )
    with pytest.raises(WrongPinError):
        services.sign_version(
            document.current_version, certificate=cert_row, pin="654321", level="B-T", signed_by=leader
        )
    assert document.versions.count() == 1

    signed = services.sign_version(
        document.current_version, certificate=cert_row, pin=PIN, level="B-T", signed_by=leader
    )
    validation = SignatureValidation.objects.get(version=signed)
    assert validation.status == "valid", validation.report
    [report] = validation.report
    assert report["serial"] == cert_row.serial
    assert report["level"] == "B-T"
