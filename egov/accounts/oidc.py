"""OpenID Connect client for logging citizens in with VNeID (Nghị định 69/2024/NĐ-CP Điều 9).

Plain OpenID Connect Core 1.0, authorization code flow with PKCE (RFC 7636): the provider is
found by discovery from EGOV_OIDC_ISSUER, so the simulator at /mo-phong/vneid/ and a real
provider differ only by settings. The ID token is checked here (signature against the provider's
JWKS, iss, aud, exp, iat, nonce) before anyone is logged in; nothing here writes to the database.
"""

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import jwt
import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from egov.core.site import configured_or_own
from egov.integrations.population import parse_id_number
from egov.integrations.transport import timeout

SESSION_KEY = "accounts.oidc"
# Long enough to read the provider's consent page, short enough that an abandoned flow dies.
FLOW_SECONDS = 10 * 60
# Clocks of two systems are never exactly equal (the brief: 60 s of leeway on exp and iat).
LEEWAY_SECONDS = 60
SIGNING_ALGORITHMS = ["RS256"]
DEFAULT_CLIENT_ID = "egov-demo"
DEFAULT_CLIENT_SECRET = "demo-secret"  # noqa: S105 — the simulator's demo secret; production sets its own
DEFAULT_SCOPE = "openid profile"


class OidcError(Exception):
    """The login through the provider failed; `message` is safe to show, `reason` is for the log."""

    PROVIDER_UNAVAILABLE = "provider_unavailable"
    FLOW_UNKNOWN = "flow_unknown"
    STATE_MISMATCH = "state_mismatch"
    DENIED = "denied"
    INVALID_TOKEN = "invalid_token"  # noqa: S105 — a reason code, not a secret
    EXPIRED_TOKEN = "expired_token"  # noqa: S105
    NONCE_MISMATCH = "nonce_mismatch"
    PROTOCOL = "protocol"

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    @property
    def message(self) -> str:
        if self.reason == self.PROVIDER_UNAVAILABLE:
            return _("VNeID cannot be reached at the moment. Try again later, or log in with your password.")
        if self.reason in {self.FLOW_UNKNOWN, self.STATE_MISMATCH}:
            return _("This VNeID login was not started here or has expired. Please start again.")
        if self.reason == self.DENIED:
            return _("The login was cancelled at VNeID.")
        return _(
            "The answer from VNeID could not be verified, so you have not been logged in. Please start again."
        )


@dataclass(frozen=True)
class Provider:
    """What discovery says about the provider (OpenID Connect Discovery 1.0 §3)."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    token_auth_methods: tuple[str, ...]


@dataclass(frozen=True)
class VerifiedIdentity:
    """The person the provider vouched for, from a verified ID token."""

    issuer: str
    subject: str
    national_id: str
    name: str
    birthdate: str
    level: str


# --- Settings -------------------------------------------------------------------------------------


def issuer() -> str:
    return configured_or_own("EGOV_OIDC_ISSUER", "/mo-phong/vneid").rstrip("/")


def client_id() -> str:
    return str(getattr(settings, "EGOV_OIDC_CLIENT_ID", DEFAULT_CLIENT_ID))


def client_secret() -> str:
    return str(getattr(settings, "EGOV_OIDC_CLIENT_SECRET", DEFAULT_CLIENT_SECRET))


def scope() -> str:
    return str(getattr(settings, "EGOV_OIDC_SCOPE", DEFAULT_SCOPE))


def redirect_uri(request: HttpRequest) -> str:
    """The callback URL registered with the provider; by default this site's own callback."""
    configured = str(getattr(settings, "EGOV_OIDC_REDIRECT_URI", ""))
    return configured or request.build_absolute_uri(reverse("accounts:citizen_vneid_callback"))


# --- HTTP -----------------------------------------------------------------------------------------


