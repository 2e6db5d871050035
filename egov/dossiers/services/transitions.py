"""The shared mechanics of every dossier change: status, event, audit, notice, portal sync, steps.

Every use-case module (intake, processing, consultation, clock, results, fees) changes a dossier
through these, so each change writes the event (timeline and control slip), the audit entry, the
applicant's notification and the national-portal sync row in the caller's transaction.
"""

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import audit
from egov.dossiers.models import (
    CLOSED_STATUSES,
    Dossier,
    DossierEvent,
    Notification,
    PortalSync,
    Status,
)
from egov.dossiers.permissions import can_work_on_step
from egov.organization.calendar import get_calendar
from egov.organization.models import Unit
from egov.procedures.models import ProcessStep

# Which status each action may start from (national codes, vn-standards.md §1.9).
OPEN_BEFORE_RESULT = (
    Status.RECEIVED,
    Status.PROCESSING,
    Status.SUPPLEMENT_REQUESTED,
    Status.PAYMENT_REQUESTED,
)


def check_supplement_request(missing: list[str], reason: str) -> list[str]:
    """The papers to add or correct and why, both required; returns the cleaned list.

    A supplement request names every paper at once and states its reason (ND 61/2018 Điều 15
    khoản 3, Điều 17 khoản 1 điểm a: "nêu rõ lý do" on Mẫu 02; ND 118/2025 Điều 11: one request
    only), and an online applicant is told both (ND 61/2018 Điều 17 khoản 2).
    """
    items = [item.strip() for item in missing if item.strip()]
    errors: dict[str, str] = {}
    if not items:
        errors["missing"] = _("List every paper to add or correct, all at once.")
    if not reason.strip():
        errors["reason"] = _("Give the reason the papers are needed.")
    if errors:
        raise ValidationError(errors)
    return items


def resolve(dossier: Dossier, *, by: User, now: dt.datetime, outcome: str, note: str = "") -> None:
    """Processing is over (status 9): the dossier goes back to the receiving desk with its outcome."""
    dossier.outcome = outcome
    dossier.resolved_at = now
    dossier.current_unit = dossier.receiving_unit
    dossier.assignee = None
    dossier.save(update_fields=["outcome", "resolved_at", "current_unit", "assignee"])
    change_status(
        dossier,
        Status.RESOLVED,
        by=by,
        kind="resolved",
        at=now,
        note=note,
        data={"outcome": outcome},
        to_unit=dossier.receiving_unit,
    )


def steps_of(dossier: Dossier) -> list[ProcessStep]:
    """The process steps of the dossier's procedure version, in order (ProcessStep.Meta.ordering;
    `.all()` so that a prefetch of the version's steps is used)."""
    return list(dossier.procedure_version.steps.all())


def current_step(dossier: Dossier) -> ProcessStep | None:
    """The step the dossier is in, or None before the first and after the last."""
    steps = steps_of(dossier)
    return steps[dossier.current_step - 1] if 0 < dossier.current_step <= len(steps) else None


def require_step_role(dossier: Dossier, by: User) -> ProcessStep:
    """The current step, if `by` holds its role where the dossier is; else PermissionDenied."""
    step = current_step(dossier)
    if not can_work_on_step(by, dossier, step):
        raise PermissionDenied
    assert step is not None
    return step


def require_no_open_consultation(dossier: Dossier) -> None:
    """A step is not done while a consulted unit has not answered (ND 61/2018 Điều 19 khoản 6)."""
    waiting = list(
        dossier.consultations.filter(answered_at__isnull=True)
        .order_by("order")
        .values_list("unit__name", flat=True)
    )
    if waiting:
        raise ValidationError(
            _("Waiting for the opinion of: %(units)s. The step can be completed once they answer.")
            % {"units": ", ".join(waiting)},
            code="open_consultation",
        )


def _step_unit(dossier: Dossier, step: ProcessStep) -> Unit:
    if step.performer == ProcessStep.Performer.RECEIVING:
        return dossier.receiving_unit
    if step.performer == ProcessStep.Performer.UNIT and step.unit_id is not None:
        return Unit.objects.get(pk=step.unit_id)
    return dossier.competent_unit


