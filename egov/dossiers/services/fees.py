"""Fees and charges: what a dossier is charged, the request to pay (status 6) and the recorded
payment (ND 61/2018 Điều 17, 22).

A dossier's fee lines are charged once, when it is created, from the catalogue's lines and the
choice of the desk or the citizen (egov.procedures.fees); `Dossier.fee_amount` is their sum and is
what the receipt, the payment request, the online payment and the API show.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.dossiers.models import (
    Dossier,
    DossierFee,
    Status,
)
from egov.dossiers.permissions import can_act_as, can_receive_at
from egov.dossiers.services.transitions import change_status, queue_portal_sync, record_event, require_status
from egov.organization.models import Role
from egov.procedures import fees
from egov.procedures.fees import Charge, FeeChoice
from egov.procedures.models import ProcedureVersion

# The fee is paid from registration until the result is handed over (ND 61/2018 Điều 17: thu
# trước at receipt; Điều 22: online), but not while the applicant is asked for more papers: the
# dossier may still be refused, and what is charged may change with what is supplied.
PAYABLE_STATUSES = (
    Status.REGISTERED,
    Status.RECEIVED,
    Status.PROCESSING,
    Status.PAYMENT_REQUESTED,
    Status.RESOLVED,
)


def payment_refusal(dossier: Dossier) -> ValidationError | None:
    """Why the fee cannot be paid now (each with its code), or None when it can: one rule for the
    desk's "record the payment", the citizen's "pay online" and the portal's to-do list."""
    if dossier.fee_amount <= 0:
        return ValidationError(_("This dossier has no fee to pay."), code="no_fee")
    if dossier.fee_paid_at is not None:
        return ValidationError(_("The fee of this dossier is already paid."), code="already_paid")
    if dossier.is_closed:
        return ValidationError(
            _("The dossier is finished (“%(status)s”): there is nothing to pay.")
            % {"status": Status(dossier.status).label},
            code="closed",
        )
    if dossier.outcome == Dossier.ResultOutcome.REFUSED:
        # A refusal is the result (ND 61/2018 Điều 19 k.8): the service the fee is for was not given.
        return ValidationError(_("The dossier was refused: there is nothing to pay."), code="refused")
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        return ValidationError(
            _("The fee can be paid once the papers asked for are supplied."), code="supplement_pending"
        )
    if dossier.status not in PAYABLE_STATUSES:
        return ValidationError(
            _("The fee cannot be paid while the dossier is “%(status)s”.")
            % {"status": Status(dossier.status).label},
            code="wrong_status",
        )
    return None


def payment_refusal_text(dossier: Dossier) -> str:
    """`payment_refusal` as the sentence a page shows beside the fee; "" when it can be paid."""
    refusal = payment_refusal(dossier)
    return refusal.messages[0] if refusal is not None else ""


def charge_for(
    version: ProcedureVersion,
    choice: FeeChoice | None = None,
    *,
    form_values: Mapping[str, Any] | None = None,
) -> Charge:
    """What a dossier of this version is charged for the choice (by default the standard rate and
    the least quantities), with what the e-form decides when its values are given."""
    lines = list(version.fees.all())
    picked = choice if choice is not None else fees.default_choice(lines)
    if form_values is not None:
        picked = fees.choice_from_form(lines, form_values, picked)
    return fees.charge(lines, picked)


def save_fee_lines(dossier: Dossier, charge: Charge) -> None:
    """Store the lines charged on a new dossier (its `fee_amount` is their total)."""
    assert dossier.fee_amount == charge.total
    DossierFee.objects.bulk_create(
        DossierFee(
            dossier=dossier,
            fee=line.fee,
            position=position,
            description=line.fee.description,
            unit_amount=line.fee.amount,
            quantity=line.quantity,
            amount=line.amount,
        )
        for position, line in enumerate(charge.lines, start=1)
    )


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
        data={"amount": dossier.fee_amount},
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
    refusal = payment_refusal(dossier)
    if refusal is not None:
        raise refusal
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
