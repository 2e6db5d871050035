"""Use case: a PDF that would inflate past the caps is refused after bounded work and memory."""

import base64
import io
import logging
import resource
import time
import zlib

import pikepdf
import pikepdf.settings
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf._codecs._codecs import LzwCodec

from egov.documents import pdf_checks, validation
from egov.documents.models import Document
from egov.documents.tests.files import (
    bomb_pdf,
    deflate_zeros,
    image_bytes,
    pdf_bytes,
    pdf_with_stream,
    run_length_encode,
)
from egov.documents.tests.helpers import upload

logger = logging.getLogger(__name__)

GIB = 1024 * 1024 * 1024


def refusal_code(content: bytes, name: str = "a.pdf") -> str:
    with pytest.raises(ValidationError) as caught:
        validation.check_content(content, name)
    return str(caught.value.code)


def test_one_megabyte_pdf_inflating_to_a_gibibyte_is_refused_over_http(client, specialist, province, media):
    content = bomb_pdf(GIB)
    assert len(content) < 1_200_000
    client.force_login(specialist)

    before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    response = client.post(
        reverse("documents:create"),
        {"title": "Bom", "unit": province.department.pk, "file": upload("bom.pdf", content)},
    )
    elapsed = time.perf_counter() - started
    after_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["file"]] == ["decompression_bomb"]
    assert "Tệp bị từ chối vì khi giải nén sẽ có dung lượng quá lớn bất thường." in response.text
    assert not Document.objects.exists()
    # Measured, not asserted (shared machines): see docs/performance.md.
    logger.warning("1 GiB PDF bomb refused in %.3f s, peak RSS +%d KiB", elapsed, after_rss - before_rss)


def test_nested_flate_bomb_is_refused():
    # Flate of a Flate bomb: ~1 kB outside, 1 MB after one pass, 1 GiB after the second.
    inner = deflate_zeros(GIB)

    content = pdf_with_stream(zlib.compress(inner, 9), ["/FlateDecode", "/FlateDecode"])

    assert len(content) < 10_000
    assert refusal_code(content) == "decompression_bomb"


def test_bomb_hidden_in_an_unused_ascii85_stream_is_refused():
    raw = base64.a85encode(deflate_zeros(GIB)) + b"~>"

    content = pdf_with_stream(raw, ["/ASCII85Decode", "/FlateDecode"], as_contents=False)

    assert refusal_code(content) == "decompression_bomb"


def test_absolute_cap_applies_whatever_the_ratio(settings):
    settings.EGOV_PDF_MAX_DECODED_BYTES = 10 * 1024 * 1024
    content = pdf_with_stream(deflate_zeros(11 * 1024 * 1024, block=1024 * 1024), ["/FlateDecode"])

    assert refusal_code(content) == "decompression_bomb"


def test_ratio_cap_applies_past_the_floor(settings):
    settings.EGOV_PDF_MAX_RATIO = 10
    dense = deflate_zeros(80 * 1024 * 1024)

    assert refusal_code(pdf_with_stream(dense, ["/FlateDecode"])) == "decompression_bomb"
    # The same content was refused for its ratio alone: under the absolute cap it is accepted.
    settings.EGOV_PDF_MAX_RATIO = 100_000
    assert validation.check_content(pdf_with_stream(dense, ["/FlateDecode"]), "a.pdf").page_count == 1


def test_a_nearly_blank_page_below_the_floor_is_accepted():
    # 8 MB of white, as a grey 300 dpi A4 scan kept with Flate, inflates about a thousandfold.
    image = deflate_zeros(2480 * 3508, block=2480 * 3508)
    content = pdf_with_stream(
        image,
        ["/FlateDecode"],
        as_contents=False,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=2480,
        Height=3508,
        ColorSpace=pikepdf.Name.DeviceGray,
        BitsPerComponent=8,
    )

    assert validation.check_content(content, "scan.pdf").page_count == 1


def test_image_inside_a_pdf_over_the_pixel_cap_is_refused(settings):
    # A JBIG2 or CCITT page of 20 000 × 20 000 pixels is a few bytes; readers allocate it whole.
    content = pdf_with_stream(
        b"\x00" * 16,
        ["/CCITTFaxDecode"],
        as_contents=False,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=20_000,
        Height=20_000,
        ColorSpace=pikepdf.Name.DeviceGray,
        BitsPerComponent=1,
    )

    assert refusal_code(content) == "decompression_bomb"


def test_qpdf_caps_every_stream_it_decodes_itself(settings):
    # Object streams are inflated by qpdf on opening, before our count: its own cap holds there.
    cap = settings.EGOV_PDF_MAX_DECODED_BYTES
    assert pikepdf.settings.get_qpdf_limits()["flate_max_memory"] == cap
    # What the cap does, shown at a smaller size so the test stays fast.
    previous = pikepdf.settings.set_qpdf_limits(flate_max_memory=8 * 1024 * 1024)
    try:
        with (
            pikepdf.open(io.BytesIO(bomb_pdf(64 * 1024 * 1024))) as pdf,
            pytest.raises(pikepdf.DataDecodingError),
        ):
            pdf.pages[0].obj.Contents.read_bytes()
    finally:
        pikepdf.settings.set_qpdf_limits(flate_max_memory=int(previous["flate_max_memory"]))


PAYLOAD = b"".join(
    [b"BT /F1 12 Tf (Xin chao) Tj ET\n" * 500, bytes(3000), bytes(range(256)) * 40, b"\xff" * 700]
)
ENCODINGS = [
    ("/FlateDecode", zlib.compress),
    ("/LZWDecode", LzwCodec().encode),
    ("/RunLengthDecode", run_length_encode),
    ("/ASCII85Decode", lambda data: base64.a85encode(data, wrapcol=70) + b"~>"),
    ("/ASCIIHexDecode", lambda data: data.hex().encode() + b">"),
]


@pytest.mark.parametrize(("name", "encode"), ENCODINGS, ids=[name for name, _ in ENCODINGS])
@pytest.mark.parametrize("chunk", [997, 1024 * 1024])
def test_incremental_decoders_agree_with_qpdf(monkeypatch, name, encode, chunk):
    monkeypatch.setattr(pdf_checks, "CHUNK", chunk)
    raw = encode(PAYLOAD)
    with pikepdf.open(io.BytesIO(pdf_with_stream(raw, [name], as_contents=False))) as pdf:
        expected = pdf.Root.Extra.read_bytes(decode_level=pikepdf.StreamDecodeLevel.specialized)

    pieces = list(pdf_checks.decode(raw, [(name, 1)]))

    assert b"".join(pieces) == expected == PAYLOAD
    assert max(len(piece) for piece in pieces) <= max(chunk, 256) + 4096


def test_ordinary_pdfs_and_images_still_pass():
    assert validation.check_content(pdf_bytes("Trang 1", "Trang 2"), "a.pdf").page_count == 2
    assert validation.check_content(image_bytes("PNG", size=(2480, 3508), mode="L"), "a.png").page_count == 1
