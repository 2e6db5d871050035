"""A citizen registers with an e-mail or mobile number and a one-time code (issue 5, item 1)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from egov.accounts.citizen_services import purge_stale_registrations
from egov.accounts.models import OneTimeCode, PendingRegistration, User
from egov.accounts.tests.helpers import logged_in_id
from egov.core.models import AuditEntry
from egov.integrations.models import SimulatedSms

NEW_PASSWORD = "Lua-chin-vang-2026"
REGISTER = reverse("accounts:citizen_register")
CONFIRM = reverse("accounts:citizen_register_confirm")
RESEND = reverse("accounts:citizen_register_resend")


def _form(**changes: str) -> dict[str, str]:
    data = {
        "full_name": "Lò Văn Páo",
        "national_id": "019092007788",
        "email": "lovanpao@example.com",
        "phone": "",
        "channel": "",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    return data | changes


def _code_in(text: object) -> str:
    match = re.search(r"\b([0-9]{6})\b", str(text))
    assert match, text
    return match.group(1)


def _citizen_actions() -> list[tuple[str, object]]:
    return [
        (e.action, e.after) for e in AuditEntry.objects.order_by("seq") if e.action.startswith("citizen.")
    ]


def test_registration_page_has_labelled_fields_and_the_vneid_way(client, db):
    html = client.get(REGISTER).content.decode()

    for name in ("full_name", "national_id", "email", "phone", "password1", "password2"):
        assert f'<label for="id_{name}">' in html
    assert 'autocomplete="new-password"' in html
    assert f'href="{reverse("accounts:citizen_vneid")}"' in html
    assert "Log in with VNeID" in html


def test_register_by_email_then_confirm_logs_the_citizen_in(client, db):
    response = client.post(REGISTER, _form())

    assert response.status_code == 302
    assert response.url == CONFIRM
    assert logged_in_id(client) is None
    assert not User.objects.filter(national_id="019092007788").exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lovanpao@example.com"]
    assert message.subject == "Your egov registration code"
    code = _code_in(message.body)
    stored = OneTimeCode.objects.get()
    assert code not in stored.code_hash
    page = client.get(CONFIRM).content.decode()
    assert "l***@example.com" in page
    assert 'autocomplete="one-time-code"' in page

    response = client.post(CONFIRM, {"code": code})

    assert response.status_code == 302
    assert response.url == reverse("accounts:citizen_profile")
    user = User.objects.get(national_id="019092007788")
    assert logged_in_id(client) == str(user.pk)
    assert (user.kind, user.username, user.full_name, user.email, user.is_staff) == (
        User.Kind.CITIZEN,
        "019092007788",
        "Lò Văn Páo",
        "lovanpao@example.com",
        False,
    )
    assert user.check_password(NEW_PASSWORD)
    pending = PendingRegistration.objects.get()
    assert (pending.user, pending.password_hash) == (user, "")
    assert _citizen_actions() == [
        ("citizen.code_sent", {"channel": "email", "to": "l***@example.com", "purpose": "registration"}),
        ("citizen.registered", {"via": "code", "verified": "email"}),
    ]
    # The code was for one use only.
    client.post(reverse("accounts:logout"))
    assert client.post(CONFIRM, {"code": code}).url == REGISTER


@pytest.mark.django_db(transaction=True)
def test_register_by_phone_sends_an_sms_through_the_gateway(client, live_server, settings):
    settings.EGOV_SMS_URL = f"{live_server.url}/mo-phong/sms/"
    # The first request to the live server loads every URL module: give it time.
    settings.EGOV_INTEGRATION_TIMEOUT = 30

    response = client.post(REGISTER, _form(email="", phone="+84 912 000 111"))

    assert response.url == CONFIRM
    sms = SimulatedSms.objects.get()
    assert sms.phone == "0912000111"
    assert mail.outbox == []
    assert "******0111" in client.get(CONFIRM).content.decode()

    client.post(CONFIRM, {"code": _code_in(sms.text)})

    user = User.objects.get(national_id="019092007788")
    assert (user.phone, user.email, user.kind) == ("0912000111", "", User.Kind.CITIZEN)
    assert logged_in_id(client) == str(user.pk)


def test_with_both_contacts_the_citizen_chooses_where_the_code_goes(client, db):
    response = client.post(REGISTER, _form(phone="0912000111"))

    assert response.status_code == 200
    assert response.context["form"].errors["channel"] == ["Choose where to send the code."]

    response = client.post(REGISTER, _form(phone="0912000111", channel="email"))

    assert response.url == CONFIRM
    assert len(mail.outbox) == 1


def test_a_contact_is_required(client, db):
    response = client.post(REGISTER, _form(email="", phone=""))

    assert response.context["form"].non_field_errors() == [
        "Give an e-mail address or a mobile number (or both)."
    ]
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("national_id", "error"),
    [
        ("01909000123", "A personal identification number has exactly 12 digits."),
        ("099090001234", "The first three digits (099) are not the code of a province"),
    ],
)
def test_malformed_identification_numbers_are_refused(client, db, national_id, error):
    response = client.post(REGISTER, _form(national_id=national_id))

    assert response.context["form"].errors["national_id"][0].startswith(error)


def test_weak_or_mismatched_passwords_are_refused(client, db):
    weak = client.post(REGISTER, _form(password1="1234567890", password2="1234567890"))
    differ = client.post(REGISTER, _form(password2="Something-else-2026"))

    assert "This password is entirely numeric." in weak.context["form"].errors["password1"]
    assert differ.context["form"].errors["password2"] == ["The two passwords differ."]


def test_an_identification_number_with_an_account_is_refused(client, citizen):
    response = client.post(REGISTER, _form(national_id=citizen.national_id))

    assert response.status_code == 200
    assert response.context["form"].errors["national_id"] == [
        "This identification number already has an account; log in or reset your password."
    ]
    assert mail.outbox == []
    assert not PendingRegistration.objects.exists()


def test_an_email_with_an_account_is_refused(client, citizen):
    User.objects.filter(pk=citizen.pk).update(email="lovanpao@example.com")

    response = client.post(REGISTER, _form(email="LoVanPao@Example.com"))

    assert response.context["form"].errors["email"] == [
        "This e-mail address already belongs to an account; log in or reset your password."
    ]


def test_an_account_made_meanwhile_wins_over_the_pending_registration(client, db):
    client.post(REGISTER, _form())
    User.objects.create_user(username="someone", national_id="019092007788", kind=User.Kind.CITIZEN)

    response = client.post(CONFIRM, {"code": _code_in(mail.outbox[0].body)})

    assert response.url == reverse("accounts:login")
    assert logged_in_id(client) is None
    assert User.objects.filter(national_id="019092007788").count() == 1


def test_five_wrong_codes_block_the_registration(client, db):
    client.post(REGISTER, _form())
    code = _code_in(mail.outbox[0].body)
    wrong = "000000" if code != "000000" else "111111"

    answers = [client.post(CONFIRM, {"code": wrong}) for _ in range(4)]
    last = client.post(CONFIRM, {"code": wrong})

    assert answers[0].context["form"].errors["code"] == ["The code is incorrect. 4 attempts left."]
    assert answers[3].context["form"].errors["code"] == ["The code is incorrect. 1 attempts left."]
    assert last.status_code == 302
    assert last.url == REGISTER
    assert OneTimeCode.objects.get().attempts == 5
    # Even the right code no longer opens it, from this session or by resending.
    assert client.post(CONFIRM, {"code": code}).url == REGISTER
    assert not User.objects.filter(national_id="019092007788").exists()
    assert [action for action, _after in _citizen_actions()].count("citizen.code_failed") == 5


def test_expired_code_is_refused(client, db, clock):
    client.post(REGISTER, _form())
    code = _code_in(mail.outbox[0].body)
    clock.shift(timedelta(minutes=10, seconds=1))

    response = client.post(CONFIRM, {"code": code})

    assert response.context["form"].errors["code"] == ["This code has expired. Ask for a new one."]
    assert not User.objects.filter(national_id="019092007788").exists()


def test_resend_waits_a_minute_and_replaces_the_code(client, db, clock):
    client.post(REGISTER, _form())
    first = _code_in(mail.outbox[0].body)

    too_soon = client.post(RESEND, follow=True)

    assert [str(m) for m in too_soon.context["messages"]] == ["You can ask for a new code in 61 seconds."]
    assert len(mail.outbox) == 1

    clock.shift(timedelta(seconds=61))
    client.post(RESEND)

    assert len(mail.outbox) == 2
    second = _code_in(mail.outbox[1].body)
    if first != second:
        assert client.post(CONFIRM, {"code": first}).status_code == 200
    client.post(CONFIRM, {"code": second})
    assert User.objects.filter(national_id="019092007788", kind=User.Kind.CITIZEN).exists()


def test_a_new_registration_to_the_same_contact_waits_a_minute(client, db, clock):
    client.post(REGISTER, _form())

    response = client.post(REGISTER, _form(national_id="019092007799"))

    assert response.context["form"].non_field_errors() == [
        "A code was sent there less than a minute ago. Try again in 61 seconds."
    ]
    assert len(mail.outbox) == 1


def test_gateway_failure_is_reported_and_does_not_hold_back_a_retry(client, db, settings):
    settings.EGOV_SMS_URL = "http://127.0.0.1:9/sms/"  # nothing listens on the discard port
    settings.EGOV_INTEGRATION_TIMEOUT = 2

    response = client.post(REGISTER, _form(email="", phone="0912000111"))

    assert response.context["form"].non_field_errors() == [
        "We could not send the code just now. Please try again in a few minutes."
    ]
    assert OneTimeCode.objects.get().sent_at is None
    assert [action for action, _after in _citizen_actions()] == ["citizen.code_not_sent"]


def test_confirmation_page_without_a_registration_starts_again(client, db):
    response = client.get(CONFIRM)

    assert response.url == REGISTER


def test_unconfirmed_registrations_are_purged_after_a_day(client, db, clock):
    client.post(REGISTER, _form())
    client.post(REGISTER, _form(national_id="019092007799", email="khac@example.com"))
    client.post(CONFIRM, {"code": _code_in(mail.outbox[1].body)})
    clock.shift(timedelta(days=1, seconds=1))

    assert purge_stale_registrations() == 1

    assert PendingRegistration.objects.get().user.national_id == "019092007799"
    assert OneTimeCode.objects.count() == 1
    assert [action for action, _after in _citizen_actions()][-1] == "citizen.registrations_purged"
