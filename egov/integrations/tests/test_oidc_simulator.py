"""The VNeID stand-in speaks OpenID Connect: discovery, consent page, token, JWKS, userinfo."""

import base64
import hashlib
import html
import re
import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import time_machine

from egov.integrations import oidc_simulator
from egov.integrations.models import SimulatedOidcGrant

BASE = "/mo-phong/vneid"
REDIRECT = "http://testserver/tai-khoan/vneid/callback/"
AN = "019090001234"


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _params(verifier: str, **changes: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": "egov-demo",
        "redirect_uri": REDIRECT,
        "scope": "openid profile",
        "state": "trang-thai",
        "nonce": "so-dung-mot-lan",
        "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256",
    } | changes


def _answer(response) -> dict[str, list[str]]:
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return parse_qs(location.query)


def _consent(client, verifier: str, national_id: str = AN) -> str:
    """Pick a citizen on the page and agree; the authorization code sent back."""
    page = client.get(f"{BASE}/authorize?{urlencode(_params(verifier))}")
    assert page.status_code == 200
    answer = _answer(
        client.post(f"{BASE}/authorize", _params(verifier) | {"so_dinh_danh": national_id, "dong_y": "1"})
    )
    assert answer["state"] == ["trang-thai"]
    return answer["code"][0]


def _basic() -> str:
    return "Basic " + base64.b64encode(b"egov-demo:demo-secret").decode()


def _redeem(client, code: str, verifier: str, **extra: str):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }
    return client.post(f"{BASE}/token", data | extra, headers={"authorization": _basic()})


@pytest.fixture
def verifier() -> str:
    return secrets.token_urlsafe(48)


def test_discovery_names_every_endpoint_under_the_issuer(client, settings):
    settings.SITE_URL = "https://dichvucong.example.vn"

    metadata = client.get(f"{BASE}/.well-known/openid-configuration").json()

    issuer = "https://dichvucong.example.vn/mo-phong/vneid"
    assert metadata["issuer"] == issuer
    assert metadata["authorization_endpoint"] == f"{issuer}/authorize"
    assert metadata["token_endpoint"] == f"{issuer}/token"
    assert metadata["jwks_uri"] == f"{issuer}/jwks"
    assert metadata["userinfo_endpoint"] == f"{issuer}/userinfo"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]


def test_jwks_publishes_one_rs256_key_whose_kid_is_its_thumbprint(client):
    (key,) = client.get(f"{BASE}/jwks").json()["keys"]

    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")
    assert "d" not in key  # never the private part
    assert key["kid"] == jwt.PyJWK(key).key_id


@pytest.mark.django_db
def test_code_flow_gives_a_signed_id_token_and_userinfo(client, verifier):
    code = _consent(client, verifier)

    response = _redeem(client, code, verifier)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    (key,) = client.get(f"{BASE}/jwks").json()["keys"]
    claims = jwt.decode(
        body["id_token"],
        jwt.PyJWK(key).key,
        algorithms=["RS256"],
        audience="egov-demo",
        issuer=oidc_simulator.issuer(),
    )
    assert claims["nonce"] == "so-dung-mot-lan"
    assert (claims["name"], claims["birthdate"], claims["national_id"], claims["level"]) == (
        "Nguyễn Văn An",
        "1990-03-15",
        AN,
        "2",
    )
    assert claims["sub"] == oidc_simulator.subject_for(AN)
    assert AN not in claims["sub"]
    assert claims["exp"] - claims["iat"] == 300
    info = client.get(f"{BASE}/userinfo", headers={"authorization": f"Bearer {body['access_token']}"})
    assert info.json()["national_id"] == AN
    assert info.json()["sub"] == claims["sub"]


@pytest.mark.django_db
def test_subject_is_stable_per_citizen(client):
    first, second = secrets.token_urlsafe(48), secrets.token_urlsafe(48)
    tokens = [_redeem(client, _consent(client, v), v).json()["id_token"] for v in (first, second)]

    subjects = {jwt.decode(t, options={"verify_signature": False})["sub"] for t in tokens}
    assert len(subjects) == 1


