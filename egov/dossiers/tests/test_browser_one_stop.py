"""End to end in a real browser: a dossier from the desk through processing and back to the desk."""

import pytest

from egov.core.tests.browser import log_in, screenshot
from egov.dossiers.models import Dossier, Status
from egov.dossiers.tests.factories import SIGNING_PIN, commune_procedure, tiny_pdf
from egov.organization.models import Role
from egov.organization.tests.factories import make_member
from egov.signatures.services import issue_certificate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _log_in(page, username: str) -> None:
    """An officer, alone in this browser context: the workspace opens."""
    page.context.clear_cookies()
    log_in(page, username, "/can-bo/")


def _act(page, action: str, fill=None) -> None:
    """Open an action's panel, fill it, submit, and wait until the page shows one more event."""
    rows = page.locator("table.timeline tbody tr").count()
    panel = page.locator(f"#action-{action}")
    panel.locator("summary").click()
    if fill:
        fill(panel)
    panel.locator("button[type=submit]").click()
    page.wait_for_function("n => document.querySelectorAll('table.timeline tbody tr').length > n", arg=rows)


def test_a_dossier_goes_from_the_desk_to_the_leader_and_back(page, province, tmp_path):
    version = commune_procedure()
    make_member(Role.DESK_OFFICER, province.commune, "motcua.e2e")
    make_member(Role.SPECIALIST, province.commune, "tuphap.e2e")
    leader = make_member(Role.LEADER, province.commune, "chutich.e2e")
    issue_certificate(kind="personal", pin=SIGNING_PIN, issued_by=None, owner=leader, unit=province.commune)
    scans = []
    for number in range(version.components.count()):
        path = tmp_path / f"giay-to-{number}.pdf"
        path.write_bytes(tiny_pdf().read())
        scans.append(path)

    # The desk officer receives the dossier through the intake page.
    _log_in(page, "motcua.e2e")
    page.goto("/can-bo/ho-so/tiep-nhan/?q=khai+sinh")
    page.locator(f"a[href$='thu_tuc={version.procedure.code}']").click()
    page.locator("input[name=applicant_name]").fill("Nguyễn Văn An")
    page.locator("input[name=applicant_id_number]").fill("019090001234")
    page.locator("input[name=applicant_phone]").fill("0912345678")
    for file_input, scan in zip(page.locator("input[type=file]").all(), scans, strict=True):
        file_input.set_input_files(str(scan))
    screenshot(page, "dossier-intake")
    page.locator("button[name=do][value=accept]").click()
    page.wait_for_url("**/can-bo/ho-so/H51.60-*/")
    dossier = Dossier.objects.get()
    assert dossier.status == Status.RECEIVED
    assert dossier.components.filter(document__isnull=False).count() == len(scans)

    _act(page, "forward")
    assert Dossier.objects.get().status == Status.PROCESSING

    # The specialist appraises and completes the step.
    _log_in(page, "tuphap.e2e")
    page.goto(f"/can-bo/ho-so/{dossier.code}/")
    _act(page, "appraise", lambda panel: panel.locator("textarea[name=note]").fill("Hồ sơ hợp lệ"))
    _act(page, "generate_result")
    _act(page, "complete")
    assert Dossier.objects.get().current_step == 3
    assert page.locator("#action-complete").count() == 0  # the step is the leader's now

    # The leader signs the drafted result, then approves.
    _log_in(page, "chutich.e2e")
    page.goto("/can-bo/ho-so/?tab=mine")
    page.get_by_role("link", name=dossier.code).click()
    detail_url = page.url
    page.locator("a[href*='/ky-so/tai-lieu/']").click()
    page.locator("select[name=sign-level]").select_option("B-B")
    page.locator("input[name=sign-pin]").fill(SIGNING_PIN)
    page.locator("form[action$='/ky/'] button[type=submit]").click()
    page.wait_for_selector(".validation-panel.status-valid")
    page.goto(detail_url)
    _act(page, "complete")
    assert Dossier.objects.get().status == Status.RESOLVED

    # The desk officer hands the result over.
    _log_in(page, "motcua.e2e")
    page.goto(f"/can-bo/ho-so/{dossier.code}/")
    _act(page, "return_result", lambda panel: panel.locator("input[name=method][value=desk]").check())
    assert page.locator(".dossier-head .badge.status-10").is_visible()
    assert Dossier.objects.get().status == Status.RETURNED
    screenshot(page, "dossier-returned")


def test_the_population_lookup_fills_the_form_in_place(page, province, live_server, settings):
    settings.EGOV_POPULATION_URL = f"{live_server.url}/mo-phong/dan-cu/"
    version = commune_procedure()
    make_member(Role.DESK_OFFICER, province.commune, "motcua.dancu")
    _log_in(page, "motcua.dancu")
    page.goto(f"/can-bo/ho-so/tiep-nhan/?thu_tuc={version.procedure.code}")

    page.locator("input[name=applicant_id_number]").fill("019195004567")
    page.locator("button[name=do][value=lookup]").click()

    page.wait_for_selector("#population-panel dl.facts")
    assert page.locator("#population-panel dd").count() == 20
    assert page.locator("input[name=applicant_name]").input_value() == "Trần Thị Bình"
    assert page.locator("input[name=applicant_birth_date]").input_value() == "1995-08-20"
    assert page.url.endswith(f"?thu_tuc={version.procedure.code}")  # swapped in place, no reload
    screenshot(page, "dossier-intake-population")
