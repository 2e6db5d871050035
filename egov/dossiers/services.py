"""Every change to a dossier: receipt, routing, processing, the clock, the result.

Each service checks the action is allowed in the dossier's status and for the acting user,
changes the row, writes the event (the timeline and control slip), the audit entry, the
applicant's notifications and the national-portal sync row — all in one transaction.
Call the services that take a `dossier` with the row locked
(`get_dossier_for_user(..., for_update=True)` inside `transaction.atomic()`).
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import audit
from egov.core.pdf import render_pdf
from egov.core.text import fold
from egov.documents.models import Document
from egov.documents.services import create_document
from egov.dossiers import deadlines
from egov.dossiers.codes import allocate_code
from egov.dossiers.models import (
    CLOSED_STATUSES,
    Channel,
    Consultation,
    Dossier,
    DossierComponent,
    DossierEvent,
    Notification,
    PortalSync,
    Status,
)
from egov.dossiers.permissions import can_act_as, can_receive_at
from egov.organization.calendar import WorkingCalendar, get_calendar
from egov.organization.models import Role, Unit
from egov.organization.permissions import has_role_in
from egov.procedures.models import Component, ProcedureVersion, ProcessStep

# TT 03/2025/TT-VPCP Điều 5 khoản 2: components that need no scan.
EXEMPTIONS = {
    "online": "submitted electronically",
    "shown_only": "shown only (xuất trình)",
    "inter_agency": "verification result of another agency",
    "secret": "secret document",
}

# Which status each action may start from (national codes, vn-standards.md §1.9).
OPEN_BEFORE_RESULT = (
    Status.RECEIVED,
    Status.PROCESSING,
    Status.SUPPLEMENT_REQUESTED,
    Status.PAYMENT_REQUESTED,
)


@dataclass(frozen=True)
class Applicant:
    """Who submits (người nộp) and whose dossier it is (chủ hồ sơ)."""

    name: str
    id_number: str = ""
    birth_date: dt.date | None = None
    address: str = ""
    phone: str = ""
    email: str = ""
    kind: str = Dossier.ApplicantKind.PERSON
    owner_name: str = ""
    owner_address: str = ""
    from_population_db: bool = False


@dataclass(frozen=True)
class ComponentInput:
    """A paper brought or uploaded for one catalogue component (or an extra one)."""

    catalogue_component: Component | None
    document: Document | None = None
    name: str = ""
    exemption: str = ""
    is_digitised: bool = False
    is_reused: bool = False
    from_citizen_store: bool = False


@dataclass
class DeskOutcome:
    """What the desk officer decides (exactly one): accept, ask for more, or refuse."""

    ACCEPT = "accept"
    SUPPLEMENT = "supplement"
    REFUSE = "refuse"

    decision: str
    reason: str = ""
    missing: list[str] = field(default_factory=list)


# --- Receipt at the desk --------------------------------------------------------------------------


def register_at_desk(
    *,
    version: ProcedureVersion,
    receiving_unit: Unit,
    applicant: Applicant,
    components: Sequence[ComponentInput],
    outcome: DeskOutcome,
    received_by: User,
    channel: int = Channel.DIRECT,
    competent_unit: Unit | None = None,
    submission_key: str | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """Receive a dossier at the one-stop desk with exactly one outcome (ND 61/2018 Điều 17).

    Accept → status 2 with the receipt (Mẫu 01) and its appointment time; supplement → status 5
    with every missing paper listed at once (Mẫu 02); refuse → status 3 with reasons (Mẫu 03).
    The same `submission_key` twice returns the first dossier (a double click makes one dossier).
    """
    if submission_key:
        existing = Dossier.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if not can_receive_at(received_by, existing.receiving_unit):
                raise PermissionDenied
            return existing
    if not can_receive_at(received_by, receiving_unit):
        raise PermissionDenied
    if not receiving_unit.receives_dossiers:
        raise ValidationError(_("%(unit)s has no one-stop desk.") % {"unit": receiving_unit.name})
    if not version.procedure.is_in_force or version.procedure.current_version_id != version.pk:
        raise ValidationError(_("This procedure is no longer in force; choose its current version."))
    competent = _competent_unit(version, receiving_unit, competent_unit)
    _check_applicant(applicant)
    _check_outcome(version, components, outcome, channel)
    now = now or timezone.now()
    calendar = get_calendar()
    try:
        with transaction.atomic():
            dossier = create_dossier_row(
                version=version,
                receiving_unit=receiving_unit,
                competent_unit=competent,
                applicant=applicant,
                channel=channel,
                now=now,
                submission_key=submission_key,
            )
            _save_components(dossier, version, components)
            _event(
                dossier, "registered", received_by, None, Status.REGISTERED, at=now, to_unit=receiving_unit
            )
            if outcome.decision == DeskOutcome.ACCEPT:
                _accept(dossier, calendar, by=received_by, now=now)
            elif outcome.decision == DeskOutcome.SUPPLEMENT:
                _change_status(
                    dossier,
                    Status.SUPPLEMENT_REQUESTED,
                    by=received_by,
                    kind="supplement_requested_at_desk",
                    note=outcome.reason,
                    data={"missing": outcome.missing},
                    at=now,
                )
            else:
                _change_status(
                    dossier,
                    Status.NOT_RECEIVED,
                    by=received_by,
                    kind="refused_at_desk",
                    note=outcome.reason,
                    at=now,
                )
                dossier.closed_at = now
                dossier.save(update_fields=["closed_at"])
    except IntegrityError:
        # Two clicks raced past the first check: the other request made the dossier.
        if submission_key:
            return Dossier.objects.get(submission_key=submission_key)
        raise
    return dossier


def create_dossier_row(
    *,
    version: ProcedureVersion,
    receiving_unit: Unit,
    competent_unit: Unit,
    applicant: Applicant,
    channel: int,
    now: dt.datetime,
    citizen: User | None = None,
    submission_key: str | None = None,
) -> Dossier:
    """Insert a new dossier in status 1 with its code; the caller holds the transaction.

    The one place a Dossier row is born, whatever the channel: the code is taken here, inside the
    caller's transaction, so a rollback gives the number back (TT 01/2018 Điều 19).
    """
    dossier = Dossier(
        code=allocate_code(receiving_unit, now),
        procedure=version.procedure,
        procedure_version=version,
        receiving_unit=receiving_unit,
        competent_unit=competent_unit,
        current_unit=receiving_unit,
        channel=channel,
        status=Status.REGISTERED,
        applicant_kind=applicant.kind,
        applicant_name=applicant.name.strip(),
        applicant_id_number=applicant.id_number,
        applicant_birth_date=applicant.birth_date,
        applicant_address=applicant.address,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        owner_name=applicant.owner_name or applicant.name.strip(),
        owner_address=applicant.owner_address or applicant.address,
        from_population_db=applicant.from_population_db,
        citizen=citizen,
        subject=version.name,
        fee_amount=sum(fee.amount for fee in version.fees.all()),
        submission_key=submission_key,
        created_at=now,
    )
    dossier.search_text = fold(
        f"{dossier.code} {dossier.applicant_name} {dossier.owner_name} {dossier.applicant_id_number}"
    )
    dossier.save(force_insert=True)
    return dossier


def accept_after_supplement(
    dossier: Dossier, *, by: User, components: Sequence[ComponentInput] = ()
) -> Dossier:
    """The applicant came back with what was missing at the desk: receive the dossier now."""
    _require_status(dossier, Status.SUPPLEMENT_REQUESTED)
    if dossier.received_at is not None:
        raise ValidationError(_("This dossier was already received; record the supplement instead."))
    if not can_receive_at(by, dossier.receiving_unit):
        raise PermissionDenied
    if components:
        _replace_documents(dossier, components)
    _check_outcome(
        dossier.procedure_version, _current_inputs(dossier), DeskOutcome(DeskOutcome.ACCEPT), dossier.channel
    )
    _accept(dossier, get_calendar(), by=by, now=timezone.now())
    return dossier


def _accept(dossier: Dossier, calendar: WorkingCalendar, *, by: User, now: dt.datetime) -> None:
    dossier.received_at = now
    dossier.due_at = deadlines.legal_due_at(calendar, dossier.procedure_version, now)
    dossier.forward_due_at = deadlines.forward_due_at(calendar, now)
    dossier.current_step = 1
    steps = _steps(dossier)
    dossier.current_step_due_at = deadlines.step_due_times(calendar, steps[:1], now)[0] if steps else None
    dossier.save(
        update_fields=["received_at", "due_at", "forward_due_at", "current_step", "current_step_due_at"]
    )
    _change_status(
        dossier, Status.RECEIVED, by=by, kind="received", at=now, data={"due_at": dossier.due_at.isoformat()}
    )


# --- Routing and processing -----------------------------------------------------------------------


def forward_dossier(dossier: Dossier, *, by: User, now: dt.datetime | None = None) -> Dossier:
    """Send a received dossier on to the unit of its next process step (ND 61/2018 Điều 18)."""
    _require_status(dossier, Status.RECEIVED)
    if not can_receive_at(by, dossier.receiving_unit):
        raise PermissionDenied
    now = now or timezone.now()
    late = dossier.forward_due_at is not None and now > dossier.forward_due_at
    dossier.forwarded_at = now
    dossier.save(update_fields=["forwarded_at"])
    _enter_step(dossier, dossier.current_step + 1, by=by, now=now)
    _change_status(
        dossier,
        Status.PROCESSING,
        by=by,
        kind="forwarded",
        at=now,
        data={"late_forwarding": late},
        to_unit=dossier.current_unit,
    )
    return dossier


def assign_dossier(
    dossier: Dossier, *, by: User, to_user: User | None = None, to_unit: Unit | None = None
) -> Dossier:
    """Hand the dossier to a specialist or a division of the unit where it is (ND 61/2018 Điều 19 khoản 1)."""
    _require_status(dossier, Status.PROCESSING)
    if not can_act_as(by, dossier, Role.LEADER, Role.HEAD_OF_DEPARTMENT, Role.CLERK):
        raise PermissionDenied
    if to_unit is not None:
        if not to_unit.path.startswith(dossier.current_unit.path):
            raise ValidationError(_("A dossier can only be handed to a division of the unit that holds it."))
        from_unit = dossier.current_unit
        dossier.current_unit = to_unit
        dossier.save(update_fields=["current_unit"])
        _event(dossier, "assigned_unit", by, None, None, from_unit=from_unit, to_unit=to_unit)
    if to_user is not None:
        if not can_act_as(to_user, dossier, Role.SPECIALIST, Role.HEAD_OF_DEPARTMENT):
            raise ValidationError(
                _("%(name)s does not work in the unit that holds this dossier.")
                % {"name": to_user.display_name}
            )
        dossier.assignee = to_user
        dossier.save(update_fields=["assignee"])
        _event(dossier, "assigned", by, None, None, to_user=to_user)
    audit.record(
        actor=by,
        action="dossier.assigned",
        target=dossier,
        unit_id=dossier.current_unit_id,
        after={
            "assignee": to_user.get_username() if to_user else None,
            "unit": to_unit.identifier if to_unit else None,
        },
    )
    return dossier


def record_appraisal(
    dossier: Dossier,
    *,
    by: User,
    note: str,
    verification: dict[str, str] | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """Appraisal notes, and a verification record if any (ND 61/2018 Điều 19 khoản 3).

    A verification record holds time, place, participants and content when the applicant attends.
    """
    _require_status(dossier, Status.PROCESSING)
    if not can_act_as(by, dossier, Role.SPECIALIST, Role.HEAD_OF_DEPARTMENT, Role.LEADER):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("Write what the appraisal found.")})
    _event(dossier, "appraised", by, None, None, at=now, note=note, data={"verification": verification or {}})
    return dossier


def complete_step(dossier: Dossier, *, by: User, note: str = "", now: dt.datetime | None = None) -> Dossier:
    """The current step is done: move to the next step's unit and role.

    When the next step is the return at the receiving desk (or there is none), the result is ready.
    """
    _require_status(dossier, Status.PROCESSING)
    step = _current_step(dossier)
    if step is None or not can_act_as(by, dossier, Role(step.role)):
        raise PermissionDenied
    now = now or timezone.now()
    _event(
        dossier,
        "step_completed",
        by,
        None,
        None,
        step=dossier.current_step,
        note=note,
        due_at=dossier.current_step_due_at,
        at=now,
    )
    steps = _steps(dossier)
    following = steps[dossier.current_step] if dossier.current_step < len(steps) else None
    if following is None or (
        following.performer == ProcessStep.Performer.RECEIVING and following.role == Role.DESK_OFFICER
    ):
        # The result goes back to the desk that received the dossier: processing is over.
        if following is not None:
            _enter_step(dossier, dossier.current_step + 1, by=by, now=now)
        _resolve(dossier, by=by, now=now, outcome=Dossier.ResultOutcome.GRANTED, note=note)
    else:
        _enter_step(dossier, dossier.current_step + 1, by=by, now=now)
    return dossier


def send_back(dossier: Dossier, *, by: User, reason: str, now: dt.datetime | None = None) -> Dossier:
    """Return the dossier to the previous step (e.g. the leader sends a draft back to the specialist)."""
    _require_status(dossier, Status.PROCESSING)
    step = _current_step(dossier)
    if step is None or not can_act_as(by, dossier, Role(step.role)):
        raise PermissionDenied
    if dossier.current_step <= 2:
        raise ValidationError(_("This is the first processing step; there is nothing to send it back to."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the dossier is sent back.")})
    _enter_step(
        dossier, dossier.current_step - 1, by=by, now=now or timezone.now(), kind="sent_back", note=reason
    )
    return dossier


def transfer_dossier(dossier: Dossier, *, by: User, to_unit: Unit, reason: str) -> Dossier:
    """Move the dossier to another competent authority or level, keeping its receiving unit and code.

    ND 118/2025: dossiers are received regardless of administrative boundaries; the result still
    goes back through the unit that received it.
    """
    if dossier.status not in (Status.RECEIVED, Status.PROCESSING):
        raise ValidationError(_("Only a dossier being processed can be transferred."))
    if not (can_act_as(by, dossier, Role.LEADER, Role.HEAD_OF_DEPARTMENT, Role.DESK_OFFICER)):
        raise PermissionDenied
    if to_unit.pk == dossier.competent_unit_id:
        raise ValidationError(_("The dossier is already with that unit."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the dossier is transferred.")})
    from_unit = dossier.current_unit
    dossier.competent_unit = to_unit
    dossier.current_unit = to_unit
    dossier.assignee = None
    dossier.save(update_fields=["competent_unit", "current_unit", "assignee"])
    _event(dossier, "transferred", by, None, None, from_unit=from_unit, to_unit=to_unit, note=reason)
    audit.record(
        actor=by,
        action="dossier.transferred",
        target=dossier,
        unit_id=to_unit.pk,
        before={"unit": from_unit.identifier},
        after={"unit": to_unit.identifier},
    )
    return dossier


# --- Consultation ---------------------------------------------------------------------------------


def consult_units(
    dossier: Dossier,
    *,
    by: User,
    units: Sequence[Unit],
    content: str,
    mode: str,
    lead_unit: Unit | None = None,
    hours_each: int = 8,
    now: dt.datetime | None = None,
) -> list[Consultation]:
    """Ask other units for their opinion, one after another or all at once (ND 61/2018 Điều 19 khoản 6)."""
    _require_status(dossier, Status.PROCESSING)
    if not can_act_as(by, dossier, Role.SPECIALIST, Role.HEAD_OF_DEPARTMENT, Role.LEADER):
        raise PermissionDenied
    if not units:
        raise ValidationError({"units": _("Choose at least one unit to consult.")})
    if not content.strip():
        raise ValidationError({"content": _("Say what the units are asked.")})
    if mode == Consultation.Mode.PARALLEL and (lead_unit is None or lead_unit not in units):
        raise ValidationError(
            {"lead_unit": _("A parallel consultation needs a lead unit among those consulted.")}
        )
    now = now or timezone.now()
    calendar = get_calendar()
    rows = []
    for order, unit in enumerate(units, start=1):
        starts_now = mode == Consultation.Mode.PARALLEL or order == 1
        rows.append(
            Consultation.objects.create(
                dossier=dossier,
                unit=unit,
                mode=mode,
                order=order,
                is_lead=unit == lead_unit,
                content=content,
                requested_by=by,
                requested_at=now,
                working_hours=hours_each,
                started_at=now if starts_now else None,
                due_at=calendar.add_working_hours(now, hours_each) if starts_now else None,
            )
        )
    _event(
        dossier,
        "consultation_requested",
        by,
        None,
        None,
        note=content,
        data={
            "mode": mode,
            "units": [u.identifier for u in units],
            "lead": lead_unit.identifier if lead_unit else None,
        },
    )
    return rows


def answer_consultation(
    consultation: Consultation, *, by: User, answer: str, now: dt.datetime | None = None
) -> Consultation:
    """A consulted unit answers; in a sequential chain the next unit's turn starts (hand-over slip)."""
    if consultation.answered_at is not None:
        raise ValidationError(_("This consultation was already answered."))
    if consultation.started_at is None:
        raise ValidationError(_("It is not this unit's turn yet."))
    if not has_role_in(by, consultation.unit, Role.SPECIALIST, Role.HEAD_OF_DEPARTMENT, Role.LEADER):
        raise PermissionDenied
    if not answer.strip():
        raise ValidationError({"answer": _("Write the unit's opinion.")})
    now = now or timezone.now()
    consultation.answered_at, consultation.answered_by, consultation.answer = now, by, answer
    consultation.save(update_fields=["answered_at", "answered_by", "answer"])
    following = (
        Consultation.objects.filter(
            dossier=consultation.dossier,
            mode=Consultation.Mode.SEQUENTIAL,
            order__gt=consultation.order,
            answered_at__isnull=True,
            started_at__isnull=True,
        )
        .order_by("order")
        .first()
    )
    if following is not None:
        following.started_at = now
        following.due_at = get_calendar().add_working_hours(now, following.working_hours)
        following.save(update_fields=["started_at", "due_at"])
    late = consultation.due_at is not None and now > consultation.due_at
    _event(
        consultation.dossier,
        "consultation_answered",
        by,
        None,
        None,
        note=answer,
        from_unit=consultation.unit,
        to_unit=following.unit if following else None,
        data={"late": late, "consultation": consultation.pk},
    )
    return consultation


