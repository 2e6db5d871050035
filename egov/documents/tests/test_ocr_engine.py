"""The OCR engine on synthetic scans of known Vietnamese text: accuracy, pages, PDF/A, refusals."""

import difflib
import io
import random
import subprocess
from pathlib import Path

import pikepdf
import pytest
from ocrmypdf import subprocess as ocrmypdf_subprocess
from PIL import Image, ImageDraw, ImageFont

from egov.core.text import fold
from egov.documents.ocr import OcrResult, SignedPdfError, _mean_word_confidence, run_ocr
from egov.documents.tests.files import pdf_bytes

FONT = "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf"
# Administrative prose with every tone mark on plain and modified vowels, and đ.
NOTICE = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; căn cứ Nghị định số "
    "61/2018/NĐ-CP của Chính phủ về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết "
    "thủ tục hành chính. Ủy ban nhân dân xã Đồng Hỷ thông báo tới các tổ chức, cá nhân về việc tiếp "
    "nhận và trả kết quả hồ sơ đăng ký khai sinh, kết hôn, chứng thực bản sao từ bản chính. Người nộp "
    "hồ sơ xuất trình căn cước công dân, nộp tờ khai theo mẫu và nhận giấy hẹn trả kết quả. Trường hợp "
    "hồ sơ chưa đầy đủ, công chức bộ phận một cửa hướng dẫn bổ sung, hoàn thiện một lần. Kết quả giải "
    "quyết được trả trực tiếp hoặc qua dịch vụ bưu chính công ích theo yêu cầu của người dân."
)
PAGE_ONE = "Trang thứ nhất: tờ khai đăng ký khai sinh của công dân Nguyễn Thị Ánh Tuyết."
PAGE_TWO = "Trang thứ hai: giấy chứng sinh do trạm y tế xã Đồng Hỷ cấp ngày mười lăm."


def scanned_page(text: str, *, seed: int = 1, size: tuple[int, int] = (2480, 1200)) -> Image.Image:
    """A 300 dpi grey page (A4 wide) of `text` in 40 px serif, with 1.5 % speckle, turned 1.5°."""
    width, height = size
    font = ImageFont.truetype(FONT, 40)
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > width - 2 * 250:
            lines.append(line)
            candidate = word
        line = candidate
    lines.append(line)
    for number, content in enumerate(lines):
        draw.text((250, 300 + 70 * number), content, font=font, fill=0)
    rng = random.Random(seed)
    pixels = page.load()
    for _ in range(int(width * height * 0.015)):
        pixels[rng.randrange(width), rng.randrange(height)] = 0 if rng.random() < 0.5 else 255
    return page.rotate(1.5, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)


def png_scan(text: str = NOTICE) -> bytes:
    buffer = io.BytesIO()
    scanned_page(text).save(buffer, format="PNG", dpi=(300, 300))
    return buffer.getvalue()


def pdf_scan(*texts: str) -> bytes:
    """A PDF of one scanned page per text (A5 at 300 dpi, to keep OCR quick)."""
    pages = [scanned_page(text, seed=n, size=(1748, 1000)) for n, text in enumerate(texts)]
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:], resolution=300)
    return buffer.getvalue()


def signed_pdf() -> bytes:
    """A PDF with a signature field holding a signature value (/ByteRange, /Contents)."""
    with pikepdf.open(io.BytesIO(pdf_bytes("Quyet dinh da ky"))) as pdf:
        signature = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Sig,
                Filter=pikepdf.Name("/Adobe.PPKLite"),
                ByteRange=pikepdf.Array([0, 10, 20, 10]),
                Contents=pikepdf.String(b"\x00" * 16),
            )
        )
        field = pdf.make_indirect(
            pikepdf.Dictionary(FT=pikepdf.Name.Sig, T=pikepdf.String("Sig1"), V=signature)
        )
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]), SigFlags=3)
        buffer = io.BytesIO()
        pdf.save(buffer)
    return buffer.getvalue()


