"""Every public page weighs at most 100 KB transferred on a fresh visit (no user documents)."""

import pytest

from egov.demo.seed import seed_catalogue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LIMIT = 100 * 1024
PAGES = [
    "/",
    "/thu-tuc/",
    "/thu-tuc/1.001193/",
    "/tra-cuu/",
    "/tai-khoan/dang-nhap/",
    "/phan-anh-kien-nghi/gui/",
]


def test_public_pages_weigh_at_most_100_kb(browser, live_server):
    seed_catalogue()
    weights: dict[str, int] = {}
    for path in PAGES:
        context = browser.new_context(base_url=live_server.url, locale="vi-VN")  # fresh: empty cache
        page = context.new_page()
        sizes: list[int] = []
        page.on(
            "requestfinished", lambda request, sizes=sizes: sizes.append(request.sizes()["responseBodySize"])
        )
        page.goto(path, wait_until="load")
        page.wait_for_load_state("networkidle")
        weights[path] = sum(sizes)
        context.close()
    for path, size in weights.items():
        print(f"page weight {path}: {size} bytes ({size / 1024:.1f} KB)")  # noqa: T201 (the lead quotes the figures)
    assert all(size <= LIMIT for size in weights.values()), weights
