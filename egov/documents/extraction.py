"""Plain text of a checked file, for search: best effort, never fails an upload.

PDFs give their text layer (empty for a scan until it is digitised); office attachments give
their paragraphs and cells; images give nothing (OCR is egov.documents.digitisation's job).
"""

import io
import logging
import threading
import xml.etree.ElementTree as ET
import zipfile

import pypdfium2 as pdfium
from openpyxl import load_workbook

from egov.documents import validation
from egov.documents.validation import CheckedFile

logger = logging.getLogger(__name__)

# Stored text is capped: enough to search a long dossier, bounded for the database row.
MAX_TEXT_CHARS = 1_000_000
# An office part larger than this once expanded is not read for text.
MAX_PART_BYTES = 64 * 1024 * 1024
# PDFium is not thread-safe: one call at a time in this process.
PDFIUM_LOCK = threading.Lock()

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def extract_text(checked: CheckedFile) -> str:
    """The file's text, at most MAX_TEXT_CHARS characters; "" when there is none or it fails."""
    readers = {
        validation.PDF: _pdf_text,
        validation.DOCX: _docx_text,
        validation.XLSX: _xlsx_text,
        validation.ODT: _odt_text,
    }
    reader = readers.get(checked.mime_type)
    if reader is None:
        return ""
    try:
        text = reader(checked.content)
    except Exception:  # a file that cannot be read for text is still a valid upload
        logger.warning("text extraction failed for %s", checked.sha256, exc_info=True)
        return ""
    return cap_text(text)


def cap_text(text: str) -> str:
    """Text without NUL characters (databases refuse them), at most MAX_TEXT_CHARS."""
    return text.replace("\x00", "")[:MAX_TEXT_CHARS].strip()


def _pdf_text(content: bytes) -> str:
    parts: list[str] = []
    size = 0
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(content)
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                textpage = page.get_textpage()
                part = str(textpage.get_text_bounded())
                textpage.close()
                page.close()
                parts.append(part)
                size += len(part)
                if size > MAX_TEXT_CHARS:
                    break
        finally:
            pdf.close()
    return "\n\n".join(parts)


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    # Read at most MAX_PART_BYTES whatever the (forgeable) size in the zip header says.
    with archive.open(name) as part:
        data = part.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise ValueError(f"{name} is too large to index")
    return data


def _docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        root = ET.fromstring(_read_part(archive, "word/document.xml"))  # noqa: S314 – expat ≥ 2.6 limits entity expansion
    paragraphs = ["".join(node.text or "" for node in p.iter(f"{_W}t")) for p in root.iter(f"{_W}p")]
    return "\n".join(paragraphs)


def _odt_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        root = ET.fromstring(_read_part(archive, "content.xml"))  # noqa: S314 – as above
    blocks = [node for node in root.iter() if node.tag in {f"{_TEXT_NS}p", f"{_TEXT_NS}h"}]
    return "\n".join("".join(block.itertext()) for block in blocks)


def _xlsx_text(content: bytes) -> str:
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    lines: list[str] = []
    size = 0
    try:
        for sheet in workbook.worksheets:
            lines.append(str(sheet.title))
            for row in sheet.iter_rows(values_only=True):
                line = "\t".join(str(value) for value in row if value is not None)
                if line:
                    lines.append(line)
                    size += len(line)
                if size > MAX_TEXT_CHARS:
                    return "\n".join(lines)
    finally:
        workbook.close()
    return "\n".join(lines)
