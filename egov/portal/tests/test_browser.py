"""End to end in a real browser: a visitor finds a procedure; an officer logs in."""

import pytest

from egov.core.tests.browser import screenshot
from egov.demo.seed import seed_catalogue
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_visitor_searches_without_accents_and_opens_a_procedure(page):
    seed_catalogue()

    page.goto("/")
    page.get_by_role("searchbox").first.fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").first.click()
    page.wait_for_url("**/thu-tuc/?q=*")
    screenshot(page, "catalogue-search")
    page.get_by_role("link", name="Đăng ký khai sinh", exact=True).click()

    page.wait_for_url("**/thu-tuc/1.001193/")
    assert page.get_by_role("heading", level=1).inner_text() == "Đăng ký khai sinh"
    assert page.get_by_role("heading", name="Thành phần hồ sơ").is_visible()
    assert page.get_by_role("heading", name="Phí, lệ phí").is_visible()
    screenshot(page, "procedure-detail")


def test_catalogue_fits_a_cheap_phone_screen(phone_page):
    seed_catalogue()

    phone_page.goto("/thu-tuc/?q=giay+phep")

    scroll_width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360
    screenshot(phone_page, "catalogue-phone")


def test_officer_logs_in_and_sees_their_positions(page, province):
    make_member(Role.SPECIALIST, province.department, "chuyenvien.e2e")

    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("chuyenvien.e2e")
    page.get_by_label("Mật khẩu").fill("Mat-khau-dai-123")
    page.get_by_role("button", name="Đăng nhập").click()

    page.wait_for_url("**/can-bo/")
    assert "Sở Tư pháp" in page.content()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Xin chào")
    screenshot(page, "staff-home")


def test_wrong_password_shows_a_vietnamese_error(page, province):
    make_member(Role.SPECIALIST, province.department, "chuyenvien.sai")

    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("chuyenvien.sai")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()

    assert page.url.endswith("/tai-khoan/dang-nhap/")
    assert "không đúng" in page.content()
