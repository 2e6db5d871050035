"""The one-stop forms as printed: where the header, the place and date and the papers land on A5.

The tests read text positions and pixels of the rendered page (pypdfium2), not only its text:
a date line that runs past the paper's edge still extracts as text.
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from egov.demo.seed import commune_address
from egov.dossiers import printing
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.dossiers.tests.pdf_layout import MM, RenderedPdf
from egov.organization import naming
from egov.organization.models import Role, Unit
from egov.organization.tests.factories import make_member

VN = ZoneInfo("Asia/Ho_Chi_Minh")
RIGHT_MARGIN = 15 * MM  # ND 30/2020 Phụ lục I: 15–20 mm
THREE_PAPERS: list[dict[str, Any]] = [
    {
        "name": "Tờ khai đăng ký khai sinh theo mẫu",
        "originals": 1,
        "form": "Mẫu TP/HT-2020-KS.1",
        "required": True,
    },
    {"name": "Giấy chứng sinh hoặc giấy tờ thay thế Giấy chứng sinh", "originals": 1, "required": True},
    {
        "name": "Văn bản ủy quyền được chứng thực (trường hợp ủy quyền đăng ký khai sinh)",
        "originals": 1,
        "required": True,
    },
]


def receipt_at(unit: Unit, *, username: str, components=None, **more) -> bytes:
    desk = make_member(Role.DESK_OFFICER, unit, username)
    overrides = {"components": components} if components else {}
    version = commune_procedure(days="3", **overrides)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        dossier = receive(version, unit, desk, name="Nguyễn Thị Ánh Tuyết", **more)
    return printing.render_form(dossier, "01")


def test_commune_receipt_is_issued_by_the_committee_and_dated_at_the_commune(province):
    with RenderedPdf(receipt_at(province.commune, username="motcua.dh"), name="receipt-commune") as pdf:
        width, _height = pdf.size()
        text = pdf.text()
        # Ô 2: the commune's people's committee; ô 4: the commune's own name (ND 30/2020 Phụ lục I).
        assert "ỦY BAN NHÂN DÂN XÃ ĐỒNG HỶ" in text
        assert "TỈNH THÁI NGUYÊN" not in text
        date_line = pdf.find("Đồng Hỷ, ngày 02 tháng 3 năm 2026")
        assert date_line is not None, text
        assert "Thái Nguyên, ngày" not in text
        # The whole line lies on the sheet, inside the right margin, in the header's right column.
        assert date_line.right <= width - RIGHT_MARGIN + 1
        assert date_line.left >= width * 0.38
        header = pdf.find("ĐỒNG HỶ")
        assert header is not None
        assert header.right < width / 2
        # Nothing is drawn in the right margin (what the eye would see cut at the edge).
        assert pdf.ink_in_strip(width - RIGHT_MARGIN + 2, width) == 0


def test_a_long_place_name_wraps_inside_the_page(province):
    province.commune.name = "Phường Phan Đình Phùng"
    province.commune.save(update_fields=["name"])

    with RenderedPdf(receipt_at(province.commune, username="motcua.pdp"), name="receipt-long-place") as pdf:
        width, _height = pdf.size()
        line = pdf.find("năm 2026")
        start = pdf.find("Phan Đình Phùng, ngày")
        assert line is not None
        assert start is not None
        assert line.right <= width - RIGHT_MARGIN + 1
        assert start.left >= width * 0.38
        assert pdf.ink_in_strip(width - RIGHT_MARGIN + 2, width) == 0


def test_centre_receipt_names_the_province_as_place_and_governing_body(province):
    with RenderedPdf(
        receipt_at(province.centre, username="motcua.tt", competent_unit=province.commune),
        name="receipt-centre",
    ) as pdf:
        text = pdf.text()
        assert "UBND TỈNH THÁI NGUYÊN" in text
        assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH" in text
        assert pdf.find("Thái Nguyên, ngày 02 tháng 3 năm 2026") is not None


def test_a_three_paper_receipt_fits_one_a5_sheet(province):
    content = receipt_at(province.commune, username="motcua.ba", components=THREE_PAPERS)

    with RenderedPdf(content, name="receipt-three-papers") as pdf:
        assert pdf.pages == 1
        assert pdf.size() == pytest.approx((419.5, 595.3), abs=1)
        text = pdf.text()
        for paper in THREE_PAPERS:
            assert paper["name"] in text
        # The signatures close the sheet: both names are on the one page, above the bottom margin.
        signer = pdf.find("NGƯỜI TIẾP NHẬN HỒ SƠ")
        assert signer is not None
        assert signer.bottom > 20 * MM


def test_unit_names_keep_their_capitals(province):
    commune = Unit(name="Xã Đồng Hỷ")
    assert naming.authority_name(commune) == "Ủy ban nhân dân xã Đồng Hỷ"
    assert naming.short_authority_name(commune) == "UBND xã Đồng Hỷ"
    assert naming.authority_name(Unit(name="Ủy ban nhân dân tỉnh Thái Nguyên")) == (
        "Ủy ban nhân dân tỉnh Thái Nguyên"
    )
    assert naming.authority_name(Unit(name="Thị xã Phổ Yên")) == "Ủy ban nhân dân thị xã Phổ Yên"
    assert naming.authority_name(Unit(name="Sở Tư pháp")) == "Sở Tư pháp"
    assert commune_address("Xã Đồng Hỷ") == "Trụ sở UBND xã Đồng Hỷ, tỉnh Thái Nguyên"
    assert naming.place_name(province.division) == "Thái Nguyên"
    assert naming.place_name(Unit(name="Phường 1")) == "Phường 1"


def test_signature_block_follows_the_signers_authority():
    commune = Unit(name="Xã Đồng Hỷ")
    department = Unit(name="Sở Tư pháp")
    assert naming.signature_lines(commune, "Chủ tịch UBND xã") == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    assert naming.signature_lines(commune, "Phó Chủ tịch UBND xã") == (
        "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
    )
    assert naming.signature_lines(department, "Giám đốc Sở") == ("", "GIÁM ĐỐC")
    assert naming.signature_lines(department, "Phó Giám đốc Sở") == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")


def test_a_communes_seal_names_its_peoples_committee(province):
    from egov.signatures.services import issue_certificate

    seal = issue_certificate(kind="seal", pin="135790", issued_by=None, unit=province.commune)

    # Not "Xã Đồng Hỷ — Ủy ban nhân dân tỉnh Thái Nguyên": the seal is the commune committee's.
    assert "CN=Ủy ban nhân dân xã Đồng Hỷ" in seal.subject
    assert "O=Ủy ban nhân dân xã Đồng Hỷ" in seal.subject
    assert "L=Thái Nguyên" in seal.subject
