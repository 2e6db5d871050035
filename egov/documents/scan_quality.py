"""The resolution of a scan brought to intake: at least 200 dpi (TT 01/2023/TT-VPCP Điều 8; ND 30/2020
Phụ lục I: a digitised paper document is a colour PDF of at least 200 dpi at 100 % scale;
vn-standards.md checklist 35).

Called by the intake paths (desk scans, the citizen's online uploads), not by every upload: a
result PDF egov draws itself, or an office attachment, is not a scan. Whether the file may be
stored at all is `validation.check_upload`'s question; this one only measures the scan.

- An image (JPEG, PNG, TIFF) reads its resolution from its DPI metadata. A camera writes 72 dpi
  whatever it shoots, so metadata that would make the paper larger than A3 is not believed and
  the resolution is estimated from the pixels over the long side of an A4 sheet.
- A PDF is measured page by page: each image that covers at least half the page (a page image,
  i.e. the scan of that page) has its pixels over its printed size (ocrmypdf's PDF analysis,
  which follows the page's transformation matrices). Pages drawn as text or vectors pass.
"""

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

MINIMUM_DPI = 200
# A4 long side, and A3's: no paper administrative document is larger (TT 01/2011, ND 30/2020).
A4_LONG_INCHES = 297 / 25.4
A3_LONG_INCHES = 420 / 25.4
# An image covering this share of the page is the page's scan.
PAGE_IMAGE_SHARE = 0.5


@dataclass(frozen=True)
class Measured:
    dpi: int
    page: int | None = None  # 1-based page of a PDF; None for an image


def check_scan(file: Any) -> None:
    """Raise ValidationError when a scanned page or image is under 200 dpi; rewinds the file."""
    file.seek(0)
    content = file.read()
    file.seek(0)
    low = lowest_resolution(content)
    if low is None or low.dpi >= MINIMUM_DPI:
        return
    values = {"dpi": low.dpi, "minimum": MINIMUM_DPI, "page": low.page}
    if low.page is None:
        message = _("The scan has a resolution of %(dpi)d dpi; at least %(minimum)d dpi is needed.")
    else:
        message = _(
            "Page %(page)d of the scan has a resolution of %(dpi)d dpi; at least %(minimum)d dpi is needed."
        )
    raise ValidationError(message % values, code="low_resolution")


def lowest_resolution(content: bytes) -> Measured | None:
    """The lowest resolution of the scan's pages, None when nothing in it is a scan (or unreadable)."""
    if content.startswith(b"%PDF"):
        return _pdf_lowest(content)
    return _image_resolution(content)


def _image_resolution(content: bytes) -> Measured | None:
    try:
        with Image.open(io.BytesIO(content)) as image:
            long_pixels = max(image.size)
            declared = image.info.get("dpi")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None  # not an image: validation.check_upload answers for it
    dpi: float | None = None
    if declared:
        dpi = float(min(declared))
        if dpi <= 0 or long_pixels / dpi > A3_LONG_INCHES:
            dpi = None  # a camera's 72 dpi: the metadata says nothing about the paper
    if dpi is None:
        dpi = long_pixels / A4_LONG_INCHES
    return Measured(round(dpi))


def _pdf_lowest(content: bytes) -> Measured | None:
    from ocrmypdf.pdfinfo import PdfInfo

    lowest: Measured | None = None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        try:
            info = PdfInfo(Path(handle.name))
        except Exception:
            return None
        for page in info.pages:
            if page is None:
                continue
            page_area = float(page.width_inches) * float(page.height_inches)
            for image in page.images:
                if page_area <= 0 or float(image.printed_area) < PAGE_IMAGE_SHARE * page_area:
                    continue
                dpi = round(min(float(image.dpi.x), float(image.dpi.y)))
                if lowest is None or dpi < lowest.dpi:
                    # A one-page scan needs no page number in the message.
                    lowest = Measured(dpi, page.pageno + 1 if len(info.pages) > 1 else None)
    return lowest
