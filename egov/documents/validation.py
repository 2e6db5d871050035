"""Checks an upload before anything is stored: its real type, size, structure and page count.

The type is sniffed from the content, never trusted from the name or the browser's MIME type,
and each format is opened by the library that will later read it, so a file that is accepted
can be previewed, searched, digitised and signed.
"""

import hashlib
import io
import logging
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import magic
import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

from egov.documents import pdf_checks

logger = logging.getLogger(__name__)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ZIP = "application/zip"

# Scans (ND 30/2020 Phụ lục I: scanned copies are PDF at ≥ 200 dpi; images are accepted so
# that they can be digitised into PDF) and office attachments.
TYPE_BY_EXTENSION = {
    ".pdf": PDF,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
    ".tif": TIFF,
    ".tiff": TIFF,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".odt": ODT,
}
IMAGE_TYPES = {JPEG: "JPEG", PNG: "PNG", TIFF: "TIFF"}
OFFICE_TYPES = {DOCX, XLSX, ODT}
TYPE_NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", TIFF: "TIFF", DOCX: "DOCX", XLSX: "XLSX", ODT: "ODT"}

# A zip container is a bomb when it would expand beyond this many times the upload limit, or
# when it is highly compressed and large once expanded (a small file cannot hurt, whatever its ratio).
ZIP_MAX_EXPANSION = 20
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR_BYTES = 1024 * 1024
ZIP_MAX_MEMBERS = 10_000
# Signature dictionaries are walked to this many form fields at most (malicious PDFs loop).
MAX_FORM_FIELDS = 10_000


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed every check, with what was learnt about it."""

    content: bytes
    filename: str
    sha256: str
    size: int
    mime_type: str
    page_count: int | None
    has_signatures: bool


_CHECKED = "_egov_checked"


def check_upload(file: UploadedFile[bytes]) -> CheckedFile:
    """Check an uploaded file; raise ValidationError (with a code) if it may not be stored.

    A form checks its files first, to name the row at fault, and the service that stores them
    checks again: the same upload of the same request is checked once, the second call reuses it.
    """
    known = getattr(file, _CHECKED, None)
    if isinstance(known, CheckedFile):
        return known
    limit = settings.EGOV_UPLOAD_MAX_BYTES
    # Refuse before reading it into memory when the size is known.
    if file.size is not None and file.size > limit:
        raise _too_large(limit)
    file.seek(0)
    content = file.read(limit + 1)
    checked = check_content(content, file.name or "")
    setattr(file, _CHECKED, checked)
    return checked


def check_content(content: bytes, filename: str) -> CheckedFile:
    """Check a file given as bytes (uploads, and versions derived by OCR or signing)."""
    limit = settings.EGOV_UPLOAD_MAX_BYTES
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    if len(content) > limit:
        raise _too_large(limit)
    name = clean_filename(filename)
    extension = PurePosixPath(name).suffix.lower()
    expected = TYPE_BY_EXTENSION.get(extension)
    if expected is None:
        raise ValidationError(
            _(
                "Files of this type (%(extension)s) are not accepted. Upload a PDF, JPEG, PNG or "
                "TIFF scan, or a DOCX, XLSX or ODT attachment."
            ),
            code="unsupported_type",
            params={"extension": extension or _("no extension")},
        )
    detected = sniff(content)
    if detected == ZIP and expected in OFFICE_TYPES:
        # A zip without the parts of the declared format: damaged, or another zip renamed.
        raise _malformed_file(expected)
    if detected != expected:
        raise ValidationError(
            _(
                "The file name ends in %(extension)s but the content is %(detected)s. "
                "Rename the file or export it again in the right format."
            ),
            code="type_mismatch",
            params={"extension": extension, "detected": TYPE_NAMES.get(detected, detected)},
        )
    page_count: int | None = None
    has_signatures = False
    if detected == PDF:
        page_count, has_signatures = _check_pdf(content)
    elif detected in IMAGE_TYPES:
        page_count = _check_image(content, IMAGE_TYPES[detected])
    # Office containers were checked (bomb, expected parts) while sniffing.
    return CheckedFile(
        content=content,
        filename=name,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        mime_type=detected,
        page_count=page_count,
        has_signatures=has_signatures,
    )


def clean_filename(filename: str) -> str:
    """The last path component without control characters, at most 255 characters."""
    name = PureWindowsPath(PurePosixPath(filename).name).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = "" if name.strip(". ") == "" else name.strip()
    if len(name) > 255:
        path = PurePosixPath(name)
        name = path.stem[: 255 - len(path.suffix)] + path.suffix
    return name or "file"


def sniff(content: bytes) -> str:
    """The real MIME type of the content (zip containers are told apart by their parts)."""
    if content.startswith(b"PK\x03\x04"):
        return _sniff_zip(content)
    detected = str(magic.from_buffer(content[:65536], mime=True))
    return {"image/jpg": JPEG, "application/x-pdf": PDF}.get(detected, detected)


def _sniff_zip(content: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return ZIP
    _check_zip_expansion(members)
    names = {member.filename for member in members}
    if "mimetype" in names and "content.xml" in names:
        # ODF: the first part is an uncompressed "mimetype" naming the format (ISO/IEC 26300).
        try:
            with archive.open("mimetype") as part:
                declared = part.read(200).strip().decode("ascii", "replace")
        except (zipfile.BadZipFile, OSError, ValueError):
            return ZIP
        if declared == ODT:
            return ODT
    if "[Content_Types].xml" in names:  # OOXML (ISO/IEC 29500 Open Packaging Conventions)
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    return ZIP


def _check_zip_expansion(members: list[zipfile.ZipInfo]) -> None:
    limit = settings.EGOV_UPLOAD_MAX_BYTES
    expanded = sum(member.file_size for member in members)
    compressed = sum(member.compress_size for member in members)
    too_big = expanded > ZIP_MAX_EXPANSION * limit
    too_dense = expanded > ZIP_RATIO_FLOOR_BYTES and expanded > ZIP_MAX_RATIO * max(compressed, 1)
    if len(members) > ZIP_MAX_MEMBERS or too_big or too_dense:
        raise _bomb()


def _check_pdf(content: bytes) -> tuple[int, bool]:
    """Open the PDF as the signer and OCR will; return its page count and whether it is signed."""
    # qpdf silently rebuilds a truncated file's cross-reference table, so an interrupted upload
    # would pass; a complete PDF ends with %%EOF (ISO 32000-1 §7.5.5), allowing trailing junk.
    if b"%%EOF" not in content[-1024:]:
        raise _malformed_pdf()
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            if pdf.is_encrypted:
                raise _encrypted_pdf()
            # Before anything decodes a page: what every stream costs, then what may run.
            pdf_checks.check_expansion(pdf, len(content))
            pdf_checks.check_active_content(pdf)
            pages = 0
            for page in pdf.pages:
                _load_page(page)
                pages += 1
            if pages == 0:
                raise _malformed_pdf()
            signed = _has_signature_field(pdf) or b"/ByteRange" in content
    except pdf_checks.DecompressionBombError as error:
        logger.info("PDF decompression bomb rejected: %s", error)
        raise _bomb() from error
    except pdf_checks.ActiveContentError as error:
        raise _active_content(error.kind) from error
    except pikepdf.DataDecodingError as error:
        # qpdf's own memory caps (set in apps.py) stopped a stream, for example an object stream.
        logger.info("PDF stream over qpdf's limits rejected: %s", error)
        raise _bomb() from error
    except pikepdf.PasswordError as error:
        raise _encrypted_pdf() from error
    except (pikepdf.PdfError, pikepdf.ForeignObjectError, ValueError, TypeError, KeyError) as error:
        logger.info("malformed PDF rejected: %s", error)
        raise _malformed_pdf() from error
    return pages, signed


def _load_page(page: "pikepdf.Page") -> None:
    """Resolve the page's box and content streams, so a damaged page fails now, not later."""
    _box = page.mediabox
    contents = page.obj.get("/Contents")
    if contents is None:
        return
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    for stream in streams:
        if not isinstance(stream, pikepdf.Stream):
            raise ValueError("page content is not a stream")
        stream.read_bytes()