# --- The clock: supplements, extensions, stops ----------------------------------------------------


def request_supplement(
    dossier: Dossier, *, by: User, missing: list[str], reason: str, now: dt.datetime | None = None
) -> Dossier:
    """Ask for more papers after appraisal, all at once (ND 61/2018 Điều 19 khoản 4; ND 118/2025 Điều 11).

    The clock stops while the applicant prepares them. A second request, or one asked more than
    3 working days after receipt, counts the dossier as late (QĐ 766 indicator 2.1).
    """
    _require_status(dossier, Status.PROCESSING)
    if not can_act_as(by, dossier, Role.SPECIALIST, Role.HEAD_OF_DEPARTMENT, Role.LEADER):
        raise PermissionDenied
    missing = [item.strip() for item in missing if item.strip()]
    if not missing or not reason.strip():
        raise ValidationError(_("List every missing paper and the reason, all at once."))
    now = now or timezone.now()
    assert dossier.received_at is not None
    too_late = not deadlines.supplement_still_allowed(get_calendar(), dossier.received_at, now)
    dossier.supplement_count += 1
    dossier.paused_at = now
    dossier.counts_as_late = dossier.counts_as_late or dossier.supplement_count > 1 or too_late
    dossier.save(update_fields=["supplement_count", "paused_at", "counts_as_late"])
    _change_status(
        dossier,
        Status.SUPPLEMENT_REQUESTED,
        by=by,
        kind="supplement_requested",
        at=now,
        note=reason,
        data={"missing": missing, "too_late": too_late},
    )
    return dossier


