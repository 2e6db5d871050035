"""The README's table of demo accounts is what `make run` prints (manage.py demo_accounts)."""

import io
import re

from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from egov.demo.province import STAFF


def _readme_rows() -> set[tuple[str, str, str]]:
    text = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    section = text.split("### Demo accounts", 1)[1].split("\n## ", 1)[0]
    return {
        (username, role.strip(), unit.strip())
        for username, role, unit in re.findall(r"^\| `([^`]+)` \|([^|]+)\|([^|]+)\|$", section, re.MULTILINE)
    }


def test_the_readme_lists_every_demo_account_as_make_run_prints_it():
    out = io.StringIO()
    with translation.override("vi"):
        call_command("demo_accounts", stdout=out)
        expected = {(p.username, p.get_role_label(), p.get_unit_label()) for p in STAFF}
    printed = out.getvalue().splitlines()

    assert _readme_rows() == expected
    for username, role, unit in expected:
        rows = [line for line in printed if line.split()[:1] == [username]]
        assert len(rows) == 1, username
        assert role in rows[0], rows[0]
        assert unit in rows[0], rows[0]
