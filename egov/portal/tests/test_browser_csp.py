"""The Content-Security-Policy refuses nothing egov itself serves (issue 11, item 20).

A policy that blocks egov's own scripts or styles would break pages silently; chromium reports
every refusal on the console, so a walk over the pages with scripts listens for them.
"""

import pytest

from egov.core.tests.browser import log_in
from egov.demo.seed import seed_catalogue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _refusals(page) -> list[str]:
    refused: list[str] = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return refused


def test_public_pages_and_the_api_docs_run_under_the_policy(page):
    seed_catalogue()
    refused = _refusals(page)

    for path in ("/", "/thu-tuc/", "/tai-khoan/dang-nhap/", "/tai-khoan/dang-ky/", "/api/v1/docs"):
        page.goto(path)
        page.wait_for_load_state("networkidle")

    # Swagger UI is drawn by its script: it ran.
    assert page.locator("#swagger-ui .info").count() == 1
    assert refused == []


def test_staff_workspace_runs_under_the_policy(page, desk_officer):
    refused = _refusals(page)

    log_in(page, "motcua", "/can-bo/")
    page.wait_for_load_state("networkidle")

    assert refused == []
