"""Deployment settings (issue 11, item 20): CSP on every page, HTTPS switches, no demo secret key.

The environment is read when the settings are imported, so the switches are tested in a fresh
interpreter with the environment a deployment would set.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
# PDFs are drawn by WeasyPrint on the server, never shown by a browser: their <style> is fine.
PDF_TEMPLATES = re.compile(r"/templates/[^/]+/pdf/")


def _python(code: str, tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("EGOV_SECRET_KEY", "EGOV_DEBUG", "EGOV_DEMO", "EGOV_HTTPS", "EGOV_HSTS"))
        and name not in {"EGOV_SSL_REDIRECT", "EGOV_SECURE_COOKIES", "EGOV_PROXY_SSL_HEADER"}
    }
    env |= {"EGOV_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(  # noqa: S603 — our own interpreter on our own code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env | environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _settings_under(tmp_path: Path, **environment: str) -> dict[str, object]:
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({n: getattr(s, n, None) "
        "for n in ('SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER', 'SECRET_KEY', 'DEMO_SECRET_KEY')}))"
    )
    result = _python(code, tmp_path, **environment)
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


# --- The secret key -------------------------------------------------------------------------------


def test_the_web_server_refuses_to_start_with_the_demo_secret_key(tmp_path):
    result = _python("import config.wsgi", tmp_path)

    assert result.returncode != 0
    assert "egov refuses to start: EGOV_SECRET_KEY is not set" in result.stderr
    assert "docs/howto/security-settings.md" in result.stderr


def test_debug_allows_the_demo_key_and_a_set_key_starts(tmp_path):
    assert _python("import config.wsgi", tmp_path, EGOV_DEBUG="1").returncode == 0
    started = _python("import config.wsgi", tmp_path, EGOV_SECRET_KEY="k" * 50)
    assert started.returncode == 0, started.stderr


def test_a_demo_gets_its_own_random_key_kept_in_var(tmp_path):
    first = _settings_under(tmp_path, EGOV_DEMO="1")
    second = _settings_under(tmp_path, EGOV_DEMO="1")

    assert first["SECRET_KEY"] != first["DEMO_SECRET_KEY"]
    assert len(str(first["SECRET_KEY"])) >= 50
    # Every worker and every restart signs with the same key, or sessions would break.
    assert second["SECRET_KEY"] == first["SECRET_KEY"]
    assert (tmp_path / "var" / "secret-key").stat().st_mode & 0o777 == 0o600
    assert _python("import config.wsgi", tmp_path, EGOV_DEMO="1").returncode == 0


# --- HTTPS switches -------------------------------------------------------------------------------


def test_https_is_off_by_default_and_one_variable_switches_it_on(tmp_path):
    plain = _settings_under(tmp_path)
    https = _settings_under(tmp_path, EGOV_HTTPS="1", EGOV_PROXY_SSL_HEADER="X-Forwarded-Proto")

    assert (plain["SECURE_SSL_REDIRECT"], plain["SECURE_HSTS_SECONDS"]) == (False, 0)
    assert plain["SESSION_COOKIE_SECURE"] is False
    assert https["SECURE_SSL_REDIRECT"] is True
    assert https["SECURE_HSTS_SECONDS"] == 31_536_000
    assert (https["SESSION_COOKIE_SECURE"], https["CSRF_COOKIE_SECURE"]) == (True, True)
    assert https["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_each_https_switch_can_be_set_on_its_own(tmp_path):
    chosen = _settings_under(tmp_path, EGOV_HTTPS="1", EGOV_SSL_REDIRECT="0", EGOV_HSTS_SECONDS="600")

    assert chosen["SECURE_SSL_REDIRECT"] is False
    assert chosen["SECURE_HSTS_SECONDS"] == 600
    assert chosen["SESSION_COOKIE_SECURE"] is True


def test_https_requests_get_hsts_and_plain_ones_are_redirected(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000

    plain = client.get("/")
    secure = client.get("/", secure=True)

    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/"
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000"


# --- Content-Security-Policy ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/thu-tuc/",
        "/tai-khoan/dang-nhap/",
        "/tai-khoan/dang-ky/",
        "/khong-co-trang-nay/",
        "/api/v1/docs",
    ],
)
def test_every_page_carries_a_policy_without_inline_scripts(client, db, path):
    response = client.get(path)

    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_staff_pages_carry_the_policy_too(client, desk_officer):
    client.force_login(desk_officer)

    response = client.get(reverse("dashboard:home"))

    assert "script-src 'self'" in response["Content-Security-Policy"]


def _served_templates() -> list[Path]:
    return [
        path
        for folder in ("egov", "templates")
        for path in (ROOT / folder).rglob("*.html")
        if not PDF_TEMPLATES.search(path.as_posix())
    ]


def test_no_template_has_inline_scripts_handlers_or_styles():
    """What the policy would block in the browser is not written in the first place."""
    offences = []
    for path in _served_templates():
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offences.append(f"{path}: inline {tag}")
        offences += [f"{path}: handler {m}" for m in re.findall(r"\son[a-z]+\s*=", text)]
        offences += [f"{path}: style attribute" for _ in re.findall(r"\sstyle\s*=", text)]
        offences += [f"{path}: <style> block" for _ in re.findall(r"<style\b", text)]
        offences += [f"{path}: javascript: URL" for _ in re.findall(r"javascript:", text)]
    assert offences == []
