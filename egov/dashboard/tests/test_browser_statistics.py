"""The province leader's statistics page at 1280×800: the whole table in the window.

Chromium in Vietnamese, the demo province and people, two dossiers at Xã Đồng Hỷ. Twenty columns
(the unit, seventeen figures, the on-time rate and indicator 2.1's points) fit the window without
scrolling the table; only the chosen period kind's fields show; the unit filter offers today's
units, namesakes told apart. A screenshot goes to /tmp/shots1280/ (EGOV_SHOTS_DIR elsewhere).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from egov.accounts.models import User
from egov.demo import seed
from egov.demo.dossiers import _commune_versions
from egov.demo.province import DEMO_PASSWORD
from egov.dossiers.tests.factories import receive
from egov.organization.models import OfficeHours, Unit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("EGOV_SHOTS_DIR", "/tmp/shots1280"))  # noqa: S108 — screenshots to look at
WIDTH = 1280


@pytest.fixture
def demo():
    OfficeHours.objects.get_or_create(pk=1)
    units = seed.seed_units(seed.seed_levels())
    seed.seed_staff(units)
    seed.seed_catalogue()
    commune = Unit.objects.get(name="Xã Đồng Hỷ", level__code="commune")
    desk = User.objects.get(username="motcua.donghy")
    version = _commune_versions()[0]
    for _ in range(2):
        receive(version, commune, desk)


@pytest.fixture
def wide(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": WIDTH, "height": 800}
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def test_the_leader_s_statistics_fit_a_1280_px_screen(wide, demo):
    page = wide
    url = reverse("dashboard:statistics")
    page.goto(f"{reverse('accounts:login')}?next={url}")
    page.get_by_label("Tên đăng nhập").fill("lanhdao.ubnd")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda address: urlsplit(address).path == url)

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "leader-statistics.png"), full_page=True)
    headers = page.locator("table.stats-table thead th")
    assert headers.count() == 20
    last = headers.last.bounding_box()
    assert last is not None
    assert last["x"] + last["width"] <= WIDTH, f"the last column ends at {last['x'] + last['width']} px"
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH

    # A month: its year and month, no quarter, no dates; two dates: only those.
    assert page.locator("#id_month").is_visible()
    assert page.locator("#id_year").is_visible()
    assert page.locator("#id_quarter").is_hidden()
    assert page.locator("#id_date_from").is_hidden()
    page.select_option("#id_period", "custom")
    assert page.locator("#id_date_from").is_visible()
    assert page.locator("#id_date_to").is_visible()
    assert page.locator("#id_year").is_hidden()
    assert page.locator("#id_month").is_hidden()

    labels = page.locator("#id_unit option").all_inner_texts()
    assert "Phòng Kinh tế — UBND xã Đồng Hỷ" in labels
    assert "Huyện Đồng Hỷ" not in labels
    # The search box still filters the select.
    page.locator("input.select-filter").fill("kinh te dong hy")
    shown = page.locator("#id_unit option:not([hidden])").all_inner_texts()
    assert "Phòng Kinh tế — UBND xã Đồng Hỷ" in shown
    assert "Phòng Kinh tế — UBND xã Võ Nhai" not in shown
