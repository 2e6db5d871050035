"""The clock: supplements, extensions, withdrawal and stops (ND 61/2018 Điều 19; ND 118/2025 Điều 21)."""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import audit
from egov.dossiers import deadlines
from egov.dossiers.models import (
    Dossier,
    Status,
)
from egov.dossiers.permissions import can_act_as, can_receive_at
from egov.dossiers.services.intake import ComponentInput, replace_documents
from egov.dossiers.services.transitions import (
    OPEN_BEFORE_RESULT,
    change_status,
    check_supplement_request,
    notify,
    queue_portal_sync,
    record_event,
    require_status,
    require_step_role,
)
from egov.organization.calendar import get_calendar
from egov.organization.models import Role


def request_supplement(
    dossier: Dossier, *, by: User, missing: list[str], reason: str, now: dt.datetime | None = None
) -> Dossier:
    """Ask for more papers after appraisal, all at once (ND 61/2018 Điều 19 khoản 4; ND 118/2025 Điều 11).

    The clock stops while the applicant prepares them. A second request, or one asked more than
    3 working days after receipt, counts the dossier as late (QĐ 766 indicator 2.1).
    """
    require_status(dossier, Status.PROCESSING)
    require_step_role(dossier, by)
    missing = check_supplement_request(missing, reason)
    now = now or timezone.now()
    assert dossier.received_at is not None
    too_late = not deadlines.supplement_still_allowed(get_calendar(), dossier.received_at, now)
    dossier.supplement_count += 1
    dossier.paused_at = now
    dossier.counts_as_late = dossier.counts_as_late or dossier.supplement_count > 1 or too_late
    dossier.save(update_fields=["supplement_count", "paused_at", "counts_as_late"])
    change_status(
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
    require_status(dossier, Status.SUPPLEMENT_REQUESTED)
    if dossier.received_at is None:
        raise ValidationError(_("This dossier was never received; accept it at the desk instead."))
    if not (can_receive_at(by, dossier.receiving_unit) or can_act_as(by, dossier, Role.SPECIALIST)):
        raise PermissionDenied
    now = now or timezone.now()
    calendar = get_calendar()
    if components:
        replace_documents(dossier, components, by=by)
    assert dossier.paused_at is not None
    dossier.paused_minutes += calendar.working_minutes_between(dossier.paused_at, now)
    dossier.paused_at = None
    dossier.due_at = deadlines.restarted_due_at(calendar, dossier.procedure_version, now)
    dossier.save(update_fields=["paused_minutes", "paused_at", "due_at"])
    change_status(
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
    record_event(
        dossier,
        "extended",
        by,
        None,
        None,
        note=reason,
        at=now,
        data={"old_due_at": old.isoformat(), "new_due_at": new_due_at.isoformat()},
    )
    notify(dossier, "extended")
    queue_portal_sync(dossier)
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
    change_status(dossier, Status.WITHDRAWN, by=by, kind="withdrawn", at=now, note=reason)
    dossier.closed_at = now
    dossier.save(update_fields=["closed_at"])
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
    change_status(dossier, Status.STOPPED, by=by, kind="stopped", at=now, note=reason)
    dossier.closed_at = now
    dossier.save(update_fields=["closed_at"])
    return dossier
