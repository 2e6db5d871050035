"""The OCR engine: a scan in, a searchable PDF/A out, with text and confidence per page.

No models here: egov.documents.digitisation stores the result. OCRmyPDF drives Tesseract (`vie`)
and writes PDF/A. Tesseract reads each page once: the same pass writes the text layer (hOCR), the
text for search (sidecar) and a TSV whose word confidences flag weak pages for a person to check.
Pages run in parallel, one Tesseract thread each (docs/performance.md, "PDF rendering and OCR").
Rules: TT 01/2023/TT-VPCP Điều 8 khoản 2 (as many output pages as input pages, in order); a signed
PDF is never rewritten (ND 30/2020 Điều 5: the signature is the legal value of the document;
OCRmyPDF ≥ 14.4 refuses too).
"""

import contextvars
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import ocrmypdf
import pikepdf
import pypdfium2 as pdfium
from ocrmypdf import OcrOptions, PageContext, hookimpl
from ocrmypdf.builtin_plugins import tesseract_ocr
from ocrmypdf.exceptions import DigitalSignatureError, ExitCodeException, PdfaConversionFailedError
from PIL import Image, ImageFilter

logger = logging.getLogger(__name__)

# Scanned copies are made at ≥ 200 dpi (ND 30/2020 Phụ lục I); an image without a resolution is
# taken as a 300 dpi scan, the usual setting and Tesseract's best size for body text.
DEFAULT_IMAGE_DPI = 300
TESSERACT_TIMEOUT_SECONDS = 300
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
# OCRmyPDF writes this instead of text for pages it skipped because they already had text.
_SKIPPED_PAGE = re.compile(r"^\s*\[OCR skipped on page")

Progress = Callable[[int], None]
# A page whose words score below this mean was probably read upside down or sideways.
ROTATION_RETRY_BELOW = 60.0
# Orientation confidence needed to turn such a page (OCRmyPDF's default, 14, is for pages not yet
# known to read badly: a page upside down scored 13.8); the better reading is kept either way.
ROTATION_RETRY_OSD_THRESHOLD = 5.0
# Share of the progress bar before and after OCRmyPDF's page loop (checks, then PDF/A and checks).
OCR_STARTS_AT, OCR_ENDS_AT = 10, 90
# The run's progress (the share of pages OCRed), read by OcrProgress in the thread calling OCRmyPDF.
_page_progress: contextvars.ContextVar[Callable[[float], None] | None] = contextvars.ContextVar(
    "egov_ocr_page_progress", default=None
)


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
    report = _forward_only(progress or (lambda _percent: None))
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
        report(OCR_STARTS_AT)
        read = _Pass(source, work_dir / "upright", languages, image_dpi, born_digital)
        result = read.run(rotate=False, progress=_between(report, OCR_STARTS_AT, OCR_ENDS_AT))
        if result.pages_below(ROTATION_RETRY_BELOW):
            # A page upside down or sideways reads as noise (mean confidence near 40, where a
            # legible page scores 90+): only then is the scan read again with orientation
            # detection, which costs 0.6 s a page that almost every scan would pay for nothing.
            turned = _Pass(source, work_dir / "rotated", languages, image_dpi, born_digital)
            second = turned.run(rotate=True, progress=_between(report, OCR_ENDS_AT, OCR_ENDS_AT + 8))
            if (second.mean_confidence or 0) > (result.mean_confidence or 0):
                read, result = turned, second
        shutil.move(read.output, output_path)
    report(100)
    return result


def _forward_only(report: Progress) -> Progress:
    """The bar never goes back, though OCRmyPDF may run again (the PDF/A fallbacks below)."""
    highest = -1

    def forward(percent: int) -> None:
        nonlocal highest
        if percent > highest:
            highest = percent
            report(percent)

    return forward


def _between(report: Progress, start: int, end: int) -> Callable[[float], None]:
    return lambda share: report(start + int((end - start) * share))


