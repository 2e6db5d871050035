"""`make run PORT=N` gives a fully working demo on any port (issue 11, item 1).

The demo is started exactly as a new user starts it — `make run` with another port, its own
data directory, nothing overridden — and Chromium goes through what broke on port 8101: VNeID
login, the population prefill, the payment gateway's round trip, the receipt's QR address and a
B-LT seal whose revocation data comes from the demo PKI.
"""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from egov.core.tests.browser import screenshot
from egov.core.tests.test_pdf import pdf_text

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "egov-demo-2026"
PIN = "123456"
PROCEDURE = "2.000635"  # Cấp bản sao trích lục hộ tịch: an e-form and a fee of 8.000 đ a copy


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    assert port != 8000
    return port


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[str]:
    """`make run PORT=<free port>` in a data directory of its own; stopped afterwards."""
    port = _free_port()
    var = tmp_path_factory.mktemp("demo-var")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EGOV_", "DATABASE_URL", "DJANGO_"))}
    env["EGOV_VAR_DIR"] = str(var)
    log = (var / "make-run.log").open("w")
    server = subprocess.Popen(  # noqa: S603 — our own Makefile
        ["make", "-s", "run", "HOST=127.0.0.1", f"PORT={port}", "WORKERS=1"],  # noqa: S607
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while True:
        try:
            with urllib.request.urlopen(f"{url}/", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    break
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            os.killpg(server.pid, signal.SIGKILL)
            pytest.fail(f"make run did not serve {url}:\n{(var / 'make-run.log').read_text()[-3000:]}")
        time.sleep(1)
    yield url
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
    log.close()


@pytest.fixture
def demo_page(browser, demo):
    context = browser.new_context(base_url=demo, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def _log_in(page, username: str) -> None:
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def test_a_citizen_logs_in_with_vneid_submits_pays_and_the_receipt_names_this_port(demo, demo_page, tmp_path):
    page, port = demo_page, demo.rsplit(":", 1)[1]

    # VNeID: out to the simulator on this port and back, logged in.
    page.goto("/tai-khoan/dang-nhap/")
    page.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    page.wait_for_url(f"{demo}/mo-phong/vneid/authorize*")
    page.get_by_label(re.compile("Nguyễn Văn An")).check()
    page.get_by_role("button", name="Đồng ý").click()
    page.wait_for_url(f"{demo}/")
    assert page.locator("nav.site-nav").get_by_role("link", name="Hồ sơ của tôi").is_visible()

    # The e-form comes prefilled from the population database simulator.
    page.goto(f"/thu-tuc/{PROCEDURE}/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_role("button", name="Bắt đầu").click()
    page.wait_for_url("**/ho-so-cua-toi/nhap/*/")
    name = page.locator("[name=applicant_name]")
    assert (name.input_value(), name.is_disabled()) == ("Nguyễn Văn An", True)
    assert "Xóm Làng Mới" in page.locator("[name=applicant_address]").input_value()
    assert page.locator(".message.warning").count() == 0
    page.select_option("select[name=loai_trich_luc]", "Khai sinh")
    page.fill("input[name=ho_ten_nguoi_duoc_cap]", "Nguyễn Văn An")
    page.fill("input[name=so_ban]", "1")
    scan = tmp_path / "to-khai.pdf"
    from egov.documents.tests.files import pdf_bytes

    scan.write_bytes(pdf_bytes("To khai"))
    for upload in page.locator("input[type=file]").all():
        upload.set_input_files(str(scan))
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.wait_for_url("**/da-nop/")
    code = page.locator(".dossier-code").inner_text()
    lookup = page.get_by_role("link", name=re.compile("tra-cuu"))
    assert f":{port}/tra-cuu/" in (lookup.first.get_attribute("href") or lookup.first.inner_text())
    screenshot(page, "demo-other-port-acknowledgement")

    # The payment gateway simulator is reached on this port and returns to it.
    page.get_by_role("link", name="Theo dõi hồ sơ này").click()
    page.get_by_role("link", name="Nộp phí, lệ phí").click()
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.wait_for_url(f"{demo}/mo-phong/thanh-toan/?*")
    page.get_by_role("button", name="Thanh toán thành công").click()
    page.wait_for_url(f"{demo}/can-bo/ho-so/thanh-toan/ket-qua/?*")
    assert page.locator('[data-state="paid"]').is_visible()

    # The desk receives it; the receipt's QR address is this port's lookup page.
    desk = page.context.browser.new_context(base_url=demo, locale="vi-VN").new_page()
    _log_in(desk, "motcua.donghy")
    desk.goto(f"/can-bo/ho-so/{code}/")
    desk.locator("#action-accept_online summary").click()
    desk.locator("#action-accept_online button[type=submit]").click()
    desk.wait_for_selector(".dossier-head .badge.status-2")
    receipt = desk.request.get(f"/can-bo/ho-so/{code}/in/01/")
    assert receipt.ok, receipt.status
    text = pdf_text(receipt.body())
    assert f"127.0.0.1:{port}/tra-cuu/{code}" in text.replace(" ", "").replace("\n", "")
    desk.context.close()


def test_a_clerk_seals_at_b_lt_with_revocation_data_from_the_demo_pki(demo, demo_page):
    page = demo_page
    _log_in(page, "vanthu.donghy")
    page.goto("/can-bo/tai-lieu/")
    page.locator("a[href*='/can-bo/tai-lieu/']", has_text="Kết quả giải quyết hồ sơ").first.click()
    page.locator("a[href*='/ky-so/tai-lieu/']").first.click()
    page.locator("select[name=seal-level]").select_option("B-LT")
    page.locator("input[name=seal-pin]").fill(PIN)
    page.locator("form[action$='/dong-dau/'] button[type=submit]").click()
    page.wait_for_selector(".message.success")
    panel = page.locator(".validation-panel").first
    text = panel.inner_text()
    assert "PAdES B-LT" in panel.locator(".sig-level").first.inner_text(), text  # the level applied
    assert "không xác định" not in text.lower()
    screenshot(page, "demo-other-port-seal-b-lt")
