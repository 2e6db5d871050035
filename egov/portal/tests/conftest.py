import pytest

from egov.demo.seed import seed_catalogue


@pytest.fixture
def catalogue(db) -> int:
    """The demo catalogue (three publication decisions, ~70 procedures)."""
    return seed_catalogue()
