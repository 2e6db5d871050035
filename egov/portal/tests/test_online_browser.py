"""The whole online submission in a real browser: fill, save a draft, log out, resume, attach, submit."""

import pytest

from egov.core.tests.browser import log_in
from egov.dossiers.models import Dossier, Status
from egov.dossiers.tests.factories import tiny_pdf
from egov.dossiers.tests.online_factories import online_procedure
from egov.organization.tests.factories import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_citizen_submits_online_after_resuming_a_draft(page, province, settings, tmp_path):
    settings.EGOV_POPULATION_URL = "http://127.0.0.1:9/dan-cu/"
    version = online_procedure()
    make_user(
        "congdan.e2e",
        kind="citizen",
        full_name="Nguyễn Văn An",
        national_id="019090001234",
        phone="0912345678",
    )
    start = f"/thu-tuc/{version.procedure.code}/nop-truc-tuyen/"
    log_in(page, "congdan.e2e", start)
    page.locator("main form button[type=submit]").click()  # "Start"
    page.wait_for_url("**/ho-so-cua-toi/nhap/*/")

    page.select_option("select[name=receiving_unit]", str(province.commune.pk))
    page.fill("input[name=applicant_address]", "Xóm Làng Mới, xã Đồng Hỷ")
    page.fill("input[name=ho_ten_tre]", "Nguyễn Bình An")
    page.fill("input[name=ngay_sinh_tre]", "2026-11-01")
    page.select_option("select[name=quan_he]", "Mẹ")
    page.locator("button[name=do][value=save]").click()
    page.wait_for_selector(".message.success")
    draft_url = page.url

    # Log out from "Hồ sơ của tôi", then back in: the draft is still there.
    page.goto("/ho-so-cua-toi/")
    page.locator("form.inline button[type=submit]").click()
    page.context.clear_cookies()
    log_in(page, "congdan.e2e", "/ho-so-cua-toi/")
    page.get_by_role("link", name=version.name).click()
    page.wait_for_url(draft_url)
    assert page.locator("input[name=ho_ten_tre]").input_value() == "Nguyễn Bình An"

    pdf = tmp_path / "chung-sinh.pdf"
    pdf.write_bytes(tiny_pdf().read())
    paper = version.components.get(form="")
    page.set_input_files(f"input[name=file_{paper.pk}]", str(pdf))
    page.locator("button[name=do][value=submit]").click()
    page.wait_for_url("**/da-nop/")

    dossier = Dossier.objects.get()
    assert dossier.status == Status.REGISTERED
    assert page.locator(".dossier-code").inner_text() == dossier.code
    assert page.locator(".online-ack svg").count() == 1
