"""The result drafted names the one result issued, never the catalogue's "A hoặc B".

The walk of the demo found the judicial record certificate (2.000488) titled "PHIẾU LÝ LỊCH TƯ
PHÁP SỐ 1 HOẶC PHIẾU LÝ LỊCH TƯ PHÁP SỐ 2": the title came from the catalogue's result text, which
lists the alternatives. The applicant's choice on the e-form (Luật Lý lịch tư pháp 2009 Điều 41:
Phiếu số 1 or số 2) names it; without a choice the title is what the alternatives share.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from egov.dossiers import online, services
from egov.dossiers.drafting import NEUTRAL_TITLE, result_kind, result_title
from egov.dossiers.tests.factories import tiny_pdf
from egov.dossiers.tests.online_factories import citizen
from egov.dossiers.tests.pdf_layout import RenderedPdf
from egov.dossiers.tests.test_eform_counts import demo_version
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

VN = ZoneInfo("Asia/Ho_Chi_Minh")
LLTP = "Phiếu lý lịch tư pháp số 1 hoặc Phiếu lý lịch tư pháp số 2"


def test_the_e_forms_choice_names_the_result():
    assert result_title(LLTP, "Phiếu lý lịch tư pháp số 2") == "Phiếu lý lịch tư pháp số 2"


def test_without_a_choice_the_title_is_what_the_alternatives_share():
    assert result_title(LLTP) == "Phiếu lý lịch tư pháp"
    assert result_title("Giấy khai sinh (bản chính); thông tin khai sinh được cập nhật") == "Giấy khai sinh"
    assert result_title("Giấy phép xây dựng hoặc Quyết định thu hồi") == NEUTRAL_TITLE
    for text in (LLTP, "Giấy phép xây dựng hoặc Quyết định thu hồi"):
        assert "hoặc" not in result_title(text)


def test_the_result_kind_follows_what_it_is():
    assert result_kind("Quyết định trợ cấp xã hội hằng tháng") == "decision"
    assert result_kind("Giấy khai sinh") == "paper"
    assert result_kind("Phiếu lý lịch tư pháp số 1") == "paper"


def test_the_judicial_record_certificate_is_the_one_asked_for(province):
    version = demo_version("2.000488")
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.lltp")
    specialist = make_member(Role.SPECIALIST, province.commune, "tuphap.lltp")
    applicant = citizen(full_name="Nguyễn Văn An")
    with time_machine.travel(dt.datetime(2026, 11, 9, 8, 5, tzinfo=VN), tick=False):
        draft = online.start_draft(citizen=applicant, version=version)
        online.save_draft(
            draft,
            by=applicant,
            values={
                "applicant_name": "Nguyễn Văn An",
                "applicant_id_number": "019090001234",
                "applicant_address": "Xóm Làng Mới, xã Đồng Hỷ",
                "applicant_phone": "0912345678",
                "loai_phieu": "Phiếu lý lịch tư pháp số 2",
                "muc_dich": "Xin việc",
                "doi_tuong": "Công dân",
            },
            receiving_unit=province.commune,
        )
        for component in version.components.filter(form="", is_required=True):
            online.attach_to_draft(draft, by=applicant, component=component, file=tiny_pdf())
        dossier = online.submit_online(draft, by=applicant)
    with time_machine.travel(dt.datetime(2026, 11, 9, 9, 30, tzinfo=VN), tick=False):
        online.receive_online(dossier, by=desk)
        services.forward_dossier(dossier, by=desk)
        result = services.generate_result(dossier, by=specialist)
    assert result.current_version is not None
    with (
        result.current_version.file.open("rb") as handle,
        RenderedPdf(handle.read(), name="result-lltp") as pdf,
    ):
        text = " ".join(pdf.text(page) for page in range(pdf.pages))
    assert "PHIẾU LÝ LỊCH TƯ PHÁP SỐ 2" in text
    assert "hoặc" not in text.casefold()
    assert "244/2016/TT-BTC" not in text  # the fee circular is not a basis of the certificate
    assert "Căn cứ Luật Lý lịch tư pháp 2009;" in text
