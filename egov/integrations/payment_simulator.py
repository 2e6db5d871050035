"""The payment-gateway simulator at /mo-phong/thanh-toan/: payment page, IPN, return, status query.

It speaks the protocol of `egov.integrations.payment_gateway` with the same shared secret, and
keeps every order in SimulatedPayment. The "citizen" chooses success or cancellation; ticking
"do not send the callback" (or `?khong_goi_ipn=1` on the page URL) skips the server-to-server IPN,
so the recovery of a lost callback by status query can be shown and tested. A SimulatorSwitch
named "payment" makes it answer 503. Its texts are the gateway's, in Vietnamese, not translated.
"""

import json
import logging
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import requests
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from egov.integrations import payment_gateway as gateway
from egov.integrations.errors import IntegrationProtocolError
from egov.integrations.models import SimulatedPayment, SimulatorSwitch
from egov.integrations.transport import timeout

logger = logging.getLogger(__name__)

NO_CALLBACK = "khong_goi_ipn"  # the simulator's own switch; not part of the signed order
TRANSACTION_BASE = 14_000_000  # gateway transaction numbers are 8 digits
EXPIRED = "11"  # the order's time ran out before the customer paid
_STATUS_CODES = {
    SimulatedPayment.Status.PAID: gateway.SUCCESS,
    SimulatedPayment.Status.CANCELLED: gateway.CANCELLED,
    SimulatedPayment.Status.PENDING: gateway.NOT_COMPLETED,
}
_REQUIRED = ("merchant", "order_id", "amount", "return_url", "ipn_url", "expire_date")


def _down() -> bool:
    return SimulatorSwitch.is_failing(SimulatorSwitch.Name.PAYMENT)


def _page(request: HttpRequest, status: int, message: str) -> HttpResponse:
    return render(request, "integrations/payment_refused.html", {"message": message}, status=status)


@require_GET
def payment_page(request: HttpRequest) -> HttpResponse:
    """GET /mo-phong/thanh-toan/?<signed order>: what the citizen sees at the gateway."""
    if _down():
        return _page(request, 503, "Cổng thanh toán tạm ngừng phục vụ, vui lòng thử lại sau.")
    params = {name: value for name, value in request.GET.dict().items() if name != NO_CALLBACK}
    if not gateway.has_valid_signature(params):
        return _page(request, 400, "Chữ ký giao dịch không hợp lệ (secure_hash).")
    if any(not params.get(name) for name in _REQUIRED) or not params["amount"].isdigit():
        return _page(request, 400, "Thiếu tham số giao dịch.")
    if params["merchant"] != gateway.merchant():
        return _page(request, 400, "Mã đơn vị chấp nhận thanh toán không tồn tại.")
    try:
        expires_at = gateway.parse_date(params["expire_date"])
    except IntegrationProtocolError:
        return _page(request, 400, "Thời hạn giao dịch không hợp lệ.")
    payment = _order(params, expires_at)
    if payment is None:
        return _page(request, 400, "Mã đơn hàng đã được dùng cho một giao dịch khác.")
    return render(
        request,
        "integrations/payment_page.html",
        {
            "payment": payment,
            "expired": payment.status == SimulatedPayment.Status.PENDING and expires_at < timezone.now(),
            "no_callback": request.GET.get(NO_CALLBACK) == "1",
        },
    )


def _order(params: dict[str, str], expires_at: datetime) -> SimulatedPayment | None:
    """The stored order, made on the first visit; None when the order id is taken by other terms."""
    terms = {"merchant": params["merchant"], "amount": int(params["amount"])}
    existing = SimulatedPayment.objects.filter(order_id=params["order_id"]).first()
    if existing is None:
        try:
            with transaction.atomic():
                existing = SimulatedPayment.objects.create(
                    order_id=params["order_id"],
                    order_info=params.get("order_info", "")[:255],
                    return_url=params["return_url"],
                    ipn_url=params["ipn_url"],
                    expires_at=expires_at,
                    **terms,
                )
        except IntegrityError:
            existing = SimulatedPayment.objects.get(order_id=params["order_id"])
    if (existing.merchant, existing.amount) != (terms["merchant"], terms["amount"]):
        return None
    return existing


