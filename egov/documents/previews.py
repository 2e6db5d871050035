"""A PNG picture of a file's first page, shown on the document's page."""

import io
import logging

import pypdfium2 as pdfium
from django.conf import settings
from PIL import Image

from egov.documents import validation
from egov.documents.extraction import PDFIUM_LOCK
from egov.documents.validation import CheckedFile

logger = logging.getLogger(__name__)

PREVIEW_DPI = 100
PREVIEW_MAX_WIDTH = 800


def preview_key(sha256: str) -> str:
    """Previews are stored under the content hash too, so equal content shares one picture."""
    return f"documents/previews/{sha256[:2]}/{sha256[2:4]}/{sha256}.png"


def render_preview(checked: CheckedFile) -> bytes | None:
    """The first page as PNG bytes, or None for attachments and files that cannot be drawn."""
    try:
        if checked.mime_type == validation.PDF:
            image = _pdf_first_page(checked.content)
        elif checked.mime_type in validation.IMAGE_TYPES:
            image = _image_first_frame(checked.content)
        else:
            return None
        buffer = io.BytesIO()
        # zlib's default level: `optimize=True` spent 0.95 s of CPU on a scanned A4 page (every
        # upload and every digitisation) to save 8 % of a 0.7 MB picture.
        image.save(buffer, format="PNG")
    except Exception:  # a missing preview never fails an upload
        logger.warning("preview failed for %s", checked.sha256, exc_info=True)
        return None
    return buffer.getvalue()


def _pdf_first_page(content: bytes) -> Image.Image:
    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(content)
        try:
            page = pdf[0]
            width, _height = page.get_size()
            scale = min(PREVIEW_DPI / 72, PREVIEW_MAX_WIDTH / max(width, 1))
            bitmap = page.render(scale=scale)
            image: Image.Image = bitmap.to_pil()
            image.load()
            page.close()
        finally:
            pdf.close()
    # PDFium rounds the bitmap size up: trim the odd pixel beyond the maximum width.
    image.thumbnail((PREVIEW_MAX_WIDTH, PREVIEW_MAX_WIDTH * 4))
    return image


def _image_first_frame(content: bytes) -> Image.Image:
    Image.MAX_IMAGE_PIXELS = settings.EGOV_UPLOAD_MAX_PIXELS
    with Image.open(io.BytesIO(content)) as source:
        source.seek(0)
        # JPEG decodes at a reduced scale directly: a 600 dpi scan need not be decoded in full.
        source.draft("RGB", (PREVIEW_MAX_WIDTH, PREVIEW_MAX_WIDTH * 2))
        frame = source.convert("L" if source.mode in {"1", "L", "I;16"} else "RGB")
    frame.thumbnail((PREVIEW_MAX_WIDTH, PREVIEW_MAX_WIDTH * 2))
    return frame
