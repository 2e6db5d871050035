"""The result drafted from the template uses the dossier's data (issue 11, item 5).

The demo's birth registration (catalogue.json, 1.001193) filed online by the father: the birth
certificate is laid out as the paper it is (not a decision), names the child from the e-form,
cites the commune's competence and the version's substantive bases (not its fee rules), is dated
at the commune and is signed for the committee by its chairman, the signature in the box the
signer block keeps for it, clear of the printed name.
"""

import datetime as dt
import io
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from egov.dossiers import online, services
from egov.dossiers.drafting import is_fee_basis, legal_bases
from egov.dossiers.tests.factories import SIGNING_PIN, sign_result, tiny_pdf
from egov.dossiers.tests.online_factories import citizen
from egov.dossiers.tests.pdf_layout import RenderedPdf
from egov.organization.models import Role
from egov.organization.tests.factories import make_member
from egov.procedures.models import Procedure
from egov.procedures.services import import_catalogue
from egov.procedures.tests.documents import decision, document

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CATALOGUE = Path(__file__).resolve().parents[2] / "procedures" / "demo" / "catalogue.json"
FATHER = "Nguyễn Văn An"
CHILD = "Nguyễn Minh Khôi"


def demo_birth_registration():
    entries = [
        procedure
        for item in json.loads(CATALOGUE.read_text(encoding="utf-8"))["decisions"]
        for procedure in item["procedures"]
        if procedure["code"] == "1.001193" and procedure.get("form")
    ]
    report = import_catalogue(document(decision("99/QĐ-UBND", entries[0])), imported_by=None, dry_run=False)
    assert report.ok, report.error_lines()
    version = Procedure.objects.get(code="1.001193").current_version
    assert version is not None
    return version


@pytest.fixture
def birth(province):
    version = demo_birth_registration()
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.ks")
    specialist = make_member(Role.SPECIALIST, province.commune, "tuphap.ks")
    chairman = make_member(Role.LEADER, province.commune, "chutich.ks")
    chairman.full_name = "Mạc Văn Tùng"
    chairman.save(update_fields=["full_name"])
    chairman.memberships.update(position_title="Chủ tịch UBND xã")
    father = citizen(full_name=FATHER)
    with time_machine.travel(dt.datetime(2026, 11, 9, 8, 5, tzinfo=VN), tick=False):
        draft = online.start_draft(citizen=father, version=version)
        online.save_draft(
            draft,
            by=father,
            values={
                "applicant_name": FATHER,
                "applicant_id_number": "019090001234",
                "applicant_address": "Xóm Làng Mới, xã Đồng Hỷ",
                "applicant_phone": "0912345678",
                "ho_ten_tre": CHILD,
                "ngay_sinh_tre": "2026-11-01",
                "gioi_tinh_tre": "Nam",
                "noi_sinh": "Trạm Y tế xã Đồng Hỷ",
                "ho_ten_me": "Lê Thị Hoa",
                "ho_ten_cha": FATHER,
                "quan_he": "Cha",
                "cam_doan": "on",
            },
            receiving_unit=province.commune,
        )
        for component in version.components.filter(form="", is_required=True):
            online.attach_to_draft(draft, by=father, component=component, file=tiny_pdf())
        dossier = online.submit_online(draft, by=father)
    with time_machine.travel(dt.datetime(2026, 11, 9, 9, 30, tzinfo=VN), tick=False):
        online.receive_online(dossier, by=desk)
        services.forward_dossier(dossier, by=desk)
        result = services.generate_result(dossier, by=specialist)
    assert result.current_version is not None
    with result.current_version.file.open("rb") as handle:
        content = handle.read()
    return version, dossier, chairman, content


@pytest.fixture
def drafted(birth):
    version, _dossier, _chairman, content = birth
    return version, content


