"""A stand-in for VNeID's OpenID Connect provider, served at /mo-phong/vneid/.

Citizens log in to public-service systems with their national electronic identification account
(Nghị định 69/2024/NĐ-CP Điều 9); VNeID offers it to connected systems as an OpenID Connect
provider. This simulator speaks plain OpenID Connect Core 1.0 (authorization code flow) so that
egov's client can be pointed at any real provider by settings alone:

* discovery at ``.well-known/openid-configuration``, keys at ``jwks``;
* ``authorize`` shows a page to pick one of the population simulator's invented citizens;
* ``token`` (client_secret_basic or client_secret_post; PKCE S256 required, RFC 7636) returns an
  ID token signed RS256 with the claims VNeID vouches for: name, birthdate, national_id and the
  identification level ("2": level-2 account, ND 69/2024 Điều 12);
* ``userinfo`` answers the same claims for the access token.

Authorization codes live 60 seconds and are redeemed once; a replayed code also revokes the token
issued for it (RFC 6749 §4.1.2). The signing key is made on first use and kept under
VAR_DIR/oidc-simulator/. The page texts are the provider's, in Vietnamese, not translated.
"""

import base64
import functools
import hashlib
import hmac
import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.http.request import validate_host
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egov.core.site import site_url
from egov.integrations.models import SimulatedOidcGrant
from egov.integrations.simulated_citizens import FIXED, citizens

DEFAULT_CLIENT_ID = "egov-demo"
DEFAULT_CLIENT_SECRET = "demo-secret"  # noqa: S105 — the demo's shared secret; production sets its own
CODE_LIFETIME = timedelta(seconds=60)
ACCESS_TOKEN_LIFETIME = timedelta(minutes=5)
ID_TOKEN_LIFETIME = timedelta(minutes=5)
LEVEL = "2"  # every simulated account is a level-2 account (identified in person, with a face)
KEY_FILE = "signing-key.pem"
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")  # RFC 7636 §4.1
_AUTHORIZE_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
)


# --- Configuration --------------------------------------------------------------------------------


def issuer() -> str:
    """Where the simulator is served: always egov's own address, whatever provider egov uses."""
    return site_url("/mo-phong/vneid")


def client_id() -> str:
    return str(getattr(settings, "EGOV_OIDC_CLIENT_ID", DEFAULT_CLIENT_ID))


def client_secret() -> str:
    return str(getattr(settings, "EGOV_OIDC_CLIENT_SECRET", DEFAULT_CLIENT_SECRET))


def redirect_uri_allowed(uri: str) -> bool:
    """A registered redirect URI: one listed in the setting, else any http(s) URL on egov's hosts."""
    listed = getattr(settings, "EGOV_OIDC_SIMULATOR_REDIRECT_URIS", None)
    if listed:
        return uri in listed
    parts = urlsplit(uri)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.fragment:
        return False
    return validate_host(parts.hostname, settings.ALLOWED_HOSTS)


def subject_for(national_id: str) -> str:
    """A stable, opaque subject per citizen that does not reveal the identification number."""
    return salted_hmac("egov.integrations.oidc_simulator.sub", national_id, algorithm="sha256").hexdigest()[
        :32
    ]


# --- Keys -----------------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def key_path() -> Path:
    return Path(settings.VAR_DIR) / "oidc-simulator" / KEY_FILE


