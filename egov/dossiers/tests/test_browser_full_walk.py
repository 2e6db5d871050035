"""The whole one-stop journey in Chromium: intake → specialist → consultation → result signed by the
leader → returned at the desk → the citizen looks the dossier up by its code."""

import pytest

from egov.core.tests.browser import screenshot
from egov.dossiers.models import Consultation, Dossier, Status
from egov.dossiers.tests.factories import commune_procedure, tiny_pdf
from egov.dossiers.tests.test_browser_one_stop import _act, _log_in
from egov.organization.models import Role
from egov.organization.tests.factories import make_member
from egov.signatures import services as signatures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PIN = "123456"


def test_intake_consultation_signed_result_return_and_public_lookup(page, province, tmp_path):
    version = commune_procedure()
    make_member(Role.DESK_OFFICER, province.commune, "motcua.walk")
    make_member(Role.SPECIALIST, province.commune, "tuphap.walk")
    leader = make_member(Role.LEADER, province.commune, "chutich.walk")
    leader.full_name = "Mạc Văn Tùng"
    leader.save(update_fields=["full_name"])
    signatures.issue_certificate(
        kind="personal", pin=PIN, issued_by=None, owner=leader, unit=province.commune
    )
    make_member(Role.SPECIALIST, province.other_commune, "tuphap.vonhai")
    scan = tmp_path / "giay-to.pdf"
    scan.write_bytes(tiny_pdf().read())
    result = tmp_path / "giay-khai-sinh.pdf"
    result.write_bytes(tiny_pdf("giay-khai-sinh.pdf").read())

    _log_in(page, "motcua.walk")
    page.goto(f"/can-bo/ho-so/tiep-nhan/?thu_tuc={version.procedure.code}")
    page.locator("input[name=applicant_name]").fill("Nguyễn Thị Ánh Tuyết")
    page.locator("input[name=applicant_id_number]").fill("019195004567")
    for file_input in page.locator("input[type=file]").all():
        file_input.set_input_files(str(scan))
    page.locator("button[name=do][value=accept]").click()
    page.wait_for_url("**/can-bo/ho-so/H51.60-*/")
    code = Dossier.objects.get().code
    _act(page, "forward")

    # The specialist appraises, then asks Xã Võ Nhai to verify the residence.
    _log_in(page, "tuphap.walk")
    page.goto(f"/can-bo/ho-so/{code}/")
    _act(page, "appraise", lambda panel: panel.locator("textarea[name=note]").fill("Cần xác minh nơi cư trú"))

    def consult(panel):
        panel.locator("select[name=units]").select_option(label="Xã Võ Nhai")
        panel.locator("select[name=mode]").select_option("sequential")
        panel.locator("textarea[name=content]").fill("Đề nghị xác minh nơi cư trú của người nộp")

    _act(page, "consult", consult)
    assert Consultation.objects.get().unit == province.other_commune

    # The consulted commune answers.
    _log_in(page, "tuphap.vonhai")
    page.goto(f"/can-bo/ho-so/{code}/")
    rows = page.locator("table.timeline tbody tr").count()
    answer = page.locator("form[action$='/answer/']")
    answer.locator("textarea[name=answer]").fill("Đã xác minh, đúng nơi cư trú")
    answer.locator("button[type=submit]").click()
    page.wait_for_function("n => document.querySelectorAll('table.timeline tbody tr').length > n", arg=rows)
    assert Consultation.objects.get().answered_at is not None

    # Back at the commune: the specialist attaches the result and passes it to the leader.
    _log_in(page, "tuphap.walk")
    page.goto(f"/can-bo/ho-so/{code}/")
    _act(page, "attach_result", lambda panel: panel.locator("input[type=file]").set_input_files(str(result)))
    _act(page, "complete")

    # The leader signs the result with his certificate and approves.
    _log_in(page, "chutich.walk")
    page.goto(f"/can-bo/ho-so/{code}/")
    page.locator("a[href*='/can-bo/ky-so/tai-lieu/']").click()
    page.locator("select[name=sign-level]").select_option("B-B")
    page.locator("input[name=sign-pin]").fill(PIN)
    page.locator("form[action$='/ky/'] button[type=submit]").click()
    page.wait_for_selector(".validation-panel.status-valid")
    assert "Mạc Văn Tùng" in page.locator(".validation-panel").first.inner_text()
    page.goto(f"/can-bo/ho-so/{code}/")
    _act(page, "complete")
    assert Dossier.objects.get().status == Status.RESOLVED

    # The desk hands the signed result over.
    _log_in(page, "motcua.walk")
    page.goto(f"/can-bo/ho-so/{code}/")
    _act(page, "return_result", lambda panel: panel.locator("input[name=method][value=desk]").check())
    dossier = Dossier.objects.get()
    assert dossier.status == Status.RETURNED
    assert dossier.result_document.current_version.has_signatures

    # The citizen, not logged in, looks the dossier up by its code.
    page.context.clear_cookies()
    page.goto("/tra-cuu/")
    page.locator("input[name=code]").fill(code)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**/tra-cuu/{code}/")
    text = page.locator("main").inner_text()
    assert "Đã trả kết quả" in text
    assert "Nguyễn Thị Ánh Tuyết" not in text  # the public lookup shows no personal data
    assert screenshot(page, "dossier-public-lookup").exists()
