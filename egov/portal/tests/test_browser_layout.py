"""The page layout in a real browser: the content does not touch the footer's line (walk, 3a)."""

import pytest

from egov.demo.seed import seed_catalogue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("path", ["/", "/thu-tuc/?q=khai+sinh", "/thu-tuc/1.001193/"])
def test_the_content_keeps_room_above_the_footer(page, path):
    seed_catalogue()
    page.goto(path)
    gap = page.evaluate(
        """() => {
          const main = document.querySelector('main'), last = main.lastElementChild;
          return document.querySelector('footer.site-footer').getBoundingClientRect().top
            - last.getBoundingClientRect().bottom;
        }"""
    )
    assert gap >= 24, gap