def _json(response: requests.Response, what: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as error:
        raise OidcError(OidcError.PROTOCOL, f"{what}: not JSON") from error
    if not isinstance(body, dict):
        raise OidcError(OidcError.PROTOCOL, f"{what}: not a JSON object")
    return body


def _send(method: str, url: str, what: str, **kwargs: Any) -> requests.Response:
    try:
        response = requests.request(method, url, timeout=timeout(), allow_redirects=False, **kwargs)
    except requests.RequestException as error:
        raise OidcError(OidcError.PROVIDER_UNAVAILABLE, f"{what}: {error.__class__.__name__}") from error
    if response.status_code >= 500:
        raise OidcError(OidcError.PROVIDER_UNAVAILABLE, f"{what}: HTTP {response.status_code}")
    return response


def discover() -> Provider:
    """Fetch and check the provider's metadata; its issuer must be exactly the configured one."""
    expected = issuer()
    response = _send("GET", f"{expected}/.well-known/openid-configuration", "discovery")
    if response.status_code != 200:
        raise OidcError(OidcError.PROVIDER_UNAVAILABLE, f"discovery: HTTP {response.status_code}")
    body = _json(response, "discovery")
    # OpenID Connect Discovery 1.0 §4.3: a mismatch means the document is not this issuer's.
    if body.get("issuer") != expected:
        raise OidcError(OidcError.PROTOCOL, f"discovery: issuer {body.get('issuer')!r} is not {expected!r}")
    endpoints = {name: body.get(name) for name in ("authorization_endpoint", "token_endpoint", "jwks_uri")}
    missing = [name for name, value in endpoints.items() if not isinstance(value, str) or not value]
    if missing:
        raise OidcError(OidcError.PROTOCOL, f"discovery: {', '.join(missing)} missing")
    methods = body.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    return Provider(
        issuer=expected,
        authorization_endpoint=str(endpoints["authorization_endpoint"]),
        token_endpoint=str(endpoints["token_endpoint"]),
        jwks_uri=str(endpoints["jwks_uri"]),
        token_auth_methods=tuple(str(method) for method in methods),
    )


# --- The flow -------------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def begin(request: HttpRequest, *, next_url: str) -> str:
    """Remember state, nonce and PKCE verifier in the session; return the provider's login URL."""
    provider = discover()
    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    callback = redirect_uri(request)
    request.session[SESSION_KEY] = {
        "issuer": provider.issuer,
        "token_endpoint": provider.token_endpoint,
        "jwks_uri": provider.jwks_uri,
        "token_auth_methods": list(provider.token_auth_methods),
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "redirect_uri": callback,
        "next": next_url,
        "expires": time.time() + FLOW_SECONDS,
    }
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id(),
            "redirect_uri": callback,
            "scope": scope(),
            "state": state,
            "nonce": nonce,
            "code_challenge": _b64url(hashlib.sha256(verifier.encode("ascii")).digest()),
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in provider.authorization_endpoint else "?"
    return f"{provider.authorization_endpoint}{separator}{query}"


def finish(request: HttpRequest) -> tuple[VerifiedIdentity, str]:
    """Check the provider's answer on the callback; return who logged in and where to go next.

    The flow in the session is used once: a second callback with the same state finds nothing.
    """
    flow: dict[str, Any] | None = request.session.pop(SESSION_KEY, None)
    if not flow or float(flow.get("expires", 0)) < time.time():
        raise OidcError(OidcError.FLOW_UNKNOWN)
    if not constant_time_compare(request.GET.get("state", ""), flow["state"]):
        raise OidcError(OidcError.STATE_MISMATCH)
    # RFC 9207: a provider that names itself in the answer must be the one we sent the user to.
    if "iss" in request.GET and request.GET["iss"] != flow["issuer"]:
        raise OidcError(OidcError.STATE_MISMATCH, "iss parameter of another provider")
    if "error" in request.GET:
        raise OidcError(OidcError.DENIED, request.GET.get("error", "")[:100])
    code = request.GET.get("code", "")
    if not code:
        raise OidcError(OidcError.PROTOCOL, "callback without code")
    raw_token = _exchange(flow, code)
    return _verify(raw_token, flow), str(flow.get("next", ""))


def _exchange(flow: dict[str, Any], code: str) -> str:
    """Redeem the code at the token endpoint (RFC 6749 §4.1.3) and return the raw ID token."""
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": flow["redirect_uri"],
        "code_verifier": flow["verifier"],
    }
    auth: tuple[str, str] | None = None
    if "client_secret_basic" in flow["token_auth_methods"]:
        # RFC 6749 §2.3.1: id and secret are form-encoded before the Basic encoding.
        auth = (quote(client_id(), safe=""), quote(client_secret(), safe=""))
    else:
        data |= {"client_id": client_id(), "client_secret": client_secret()}
    response = _send(
        "POST", flow["token_endpoint"], "token", data=data, auth=auth, headers={"Accept": "application/json"}
    )
    body = _json(response, "token")
    if response.status_code != 200:
        raise OidcError(
            OidcError.INVALID_TOKEN, f"token: HTTP {response.status_code} {body.get('error', '')}"
        )
    raw = body.get("id_token")
    if not isinstance(raw, str) or not raw:
        raise OidcError(OidcError.PROTOCOL, "token: no id_token")
    return raw


