"""Playwright driving Debian's chromium, for end-to-end tests (marked `e2e`).

The browser is the system's /usr/bin/chromium (installed by `make test`), never a download.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

# What egov.organization.tests.factories.make_user sets as everyone's password.
PASSWORD = "Mat-khau-dai-123"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("EGOV_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.fail("chromium is not installed: run `make test`, which installs it")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test thread's own ORM calls
    # are still synchronous, so Django's async guard does not apply here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, live_server, **options: object):
    """A page in a browser context of its own: its own cookies, so its own login."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    page = _new_page(browser, live_server)
    yield page
    page.context.close()


@pytest.fixture
def other_page(browser, live_server) -> Iterator[object]:
    """A second person's browser beside `page`'s, e.g. the officer who answers the citizen."""
    page = _new_page(browser, live_server)
    yield page
    page.context.close()


@pytest.fixture
def phone_page(browser, live_server) -> Iterator[object]:
    """A cheap phone: 360×640, touch, slow-ish CPU is not emulated."""
    page = _new_page(
        browser, live_server, viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True
    )
    yield page
    page.context.close()


def screenshot(page, name: str) -> Path:
    """Save the whole page as var/screenshots/<name>.png (the docs and the reviews show them)."""
    folder = Path(settings.VAR_DIR) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, username: str, next_url: str, password: str = PASSWORD) -> None:
    """Log in on the login page and wait until the browser is at `next_url`."""
    page.goto(f"/tai-khoan/dang-nhap/?next={next_url}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    # The login page's own address ends with ?next=…, which a glob on the address would match.
    page.wait_for_url(lambda url: urlsplit(url).path == next_url)
