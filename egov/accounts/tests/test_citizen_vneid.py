"""Login with VNeID: the OpenID Connect code flow against the simulator, over real HTTP.

egov's own pages are driven with the test client; the provider's pages and endpoints are reached
over HTTP at the live server, as a browser and egov's server would reach a real provider.
"""

import base64
import hashlib
import html
import json
import re
import time
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from egov.accounts import citizen_services, oidc
from egov.accounts.models import CitizenIdentity, User
from egov.accounts.tests.helpers import logged_in_id
from egov.core.models import AuditEntry
from egov.integrations import oidc_simulator

pytestmark = pytest.mark.django_db(transaction=True)

AN = "019090001234"
BINH = "019195004567"
START = reverse("accounts:citizen_vneid")


@pytest.fixture
def provider(live_server, settings) -> str:
    """egov's OIDC client pointed at the simulator served by the live server."""
    settings.SITE_URL = live_server.url  # the issuer is egov's own simulator there (not configured)
    # The first request to the live server loads every URL module: give it time.
    settings.EGOV_INTEGRATION_TIMEOUT = 30
    return oidc.issuer()


def _start(client, next_url: str = "") -> str:
    response = client.get(START + (f"?{urlencode({'next': next_url})}" if next_url else ""))
    assert response.status_code == 302, response.content
    return str(response.url)


def _consent(authorize_url: str, national_id: str = AN, *, refuse: bool = False) -> str:
    """What the citizen's browser does at the provider; returns where it is sent back to."""
    browser = requests.Session()
    page = browser.get(authorize_url, timeout=30)
    assert page.status_code == 200, page.text
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text)
    }
    choice = {"tu_choi": "1"} if refuse else {"so_dinh_danh": national_id, "dong_y": "1"}
    answer = browser.post(authorize_url, data=fields | choice, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text
    return str(answer.headers["Location"])


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()} | changes
    return urlunsplit(parts._replace(query=urlencode(query)))


def _log_in(client, national_id: str = AN, next_url: str = ""):
    return client.get(_consent(_start(client, next_url), national_id))


def _actions(prefix: str = "citizen.") -> list[str]:
    return [e.action for e in AuditEntry.objects.order_by("id") if e.action.startswith(prefix)]


def _failures() -> list[object]:
    return [
        e.after["reason"]
        for e in AuditEntry.objects.filter(action="citizen.login_vneid_failed").order_by("id")
    ]


def test_start_sends_the_browser_to_the_provider_with_pkce_state_and_nonce(client, provider):
    url = _start(client)

    parts = urlsplit(url)
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{provider}/authorize"
    assert query["response_type"] == "code"
    assert query["client_id"] == "egov-demo"
    assert query["redirect_uri"] == "http://testserver/tai-khoan/vneid/callback/"
    assert query["code_challenge_method"] == "S256"
    flow = client.session[oidc.SESSION_KEY]
    assert query["state"] == flow["state"]
    assert query["nonce"] == flow["nonce"]
    verifier_hash = base64.urlsafe_b64encode(hashlib.sha256(flow["verifier"].encode()).digest()).rstrip(b"=")
    assert query["code_challenge"] == verifier_hash.decode()


def test_first_login_creates_the_citizen_and_lands_on_next(client, provider):
    response = _log_in(client, next_url="/thu-tuc/")

    assert response.status_code == 302
    assert response.url == "/thu-tuc/"
    user = User.objects.get(national_id=AN)
    assert logged_in_id(client) == str(user.pk)
    assert (user.kind, user.full_name, user.is_staff, user.has_usable_password()) == (
        User.Kind.CITIZEN,
        "Nguyễn Văn An",
        False,
        False,
    )
    identity = CitizenIdentity.objects.get()
    assert (identity.user, identity.issuer, identity.subject, identity.level) == (
        user,
        provider,
        oidc_simulator.subject_for(AN),
        "2",
    )
    assert citizen_services.has_vneid_identity(user)
    assert _actions() == ["citizen.registered", "citizen.identity_linked", "citizen.login_vneid"]
    entry = AuditEntry.objects.get(action="citizen.login_vneid")
    assert entry.after == {"issuer": provider, "level": "2", "created": True}
    assert "auth.login" in _actions("auth.")


def test_a_citizen_lands_on_the_portal_home_and_comes_back_to_the_same_account(client, provider):
    first = _log_in(client)
    client.post(reverse("accounts:logout"))

    second = _log_in(client)

    assert first.url == second.url == reverse("portal:home")
    assert User.objects.filter(national_id=AN).count() == 1
    assert CitizenIdentity.objects.count() == 1
    assert logged_in_id(client) == str(User.objects.get(national_id=AN).pk)


def test_an_existing_account_with_the_number_is_linked(client, provider, citizen):
    _log_in(client)

    assert logged_in_id(client) == str(citizen.pk)
    assert CitizenIdentity.objects.get().user == citizen
    assert User.objects.count() == 1
    page = client.get(reverse("accounts:citizen_profile")).content.decode()
    assert AN in page
    assert "identification level 2" in page


