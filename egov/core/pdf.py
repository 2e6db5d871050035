"""Rendering forms and administrative documents to PDF with WeasyPrint.

Templates extend `pdf/nd30_base.html`, which lays out the elements of Nghị định 30/2020/NĐ-CP
Điều 8 and Phụ lục I. Fonts come from fontconfig: Noto Serif (every Vietnamese letter, a Times-like
serif as Phụ lục I asks for a Unicode Times New Roman) with DejaVu Serif as the fallback. Rendering
never touches the network: only file: and data: URLs are fetched.
"""

import functools
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import segno
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

PageSize = Literal["A4", "A5"]

_TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "pdf"

# Margins of ND 30/2020 Phụ lục I: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
# A5 (148×210 mm) is the size of the one-stop forms Mẫu 01–05 (TT 01/2018/TT-VPCP Điều 9);
# its base size is one step smaller so a receipt fits on one sheet.
_PAGE_CSS: dict[str, str] = {
    "A4": "@page { size: A4 portrait; margin: 20mm 15mm 20mm 30mm; } html { font-size: 13pt; }",
    "A5": "@page { size: A5 portrait; margin: 20mm 15mm 20mm 30mm; } html { font-size: 11pt; }",
}


class _Renderer:
    """Font configuration and parsed stylesheets, built once per process.

    Pango is not thread-safe, so renders take turns (`lock`). They are CPU-bound under the GIL
    anyway; one warm renderer per process replaces one per server thread, each of which used to
    pay the font set-up (seconds) on its first PDF (docs/performance.md, receipt PDF).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.font_config = FontConfiguration()
        self.url_fetcher = URLFetcher(allowed_protocols={"file", "data"})
        base = (_TEMPLATE_DIR / "nd30.css").read_text(encoding="utf-8")
        self.stylesheets: dict[str, list[CSS]] = {
            size: [
                CSS(string=base, font_config=self.font_config, url_fetcher=self.url_fetcher),
                CSS(string=page, font_config=self.font_config, url_fetcher=self.url_fetcher),
            ]
            for size, page in _PAGE_CSS.items()
        }


@functools.cache
def _get_renderer() -> _Renderer:
    """Built on first use, not at import: fontconfig start-up costs a few hundred milliseconds."""
    return _Renderer()


def render_pdf(
    template_name: str,
    context: Mapping[str, Any],
    *,
    page_size: PageSize = "A4",
    base_url: str | None = None,
) -> bytes:
    """Render a Django template to PDF bytes on an A4 or A5 page.

    `base_url` resolves relative URLs (images); only a file: URL is meaningful, network URLs are
    refused so a template can never make the server fetch from elsewhere.
    """
    if page_size not in _PAGE_CSS:
        raise ValueError(f"unsupported page size {page_size!r}")
    renderer = _get_renderer()
    html = render_to_string(template_name, {**context, "page_size": page_size})
    with renderer.lock:
        document = HTML(string=html, base_url=base_url, url_fetcher=renderer.url_fetcher)
        pdf: bytes = document.write_pdf(
            stylesheets=renderer.stylesheets[page_size], font_config=renderer.font_config
        )
    return pdf


def qr_svg(data: str, *, scale: int = 3) -> SafeString:
    """A QR code as inline SVG, safe to insert into a PDF template (`{{ qr }}`)."""
    qr = segno.make(data, error="m")
    # svg_inline writes no XML declaration, so the SVG can sit inside the HTML.
    svg: str = qr.svg_inline(scale=scale, border=2, dark="#000")
    return mark_safe(svg)  # noqa: S308 - produced by segno from the data's QR modules, not from markup
