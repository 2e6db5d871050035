from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Import reports are asserted in English (msgids); test_vietnamese_report covers Vietnamese."""
    with translation.override("en"):
        yield
