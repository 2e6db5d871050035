"""WCAG 2.1 AA: no serious or critical axe-core violations on the public pages."""

import pytest

from egov.core.tests.accessibility import axe_violations, describe
from egov.demo.seed import seed_catalogue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/thu-tuc/?q=khai+sinh",
    "/thu-tuc/1.001193/",
    "/tai-khoan/dang-nhap/",
    "/tra-cuu/",
    "/phan-anh-kien-nghi/gui/",
    "/phan-anh-kien-nghi/",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_serious_accessibility_violations(page, path):
    seed_catalogue()

    response = page.goto(path)

    assert response is not None
    assert response.status == 200
    violations = axe_violations(page)
    assert violations == [], describe(violations)
