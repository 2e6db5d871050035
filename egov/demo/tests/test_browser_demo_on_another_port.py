"""`make run PORT=<not 8000>` gives a fully working demo (issue 11, item 1, "done when").

The real thing, as a new user starts it: `make run` on a free port other than 8000, in a fresh
data directory (its own SQLite database, media and demo PKI), then Chromium as the citizen, the
desk officer and the clerk: VNeID login at the simulator, the e-form prefilled from the population
database, payment at the gateway simulator, the receipt's QR and links, and a B-LT organisation
seal whose revocation status comes from the demo PKI's OCSP responder. Every address the browser
is sent to, and every address printed, must be this port's.

Nothing is checked in the test's own database: the server has its own, as a real demo would.
"""

import io
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pypdfium2 as pdfium
import pytest
import requests
from django.conf import settings

from egov.core.pdf import qr_svg
from egov.demo.province import DEMO_PASSWORD
from egov.documents.tests.files import pdf_bytes

pytestmark = pytest.mark.e2e

ROOT = Path(settings.BASE_DIR)
PIN = "123456"  # the demo leaders' and clerks' signing PIN
CITIZEN = "Nguyễn Văn An"
PROCEDURE = "2.000635"  # Cấp bản sao trích lục hộ tịch: an e-form, a fee, fully online, commune level
START_TIMEOUT = 420  # migrate + seed_demo + collectstatic on a busy CI machine


def _free_port() -> int:
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        if port != 8000:
            return port


