"""Online fee payment through the gateway simulator, over real HTTP (ND 61/2018 Điều 22)."""

import datetime as dt
import hashlib
import hmac
import io
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from egov.core.models import AuditEntry
from egov.dossiers import services
from egov.dossiers.models import Dossier, DossierEvent, Payment, PortalSync
from egov.dossiers.payments import recover_pending_payments
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.integrations import payment_gateway
from egov.integrations.models import SimulatedPayment, SimulatorSwitch
from egov.organization.models import Role
from egov.organization.tests.factories import make_member, make_user

pytestmark = pytest.mark.django_db(transaction=True)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def gateway(live_server, settings) -> str:
    """egov and its gateway simulator both served by the live server, as in the demo."""
    settings.SITE_URL = live_server.url  # the gateway simulator's address follows it
    settings.EGOV_INTEGRATION_TIMEOUT = 30
    return str(live_server.url)


@pytest.fixture
def owner(db):
    return make_user("congdan.an", kind="citizen", full_name="Nguyễn Văn An")


@pytest.fixture
def dossier(province, owner) -> Dossier:
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.dh")
    received = receive(commune_procedure(), province.commune, desk)
    received.citizen = owner
    received.save(update_fields=["citizen"])
    assert received.fee_amount == 8000  # the catalogue's "Lệ phí đăng ký khai sinh"
    return received


def start(client, owner, dossier) -> str:
    """The citizen presses "Thanh toán trực tuyến": the gateway URL egov redirects to."""
    client.force_login(owner)
    response = client.post(reverse("dossiers:pay", args=[dossier.code]))
    assert response.status_code == 302, response.content
    return str(response["Location"])


def choose(gateway_url: str, choice: str = "pay", *, send_callback: bool = True) -> str:
    """The citizen's browser at the gateway: open the page, press a button; the return URL."""
    browser = requests.Session()
    page = browser.get(gateway_url, timeout=30)
    assert page.status_code == 200, page.text
    assert 'data-amount="8000"' in page.text
    form = {
        "csrfmiddlewaretoken": _CSRF.search(page.text).group(1),
        "order_id": re.search(r'name="order_id" value="([^"]+)"', page.text).group(1),
        "lua_chon": choice,
    }
    if not send_callback:
        form["khong_goi_ipn"] = "1"
    answer = browser.post(
        gateway_url.split("?")[0] + "xac-nhan", data=form, allow_redirects=False, timeout=30
    )
    assert answer.status_code == 302, answer.text
    return str(answer.headers["Location"])


def ipn(base: str, params: dict[str, str]) -> str:
    answer = requests.post(f"{base}{reverse('dossiers:payment_ipn')}", data=params, timeout=30)
    assert answer.status_code == 200
    return str(answer.json()["RspCode"])


def fee_events(dossier: Dossier) -> int:
    return DossierEvent.objects.filter(dossier=dossier, kind="fee_paid").count()


def test_a_citizen_pays_online_and_gets_a_receipt(gateway, client, owner, dossier):
    url = start(client, owner, dossier)
    assert url.startswith(f"{gateway}/mo-phong/thanh-toan/?")

    back = choose(url)

    # The IPN came first, server to server.
    simulated = SimulatedPayment.objects.get()
    assert simulated.callback_sent is True
    payment = Payment.objects.get()
    assert (payment.status, payment.amount, payment.order_id) == ("paid", 8000, f"{dossier.code}-1")
    assert payment.transaction_no == simulated.transaction_no
    year = timezone.localdate(payment.paid_at).year
    assert payment.receipt_number == f"BL-{year}-000001"
    assert payment.receipt_unit == dossier.receiving_unit
    dossier.refresh_from_db()
    assert dossier.fee_paid_at is not None
    assert dossier.fee_payment_method == "online"
    assert services.portal_payload(dossier)["DuocThanhToanTrucTuyen"] == 2
    assert PortalSync.objects.filter(dossier=dossier).latest("pk").payload["DuocThanhToanTrucTuyen"] == 2
    assert fee_events(dossier) == 1
    assert AuditEntry.objects.filter(action="payment.paid", object_id=str(payment.pk)).count() == 1

    # Then the browser comes back: the same result again changes nothing.
    result = client.get(back.removeprefix(gateway), **EN)
    assert result.status_code == 200
    assert f"You paid 8,000 VND for dossier {dossier.code}." in result.text
    assert payment.receipt_number in result.text
    assert f'href="/ho-so-cua-toi/{dossier.code}/" data-back>‹ Back to the dossier' in result.text
    assert fee_events(dossier) == 1

    receipt = client.get(reverse("dossiers:payment_receipt", args=[payment.order_id]), **EN)
    assert receipt.status_code == 200
    assert payment.receipt_number in receipt.text
    assert "Lệ phí đăng ký khai sinh" in receipt.text
    assert simulated.transaction_no in receipt.text


def test_a_replayed_callback_is_answered_02_and_records_the_fee_once(gateway, client, owner, dossier):
    back = choose(start(client, owner, dossier))
    params = dict(parse_qsl(urlsplit(back).query))

    assert ipn(gateway, params) == "02"
    assert ipn(gateway, params) == "02"

    assert Payment.objects.get().status == "paid"
    assert fee_events(dossier) == 1
    assert AuditEntry.objects.filter(action="payment.paid").count() == 1


