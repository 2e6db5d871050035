"""The one-stop forms 01–07 (TT 03/2025, TT 01/2018) printed from dossiers built by the services."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import openpyxl
import pypdfium2 as pdfium
import pytest
import time_machine
from django.conf import settings
from django.test import Client

from egov.core.models import AuditEntry
from egov.dossiers import printing, services
from egov.dossiers.models import Dossier
from egov.dossiers.services import Applicant, DeskOutcome
from egov.dossiers.tests.factories import commune_procedure, draft_result, receive, sign_result
from egov.dossiers.tests.pdf_layout import RenderedPdf
from egov.organization.models import Role
from egov.organization.tests.factories import make_member, make_user

VN = ZoneInfo("Asia/Ho_Chi_Minh")
A5 = (419.5, 595.3)
A4_LANDSCAPE = (841.9, 595.3)
APPLICANT = "Nguyễn Thị Ánh Tuyết"
FORM = "Tờ khai đăng ký khai sinh theo mẫu"


def pdf_pages(content: bytes) -> tuple[str, list[tuple[float, float]]]:
    """The text of every page (whitespace collapsed) and each page's size in points."""
    pdf = pdfium.PdfDocument(content)
    texts, sizes = [], []
    for index in range(len(pdf)):
        page = pdf[index]
        texts.append(page.get_textpage().get_text_range())
        sizes.append(page.get_size())
    pdf.close()
    return re.sub(r"\s+", " ", " ".join(texts)), sizes


def results(text: str) -> list[str]:
    return re.findall(r"Trước hạn|Đúng hạn|Quá hạn", text)


@pytest.fixture
def staff(province):
    """Desk officer, specialist and chairman of Xã Đồng Hỷ, with full names for the signatures."""
    people = {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.in"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "tuphap.in"),
        "leader": make_member(Role.LEADER, province.commune, "chutich.in"),
    }
    for key, name in (("desk", "Trần Quốc Vượng"), ("specialist", "Lê Ngọc Ẩn"), ("leader", "Phạm Văn Đức")):
        people[key].full_name = name
        people[key].save(update_fields=["full_name"])
    province.commune.address = "Số 1 đường Quang Trung, xã Đồng Hỷ"
    province.commune.phone = "02083123456"
    province.commune.website = "https://dongy.thainguyen.gov.vn"
    province.commune.save(update_fields=["address", "phone", "website"])
    return people


@pytest.fixture
def received(province, staff):
    """A 3-working-day commune dossier received on Monday 02/03/2026 at 09:00."""
    version = commune_procedure(days="3")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        return receive(version, province.commune, staff["desk"], name=APPLICANT)


def desk_outcome(province, staff, outcome: DeskOutcome) -> Dossier:
    version = commune_procedure(days="3")
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 15, tzinfo=VN), tick=False):
        return services.register_at_desk(
            version=version,
            receiving_unit=province.commune,
            applicant=Applicant(name=APPLICANT, phone="0912345678", address="Xóm Làng Mới, xã Đồng Hỷ"),
            components=[],
            outcome=outcome,
            received_by=staff["desk"],
        )


# --- Mẫu 01 ---------------------------------------------------------------------------------------


def test_receipt_has_every_field_of_form_01(received):
    text, sizes = pdf_pages(printing.render_form(received, "01"))

    assert sizes
    assert all(size == pytest.approx(A5, abs=1) for size in sizes)
    code = received.code
    for expected in (
        "Mẫu số 01 – Thông tư số 03/2025/TT-VPCP",
        "ỦY BAN NHÂN DÂN XÃ ĐỒNG HỶ",  # issuer: the commune's committee, no governing body above
        "Đồng Hỷ, ngày 02 tháng 3 năm 2026",  # the commune's place; months from 3 on: no zero (ô 4)
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        f"Mã hồ sơ: {code}",
        f"Tiếp nhận hồ sơ của: Ông/Bà {APPLICANT}",
        "Địa chỉ: Xóm Làng Mới, xã Đồng Hỷ, tỉnh Thái Nguyên",
        "Số điện thoại: 0912345678",
        "Thư điện tử: an@example.vn",
        "019090001234",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh 1.001193",
        f"Chủ hồ sơ: {APPLICANT}",
        "8.000 đồng – hình thức thu: thu trước",
        FORM,
        "Số lượng hồ sơ: 01 bộ",
        "Thời hạn giải quyết hồ sơ theo quy định là: 3 ngày làm việc",
        "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 02/03/2026",
        "Thời gian trả kết quả: 09 giờ 00 phút, ngày 05/03/2026",
        "Nơi trả kết quả: Ủy ban nhân dân xã Đồng Hỷ, Số 1 đường Quang Trung, xã Đồng Hỷ",
        "thông báo qua tin nhắn (SMS) hoặc thư điện tử",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Trần Quốc Vượng",
    ):
        assert expected in text, expected
    assert printing.vn_time(received.due_at) == "09 giờ 00 phút, ngày 05/03/2026"