def word_accuracy(expected: str, got: str) -> float:
    """Share of the expected words found in order, diacritics exact."""
    want, have = expected.split(), got.split()
    matcher = difflib.SequenceMatcher(a=want, b=have, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(want)


def test_scanned_image_becomes_searchable_pdfa(tmp_path: Path):
    source = tmp_path / "thong-bao.png"
    source.write_bytes(png_scan())
    output = tmp_path / "thong-bao.pdf"
    reported: list[int] = []

    result = run_ocr(source, output, progress=reported.append)

    assert (result.pages_in, result.pages_out) == (1, 1)
    assert result.is_pdfa
    assert word_accuracy(NOTICE, result.text) >= 0.95, result.text
    assert fold("Ủy ban nhân dân xã Đồng Hỷ thông báo") in fold(result.text)
    assert result.confidence_per_page[0] is not None
    assert result.confidence_per_page[0] > 50
    assert reported[-1] == 100
    assert reported == sorted(reported)
    with pikepdf.open(output) as pdf, pdf.open_metadata() as meta:
        assert meta.pdfa_status.startswith("2")


def test_every_page_of_a_scanned_pdf_is_kept_in_order(tmp_path: Path):
    source = tmp_path / "ho-so.pdf"
    source.write_bytes(pdf_scan(PAGE_ONE, PAGE_TWO))

    result = run_ocr(source, tmp_path / "ho-so-ocr.pdf")

    assert (result.pages_in, result.pages_out) == (2, 2)
    assert len(result.text_per_page) == 2
    assert "thứ nhất" in result.text_per_page[0]
    assert "thứ hai" in result.text_per_page[1]
    assert word_accuracy(PAGE_ONE + " " + PAGE_TWO, result.text) >= 0.9


def test_signed_pdf_is_refused(tmp_path: Path):
    source = tmp_path / "da-ky.pdf"
    source.write_bytes(signed_pdf())
    output = tmp_path / "out.pdf"

    with pytest.raises(SignedPdfError):
        run_ocr(source, output)
    assert not output.exists()


def test_confidence_averages_words_only():
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        "1\t1\t0\t0\t0\t0\t0\t0\t100\t100\t-1\t\n"
        "5\t1\t1\t1\t1\t1\t0\t0\t10\t10\t90\tỦy\n"
        "5\t1\t1\t1\t1\t2\t0\t0\t10\t10\t70\tban\n"
        "5\t1\t1\t1\t1\t3\t0\t0\t10\t10\t95\t \n"
    )

    assert _mean_word_confidence(tsv) == 80.0
    assert _mean_word_confidence("level\tconf\n") is None
    result = OcrResult(2, 2, ["a", "b"], [92.0, 55.5], is_pdfa=True)
    assert result.pages_below(70) == [2]
    assert result.mean_confidence == 73.75


def test_each_page_is_read_by_one_tesseract_pass(tmp_path: Path, monkeypatch):
    # The text layer, the text for search and the confidence come from the same pass: no second
    # recognition for the confidence, no layout pass for deskew, no orientation pass when upright.
    passes: list[list[str]] = []
    threads: set[str | None] = set()
    real_run = ocrmypdf_subprocess.run

    def counting_run(args, *more, **kwargs):
        if "--list-langs" not in args and "--version" not in args:
            passes.append([str(arg) for arg in args])
            threads.add((kwargs.get("env") or {}).get("OMP_THREAD_LIMIT"))
        return real_run(args, *more, **kwargs)

    monkeypatch.setattr("ocrmypdf._exec.tesseract.run", counting_run)
    monkeypatch.setattr(subprocess, "run", counting_run)
    source = tmp_path / "ho-so.pdf"
    source.write_bytes(pdf_scan(PAGE_ONE, PAGE_TWO))
    reported: list[int] = []

    result = run_ocr(source, tmp_path / "ho-so-ocr.pdf", progress=reported.append)

    assert len(passes) == 2, passes
    assert all("hocr" in args and "tsv" in args for args in passes)
    # Pages in parallel, each Tesseract on one thread: its threads crawl on a busy machine.
    assert threads == {"1"}
    assert all(c is not None and c > 80 for c in result.confidence_per_page)
    # The bar moves as each page is read, not only at the end.
    assert reported == sorted(reported)
    assert any(10 < percent < 90 for percent in reported), reported


def test_page_scanned_upside_down_is_turned_and_read(tmp_path: Path):
    # Page 2 reads as noise upright, so the scan is read again with orientation detection, which
    # is only 13.8 % sure here (OCRmyPDF turns a page from 14 % by default).
    source = tmp_path / "ho-so.tif"
    upright, upside_down = scanned_page(NOTICE, seed=1), scanned_page(NOTICE, seed=2).rotate(180)
    upright.save(source, save_all=True, append_images=[upside_down], dpi=(300, 300))

    result = run_ocr(source, tmp_path / "ho-so.pdf")

    assert (result.pages_in, result.pages_out) == (2, 2)
    assert all(word_accuracy(NOTICE, text) >= 0.95 for text in result.text_per_page), result.text
    assert all(c is not None and c > 80 for c in result.confidence_per_page)


def test_text_pages_keep_their_text_and_progress_never_goes_back(tmp_path: Path):
    with (
        pikepdf.open(io.BytesIO(pdf_bytes("Quyet dinh so 12"))) as pdf,
        pikepdf.open(io.BytesIO(pdf_scan(PAGE_ONE))) as scan,
    ):
        pdf.pages.extend(scan.pages)
        pdf.save(tmp_path / "hon-hop.pdf")
    reported: list[int] = []

    result = run_ocr(tmp_path / "hon-hop.pdf", tmp_path / "out.pdf", progress=reported.append)

    assert result.text_per_page[0] == "Quyet dinh so 12"
    assert "thứ nhất" in result.text_per_page[1]
    assert result.confidence_per_page[0] is None
    assert result.confidence_per_page[1] is not None
    # OCRmyPDF ran twice here (no PDF/A without Ghostscript for a file with text pages).
    assert reported == sorted(reported)
    assert reported[-1] == 100
