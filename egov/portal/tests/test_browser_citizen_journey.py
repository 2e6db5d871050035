"""The whole citizen journey in Chromium, through the real pages and the simulators under /mo-phong/.

Register with a one-time code → log in with VNeID → open a procedure with a fee and an e-form,
prefilled from the population database → save a draft with a paper, log out, log back in and
resume it → submit → pay through the gateway → answer the desk's supplement request → the
result, signed by the leader, is validated and downloaded → a second submission reuses it from
the data store → the citizen rates the first dossier.

Only what the citizen cannot do in a browser is done in Python: the catalogue and the province,
and the specialist's and the leader's work (through the services the officers' pages call).
"""

import io
import re

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from egov.accounts.models import CitizenIdentity, User
from egov.core.models import AuditEntry
from egov.core.tests.browser import log_in, screenshot
from egov.documents.tests.files import pdf_bytes
from egov.dossiers import services
from egov.dossiers.models import Channel, Dossier, DossierComponent, Draft, Payment, Status
from egov.dossiers.tests.online_factories import COMPONENTS, online_procedure
from egov.dossiers.tests.test_browser_one_stop import _act, _log_in
from egov.feedback.models import Rating
from egov.integrations.models import SimulatedSms
from egov.organization.models import Role
from egov.organization.tests.factories import make_member
from egov.signatures import services as signatures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PIN = "123456"
PASSWORD = "Lua-chin-vang-2026"
NATIONAL_ID = "019090001234"  # Nguyễn Văn An, known to the population and VNeID simulators
EMAIL = "an.nguyen@example.vn"
PHONE = "0912345678"
MARRIAGE = "Giấy chứng nhận kết hôn của cha mẹ"
BIRTH_CERTIFICATE = "Giấy khai sinh của trẻ"
FEE = r"8\.?000"  # Django's Vietnamese formats group no digits: 8000 for now


@pytest.fixture
def simulators(live_server, settings) -> str:
    """egov and every simulator it talks to served by the live server, as in the demo."""
    url = str(live_server.url)
    settings.SITE_URL = url  # every simulator's address follows it (egov.core.site)
    # The first request to the live server loads every URL module: give it time.
    settings.EGOV_INTEGRATION_TIMEOUT = 30
    return url


def _pdf(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf_bytes(text))
    return str(path)


def _main_text(page) -> str:
    return str(page.locator("main").inner_text())


def _my_dossiers(page) -> None:
    """Through the menu, as the citizen would."""
    page.locator("nav.site-nav").get_by_role("link", name="Hồ sơ của tôi").click()
    page.wait_for_url("**/ho-so-cua-toi/")


def _dossier(code: str) -> Dossier:
    return Dossier.objects.get(code=code)