def _signing_key(raw_token: str, jwks_uri: str) -> Any:
    try:
        header = jwt.get_unverified_header(raw_token)
    except jwt.PyJWTError as error:
        raise OidcError(OidcError.INVALID_TOKEN, "id_token header unreadable") from error
    if header.get("alg") not in SIGNING_ALGORITHMS:
        raise OidcError(OidcError.INVALID_TOKEN, f"id_token alg {header.get('alg')!r} not accepted")
    response = _send("GET", jwks_uri, "jwks")
    if response.status_code != 200:
        raise OidcError(OidcError.PROVIDER_UNAVAILABLE, f"jwks: HTTP {response.status_code}")
    try:
        keys = jwt.PyJWKSet.from_dict(_json(response, "jwks")).keys
    except jwt.PyJWTError as error:
        raise OidcError(OidcError.PROTOCOL, "jwks unreadable") from error
    kid = header.get("kid")
    candidates = [key for key in keys if kid is None or key.key_id == kid]
    if len(candidates) != 1:
        raise OidcError(OidcError.INVALID_TOKEN, f"no single key for kid {kid!r}")
    return candidates[0].key


def _verify(raw_token: str, flow: dict[str, Any]) -> VerifiedIdentity:
    """OpenID Connect Core 1.0 §3.1.3.7: signature, iss, aud (and azp), exp, iat, nonce."""
    key = _signing_key(raw_token, flow["jwks_uri"])
    try:
        claims: dict[str, Any] = jwt.decode(
            raw_token,
            key,
            algorithms=SIGNING_ALGORITHMS,
            audience=client_id(),
            issuer=flow["issuer"],
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "sub", "aud", "exp", "iat", "nonce"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise OidcError(OidcError.EXPIRED_TOKEN) from error
    except jwt.PyJWTError as error:
        raise OidcError(OidcError.INVALID_TOKEN, error.__class__.__name__) from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id():
        raise OidcError(OidcError.INVALID_TOKEN, "azp is not this client")
    if not constant_time_compare(str(claims["nonce"]), flow["nonce"]):
        raise OidcError(OidcError.NONCE_MISMATCH)
    subject, national_id = claims["sub"], claims.get("national_id")
    if not isinstance(subject, str) or not subject or not isinstance(national_id, str):
        raise OidcError(OidcError.PROTOCOL, "id_token without sub or national_id")
    try:
        parse_id_number(national_id)
    except ValidationError as error:
        raise OidcError(OidcError.PROTOCOL, "national_id is not a personal identification number") from error
    return VerifiedIdentity(
        issuer=flow["issuer"],
        subject=subject,
        national_id=national_id,
        name=str(claims.get("name") or ""),
        birthdate=str(claims.get("birthdate") or ""),
        level=str(claims.get("level") or ""),
    )