def _has_signature_field(pdf: "pikepdf.Pdf") -> bool:
    """Whether a form field is a signature with a value (ISO 32000-1 §12.7.4.5, /FT /Sig)."""
    acroform = pdf.Root.get("/AcroForm")
    if not isinstance(acroform, pikepdf.Dictionary):
        return False
    fields = acroform.get("/Fields")
    stack = list(fields) if isinstance(fields, pikepdf.Array) else []
    seen: set[tuple[int, int]] = set()
    while stack and len(seen) < MAX_FORM_FIELDS:
        field = stack.pop()
        if not isinstance(field, pikepdf.Dictionary):
            continue
        if field.is_indirect:
            if field.objgen in seen:
                continue
            seen.add(field.objgen)
        if field.get("/FT") == pikepdf.Name.Sig and field.get("/V") is not None:
            return True
        kids = field.get("/Kids")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)
    return False


def _check_image(content: bytes, expected_format: str) -> int:
    """Verify a scanned image and return its number of pages (frames of a TIFF)."""
    max_pixels = settings.EGOV_UPLOAD_MAX_PIXELS
    # Pillow refuses images over twice the limit and only warns above it: both are bombs here.
    Image.MAX_IMAGE_PIXELS = max_pixels
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(content)) as image:
                if image.format != expected_format:
                    raise _malformed_image()
                image.verify()
            # verify() leaves the image unusable: open again to walk its frames.
            with Image.open(io.BytesIO(content)) as image:
                frames = getattr(image, "n_frames", 1)
                for index in range(frames):
                    image.seek(index)
                    width, height = image.size
                    if width * height > max_pixels:
                        raise _bomb()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _bomb() from error
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            logger.info("malformed image rejected: %s", error)
            raise _malformed_image() from error
    return int(frames)


