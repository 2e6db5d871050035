"""Consultation of other units, sequential or parallel (ND 61/2018 Điều 19 khoản 6)."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.dossiers.models import (
    Consultation,
    Dossier,
    Status,
)
from egov.dossiers.services.transitions import record_event, require_status, require_step_role
from egov.organization.calendar import get_calendar
from egov.organization.models import Role, Unit
from egov.organization.permissions import decides_in


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
    require_status(dossier, Status.PROCESSING)
    require_step_role(dossier, by)
    if not units:
        raise ValidationError({"units": _("Choose at least one unit to consult.")})
    if not content.strip():
        raise ValidationError({"content": _("Say what the units are asked.")})
    if mode == Consultation.Mode.PARALLEL and len(units) == 1:
        lead_unit = units[0]  # one unit consulted leads itself
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
    record_event(
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
    if not decides_in(by, consultation.unit, Role.SPECIALIST, Role.HEAD_OF_DEPARTMENT, Role.LEADER):
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
    record_event(
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