def test_state_mismatch_is_refused(client, provider):
    location = _consent(_start(client))

    response = client.get(_with_query(location, state="gia-mao"))

    assert response.status_code == 400
    assert "not started here or has expired" in response.content.decode()
    assert logged_in_id(client) is None
    assert _failures() == ["state_mismatch"]


def test_a_callback_nobody_started_is_refused(client, provider):
    location = _consent(_start(client))
    stranger = type(client)(headers={"accept-language": "en"})

    response = stranger.get(location)

    assert response.status_code == 400
    assert logged_in_id(stranger) is None
    assert not User.objects.exists()


def test_a_replayed_code_is_refused(client, provider):
    location = _consent(_start(client))
    client.get(location)
    client.post(reverse("accounts:logout"))
    # A second flow in the same browser, answered with the first flow's (spent) code.
    fresh_state = parse_qs(urlsplit(_start(client)).query)["state"][0]

    response = client.get(_with_query(location, state=fresh_state))

    assert response.status_code == 400
    assert logged_in_id(client) is None
    assert _failures() == ["invalid_token"]


def test_cancelling_at_the_provider_logs_nobody_in(client, provider):
    response = client.get(_consent(_start(client), refuse=True))

    assert response.status_code == 400
    assert "The login was cancelled at VNeID." in response.content.decode()
    assert logged_in_id(client) is None


def _tampered(raw: str) -> str:
    header, payload, signature = raw.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["national_id"] = BINH
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def _foreign_signed(raw: str) -> str:
    claims = jwt.decode(raw, options={"verify_signature": False})
    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(
        claims, impostor, algorithm="RS256", headers={"kid": jwt.get_unverified_header(raw)["kid"]}
    )


def _unsigned(raw: str) -> str:
    claims = jwt.decode(raw, options={"verify_signature": False})
    return jwt.encode(claims, "", algorithm="none")


def _simulator_token(**changes: object):
    def make(raw: str) -> str:
        claims = jwt.decode(raw, options={"verify_signature": False})
        return jwt.encode(
            claims | changes,
            oidc_simulator.signing_key(),
            algorithm="RS256",
            headers={"kid": oidc_simulator.public_jwk()["kid"]},
        )

    return make


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_tampered, "invalid_token"),
        (_foreign_signed, "invalid_token"),
        (_unsigned, "invalid_token"),
        (_simulator_token(nonce="mot-nonce-khac"), "nonce_mismatch"),
        (_simulator_token(aud="ung-dung-khac"), "invalid_token"),
        (_simulator_token(iss="https://gia-mao.example/vneid"), "invalid_token"),
        (_simulator_token(exp=int(time.time()) - 61), "expired_token"),
        (_simulator_token(national_id="12345"), "protocol"),
    ],
    ids=["tampered", "foreign-key", "alg-none", "nonce", "audience", "issuer", "expired", "bad-national-id"],
)
def test_an_id_token_that_fails_a_check_logs_nobody_in(client, provider, monkeypatch, change, reason):
    exchange = oidc._exchange
    # The real token from the provider, changed on its way back to egov.
    monkeypatch.setattr(oidc, "_exchange", lambda flow, code: change(exchange(flow, code)))

    response = _log_in(client)

    assert response.status_code == 400
    assert "could not be verified" in response.content.decode()
    assert logged_in_id(client) is None
    assert not User.objects.exists()
    assert _failures() == [reason]


def test_an_id_token_expired_within_the_leeway_is_accepted(client, provider, monkeypatch):
    exchange = oidc._exchange
    change = _simulator_token(exp=int(time.time()) - 30)
    monkeypatch.setattr(oidc, "_exchange", lambda flow, code: change(exchange(flow, code)))

    _log_in(client)

    assert logged_in_id(client) is not None


def test_provider_down_shows_a_clear_page(client, settings):
    settings.EGOV_OIDC_ISSUER = "http://127.0.0.1:9/vneid"  # nothing listens on the discard port
    settings.EGOV_INTEGRATION_TIMEOUT = 2

    response = client.get(START)

    assert response.status_code == 502
    assert "VNeID cannot be reached at the moment." in response.content.decode()
    assert oidc.SESSION_KEY not in client.session
    assert _failures() == ["provider_unavailable"]


def test_discovery_of_another_issuer_is_refused(client, provider, settings):
    # The simulator names itself after SITE_URL; egov expects the configured issuer exactly.
    settings.EGOV_OIDC_ISSUER = f"{settings.SITE_URL}/mo-phong/vneid"
    settings.SITE_URL = "http://127.0.0.1:8000"

    response = client.get(START)

    assert response.status_code == 400
    assert _failures() == ["protocol"]


def test_a_deactivated_account_cannot_log_in_with_vneid(client, provider):
    _log_in(client)
    client.post(reverse("accounts:logout"))
    User.objects.filter(national_id=AN).update(is_active=False)

    response = _log_in(client)

    assert response.status_code == 403
    assert logged_in_id(client) is None
    assert _failures() == ["inactive"]


def test_unsafe_next_is_ignored(client, provider):
    response = _log_in(client, next_url="https://evil.example/")

    assert response.url == reverse("portal:home")