def test_receipt_qr_opens_the_public_lookup_page(received):
    url = f"{settings.SITE_URL}/tra-cuu/{received.code}/"
    context = printing.receipt_context(received)

    assert context["qr_url"] == url
    assert str(context["qr"]).startswith("<svg")
    assert "<path" in str(context["qr"])
    text, _sizes = pdf_pages(printing.render_form(received, "01"))
    assert url in text
    # The QR is drawn as vector paths on the first page.
    pdf = pdfium.PdfDocument(printing.render_form(received, "01"))
    kinds = {obj.type for obj in pdf[0].get_objects()}
    pdf.close()
    assert pdfium.raw.FPDF_PAGEOBJ_PATH in kinds or pdfium.raw.FPDF_PAGEOBJ_FORM in kinds


def test_receipt_component_counts_come_from_the_catalogue(received):
    rows = printing.receipt_context(received)["components"]

    assert [(r.name, r.originals, r.certified_copies, r.copies) for r in rows] == [(FORM, 1, 0, 0)]


# --- Mẫu 02 ---------------------------------------------------------------------------------------


def test_supplement_at_desk_lists_the_missing_papers(province, staff):
    dossier = desk_outcome(
        province,
        staff,
        DeskOutcome(
            DeskOutcome.SUPPLEMENT, reason="Tờ khai chưa có chữ ký", missing=[FORM, "Bản sao sổ hộ khẩu"]
        ),
    )

    text, sizes = pdf_pages(printing.render_form(dossier, "02"))

    assert all(size == pytest.approx(A5, abs=1) for size in sizes)
    for expected in (
        f"Số: {dossier.code}/HDHS",
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        f"Ông/Bà {APPLICANT}",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh 1.001193",
        "Số điện thoại: 0912345678",
        FORM,
        "Bản sao sổ hộ khẩu",
        "Lý do: Tờ khai chưa có chữ ký",
        "số điện thoại 02083123456",
        "https://dongy.thainguyen.gov.vn",
        "NGƯỜI HƯỚNG DẪN",
        "Trần Quốc Vượng",
    ):
        assert expected in text, expected
    rows = printing._supplement_context(dossier, "2025")["missing"]
    assert [(r.name, r.originals) for r in rows] == [(FORM, 1), ("Bản sao sổ hộ khẩu", None)]


def test_supplement_form_shows_the_latest_request(received, staff):
    services.forward_dossier(received, by=staff["desk"])
    services.request_supplement(received, by=staff["specialist"], missing=["Giấy chứng sinh"], reason="Thiếu")
    services.receive_supplement(received, by=staff["desk"])
    services.request_supplement(
        received, by=staff["specialist"], missing=["Ảnh 4x6"], reason="Thiếu ảnh chân dung"
    )

    text, _sizes = pdf_pages(printing.render_form(received, "02"))

    assert "Ảnh 4x6" in text
    assert "Lý do: Thiếu ảnh chân dung" in text
    assert "Giấy chứng sinh" not in text
    assert "Lê Ngọc Ẩn" in text  # the specialist who asked


# --- Mẫu 03 ---------------------------------------------------------------------------------------


