"""Fees and charges: the request to pay (status 6) and the recorded payment (ND 61/2018 Điều 22)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.dossiers.models import (
    Dossier,
    Status,
)
from egov.dossiers.permissions import can_act_as, can_receive_at
from egov.dossiers.services.transitions import change_status, queue_portal_sync, record_event, require_status
from egov.organization.models import Role


def request_payment(dossier: Dossier, *, by: User, reason: str, now: dt.datetime | None = None) -> Dossier:
    """Ask the applicant to fulfil a financial obligation before processing goes on (status 6)."""
    require_status(dossier, Status.PROCESSING)
    if not can_act_as(by, dossier, Role.SPECIALIST, Role.HEAD_OF_DEPARTMENT, Role.LEADER):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say what must be paid and why.")})
    change_status(
        dossier,
        Status.PAYMENT_REQUESTED,
        by=by,
        kind="payment_requested",
        at=now or timezone.now(),
        note=reason,
    )
    return dossier


def record_fee_payment(
    dossier: Dossier, *, by: User | None, method: str, now: dt.datetime | None = None
) -> Dossier:
    """Fees paid directly, through the postal operator or online (ND 61/2018 Điều 22; ND 118/2025 Điều 24).

    Direct and postal payments are recorded by a desk officer of the receiving unit; an online
    payment is recorded by the payment gateway's confirmed callback (`by` is None).
    """
    if method not in ("direct", "postal", "online"):
        raise ValidationError({"method": _("Unknown payment method.")})
    if by is None and method != "online":
        raise PermissionDenied
    if by is not None and not can_receive_at(by, dossier.receiving_unit):
        raise PermissionDenied
    if dossier.fee_paid_at is not None:
        raise ValidationError(_("The fee was already paid."))
    if dossier.is_closed:
        raise ValidationError(_("The dossier is closed."))
    now = now or timezone.now()
    dossier.fee_paid_at = now
    dossier.fee_payment_method = method
    dossier.save(update_fields=["fee_paid_at", "fee_payment_method"])
    if dossier.status == Status.PAYMENT_REQUESTED:
        change_status(
            dossier,
            Status.PROCESSING,
            by=by,
            kind="fee_paid",
            at=now,
            data={"method": method, "amount": dossier.fee_amount},
        )
    else:
        record_event(
            dossier, "fee_paid", by, None, None, at=now, data={"method": method, "amount": dossier.fee_amount}
        )
        queue_portal_sync(dossier)
    return dossier