def receive_supplement(
    dossier: Dossier, *, by: User, components: Sequence[ComponentInput] = (), now: dt.datetime | None = None
) -> Dossier:
    """The papers came: the time limit starts again from zero (ND 61/2018 Điều 19 khoản 4)."""
    _require_status(dossier, Status.SUPPLEMENT_REQUESTED)
    if dossier.received_at is None:
        raise ValidationError(_("This dossier was never received; accept it at the desk instead."))
    if not (can_receive_at(by, dossier.receiving_unit) or can_act_as(by, dossier, Role.SPECIALIST)):
        raise PermissionDenied
    now = now or timezone.now()
    calendar = get_calendar()
    if components:
        _replace_documents(dossier, components)
    assert dossier.paused_at is not None
    dossier.paused_minutes += calendar.working_minutes_between(dossier.paused_at, now)
    dossier.paused_at = None
    dossier.due_at = deadlines.restarted_due_at(calendar, dossier.procedure_version, now)
    dossier.save(update_fields=["paused_minutes", "paused_at", "due_at"])
    _change_status(
        dossier,
        Status.PROCESSING,
        by=by,
        kind="supplement_received",
        at=now,
        data={"due_at": dossier.due_at.isoformat()},
    )
    return dossier


def extend_deadline(
    dossier: Dossier, *, by: User, new_due_at: dt.datetime, reason: str, now: dt.datetime | None = None
) -> Dossier:
    """Apologise and set a new appointment (Mẫu 04): once, at least one working day before the due time."""
    if dossier.status not in (Status.RECEIVED, Status.PROCESSING):
        raise ValidationError(_("Only a dossier being processed can be extended."))
    if not can_act_as(by, dossier, Role.LEADER, Role.HEAD_OF_DEPARTMENT):
        raise PermissionDenied
    now = now or timezone.now()
    assert dossier.due_at is not None
    if dossier.extension_count >= 1:
        raise ValidationError(_("The appointment can be changed only once (ND 61/2018 Art. 19(9))."))
    if not deadlines.extension_allowed(get_calendar(), dossier.due_at, now):
        raise ValidationError(
            _("Too late: the apology must be sent at least one working day before the appointment.")
        )
    if new_due_at <= dossier.due_at:
        raise ValidationError({"new_due_at": _("The new appointment must be after the current one.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the delay.")})
    old = dossier.due_at
    dossier.due_at = new_due_at
    dossier.extension_count += 1
    dossier.save(update_fields=["due_at", "extension_count"])
    _event(
        dossier,
        "extended",
        by,
        None,
        None,
        note=reason,
        at=now,
        data={"old_due_at": old.isoformat(), "new_due_at": new_due_at.isoformat()},
    )
    _notify(dossier, "extended")
    _queue_portal_sync(dossier)
    audit.record(
        actor=by,
        action="dossier.extended",
        target=dossier,
        unit_id=dossier.current_unit_id,
        before={"due_at": old.isoformat()},
        after={"due_at": new_due_at.isoformat()},
    )
    return dossier


