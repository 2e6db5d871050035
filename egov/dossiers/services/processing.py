"""Routing and processing (ND 61/2018 Điều 18–19): forward, assign, appraise, complete, send back, move."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import audit
from egov.dossiers.models import (
    Dossier,
    Status,
)
from egov.dossiers.permissions import can_act_as, can_receive_at
from egov.dossiers.services.results import check_step_output
from egov.dossiers.services.transitions import (
    change_status,
    enter_step,
    record_event,
    require_no_open_consultation,
    require_status,
    require_step_role,
    resolve,
    steps_of,
)
from egov.organization.models import Membership, Role, Unit
from egov.organization.permissions import deciding_units
from egov.procedures.models import ProcessStep


def forward_dossier(dossier: Dossier, *, by: User, now: dt.datetime | None = None) -> Dossier:
    """Send a received dossier on to the unit of its next process step (ND 61/2018 Điều 18)."""
    require_status(dossier, Status.RECEIVED)
    if not can_receive_at(by, dossier.receiving_unit):
        raise PermissionDenied
    now = now or timezone.now()
    late = dossier.forward_due_at is not None and now > dossier.forward_due_at
    dossier.forwarded_at = now
    dossier.save(update_fields=["forwarded_at"])

    def forwarded() -> None:
        change_status(
            dossier,
            Status.PROCESSING,
            by=by,
            kind="forwarded",
            at=now,
            data={"late_forwarding": late},
            to_unit=dossier.current_unit,
        )

    # The forward is written before the step it starts (the history reads in the order it happened).
    enter_step(dossier, dossier.current_step + 1, by=by, now=now, handed_over=forwarded)
    return dossier


def assign_dossier(
    dossier: Dossier, *, by: User, to_user: User | None = None, to_unit: Unit | None = None
) -> Dossier:
    """Hand the dossier to a specialist or a division of the unit where it is (ND 61/2018 Điều 19 khoản 1)."""
    require_status(dossier, Status.PROCESSING)
    if not can_act_as(by, dossier, Role.LEADER, Role.HEAD_OF_DEPARTMENT, Role.CLERK):
        raise PermissionDenied
    # The unit's divisions (deciding_units lists the unit itself first).
    divisions = deciding_units([dossier.current_unit])[dossier.current_unit_id][1:]
    if (
        to_user is not None
        and to_unit is None
        and not can_act_as(to_user, dossier, Role.SPECIALIST, Role.HEAD_OF_DEPARTMENT)
    ):
        # A specialist of one of the unit's divisions: the dossier goes to that division with them.
        to_unit = _division_of(to_user, divisions)
    if to_unit is not None:
        if to_unit.pk not in divisions:
            raise ValidationError(_("A dossier can only be handed to a division of the unit that holds it."))
        from_unit = dossier.current_unit
        dossier.current_unit = to_unit
        dossier.save(update_fields=["current_unit"])
        record_event(dossier, "assigned_unit", by, None, None, from_unit=from_unit, to_unit=to_unit)
    if to_user is not None:
        if not can_act_as(to_user, dossier, Role.SPECIALIST, Role.HEAD_OF_DEPARTMENT):
            raise ValidationError(
                _("%(name)s does not work in the unit that holds this dossier.")
                % {"name": to_user.display_name}
            )
        dossier.assignee = to_user
        dossier.save(update_fields=["assignee"])
        record_event(dossier, "assigned", by, None, None, to_user=to_user)
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
    require_status(dossier, Status.PROCESSING)
    require_step_role(dossier, by)
    if not note.strip():
        raise ValidationError({"note": _("Write what the appraisal found.")})
    record_event(
        dossier, "appraised", by, None, None, at=now, note=note, data={"verification": verification or {}}
    )
    return dossier


def complete_step(dossier: Dossier, *, by: User, note: str = "", now: dt.datetime | None = None) -> Dossier:
    """The current step is done: move to the next step's unit and role.

    When the next step is the return at the receiving desk (or there is none), the result is ready.
    """
    require_status(dossier, Status.PROCESSING)
    step = require_step_role(dossier, by)
    require_no_open_consultation(dossier)
    check_step_output(dossier, step)
    now = now or timezone.now()
    record_event(
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
    steps = steps_of(dossier)
    following = steps[dossier.current_step] if dossier.current_step < len(steps) else None
    if following is None or (
        following.performer == ProcessStep.Performer.RECEIVING and following.role == Role.DESK_OFFICER
    ):
        # The result goes back to the desk that received the dossier: processing is over.
        if following is not None:
            enter_step(dossier, dossier.current_step + 1, by=by, now=now)
        resolve(dossier, by=by, now=now, outcome=Dossier.ResultOutcome.GRANTED, note=note)
    else:
        enter_step(dossier, dossier.current_step + 1, by=by, now=now)
    return dossier


def send_back(dossier: Dossier, *, by: User, reason: str, now: dt.datetime | None = None) -> Dossier:
    """Return the dossier to the previous step (e.g. the leader sends a draft back to the specialist)."""
    require_status(dossier, Status.PROCESSING)
    require_step_role(dossier, by)
    if dossier.current_step <= 2:
        raise ValidationError(_("This is the first processing step; there is nothing to send it back to."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the dossier is sent back.")})
    enter_step(
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
    record_event(dossier, "transferred", by, None, None, from_unit=from_unit, to_unit=to_unit, note=reason)
    audit.record(
        actor=by,
        action="dossier.transferred",
        target=dossier,
        unit_id=to_unit.pk,
        before={"unit": from_unit.identifier},
        after={"unit": to_unit.identifier},
    )
    return dossier


def _division_of(user: User, divisions: list[int]) -> Unit | None:
    """The one of these divisions (phòng) where the user works as specialist or head: where the
    dossier must be for them to work on it."""
    membership = (
        Membership.objects.current()
        .filter(user=user, unit_id__in=divisions, role__in=[Role.SPECIALIST, Role.HEAD_OF_DEPARTMENT])
        .select_related("unit")
        .first()
    )
    return membership.unit if membership is not None else None