@functools.cache
def _load_key(path: Path) -> rsa.RSAPrivateKey:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        # Written aside, then linked into place: linking fails if another worker was first, and
        # nobody ever reads a half-written key.
        temporary = path.with_name(f"{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        temporary.write_bytes(pem)
        temporary.chmod(0o600)
        try:
            path.hardlink_to(temporary)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise TypeError(f"{path} does not hold an RSA key")
    return loaded


def signing_key() -> rsa.RSAPrivateKey:
    return _load_key(key_path())


def public_jwk() -> dict[str, Any]:
    """The public key as a JWK, its kid the RFC 7638 thumbprint."""
    jwk: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(signing_key().public_key(), as_dict=True)
    canonical = '{{"e":"{e}","kty":"RSA","n":"{n}"}}'.format(e=jwk["e"], n=jwk["n"])
    return jwk | {"kid": _b64url(hashlib.sha256(canonical.encode()).digest()), "use": "sig", "alg": "RS256"}


# --- Helpers --------------------------------------------------------------------------------------


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    # Tokens must not be cached anywhere (RFC 6749 §5.1).
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def _oauth_error(error: str, description: str, status: int = 400) -> JsonResponse:
    response = _json({"error": error, "error_description": description}, status)
    if error == "invalid_client":
        response["WWW-Authenticate"] = 'Basic realm="vneid-simulator"'
    return response


def _with_query(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def _refused_page(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "integrations/vneid_error.html", {"message": message}, status=400)


def claims_of(national_id: str) -> dict[str, Any]:
    """The identity claims VNeID vouches for about one citizen (data minimisation: no more)."""
    person = citizens()[national_id]
    return {
        "sub": subject_for(national_id),
        "name": person["hoVaTen"],
        "birthdate": person["ngaySinh"],
        "national_id": national_id,
        "level": LEVEL,
    }


# --- Endpoints ------------------------------------------------------------------------------------


@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    """OpenID Connect Discovery 1.0 §3: the provider's metadata."""
    base = issuer()
    return _json(
        {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": [
                "sub",
                "iss",
                "aud",
                "exp",
                "iat",
                "nonce",
                "name",
                "birthdate",
                "national_id",
                "level",
            ],
            "authorization_response_iss_parameter_supported": True,
        }
    )


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"keys": [public_jwk()]})


@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """The consent page: pick a citizen, then "Đồng ý" sends a code back to the client."""
    source = request.POST if request.method == "POST" else request.GET
    params = {name: source.get(name, "") for name in _AUTHORIZE_PARAMS}
    # Without a known client and its redirect URI the error cannot be sent back (RFC 6749 §4.1.2.1).
    if params["client_id"] != client_id():
        return _refused_page(request, "Ứng dụng (client_id) chưa được đăng ký với VNeID.")
    if not redirect_uri_allowed(params["redirect_uri"]):
        return _refused_page(request, "Địa chỉ chuyển hướng (redirect_uri) không được đăng ký.")

    def back(**answer: str) -> HttpResponseRedirect:
        answer = answer | ({"state": params["state"]} if params["state"] else {}) | {"iss": issuer()}
        return HttpResponseRedirect(_with_query(params["redirect_uri"], answer))

    if params["response_type"] != "code":
        return back(error="unsupported_response_type")
    if "openid" not in params["scope"].split():
        return back(error="invalid_scope", error_description="scope phải có openid")
    if params["code_challenge_method"] != "S256" or not _VERIFIER.fullmatch(params["code_challenge"]):
        return back(error="invalid_request", error_description="Bắt buộc PKCE với code_challenge_method=S256")
    if not params["nonce"]:
        return back(error="invalid_request", error_description="Thiếu nonce")
    people = citizens()
    error = ""
    if request.method == "POST":
        if "tu_choi" in request.POST:
            return back(error="access_denied", error_description="Công dân không đồng ý")
        chosen = (
            request.POST.get("so_dinh_danh_khac", "").strip() or request.POST.get("so_dinh_danh", "")
        ).strip()
        if chosen in people:
            return back(code=_grant(params, chosen))
        error = "Không có công dân mô phỏng với số định danh này." if chosen else "Hãy chọn một công dân."
    return render(
        request,
        "integrations/vneid_authorize.html",
        {"params": params, "fixed": FIXED, "error": error, "client_id": params["client_id"]},
        status=400 if error else 200,
    )


def _grant(params: dict[str, str], national_id: str) -> str:
    code = secrets.token_urlsafe(32)
    now = timezone.now()
    SimulatedOidcGrant.objects.create(
        code_hash=_hash(code),
        client_id=params["client_id"],
        redirect_uri=params["redirect_uri"],
        code_challenge=params["code_challenge"],
        nonce=params["nonce"],
        national_id=national_id,
        created_at=now,
        code_expires_at=now + CODE_LIFETIME,
    )
    return code


