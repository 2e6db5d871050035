"""Reading where text lands on a rendered page: boxes of found words, ink in a strip of the page."""

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

MM = 72 / 25.4


@dataclass(frozen=True)
class Box:
    """A rectangle in PDF points, origin at the bottom left of the page."""

    left: float
    bottom: float
    right: float
    top: float


class RenderedPdf:
    """A PDF opened for reading text positions and pixels (close it, or use `with`)."""

    def __init__(self, content: bytes, *, name: str = "") -> None:
        self.pdf = pdfium.PdfDocument(content)
        self.pdf.init_forms()  # draw the signature widgets' appearances too, as a viewer does
        # EGOV_TEST_PNG_DIR=/tmp/forms keeps a PNG of each page, to look at the form by eye.
        folder = os.environ.get("EGOV_TEST_PNG_DIR")
        if folder and name:
            Path(folder).mkdir(parents=True, exist_ok=True)
            for index in range(len(self.pdf)):
                image = self.pdf[index].render(scale=80 / 72).to_pil()
                image.save(Path(folder) / f"{name}-{index + 1}.png")

    def __enter__(self) -> "RenderedPdf":
        return self

    def __exit__(self, *exc: object) -> None:
        self.pdf.close()

    @property
    def pages(self) -> int:
        return len(self.pdf)

    def size(self, page: int = 0) -> tuple[float, float]:
        width, height = self.pdf[page].get_size()
        return width, height

    def text(self, page: int = 0) -> str:
        return re.sub(r"\s+", " ", self.pdf[page].get_textpage().get_text_range())

    def find(self, needle: str, page: int = 0) -> Box | None:
        """The box around the first occurrence of `needle` (it may wrap over lines)."""
        textpage = self.pdf[page].get_textpage()
        searcher = textpage.search(needle, match_case=True)
        found = searcher.get_next()
        if found is None:
            return None
        start, count = found
        boxes = [textpage.get_charbox(index) for index in range(start, start + count)]
        boxes = [b for b in boxes if b[2] > b[0]]  # spaces have no box
        return Box(
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    def ink_in_strip(self, left: float, right: float, page: int = 0) -> int:
        """How many dark pixels lie between two x positions (points) at 100 dpi."""
        scale = 100 / 72
        image = self.pdf[page].render(scale=scale, grayscale=True).to_pil().convert("L")
        x0, x1 = int(left * scale), min(int(right * scale), image.width)
        strip = image.crop((x0, 0, x1, image.height))
        return sum(strip.histogram()[:128])
