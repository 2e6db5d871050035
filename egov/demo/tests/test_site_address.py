"""The site address follows where egov runs (issue 11, item 1).

One setting, settings.SITE_URL, built from the HOST and PORT that `make run` and scripts/run.sh
serve on; every simulator address, the demo TSA and PKI, and every absolute link egov writes are
derived from it when used, so a demo on port 8123 never sends anyone to port 8000.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from config.settings import site_url_from
from egov.accounts import oidc
from egov.core.site import site_url
from egov.dossiers import printing
from egov.integrations import oidc_simulator, payment_gateway
from egov.integrations.transport import base_url
from egov.signatures import pki, validation

ROOT = Path(settings.BASE_DIR)
ELSEWHERE = "http://127.0.0.1:8123"


def _addresses() -> dict[str, str]:
    return {
        "population": base_url("EGOV_POPULATION_URL", "dan-cu/"),
        "sms": base_url("EGOV_SMS_URL", "sms/"),
        "national portal": base_url("EGOV_NATIONAL_PORTAL_URL", "dvcqg/"),
        "payment": payment_gateway.gateway_url(),
        "VNeID (egov's client)": oidc.issuer(),
        "VNeID (simulator)": oidc_simulator.issuer(),
        "TSA": validation.tsa_url(),
        "PKI (OCSP, CRL, CA)": pki.pki_base_url(),
        "receipt QR": printing.lookup_url("H51.60-261207-0001"),
        "absolute link": site_url("/ho-so-cua-toi/"),
    }


def test_every_address_follows_the_site_url(settings):
    for name in (
        "EGOV_POPULATION_URL",
        "EGOV_SMS_URL",
        "EGOV_NATIONAL_PORTAL_URL",
        "EGOV_PAYMENT_URL",
        "EGOV_OIDC_ISSUER",
        "EGOV_TSA_URL",
    ):
        setattr(settings, name, "")  # not configured: egov's own simulators, as in the demo
    settings.SITE_URL = ELSEWHERE

    wrong = {name: url for name, url in _addresses().items() if not url.startswith(f"{ELSEWHERE}/")}

    assert wrong == {}
    assert printing.lookup_url("H51.60-261207-0001") == f"{ELSEWHERE}/tra-cuu/H51.60-261207-0001/"


def test_a_configured_address_of_a_real_system_wins(settings):
    settings.SITE_URL = ELSEWHERE
    settings.EGOV_POPULATION_URL = "https://csdldc.example.vn/api"
    settings.EGOV_OIDC_ISSUER = "https://sso.vneid.example.vn/"

    assert base_url("EGOV_POPULATION_URL", "dan-cu/") == "https://csdldc.example.vn/api/"
    assert oidc.issuer() == "https://sso.vneid.example.vn"


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", "8123", "http://127.0.0.1:8123"),
        ("localhost", "9000", "http://localhost:9000"),
        ("0.0.0.0", "8123", "http://127.0.0.1:8123"),  # noqa: S104 — a wildcard bind is reached locally
        ("::", "8123", "http://127.0.0.1:8123"),
        ("::1", "8123", "http://[::1]:8123"),
    ],
)
def test_the_site_url_of_a_host_and_port(host, port, url):
    assert site_url_from(host, port) == url


def _settings_in_a_fresh_process(**environment: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_") and k != "DATABASE_URL"}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", **environment}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "from egov.integrations.transport import base_url; "
        "print(s.SITE_URL); print(base_url('EGOV_POPULATION_URL', 'dan-cu/')); "
        "print(' '.join(s.ALLOWED_HOSTS))"
    )
    result = subprocess.run(  # noqa: S603 — this interpreter, our own settings
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.splitlines()


def test_make_run_and_run_sh_give_settings_their_host_and_port(tmp_path):
    """`make run HOST=… PORT=…` and scripts/run.sh export EGOV_HOST/EGOV_PORT; settings build on them."""
    makefile = (ROOT / "Makefile").read_text()
    assert "run: export EGOV_HOST := $(HOST)" in makefile
    assert "run: export EGOV_PORT := $(PORT)" in makefile
    site, population, hosts = _settings_in_a_fresh_process(
        EGOV_HOST="egov-demo.local", EGOV_PORT="8123", EGOV_VAR_DIR=str(tmp_path)
    )

    assert site == "http://egov-demo.local:8123"
    assert population == "http://egov-demo.local:8123/mo-phong/dan-cu/"
    assert "egov-demo.local" in hosts.split()


def test_an_explicit_site_url_wins_over_host_and_port(tmp_path):
    site, _population, hosts = _settings_in_a_fresh_process(
        EGOV_HOST="0.0.0.0",  # noqa: S104
        EGOV_PORT="8123",
        EGOV_SITE_URL="https://dichvucong.example.vn/",
        EGOV_VAR_DIR=str(tmp_path),
    )

    assert site == "https://dichvucong.example.vn"
    assert "dichvucong.example.vn" in hosts.split()


def test_run_sh_serves_where_it_says(tmp_path):
    """scripts/run.sh with stand-ins for the venv's python and granian: what they are given."""
    record = tmp_path / "started"
    venv_bin = tmp_path / "bin"
    venv_bin.mkdir()
    for name in ("python", "granian"):
        stand_in = venv_bin / name
        stand_in.write_text(
            f'#!/bin/sh\necho "{name} $EGOV_HOST $EGOV_PORT $*" >> {record}\n'
            'case "$*" in *db_worker*|*run_outbox*|*wsgi*) exec sleep 60;; esac\n'
        )
        stand_in.chmod(0o755)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "EGOV_BIN": str(venv_bin)}

    script = subprocess.Popen(
        ["/bin/bash", "scripts/run.sh", "0.0.0.0", "8123", "1"],  # noqa: S104
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while "granian" not in (record.read_text() if record.exists() else ""):
            assert time.monotonic() < deadline, "run.sh never started the web server"
            time.sleep(0.1)
    finally:
        script.send_signal(signal.SIGTERM)
        script.wait(timeout=30)

    lines = record.read_text().splitlines()
    assert "python 0.0.0.0 8123 manage.py site_addresses" in lines
    granian = next(line for line in lines if line.startswith("granian"))
    assert granian.startswith("granian 0.0.0.0 8123 ")
    assert "--port 8123" in granian
