"""Every role's main pages fit a 375 px phone without sideways scrolling (issue 11, item 10).

Chromium at 375×740 in Vietnamese walks the demo people's pages: the citizen's portal, online
form (the papers and their file inputs included) and dossier, and the desk officer's, specialist's,
head's and leader's workspaces and a dossier. On each page the document is no wider than the
window; a list table becomes a card a row, another wide table may scroll inside its own box,
the page may not. Screenshots go to /tmp/shots375/ (EGOV_SHOTS_DIR elsewhere) for a person to
look at.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from egov.accounts.models import User
from egov.demo import seed
from egov.demo.dossiers import _commune_versions
from egov.demo.province import DEMO_CITIZEN_ID, DEMO_PASSWORD
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import receive
from egov.organization.models import OfficeHours, Unit
from egov.procedures.models import ProcedureVersion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("EGOV_SHOTS_DIR", "/tmp/shots375"))  # noqa: S108 — screenshots to look at
ONLINE_PROCEDURE = "1.001193"  # Đăng ký khai sinh: fully online, an e-form and three papers to upload
# The elements sticking out on the right, to say in the failure what pushes the page sideways.
WIDTHS = """() => {
  const width = window.innerWidth;
  const wider = [...document.querySelectorAll("body *")]
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (el.className ? "." + el.className : ""));
  return {scroll: document.documentElement.scrollWidth, inner: width, wider};
}"""


@pytest.fixture
def demo():
    """The demo province, people and catalogue; dossiers at Xã Đồng Hỷ, one the demo citizen's.

    The head of department and the provincial leader see a dossier when it is theirs to handle:
    one is handed to each (their pages' layout is what is checked, not the routing).
    """
    OfficeHours.objects.get_or_create(pk=1)
    units = seed.seed_units(seed.seed_levels())
    seed.seed_staff(units)
    citizen = seed.seed_citizen()
    seed.seed_catalogue()
    commune = Unit.objects.get(name="Xã Đồng Hỷ", level__code="commune")
    desk = User.objects.get(username="motcua.donghy")
    version = _commune_versions()[0]
    dossier = receive(version, commune, desk)
    Dossier.objects.filter(pk=dossier.pk).update(citizen=citizen)
    handed = {}
    for username in ("truongphong.tuphap", "lanhdao.ubnd"):
        other = receive(version, commune, desk)
        Dossier.objects.filter(pk=other.pk).update(assignee=User.objects.get(username=username))
        handed[username] = other.code
    return dossier, handed


@pytest.fixture
def narrow(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def _log_in(page, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{reverse('accounts:login')}?next={next_url}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: urlsplit(url).path == next_url)


def _fits(page, name: str, url: str | None = None) -> None:
    if url is not None:
        response = page.goto(url)
        assert response is not None, f"{name}: {url} did not answer"
        assert response.ok, f"{name}: {url} answered {response.status}"
    widths = page.evaluate(WIDTHS)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert widths["scroll"] <= widths["inner"], (
        f"{name} ({page.url}) is {widths['scroll']} px wide in a {widths['inner']} px window; "
        f"sticking out: {widths['wider']}"
    )


def test_every_role_s_main_pages_fit_a_375_px_phone(narrow, demo):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = narrow
    dossier, handed = demo
    detail = reverse("dossiers:detail", args=[dossier.code])
    online = ProcedureVersion.objects.in_force().get(procedure__code=ONLINE_PROCEDURE)

    # The citizen: the portal, a procedure, its online form with the papers, his dossiers.
    _log_in(page, DEMO_CITIZEN_ID, reverse("portal:my_dossiers"))
    _fits(page, "citizen-home", reverse("portal:home"))
    _fits(page, "citizen-procedure", reverse("portal:procedure_detail", args=[ONLINE_PROCEDURE]))
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến").click()
    page.get_by_role("button", name="Bắt đầu").click()
    page.wait_for_url("**/ho-so-cua-toi/nhap/*/")
    assert page.locator("input[type=file]").count() == online.components.filter(form="").count()
    _fits(page, "citizen-online-form")
    _fits(page, "citizen-my-dossiers", reverse("portal:my_dossiers"))
    _fits(page, "citizen-dossier", reverse("portal:citizen_dossier", args=[dossier.code]))

    # The desk officer: the workspace, the list, the intake form, a dossier and the tracking book.
    workspace = reverse("dashboard:home")
    _log_in(page, "motcua.donghy", workspace)
    _fits(page, "desk-home")
    _fits(page, "desk-dossiers", reverse("dossiers:queue"))
    _fits(
        page,
        "desk-intake",
        reverse("dossiers:intake") + f"?thu_tuc={dossier.procedure_version.procedure.code}",
    )
    _fits(page, "desk-dossier", detail)
    _fits(page, "desk-tracking-book", reverse("dossiers:tracking_book"))

    # The specialist, the head of department and the provincial leader.
    for username, who in (
        ("chuyenvien.donghy", "specialist"),
        ("truongphong.tuphap", "head"),
        ("lanhdao.ubnd", "leader"),
    ):
        _log_in(page, username, workspace)
        _fits(page, f"{who}-home")
        _fits(page, f"{who}-dossiers", reverse("dossiers:queue"))
        code = handed.get(username, dossier.code)
        _fits(page, f"{who}-dossier", reverse("dossiers:detail", args=[code]))


# The cells of the first row under the given column headings, located by the heading's position
# (the table's markup is the same on a phone and a desktop; only the layout differs).
FIRST_ROW_CELLS = """([selector, names]) => {
  const table = document.querySelector(selector);
  const headings = [...table.querySelectorAll("thead th")].map(th => th.textContent.trim());
  const cells = table.querySelectorAll("tbody tr:first-child > td");
  return names.map(name => {
    const box = cells[headings.indexOf(name)].getBoundingClientRect();
    return {name, left: box.left, right: box.right, width: box.width, height: box.height};
  });
}"""


def _cells_on_screen(page, name: str, selector: str, headings: list[str]) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    width = page.viewport_size["width"]
    for cell in page.evaluate(FIRST_ROW_CELLS, [selector, headings]):
        shown = cell["width"] > 0 < cell["height"]
        assert shown, f"{name}: «{cell['name']}» is not shown"
        inside = cell["left"] >= 0 and cell["right"] <= width
        assert inside, (
            f"{name}: the first row's «{cell['name']}» spans {cell['left']:.0f}–{cell['right']:.0f}"
            f" px in a {width} px window (hidden in a sideways scroll)"
        )


def test_a_phone_shows_status_and_deadline_without_scrolling_and_a_short_header(narrow, demo):
    """The walk at 375 px: the citizen's status, appointment and to-do, and the officer's deadline
    and clock, were off-screen in a table's own sideways scroll; the staff header took a third
    of the screen. The lists now stack each row as a card, the menu folds behind a button."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = narrow
    _log_in(page, DEMO_CITIZEN_ID, reverse("portal:my_dossiers"))
    _cells_on_screen(
        page,
        "cards-citizen-my-dossiers",
        "main table",
        ["Mã hồ sơ", "Trạng thái", "Hẹn trả kết quả", "Việc bạn cần làm"],
    )

    _log_in(page, "motcua.donghy", reverse("dashboard:home"))
    page.screenshot(path=str(SHOTS / "cards-desk-home.png"))
    header = page.locator("header.site-header").bounding_box() or {}
    assert header.get("height", 999) <= 120, f"the staff header is {header} high"
    menu = page.locator("header summary", has_text="Trình đơn")
    assert not page.get_by_role("link", name="Hồ sơ", exact=True).is_visible()
    menu.focus()
    page.keyboard.press("Enter")  # the menu opens from the keyboard too
    page.get_by_role("link", name="Hồ sơ", exact=True).click()
    page.wait_for_url(lambda url: urlsplit(url).path == reverse("dossiers:queue"))
    assert page.locator("header").bounding_box()["height"] <= 120
    _cells_on_screen(page, "cards-desk-queue", "table.queue", ["Mã", "Hẹn trả kết quả", "Trạng thái"])


def test_a_desktop_shows_the_menu_open_without_its_button(browser, live_server, demo):
    """The folding is for phones: at 1280 px the links sit in the header row as before."""
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    _log_in(page, "motcua.donghy", reverse("dashboard:home"))
    assert not page.locator("header summary").is_visible()
    assert page.locator("nav.site-nav").get_by_role("link", name="Hồ sơ", exact=True).is_visible()
    assert page.get_by_role("button", name="English").is_visible()
    header = page.locator("header.site-header").bounding_box() or {}
    assert header.get("height", 999) <= 100, f"the desktop header is {header} high"
    context.close()
