import pytest

from egov.documents.models import Document
from egov.documents.tests.helpers import make_document


@pytest.fixture
def document(specialist, province) -> Document:
    """A one-page PDF of Sở Tư pháp, uploaded by its specialist."""
    return make_document(specialist, province.department)