def test_the_birth_certificate_is_made_out_for_the_child(drafted):
    _version, content = drafted
    with RenderedPdf(content, name="result-birth") as pdf:
        text = " ".join(pdf.text(page) for page in range(pdf.pages))

    assert f"Họ, chữ đệm và tên của trẻ: {CHILD}" in text
    assert f"Ông/Bà {FATHER}" in text  # he filed it and receives it, but it is not made out to him
    assert f"cho Ông/Bà {FATHER}" not in text
    # A Giấy khai sinh is the paper issued from the register, not a decision "Về việc …".
    assert "Về việc" not in text
    assert "Kết quả:" not in text
    for shown in (
        "Ngày, tháng, năm sinh của trẻ: 01/11/2026",
        "Giới tính của trẻ: Nam",
        "Họ, chữ đệm và tên người mẹ: Lê Thị Hoa",
    ):
        assert shown in text, shown
    assert "GIẤY KHAI SINH" in text


def test_it_cites_the_competence_and_the_substantive_bases_not_the_fee_rules(drafted):
    version, content = drafted
    with RenderedPdf(content, name="result-birth-bases") as pdf:
        text = " ".join(pdf.text(page) for page in range(pdf.pages))

    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;" in text
    bases = legal_bases(version.legal_basis)
    assert len(bases) == 6
    fee_rules = [basis for basis in bases if is_fee_basis(basis)]
    assert fee_rules == [
        "Thông tư 85/2019/TT-BTC",
        "Nghị quyết của HĐND tỉnh Thái Nguyên quy định mức thu lệ phí hộ tịch",
    ]
    for basis in bases:
        if basis in fee_rules:
            assert basis not in text, basis  # the registration is free; what is charged is not cited
        else:
            assert f"Căn cứ {basis};" in text, basis
    # The commune's committee issues it, dated at the commune, received "09 giờ 30 phút".
    assert "ỦY BAN NHÂN DÂN XÃ ĐỒNG HỶ" in text
    assert re.search(r"Đồng Hỷ, ngày \d\d tháng \d+ năm \d{4}", text)
    assert "Thái Nguyên, ngày" not in text
    assert "09 giờ 30 phút, ngày 09/11/2026" in text
    assert "Số: …/…" in text


def test_it_is_signed_for_the_committee_by_its_chairman(drafted):
    _version, content = drafted
    with RenderedPdf(content) as pdf:
        last = pdf.pages - 1
        text = pdf.text(last)
        authority = pdf.find("TM. ỦY BAN NHÂN DÂN", last)
        name = pdf.find("Mạc Văn Tùng", last)
        width, _height = pdf.size(last)
    assert "CHỦ TỊCH" in text
    assert authority is not None
    assert name is not None
    # The signature block stands on the right, the authority above the name (ND 30 ô 7).
    assert authority.left > width / 2
    assert authority.bottom > name.top


def test_the_signature_sits_in_the_signer_blocks_box_clear_of_the_name(birth):
    """The visible signature goes where the template reserved it (ND 30/2020 Phụ lục I ô 7c):
    below "CHỦ TỊCH", above "Mạc Văn Tùng", never across the printed name."""
    _version, dossier, chairman, _content = birth
    sign_result(dossier, chairman)
    version = dossier.result_document.current_version
    with version.file.open("rb") as handle:
        signed = handle.read()

    reader = PdfReader(io.BytesIO(signed))
    widgets = [
        (number, [float(v) for v in annot.get_object()["/Rect"]])
        for number, page in enumerate(reader.pages)
        for annot in page.get("/Annots") or []
        if annot.get_object().get("/FT") == "/Sig"
        or annot.get_object().get("/Parent", {}).get("/FT") == "/Sig"
    ]
    assert len(widgets) == 1
    page, (x1, y1, x2, y2) = widgets[0]
    with RenderedPdf(signed, name="result-birth-signed") as pdf:
        assert page == pdf.pages - 1
        position = pdf.find("CHỦ TỊCH", page)
        name = pdf.find("Mạc Văn Tùng", page)
    assert position is not None
    assert name is not None
    assert position.bottom >= y2  # under the title line
    assert y1 >= name.top  # above the printed name, not through it
    assert x1 < name.left  # centred over the name, in the signer's column
    assert name.right < x2


