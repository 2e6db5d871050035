"""Paying a dossier's fees online through the payment gateway (ND 61/2018 Điều 22; ND 118/2025 Điều 24).

The citizen starts a payment for the amount the catalogue fixed (`Dossier.fee_amount`) and is sent
to the gateway. The gateway's signed result arrives twice — as the server-to-server IPN and with the
citizen's browser on the return URL — and either may be lost, so both go through `confirm_payment`,
which is idempotent under a row lock: the fee is recorded once (`services.record_fee_payment`
with method "online", which the national portal sees as DuocThanhToanTrucTuyen = 2) and a receipt
is numbered once. Forged or altered callbacks change nothing and leave an audit entry.
`recover_pending_payments` asks the gateway about orders whose callback never came.
"""

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from egov.accounts.models import User
from egov.core import audit
from egov.dossiers import services
from egov.dossiers.models import Dossier, Payment
from egov.integrations import payment_gateway as gateway
from egov.integrations.errors import IntegrationError, IntegrationProtocolError
from egov.organization.models import Unit

logger = logging.getLogger(__name__)

# Gateways keep an order open about 15 minutes; a reused order keeps at least 2 of them for paying.
PAYMENT_TIME = dt.timedelta(minutes=15)
REUSE_MARGIN = dt.timedelta(minutes=2)
# A callback normally arrives within seconds; after 2 minutes the gateway is asked instead.
RECOVERY_DELAY = dt.timedelta(minutes=2)
RECOVERY_BATCH = 100
RECEIPT_DIGITS = 6


class PaymentError(Exception):
    """A gateway result egov refuses; `code` is the RspCode answered to the gateway's IPN."""

    code = "99"


class ForgedCallbackError(PaymentError):
    code = "97"


class UnknownOrderError(PaymentError):
    code = "01"


class WrongAmountError(PaymentError):
    code = "04"


@dataclass(frozen=True)
class Confirmation:
    payment: Payment
    changed: bool  # False: this result had already been applied (a repeated or late callback)


def start_online_payment(
    dossier: Dossier,
    *,
    by: User,
    return_url: str,
    ipn_url: str,
    client_ip: str,
    now: dt.datetime | None = None,
) -> tuple[Payment, str]:
    """Open (or reuse) an order for the dossier's fee and return it with the gateway URL.

    Call with the dossier row locked. Only the citizen who owns the dossier pays through here;
    an open order still valid for a while is reused, so reloading the page makes no new order.
    """
    if not by.is_citizen or dossier.citizen_id != by.pk:
        raise PermissionDenied
    refusal = services.payment_refusal(dossier)
    if refusal is not None:
        raise refusal
    now = now or timezone.now()
    payment = (
        dossier.payments.filter(
            status=Payment.State.CREATED, amount=dossier.fee_amount, expires_at__gt=now + REUSE_MARGIN
        )
        .order_by("-created_at")
        .first()
    )
    if payment is None:
        payment = Payment.objects.create(
            dossier=dossier,
            order_id=f"{dossier.code}-{dossier.payments.count() + 1}",
            amount=dossier.fee_amount,
            created_by=by,
            created_at=now,
            expires_at=now + PAYMENT_TIME,
        )
        audit.record(
            actor=by,
            action="payment.started",
            target=payment,
            unit_id=dossier.receiving_unit_id,
            after={"dossier": dossier.code, "order_id": payment.order_id, "amount": payment.amount},
        )
    url = gateway.create_payment_url(
        order_id=payment.order_id,
        amount_vnd=payment.amount,
        # Gateways print the description on bank statements, which take no diacritics.
        description=f"Thanh toan phi, le phi ho so {dossier.code}",
        return_url=return_url,
        ipn_url=ipn_url,
        expires_at=payment.expires_at,
        client_ip=client_ip,
        created_at=payment.created_at,
    )
    return payment, url


def confirm_callback(params: Mapping[str, str]) -> Confirmation:
    """Apply a gateway callback (IPN or return URL); PaymentError if it is refused."""
    try:
        result = gateway.verify_callback(params)
    except gateway.InvalidSignature:
        with transaction.atomic():
            audit.record(
                actor=None,
                action="payment.forged_callback",
                object_type="dossiers.payment",
                object_id=str(params.get("order_id", ""))[:64],
                after={"params": _evidence(params)},
            )
        raise ForgedCallbackError from None
    except IntegrationProtocolError as error:
        raise PaymentError(str(error)) from error
    return _apply(result)


def confirm_payment(params: Mapping[str, str]) -> Payment:
    """The payment a callback is about, after applying it; repeating a callback changes nothing."""
    return confirm_callback(params).payment