def withdraw_dossier(dossier: Dossier, *, by: User, reason: str, now: dt.datetime | None = None) -> Dossier:
    """The applicant asks to stop (ND 118/2025 Điều 21): stop notice (Mẫu 05) while no result exists."""
    if dossier.status not in (Status.REGISTERED, *OPEN_BEFORE_RESULT):
        raise ValidationError(
            _("A result already exists or the dossier is closed; it can no longer be withdrawn.")
        )
    is_applicant = dossier.citizen_id == by.pk
    if not (is_applicant or can_receive_at(by, dossier.receiving_unit)):
        raise PermissionDenied
    now = now or timezone.now()
    _change_status(dossier, Status.WITHDRAWN, by=by, kind="withdrawn", at=now, note=reason)
    dossier.closed_at = now
    dossier.save(update_fields=["closed_at"])
    return dossier


def refuse_after_appraisal(
    dossier: Dossier, *, by: User, reason: str, now: dt.datetime | None = None
) -> Dossier:
    """Not eligible: the refusal (Mẫu 03) becomes the result, within the time limit (Điều 19 khoản 8)."""
    _require_status(dossier, Status.PROCESSING)
    if not can_act_as(by, dossier, Role.LEADER):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reasons for the refusal.")})
    _resolve(dossier, by=by, now=now or timezone.now(), outcome=Dossier.ResultOutcome.REFUSED, note=reason)
    return dossier


