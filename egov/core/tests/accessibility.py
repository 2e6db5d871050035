"""axe-core in a Playwright page: WCAG 2.1 A/AA violations of the page as rendered.

axe-core comes from node_modules (package.json; `make test` runs `npm ci` when it is missing).
"""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """Run axe on the page and return the violations of the given impacts."""
    if not AXE.exists():
        pytest.fail("axe-core is not installed: run `npm ci` (or `make test`)")
    # Evaluated through the DevTools protocol, as the page's Content-Security-Policy refuses an
    # inline <script> (which is what add_script_tag would insert).
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    return [v for v in result["violations"] if v.get("impact") in impacts]


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in violations
    )
