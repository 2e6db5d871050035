"""A signing failure reads as a sentence in the signer's language, never as Python's exception text
(issue 11, item 1: "never a Python exception text")."""

import pytest
from django.utils import translation
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument

from egov.documents.tests.files import pdf_bytes
from egov.signatures import pki, signing
from egov.signatures.signing import SigningError
from egov.signatures.tests.conftest import PIN

PYTHON_WORDS = ("Error", "Exception", "errno", "OS exception", ".so", "Traceback")


def _assert_a_sentence(message: str, *expected: str) -> None:
    for word in PYTHON_WORDS:
        assert word not in message, message
    for words in expected:
        assert words in message, message


def test_an_unreachable_signing_token_is_explained():
    source = signing.Pkcs11Source(
        library="/nonexistent/libtoken.so", token_label="egov", key_label="officer", pin=PIN
    )

    with translation.override("vi"), pytest.raises(SigningError) as refused, signing.open_signer(source):
        pass

    _assert_a_sentence(str(refused.value), "thiết bị ký số", "chưa được ký")


def test_a_signature_that_cannot_be_embedded_is_explained(monkeypatch):
    certificate, _p12 = pki.issue_certificate(
        common_name="Lãnh đạo Sở", organisation="Sở Tư pháp", kind="personal", pin=PIN
    )
    prepared = signing.prepare_remote_signing(
        pdf_bytes("Quyet dinh"), certificate=certificate, field_name="Sig1", appearance=None, reason="Ký"
    )

    async def too_big(*args, **kwargs):
        raise ValueError("Final ByteRange [0 1234 5678 90] does not match the reserved region")

    monkeypatch.setattr(PdfTBSDocument, "async_finish_signing", too_big)

    with translation.override("vi"), pytest.raises(SigningError) as refused:
        signing.complete_remote_signing(prepared, certificate=certificate, level="B-B", cms_der=b"\x30\x00")

    _assert_a_sentence(str(refused.value), "không khớp", "ký lại")
    assert "ByteRange" not in str(refused.value)