def test_refusal_at_desk_gives_the_reasons(province, staff):
    dossier = desk_outcome(
        province, staff, DeskOutcome(DeskOutcome.REFUSE, reason="Không thuộc thẩm quyền giải quyết của xã")
    )

    text, sizes = pdf_pages(printing.render_form(dossier, "03"))

    assert all(size == pytest.approx(A5, abs=1) for size in sizes)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ" in text
    assert dossier.code in text
    assert APPLICANT in text
    assert "Lý do: Không thuộc thẩm quyền giải quyết của xã" in text
    assert "từ chối tiếp nhận" in text


def test_refusal_after_appraisal_is_printed_from_the_result(received, staff):
    services.forward_dossier(received, by=staff["desk"])
    draft_result(received, staff["specialist"])
    services.complete_step(received, by=staff["specialist"])
    services.refuse_after_appraisal(received, by=staff["leader"], reason="Người yêu cầu không đủ điều kiện")

    text, _sizes = pdf_pages(printing.render_form(received, "03"))

    assert "Lý do: Người yêu cầu không đủ điều kiện" in text
    assert "từ chối giải quyết" in text
    assert "Phạm Văn Đức" in text


# --- Mẫu 04 and 05 --------------------------------------------------------------------------------


def test_apology_cites_the_receipt_and_both_appointments(received, staff):
    with time_machine.travel(dt.datetime(2026, 3, 3, 8, 0, tzinfo=VN), tick=False):
        services.forward_dossier(received, by=staff["desk"])
        services.extend_deadline(
            received,
            by=staff["leader"],
            new_due_at=dt.datetime(2026, 3, 10, 14, 30, tzinfo=VN),
            reason="Cần xác minh nơi cư trú tại xã Võ Nhai",
        )

    text, sizes = pdf_pages(printing.render_form(received, "04"))

    assert all(size == pytest.approx(A5, abs=1) for size in sizes)
    for expected in (
        f"Số: {received.code}/PXL",
        "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        f"Kính gửi: Ông/Bà {APPLICANT}",
        "Ngày 02/03/2026",
        f"Giấy tiếp nhận hồ sơ và hẹn trả kết quả số {received.code}",
        "09 giờ 00 phút, ngày 05/03/2026",  # the old appointment
        "14 giờ 30 phút, ngày 10/03/2026",  # the new one
        "Lý do: Cần xác minh nơi cư trú tại xã Võ Nhai",
        "Phạm Văn Đức",
    ):
        assert expected in text, expected

    old_text, _sizes = pdf_pages(printing.render_form(received, "04", edition="2018"))
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in old_text
    assert "Mẫu số 04 – Thông tư số 01/2018/TT-VPCP" in old_text


def test_stop_notice_after_withdrawal(received, staff):
    with time_machine.travel(dt.datetime(2026, 3, 3, 14, 0, tzinfo=VN), tick=False):
        services.withdraw_dossier(received, by=staff["desk"], reason="Công dân xin rút để bổ sung giấy tờ")

    text, sizes = pdf_pages(printing.render_form(received, "05"))

    assert all(size == pytest.approx(A5, abs=1) for size in sizes)
    for expected in (
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        f"Mã hồ sơ: {received.code}",
        "Thủ tục hành chính: Đăng ký khai sinh 1.001193",
        "Ngày 03/03/2026",
        "Lý do: Công dân xin rút để bổ sung giấy tờ",
    ):
        assert expected in text, expected


@pytest.mark.parametrize("form", ["02", "03", "04", "05"])
def test_a_form_without_its_event_is_not_applicable(received, form):
    with pytest.raises(printing.FormNotApplicableError):
        printing.render_form(received, form)


def test_unknown_forms_and_the_book_are_refused_per_dossier(received):
    for form, edition in (("09", "2025"), ("07", "2025"), ("06", "2018")):
        with pytest.raises(printing.UnknownFormError):
            printing.render_form(received, form, edition=edition)  # type: ignore[arg-type]


# --- Mẫu 06 ---------------------------------------------------------------------------------------


