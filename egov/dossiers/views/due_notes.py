"""Why a step's, a forward's or a consultation's due time falls after the dossier's appointment.

The internal process must fit the published time limit (QĐ 1085/QĐ-TTg: quy trình nội bộ ghi rõ
thời gian từng bước; ND 61/2018 Điều 19 khoản 6: each agency's time within the total), so a
deadline later than the appointment (hẹn trả) is never shown bare: it comes with the reason. The
stored step and consultation deadlines are not clamped: each is the time the step or consultation
was given (the control slip, Mẫu 06, judges each hand-over against it), and the appointment stays
the promise to the applicant. The forwarding deadline is capped at the appointment when the
dossier is received (deadlines.forward_due_at); its note only explains one stored before that.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core import display
from egov.dossiers import deadlines
from egov.dossiers.models import Consultation, Dossier, DossierEvent
from egov.organization.calendar import WorkingCalendar
from egov.procedures.models import ProcessStep


def _note(dossier: Dossier, due: dt.datetime | None, reason: str) -> str:
    if due is None or dossier.due_at is None or due <= dossier.due_at:
        return ""
    return _("Later than the appointment (%(appointment)s) because %(reason)s.") % {
        "appointment": display.moment(dossier.due_at),
        "reason": reason,
    }


def forward_note(calendar: WorkingCalendar, dossier: Dossier) -> str:
    """Why a stored forwarding deadline is after the appointment: what the 15:00 rule gave it.

    The reason is read from the receipt itself (before or after the cut-off, on a working day or
    not), never assumed: a dossier received at 07:20 was not received after 15:00.
    """
    if dossier.received_at is None:
        return ""
    received = timezone.localtime(dossier.received_at)
    cutoff = dossier.procedure_version.forward_cutoff or deadlines.FORWARD_CUTOFF
    if calendar.is_working_day(received.date()) and received.time() < cutoff:
        reason = _(
            "the dossier was received before %(cutoff)s, and the forwarding rule gave it until the end "
            "of that working day (ND 61/2018 Art. 18)"
        ) % {"cutoff": cutoff.strftime("%H:%M")}
    elif calendar.is_working_day(received.date()):
        reason = _(
            "the dossier was received after %(cutoff)s, so it is forwarded at the start of the next "
            "working day (ND 61/2018 Art. 18)"
        ) % {"cutoff": cutoff.strftime("%H:%M")}
    else:
        reason = _(
            "the dossier was received on a day off, so it is forwarded at the start of the next "
            "working day (ND 61/2018 Art. 18)"
        )
    return _note(dossier, dossier.forward_due_at, reason)


def consultation_note(dossier: Dossier, consultation: Consultation) -> str:
    if consultation.started_at is None:
        return ""
    reason = _("the consulted unit was asked at %(at)s and given %(hours)s working hours") % {
        "at": display.moment(consultation.started_at),
        "hours": display.number(consultation.working_hours),
    }
    return _note(dossier, consultation.due_at, reason)


def _steps_exceed_limit(calendar: WorkingCalendar, dossier: Dossier, steps: Sequence[ProcessStep]) -> bool:
    """Whether the version's steps, run on schedule from receipt, end after its time limit."""
    if not steps or dossier.received_at is None:
        return False
    planned = deadlines.step_due_times(calendar, steps, dossier.received_at)[-1]
    return planned > deadlines.legal_due_at(calendar, dossier.procedure_version, dossier.received_at)


def step_notes(
    calendar: WorkingCalendar, dossier: Dossier, steps: Sequence[ProcessStep], events: Iterable[DossierEvent]
) -> dict[int, str]:
    """The note of each event that started a step with a due time after the appointment, by pk."""
    exceed = None
    notes: dict[int, str] = {}
    for event in events:
        if event.due_at is None or not event.step or dossier.due_at is None or event.due_at <= dossier.due_at:
            continue
        if exceed is None:
            exceed = _steps_exceed_limit(calendar, dossier, steps)
        step = steps[event.step - 1] if event.step <= len(steps) else None
        hours = display.number(step.hours) if step is not None else "?"
        if exceed:
            reason = _(
                "the procedure's steps take %(total)s working hours in all, more than its time limit"
            ) % {"total": display.number(sum((s.hours for s in steps), Decimal(0)))}
        elif event.kind == "sent_back":
            reason = _(
                "the dossier was sent back to this step at %(at)s, which gives it its %(hours)s "
                "working hours again"
            ) % {
                "at": display.moment(event.at),
                "hours": hours,
            }
        else:
            reason = _(
                "this step started at %(at)s, after the earlier steps ran late, and has %(hours)s "
                "working hours"
            ) % {
                "at": display.moment(event.at),
                "hours": hours,
            }
        notes[event.pk] = _note(dossier, event.due_at, reason)
    return notes


def current_step_note(dossier: Dossier, events: Sequence[DossierEvent], notes: dict[int, str]) -> str:
    """The note of the event that started the current step (its due time is the step's)."""
    for event in reversed(events):
        if event.step == dossier.current_step and event.due_at == dossier.current_step_due_at:
            return notes.get(event.pk, "")
    return ""
