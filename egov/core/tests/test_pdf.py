"""PDF rendering: ND 30/2020 layout on A4 and A5, every Vietnamese letter kept, fonts embedded."""

import datetime
import io
import re

import pikepdf
import pypdfium2 as pdfium
import pytest

from egov.core.pdf import qr_svg, render_pdf

# Each diacritic class: sắc, huyền, hỏi, ngã, nặng on plain and modified vowels (ă â ê ô ơ ư), đ/Đ.
VIETNAMESE = (
    "Ủy ban nhân dân xã Đồng Hỷ — Giấy tiếp nhận hồ sơ: Nguyễn Thị Ánh Tuyết, Trần Quốc Vượng, "
    "Lê Ngọc Ẩn, ỹ ỵ ự ữ ẳ ặ ẫ ậ ể ệ ổ ộ ở ợ ử Ừ Ỡ Đ"
)
A5 = (419.5, 595.3)
A4 = (595.3, 841.9)


def receipt_context() -> dict[str, object]:
    return {
        "issuer_parent": "Ủy ban nhân dân huyện Đồng Hỷ",
        "issuer": "Ủy ban nhân dân xã Đồng Hỷ",
        "place": "Thái Nguyên",
        "date": datetime.date(2025, 2, 5),
        "dossier_code": "000.00.19.H56-250205-0001",
        "applicant": "Nguyễn Thị Ánh Tuyết",
        "address": "Xóm Đồng Thái, xã Đồng Hỷ",
        "phone": "0912 345 678",
        "procedure": "Đăng ký khai sinh",
        "components": [("Tờ khai đăng ký khai sinh", "01 bản chính")],
        "received_at": datetime.datetime(2025, 2, 5, 9, 30),
        "due_at": datetime.datetime(2025, 2, 6, 9, 30),
        "receiver_name": "Trần Quốc Vượng",
        "qr": qr_svg("https://egov.example/tra-cuu/000.00.19.H56-250205-0001"),
        "note": VIETNAMESE,
    }


def pdf_text(content: bytes) -> str:
    """The text of every page, lines joined with single spaces."""
    with pdfium.PdfDocument(content) as pdf:
        texts = []
        for index in range(len(pdf)):
            textpage = pdf[index].get_textpage()
            texts.append(textpage.get_text_bounded())
            textpage.close()
    return re.sub(r"\s+", " ", " ".join(texts))


def page_sizes(content: bytes) -> list[tuple[float, float]]:
    with pikepdf.open(io.BytesIO(content)) as pdf:
        return [
            (float(p.mediabox[2] - p.mediabox[0]), float(p.mediabox[3] - p.mediabox[1])) for p in pdf.pages
        ]


def font_files(content: bytes) -> dict[str, bool]:
    """Each font used on a page, by base name, and whether its program is embedded."""
    fonts: dict[str, bool] = {}
    with pikepdf.open(io.BytesIO(content)) as pdf:
        for page in pdf.pages:
            for font in page.obj.Resources.get("/Font", {}).values():
                descendants = font.get("/DescendantFonts")
                described = descendants[0] if descendants is not None else font
                descriptor = described.get("/FontDescriptor", pikepdf.Dictionary())
                fonts[str(font.BaseFont)] = any(
                    key in descriptor for key in ("/FontFile2", "/FontFile3", "/FontFile")
                )
    return fonts


def test_a5_receipt_keeps_every_vietnamese_letter_and_embeds_its_fonts():
    content = render_pdf("pdf/sample_receipt.html", receipt_context(), page_size="A5")

    assert content.startswith(b"%PDF-")
    assert page_sizes(content) == [pytest.approx(A5, abs=1)]
    text = pdf_text(content)
    assert VIETNAMESE in text
    # The ND 30/2020 header: national name and motto, place and date with leading zeros.
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Thái Nguyên, ngày 05 tháng 02 năm 2025" in text
    fonts = font_files(content)
    assert fonts
    assert all(fonts.values()), fonts
    assert any("NotoSerif" in name.replace("-", "") for name in fonts)


def test_a4_document_has_the_nd30_blocks():
    context = {
        "issuer_parent": "Ủy ban nhân dân tỉnh Thái Nguyên",
        "issuer": "Sở Tư pháp",
        "number": "15",
        "symbol": "QĐ-STP",
        "place": "Thái Nguyên",
        "date": datetime.date(2025, 11, 20),
        "title": "Quyết định",
        "summary": "Về việc công bố thủ tục hành chính",
        "signer_authority": "KT. Giám đốc",
        "signer_position": "Phó Giám đốc",
        "signer_name": "Lê Ngọc Ẩn",
        "recipients": ["Như Điều 3;", "Lưu: VT, VP."],
    }
    content = render_pdf("pdf/nd30_base.html", context)

    assert page_sizes(content) == [pytest.approx(A4, abs=1)]
    text = pdf_text(content)
    for expected in (
        "Số: 15/QĐ-STP",
        "SỞ TƯ PHÁP",
        "Thái Nguyên, ngày 20 tháng 11 năm 2025",
        "QUYẾT ĐỊNH",
        "Về việc công bố thủ tục hành chính",
        "Nơi nhận:",
        "KT. GIÁM ĐỐC",
        "Lê Ngọc Ẩn",
    ):
        assert expected in text
    assert all(font_files(content).values())


def test_qr_code_is_inline_svg():
    svg = qr_svg("000.00.19.H56-250205-0001")

    assert svg.startswith("<svg")
    assert "<path" in svg


def test_unknown_page_size_is_refused():
    with pytest.raises(ValueError, match="A3"):
        render_pdf("pdf/nd30_base.html", {}, page_size="A3")  # type: ignore[arg-type]
