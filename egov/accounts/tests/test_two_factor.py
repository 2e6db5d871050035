from datetime import timedelta

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.tests.helpers import (
    actions,
    code_for,
    error_messages,
    failures,
    logged_in_id,
    make_device,
    make_user,
    post_login,
)

VERIFY_URL = reverse("accounts:login_verify")
ENROL_URL = reverse("accounts:login_enrol")


def _is_verified(client) -> bool:
    return bool(client.get(reverse("portal:home")).wsgi_request.user.is_verified())


# --- Administrators without a device: forced enrolment ------------------------------------------


def test_admin_without_device_is_sent_to_enrolment_and_not_logged_in(client, admin_user, clock):
    response = post_login(client, "quantri")

    assert response.status_code == 302
    assert response.url == ENROL_URL
    assert logged_in_id(client) is None


def test_enrolment_page_shows_qr_code_and_secret(client, admin_user, clock):
    post_login(client, "quantri")

    response = client.get(ENROL_URL)

    html = response.content.decode()
    device = TOTPDevice.objects.get(user=admin_user)
    assert device.confirmed is False
    assert "<svg" in html
    assert response.context["secret"].replace(" ", "") in device.config_url
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html


def test_enrolment_with_the_right_code_confirms_the_device_and_logs_in(client, admin_user, clock):
    post_login(client, "quantri", next="/quan-tri/")
    client.get(ENROL_URL)
    device = TOTPDevice.objects.get(user=admin_user)

    response = client.post(ENROL_URL, {"code": code_for(device)})

    assert response.status_code == 302
    assert response.url == "/quan-tri/"
    assert logged_in_id(client) == str(admin_user.pk)
    assert _is_verified(client) is True
    device.refresh_from_db()
    assert device.confirmed is True
    assert actions(admin_user)[-2:] == [
        ("auth.2fa_enabled", {"device": device.pk}),
        ("auth.login", {"two_factor": True}),
    ]