def _environment(var_dir: Path) -> dict[str, str]:
    """The shell a new user has: none of the test run's EGOV_* settings, database or make state."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("EGOV_", "PYTEST", "DJANGO_"))
        and name not in {"DATABASE_URL", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"}
    }
    return inherited | {"EGOV_VAR_DIR": str(var_dir)}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Iterator[str]:
    """`make run HOST=127.0.0.1 PORT=<free>`; its address once it answers. EGOV_E2E_DEMO_URL reuses one."""
    if reused := os.environ.get("EGOV_E2E_DEMO_URL"):
        yield reused.rstrip("/")
        return
    var_dir = tmp_path_factory.mktemp("demo-var")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = var_dir / "make-run.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 — our own Makefile
            # -o: never reinstall the virtualenv under the tests running beside this one.
            ["make", "-s", "-o", ".venv/.installed", "run", "HOST=127.0.0.1", f"PORT={port}", "WORKERS=1"],  # noqa: S607
            cwd=ROOT,
            env=_environment(var_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the worker and the outbox stop with it
        )
    try:
        _wait_until_it_answers(url, server, log_path)
        yield url
    finally:
        _stop(server)


def _wait_until_it_answers(url: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"make run stopped ({server.returncode}):\n{log_path.read_text()[-4000:]}")
        try:
            if requests.get(f"{url}/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    pytest.fail(f"make run did not answer at {url} in {START_TIMEOUT} s:\n{log_path.read_text()[-4000:]}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    for sent in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.pid, sent)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            continue
        return


@pytest.fixture
def person(browser, demo):
    """A browser context of its own for each person (its own cookies), at the demo's address."""
    contexts = []

    def open_page():
        context = browser.new_context(base_url=demo, locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def _same_server(demo: str, url: str) -> bool:
    return urlsplit(url)[:2] == urlsplit(demo)[:2]


def _log_in(page, username: str) -> None:
    page.goto("/tai-khoan/dang-nhap/?next=/can-bo/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/can-bo/")


def _act(page, action: str) -> None:
    rows = page.locator("table.timeline tbody tr").count()
    panel = page.locator(f"#action-{action}")
    panel.locator("summary").click()
    panel.locator("button[type=submit]").click()
    page.wait_for_function("n => document.querySelectorAll('table.timeline tbody tr').length > n", arg=rows)


def _pdf_text(content: bytes) -> str:
    document = pdfium.PdfDocument(io.BytesIO(content))
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def test_the_demo_on_another_port_works_end_to_end(demo, person, tmp_path):
    assert not demo.endswith(":8000")
    citizen = person()

    # 1. VNeID login: egov sends the browser to the simulator on this port, and it comes back.
    citizen.goto("/")
    citizen.locator("nav.site-nav").get_by_role("link", name="Đăng nhập").click()
    citizen.get_by_role("link", name="Đăng nhập bằng VNeID").click()
    citizen.wait_for_url(f"{demo}/mo-phong/vneid/authorize?*")
    citizen.get_by_label(re.compile(CITIZEN)).check()
    citizen.get_by_role("button", name="Đồng ý").click()
    citizen.wait_for_url(f"{demo}/")
    assert citizen.locator("nav.site-nav").get_by_role("link", name="Hồ sơ của tôi").is_visible()

    # 2. The e-form is prefilled from the population database (its simulator on this port).
    citizen.goto(f"/thu-tuc/{PROCEDURE}/")
    citizen.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    citizen.get_by_role("button", name="Bắt đầu").click()
    citizen.wait_for_url(f"{demo}/ho-so-cua-toi/nhap/*/")
    main = citizen.locator("main").inner_text()
    assert "không kết nối được" not in main.lower(), main
    assert citizen.locator("[name=applicant_name]").input_value() == CITIZEN
    assert "Đồng Hỷ" in citizen.locator("[name=applicant_address]").input_value()  # the population DB's
    assert citizen.locator(".badge", has_text="từ dữ liệu của Nhà nước").count() >= 3
    citizen.select_option("select[name=loai_trich_luc]", "Khai sinh")
    citizen.fill("input[name=ho_ten_nguoi_duoc_cap]", "Nguyễn Bình An")
    citizen.fill("input[name=so_ban]", "1")
    citizen.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    citizen.wait_for_url(f"{demo}/ho-so-cua-toi/*/da-nop/")

    # 3. The acknowledgement's QR code and link open this demo's public lookup page.
    code = citizen.locator(".dossier-code").inner_text()
    lookup_url = f"{demo}/tra-cuu/{code}/"
    assert citizen.locator(".online-ack figcaption a").get_attribute("href") == lookup_url
    served = citizen.context.request.get(citizen.url).text()
    assert str(qr_svg(lookup_url, scale=4)) in served  # the QR encodes exactly this address
    assert ":8000" not in served

    # 4. Payment: to the gateway simulator on this port, and back to this port, paid.
    citizen.get_by_role("link", name="Theo dõi hồ sơ này").click()
    citizen.wait_for_url(f"{demo}/ho-so-cua-toi/{code}/")
    citizen.get_by_role("link", name="Nộp phí, lệ phí").click()
    citizen.get_by_role("button", name="Thanh toán trực tuyến").click()
    citizen.wait_for_url(f"{demo}/mo-phong/thanh-toan/?*")
    citizen.get_by_role("button", name="Thanh toán thành công").click()
    citizen.wait_for_url(f"{demo}/can-bo/ho-so/thanh-toan/ket-qua/?*")
    paid = citizen.locator('[data-state="paid"]').inner_text()
    assert code in paid, paid

    # 5. The desk receives the dossier; the receipt (Mẫu 01) prints this port's lookup address.
    desk = person()
    _log_in(desk, "motcua.donghy")
    desk.goto(f"/can-bo/ho-so/{code}/")
    _act(desk, "accept_online")
    assert "ConnectionError" not in desk.locator("main").inner_text()
    citizen.goto(f"/ho-so-cua-toi/{code}/")
    receipt_link = citizen.locator(".print-links a").first
    receipt_url = receipt_link.get_attribute("href")
    assert receipt_url
    receipt = citizen.context.request.get(receipt_url)
    assert receipt.headers["content-type"] == "application/pdf"
    text = re.sub(r"\s+", "", _pdf_text(receipt.body()))
    assert lookup_url in text, text
    assert ":8000" not in text

    # 6. The clerk seals a document at PAdES B-LT: the OCSP answer comes from this port's PKI.
    clerk = person()
    _log_in(clerk, "vanthu.donghy")
    clerk.goto("/can-bo/tai-lieu/tai-len/")
    clerk.get_by_label("Trích yếu").fill("Thông báo công khai thủ tục")
    scan = tmp_path / "thong-bao.pdf"
    scan.write_bytes(pdf_bytes("Thong bao cong khai"))
    clerk.set_input_files("input[type=file]", str(scan))
    clerk.get_by_role("button", name="Tải lên").click()
    clerk.wait_for_url(re.compile(r"/can-bo/tai-lieu/\d+/$"))
    clerk.get_by_role("link", name="Chữ ký số").first.click()
    clerk.wait_for_url(re.compile(r"/can-bo/ky-so/tai-lieu/\d+/$"))
    seal = clerk.locator("form", has=clerk.get_by_role("button", name="Đóng dấu", exact=True))
    seal.get_by_label("Cấp độ chữ ký").select_option("B-LT")
    seal.get_by_label("Mã PIN").fill(PIN)
    seal.get_by_role("button", name="Đóng dấu", exact=True).click()
    clerk.wait_for_selector(".message.success")
    assert "Đã đóng dấu, chữ ký ở cấp độ PAdES B-LT" in clerk.locator(".message.success").inner_text()
    panel = clerk.locator(".validation-panel").first
    assert panel.locator(".sig-level").first.inner_text() == "PAdES B-LT"  # the level applied
    panel.locator("details.signature-detail summary").first.click()
    report = panel.inner_text()
    assert "Tất cả chữ ký đều hợp lệ" in report, report
    assert "PAdES B-LT" in report, report
    assert "chưa bị thu hồi" in report, report
    assert _same_server(demo, clerk.url)
