"""Files for the tests, built in memory: PDFs with pikepdf, images with Pillow, office zips by hand."""

import functools
import io
import zipfile
import zlib
from collections.abc import Callable

import pikepdf
from openpyxl import Workbook
from PIL import Image


def pdf_bytes(*texts: str, encrypt: bool = False) -> bytes:
    """A PDF with one page per text, each drawn with Helvetica so it has a text layer."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font,
            Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
    )
    for text in texts or ("Trang 1",):
        page = pdf.add_blank_page(page_size=(595, 842))
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        page.obj.Contents = pdf.make_stream(f"BT /F1 24 Tf 72 720 Td ({escaped}) Tj ET".encode("latin-1"))
    buffer = io.BytesIO()
    encryption = pikepdf.Encryption(owner="chu-so-huu", user="mat-khau") if encrypt else False
    pdf.save(buffer, encryption=encryption)
    return buffer.getvalue()


def image_bytes(
    fmt: str = "PNG", size: tuple[int, int] = (120, 80), mode: str = "RGB", frames: int = 1
) -> bytes:
    images = [Image.new(mode, size, color=0 if mode == "1" else "white") for _ in range(frames)]
    buffer = io.BytesIO()
    if frames > 1:
        images[0].save(buffer, format=fmt, save_all=True, append_images=images[1:])
    else:
        images[0].save(buffer, format=fmt)
    return buffer.getvalue()


def zip_bytes(parts: dict[str, bytes], *, first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        if first is not None:
            archive.writestr(first, parts[first], compress_type=zipfile.ZIP_STORED)
        for name, data in parts.items():
            if name != first:
                archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def docx_bytes(
    text: str = "Tờ trình về việc số hóa hồ sơ", *, extra: dict[str, bytes] | None = None
) -> bytes:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
    )
    return zip_bytes(
        {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": body.encode(), **(extra or {})}
    )


def odt_bytes(text: str = "Biên bản họp") -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        f"<office:body><office:text><text:p>{text}</text:p></office:text></office:body>"
        "</office:document-content>"
    )
    return zip_bytes(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": content.encode()},
        first="mimetype",
    )


def xlsx_bytes(*rows: tuple[object, ...]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Danh sách"
    for row in rows or (("Họ tên", "Số hồ sơ"), ("Nguyễn Văn An", 42)):
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bomb_docx(expanded_bytes: int = 30 * 1024 * 1024) -> bytes:
    """A valid-looking DOCX with a part of zeros that deflates about a thousandfold."""
    return docx_bytes(extra={"word/media/padding.bin": bytes(expanded_bytes)})


def deflate_zeros(total: int, block: int = 16 * 1024 * 1024) -> bytes:
    """A zlib stream of `total` zero bytes built without holding them: one block, repeated.

    A full flush ends each block on a byte boundary with a fresh dictionary, so the same
    compressed block can be written again and again; 1 GiB comes out at about 1 MB.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(min(block, total))
    piece = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = max(total // len(zeros), 1)
    checksum = 1
    for _ in range(count):
        checksum = zlib.adler32(zeros, checksum)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    return b"\x78\xda" + piece * count + end + checksum.to_bytes(4, "big")


def pdf_with_stream(raw: bytes, filters: list[str], *, as_contents: bool = True, **extra: object) -> bytes:
    """A one-page PDF holding an already encoded stream (its page content, or an unused object)."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes("Trang 1")))
    stream = pikepdf.Stream(pdf, b"")
    names = [pikepdf.Name(name) for name in filters]
    stream.write(raw, filter=names[0] if len(names) == 1 else pikepdf.Array(names))
    for key, value in extra.items():
        stream[f"/{key}"] = value
    if as_contents:
        pdf.pages[0].obj.Contents = pdf.make_indirect(stream)
    else:
        pdf.Root.Extra = pdf.make_indirect(stream)
    buffer = io.BytesIO()
    # Written as given: qpdf would otherwise decode the stream and compress it again.
    pdf.save(buffer, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return buffer.getvalue()


@functools.cache
def bomb_pdf(total: int = 1024 * 1024 * 1024) -> bytes:
    """About 1 MB of PDF whose page content inflates to `total` bytes."""
    return pdf_with_stream(deflate_zeros(total), ["/FlateDecode"])


def run_length_encode(data: bytes) -> bytes:
    """RunLengthDecode's encoding (ISO 32000-1 §7.4.5): runs of up to 128 equal bytes or literals."""
    out = bytearray()
    position = 0
    while position < len(data):
        run = 1
        while position + run < len(data) and run < 128 and data[position + run] == data[position]:
            run += 1
        if run > 1:
            out += bytes([257 - run, data[position]])
        else:
            end = position + 1
            while (
                end < len(data)
                and end - position < 128
                and (end + 1 >= len(data) or data[end] != data[end + 1])
            ):
                end += 1
            run = end - position
            out += bytes([run - 1]) + data[position:end]
        position += run
    return bytes(out + b"\x80")


def edited(change: Callable[[pikepdf.Pdf], None]) -> bytes:
    """A one-page PDF changed by `change` before it is saved."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes("Trang 1")))
    change(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def javascript(code: str = "app.alert('x')") -> pikepdf.Dictionary:
    return pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String(code))


def open_action_js(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pdf.make_indirect(javascript())


def javascript_pdf() -> bytes:
    """A PDF that runs JavaScript when it is opened."""
    return edited(open_action_js)
