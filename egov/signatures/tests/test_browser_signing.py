"""In a real browser: a leader opens a document, types the PIN, signs, and sees a valid signature."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.documents.services import create_document
from egov.documents.tests.files import pdf_bytes
from egov.organization.models import Role
from egov.organization.tests.factories import make_member
from egov.signatures import services
from egov.signatures.tests.conftest import PIN

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Mat-khau-dai-123"


def test_leader_signs_in_the_browser(page, province):
    leader = make_member(Role.LEADER, province.department, "giamdoc.e2e")
    leader.full_name = "Trần Thị Giám Đốc"
    leader.save(update_fields=["full_name"])
    services.issue_certificate(
        kind="personal", pin=PIN, issued_by=None, owner=leader, unit=province.department
    )
    document = create_document(
        title="Quyết định thử ký số",
        unit=province.department,
        file=SimpleUploadedFile("qd.pdf", pdf_bytes("Quyet dinh"), content_type="application/pdf"),
        uploaded_by=leader,
    )

    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("giamdoc.e2e")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/can-bo/")

    page.goto(f"/can-bo/ky-so/tai-lieu/{document.pk}/")
    page.locator("select[name=sign-level]").select_option("B-B")
    page.locator("input[name=sign-pin]").fill(PIN)
    page.locator("form[action$='/ky/'] button[type=submit]").click()
    page.wait_for_selector(".validation-panel.status-valid")
    panel = page.locator(".validation-panel").first
    assert "Trần Thị Giám Đốc" in panel.inner_text()
    screenshots = Path(settings.VAR_DIR) / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshots / "signature-valid.png"), full_page=True)
    document.refresh_from_db()
    assert document.current_version.has_signatures
