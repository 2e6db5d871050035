"""Every change to the unit tree and to memberships goes through here (with its audit entry)."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import audit
from egov.organization.calendar import calendar_changed, get_calendar
from egov.organization.models import CalendarOverride, Membership, Role, Unit, UnitLevel

UNIT_AUDIT_FIELDS = ["name", "short_name", "identifier", "level_id", "parent_id", "path"]


def _check_parent_level(level: UnitLevel, parent: Unit | None) -> None:
    allowed = list(level.parent_levels.all())
    if parent is None:
        if allowed:
            raise ValidationError(
                {"parent": _("A unit of level “%(level)s” must have a parent unit.") % {"level": level.name}}
            )
        return
    if allowed and parent.level not in allowed:
        raise ValidationError(
            {
                "parent": _("A unit of level “%(level)s” cannot sit under “%(parent)s”.")
                % {"level": level.name, "parent": parent.name}
            }
        )


@transaction.atomic
def create_unit(
    *,
    created_by: User | None,
    name: str,
    identifier: str,
    level: UnitLevel,
    parent: Unit | None = None,
    **details: Any,
) -> Unit:
    """Add a unit to the tree under `parent` (or as a root) and record it in the audit log."""
    _check_parent_level(level, parent)
    unit = Unit(name=name, identifier=identifier, level=level, parent=parent, path="/", **details)
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    audit.record(
        actor=created_by,
        action="unit.created",
        target=unit,
        unit_id=unit.pk,
        after=audit.snapshot(unit, UNIT_AUDIT_FIELDS),
    )
    return unit


@transaction.atomic
def move_unit(unit: Unit, *, moved_by: User | None, new_parent: Unit) -> Unit:
    """Re-attach a unit (and its whole subtree) under another parent, e.g. after a merger."""
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"parent": _("A unit cannot be moved under itself or its own subunit.")})
    _check_parent_level(unit.level, new_parent)
    before = audit.snapshot(unit, UNIT_AUDIT_FIELDS)
    old_path, new_path = unit.path, f"{new_parent.path}{unit.pk}/"
    for descendant in Unit.objects.select_for_update().filter(path__startswith=old_path):
        descendant.path = new_path + descendant.path[len(old_path) :]
        descendant.save(update_fields=["path"])
    unit.parent, unit.path = new_parent, new_path
    unit.save(update_fields=["parent", "path"])
    audit.record(
        actor=moved_by,
        action="unit.moved",
        target=unit,
        unit_id=unit.pk,
        before=before,
        after=audit.snapshot(unit, UNIT_AUDIT_FIELDS),
    )
    return unit


@transaction.atomic
def grant_role(
    user: User,
    *,
    granted_by: User | None,
    unit: Unit,
    role: Role,
    position_title: str = "",
    started_on: dt.date | None = None,
) -> Membership:
    """Give a user a role in a unit (idempotent: an existing membership is reactivated)."""
    membership, _created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    membership.position_title = position_title or membership.position_title
    membership.ended_on = None
    if started_on is not None:
        membership.started_on = started_on
    membership.full_clean()
    membership.save()
    administrators_are_staff(membership)
    audit.record(
        actor=granted_by,
        action="membership.granted",
        target=membership,
        unit_id=unit.pk,
        after={"user": user.get_username(), "unit": unit.identifier, "role": role},
    )
    return membership


def administrators_are_staff(membership: Membership) -> None:
    """An administrator's account is a staff account: it reaches the admin, with a second factor.

    The second factor is required of staff accounts (accounts.services.must_use_two_factor), and
    the admin permissions go only to staff accounts (organization.backends), so granting the role
    cannot leave an administrator who logs in with a password alone.
    """
    user = membership.user
    if membership.role == Role.ADMINISTRATOR and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


@transaction.atomic
def revoke_role(membership: Membership, *, revoked_by: User | None, ended_on: dt.date) -> Membership:
    """End a membership on a date; the history stays."""
    membership.ended_on = ended_on
    membership.full_clean()
    membership.save(update_fields=["ended_on"])
    audit.record(
        actor=revoked_by,
        action="membership.revoked",
        target=membership,
        unit_id=membership.unit_id,
        after={"ended_on": ended_on.isoformat()},
    )
    return membership


# --- Working-day calendar

CALENDAR_AUDIT_FIELDS = ["date", "kind", "reason"]


def check_calendar_override(date: dt.date, *, kind: str, reason: str) -> str:
    """The reason, stripped, if `date` may be given `kind`; else ValidationError by field.

    Forms call it to show the refusal beside the field instead of failing on save.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason for the change (e.g. the decision that orders it).")}
        )
    if kind not in CalendarOverride.Kind.values:
        raise ValidationError({"kind": _("Choose “day off” or “working day”.")})
    otherwise_working, otherwise_reason = get_calendar().national_day_kind(date)
    if kind == CalendarOverride.Kind.WORKING_DAY and otherwise_working:
        raise ValidationError(
            {
                "kind": _("%(date)s is already a working day; only a day off can be set on it.")
                % {"date": f"{date:%d/%m/%Y}"}
            }
        )
    if kind == CalendarOverride.Kind.DAY_OFF and not otherwise_working:
        raise ValidationError(
            {
                "kind": _("%(date)s is already a day off (%(why)s); only a working day can be set on it.")
                % {"date": f"{date:%d/%m/%Y}", "why": otherwise_reason}
            }
        )
    return reason


@transaction.atomic
def set_calendar_override(
    date: dt.date,
    *,
    kind: str,
    reason: str,
    changed_by: User | None,
) -> CalendarOverride:
    """Make `date` a day off or a make-up working day for this deployment (replaces any override).

    The Prime Minister's yearly decisions and provincial swaps (Bộ luật Lao động 2019 Điều 112
    khoản 3) reach the calendar this way when the holidays package does not know them.
    """
    reason = check_calendar_override(date, kind=kind, reason=reason)
    override = CalendarOverride.objects.select_for_update().filter(date=date).first()
    before = audit.snapshot(override, CALENDAR_AUDIT_FIELDS) if override else None
    if override is None:
        override = CalendarOverride(date=date)
    override.kind, override.reason = kind, reason
    override.full_clean()
    override.save()
    calendar_changed()
    audit.record(
        actor=changed_by,
        action="calendar.override_set",
        target=override,
        before=before,
        after=audit.snapshot(override, CALENDAR_AUDIT_FIELDS),
    )
    return override


@transaction.atomic
def remove_calendar_override(date: dt.date, *, removed_by: User | None) -> None:
    """Give `date` back to the national calendar."""
    override = CalendarOverride.objects.select_for_update().filter(date=date).first()
    if override is None:
        raise ValidationError(_("There is no calendar change on %(date)s.") % {"date": f"{date:%d/%m/%Y}"})
    before = audit.snapshot(override, CALENDAR_AUDIT_FIELDS)
    object_id = str(override.pk)
    override.delete()
    calendar_changed()
    audit.record(
        actor=removed_by,
        action="calendar.override_removed",
        object_type=CalendarOverride._meta.label_lower,
        object_id=object_id,
        before=before,
    )