def test_a_forged_callback_is_refused_and_changes_nothing(gateway, client, owner, dossier):
    start(client, owner, dossier)
    payment = Payment.objects.get()
    params = {
        "version": payment_gateway.VERSION,
        "merchant": payment_gateway.merchant(),
        "order_id": payment.order_id,
        "amount": str(payment.amount),
        "response_code": "00",
        "transaction_no": "99999999",
        "pay_date": payment_gateway.format_date(timezone.now()),
    }
    canonical = payment_gateway.canonical(params).encode()
    forged = {**params, "secure_hash": hmac.new(b"guessed", canonical, hashlib.sha512).hexdigest()}

    assert ipn(gateway, forged) == "97"
    assert ipn(gateway, {k: v for k, v in forged.items() if k != "secure_hash"}) == "97"
    # A genuine hash over other values does not carry over to altered ones.
    genuine = payment_gateway.signed({**params, "response_code": "24"})
    assert ipn(gateway, {**genuine, "response_code": "00"}) == "97"
    returned = client.get(reverse("dossiers:payment_return"), forged, **EN)
    assert returned.status_code == 400

    payment.refresh_from_db()
    assert payment.status == "created"
    dossier.refresh_from_db()
    assert dossier.fee_paid_at is None
    assert fee_events(dossier) == 0
    assert AuditEntry.objects.filter(action="payment.forged_callback").count() == 4


def test_a_callback_with_the_wrong_amount_is_refused(gateway, client, owner, dossier):
    start(client, owner, dossier)
    payment = Payment.objects.get()
    params = payment_gateway.signed(
        {
            "merchant": payment_gateway.merchant(),
            "order_id": payment.order_id,
            "amount": "1000",
            "response_code": "00",
            "transaction_no": "14000001",
            "pay_date": payment_gateway.format_date(timezone.now()),
        }
    )

    assert ipn(gateway, params) == "04"

    payment.refresh_from_db()
    assert payment.status == "created"
    assert Dossier.objects.get().fee_paid_at is None
    assert AuditEntry.objects.filter(action="payment.wrong_amount").count() == 1


def test_a_callback_for_an_unknown_order_is_answered_01(gateway, dossier):
    params = payment_gateway.signed(
        {
            "merchant": payment_gateway.merchant(),
            "order_id": "NO-SUCH-1",
            "amount": "8000",
            "response_code": "00",
        }
    )

    assert ipn(gateway, params) == "01"


def test_a_lost_callback_is_recovered_by_querying_the_gateway(gateway, client, owner, dossier):
    url = start(client, owner, dossier)
    # The simulator can be told on the page URL too: the box comes pre-ticked.
    assert 'value="1" checked' in requests.get(f"{url}&khong_goi_ipn=1", timeout=30).text

    choose(url, send_callback=False)  # … and the citizen closes the browser at the gateway

    assert SimulatedPayment.objects.get().status == "paid"
    assert SimulatedPayment.objects.get().callback_sent is False
    payment = Payment.objects.get()
    assert payment.status == "created"
    assert recover_pending_payments(timezone.now()) == 0  # too early: the callback may still come

    assert recover_pending_payments(timezone.now() + dt.timedelta(minutes=3)) == 1

    payment.refresh_from_db()
    assert payment.status == "paid"
    assert payment.receipt_number
    dossier.refresh_from_db()
    assert (dossier.fee_payment_method, fee_events(dossier)) == ("online", 1)
    assert recover_pending_payments(timezone.now() + dt.timedelta(minutes=4)) == 0


def test_recovery_waits_while_the_gateway_is_down(gateway, client, owner, dossier):
    choose(start(client, owner, dossier), send_callback=False)
    SimulatorSwitch.objects.create(name=SimulatorSwitch.Name.PAYMENT, failing=True)

    assert recover_pending_payments(timezone.now() + dt.timedelta(minutes=3)) == 0
    assert Payment.objects.get().status == "created"

    SimulatorSwitch.objects.filter(name="payment").update(failing=False)
    assert recover_pending_payments(timezone.now() + dt.timedelta(minutes=3)) == 1


def test_a_cancelled_payment_leaves_the_fee_unpaid_and_a_new_order_can_follow(
    gateway, client, owner, dossier
):
    back = choose(start(client, owner, dossier), "cancel")

    result = client.get(back.removeprefix(gateway), **EN)
    assert "was not made" in result.text
    assert Payment.objects.get().status == "cancelled"
    assert Dossier.objects.get().fee_paid_at is None

    start(client, owner, dossier)
    assert list(Payment.objects.values_list("order_id", "status")) == [
        (f"{dossier.code}-1", "cancelled"),
        (f"{dossier.code}-2", "created"),
    ]


def test_an_open_order_is_reused(gateway, client, owner, dossier):
    first = start(client, owner, dossier)
    second = start(client, owner, dossier)

    assert first == second
    assert Payment.objects.count() == 1


def test_a_paid_dossier_cannot_be_paid_again(gateway, client, owner, dossier):
    choose(start(client, owner, dossier))

    response = client.post(reverse("dossiers:pay", args=[dossier.code]), **EN)

    assert response.status_code == 409
    assert "The fee of this dossier is already paid." in response.text
    assert Payment.objects.count() == 1


def test_the_command_recovers_payments(gateway, client, owner, dossier):
    choose(start(client, owner, dossier), send_callback=False)
    Payment.objects.update(created_at=timezone.now() - dt.timedelta(minutes=5))
    out = io.StringIO()

    call_command("recover_payments", stdout=out)

    assert out.getvalue().strip() == "payments recovered: 1"
    assert Payment.objects.get().status == "paid"
