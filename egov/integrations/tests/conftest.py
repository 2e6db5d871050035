import pytest
import requests


@pytest.fixture
def simulators(live_server, settings) -> str:
    """Point every adapter at the simulators served by the live test server."""
    settings.SITE_URL = live_server.url  # every simulator's address follows it (egov.core.site)
    base = f"{live_server.url}/mo-phong"
    settings.EGOV_INTEGRATION_TIMEOUT = 5
    return base


@pytest.fixture
def no_http(monkeypatch) -> None:
    """Fail the test if an adapter makes any HTTP call."""

    def refuse(*args, **kwargs):
        raise AssertionError("no HTTP call was expected")

    monkeypatch.setattr(requests.Session, "request", refuse)


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="quantri", password="x" * 12, kind="staff", is_staff=True
    )
    client.force_login(user)
    return client