def attach_result(dossier: Dossier, *, by: User, document: Document) -> Dossier:
    """The result document (generated or uploaded; signed by the leader and sealed in the signatures app)."""
    if dossier.status not in (Status.PROCESSING, Status.RESOLVED):
        raise ValidationError(_("A result can only be attached while the dossier is processed."))
    if not can_act_as(by, dossier, Role.SPECIALIST, Role.LEADER, Role.CLERK):
        raise PermissionDenied
    dossier.result_document = document
    dossier.save(update_fields=["result_document"])
    _event(dossier, "result_attached", by, None, None, data={"document": document.pk})
    return dossier


def is_immediate(version: ProcedureVersion) -> bool:
    """A procedure whose result is given at the desk the same visit (ND 61/2018 Điều 17 khoản 4).

    Every step is done by the desk that received it, or the whole limit is half a day at most.
    """
    steps = list(version.steps.all())
    at_desk = bool(steps) and all(
        s.performer == ProcessStep.Performer.RECEIVING and s.role == Role.DESK_OFFICER for s in steps
    )
    return at_desk or (version.time_limit_hours is not None and version.time_limit_hours <= 4)


def resolve_at_desk(dossier: Dossier, *, by: User, now: dt.datetime | None = None) -> Dossier:
    """Close an immediate-result dossier at the desk: processed and handed over in one visit.

    No receipt is needed unless the applicant asks, but the status is still recorded (Điều 17 khoản 4).
    """
    _require_status(dossier, Status.RECEIVED)
    if not can_receive_at(by, dossier.receiving_unit):
        raise PermissionDenied
    if not is_immediate(dossier.procedure_version):
        raise ValidationError(_("This procedure's result is not given at the desk; forward the dossier."))
    now = now or timezone.now()
    _resolve(dossier, by=by, now=now, outcome=Dossier.ResultOutcome.GRANTED)
    return return_result(dossier, by=by, method=Dossier.ReturnMethod.DESK, now=now)


