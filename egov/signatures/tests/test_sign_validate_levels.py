"""Signing a PDF at PAdES B-B, B-T and B-LT, then validating it."""

import pytest

from egov.signatures import signing
from egov.signatures.appearance import Appearance
from egov.signatures.tests.conftest import PIN
from egov.signatures.validation import validate_pdf


def _sign(pdf, cert, level):
    return signing.sign_pdf(
        pdf,
        signing.Pkcs12Source(cert.pkcs12_path, PIN),
        level=level,
        field_name="signature-1",
        appearance=Appearance(signer_name="Nguyễn Văn Lãnh", position="Giám đốc", unit="Sở Tư pháp"),
        reason="Phê duyệt",
    )


@pytest.mark.parametrize("level", ["B-B", "B-T", "B-LT"])
def test_round_trip(pdf, leader_cert, level):
    signed = _sign(pdf, leader_cert, level)
    assert signed.startswith(pdf[:8])
    assert len(signed) > len(pdf)
    result = validate_pdf(signed)
    assert result.status == "valid", result.signatures[0].errors
    [report] = result.signatures
    assert report.trusted
    assert report.intact
    assert report.signature_valid
    assert report.level == level
    assert report.serial == leader_cert.serial
    assert report.chain[0].endswith("egov Demo Root CA") or "egov Demo Root CA" in report.chain[0]
    assert report.revocation["checked"]
    assert report.revocation["status"] == "good"
    assert report.timestamp["present"] is (level != "B-B")
    if level != "B-B":
        assert report.timestamp["valid"]
        assert "egov Demo TSA" in report.timestamp["tsa"]
    assert report.revocation["embedded"] is (level == "B-LT")
    assert report.modification == "none"