def walk(province, staff) -> Dossier:
    """2 working days: desk 1 h, appraisal 12 h, approval 2 h, return 1 h; each step at a chosen time."""
    version = commune_procedure(days="2")

    def at(day: int, hour: int, minute: int = 0) -> time_machine.travel:
        return time_machine.travel(dt.datetime(2026, 3, day, hour, minute, tzinfo=VN), tick=False)

    with at(2, 9):  # Monday; forwarding due the same day at 17:00 (received before 15:00)
        dossier = receive(version, province.commune, staff["desk"], name=APPLICANT)
    with at(2, 10):  # forwarded the same day: on time; appraisal due Tue 16:00
        services.forward_dossier(dossier, by=staff["desk"])
    with at(2, 15):  # appraisal done on Monday, a day before it was due: early; approval due Mon 17:00
        draft_result(dossier, staff["specialist"])
        services.complete_step(dossier, by=staff["specialist"], note="Hồ sơ hợp lệ")
    with at(3, 9):  # approved on Tuesday: late; return due Tue 10:00
        sign_result(dossier, staff["leader"])
        services.complete_step(dossier, by=staff["leader"])
    with at(3, 9, 30):  # returned before 10:00 the same day: on time
        services.return_result(dossier, by=staff["desk"], method="desk")
    return dossier


def test_control_slip_has_one_row_per_hand_over_with_its_timeliness(province, staff):
    dossier = walk(province, staff)

    rows = printing.control_slip_rows(dossier)

    assert [row.result for row in rows] == ["", "Đúng hạn", "Trước hạn", "Quá hạn", "Đúng hạn"]
    assert [row.at_text for row in rows] == [
        "09 giờ 00 phút, ngày 02/03/2026",
        "10 giờ 00 phút, ngày 02/03/2026",
        "15 giờ 00 phút, ngày 02/03/2026",
        "09 giờ 00 phút, ngày 03/03/2026",
        "09 giờ 30 phút, ngày 03/03/2026",
    ]
    assert (rows[0].giver_unit, rows[0].receiver_unit) == (f"Ông/Bà {APPLICANT}", "Xã Đồng Hỷ")
    assert (rows[0].giver, rows[0].receiver) == (APPLICANT, "Trần Quốc Vượng")
    assert rows[1].receiver_unit == "Xã Đồng Hỷ (Thẩm định hồ sơ)"
    assert (rows[1].giver, rows[1].receiver) == ("Trần Quốc Vượng", "Lê Ngọc Ẩn")
    assert (rows[2].giver, rows[2].receiver) == ("Lê Ngọc Ẩn", "Phạm Văn Đức")
    assert (rows[4].receiver_unit, rows[4].receiver) == (f"Ông/Bà {APPLICANT}", APPLICANT)

    text, sizes = pdf_pages(printing.render_form(dossier, "06"))

    assert all(size == pytest.approx(A5, abs=1) for size in sizes)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "TÊN CƠ QUAN" in text
    assert "THỜI GIAN GIAO, NHẬN HỒ SƠ" in text
    assert f"Kèm theo hồ sơ của: Ông/Bà {APPLICANT}" in text
    assert f"1. Giao: Ông/Bà {APPLICANT} 2. Nhận: Xã Đồng Hỷ" in text
    assert "1. Giao: Xã Đồng Hỷ 2. Nhận: Xã Đồng Hỷ (Phê duyệt, ký kết quả)" in text
    for row in rows:
        assert row.at_text in text
    assert results(text) == ["Đúng hạn", "Trước hạn", "Quá hạn", "Đúng hạn"]

    old, _sizes = pdf_pages(printing.render_form(dossier, "05", edition="2018"))
    assert "Mẫu số 05 – Thông tư số 01/2018/TT-VPCP" in old
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in old


def test_control_slip_follows_a_transfer_to_another_commune(province, staff):
    version = commune_procedure()
    dossier = receive(version, province.commune, staff["desk"])
    services.forward_dossier(dossier, by=staff["desk"])
    services.transfer_dossier(
        dossier, by=staff["leader"], to_unit=province.other_commune, reason="Sai địa bàn"
    )

    last = printing.control_slip_rows(dossier)[-1]

    assert (last.giver_unit, last.receiver_unit, last.note) == ("Xã Đồng Hỷ", "Xã Võ Nhai", "Sai địa bàn")


# --- Editions -------------------------------------------------------------------------------------