def enter_step(
    dossier: Dossier,
    number: int,
    *,
    by: User,
    now: dt.datetime,
    kind: str = "step_started",
    note: str = "",
    handed_over: Callable[[], None] | None = None,
) -> None:
    """Move the dossier into step `number`: its unit, its deadline, and the event.

    `handed_over` writes what moved the dossier here (a forward), once the dossier is in the step and
    before the step's own event: both share one time, and the timeline (at, pk) reads in that order."""
    steps = steps_of(dossier)
    if not 1 <= number <= len(steps):
        raise ValidationError(_("The procedure has no such step."))
    step = steps[number - 1]
    from_unit = dossier.current_unit
    target = _step_unit(dossier, step)
    # Staying inside the same agency keeps a division or assignee chosen by the leader.
    if not dossier.current_unit.path.startswith(target.path):
        dossier.current_unit = target
        dossier.assignee = None
    dossier.current_step = number
    dossier.current_step_due_at = get_calendar().add_working_minutes(now, int(step.hours * 60))
    dossier.save(update_fields=["current_unit", "assignee", "current_step", "current_step_due_at"])
    if handed_over is not None:
        handed_over()
    record_event(
        dossier,
        kind,
        by,
        None,
        None,
        from_unit=from_unit,
        to_unit=dossier.current_unit,
        step=number,
        due_at=dossier.current_step_due_at,
        at=now,
        note=note,
        data={"role": step.role, "step": step.name},
    )


def require_status(dossier: Dossier, *allowed: Status) -> None:
    """Refuse an action the dossier's status does not allow (someone else may have acted first)."""
    if dossier.status not in allowed:
        raise ValidationError(
            _(
                "This action is not possible while the dossier is “%(status)s”; "
                "someone may have changed it in the meantime."
            )
            % {"status": Status(dossier.status).label},
            code="wrong_status",
        )


