from pathlib import Path

import pytest

pytest_plugins = ["egov.core.tests.fixtures", "egov.core.tests.browser"]


@pytest.fixture(autouse=True)
def _vietnamese_and_fast_hashing(settings):
    """Tests run in the default language and with a fast password hasher."""
    settings.LANGUAGE_CODE = "vi"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Every test stores files in its own directory (parallel workers never see each other's)."""
    root: Path = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root
