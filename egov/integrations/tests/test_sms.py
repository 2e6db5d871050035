"""SMS adapter against its simulator, over real HTTP, and the demo inbox."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from egov.integrations.errors import IntegrationRejected, IntegrationUnavailable
from egov.integrations.models import SimulatedSms, SimulatorSwitch
from egov.integrations.sms import MAX_TEXT_LENGTH, normalise_phone, send_sms, sms_status

live = pytest.mark.django_db(transaction=True)
NOTICE = "UBND xã Đồng Hỷ: hồ sơ 000.00.32.H56-250701-0001 đã có kết quả, mời ông/bà đến nhận."


@live
def test_sms_is_sent_and_shown_in_the_inbox(simulators, staff_client, settings):
    settings.EGOV_SMS_SENDER = "UBND-TN"

    receipt = send_sms("+84 912 345 678", NOTICE)

    assert receipt.status == "delivered"
    assert sms_status(receipt.message_id) == "delivered"
    stored = SimulatedSms.objects.get()
    assert (stored.phone, stored.text, stored.sender) == ("0912345678", NOTICE, "UBND-TN")
    page = staff_client.get("/mo-phong/sms/")
    assert page.status_code == 200
    assert NOTICE in page.content.decode()


@live
def test_number_ending_0000_fails(simulators):
    receipt = send_sms("0388880000", NOTICE)

    assert receipt.status == "failed"
    assert sms_status(receipt.message_id) == "failed"


@live
def test_612_characters_with_diacritics_go(simulators):
    assert send_sms("0987654321", "ệ" * MAX_TEXT_LENGTH).status == "delivered"


def test_too_long_text_is_refused_before_any_call(no_http):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        send_sms("0912345678", "a" * (MAX_TEXT_LENGTH + 1))
    assert caught.value.messages == ["An SMS holds at most 612 characters; this one has 613."]


def test_empty_text_is_refused(no_http):
    with pytest.raises(ValidationError):
        send_sms("0912345678", "  ")


@pytest.mark.parametrize("phone", ["0212345678", "091234567", "09123456789", "+8491234567", "1912345678", ""])
def test_non_mobile_numbers_are_refused(no_http, phone):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        send_sms(phone, NOTICE)
    assert "is not a Vietnamese mobile number" in caught.value.messages[0]


@pytest.mark.parametrize(
    ("phone", "normalised"),
    [("0912.345.678", "0912345678"), ("+84388880000", "0388880000"), ("070 123 4567", "0701234567")],
)
def test_numbers_are_normalised(phone, normalised):
    assert normalise_phone(phone) == normalised


@live
def test_unknown_message_is_rejected(simulators):
    with pytest.raises(IntegrationRejected) as caught:
        sms_status("7b0c6a51-0000-4000-8000-000000000000")
    assert caught.value.status == 404


@live
def test_gateway_down_is_unavailable(simulators):
    SimulatorSwitch.objects.create(name=SimulatorSwitch.Name.SMS, failing=True)

    with pytest.raises(IntegrationUnavailable):
        send_sms("0912345678", NOTICE)
    assert not SimulatedSms.objects.exists()


@pytest.mark.django_db
def test_inbox_and_pushes_are_for_administrators_only(client, django_user_model):
    """They list citizens' phone numbers and dossiers: officers and citizens get 404 too."""
    for page in ("/mo-phong/sms/", "/mo-phong/dvcqg/"):
        assert client.get(page).status_code == 404  # not a login page that confirms it exists
    for user in (
        django_user_model.objects.create_user(username="congdan", kind="citizen"),
        django_user_model.objects.create_user(username="motcua", kind="staff"),
    ):
        client.force_login(user)
        for page in ("/mo-phong/sms/", "/mo-phong/dvcqg/"):
            assert client.get(page).status_code == 404


@pytest.mark.django_db
def test_without_the_demo_setting_no_simulator_exists(client, django_user_model, settings):
    settings.EGOV_DEMO = False
    client.force_login(
        django_user_model.objects.create_user(username="quantri2", kind="staff", is_staff=True)
    )
    for method, page in (
        ("get", "/mo-phong/sms/"),
        ("post", "/mo-phong/sms/gui"),
        ("post", "/mo-phong/dan-cu/tra-cuu"),
        ("get", "/mo-phong/vneid/.well-known/openid-configuration"),
        ("get", "/mo-phong/thanh-toan/"),
        ("get", "/mo-phong/dvcqg/"),
    ):
        assert getattr(client, method)(page).status_code == 404, page
