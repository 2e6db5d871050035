"""Original papers the desk takes for comparison or keeping, and their return to the applicant.

ND 61/2018/NĐ-CP Điều 20 (as amended by ND 107/2021/NĐ-CP): when the result is handed over, the
one-stop desk returns the originals it took for comparison. So each taking and each return is
recorded per paper (who, when, to whom) and on the dossier's timeline, and the desk sees at the
hand-over which originals it still holds. Only the desk of the receiving unit takes and returns
them: it is the desk that holds them (ND 61/2018 Điều 17–18).
"""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import audit
from egov.dossiers.models import Dossier, DossierComponent
from egov.dossiers.permissions import can_receive_at
from egov.dossiers.services.transitions import record_event


def originals_held(components: Iterable[DossierComponent]) -> list[DossierComponent]:
    """The papers whose original the desk holds and has not returned yet."""
    return [c for c in components if c.original_received_at is not None and c.original_returned_at is None]


def originals_not_taken(components: Iterable[DossierComponent]) -> list[DossierComponent]:
    """The papers whose original the desk has not taken (so may still take)."""
    return [c for c in components if c.original_received_at is None]


def _check_desk(dossier: Dossier, by: User) -> None:
    if not can_receive_at(by, dossier.receiving_unit):
        raise PermissionDenied


def _own(dossier: Dossier, components: Sequence[DossierComponent]) -> list[DossierComponent]:
    """The chosen papers, re-read from the dossier (the caller holds the dossier's lock)."""
    if not components:
        raise ValidationError({"components": _("Choose at least one paper.")})
    rows = list(dossier.components.filter(pk__in=[c.pk for c in components]).order_by("position"))
    if len(rows) != len({c.pk for c in components}):
        raise ValidationError({"components": _("A chosen paper is not one of this dossier's.")})
    return rows


def take_originals(
    dossier: Dossier, *, by: User, components: Sequence[DossierComponent], now: dt.datetime | None = None
) -> list[DossierComponent]:
    """Record that the desk took the originals of these papers (to compare or keep until the result)."""
    _check_desk(dossier, by)
    if dossier.closed_at is not None:
        raise ValidationError(_("The dossier is closed; no original can be taken any more."))
    rows = _own(dossier, components)
    if taken := [c.name for c in rows if c.original_received_at is not None]:
        raise ValidationError(
            {"components": _("The original of “%(name)s” was already taken.") % {"name": taken[0]}}
        )
    now = now or timezone.now()
    for row in rows:
        row.original_received_at, row.original_received_by = now, by
    DossierComponent.objects.bulk_update(rows, ["original_received_at", "original_received_by"])
    _record(dossier, by, now, "originals_received", rows)
    return rows


def return_originals(
    dossier: Dossier,
    *,
    by: User,
    components: Sequence[DossierComponent],
    returned_to: str,
    now: dt.datetime | None = None,
) -> list[DossierComponent]:
    """Record that the desk gave these originals back, to whom (the applicant or their representative)."""
    _check_desk(dossier, by)
    returned_to = returned_to.strip()
    if not returned_to:
        raise ValidationError({"returned_to": _("Give the name of the person who took the originals back.")})
    rows = _own(dossier, components)
    if not_held := [c.name for c in rows if c.original_received_at is None or c.original_returned_at]:
        raise ValidationError(
            {"components": _("The desk does not hold the original of “%(name)s”.") % {"name": not_held[0]}}
        )
    now = now or timezone.now()
    for row in rows:
        row.original_returned_at, row.original_returned_by, row.original_returned_to = now, by, returned_to
    DossierComponent.objects.bulk_update(
        rows, ["original_returned_at", "original_returned_by", "original_returned_to"]
    )
    _record(dossier, by, now, "originals_returned", rows, returned_to=returned_to)
    return rows


def _record(
    dossier: Dossier,
    by: User,
    now: dt.datetime,
    kind: str,
    rows: list[DossierComponent],
    returned_to: str = "",
) -> None:
    data: dict[str, object] = {"components": [c.position for c in rows], "names": [c.name for c in rows]}
    if returned_to:
        data["returned_to"] = returned_to
    note = "; ".join(c.name for c in rows)
    if returned_to:
        note = _("%(papers)s — to %(person)s") % {"papers": note, "person": returned_to}
    record_event(dossier, kind, by, None, None, at=now, to_unit=dossier.receiving_unit, note=note, data=data)
    audit.record(
        actor=by, action=f"dossier.{kind}", target=dossier, unit_id=dossier.receiving_unit_id, after=data
    )
