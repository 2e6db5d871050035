import datetime as dt
from pathlib import Path

import pytest

pytest_plugins = ["egov.core.tests.fixtures", "egov.core.tests.browser"]


@pytest.fixture(autouse=True)
def _vietnamese_and_fast_hashing(settings):
    """Tests run in the default language and with a fast password hasher."""
    settings.LANGUAGE_CODE = "vi"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.EGOV_DEMO = True  # the simulators of the national systems answer (egov.integrations)


@pytest.fixture(autouse=True)
def _audit_anchors(settings, tmp_path) -> None:
    """Every test keeps its audit anchors (egov.core.audit_anchors) in its own directory."""
    settings.EGOV_AUDIT_ANCHOR_DIR = tmp_path / "audit-anchors"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Every test stores files in its own directory (parallel workers never see each other's)."""
    root: Path = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture(scope="session")
def _signing_pki_dir(tmp_path_factory) -> Path:
    """One demo CA and TSA for the whole session, valid from 2025 (tests travel back in time)."""
    import time_machine
    from django.test import override_settings

    from egov.signatures import pki

    directory: Path = tmp_path_factory.mktemp("signing-pki")
    with (
        override_settings(EGOV_PKI_DIR=directory),
        time_machine.travel(dt.datetime(2025, 1, 1, tzinfo=dt.UTC), tick=True),
    ):
        pki.ensure_demo_pki()
    return directory


@pytest.fixture(autouse=True)
def _signing_pki(settings, _signing_pki_dir) -> None:
    """Every test signs with the session's demo PKI; revocation and timestamps answer in-process."""
    settings.EGOV_PKI_DIR = _signing_pki_dir
    settings.EGOV_TRUST_ROOTS = []
    settings.EGOV_TSA_URL = ""  # the demo TSA at SITE_URL, wherever a test points SITE_URL