def _too_large(limit: int) -> ValidationError:
    return ValidationError(
        _("The file is larger than the limit of %(limit)s."),
        code="too_large",
        params={"limit": filesizeformat(limit)},
    )


def _bomb() -> ValidationError:
    return ValidationError(
        _("The file would expand to an unreasonable size when opened, so it was refused."),
        code="decompression_bomb",
    )


def _active_content(kind: str) -> ValidationError:
    # Refused rather than stripped: removing an object from a signed PDF breaks its signature,
    # and a copy quietly different from what the applicant sent would not be his paper.
    what = {
        "javascript": _("JavaScript"),
        "launch": _("an action that starts a program"),
        "submit": _("a form that sends its data elsewhere"),
        "embedded_files": _("attached files"),
        "rich_media": _("multimedia content"),
        "xfa": _("an XFA form"),
    }[kind]
    return ValidationError(
        _(
            "The PDF contains %(what)s, which could run or open by itself, so it was refused. "
            "Print it to PDF again or export it without scripts and attachments."
        ),
        code="active_content",
        params={"what": what},
    )


def _encrypted_pdf() -> ValidationError:
    return ValidationError(
        _("The PDF is encrypted or protected by a password. Upload a copy without protection."),
        code="encrypted_pdf",
    )


def _malformed_pdf() -> ValidationError:
    return ValidationError(
        _("The PDF is damaged or incomplete (for example, an interrupted download). Upload it again."),
        code="malformed_pdf",
    )


def _malformed_image() -> ValidationError:
    return ValidationError(
        _("The image is damaged or incomplete. Scan or export it again."), code="malformed_image"
    )


def _malformed_file(mime_type: str) -> ValidationError:
    return ValidationError(
        _("The file is damaged or is not a valid %(type)s document."),
        code="malformed_file",
        params={"type": TYPE_NAMES.get(mime_type, mime_type)},
    )