class _Pass:
    """One OCRmyPDF run over the whole scan, in its own folder; `run` gives the result."""

    def __init__(
        self, source: Path, folder: Path, languages: str, image_dpi: int | None, born_digital: list[bool]
    ) -> None:
        folder.mkdir()
        self.source, self.folder, self.languages, self.image_dpi = source, folder, languages, image_dpi
        self.born_digital = born_digital
        self.output = folder / "searchable.pdf"

    def run(self, *, rotate: bool, progress: Callable[[float], None]) -> OcrResult:
        token = _page_progress.set(progress)
        try:
            try:
                # pikepdf's own PDF/A conversion first: no Ghostscript, whose PDF/A rewrite has
                # garbled accented text (OCRmyPDF issues 1204, 1592, 1744).
                self._ocrmypdf(rotate=rotate, pdfa_backend="internal")
            except PdfaConversionFailedError:
                if any(self.born_digital):
                    # Ghostscript 10.0.0–10.02.0 (Debian 12) corrupts existing text, and OCRmyPDF
                    # refuses it for such files: keep a plain PDF rather than damage the text.
                    logger.warning("PDF/A not possible without Ghostscript; writing a plain PDF")
                    self._ocrmypdf(rotate=rotate, output_type="pdf")
                else:
                    self._ocrmypdf(rotate=rotate, pdfa_backend="auto")
        except DigitalSignatureError as error:
            raise SignedPdfError(error.message) from error
        except ExitCodeException as error:
            raise OcrError(f"{type(error).__name__}: {error.message or error}") from error
        except (OSError, ValueError, RuntimeError) as error:
            raise OcrError(f"{type(error).__name__}: {error}") from error
        finally:
            _page_progress.reset(token)
        progress(1.0)
        return self._result()

    def _ocrmypdf(self, *, rotate: bool, pdfa_backend: str = "internal", output_type: str = "pdfa") -> None:
        _ocrmypdf(
            self.source,
            self.output,
            self.folder,
            self.languages,
            self.image_dpi,
            rotate=rotate,
            pdfa_backend=pdfa_backend,
            output_type=output_type,
        )

    def _result(self) -> OcrResult:
        pages_in = len(self.born_digital)
        pages_out, is_pdfa = _inspect_output(self.output)
        if pages_out != pages_in:
            # TT 01/2023/TT-VPCP Điều 8 khoản 2: as many images as input pages, in the same order.
            raise PageCountError(f"the output has {pages_out} pages, the input {pages_in}")
        texts = _sidecar_pages(_sidecar_path(self.folder), pages_out)
        kept = [i for i in range(pages_out) if self.born_digital[i] or _SKIPPED_PAGE.match(texts[i])]
        if kept:
            # Pages not OCRed keep their own text, read from the output for search.
            with pdfium.PdfDocument(self.output) as pdf:
                for index in kept:
                    texts[index] = _page_text(pdf[index])
        return OcrResult(
            pages_in=pages_in,
            pages_out=pages_out,
            text_per_page=[t.strip() for t in texts],
            # None for a page not OCRed; for an OCRed one, the words of its one Tesseract pass.
            confidence_per_page=[
                None if index in kept else _page_confidence(self.folder, index) for index in range(pages_out)
            ],
            is_pdfa=is_pdfa,
        )