@require_POST
def payment_choice(request: HttpRequest) -> HttpResponse:
    """POST /mo-phong/thanh-toan/xac-nhan: pay or cancel, send the IPN, send the browser back."""
    if _down():
        return _page(request, 503, "Cổng thanh toán tạm ngừng phục vụ, vui lòng thử lại sau.")
    choice = request.POST.get("lua_chon")
    with transaction.atomic():
        payment = (
            SimulatedPayment.objects.select_for_update().filter(order_id=request.POST.get("order_id")).first()
        )
        if payment is None or choice not in {"pay", "cancel"}:
            return _page(request, 400, "Giao dịch không tồn tại.")
        if payment.status != SimulatedPayment.Status.PENDING:
            return _page(request, 400, "Giao dịch đã được xử lý.")
        if payment.expires_at < timezone.now():
            return _page(request, 400, "Giao dịch đã hết hạn.")
        if choice == "pay":
            payment.status = SimulatedPayment.Status.PAID
            payment.paid_at = timezone.now()
            payment.transaction_no = str(TRANSACTION_BASE + payment.pk)
        else:
            payment.status = SimulatedPayment.Status.CANCELLED
        payment.save(update_fields=["status", "paid_at", "transaction_no"])
    result = callback_params(payment)
    if request.POST.get(NO_CALLBACK) != "1":
        payment.callback_sent = _send_ipn(payment.ipn_url, result)
        payment.save(update_fields=["callback_sent"])
    separator = "&" if "?" in payment.return_url else "?"
    return HttpResponseRedirect(f"{payment.return_url}{separator}{urlencode(result)}")


def callback_params(payment: SimulatedPayment) -> dict[str, str]:
    """The signed result sent to the IPN URL and appended to the return URL."""
    return gateway.signed(
        {
            "version": gateway.VERSION,
            "merchant": payment.merchant,
            "order_id": payment.order_id,
            "amount": str(payment.amount),
            "order_info": payment.order_info,
            "response_code": _STATUS_CODES[SimulatedPayment.Status(payment.status)],
            "transaction_no": payment.transaction_no,
            "bank_code": "NCB" if payment.status == SimulatedPayment.Status.PAID else "",
            "pay_date": gateway.format_date(payment.paid_at) if payment.paid_at else "",
        }
    )


def _send_ipn(url: str, params: dict[str, str]) -> bool:
    """POST the result, form-encoded; delivered when the merchant answers RspCode 00 or 02."""
    try:
        response = requests.post(url, data=params, timeout=timeout(), allow_redirects=False)
        answer = response.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("payment simulator: IPN to %s failed: %s", url, error)
        return False
    return isinstance(answer, dict) and answer.get("RspCode") in {"00", "02"}


@csrf_exempt
@require_POST
def payment_query(request: HttpRequest) -> JsonResponse:
    """POST /mo-phong/thanh-toan/truy-van {signed query} → the order's signed status."""
    if _down():
        return JsonResponse({"query_code": "99", "message": "Tạm ngừng phục vụ"}, status=503)
    try:
        body: Any = json.loads(request.body)
    except ValueError:
        body = None
    if not isinstance(body, dict) or not all(isinstance(v, str) for v in body.values()):
        return JsonResponse({"query_code": "03", "message": "Dữ liệu không đúng định dạng"}, status=400)
    answer = {
        "request_id": body.get("request_id", ""),
        "merchant": gateway.merchant(),
        "order_id": body.get("order_id", ""),
    }
    if not gateway.has_valid_signature(body) or body.get("merchant") != gateway.merchant():
        return JsonResponse(gateway.signed({**answer, "query_code": gateway.QUERY_BAD_SIGNATURE}))
    payment = SimulatedPayment.objects.filter(order_id=answer["order_id"]).first()
    if payment is None:
        return JsonResponse(gateway.signed({**answer, "query_code": gateway.QUERY_NOT_FOUND}))
    status = _STATUS_CODES[SimulatedPayment.Status(payment.status)]
    if payment.status == SimulatedPayment.Status.PENDING and payment.expires_at < timezone.now():
        status = EXPIRED
    return JsonResponse(
        gateway.signed(
            {
                **answer,
                "query_code": gateway.QUERY_OK,
                "amount": str(payment.amount),
                "transaction_status": status,
                "transaction_no": payment.transaction_no,
                "pay_date": gateway.format_date(payment.paid_at) if payment.paid_at else "",
            }
        )
    )
