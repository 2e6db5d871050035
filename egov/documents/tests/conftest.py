from pathlib import Path

import pytest

from egov.documents.models import Document
from egov.documents.tests.helpers import make_document


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Every test stores files in its own directory."""
    root: Path = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def document(specialist, province) -> Document:
    """A one-page PDF of Sở Tư pháp, uploaded by its specialist."""
    return make_document(specialist, province.department)
