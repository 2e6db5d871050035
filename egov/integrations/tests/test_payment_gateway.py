"""Payment-gateway adapter against its simulator, over real HTTP: signatures, pages, status queries."""

import datetime as dt
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from django.utils import timezone

from egov.integrations import payment_gateway as gateway
from egov.integrations.errors import IntegrationUnavailable
from egov.integrations.models import SimulatedPayment, SimulatorSwitch
from egov.integrations.payment_simulator import callback_params

live = pytest.mark.django_db(transaction=True)


@pytest.fixture
def payment_simulator(live_server, settings) -> str:
    settings.EGOV_PAYMENT_URL = f"{live_server.url}/mo-phong/thanh-toan/"
    settings.EGOV_INTEGRATION_TIMEOUT = 30
    return str(settings.EGOV_PAYMENT_URL)


def order_url(order_id: str = "H51.60-260302-0001-1", amount: int = 8000, **extra) -> str:
    return gateway.create_payment_url(
        order_id=order_id,
        amount_vnd=amount,
        description="Thanh toan le phi",
        return_url="http://egov.example/tra-ve/",
        ipn_url="http://127.0.0.1:9/ipn/",  # nothing listens: the IPN is lost
        expires_at=timezone.now() + dt.timedelta(minutes=15),
        client_ip="10.0.0.1",
        **extra,
    )


def test_the_redirect_url_is_signed_over_its_sorted_parameters(settings):
    settings.EGOV_PAYMENT_URL = "https://pay.example/vpc"
    url = order_url()
    params = dict(parse_qsl(urlsplit(url).query))

    assert url.startswith("https://pay.example/vpc/?")
    assert params["amount"] == "8000"
    assert params["merchant"] == "EGOVDEMO"
    assert len(params["secure_hash"]) == 128  # SHA-512 in hex
    assert gateway.has_valid_signature(params)
    assert not gateway.has_valid_signature({**params, "amount": "80"})
    settings.EGOV_PAYMENT_SECRET = "another-secret"
    assert not gateway.has_valid_signature(params)


def test_a_callback_is_verified_and_parsed():
    params = gateway.signed(
        {
            "merchant": "EGOVDEMO",
            "order_id": "A-1",
            "amount": "8000",
            "response_code": "00",
            "transaction_no": "14000001",
            "pay_date": "20260302091500",
        }
    )

    result = gateway.verify_callback(params)

    assert (result.order_id, result.amount_vnd, result.transaction_no) == ("A-1", 8000, "14000001")
    assert result.succeeded
    assert result.pay_date == dt.datetime(2026, 3, 2, 9, 15, tzinfo=gateway.VIETNAM)
    with pytest.raises(gateway.InvalidSignature):
        gateway.verify_callback({**params, "response_code": "24"})
    with pytest.raises(gateway.InvalidSignature):
        gateway.verify_callback(gateway.signed({**params, "merchant": "OTHER"}))


@live
def test_the_page_refuses_a_forged_order_and_a_reused_order_id(payment_simulator):
    url = order_url()
    assert requests.get(url, timeout=30).status_code == 200
    tampered = re.sub(r"amount=8000", "amount=80", url)

    assert requests.get(tampered, timeout=30).status_code == 400
    assert requests.get(order_url(amount=9000), timeout=30).status_code == 400  # same order, other amount
    assert SimulatedPayment.objects.get().amount == 8000


@live
def test_the_gateway_can_be_switched_off(payment_simulator):
    SimulatorSwitch.objects.create(name=SimulatorSwitch.Name.PAYMENT, failing=True)

    assert requests.get(order_url(), timeout=30).status_code == 503
    with pytest.raises(IntegrationUnavailable):
        gateway.query_transaction("A-1", created_at=timezone.now())


@live
def test_the_status_query_answers_signed_states(payment_simulator):
    with pytest.raises(gateway.TransactionNotFound):
        gateway.query_transaction("H51.60-260302-0001-1", created_at=timezone.now())
    requests.get(order_url(), timeout=30)

    pending = gateway.query_transaction("H51.60-260302-0001-1", created_at=timezone.now())
    assert pending.pending
    assert not pending.succeeded

    SimulatedPayment.objects.update(status="paid", paid_at=timezone.now(), transaction_no="14000001")
    paid = gateway.query_transaction("H51.60-260302-0001-1", created_at=timezone.now())
    assert paid.succeeded
    assert (paid.amount_vnd, paid.transaction_no) == (8000, "14000001")
    assert paid.pay_date is not None


@live
def test_a_lost_ipn_is_noted_and_the_browser_still_goes_back(payment_simulator):
    browser = requests.Session()
    page = browser.get(order_url(), timeout=30).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    answer = browser.post(
        f"{payment_simulator}xac-nhan",
        data={"csrfmiddlewaretoken": token, "order_id": "H51.60-260302-0001-1", "lua_chon": "pay"},
        allow_redirects=False,
        timeout=30,
    )

    assert answer.status_code == 302
    stored = SimulatedPayment.objects.get()
    assert (stored.status, stored.callback_sent) == ("paid", False)
    back = answer.headers["Location"]
    assert back.startswith("http://egov.example/tra-ve/?")
    params = dict(parse_qsl(urlsplit(back).query))
    assert params == callback_params(stored)
    assert gateway.verify_callback(params).succeeded