def generate_result(dossier: Dossier, *, by: User, note: str = "") -> Document:
    """Draft the result document from the template, for the leader to check, sign and seal.

    The document belongs to the unit that holds the dossier; it becomes the dossier's result.
    """
    if dossier.status not in (Status.PROCESSING, Status.RESOLVED):
        raise ValidationError(_("A result can only be drafted while the dossier is processed."))
    if not can_act_as(by, dossier, Role.SPECIALIST, Role.LEADER, Role.CLERK):
        raise PermissionDenied
    version = dossier.procedure_version
    unit = dossier.competent_unit
    pdf = render_pdf(
        "dossiers/pdf/result.html",
        {
            "issuer": unit.name.upper(),
            "issuer_parent": unit.parent.name.upper() if unit.parent else "",
            "number": dossier.code,
            "place": "Thái Nguyên",
            "date": timezone.localdate(),
            "result_title": version.result.split(";")[0].split("(")[0].strip() or version.name,
            "procedure": version.name,
            "legal_basis": version.legal_basis.split(";")[0],
            "dossier_code": dossier.code,
            "received_at": timezone.localtime(dossier.received_at).strftime("%H giờ %M, ngày %d/%m/%Y")
            if dossier.received_at
            else "",
            "applicant": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "address": dossier.applicant_address,
            "note": note,
            "signer_position": "Thủ trưởng cơ quan",
            "recipients": [dossier.applicant_name, "Lưu: VT"],
        },
        page_size="A4",
    )
    document = create_document(
        title=_("Result of dossier %(code)s") % {"code": dossier.code},
        unit=dossier.current_unit,
        file=SimpleUploadedFile(f"ket-qua-{dossier.code}.pdf", pdf, content_type="application/pdf"),
        uploaded_by=by,
    )
    attach_result(dossier, by=by, document=document)
    return document


def return_result(
    dossier: Dossier,
    *,
    by: User,
    method: str,
    carrier: str = "",
    tracking: str = "",
    now: dt.datetime | None = None,
) -> Dossier:
    """Hand over the result at the desk, by post or online (ND 61/2018 Điều 20): status 9 → 10."""
    _require_status(dossier, Status.RESOLVED)
    if method not in Dossier.ReturnMethod.values:
        raise ValidationError({"method": _("Choose how the result is returned.")})
    if method == Dossier.ReturnMethod.POST and not (carrier.strip() and tracking.strip()):
        raise ValidationError(_("Give the postal carrier and the tracking number."))
    if method == Dossier.ReturnMethod.ONLINE and dossier.result_document_id is None:
        raise ValidationError(_("An online return needs the signed electronic result."))
    if not can_receive_at(by, dossier.receiving_unit):
        raise PermissionDenied
    now = now or timezone.now()
    dossier.return_method, dossier.postal_carrier, dossier.postal_tracking = method, carrier, tracking
    dossier.returned_at = dossier.closed_at = now
    dossier.save(
        update_fields=["return_method", "postal_carrier", "postal_tracking", "returned_at", "closed_at"]
    )
    _change_status(
        dossier,
        Status.RETURNED,
        by=by,
        kind="returned",
        at=now,
        data={"method": method, "carrier": carrier, "tracking": tracking},
    )
    return dossier