def test_dossiers_received_before_july_2025_default_to_the_2018_edition(received):
    assert printing.default_edition(received) == "2025"
    Dossier.objects.filter(pk=received.pk).update(received_at=dt.datetime(2025, 6, 30, 16, 0, tzinfo=VN))
    received.refresh_from_db()

    assert printing.default_edition(received) == "2018"
    text, _sizes = pdf_pages(printing.render_form(received, "01", edition="2018"))
    assert "Mẫu số 01 – Thông tư số 01/2018/TT-VPCP" in text
    assert printing.applicable_forms(received) == ["01", "05"]
    assert printing.applicable_forms(received, "2025") == ["01", "06"]


# --- Mẫu 07 ---------------------------------------------------------------------------------------


@pytest.fixture
def book(province, staff):
    """Two dossiers received at Xã Đồng Hỷ in March 2026, one in April, one at Xã Võ Nhai."""
    version = commune_procedure(days="2")
    other_desk = make_member(Role.DESK_OFFICER, province.other_commune, "motcua.vn")
    made = []
    for day, unit, officer, name in (
        (2, province.commune, staff["desk"], APPLICANT),
        (5, province.commune, staff["desk"], "Trần Văn Bình"),
        (6, province.other_commune, other_desk, "Lý Thị Cúc"),
        (33, province.commune, staff["desk"], "Hoàng Văn Dũng"),
    ):
        moment = dt.datetime(2026, 3, 1, 9, 0, tzinfo=VN) + dt.timedelta(days=day - 1)
        with time_machine.travel(moment, tick=False):
            made.append(receive(version, unit, officer, name=name))
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=VN), tick=False):
        services.forward_dossier(made[0], by=staff["desk"])
    with time_machine.travel(dt.datetime(2026, 3, 6, 10, 0, tzinfo=VN), tick=False):
        services.withdraw_dossier(made[1], by=staff["desk"], reason="Xin rút")
    return made


def test_tracking_book_lists_the_units_dossiers_of_the_period(province, book):
    content = printing.render_tracking_book(province.commune, dt.date(2026, 3, 1), dt.date(2026, 3, 31))

    text, sizes = pdf_pages(content)
    assert all(size == pytest.approx(A4_LANDSCAPE, abs=1) for size in sizes)
    assert "Mẫu số 07 – Thông tư số 03/2025/TT-VPCP" in text
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    for dossier in book[:2]:
        assert dossier.code in text
        assert dossier.applicant_name in text
    assert book[2].code not in text
    assert book[3].code not in text
    assert "09:00 02/03/2026" in text  # received
    assert "10:00 02/03/2026" in text  # forwarded
    assert "Rút hồ sơ" in text
    old, _sizes = pdf_pages(
        printing.render_tracking_book(
            province.commune, dt.date(2026, 3, 1), dt.date(2026, 3, 31), edition="2018"
        )
    )
    assert "Mẫu số 06 – Thông tư số 01/2018/TT-VPCP" in old


