"""Adapter to an online payment gateway: redirect the citizen, verify its callbacks, query an order.

Fees may be paid online through the payment function of the one-stop system (Nghị định
61/2018/NĐ-CP Điều 22; Nghị định 118/2025/NĐ-CP Điều 24); the province's gateway settles into the
agency's account (Nghị định 45/2020/NĐ-CP on electronic procedures). The protocol is modelled on
the Vietnamese gateways in use (VNPay, Keypay, PayGov) without copying any one of them:

* the citizen's browser is redirected to the gateway with the order's parameters and a
  `secure_hash`: HMAC-SHA512, keyed with the merchant's shared secret, over the parameters sorted
  by name and URL-encoded (`name=value&…`, the hash itself left out);
* after payment the gateway POSTs the signed result to our IPN URL (server to server) and sends
  the browser back to our return URL with the same signed parameters;
* a signed JSON query tells an order's status, to recover a callback that never arrived.

The simulator at /mo-phong/thanh-toan/ speaks the same protocol.
"""

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote_plus, urlencode
from zoneinfo import ZoneInfo

from egov.core.site import configured_or_own
from egov.integrations.errors import IntegrationProtocolError, IntegrationRejected
from egov.integrations.transport import call, json_object, setting

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
VERSION = "2.1.0"
HASH_FIELD = "secure_hash"
DATE_FORMAT = "%Y%m%d%H%M%S"  # gateways send local time (GMT+7) without a zone
DEFAULT_MERCHANT = "EGOVDEMO"
DEFAULT_SECRET = "demo-payment-secret"  # noqa: S105 — the simulator's secret; production sets EGOV_PAYMENT_SECRET

# Response codes of the payment itself (callbacks) and of a transaction's state (queries).
SUCCESS = "00"
NOT_COMPLETED = "01"  # the customer has not finished (query only)
CANCELLED = "24"  # the customer cancelled at the gateway
# Result codes of a query request itself.
QUERY_OK = "00"
QUERY_NOT_FOUND = "91"
QUERY_BAD_SIGNATURE = "97"


class InvalidSignature(IntegrationRejected):
    """A callback or an answer whose `secure_hash` does not verify: forged or altered, never trusted."""

    def __init__(self, message: str = "invalid secure_hash") -> None:
        super().__init__(message, status=400)


class TransactionNotFound(IntegrationRejected):
    """The gateway has no transaction for this order (the citizen never reached its page)."""

    def __init__(self, order_id: str) -> None:
        super().__init__(f"no transaction for order {order_id}", status=404)


@dataclass(frozen=True)
class GatewayResult:
    """What the gateway says of one order: a verified callback or a verified query answer."""

    order_id: str
    amount_vnd: int
    response_code: str  # "00" paid; "01" not finished yet; "24" cancelled; anything else failed
    transaction_no: str
    pay_date: datetime | None
    raw: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def succeeded(self) -> bool:
        return self.response_code == SUCCESS

    @property
    def pending(self) -> bool:
        return self.response_code == NOT_COMPLETED


def merchant() -> str:
    return setting("EGOV_PAYMENT_MERCHANT", DEFAULT_MERCHANT)


def gateway_url() -> str:
    """The payment page's URL, ending in "/"; by default the simulator egov serves itself."""
    url = configured_or_own("EGOV_PAYMENT_URL", "/mo-phong/thanh-toan/")
    return url if url.endswith("/") else f"{url}/"


def _secret() -> bytes:
    return setting("EGOV_PAYMENT_SECRET", DEFAULT_SECRET).encode()


def canonical(params: Mapping[str, str]) -> str:
    """The signed text: every parameter but the hash, sorted by name, URL-encoded, joined by "&"."""
    return "&".join(
        f"{quote_plus(name)}={quote_plus(str(value))}"
        for name, value in sorted(params.items())
        if name != HASH_FIELD
    )


def sign(params: Mapping[str, str]) -> str:
    """HMAC-SHA512 of the canonical text with the shared secret, in lowercase hex."""
    return hmac.new(_secret(), canonical(params).encode(), hashlib.sha512).hexdigest()


def signed(params: Mapping[str, str]) -> dict[str, str]:
    """The parameters with their `secure_hash` added."""
    return {**params, HASH_FIELD: sign(params)}