@pytest.mark.django_db
def test_a_citizen_can_be_typed_by_number(client, verifier):
    other = "006305001122"  # Hoàng Thị Mai, one of the fixed citizens not listed first
    page = client.post(
        f"{BASE}/authorize",
        _params(verifier) | {"so_dinh_danh": AN, "so_dinh_danh_khac": other, "dong_y": "1"},
    )
    code = _answer(page)["code"][0]

    claims = jwt.decode(
        _redeem(client, code, verifier).json()["id_token"], options={"verify_signature": False}
    )
    assert claims["national_id"] == other


@pytest.mark.django_db
def test_unknown_number_is_asked_again(client, verifier):
    page = client.post(
        f"{BASE}/authorize", _params(verifier) | {"so_dinh_danh_khac": "019099999999", "dong_y": "1"}
    )

    assert page.status_code == 400
    assert "Không có công dân mô phỏng" in page.content.decode()
    assert not SimulatedOidcGrant.objects.exists()


@pytest.mark.django_db
def test_client_secret_post_works_and_a_wrong_secret_does_not(client, verifier):
    code = _consent(client, verifier)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": verifier,
    }

    wrong = client.post(f"{BASE}/token", data | {"client_id": "egov-demo", "client_secret": "doan-mo"})
    right = client.post(f"{BASE}/token", data | {"client_id": "egov-demo", "client_secret": "demo-secret"})

    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    assert right.status_code == 200


@pytest.mark.django_db
def test_a_wrong_pkce_verifier_is_refused(client, verifier):
    code = _consent(client, verifier)

    response = _redeem(client, code, secrets.token_urlsafe(48))

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


@pytest.mark.django_db
def test_a_replayed_code_is_refused_and_revokes_its_token(client, verifier):
    code = _consent(client, verifier)
    access_token = _redeem(client, code, verifier).json()["access_token"]

    replay = _redeem(client, code, verifier)

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    info = client.get(f"{BASE}/userinfo", headers={"authorization": f"Bearer {access_token}"})
    assert info.status_code == 401


@pytest.mark.django_db
def test_a_code_lives_sixty_seconds(client, verifier):
    with time_machine.travel("2026-03-02 01:00:00+00:00", tick=False) as clock:
        code = _consent(client, verifier)
        clock.shift(timedelta(seconds=61))

        response = _redeem(client, code, verifier)

    assert response.json()["error"] == "invalid_grant"


@pytest.mark.django_db
def test_redirect_uri_must_match_the_one_authorised(client, verifier):
    code = _consent(client, verifier)

    response = _redeem(client, code, verifier, redirect_uri="http://testserver/khac/")

    assert response.json()["error"] == "invalid_grant"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"code_challenge": "", "code_challenge_method": ""}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"scope": "profile"}, "invalid_scope"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"nonce": ""}, "invalid_request"),
    ],
)
def test_bad_requests_go_back_to_the_client_with_an_error(client, verifier, changes, error):
    answer = _answer(client.get(f"{BASE}/authorize?{urlencode(_params(verifier, **changes))}"))

    assert answer["error"] == [error]
    assert answer["state"] == ["trang-thai"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes",
    [
        {"client_id": "ke-gian"},
        {"redirect_uri": "https://evil.example/cb"},
        {"redirect_uri": "javascript:alert(1)"},
    ],
)
def test_unknown_client_or_redirect_gets_an_error_page_not_a_redirect(client, verifier, changes):
    response = client.get(f"{BASE}/authorize?{urlencode(_params(verifier, **changes))}")

    assert response.status_code == 400
    assert "Location" not in response


@pytest.mark.django_db
def test_refusing_sends_access_denied(client, verifier):
    answer = _answer(client.post(f"{BASE}/authorize", _params(verifier) | {"tu_choi": "1"}))

    assert answer["error"] == ["access_denied"]
    assert not SimulatedOidcGrant.objects.exists()


@pytest.mark.django_db
def test_consent_page_lists_the_fixed_citizens_with_labels(client, verifier):
    page = html.unescape(client.get(f"{BASE}/authorize?{urlencode(_params(verifier))}").content.decode())

    assert re.search(r"<label><input type=\"radio\" name=\"so_dinh_danh\" value=\"019090001234\"", page)
    assert "Nguyễn Văn An" in page
    assert "Trần Thị Bình" in page
    assert '<label for="so_dinh_danh_khac">' in page