def test_the_seal_covers_the_signatures_left_third_in_the_same_box(birth, province):
    """The clerk's seal goes over the left third of the signature (ND 30/2020 Phụ lục I), so it
    follows the reserved box too, and still does not cover the printed name."""
    from egov.signatures.services import add_seal, issue_certificate

    _version, dossier, chairman, _content = birth
    sign_result(dossier, chairman)
    clerk = make_member(Role.CLERK, province.commune, "vanthu.ks")
    seal = issue_certificate(kind="seal", pin=SIGNING_PIN, issued_by=None, unit=province.commune)
    add_seal(dossier.result_document.current_version, seal_certificate=seal, pin=SIGNING_PIN, signed_by=clerk)
    dossier.result_document.refresh_from_db()
    with dossier.result_document.current_version.file.open("rb") as handle:
        sealed = handle.read()
    rects = [
        [float(v) for v in annot.get_object()["/Rect"]]
        for page in PdfReader(io.BytesIO(sealed)).pages
        for annot in page.get("/Annots") or []
    ]
    assert len(rects) == 2
    signature, stamp = rects
    with RenderedPdf(sealed, name="result-birth-sealed") as pdf:
        name = pdf.find("Mạc Văn Tùng", pdf.pages - 1)
    assert name is not None
    # Over the signature's left third: it starts left of the signature box and ends inside it.
    assert stamp[0] < signature[0] < stamp[2] < signature[0] + (signature[2] - signature[0]) / 2
    assert stamp[1] > name.top - 60  # it may reach down beside the name, not far below the block


def test_a_decision_is_laid_out_as_one_with_the_same_signature_box(birth, province):
    """A result that is a Quyết định (ND 30/2020 Phụ lục III Mẫu 1.4) has its articles; the
    signer block keeps the same box as a paper's."""
    from egov.procedures.models import ProcedureVersion

    version, dossier, _chairman, _content = birth
    ProcedureVersion.objects.filter(pk=version.pk).update(result="Quyết định hỗ trợ chi phí mai táng")
    dossier.refresh_from_db()
    specialist = make_member(Role.SPECIALIST, province.commune, "tuphap.qd")
    with time_machine.travel(dt.datetime(2026, 11, 9, 10, 0, tzinfo=VN), tick=False):
        result = services.generate_result(dossier, by=specialist)
    with (
        result.current_version.file.open("rb") as handle,
        RenderedPdf(handle.read(), name="result-decision") as pdf,
    ):
        text = " ".join(pdf.text(page) for page in range(pdf.pages))
        last = pdf.pages - 1
        title = pdf.find("QUYẾT ĐỊNH:", 0)
        name = pdf.find("Mạc Văn Tùng", last)
    assert "Về việc hỗ trợ chi phí mai táng" in text
    assert "Điều 1. Hỗ trợ chi phí mai táng cho: Nguyễn Minh Khôi" in text
    assert "Điều 2. Quyết định này có hiệu lực kể từ ngày ký." in text
    assert title is not None
    assert name is not None


def test_a_second_signature_does_not_cover_the_first(birth):
    """Only one signature fits the reserved box; another signer's goes to the page's default place."""
    _version, dossier, chairman, _content = birth
    sign_result(dossier, chairman)
    sign_result(dossier, chairman)
    with dossier.result_document.current_version.file.open("rb") as handle:
        signed = handle.read()
    rects = [
        [round(float(v)) for v in annot.get_object()["/Rect"]]
        for page in PdfReader(io.BytesIO(signed)).pages
        for annot in page.get("/Annots") or []
    ]
    assert len(rects) == 2
    assert rects[0] != rects[1]