def has_valid_signature(params: Mapping[str, str]) -> bool:
    """Whether the parameters carry the hash of exactly themselves (compared in constant time)."""
    given = params.get(HASH_FIELD)
    if not isinstance(given, str) or not given:
        return False
    return hmac.compare_digest(given.lower().encode(), sign(params).encode())


def format_date(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return moment.astimezone(VIETNAM).strftime(DATE_FORMAT)


def parse_date(text: str) -> datetime:
    try:
        return datetime.strptime(text, DATE_FORMAT).replace(tzinfo=VIETNAM)
    except ValueError as error:
        raise IntegrationProtocolError(f"not a gateway date: {text!r}") from error


def create_payment_url(
    *,
    order_id: str,
    amount_vnd: int,
    description: str,
    return_url: str,
    ipn_url: str,
    expires_at: datetime,
    client_ip: str,
    created_at: datetime | None = None,
) -> str:
    """The gateway URL the citizen's browser is sent to, its parameters signed."""
    if amount_vnd <= 0:
        raise ValueError("the amount must be positive")
    params = {
        "version": VERSION,
        "command": "pay",
        "merchant": merchant(),
        "order_id": order_id,
        "amount": str(amount_vnd),  # whole đồng: VND has no minor unit in use
        "currency": "VND",
        "order_info": description,
        "locale": "vn",
        "return_url": return_url,
        "ipn_url": ipn_url,
        "ip_addr": client_ip,
        "create_date": format_date(created_at or datetime.now(tz=VIETNAM)),
        "expire_date": format_date(expires_at),
    }
    return f"{gateway_url()}?{urlencode(signed(params))}"


def verify_callback(params: Mapping[str, str]) -> GatewayResult:
    """The payment result the gateway sent (IPN or return URL); InvalidSignature if forged."""
    if not has_valid_signature(params):
        raise InvalidSignature
    if params.get("merchant") != merchant():
        # Signed with our secret but for another merchant code: a configuration mix-up, not ours.
        raise InvalidSignature("callback for another merchant")
    return _result(params, code_field="response_code")


def query_transaction(order_id: str, *, created_at: datetime) -> GatewayResult:
    """Ask the gateway how an order stands (server to server); used when a callback was lost."""
    request = signed(
        {
            "request_id": uuid.uuid4().hex,
            "version": VERSION,
            "command": "querydr",
            "merchant": merchant(),
            "order_id": order_id,
            "transaction_date": format_date(created_at),
            "create_date": format_date(datetime.now(tz=VIETNAM)),
        }
    )
    # The gateway authenticates the merchant by the HMAC, not by a bearer token; the merchant
    # code travels in the header only because the shared transport always sends one.
    response = call("POST", gateway_url() + "truy-van", token=merchant(), payload=request)
    if response.status_code != 200:
        raise IntegrationRejected(response.text[:300], status=response.status_code)
    body = json_object(response)
    answer = {name: value for name, value in body.items() if isinstance(value, str)}
    if len(answer) != len(body) or not has_valid_signature(answer):
        raise InvalidSignature("the query answer is not signed by the gateway")
    if answer.get("request_id") != request["request_id"] or answer.get("order_id") != order_id:
        raise IntegrationProtocolError("the query answer is for another request")
    if answer.get("query_code") == QUERY_NOT_FOUND:
        raise TransactionNotFound(order_id)
    if answer.get("query_code") != QUERY_OK:
        raise IntegrationRejected(f"query refused: {answer.get('query_code')}", status=400)
    return _result(answer, code_field="transaction_status")


def _result(params: Mapping[str, str], *, code_field: str) -> GatewayResult:
    order_id, amount, code = params.get("order_id"), params.get("amount", ""), params.get(code_field)
    if not order_id or not code:
        raise IntegrationProtocolError(f"order_id or {code_field} missing")
    if not amount.isdigit():
        raise IntegrationProtocolError(f"amount is not a whole number: {amount!r}")
    pay_date = params.get("pay_date")
    return GatewayResult(
        order_id=order_id,
        amount_vnd=int(amount),
        response_code=code,
        transaction_no=params.get("transaction_no", ""),
        pay_date=parse_date(pay_date) if pay_date else None,
        raw=dict(params),
    )