def test_enrolment_with_a_wrong_code_fails_and_counts(client, admin_user, clock):
    post_login(client, "quantri")
    client.get(ENROL_URL)
    device = TOTPDevice.objects.get(user=admin_user)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = client.post(ENROL_URL, {"code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["The code is incorrect."]}
    assert logged_in_id(client) is None
    device.refresh_from_db()
    assert device.confirmed is False
    assert failures("quantri") == 1


def test_admin_cannot_skip_enrolment_by_going_to_the_code_page(client, admin_user, clock):
    post_login(client, "quantri")

    response = client.get(VERIFY_URL)

    assert response.url == ENROL_URL


# --- Users with a device: the code step ---------------------------------------------------------


def test_admin_with_device_must_give_the_code(client, admin_user, clock):
    device = make_device(admin_user)

    response = post_login(client, "quantri")

    assert response.url == VERIFY_URL
    assert logged_in_id(client) is None
    response = client.post(VERIFY_URL, {"code": code_for(device)})
    assert response.url == reverse("dashboard:home")
    assert logged_in_id(client) == str(admin_user.pk)
    assert _is_verified(client) is True


def test_wrong_code_fails_and_counts_towards_the_lockout(client, admin_user, clock):
    device = make_device(admin_user)
    post_login(client, "quantri")

    response = client.post(VERIFY_URL, {"code": f"{(int(code_for(device)) + 1) % 1_000_000:06d}"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["The code is incorrect."]}
    assert logged_in_id(client) is None
    assert failures("quantri") == 1
    assert actions(admin_user)[-1] == ("auth.login_failed", {"reason": "otp"})


def test_code_that_is_not_six_digits_is_rejected_by_the_form(client, admin_user, clock):
    make_device(admin_user)
    post_login(client, "quantri")

    response = client.post(VERIFY_URL, {"code": "12ab56"})

    assert response.context["form"].errors == {"code": ["Enter the 6 digits shown in your app."]}
    assert failures("quantri") == 0


def test_code_typed_with_a_space_is_accepted(client, admin_user, clock):
    device = make_device(admin_user)
    post_login(client, "quantri")
    code = code_for(device)

    response = client.post(VERIFY_URL, {"code": f"{code[:3]} {code[3:]}"})

    assert response.url == reverse("dashboard:home")


def test_right_code_right_after_a_wrong_one_is_held_back_not_counted(client, admin_user, clock):
    device = make_device(admin_user)
    post_login(client, "quantri")
    client.post(VERIFY_URL, {"code": f"{(int(code_for(device)) + 1) % 1_000_000:06d}"})

    response = client.post(VERIFY_URL, {"code": code_for(device)})

    assert response.context["form"].errors == {
        "code": ["Too many wrong codes in a row. Wait a few seconds and try again."]
    }
    clock.shift(timedelta(seconds=2))
    response = client.post(VERIFY_URL, {"code": code_for(device)})
    assert response.url == reverse("dashboard:home")
    # The wrong code was counted, and the login that followed cleared it.
    assert failures("quantri") == 0


def test_five_wrong_codes_lock_the_name_from_that_address(client, admin_user, clock, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only our lockout is under test here
    device = make_device(admin_user)
    post_login(client, "quantri")
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    for _ in range(4):
        client.post(VERIFY_URL, {"code": wrong})

    response = client.post(VERIFY_URL, {"code": wrong}, follow=True)

    assert response.redirect_chain == [(reverse("accounts:login"), 302)]
    assert error_messages(response) == [
        "Too many failed login attempts from this device. "
        "Try again after 02/03/2026 08:15 or reset your password."
    ]
    assert actions(admin_user)[-1] == (
        "auth.locked",
        {
            "locked_until": "2026-03-02T01:15:00Z",
            "name": "quantri",
        },
    )
    assert post_login(client, "quantri").status_code == 429
    # The half-done login is gone: the right code no longer helps.
    assert client.post(VERIFY_URL, {"code": code_for(device)}).url == reverse("accounts:login")
    assert logged_in_id(client) is None


def test_non_admin_with_device_must_give_the_code(client, desk_officer, clock):
    device = make_device(desk_officer)

    assert post_login(client, "motcua").url == VERIFY_URL
    assert client.post(VERIFY_URL, {"code": code_for(device)}).url == reverse("dashboard:home")


def test_non_admin_without_device_logs_in_directly(client, desk_officer, clock):
    make_device(desk_officer, confirmed=False)  # a half-finished enrolment does not count

    response = post_login(client, "motcua")

    assert response.url == reverse("dashboard:home")
    assert logged_in_id(client) == str(desk_officer.pk)
    assert _is_verified(client) is False


def test_superuser_without_staff_flag_must_also_enrol(client, db, clock):
    make_user("sieuquantri", is_superuser=True)

    assert post_login(client, "sieuquantri").url == ENROL_URL


# --- The half-done login ------------------------------------------------------------------------


def test_code_page_without_password_step_goes_back_to_login(client, db):
    response = client.get(VERIFY_URL, follow=True)

    assert response.redirect_chain == [(reverse("accounts:login"), 302)]
    assert error_messages(response) == ["Your login has expired. Please log in again."]


def test_half_done_login_expires_after_five_minutes(client, admin_user, clock):
    device = make_device(admin_user)
    post_login(client, "quantri")
    clock.shift(timedelta(minutes=5, seconds=1))

    response = client.post(VERIFY_URL, {"code": code_for(device)})

    assert response.url == reverse("accounts:login")
    assert logged_in_id(client) is None


def test_half_done_login_keeps_the_next_url(client, admin_user, clock):
    device = make_device(admin_user)
    post_login(client, "quantri", next="/quan-tri/accounts/user/")

    response = client.post(VERIFY_URL, {"code": code_for(device)})

    assert response.url == "/quan-tri/accounts/user/"