def _client_of(request: HttpRequest) -> tuple[str, str] | None:
    """The (client_id, secret) the request authenticates with, by Basic header or form fields."""
    header = request.headers.get("Authorization", "")
    in_body = "client_secret" in request.POST
    if header.startswith("Basic "):
        if in_body:
            return None  # RFC 6749 §2.3: one method per request
        try:
            decoded = base64.b64decode(header[6:], validate=True).decode("utf-8")
        except ValueError:
            return None
        name, _sep, secret = decoded.partition(":")
        return unquote(name.replace("+", " ")), unquote(secret.replace("+", " "))
    if in_body:
        return request.POST.get("client_id", ""), request.POST.get("client_secret", "")
    return None


def _client_authenticated(request: HttpRequest) -> str | None:
    given = _client_of(request)
    if given is None:
        return None
    name, secret = given
    if not (
        hmac.compare_digest(name.encode(), client_id().encode())
        and hmac.compare_digest(secret.encode(), client_secret().encode())
    ):
        return None
    return name


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    """Exchange a code (with its PKCE verifier) for an access token and a signed ID token."""
    authenticated = _client_authenticated(request)
    if authenticated is None:
        return _oauth_error("invalid_client", "Xác thực ứng dụng không thành công", 401)
    if request.POST.get("grant_type") != "authorization_code":
        return _oauth_error("unsupported_grant_type", "Chỉ hỗ trợ authorization_code")
    code, verifier = request.POST.get("code", ""), request.POST.get("code_verifier", "")
    grant = SimulatedOidcGrant.objects.filter(code_hash=_hash(code)).first() if code else None
    if grant is None:
        return _oauth_error("invalid_grant", "Mã ủy quyền không hợp lệ")
    now = timezone.now()
    with transaction.atomic():
        redeemed = SimulatedOidcGrant.objects.filter(pk=grant.pk, redeemed_at__isnull=True).update(
            redeemed_at=now
        )
        if not redeemed:
            # A code used twice was probably stolen: the token issued for it stops working too.
            SimulatedOidcGrant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(revoked_at=now)
            return _oauth_error("invalid_grant", "Mã ủy quyền đã được sử dụng")
    if grant.code_expires_at <= now:
        return _oauth_error("invalid_grant", "Mã ủy quyền đã hết hạn")
    if grant.client_id != authenticated or grant.redirect_uri != request.POST.get("redirect_uri", ""):
        return _oauth_error("invalid_grant", "client_id hoặc redirect_uri không khớp")
    challenge = _b64url(hashlib.sha256(verifier.encode("ascii", "replace")).digest())
    if not _VERIFIER.fullmatch(verifier) or not hmac.compare_digest(challenge, grant.code_challenge):
        return _oauth_error("invalid_grant", "code_verifier không khớp (PKCE)")
    access_token = secrets.token_urlsafe(32)
    SimulatedOidcGrant.objects.filter(pk=grant.pk).update(
        access_token_hash=_hash(access_token), access_token_expires_at=now + ACCESS_TOKEN_LIFETIME
    )
    return _json(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
            "scope": "openid profile",
            "id_token": id_token(grant.national_id, audience=grant.client_id, nonce=grant.nonce),
        }
    )


def id_token(national_id: str, *, audience: str, nonce: str, issued_at: int | None = None) -> str:
    """The signed ID token about a citizen (OpenID Connect Core 1.0 §2)."""
    iat = issued_at if issued_at is not None else int(timezone.now().timestamp())
    payload = {
        "iss": issuer(),
        "aud": audience,
        "iat": iat,
        "auth_time": iat,
        "exp": iat + int(ID_TOKEN_LIFETIME.total_seconds()),
        "nonce": nonce,
        "amr": ["pwd", "otp"],
        **claims_of(national_id),
    }
    return jwt.encode(payload, signing_key(), algorithm="RS256", headers={"kid": public_jwk()["kid"]})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def userinfo(request: HttpRequest) -> JsonResponse:
    """The citizen's claims for a bearer access token (OpenID Connect Core 1.0 §5.3)."""
    header = request.headers.get("Authorization", "")
    raw = header[7:] if header.startswith("Bearer ") else ""
    now = timezone.now()
    grant = (
        SimulatedOidcGrant.objects.filter(
            access_token_hash=_hash(raw), revoked_at__isnull=True, access_token_expires_at__gt=now
        ).first()
        if raw
        else None
    )
    if grant is None:
        response = _json({"error": "invalid_token"}, 401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    return _json(claims_of(grant.national_id))
