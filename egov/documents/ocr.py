"""The OCR engine: a scan in, a searchable PDF/A out, with text and confidence per page.

No models here: egov.documents.digitisation stores the result. OCRmyPDF drives Tesseract (`vie`)
and writes PDF/A; Tesseract's TSV output gives a confidence per page so that weak pages can be
checked by a person. Rules: TT 01/2023/TT-VPCP Điều 8 khoản 2 (as many output pages as input
pages, in order); a signed PDF is never rewritten (ND 30/2020 Điều 5: the signature is the legal
value of the document; OCRmyPDF ≥ 14.4 refuses too).
"""

import logging
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ocrmypdf
import pikepdf
import pypdfium2 as pdfium
from ocrmypdf import PageContext, hookimpl
from ocrmypdf.builtin_plugins import tesseract_ocr
from ocrmypdf.exceptions import DigitalSignatureError, ExitCodeException, PdfaConversionFailedError
from PIL import Image, ImageFilter

logger = logging.getLogger(__name__)

# Scanned copies are made at ≥ 200 dpi (ND 30/2020 Phụ lục I); an image without a resolution is
# taken as a 300 dpi scan, the usual setting and Tesseract's best size for body text.
DEFAULT_IMAGE_DPI = 300
CONFIDENCE_DPI = 300
TESSERACT_TIMEOUT_SECONDS = 300
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
# OCRmyPDF writes this instead of text for pages it skipped because they already had text.
_SKIPPED_PAGE = re.compile(r"^\s*\[OCR skipped on page")

Progress = Callable[[int], None]


class OcrError(Exception):
    """The scan could not be made searchable; the message is for logs, not for users."""


class SignedPdfError(OcrError):
    """The input carries a digital signature, which OCR would destroy."""


class PageCountError(OcrError):
    """The output would not have the input's pages (TT 01/2023/TT-VPCP Điều 8 khoản 2)."""


@dataclass(frozen=True)
class OcrResult:
    pages_in: int
    pages_out: int
    text_per_page: list[str]
    # None for a page that already had text and was not OCRed.
    confidence_per_page: list[float | None]
    is_pdfa: bool

    @property
    def text(self) -> str:
        """All text, pages separated by a form feed (as Tesseract and pdftotext do)."""
        return "\f".join(self.text_per_page)

    @property
    def mean_confidence(self) -> float | None:
        values = [c for c in self.confidence_per_page if c is not None]
        return round(sum(values) / len(values), 2) if values else None

    def pages_below(self, threshold: float) -> list[int]:
        """Page numbers (from 1) whose confidence is below the threshold."""
        return [n for n, c in enumerate(self.confidence_per_page, start=1) if c is not None and c < threshold]