def test_a_citizen_goes_from_registration_to_a_rated_and_reused_result(
    page, other_page, province, simulators, tmp_path
):
    version = online_procedure(
        components=[*COMPONENTS, {"name": MARRIAGE, "certified_copies": 1, "required": False}]
    )
    residence = online_procedure(
        "1.004194",
        name="Đăng ký thường trú cho trẻ em dưới 14 tuổi",
        fees=[],
        components=[
            {"name": "Tờ khai thay đổi thông tin cư trú", "originals": 1, "form": "CT01", "required": True},
            {"name": BIRTH_CERTIFICATE, "originals": 1, "required": True},
        ],
    )
    make_member(Role.DESK_OFFICER, province.commune, "motcua.hanhtrinh")
    specialist = make_member(Role.SPECIALIST, province.commune, "tuphap.hanhtrinh")
    leader = make_member(Role.LEADER, province.commune, "chutich.hanhtrinh")
    leader.full_name = "Mạc Văn Tùng"
    leader.save(update_fields=["full_name"])
    certificate = signatures.issue_certificate(
        kind="personal", pin=PIN, issued_by=None, owner=leader, unit=province.commune
    )

    # 1. Register with a password; the code comes by SMS through the gateway simulator, to the
    #    mobile the population database holds for the number (nobody can claim another's number).
    page.goto("/")
    page.locator("nav.site-nav").get_by_role("link", name="Đăng nhập").click()
    page.get_by_role("link", name="Tạo tài khoản").click()
    page.wait_for_url("**/tai-khoan/dang-ky/")
    page.fill("input[name=full_name]", "Nguyễn Văn An")
    page.fill("input[name=national_id]", NATIONAL_ID)
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.get_by_role("button", name="Gửi mã xác thực").click()
    page.wait_for_url("**/tai-khoan/dang-ky/xac-nhan/")
    assert "bằng SMS" in _main_text(page)
    sms = SimulatedSms.objects.get()
    assert sms.phone == PHONE
    one_time = re.search(r"\b([0-9]{6})\b", sms.text)
    assert one_time, sms.text
    page.fill("input[name=code]", one_time.group(1))
    page.get_by_role("button", name="Tạo tài khoản").click()
    page.wait_for_url("**/tai-khoan/cua-toi/")
    citizen = User.objects.get(national_id=NATIONAL_ID)
    assert (citizen.kind, citizen.username, citizen.email, citizen.phone) == (
        User.Kind.CITIZEN,
        NATIONAL_ID,
        EMAIL,
        PHONE,
    )
    assert page.locator('[data-field="national_id"]').inner_text() == NATIONAL_ID
    assert not CitizenIdentity.objects.exists()

    # 2. Log out, then in again through VNeID: the identity is linked to the same account.
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{simulators}/")
    assert page.locator("nav.site-nav").get_by_role("link", name="Đăng nhập").is_visible()
    page.locator("nav.site-nav").get_by_role("link", name="Đăng nhập").click()
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    page.wait_for_url("**/mo-phong/vneid/authorize*")
    page.get_by_label(re.compile("Nguyễn Văn An")).check()
    page.get_by_role("button", name="Đồng ý").click()
    page.wait_for_url(f"{simulators}/")
    assert page.locator("nav.site-nav").get_by_role("link", name="Hồ sơ của tôi").is_visible()
    assert CitizenIdentity.objects.get().user == citizen
    assert User.objects.filter(kind=User.Kind.CITIZEN).count() == 1

    # 3. The procedure shows its fee; its e-form comes prefilled from the State's data.
    page.goto(f"/thu-tuc/{version.procedure.code}/")
    assert re.search(f"Lệ phí đăng ký khai sinh: {FEE} đồng", _main_text(page))
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_role("button", name="Bắt đầu").click()
    page.wait_for_url("**/ho-so-cua-toi/nhap/*/")
    draft_url = page.url
    for name, value in (
        ("applicant_name", "Nguyễn Văn An"),
        ("applicant_id_number", NATIONAL_ID),
        ("applicant_birth_date", "1990-03-15"),
    ):
        field = page.locator(f"[name={name}]")
        assert (field.input_value(), field.is_disabled()) == (value, True), name
    assert "Xóm Làng Mới, xã Đồng Hỷ" in page.locator("[name=applicant_address]").input_value()
    email = page.locator("input[name=applicant_email]")
    assert (email.input_value(), email.is_disabled()) == (EMAIL, False)  # from the account, editable
    assert page.locator("select[name=receiving_unit]").input_value() == str(province.commune.pk)
    assert page.locator(".badge", has_text="từ dữ liệu của Nhà nước").count() >= 3
    assert AuditEntry.objects.filter(action="population.lookup", object_id=NATIONAL_ID).exists()
    screenshot(page, "citizen-journey-prefilled")

    # 4. Fill the e-form, attach the birth notice, save; log out and back in; resume the draft.
    birth_notice = version.components.get(name="Giấy chứng sinh")
    page.fill("input[name=ho_ten_tre]", "Nguyễn Bình An")
    page.fill("input[name=ngay_sinh_tre]", "2026-11-01")
    page.select_option("select[name=quan_he]", "Mẹ")
    page.set_input_files(
        f"input[name=file_{birth_notice.pk}]", _pdf(tmp_path, "chung-sinh.pdf", "Giay chung sinh")
    )
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_selector(".message.success")
    draft = Draft.objects.get(procedure_version=version)
    assert draft.data["ho_ten_tre"] == "Nguyễn Bình An"
    assert draft.attachments.get().catalogue_component == birth_notice
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{simulators}/")
    log_in(page, NATIONAL_ID, "/ho-so-cua-toi/", password=PASSWORD)
    page.locator("ul.drafts").get_by_role("link", name=version.name).click()
    page.wait_for_url(draft_url)
    assert page.locator("input[name=ho_ten_tre]").input_value() == "Nguyễn Bình An"
    assert page.locator("input[name=ngay_sinh_tre]").input_value() == "2026-11-01"
    assert page.locator("select[name=quan_he]").input_value() == "Mẹ"
    uploaded = page.locator(f"a[href*='/ho-so-cua-toi/nhap/{draft.pk}/tep/']")
    assert uploaded.inner_text() == "Giấy chứng sinh"

    # 5. Attach the parents' marriage certificate too and submit: the acknowledgement has the code.
    marriage = version.components.get(name=MARRIAGE)
    page.set_input_files(f"input[name=file_{marriage.pk}]", _pdf(tmp_path, "ket-hon.pdf", "Giay ket hon"))
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.wait_for_url("**/da-nop/")
    first = Dossier.objects.get(procedure_version=version)
    code = first.code
    assert (first.status, first.channel, first.citizen, first.fee_amount) == (
        Status.REGISTERED,
        Channel.ONLINE,
        citizen,
        8000,
    )
    assert sorted(first.components.exclude(document=None).values_list("name", flat=True)) == sorted(
        ["Giấy chứng sinh", MARRIAGE]
    )
    assert page.locator(".dossier-code").inner_text() == code
    assert page.locator(".online-ack svg").count() == 1
    screenshot(page, "citizen-journey-acknowledgement")

    # 6. Pay the fee at the gateway simulator; its signed callback marks the dossier paid.
    page.get_by_role("link", name="Theo dõi hồ sơ này").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{code}/")
    assert re.search(f"{FEE} đồng — chưa nộp", _main_text(page))
    page.get_by_role("link", name="Nộp phí, lệ phí").click()
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.wait_for_url("**/mo-phong/thanh-toan/?*")
    assert page.locator("[data-amount]").get_attribute("data-amount") == "8000"
    page.get_by_role("button", name="Thanh toán thành công").click()
    page.wait_for_url("**/can-bo/ho-so/thanh-toan/ket-qua/?*")
    paid = page.locator('[data-state="paid"]').inner_text()
    assert re.fullmatch(f"Bạn đã thanh toán {FEE} đồng cho hồ sơ {re.escape(code)}[.]", paid), paid
    payment = Payment.objects.get(dossier=first)
    assert (payment.status, payment.amount) == (Payment.State.PAID, 8000)
    assert payment.receipt_number in _main_text(page)
    assert _dossier(code).fee_payment_method == "online"
    _my_dossiers(page)
    row = page.locator("tr", has_text=code)
    assert "Nộp phí, lệ phí" not in row.inner_text()
    row.get_by_role("link", name=code).click()
    page.wait_for_url(f"**/ho-so-cua-toi/{code}/")
    assert re.search(f"{FEE} đồng — đã nộp", _main_text(page))
    assert "Đã nộp phí, lệ phí." in page.locator("ol.timeline").inner_text()

    # 7. The desk, in its own browser, asks for a certified copy; the citizen sends it online.
    officer = other_page
    _log_in(officer, "motcua.hanhtrinh")
    officer.goto(f"/can-bo/ho-so/{code}/")

    def ask(panel) -> None:
        panel.locator("textarea[name=missing]").fill(f"{MARRIAGE} (bản sao có chứng thực)")
        panel.locator("textarea[name=reason]").fill("Bản đã nộp là bản chụp, không có chứng thực")

    _act(officer, "supplement_online", ask)
    assert _dossier(code).status == Status.SUPPLEMENT_REQUESTED

    page.reload()
    supplement = page.locator("section.supplement")
    assert f"{MARRIAGE} (bản sao có chứng thực)" in supplement.inner_text()
    supplement.locator("input[name=file_1]").set_input_files(
        _pdf(tmp_path, "ket-hon-chung-thuc.pdf", "Ban sao co chung thuc")
    )
    supplement.get_by_role("button", name="Gửi giấy tờ").click()
    page.wait_for_selector(".message.success")
    dossier = _dossier(code)
    assert dossier.status == Status.REGISTERED  # back at the desk for checking, on the same dossier
    assert dossier.events.filter(kind="supplement_supplied_online", actor=citizen).exists()
    assert (
        dossier.components.filter(name=f"{MARRIAGE} (bản sao có chứng thực)").exclude(document=None).exists()
    )
    assert Dossier.objects.filter(citizen=citizen).count() == 1

    officer.goto(f"/can-bo/ho-so/{code}/")
    _act(officer, "accept_online")
    _act(officer, "forward")
    assert _dossier(code).status == Status.PROCESSING

    # 8. The specialist drafts the result, the leader signs and approves; the citizen downloads it.
    services.record_appraisal(_dossier(code), by=specialist, note="Hồ sơ hợp lệ")
    result = services.generate_result(_dossier(code), by=specialist)
    services.complete_step(_dossier(code), by=specialist)
    assert result.current_version is not None
    signatures.sign_version(
        result.current_version,
        certificate=certificate,
        pin=PIN,
        level="B-B",
        signed_by=leader,
        validate=False,
    )
    services.complete_step(_dossier(code), by=leader)
    assert _dossier(code).status == Status.RESOLVED

    _my_dossiers(page)
    page.locator("tr", has_text=code).get_by_role("link", name="Nhận kết quả").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{code}/#result")  # the link goes to the result part
    panel = page.locator(".validation-panel")
    assert panel.get_attribute("class") == "validation-panel status-valid"
    assert "Tất cả chữ ký đều hợp lệ" in panel.inner_text()
    assert "Mạc Văn Tùng" in panel.inner_text()
    screenshot(page, "citizen-journey-result")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải về kết quả").click()
    signed = download_info.value.path().read_bytes()
    assert signed.startswith(b"%PDF-")
    assert b"/ByteRange" in signed
    signatures_in_file = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    assert len(signatures_in_file) == 1
    assert "Mạc Văn Tùng" in signatures_in_file[0].signer_cert.subject.human_friendly

    # 9. A second procedure needs the birth certificate: taken from the data store, not uploaded.
    page.goto(f"/thu-tuc/{residence.procedure.code}/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_role("button", name="Bắt đầu").click()
    page.wait_for_url("**/ho-so-cua-toi/nhap/*/")
    page.fill("input[name=ho_ten_tre]", "Nguyễn Bình An")
    page.fill("input[name=ngay_sinh_tre]", "2026-11-01")
    page.select_option("select[name=quan_he]", "Mẹ")
    paper = residence.components.get(name=BIRTH_CERTIFICATE)
    assert page.get_by_label("Chọn từ kho dữ liệu").count() == 1
    store = page.locator(f"select[name=store_{paper.pk}]")
    option = store.locator(f"option[value='{result.pk}']")
    assert option.inner_text() == f"{version.name} ({code})"
    store.select_option(str(result.pk))
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.wait_for_url("**/da-nop/")
    second = Dossier.objects.get(procedure_version=residence)
    assert page.locator(".dossier-code").inner_text() == second.code
    component = DossierComponent.objects.get(dossier=second, catalogue_component=paper)
    assert (component.document_id, component.is_reused, component.from_citizen_store) == (
        result.pk,
        True,
        True,
    )
    assert services.portal_payload(second)["DuocLayTuKhoDMQG"] == 1

    # 10. The citizen rates the first dossier, once.
    _my_dossiers(page)
    page.locator("tr", has_text=code).get_by_role("link", name=code).click()
    page.wait_for_url(f"**/ho-so-cua-toi/{code}/")
    page.get_by_role("link", name="Đánh giá chất lượng phục vụ").click()
    page.wait_for_url(f"**/phan-anh-kien-nghi/danh-gia/{code}/")
    page.get_by_label("Rất hài lòng").check()
    page.fill("textarea[name=comment]", "Nhanh, không phải đi lại")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_selector(".message.success")
    assert "Bạn đã đánh giá hồ sơ này: Rất hài lòng" in _main_text(page)
    assert page.get_by_role("button", name="Gửi đánh giá").count() == 0  # a rating cannot be changed
    rating = Rating.objects.get()
    assert (rating.dossier.code, rating.overall, rating.comment, rating.unit) == (
        code,
        5,
        "Nhanh, không phải đi lại",
        province.commune,
    )
    screenshot(page, "citizen-journey-rated")
