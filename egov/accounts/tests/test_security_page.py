from datetime import timedelta

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.tests.helpers import (
    actions,
    code_for,
    error_messages,
    failures,
    force_verified_login,
    make_device,
    post_login,
)

SECURITY_URL = reverse("accounts:security")
DISABLE_URL = reverse("accounts:security_disable")


def test_security_page_needs_login(client, db):
    response = client.get(SECURITY_URL)

    assert response.url == f"{reverse('accounts:login')}?next={SECURITY_URL}"


def test_staff_enrols_voluntarily_and_then_needs_the_code(client, desk_officer, clock):
    client.force_login(desk_officer)
    page = client.get(SECURITY_URL)
    device = TOTPDevice.objects.get(user=desk_officer, confirmed=False)
    assert "<svg" in page.content.decode()

    response = client.post(SECURITY_URL, {"code": code_for(device)}, follow=True)

    assert error_messages(response) == ["Two-step login is now on for your account."]
    assert response.wsgi_request.user.is_verified() is True
    device.refresh_from_db()
    assert device.confirmed is True
    assert actions(desk_officer)[-1] == ("auth.2fa_enabled", {"device": device.pk})
    client.post(reverse("accounts:logout"))
    clock.shift(timedelta(seconds=60))  # a code is accepted only once
    assert post_login(client, "motcua").url == reverse("accounts:login_verify")


def test_voluntary_enrolment_with_a_wrong_code_keeps_it_off(client, desk_officer, clock):
    client.force_login(desk_officer)
    client.get(SECURITY_URL)
    device = TOTPDevice.objects.get(user=desk_officer)

    response = client.post(SECURITY_URL, {"code": f"{(int(code_for(device)) + 1) % 1_000_000:06d}"})

    assert response.context["form"].errors == {"code": ["The code is incorrect."]}
    device.refresh_from_db()
    assert device.confirmed is False
    assert failures("motcua") == 0


def test_staff_disables_two_factor_with_the_password(client, desk_officer):
    force_verified_login(client, desk_officer, make_device(desk_officer))

    response = client.post(DISABLE_URL, {"password": "Mat-khau-dai-123"}, follow=True)

    assert error_messages(response) == ["Two-step login is now off for your account."]
    assert TOTPDevice.objects.filter(user=desk_officer, confirmed=True).count() == 0
    assert actions(desk_officer)[-1] == ("auth.2fa_disabled", None)


def test_wrong_password_keeps_two_factor_on(client, desk_officer):
    force_verified_login(client, desk_officer, make_device(desk_officer))

    response = client.post(DISABLE_URL, {"password": "sai-mat-khau"}, follow=True)

    assert error_messages(response) == ["The password is incorrect; two-step login is still on."]
    assert TOTPDevice.objects.filter(user=desk_officer, confirmed=True).count() == 1


def test_administrator_cannot_switch_two_factor_off(client, admin_user):
    force_verified_login(client, admin_user, make_device(admin_user))

    page = client.get(SECURITY_URL)
    response = client.post(DISABLE_URL, {"password": "Mat-khau-dai-123"}, follow=True)

    assert DISABLE_URL not in page.content.decode()
    assert error_messages(response) == ["Administrators must use two-step login."]
    assert TOTPDevice.objects.filter(user=admin_user, confirmed=True).count() == 1


def test_disable_is_post_only(client, desk_officer):
    client.force_login(desk_officer)

    assert client.get(DISABLE_URL).status_code == 405