def run_ocr(
    input_path: Path,
    output_path: Path,
    *,
    languages: str = "vie",
    progress: Progress | None = None,
) -> OcrResult:
    """OCR a scanned PDF or image (JPEG, PNG, TIFF) into a PDF/A at `output_path`."""
    report = progress or (lambda _percent: None)
    report(0)
    with tempfile.TemporaryDirectory(prefix="egov-ocr-") as work:
        work_dir = Path(work)
        is_image = input_path.suffix.lower() in IMAGE_SUFFIXES or _is_image(input_path)
        if is_image:
            source, pages_in, image_dpi = _prepare_image(input_path, work_dir)
            born_digital: list[bool] = [False] * pages_in
        else:
            _refuse_signed(input_path)
            source, image_dpi = input_path, None
            born_digital = _pages_with_text(input_path)
            pages_in = len(born_digital)
        report(10)
        sidecar = work_dir / "sidecar.txt"
        has_text = any(born_digital)
        try:
            try:
                # pikepdf's own PDF/A conversion first: no Ghostscript, whose PDF/A rewrite has
                # garbled accented text (OCRmyPDF issues 1204, 1592, 1744).
                _ocrmypdf(source, output_path, sidecar, languages, image_dpi, pdfa_backend="internal")
            except PdfaConversionFailedError:
                if has_text:
                    # Ghostscript 10.0.0–10.02.0 (Debian 12) corrupts existing text, and OCRmyPDF
                    # refuses it for such files: keep a plain PDF rather than damage the text.
                    logger.warning("PDF/A not possible without Ghostscript; writing a plain PDF")
                    _ocrmypdf(source, output_path, sidecar, languages, image_dpi, output_type="pdf")
                else:
                    _ocrmypdf(source, output_path, sidecar, languages, image_dpi, pdfa_backend="auto")
        except DigitalSignatureError as error:
            raise SignedPdfError(error.message) from error
        except ExitCodeException as error:
            raise OcrError(f"{type(error).__name__}: {error.message or error}") from error
        except (OSError, ValueError, RuntimeError) as error:
            raise OcrError(f"{type(error).__name__}: {error}") from error
        report(60)
        pages_out, is_pdfa = _inspect_output(output_path)
        if pages_out != pages_in:
            # TT 01/2023/TT-VPCP Điều 8 khoản 2: as many images as input pages, in the same order.
            raise PageCountError(f"the output has {pages_out} pages, the input {pages_in}")
        texts = _sidecar_pages(sidecar, pages_out)
        confidences: list[float | None] = []
        with pdfium.PdfDocument(output_path) as pdf:
            for index in range(pages_out):
                page = pdf[index]
                if born_digital[index] or _SKIPPED_PAGE.match(texts[index]):
                    texts[index] = _page_text(page)
                    confidences.append(None)
                else:
                    confidences.append(_page_confidence(page, languages, work_dir / f"p{index}.png"))
                report(60 + 39 * (index + 1) // pages_out)
    report(100)
    return OcrResult(
        pages_in=pages_in,
        pages_out=pages_out,
        text_per_page=[t.strip() for t in texts],
        confidence_per_page=confidences,
        is_pdfa=is_pdfa,
    )


def _ocrmypdf(
    source: Path,
    output_path: Path,
    sidecar: Path,
    languages: str,
    image_dpi: int | None,
    *,
    pdfa_backend: str = "internal",
    output_type: str = "pdfa",
) -> None:
    ocrmypdf.ocr(
        source,
        output_path,
        language=languages.split("+"),
        image_dpi=image_dpi,
        output_type=output_type,
        pdfa_backend=pdfa_backend,
        # Born-digital pages keep their own text; only pages that are pictures are OCRed.
        mode="skip",
        deskew=True,
        rotate_pages=True,
        clean=shutil.which("unpaper") is not None,
        optimize=1,
        sidecar=sidecar,
        jobs=2,
        # Threads, not forked processes: this runs inside a worker that holds DB connections.
        use_threads=True,
        progress_bar=False,
        tesseract_timeout=TESSERACT_TIMEOUT_SECONDS,
        plugins=[__name__],
    )


@hookimpl
def filter_ocr_image(page: PageContext, image: Image.Image) -> Image.Image:
    """OCRmyPDF plugin hook: clean the copy of the page that Tesseract reads.

    Scanner speckle makes Tesseract read dots as punctuation and diacritics; a 3×3 median filter
    removes it. Only the OCR input is filtered: the archived page image stays as scanned
    (TT 01/2023/TT-VPCP Điều 8 khoản 2: the copy captures the original faithfully).
    """
    filtered = _despeckle(image)
    # This hook returns the first result, so Tesseract's own size limits are applied here too.
    result: Image.Image = tesseract_ocr.filter_ocr_image(page, filtered)
    return result


def _despeckle(image: Image.Image) -> Image.Image:
    if image.mode not in {"L", "RGB"}:
        image = image.convert("L")
    return image.filter(ImageFilter.MedianFilter(3))


def _is_image(path: Path) -> bool:
    with path.open("rb") as file:
        head = file.read(8)
    return head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*"))


def _prepare_image(path: Path, work_dir: Path) -> tuple[Path, int, int | None]:
    """Return the image OCRmyPDF should read, its number of frames and the DPI to assume."""
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            dpi: tuple[float, float] | None = image.info.get("dpi")
            has_dpi = dpi is not None and all(round(float(d)) > 1 for d in dpi)
            if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
                # img2pdf (inside OCRmyPDF) refuses an alpha channel: flatten onto white paper.
                flat = Image.new("RGB", image.size, "white")
                flat.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
                target = work_dir / "flattened.png"
                flat.save(target, dpi=dpi if has_dpi else (DEFAULT_IMAGE_DPI, DEFAULT_IMAGE_DPI))
                return target, 1, None
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise OcrError(f"unreadable image: {error}") from error
    return path, frames, None if has_dpi else DEFAULT_IMAGE_DPI


def _refuse_signed(path: Path) -> None:
    """Refuse a PDF carrying a signature: rewriting it would destroy the signature."""
    try:
        with pikepdf.open(path) as pdf:
            if _has_signature_field(pdf):
                raise SignedPdfError("the PDF has a signature field")
    except pikepdf.PdfError as error:
        raise OcrError(f"unreadable PDF: {error}") from error
    # A signature's /ByteRange may sit in an object outside the form (incremental updates).
    # Uploads are size-limited (EGOV_UPLOAD_MAX_BYTES), so reading the file once is fine.
    if b"/ByteRange" in path.read_bytes():
        raise SignedPdfError("the PDF carries a signature (/ByteRange)")


def _has_signature_field(pdf: pikepdf.Pdf) -> bool:
    acroform = pdf.Root.get("/AcroForm")
    if not isinstance(acroform, pikepdf.Dictionary):
        return False
    fields = acroform.get("/Fields")
    stack = list(fields) if isinstance(fields, pikepdf.Array) else []
    seen: set[tuple[int, int]] = set()
    while stack and len(seen) < 10_000:
        field = stack.pop()
        if not isinstance(field, pikepdf.Dictionary):
            continue
        if field.is_indirect:
            if field.objgen in seen:
                continue
            seen.add(field.objgen)
        if field.get("/FT") == pikepdf.Name.Sig:
            return True
        kids = field.get("/Kids")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)
    return False


