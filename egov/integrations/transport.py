"""HTTP to national systems: settings, bearer token, timeout, and status codes mapped to errors.

Settings are read on every call (never at import) so tests and deployments can change them.
"""

from typing import Any

import requests
from django.conf import settings

from egov.core.site import configured_or_own
from egov.integrations.errors import (
    IntegrationAuthFailed,
    IntegrationProtocolError,
    IntegrationRejected,
    IntegrationUnavailable,
)

DEFAULT_TOKEN = "demo-token"  # noqa: S105 — the simulators' token; production sets EGOV_*_TOKEN
DEFAULT_TIMEOUT_SECONDS = 5.0


def setting(name: str, default: str) -> str:
    """A string setting the lead adds to config/settings.py later (docs/howto/integrations.md)."""
    return str(getattr(settings, name, default))


def base_url(name: str, simulator_path: str) -> str:
    """The service's base URL, ending in "/"; when not set, the simulator egov serves itself."""
    url = configured_or_own(name, f"/mo-phong/{simulator_path}")
    return url if url.endswith("/") else f"{url}/"


def timeout() -> float:
    return float(getattr(settings, "EGOV_INTEGRATION_TIMEOUT", DEFAULT_TIMEOUT_SECONDS))


def call(
    method: str,
    url: str,
    *,
    token: str,
    payload: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    """Send one request; raise for outages and refusals, return any other answer to interpret."""
    all_headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", **(headers or {})}
    try:
        response = requests.request(
            method, url, json=payload, headers=all_headers, timeout=timeout(), allow_redirects=False
        )
    except requests.RequestException as error:
        raise IntegrationUnavailable(f"{url}: {error.__class__.__name__}: {error}") from error
    if response.status_code >= 500:
        raise IntegrationUnavailable(f"{url}: HTTP {response.status_code} {message_of(response)}".strip())
    if response.status_code in {401, 403}:
        raise IntegrationAuthFailed(f"{url}: HTTP {response.status_code} {message_of(response)}".strip())
    return response


def json_object(response: requests.Response) -> dict[str, Any]:
    """The response body as a JSON object, or IntegrationProtocolError."""
    try:
        body = response.json()
    except ValueError as error:
        raise IntegrationProtocolError(f"HTTP {response.status_code}: the answer is not JSON") from error
    if not isinstance(body, dict):
        raise IntegrationProtocolError(f"HTTP {response.status_code}: the answer is not a JSON object")
    return body


def message_of(response: requests.Response) -> str:
    """The server's own explanation ("thongBao"), or its raw text, shortened."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict) and isinstance(body.get("thongBao"), str):
        return str(body["thongBao"])
    return response.text[:300]


def rejected(response: requests.Response) -> IntegrationRejected:
    return IntegrationRejected(message_of(response), status=response.status_code)
