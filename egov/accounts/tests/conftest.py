"""Shared helpers for the account tests: an English-speaking client and a stopped clock."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

PASSWORD = "Mat-khau-dai-123"  # what egov.organization.tests.factories.make_user sets
# 08:00 in Vietnam, a Monday: lock times below are read in this zone.
START = datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def client() -> Client:
    """Asks for English, so exact texts stay right once the Vietnamese catalogue exists."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def clock() -> Iterator[Any]:
    """Time stands still at START until a test shifts it (TOTP codes depend on it)."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller
