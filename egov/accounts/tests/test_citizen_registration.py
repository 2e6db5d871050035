"""A citizen registers with a password and a code sent to the mobile the population database holds.

Issue 5, item 1; issue 11, item 17: nobody can claim someone else's identification number (the
code goes only to the holder's mobile), and the form tells nobody whether a number or an e-mail
already has an account. The population database and the SMS gateway are egov's simulators,
served by the live test server and spoken to over HTTP.
"""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from egov.accounts.citizen_services import purge_stale_registrations
from egov.accounts.models import OneTimeCode, PendingRegistration, User
from egov.accounts.tests.helpers import logged_in_id, make_user
from egov.core.models import AuditEntry
from egov.integrations.models import SimulatedSms

NEW_PASSWORD = "Lua-chin-vang-2026"
REGISTER = reverse("accounts:citizen_register")
CONFIRM = reverse("accounts:citizen_register_confirm")
RESEND = reverse("accounts:citizen_register_resend")
# People of the population-database simulator (egov.integrations.simulated_citizens).
AN, AN_MOBILE = "019090001234", "0912345678"
BINH, BINH_MOBILE = "019195004567", "0987654321"
MAI_WITHOUT_MOBILE = "006305001122"
NOBODY = "019092007788"  # well-formed, but nobody in the database holds it


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def simulators(live_server, settings) -> None:
    base = f"{live_server.url}/mo-phong"
    settings.EGOV_POPULATION_URL = f"{base}/dan-cu/"
    settings.EGOV_SMS_URL = f"{base}/sms/"
    # The first request to the live server loads every URL module: give it time.
    settings.EGOV_INTEGRATION_TIMEOUT = 30


pytestmark = pytest.mark.django_db(transaction=True)