def test_tracking_book_workbook_has_one_row_per_dossier(province, book, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        rows = printing.tracking_book_rows(province.commune, dt.date(2026, 3, 1), dt.date(2026, 4, 30))
    assert [row.code for row in rows] == [book[0].code, book[1].code, book[3].code]

    workbook = openpyxl.load_workbook(
        io.BytesIO(
            printing.tracking_book_workbook(province.commune, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        )
    )
    sheet = workbook.worksheets[0]
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == list(printing.BOOK_COLUMNS)
    assert [row[1] for row in table[1:]] == [book[0].code, book[1].code]
    first = table[1]
    assert (first[0], first[2], first[3], first[4]) == (1, "Đăng ký khai sinh 1.001193", 1, APPLICANT)
    assert first[7] == "Xã Đồng Hỷ"
    assert first[8] == dt.datetime(2026, 3, 2, 9, 0)
    assert first[10] == dt.datetime(2026, 3, 2, 10, 0)
    assert table[2][13] == "Rút hồ sơ"


def test_tracking_book_refuses_a_reversed_or_too_long_period(province):
    with pytest.raises(ValueError):
        printing.tracking_book_rows(province.commune, dt.date(2026, 3, 2), dt.date(2026, 3, 1))
    with pytest.raises(printing.BookTooLargeError):
        printing.tracking_book_rows(province.commune, dt.date(2025, 1, 1), dt.date(2026, 3, 1))


# --- Views ----------------------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_print_view_returns_the_pdf_inline_and_audits(received, staff):
    response = client_for(staff["desk"]).get(f"/can-bo/ho-so/{received.code}/in/01/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{received.code}-mau-01.pdf"'
    text, _sizes = pdf_pages(response.content)
    assert received.code in text
    entry = AuditEntry.objects.filter(action="dossier.printed").get()
    assert entry.after == {"form": "01", "edition": "2025"}


def test_print_view_follows_the_edition_parameter(received, staff):
    response = client_for(staff["desk"]).get(f"/can-bo/ho-so/{received.code}/in/05/?edition=2018")

    assert response.status_code == 200
    text, _sizes = pdf_pages(response.content)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text


@pytest.mark.parametrize("who", ["desk", "owner"])
def test_print_view_answers_a_bad_edition_with_the_sites_400_page(received, staff, who):
    if who == "owner":
        received.citizen = make_user("congdan.in", kind="citizen")
        received.save(update_fields=["citizen"])
    user = staff["desk"] if who == "desk" else received.citizen
    response = client_for(user).get(f"/can-bo/ho-so/{received.code}/in/01/?edition=1999")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "<main" in html  # the styled page, not a bare text answer
    assert "Yêu cầu không hợp lệ" in html
    assert "Phiên bản mẫu không xác định; vui lòng dùng 2025 hoặc 2018." in html
    assert not AuditEntry.objects.filter(action="dossier.printed").exists()


def test_print_view_hides_the_dossier_from_outsiders(received, outsider):
    response = client_for(outsider).get(f"/can-bo/ho-so/{received.code}/in/01/")

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="dossier.printed").exists()


@pytest.mark.parametrize("form", ["04", "09"])
def test_print_view_404s_for_a_form_that_does_not_apply(received, staff, form):
    response = client_for(staff["desk"]).get(f"/can-bo/ho-so/{received.code}/in/{form}/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert received.code in response.content.decode()


def test_print_view_needs_a_login(received):
    response = Client().get(f"/can-bo/ho-so/{received.code}/in/01/")

    assert response.status_code == 302


def test_tracking_book_view_pdf_excel_and_bad_input(province, staff, book, outsider):
    client = client_for(staff["desk"])
    query = "unit=H51.60&from=2026-03-01&to=2026-03-31"

    pdf = client.get(f"/can-bo/ho-so/so-theo-doi/?{query}")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert book[0].code in pdf_pages(pdf.content)[0]

    excel = client.get(f"/can-bo/ho-so/so-theo-doi/?{query}&format=xlsx")
    assert excel.status_code == 200
    assert excel["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(excel.content)).worksheets[0]
    assert sheet.max_row == 1 + 2

    assert client.get("/can-bo/ho-so/so-theo-doi/?unit=H51.60&from=2026-13-01").status_code == 400
    assert (
        client.get("/can-bo/ho-so/so-theo-doi/?unit=H51.60&from=2026-03-31&to=2026-03-01").status_code == 400
    )
    # Without a unit it is the page that chooses one (the menu's entry), not an error.
    assert client.get("/can-bo/ho-so/so-theo-doi/").status_code == 200
    # A specialist keeps no tracking book (403); another commune's desk does not see this one (404).
    assert client_for(outsider).get(f"/can-bo/ho-so/so-theo-doi/?{query}").status_code == 403
    other_desk = make_member(Role.DESK_OFFICER, province.other_commune, "motcua.khac")
    assert client_for(other_desk).get(f"/can-bo/ho-so/so-theo-doi/?{query}").status_code == 404


# --- What the forms say in the cases that went wrong (issue 11, item 6) ----------------------------


def test_supplement_slip_omits_a_paper_scanned_at_the_desk(province, staff):
    """The desk's list starts as every required paper; one scanned at the same visit is not missing."""
    from egov.dossiers.services import ComponentInput
    from egov.dossiers.tests.factories import scanned

    version = commune_procedure(
        days="3",
        components=[
            {"name": FORM, "originals": 1, "form": "Mẫu TP/HT-2020-KS.1", "required": True},
            {"name": "Giấy chứng sinh", "originals": 1, "required": True},
        ],
    )
    form_component = version.components.get(name=FORM)
    dossier = services.register_at_desk(
        version=version,
        receiving_unit=province.commune,
        applicant=Applicant(name=APPLICANT, phone="0912345678"),
        components=[
            ComponentInput(
                catalogue_component=form_component, document=scanned(province.commune, staff["desk"])
            )
        ],
        outcome=DeskOutcome(
            DeskOutcome.SUPPLEMENT, reason="Thiếu giấy chứng sinh", missing=[FORM, "Giấy chứng sinh"]
        ),
        received_by=staff["desk"],
    )

    with RenderedPdf(printing.render_form(dossier, "02"), name="supplement-after-scan") as pdf:
        assert pdf.find("Giấy chứng sinh") is not None
        assert pdf.find(FORM) is None


def test_supplement_listing_only_scanned_papers_asks_to_correct_them(province, staff):
    from egov.dossiers.services import ComponentInput
    from egov.dossiers.tests.factories import scanned

    version = commune_procedure(days="3")
    dossier = services.register_at_desk(
        version=version,
        receiving_unit=province.commune,
        applicant=Applicant(name=APPLICANT, phone="0912345678"),
        components=[
            ComponentInput(
                catalogue_component=version.components.get(name=FORM),
                document=scanned(province.commune, staff["desk"]),
            )
        ],
        outcome=DeskOutcome(DeskOutcome.SUPPLEMENT, reason="Tờ khai chưa ký", missing=[FORM]),
        received_by=staff["desk"],
    )

    assert [row.name for row in printing._supplement_context(dossier, "2025")["missing"]] == [FORM]


def test_stop_notice_of_an_agency_stop_does_not_say_the_applicant_asked(received, staff):
    services.forward_dossier(received, by=staff["desk"])
    with time_machine.travel(dt.datetime(2026, 3, 4, 14, 0, tzinfo=VN), tick=False):
        services.stop_processing(
            received, by=staff["leader"], reason="Quá thời hạn bổ sung mà không nhận được giấy tờ"
        )

    with RenderedPdf(printing.render_form(received, "05"), name="stop-by-agency") as pdf:
        text = pdf.text()
    assert "đề nghị dừng" not in text
    assert "Ủy ban nhân dân xã Đồng Hỷ thông báo dừng giải quyết hồ sơ của" in text
    assert "Lý do: Quá thời hạn bổ sung mà không nhận được giấy tờ" in text
    assert "kể từ ngày 04/03/2026" in text


def test_a_late_pick_up_does_not_make_the_return_step_late(province, staff):
    """Result ready on Tuesday 09:00 (return due 10:00); the applicant comes on Friday."""
    version = commune_procedure(days="2")

    def at(day: int, hour: int, minute: int = 0) -> time_machine.travel:
        return time_machine.travel(dt.datetime(2026, 3, day, hour, minute, tzinfo=VN), tick=False)

    with at(2, 9):
        dossier = receive(version, province.commune, staff["desk"], name=APPLICANT)
    with at(2, 10):
        services.forward_dossier(dossier, by=staff["desk"])
    with at(2, 15):
        draft_result(dossier, staff["specialist"])
        services.complete_step(dossier, by=staff["specialist"])
    with at(3, 9):
        sign_result(dossier, staff["leader"])
        services.complete_step(dossier, by=staff["leader"])
    with at(6, 10):
        services.return_result(dossier, by=staff["desk"], method="desk")

    rows = printing.control_slip_rows(dossier)
    assert rows[-1].result != "Quá hạn"
    assert "người nộp đến nhận sau ngày hẹn" in rows[-1].note
    with RenderedPdf(printing.render_form(dossier, "06"), name="slip-late-pick-up") as pdf:
        text = " ".join(pdf.text(page) for page in range(pdf.pages))
    assert "06/03/2026" in text
    assert results(text)[-1] != "Quá hạn"