def recover_pending_payments(now: dt.datetime | None = None) -> int:
    """Ask the gateway about orders open for 2 minutes without a callback; the number now paid.

    Run it often (the outbox loop): a citizen who paid but whose IPN was lost and who closed the
    browser before the return page must still see the dossier paid.
    """
    now = now or timezone.now()
    open_orders = Payment.objects.filter(
        status=Payment.State.CREATED, created_at__lte=now - RECOVERY_DELAY
    ).order_by("created_at")[:RECOVERY_BATCH]
    paid = 0
    for payment in open_orders:
        try:
            result = gateway.query_transaction(payment.order_id, created_at=payment.created_at)
        except gateway.TransactionNotFound:
            if payment.expires_at < now:
                _close_unpaid(payment.pk, Payment.State.FAILED, reason="never reached the gateway")
            continue
        except IntegrationError as error:
            logger.warning("payment %s: status query failed: %s", payment.order_id, error)
            continue
        try:
            confirmation = _apply(result)
        except PaymentError as error:
            logger.warning("payment %s: gateway status refused: %r", payment.order_id, error)
            continue
        if confirmation.changed and confirmation.payment.status == Payment.State.PAID:
            paid += 1
    return paid


def _evidence(params: Mapping[str, str]) -> dict[str, str]:
    """What an audit entry keeps of a refused callback: bounded, as anyone can post one."""
    return {str(name)[:40]: str(value)[:300] for name, value in list(params.items())[:30]}


def _apply(result: gateway.GatewayResult) -> Confirmation:
    found = Payment.objects.filter(order_id=result.order_id).values_list("pk", "dossier_id").first()
    if found is None:
        with transaction.atomic():
            audit.record(
                actor=None,
                action="payment.unknown_order",
                object_type="dossiers.payment",
                object_id=result.order_id[:64],
                after={"params": _evidence(result.raw)},
            )
        raise UnknownOrderError(result.order_id)
    refusal: PaymentError | None = None
    with transaction.atomic():
        # The dossier first, then the payment: the same order as start_online_payment.
        dossier = Dossier.objects.select_for_update().select_related("receiving_unit").get(pk=found[1])
        payment = Payment.objects.select_for_update().get(pk=found[0])
        if payment.status == Payment.State.PAID:
            return Confirmation(payment, changed=False)
        if result.amount_vnd != payment.amount:
            audit.record(
                actor=None,
                action="payment.wrong_amount",
                target=payment,
                unit_id=dossier.receiving_unit_id,
                after={"expected": payment.amount, "params": dict(result.raw)},
            )
            refusal = WrongAmountError(result.order_id)
        elif result.succeeded:
            _mark_paid(payment, dossier, result)
            return Confirmation(payment, changed=True)
        elif result.pending or payment.status != Payment.State.CREATED:
            return Confirmation(payment, changed=False)
        else:
            state = (
                Payment.State.CANCELLED if result.response_code == gateway.CANCELLED else Payment.State.FAILED
            )
            _set_unpaid(payment, state, raw=dict(result.raw), reason=f"gateway code {result.response_code}")
            return Confirmation(payment, changed=True)
    assert refusal is not None
    raise refusal


def _mark_paid(payment: Payment, dossier: Dossier, result: gateway.GatewayResult) -> None:
    paid_at = result.pay_date or timezone.now()
    before = payment.status
    if services.payment_refusal(dossier) is None and payment.amount == dossier.fee_amount:
        services.record_fee_payment(dossier, by=None, method="online", now=paid_at)
    else:
        # Already paid, closed, or an order for another amount: the money was taken all the same,
        # so receipt it and flag it for refund by the unit.
        payment.refund_due = True
    payment.status = Payment.State.PAID
    payment.paid_at = paid_at
    payment.transaction_no = result.transaction_no
    payment.raw_callback = dict(result.raw)
    payment.receipt_unit = dossier.receiving_unit
    payment.receipt_number = _receipt_number(dossier.receiving_unit, paid_at)
    payment.save()
    audit.record(
        actor=None,
        action="payment.paid",
        target=payment,
        unit_id=dossier.receiving_unit_id,
        before={"status": before},
        after={
            "status": payment.status,
            "dossier": dossier.code,
            "amount": payment.amount,
            "transaction_no": payment.transaction_no,
            "receipt_number": payment.receipt_number,
            "refund_due": payment.refund_due,
        },
    )


def _close_unpaid(payment_id: int, state: str, *, reason: str) -> None:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.status == Payment.State.CREATED:
            _set_unpaid(payment, state, raw={}, reason=reason)


def _set_unpaid(payment: Payment, state: str, *, raw: dict[str, str], reason: str) -> None:
    payment.status = state
    payment.raw_callback = raw
    payment.save(update_fields=["status", "raw_callback"])
    audit.record(
        actor=None,
        action=f"payment.{state}",
        target=payment,
        unit_id=payment.dossier.receiving_unit_id,
        before={"status": Payment.State.CREATED},
        after={"status": state, "reason": reason},
    )


def _receipt_number(unit: Unit, paid_at: dt.datetime) -> str:
    """The unit's next receipt number of the year, taken in the payment's transaction (no gaps)."""
    year = timezone.localdate(paid_at).year
    # One statement on both databases, as egov.dossiers.codes does for dossier codes.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO dossiers_paymentreceiptcounter (unit_id, year, last) VALUES (%s, %s, 1) "
            "ON CONFLICT (unit_id, year) DO UPDATE SET last = dossiers_paymentreceiptcounter.last + 1 "
            "RETURNING last",
            [unit.pk, year],
        )
        row = cursor.fetchone()
    assert row is not None
    return f"BL-{year}-{int(row[0]):0{RECEIPT_DIGITS}d}"