def _pages_with_text(path: Path) -> list[bool]:
    """For each page, whether it already carries text (born digital, or OCRed before)."""
    try:
        with pdfium.PdfDocument(path) as pdf:
            return [bool(_page_text(pdf[i]).strip()) for i in range(len(pdf))]
    except pdfium.PdfiumError as error:
        raise OcrError(f"unreadable PDF: {error}") from error


def _page_text(page: "pdfium.PdfPage") -> str:
    textpage = page.get_textpage()
    try:
        text: str = textpage.get_text_bounded()
    finally:
        textpage.close()
    return text.replace("\r\n", "\n")


def _inspect_output(path: Path) -> tuple[int, bool]:
    with pikepdf.open(path) as pdf:
        pages = len(pdf.pages)
        with pdf.open_metadata() as meta:
            is_pdfa = bool(meta.pdfa_status)
    return pages, is_pdfa


def _sidecar_pages(sidecar: Path, pages: int) -> list[str]:
    text = sidecar.read_text(encoding="utf-8") if sidecar.exists() else ""
    parts = text.split("\f")
    # Tesseract ends every page with a form feed, so the last part is empty.
    if len(parts) == pages + 1 and not parts[-1].strip():
        parts = parts[:-1]
    if len(parts) != pages:
        logger.warning("sidecar has %d parts for %d pages", len(parts), pages)
        parts = (parts + [""] * pages)[:pages]
    return parts


def _page_confidence(page: "pdfium.PdfPage", languages: str, png: Path) -> float | None:
    """Mean Tesseract word confidence (0–100) of one page, or None when it holds no words."""
    bitmap = page.render(scale=CONFIDENCE_DPI / 72, grayscale=True)
    try:
        _despeckle(bitmap.to_pil()).save(png)
    finally:
        bitmap.close()
    try:
        completed = subprocess.run(  # noqa: S603 - fixed program, arguments are ours
            ["tesseract", str(png), "stdout", "-l", languages, "tsv"],  # noqa: S607 - found on PATH
            capture_output=True,
            check=True,
            timeout=TESSERACT_TIMEOUT_SECONDS,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise OcrError(f"tesseract failed: {error}") from error
    finally:
        png.unlink(missing_ok=True)
    return _mean_word_confidence(completed.stdout.decode("utf-8", errors="replace"))


def _mean_word_confidence(tsv: str) -> float | None:
    """Average the `conf` column over words (level 5) with a confidence and some text."""
    confidences: list[float] = []
    for line in tsv.splitlines()[1:]:
        columns = line.split("\t")
        if len(columns) < 12 or columns[0] != "5" or not columns[11].strip():
            continue
        try:
            confidence = float(columns[10])
        except ValueError:
            continue
        if confidence >= 0:
            confidences.append(confidence)
    return round(sum(confidences) / len(confidences), 2) if confidences else None
