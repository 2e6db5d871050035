"""A PDF changed after signing is reported: bytes flipped in the signed range, or a new revision."""

import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from egov.signatures import signing
from egov.signatures.tests.conftest import PIN
from egov.signatures.validation import validate_pdf


def _signed(pdf, cert):
    return signing.sign_pdf(
        pdf,
        signing.Pkcs12Source(cert.pkcs12_path, PIN),
        level="B-B",
        field_name="signature-1",
        appearance=None,
        reason="x",
    )


def test_flipped_bytes_inside_the_signed_range(pdf, leader_cert):
    signed = bytearray(_signed(pdf, leader_cert))
    # One hex digit of the original trailer's /ID: still a readable PDF, but not the signed bytes.
    position = signed.index(b"/ID [<") + 6
    signed[position] = ord("0") if signed[position] != ord("0") else ord("1")
    result = validate_pdf(bytes(signed))
    assert result.status == "invalid"
    [report] = result.signatures
    assert report.intact is False
    assert "altered" in report.errors


def test_page_content_changed_in_a_later_revision(pdf, leader_cert):
    signed = _signed(pdf, leader_cert)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page_ref = writer.find_page_for_modification(0)[0]
    page = page_ref.get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 600 Td (Da sua) Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    result = validate_pdf(out.getvalue())
    assert result.status == "invalid"
    [report] = result.signatures
    assert report.intact is True  # the signed revision itself is untouched...
    assert report.changes_after_signing is True  # ...but the document shown is not what was signed
    assert report.modification == "other"
    assert "changed_after_signing" in report.errors


def test_unsigned_and_unreadable_files(pdf):
    assert validate_pdf(pdf).status == "unsigned"
    assert validate_pdf(b"%PDF-1.7 rubbish").status in {"invalid", "unsigned"}