def record_event(
    dossier: Dossier,
    kind: str,
    actor: User | None,
    from_status: int | None,
    to_status: int | None,
    *,
    at: dt.datetime | None = None,
    from_unit: Unit | None = None,
    to_unit: Unit | None = None,
    to_user: User | None = None,
    step: int | None = None,
    due_at: dt.datetime | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> DossierEvent:
    """One line of the dossier's timeline (and of its control slip)."""
    return DossierEvent.objects.create(
        dossier=dossier,
        at=at or timezone.now(),
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        from_unit=from_unit,
        to_unit=to_unit,
        to_user=to_user,
        step=step,
        due_at=due_at,
        note=note,
        data=data or {},
    )


def change_status(
    dossier: Dossier,
    to: Status,
    *,
    by: User | None,
    kind: str,
    at: dt.datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
    to_unit: Unit | None = None,
    also_saved: Sequence[str] = (),
) -> None:
    """Status change with its event, audit entry, notice (for notified kinds) and portal sync.

    `also_saved`: fields the caller changed with the status, written in the same UPDATE.
    """
    before = dossier.status
    dossier.status = to
    dossier.save(update_fields=["status", *also_saved])
    record_event(dossier, kind, by, before, to, at=at, note=note, data=data, to_unit=to_unit)
    audit.record(
        actor=by,
        action=f"dossier.{kind}",
        target=dossier,
        unit_id=dossier.receiving_unit_id,
        before={"status": before},
        after={"status": int(to), **(data or {})},
    )
    notify(dossier, kind, note=note, data=data)
    queue_portal_sync(dossier)


# Which events the applicant hears about (ND 61/2018 Điều 17–20: receipt, supplement, delay, result).
NOTIFIED = {
    "received",
    "supplement_requested",
    "supplement_requested_at_desk",
    "refused_at_desk",
    "extended",
    "resolved",
    "withdrawn",
    "payment_requested",
    "stopped",
}


def notify(dossier: Dossier, kind: str, *, note: str = "", data: dict[str, Any] | None = None) -> None:
    """Tell the applicant about the event `kind` when it is one they hear about.

    `note` and `data` are the event's: a supplement notice carries its reason and its list.
    """
    if kind not in NOTIFIED:
        return
    with translation.override(settings.LANGUAGE_CODE):
        text = _notification_text(dossier, kind)
        if kind in SUPPLEMENT_KINDS:
            text = f"{text} {supplement_details(list((data or {}).get('missing', [])), note)}"
        notify_applicant(dossier, text)


# The requests for more papers (at the desk, online, or after appraisal).
SUPPLEMENT_KINDS = ("supplement_requested", "supplement_requested_at_desk")


def supplement_details(missing: list[str], reason: str) -> str:
    """The list and the reason of a supplement request in one line, as the applicant reads them.

    ND 61/2018 Điều 17 khoản 2: the online notice states the content, the reason and full
    guidance, so the applicant can supply everything at once without coming to the desk.
    """
    items = "; ".join(f"{number}) {item}" for number, item in enumerate(missing, start=1))
    return _("Papers to add or correct: %(items)s. Reason: %(reason)s.") % {
        "items": items,
        "reason": reason.strip().rstrip("."),
    }


def _notification_text(dossier: Dossier, kind: str) -> str:
    due = timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y") if dossier.due_at else ""
    texts = {
        "received": _(
            "Your dossier %(code)s (%(procedure)s) was received. Appointment for the result: %(due)s."
        ),
        "supplement_requested": _(
            "Dossier %(code)s needs more papers. Please see the request and supply them."
        ),
        "supplement_requested_at_desk": _(
            "Dossier %(code)s is incomplete. Please supply the papers listed on the slip."
        ),
        "refused_at_desk": _("Dossier %(code)s could not be received. The reasons are on the refusal slip."),
        "extended": _("We apologise: dossier %(code)s needs more time. New appointment: %(due)s."),
        "resolved": _("The result of dossier %(code)s is ready."),
        "withdrawn": _("Processing of dossier %(code)s was stopped at your request."),
        "payment_requested": _("Dossier %(code)s: please pay the fees or charges to continue."),
        "stopped": _("Processing of dossier %(code)s was stopped. The reason is on the notice."),
    }
    return texts[kind] % {"code": dossier.code, "procedure": dossier.subject, "due": due}


def portal_payload(dossier: Dossier) -> dict[str, Any]:
    """The status record the national public-service portal expects (field names of its sync API)."""

    def iso(moment: dt.datetime | None) -> str | None:
        return timezone.localtime(moment).isoformat() if moment else None

    components = list(dossier.components.all())
    end = dossier.resolved_at or (dossier.closed_at if dossier.status in CLOSED_STATUSES else None)
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": dossier.procedure.code,
        "MaDonVi": dossier.receiving_unit.identifier,
        "KenhThucHien": dossier.channel,
        "TrangThaiHoSo": dossier.status,
        "NgayTiepNhan": iso(dossier.received_at),
        "NgayHenTra": iso(dossier.due_at),
        "NgayKetThucXuLy": iso(end),
        "DuocThanhToanTrucTuyen": 2 if dossier.fee_payment_method == "online" else 0,
        # Scanned at intake (DuocSoHoa, 766 4.2) and reused from digitised data (4.3) are two
        # indicators: a paper counts in one or the other, never both (TT 01/2023/TT-VPCP).
        "DuocSoHoa": int(any(c.is_digitised for c in components)),
        "HoSoCoThanhPhanSoHoa": int(any(c.is_reused for c in components)),
        "DuocLayTuKhoDMQG": int(any(c.from_citizen_store for c in components)),
        "MaCSDL": "CSDLDC" if dossier.from_population_db else "",
        "TaiKhoanDuocXacThucVoiVNeID": int(dossier.submitted_with_vneid),
        "ThanhPhanHoSo": [
            {
                "TenThanhPhan": c.name,
                "DuocSoHoa": int(c.is_digitised),
                "TaiSuDung": int(c.is_reused),
                "DuocLayTuKhoDMQG": int(c.from_citizen_store),
            }
            for c in components
        ],
    }


def queue_portal_sync(dossier: Dossier) -> None:
    """Queue the dossier's status record for the national portal (sent by the outbox)."""
    sequence = dossier.portal_syncs.count() + 1
    PortalSync.objects.create(
        dossier=dossier, idempotency_key=f"{dossier.code}#{sequence}", payload=portal_payload(dossier)
    )


def notify_applicant(dossier: Dossier, text: str) -> None:
    """Queue a message to the applicant by e-mail and SMS (the outbox sends it)."""
    rows = []
    if dossier.applicant_email:
        rows.append(
            Notification(
                dossier=dossier,
                channel=Notification.Channel.EMAIL,
                recipient=dossier.applicant_email,
                subject=f"[{dossier.code}] {text[:120]}",
                body=text,
            )
        )
    if dossier.applicant_phone:
        rows.append(
            Notification(
                dossier=dossier,
                channel=Notification.Channel.SMS,
                recipient=dossier.applicant_phone,
                body=text[:600],
            )
        )
    Notification.objects.bulk_create(rows)