def request_payment(dossier: Dossier, *, by: User, reason: str, now: dt.datetime | None = None) -> Dossier:
    """Ask the applicant to fulfil a financial obligation before processing goes on (status 6)."""
    _require_status(dossier, Status.PROCESSING)
    if not can_act_as(by, dossier, Role.SPECIALIST, Role.HEAD_OF_DEPARTMENT, Role.LEADER):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say what must be paid and why.")})
    _change_status(
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
        _change_status(
            dossier,
            Status.PROCESSING,
            by=by,
            kind="fee_paid",
            at=now,
            data={"method": method, "amount": dossier.fee_amount},
        )
    else:
        _event(
            dossier, "fee_paid", by, None, None, at=now, data={"method": method, "amount": dossier.fee_amount}
        )
        _queue_portal_sync(dossier)
    return dossier


def stop_processing(dossier: Dossier, *, by: User, reason: str, now: dt.datetime | None = None) -> Dossier:
    """The agency stops processing (status 8 Dừng xử lý), e.g. the applicant did not supply in time."""
    if dossier.status not in OPEN_BEFORE_RESULT:
        raise ValidationError(_("Only a dossier being processed can be stopped."))
    if not can_act_as(by, dossier, Role.LEADER):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for stopping.")})
    now = now or timezone.now()
    _change_status(dossier, Status.STOPPED, by=by, kind="stopped", at=now, note=reason)
    dossier.closed_at = now
    dossier.save(update_fields=["closed_at"])
    return dossier


# --- Internals ------------------------------------------------------------------------------------


def _resolve(dossier: Dossier, *, by: User, now: dt.datetime, outcome: str, note: str = "") -> None:
    dossier.outcome = outcome
    dossier.resolved_at = now
    dossier.current_unit = dossier.receiving_unit
    dossier.assignee = None
    dossier.save(update_fields=["outcome", "resolved_at", "current_unit", "assignee"])
    _change_status(
        dossier,
        Status.RESOLVED,
        by=by,
        kind="resolved",
        at=now,
        note=note,
        data={"outcome": outcome},
        to_unit=dossier.receiving_unit,
    )


def _competent_unit(version: ProcedureVersion, receiving: Unit, chosen: Unit | None) -> Unit:
    if chosen is not None:
        return chosen
    if version.competent_unit_id is not None:
        return Unit.objects.get(pk=version.competent_unit_id)
    if receiving.level.code == "commune":
        return receiving
    raise ValidationError({"competent_unit": _("Choose the commune or ward that will decide this dossier.")})


def _check_applicant(applicant: Applicant) -> None:
    errors: dict[str, str] = {}
    if not applicant.name.strip():
        errors["applicant_name"] = _("Enter the applicant's name.")
    is_person = applicant.kind == Dossier.ApplicantKind.PERSON
    if (
        is_person
        and applicant.id_number
        and not (applicant.id_number.isdigit() and len(applicant.id_number) == 12)
    ):
        errors["applicant_id_number"] = _("A personal identification number has 12 digits.")
    if applicant.phone and not (applicant.phone.isdigit() and len(applicant.phone) in (10, 11)):
        errors["applicant_phone"] = _("Enter a phone number of 10 digits, e.g. 0912345678.")
    if errors:
        raise ValidationError(errors)


def _check_outcome(
    version: ProcedureVersion, components: Sequence[ComponentInput], outcome: DeskOutcome, channel: int
) -> None:
    if outcome.decision not in (DeskOutcome.ACCEPT, DeskOutcome.SUPPLEMENT, DeskOutcome.REFUSE):
        raise ValidationError(_("Choose exactly one outcome: accept, request a supplement or refuse."))
    if outcome.decision == DeskOutcome.REFUSE and not outcome.reason.strip():
        raise ValidationError({"reason": _("Give the reasons for the refusal.")})
    if outcome.decision == DeskOutcome.SUPPLEMENT and not outcome.missing:
        raise ValidationError({"missing": _("List every missing paper at once.")})
    for item in components:
        if item.exemption and item.exemption not in EXEMPTIONS:
            raise ValidationError(
                {"components": _("Unknown exemption “%(value)s”.") % {"value": item.exemption}}
            )
    if outcome.decision != DeskOutcome.ACCEPT:
        return
    # TT 03/2025 Điều 5: paper dossiers are digitised before they are accepted, except exemptions.
    present = {
        item.catalogue_component.pk
        for item in components
        if item.catalogue_component is not None and (item.document is not None or item.exemption)
    }
    missing = [c.name for c in version.components.all() if c.is_required and c.pk not in present]
    if missing:
        raise ValidationError(
            {"components": [_("Missing or not scanned: %(name)s") % {"name": name} for name in missing]}
        )


def _save_components(
    dossier: Dossier, version: ProcedureVersion, components: Sequence[ComponentInput]
) -> None:
    rows = []
    for position, item in enumerate(components, start=1):
        rows.append(
            DossierComponent(
                dossier=dossier,
                catalogue_component=item.catalogue_component,
                position=position,
                name=item.name or (item.catalogue_component.name if item.catalogue_component else ""),
                is_required=item.catalogue_component.is_required if item.catalogue_component else False,
                document=item.document,
                exemption=item.exemption,
                is_digitised=item.is_digitised or item.document is not None,
                is_reused=item.is_reused,
                from_citizen_store=item.from_citizen_store,
            )
        )
    DossierComponent.objects.bulk_create(rows)


def _current_inputs(dossier: Dossier) -> list[ComponentInput]:
    return [
        ComponentInput(catalogue_component=c.catalogue_component, document=c.document, exemption=c.exemption)
        for c in dossier.components.select_related("catalogue_component", "document")
    ]


def _replace_documents(dossier: Dossier, components: Sequence[ComponentInput]) -> None:
    by_component = {c.catalogue_component_id: c for c in dossier.components.all()}
    next_position = max((c.position for c in by_component.values()), default=0) + 1
    for item in components:
        existing = by_component.get(item.catalogue_component.pk if item.catalogue_component else None)
        if existing is not None:
            existing.document = item.document or existing.document
            existing.exemption = item.exemption or existing.exemption
            existing.is_digitised = existing.document is not None
            existing.save(update_fields=["document", "exemption", "is_digitised"])
        else:
            DossierComponent.objects.create(
                dossier=dossier,
                catalogue_component=item.catalogue_component,
                position=next_position,
                name=item.name or (item.catalogue_component.name if item.catalogue_component else ""),
                document=item.document,
                exemption=item.exemption,
                is_digitised=item.document is not None,
            )
            next_position += 1


def _steps(dossier: Dossier) -> list[ProcessStep]:
    return list(dossier.procedure_version.steps.order_by("position"))


def _current_step(dossier: Dossier) -> ProcessStep | None:
    steps = _steps(dossier)
    return steps[dossier.current_step - 1] if 0 < dossier.current_step <= len(steps) else None


def _step_unit(dossier: Dossier, step: ProcessStep) -> Unit:
    if step.performer == ProcessStep.Performer.RECEIVING:
        return dossier.receiving_unit
    if step.performer == ProcessStep.Performer.UNIT and step.unit_id is not None:
        return Unit.objects.get(pk=step.unit_id)
    return dossier.competent_unit


def _enter_step(
    dossier: Dossier, number: int, *, by: User, now: dt.datetime, kind: str = "step_started", note: str = ""
) -> None:
    steps = _steps(dossier)
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
    _event(
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


def _require_status(dossier: Dossier, *allowed: Status) -> None:
    if dossier.status not in allowed:
        raise ValidationError(
            _(
                "This action is not possible while the dossier is “%(status)s”; "
                "someone may have changed it in the meantime."
            )
            % {"status": Status(dossier.status).label},
            code="wrong_status",
        )


def _event(
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


def _change_status(
    dossier: Dossier,
    to: Status,
    *,
    by: User | None,
    kind: str,
    at: dt.datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
    to_unit: Unit | None = None,
) -> None:
    before = dossier.status
    dossier.status = to
    dossier.save(update_fields=["status"])
    _event(dossier, kind, by, before, to, at=at, note=note, data=data, to_unit=to_unit)
    audit.record(
        actor=by,
        action=f"dossier.{kind}",
        target=dossier,
        unit_id=dossier.receiving_unit_id,
        before={"status": before},
        after={"status": int(to), **(data or {})},
    )
    _notify(dossier, kind)
    _queue_portal_sync(dossier)


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


def _notify(dossier: Dossier, kind: str) -> None:
    if kind not in NOTIFIED:
        return
    with translation.override(settings.LANGUAGE_CODE):
        notify_applicant(dossier, _notification_text(dossier, kind))


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
        "HoSoCoThanhPhanSoHoa": int(any(c.is_digitised or c.is_reused for c in components)),
        "DuocLayTuKhoDMQG": int(any(c.from_citizen_store for c in components)),
        "MaCSDL": "CSDLDC" if dossier.from_population_db else "",
        "TaiKhoanDuocXacThucVoiVNeID": 0,
    }


def _queue_portal_sync(dossier: Dossier) -> None:
    sequence = dossier.portal_syncs.count() + 1
    PortalSync.objects.create(
        dossier=dossier, idempotency_key=f"{dossier.code}#{sequence}", payload=portal_payload(dossier)
    )


# --- For the online channel (egov.dossiers.online) ------------------------------------------------
# Small public doors onto the internals above, so online reception writes the same events,
# audit entries, notifications and portal sync rows as the desk.


def record_online_submission(
    dossier: Dossier, *, by: User, at: dt.datetime, review_due_at: dt.datetime, form: dict[str, Any]
) -> None:
    """The first event of a dossier submitted online, its audit entry, the notice and the sync row.

    The e-form's values go in the event (the dossier's record), never in the audit log.
    """
    due = review_due_at.isoformat()
    _event(
        dossier,
        "submitted_online",
        by,
        None,
        Status.REGISTERED,
        at=at,
        to_unit=dossier.receiving_unit,
        data={"online_review_due_at": due, "form": form},
    )
    audit.record(
        actor=by,
        action="dossier.submitted_online",
        target=dossier,
        unit_id=dossier.receiving_unit_id,
        after={"status": int(Status.REGISTERED), "online_review_due_at": due},
    )
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "Your dossier %(code)s (%(procedure)s) was received online and is waiting to be checked "
            "by the one-stop desk."
        ) % {"code": dossier.code, "procedure": dossier.subject}
    notify_applicant(dossier, text)
    _queue_portal_sync(dossier)


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


def change_status(
    dossier: Dossier,
    to: Status,
    *,
    by: User | None,
    kind: str,
    at: dt.datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """Status change with its event, audit entry, notice (for notified kinds) and portal sync."""
    _change_status(dossier, to, by=by, kind=kind, at=at, note=note, data=data)


def accept_received(dossier: Dossier, *, by: User, now: dt.datetime) -> None:
    """Receive a checked dossier: appointment time, forwarding and first step deadlines (status 2)."""
    _accept(dossier, get_calendar(), by=by, now=now)


def require_status(dossier: Dossier, *allowed: Status) -> None:
    _require_status(dossier, *allowed)


def check_applicant(applicant: Applicant) -> None:
    _check_applicant(applicant)


def competent_unit_for(version: ProcedureVersion, receiving: Unit) -> Unit:
    return _competent_unit(version, receiving, None)
