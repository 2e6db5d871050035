"""The desk's tracking book (Sổ theo dõi hồ sơ, Mẫu 07 of TT 03/2025; Mẫu 06 of TT 01/2018): its numbers.

Checklist 29 (TT 01/2018/TT-VPCP Điều 9, TT 03/2025/TT-VPCP Phụ lục I):
entries are numbered continuously per receiving unit per year, from 1 on 1 January (Vietnam's
local date), and the book is locked at year end. Each dossier gets its number with its receipt,
inside the receipt's transaction, from the year's counter row (`TrackingBookYear`, taken by
`codes.next_number` like the daily dossier codes): a rollback gives the number back, so the book
has no gaps, and the row lock serialises one unit's receipts only.

A year closes when an administrator closes it, or by itself with the first entry of the next
year. A closed year takes no entry any more, and its entries keep their numbers: numbers are
written here only, once per dossier.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import audit
from egov.dossiers.codes import next_number
from egov.dossiers.models import Dossier, TrackingBookYear
from egov.organization.models import Role, Unit
from egov.organization.permissions import has_role_in

_TABLE = TrackingBookYear._meta.db_table
_CLOSED = f"{_TABLE}.closed_at IS NOT NULL"


class BookClosedError(ValidationError):
    """The year's tracking book is closed: no entry can be added to it."""


def book_year(moment: dt.datetime) -> int:
    """The book's year of a receipt: the year of its local date in Vietnam."""
    return timezone.localtime(moment).year


def assign_entry(dossier: Dossier, received_at: dt.datetime) -> None:
    """Give the received dossier the next number of its desk's book; inside the receipt's transaction.

    The caller saves `book_year` and `book_number` with the receipt's other fields.
    """
    if dossier.book_number is not None:
        return  # an entry keeps its number
    unit = dossier.receiving_unit
    year = book_year(received_at)
    number = next_number(_TABLE, "year", unit, year, unless=_CLOSED)
    if number is None:
        raise BookClosedError(
            _("The tracking book of %(year)s is closed; no dossier can be entered in it.") % {"year": year}
        )
    if number == 1:
        # The first entry of a year closes the books of the years before (checklist 29).
        TrackingBookYear.objects.filter(unit=unit, year__lt=year, closed_at__isnull=True).update(
            closed_at=received_at
        )
    dossier.book_year, dossier.book_number = year, number


def may_close(user: User, unit: Unit) -> bool:
    """Administrators of the unit (or above it) close its book's years."""
    return has_role_in(user, unit, Role.ADMINISTRATOR)


@transaction.atomic
def close_year(unit: Unit, year: int, *, by: User, now: dt.datetime | None = None) -> TrackingBookYear:
    """Close the desk's book of a past year; from then on nothing is added to it."""
    if not may_close(by, unit):
        raise PermissionDenied
    now = now or timezone.now()
    if year >= book_year(now):
        raise ValidationError({"year": _("Only a past year's book can be closed.")})
    book, _created = TrackingBookYear.objects.select_for_update().get_or_create(unit=unit, year=year)
    if book.closed_at is not None:
        raise ValidationError({"year": _("The book of %(year)s is already closed.") % {"year": year}})
    book.closed_at, book.closed_by = now, by
    book.save(update_fields=["closed_at", "closed_by"])
    audit.record(
        actor=by,
        action="dossier.tracking_book_closed",
        target=unit,
        unit_id=unit.pk,
        after={"year": year, "last": book.last},
    )
    return book


def years_of(unit: Unit) -> list[TrackingBookYear]:
    """The unit's book years, newest first, with their last number and whether they are closed."""
    return list(TrackingBookYear.objects.filter(unit=unit).select_related("closed_by").order_by("-year"))