def _ocrmypdf(
    source: Path,
    output_path: Path,
    work_dir: Path,
    languages: str,
    image_dpi: int | None,
    *,
    rotate: bool,
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
        # No deskew: Tesseract reads a page turned a few degrees as well (1.5° test scans: 99–100 %
        # of words either way), and OCRmyPDF's deskew costs a Tesseract layout pass and a re-saved
        # page image, 1.1 s of CPU on a 200 dpi A4 page; the archived page also stays as scanned.
        deskew=False,
        rotate_pages=rotate,
        rotate_pages_threshold=ROTATION_RETRY_OSD_THRESHOLD if rotate else None,
        clean=shutil.which("unpaper") is not None,
        optimize=1,
        sidecar=_sidecar_path(work_dir),
        # One page per core; each Tesseract single-threaded (validate below).
        jobs=_cores(),
        # Threads, not forked processes: this runs inside a worker that holds DB connections.
        use_threads=True,
        progress_bar=False,
        tesseract_timeout=TESSERACT_TIMEOUT_SECONDS,
        # The OCR pass also writes Tesseract's TSV, kept in work_dir by _Tesseract for the confidence.
        tesseract_config=["tsv"],
        egov_tsv_dir=str(work_dir),
        plugins=[__name__],
    )


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@hookimpl(trylast=True)
def validate(pdfinfo: Any, options: OcrOptions) -> None:
    """OCRmyPDF plugin hook: Tesseract runs single-threaded; pages run in parallel instead.

    OCRmyPDF lets Tesseract use OpenMP threads when there are fewer pages than jobs. On a machine
    whose cores are busy with other work (2 cores here) the threads wait on each other: a 200 dpi
    page took 6–9 s with two threads and 1.3–1.8 s with one. Runs after the built-in hook.
    """
    del pdfinfo
    options.tesseract.omp_thread_limit = 1


class _Tesseract(tesseract_ocr.TesseractOcrEngine):
    """Tesseract whose one OCR pass also keeps its TSV (word confidences) for run_ocr."""

    @staticmethod
    def generate_hocr(input_file: Path, output_hocr: Path, output_text: Path, options: OcrOptions) -> None:
        tesseract_ocr.TesseractOcrEngine.generate_hocr(  # type: ignore[no-untyped-call]
            input_file, output_hocr, output_text, options
        )
        tsv_dir = options.extra_attrs.get("egov_tsv_dir")
        tsv = output_hocr.with_suffix(".tsv")
        # OCRmyPDF names a page's files "000001_…" from page 1; a page that timed out has no TSV.
        number = output_hocr.name.split("_", 1)[0]
        if tsv_dir and tsv.exists() and number.isdigit():
            shutil.move(tsv, _tsv_path(Path(tsv_dir), int(number) - 1))


@hookimpl
def get_ocr_engine(options: OcrOptions | None) -> tesseract_ocr.TesseractOcrEngine:
    """OCRmyPDF plugin hook: our Tesseract engine (registered after the built-in, so it wins)."""
    del options
    return _Tesseract()


class OcrProgress:
    """OCRmyPDF progress bar (plugin hook below): OCRed pages go to run_ocr's progress callback.

    OCRmyPDF makes one bar per step in the thread that called it; only the page loop ("OCR",
    counted in pages, half a page at a time) is reported, the other steps are short.
    """

    def __init__(self, *, total: float | None = None, desc: str | None = None, **_kwargs: Any) -> None:
        self.report = _page_progress.get() if desc == "OCR" and total else None
        self.total = total or 1
        self.done = 0.0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def update(self, n: float = 1, *, completed: float | None = None) -> None:
        if self.report is None:
            return
        self.done = completed if completed is not None else self.done + n
        self.report(min(self.done / self.total, 1.0))


@hookimpl
def get_progressbar_class() -> type[OcrProgress]:
    return OcrProgress


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
    # OCRmyPDF saves this copy as a PNG that only Tesseract reads, then deletes it: zlib level 1
    # (Pillow takes the image's own encoderinfo over save()'s) encodes a 300 dpi A4 page in
    # 0.25 s of CPU instead of 0.6 s.
    result.encoderinfo = {**getattr(result, "encoderinfo", {}), "compress_level": 1}
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


def _sidecar_path(work_dir: Path) -> Path:
    return work_dir / "sidecar.txt"


def _tsv_path(work_dir: Path, index: int) -> Path:
    return work_dir / f"page-{index + 1}.tsv"


def _page_confidence(work_dir: Path, index: int) -> float | None:
    """Mean Tesseract word confidence (0–100) of an OCRed page, or None when it holds no words."""
    tsv = _tsv_path(work_dir, index)
    if not tsv.exists():
        logger.warning("no Tesseract TSV for page %d", index + 1)
        return None
    return _mean_word_confidence(tsv.read_text(encoding="utf-8", errors="replace"))


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