def _form(**changes: str) -> dict[str, str]:
    data = {
        "full_name": "Nguyễn Văn An",
        "national_id": AN,
        "email": "nguyenvanan@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    return data | changes


def _code_in(text: object) -> str:
    match = re.search(r"\b([0-9]{6})\b", str(text))
    assert match, text
    return match.group(1)


def _sms_to(phone: str) -> list[str]:
    return list(SimulatedSms.objects.filter(phone=phone).order_by("pk").values_list("text", flat=True))


def _citizen_actions() -> list[tuple[str, object]]:
    return [(e.action, e.after) for e in AuditEntry.objects.order_by("id") if e.action.startswith("citizen.")]


def _confirm_page(client: Client) -> str:
    text = client.get(CONFIRM).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def test_registration_page_asks_no_contact_to_send_the_code_to(client):
    html = client.get(REGISTER).content.decode()

    for name in ("full_name", "national_id", "email", "password1", "password2"):
        assert f'<label for="id_{name}">' in html
    assert 'name="phone"' not in html
    assert 'name="channel"' not in html
    assert 'autocomplete="new-password"' in html
    assert f'href="{reverse("accounts:citizen_vneid")}"' in html


def test_the_code_goes_to_the_mobile_the_population_database_holds(client, simulators):
    response = client.post(REGISTER, _form())

    assert response.status_code == 302
    assert response.url == CONFIRM
    assert logged_in_id(client) is None
    [text] = _sms_to(AN_MOBILE)
    code = _code_in(text)
    assert code not in OneTimeCode.objects.get().code_hash
    assert 'autocomplete="one-time-code"' in _confirm_page(client)

    response = client.post(CONFIRM, {"code": code})

    assert response.url == reverse("accounts:citizen_profile")
    user = User.objects.get(national_id=AN)
    assert logged_in_id(client) == str(user.pk)
    assert (user.kind, user.username, user.full_name, user.email, user.phone) == (
        User.Kind.CITIZEN,
        AN,
        "Nguyễn Văn An",
        "nguyenvanan@example.com",
        AN_MOBILE,
    )
    assert user.check_password(NEW_PASSWORD)
    assert (PendingRegistration.objects.get().password_hash, user.is_staff) == ("", False)
    assert _citizen_actions() == [
        (
            "citizen.code_sent",
            {"channel": "sms", "to": "******5678", "purpose": "registration", "content": "code"},
        ),
        ("citizen.registered", {"via": "code", "verified": "sms"}),
    ]
    population = AuditEntry.objects.get(action="population.lookup")
    assert (population.object_id, population.after["outcome"]) == (AN, "found")
    # The code was for one use only.
    client.post(reverse("accounts:logout"))
    assert client.post(CONFIRM, {"code": code}).url == REGISTER


def test_nobody_can_claim_someone_elses_identification_number(client, simulators):
    """Bình types An's number with her own e-mail: the code goes to An's mobile, not to her."""
    client.post(REGISTER, _form(full_name="Trần Thị Bình", email="binh@example.com"))

    assert len(_sms_to(AN_MOBILE)) == 1
    assert _sms_to(BINH_MOBILE) == []
    guesses = [client.post(CONFIRM, {"code": f"{n:06d}"}) for n in range(5)]

    assert guesses[-1].url == REGISTER
    assert not User.objects.filter(national_id=AN).exists()


def test_a_number_with_an_account_gets_the_same_answer_and_its_holder_a_notice(client, simulators):
    make_user("an", kind=User.Kind.CITIZEN, national_id=AN)
    fresh = Client(headers={"accept-language": "en"})

    taken = client.post(REGISTER, _form())
    new = fresh.post(REGISTER, _form(national_id=BINH, full_name="Trần Thị Bình", email=""))

    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"]) == (302, CONFIRM)
    assert _confirm_page(client).replace(AN, "N") == _confirm_page(fresh).replace(BINH, "N")
    [notice] = _sms_to(AN_MOBILE)
    assert "already has one" in notice
    assert not re.search(r"\b[0-9]{6}\b", notice)
    # No code exists that would open it.
    assert (
        client.post(CONFIRM, {"code": "123456"})
        .context["form"]
        .errors["code"][0]
        .startswith("The code is incorrect.")
    )
    assert User.objects.filter(national_id=AN).count() == 1


@pytest.mark.parametrize("national_id", [MAI_WITHOUT_MOBILE, NOBODY])
def test_a_number_without_a_mobile_gets_the_same_answer_and_no_sms(client, simulators, national_id):
    reference = Client(headers={"accept-language": "en"})
    reference.post(REGISTER, _form(national_id=BINH, email=""))

    response = client.post(REGISTER, _form(national_id=national_id, email=""))

    assert (response.status_code, response.url) == (302, CONFIRM)
    assert _confirm_page(client).replace(national_id, "N") == _confirm_page(reference).replace(BINH, "N")
    assert SimulatedSms.objects.count() == 1  # Bình's
    assert client.post(RESEND, follow=True).redirect_chain[-1][0] == CONFIRM
    assert SimulatedSms.objects.count() == 1
    assert not User.objects.filter(national_id=national_id).exists()


def test_an_email_with_an_account_is_only_left_out_after_the_code(client, simulators):
    make_user("someone", email="nguyenvanan@example.com")

    response = client.post(REGISTER, _form(email="NguyenVanAn@Example.com"))

    assert response.url == CONFIRM
    confirmed = client.post(CONFIRM, {"code": _code_in(_sms_to(AN_MOBILE)[0])}, follow=True)
    user = User.objects.get(national_id=AN)
    assert user.email == ""
    assert any("was not added: another account uses it" in str(m) for m in confirmed.context["messages"])


@override_settings(EGOV_REGISTRATION_LIMIT_PER_HOUR=2)
def test_registrations_are_throttled_per_address(client, simulators):
    client.post(REGISTER, _form(national_id=NOBODY))
    client.post(REGISTER, _form(national_id=MAI_WITHOUT_MOBILE))

    refused = client.post(REGISTER, _form())
    elsewhere = Client(headers={"accept-language": "en"}, REMOTE_ADDR="203.0.113.9").post(REGISTER, _form())

    assert refused.status_code == 429
    assert (
        refused.context["form"].non_field_errors()[0].startswith("Too many registrations from this device.")
    )
    assert elsewhere["Location"] == CONFIRM
    assert len(_sms_to(AN_MOBILE)) == 1


def test_the_holders_mobile_gets_a_handful_of_codes_a_day_at_most(client, simulators, clock):
    for _ in range(6):
        Client(headers={"accept-language": "en"}).post(REGISTER, _form())
        clock.shift(timedelta(seconds=61))

    response = client.post(REGISTER, _form())

    assert response.context["form"].non_field_errors() == [
        "Too many codes were sent for this number today. Try tomorrow, or log in with VNeID."
    ]
    assert len(_sms_to(AN_MOBILE)) == 6


def test_unreachable_population_database_is_said_plainly(client, settings):
    settings.EGOV_POPULATION_URL = "http://127.0.0.1:9/dan-cu/"  # nothing listens on the discard port
    settings.EGOV_INTEGRATION_TIMEOUT = 2

    response = client.post(REGISTER, _form())

    assert response.status_code == 503
    assert (
        response.context["form"]
        .non_field_errors()[0]
        .startswith("The national population database cannot be reached just now")
    )
    assert not PendingRegistration.objects.exists()


@pytest.mark.parametrize(
    ("national_id", "error"),
    [
        ("01909000123", "A personal identification number has exactly 12 digits."),
        ("099090001234", "The first three digits (099) are not the code of a province"),
    ],
)
def test_malformed_identification_numbers_are_refused(client, national_id, error):
    response = client.post(REGISTER, _form(national_id=national_id))

    assert response.context["form"].errors["national_id"][0].startswith(error)


def test_weak_or_mismatched_passwords_are_refused(client):
    weak = client.post(REGISTER, _form(password1="1234567890", password2="1234567890"))
    differ = client.post(REGISTER, _form(password2="Something-else-2026"))

    assert "This password is entirely numeric." in weak.context["form"].errors["password1"]
    assert differ.context["form"].errors["password2"] == ["The two passwords differ."]


def test_an_account_made_meanwhile_wins_over_the_pending_registration(client, simulators):
    client.post(REGISTER, _form())
    User.objects.create_user(username="someone", national_id=AN, kind=User.Kind.CITIZEN)

    response = client.post(CONFIRM, {"code": _code_in(_sms_to(AN_MOBILE)[0])})

    assert response.url == reverse("accounts:login")
    assert logged_in_id(client) is None
    assert User.objects.filter(national_id=AN).count() == 1


def test_five_wrong_codes_block_the_registration(client, simulators):
    client.post(REGISTER, _form())
    code = _code_in(_sms_to(AN_MOBILE)[0])
    wrong = "000000" if code != "000000" else "111111"

    answers = [client.post(CONFIRM, {"code": wrong}) for _ in range(4)]
    last = client.post(CONFIRM, {"code": wrong})

    assert answers[0].context["form"].errors["code"] == ["The code is incorrect. 4 attempts left."]
    assert answers[3].context["form"].errors["code"] == ["The code is incorrect. 1 attempts left."]
    assert last.url == REGISTER
    assert OneTimeCode.objects.get().attempts == 5
    # Even the right code no longer opens it, from this session or by resending.
    assert client.post(CONFIRM, {"code": code}).url == REGISTER
    assert not User.objects.filter(national_id=AN).exists()
    assert [action for action, _after in _citizen_actions()].count("citizen.code_failed") == 5


def test_expired_code_is_refused(client, simulators, clock):
    client.post(REGISTER, _form())
    code = _code_in(_sms_to(AN_MOBILE)[0])
    clock.shift(timedelta(minutes=10, seconds=1))

    response = client.post(CONFIRM, {"code": code})

    assert response.context["form"].errors["code"] == ["This code has expired. Ask for a new one."]
    assert not User.objects.filter(national_id=AN).exists()


def test_resend_waits_a_minute_and_replaces_the_code(client, simulators, clock):
    client.post(REGISTER, _form())
    first = _code_in(_sms_to(AN_MOBILE)[0])

    too_soon = client.post(RESEND, follow=True)

    assert [str(m) for m in too_soon.context["messages"]] == ["You can ask for a new code in 61 seconds."]
    assert len(_sms_to(AN_MOBILE)) == 1

    clock.shift(timedelta(seconds=61))
    client.post(RESEND)

    second = _code_in(_sms_to(AN_MOBILE)[1])
    if first != second:
        assert client.post(CONFIRM, {"code": first}).status_code == 200
    client.post(CONFIRM, {"code": second})
    assert User.objects.filter(national_id=AN, kind=User.Kind.CITIZEN).exists()


def test_a_new_registration_for_the_same_number_waits_a_minute(client, simulators, clock):
    client.post(REGISTER, _form())

    response = client.post(REGISTER, _form(email="khac@example.com"))

    assert response.context["form"].non_field_errors() == [
        "A code was sent there less than a minute ago. Try again in 61 seconds."
    ]
    assert len(_sms_to(AN_MOBILE)) == 1


def test_gateway_failure_is_reported_and_does_not_hold_back_a_retry(client, simulators, settings):
    settings.EGOV_SMS_URL = "http://127.0.0.1:9/sms/"  # nothing listens on the discard port
    settings.EGOV_INTEGRATION_TIMEOUT = 2

    response = client.post(REGISTER, _form())

    assert response.context["form"].non_field_errors() == [
        "We could not send the code just now. Please try again in a few minutes."
    ]
    assert OneTimeCode.objects.get().sent_at is None
    assert [action for action, _after in _citizen_actions()] == ["citizen.code_not_sent"]


def test_confirmation_page_without_a_registration_starts_again(client):
    response = client.get(CONFIRM)

    assert response.url == REGISTER


def test_unconfirmed_registrations_are_purged_after_a_day(client, simulators, clock):
    client.post(REGISTER, _form())
    Client(headers={"accept-language": "en"}).post(REGISTER, _form(national_id=BINH, email=""))
    client.post(CONFIRM, {"code": _code_in(_sms_to(AN_MOBILE)[0])})
    clock.shift(timedelta(days=1, seconds=1))

    assert purge_stale_registrations() == 1

    assert PendingRegistration.objects.get().user.national_id == AN
    assert OneTimeCode.objects.count() == 1
    assert [action for action, _after in _citizen_actions()][-1] == "citizen.registrations_purged"
