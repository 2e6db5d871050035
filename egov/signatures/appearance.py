"""What a signature looks like on the page (ND 30/2020 Điều 13, Phụ lục I).

The leader's signature image is blue on a transparent background; the organisation's seal is a
red round seal at real size (about 36 mm), transparent, overlapping about a third of the leader's
signature on the left. A result drafted by egov reserves the signature box in its signer block,
between the position and the printed name (ô 7c), as the named destination RESERVED_ANCHOR; the
signer reads it (reserved_box). Any other PDF gets the box bottom right of the last page.
"""

import io
import math
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = [
    Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
]
BOLD_CANDIDATES = [
    Path("/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
]
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
SEAL_RED = (200, 16, 46, 255)
SIGNATURE_BLUE = (20, 40, 160, 255)
# Signature box, in points: 240 × 110, 36 pt from the right edge, 56 pt above the bottom. The
# signature image fills the top IMAGE_HEIGHT points (centred), the signature's text the rest.
BOX_WIDTH, BOX_HEIGHT, MARGIN_RIGHT, MARGIN_BOTTOM = 240, 110, 36, 56
IMAGE_HEIGHT, IMAGE_WIDTH = 60, 192
SEAL_SIZE = 96  # ≈ 34 mm, the usual diameter of a unit's seal
# The named destination (an element id in the HTML) marking the top left of the reserved box.
RESERVED_ANCHOR = "egov-signature"


def reserved_space() -> dict[str, object]:
    """What a template needs to reserve the box: its anchor and size in points."""
    return {"anchor": RESERVED_ANCHOR, "width": BOX_WIDTH, "height": BOX_HEIGHT}


# Latin, Vietnamese (precomposed and combining marks), punctuation and the đồng sign.
SUBSET_UNICODES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x370),
    *range(0x1E00, 0x1F00),
    *range(0x2000, 0x2070),
    0x20AB,
]


def _system_font(*, bold: bool) -> Path:
    for path in BOLD_CANDIDATES if bold else FONT_CANDIDATES:
        if path.exists():
            return path
    msg = "No font with Vietnamese glyphs: install fonts-noto-core (make setup does)."
    raise FileNotFoundError(msg)


@cache
def font_path(*, bold: bool = False) -> str:
    """A TrueType font with every Vietnamese diacritic (Noto Sans; DejaVu Sans as fallback)."""
    return str(_system_font(bold=bold))


@cache
def stamp_font_path() -> str:
    """The signature font cut down to Latin and Vietnamese: embedding it in every signature is
    then twice as fast (made once, kept under VAR_DIR/cache)."""
    from fontTools import subset  # type: ignore[import-untyped]
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    source = _system_font(bold=False)
    cache_dir = Path(getattr(settings, "VAR_DIR", tempfile.gettempdir())) / "cache"
    target = cache_dir / f"{source.stem}-vi-{int(source.stat().st_mtime)}.ttf"
    if not target.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        font = TTFont(str(source))
        subsetter = subset.Subsetter(subset.Options(name_IDs=["*"], notdef_outline=True))
        subsetter.populate(unicodes=SUBSET_UNICODES)
        subsetter.subset(font)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        font.save(str(partial))
        partial.replace(target)  # atomic: concurrent workers never read half a font
    return str(target)


@dataclass(frozen=True)
class Appearance:
    """A visible signature: who signs, in what capacity, and where on the page.

    box: (x1, y1, x2, y2) in points on `page` (0-based; -1 = last page). Without a box the
    signature goes bottom right of the page; a seal goes over the left third of that box.
    """

    signer_name: str
    position: str = ""
    unit: str = ""
    kind: Literal["signature", "seal"] = "signature"
    page: int = -1
    box: tuple[int, int, int, int] | None = None
    image_png: bytes | None = None

    def default_box(self, page_width: float) -> tuple[int, int, int, int]:
        return self.box_at(int(page_width) - MARGIN_RIGHT - BOX_WIDTH, MARGIN_BOTTOM)

    def box_at(self, x1: int, y1: int) -> tuple[int, int, int, int]:
        """The box for this signature when the signature box's bottom left is (x1, y1)."""
        x2, y2 = x1 + BOX_WIDTH, y1 + BOX_HEIGHT
        if self.kind == "seal":
            # ND 30/2020 Phụ lục I: the seal covers about 1/3 of the signature image, on its left.
            image_left = x1 + (BOX_WIDTH - IMAGE_WIDTH) // 2
            right = image_left + IMAGE_WIDTH // 3
            centre_y = y2 - IMAGE_HEIGHT // 2
            return (right - SEAL_SIZE, centre_y - SEAL_SIZE // 2, right, centre_y + SEAL_SIZE // 2)
        return (x1, y1, x2, y2)


def signing_time_text(moment: datetime) -> str:
    """dd/mm/yyyy HH:MM:SS +07:00, Vietnam time (ND 30/2020 Phụ lục I: hh:mm:ss, ISO 8601 offset)."""
    local = moment.astimezone(VIETNAM)
    offset = local.strftime("%z")
    return f"{local:%d/%m/%Y %H:%M:%S} {offset[:3]}:{offset[3:]}"


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@lru_cache(maxsize=256)
def signature_image(name: str) -> bytes:
    """A blue, transparent 'handwritten' signature for demo certificates (the last given name)."""
    scale = 4
    image = Image.new("RGBA", (160 * scale, 50 * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(font_path(), 26 * scale)
    word = name.split()[-1] if name.split() else name
    draw.text((10 * scale, 4 * scale), word, font=font, fill=SIGNATURE_BLUE)
    # A flourish under the name.
    points = [(8 * scale + i * scale, (42 + 4 * math.sin(i / 12)) * scale) for i in range(0, 140, 4)]
    draw.line(points, fill=SIGNATURE_BLUE, width=2 * scale)
    return _png(image.resize((320, 100), Image.Resampling.LANCZOS))


def _star(cx: float, cy: float, radius: float) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.4
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


@lru_cache(maxsize=256)
def seal_image(unit_name: str, province: str = "") -> bytes:
    """A red round seal: two rings, the unit's name around the edge and a star in the centre."""
    size = 480
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    c = size / 2
    draw.ellipse((6, 6, size - 6, size - 6), outline=SEAL_RED, width=12)
    draw.ellipse((110, 110, size - 110, size - 110), outline=SEAL_RED, width=6)
    draw.polygon(_star(c, c, 78), fill=SEAL_RED)
    top = province.upper() if province else ""
    text = f"{top} • {unit_name.upper()} • " if top else f"{unit_name.upper()} • "
    font = ImageFont.truetype(font_path(bold=True), 34)
    radius = c - 62
    step = 2 * math.pi / max(len(text), 1)
    # The province's name is centred at the top, the unit's runs round the rest.
    start = -math.pi / 2 - (len(top) - 1) / 2 * step
    for index, char in enumerate(text):
        angle = start + index * step
        glyph = Image.new("RGBA", (60, 60), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((30, 30), char, font=font, fill=SEAL_RED, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        x = c + radius * math.cos(angle) - 30
        y = c + radius * math.sin(angle) - 30
        image.alpha_composite(glyph, (int(x), int(y)))
    return _png(image)
