"""What the officer's pages share: the staff-only guard, the clock, uploaded papers, form errors."""

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from egov.accounts.http import AuthenticatedRequest
from egov.accounts.models import User
from egov.core import display
from egov.documents import services as document_services
from egov.documents.models import Document
from egov.documents.services import create_document
from egov.dossiers import deadlines, forms, services
from egov.dossiers.models import Dossier, DossierComponent, Status
from egov.organization.calendar import WorkingCalendar
from egov.organization.models import Unit


def staff_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Logged-in staff only: citizens have their own pages on the portal."""

    @login_required
    @wraps(view)
    def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_citizen:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@dataclass(frozen=True)
class Clock:
    """An appointment shown with a colour and, for those who cannot see colour, a word."""

    state: str  # ok | soon | late | paused | done
    label: str
    detail: str


def clock_of(calendar: WorkingCalendar, dossier: Dossier, due: dt.datetime | None, now: dt.datetime) -> Clock:
    if dossier.closed_at is not None or dossier.status == Status.RESOLVED:
        return Clock("done", _("Finished"), "")
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        return Clock("paused", _("Paused"), _("waiting for the applicant"))
    reading = deadlines.read_clock(calendar, due, now)
    if reading.working_minutes_left is None:
        return Clock("paused", _("No appointment"), "")
    left = working_time(abs(reading.working_minutes_left))
    if reading.is_overdue:
        return Clock("late", _("Overdue"), _("late by %(time)s") % {"time": left})
    if reading.is_due_soon:
        return Clock("soon", _("Due soon"), _("%(time)s left") % {"time": left})
    return Clock("ok", _("In time"), _("%(time)s left") % {"time": left})


def working_time(minutes: int) -> str:
    if minutes < 480:
        return _("%(hours)s working hours") % {"hours": display.number(Decimal(minutes) / 60, 1)}
    return _("%(days)s working days") % {"days": display.number(deadlines.working_days(minutes), 2)}


def component_inputs(
    form: forms.ComponentFieldsMixin,
    unit: Unit,
    user: User,
    created: list[Document],
    *,
    only_given_optional: bool = False,
) -> list[services.ComponentInput]:
    """Store each uploaded scan as a document of the unit; pair it with its paper."""
    inputs = []
    for item in form.component_items:
        upload = form.cleaned_data.get(f"file_{item.pk}")
        exemption = form.cleaned_data.get(f"exemption_{item.pk}") or ""
        if not (upload or exemption or item.is_required) and only_given_optional:
            continue
        document = None
        if upload:
            document = create_document(
                title=item.name[:500],
                unit=unit,
                file=upload,
                uploaded_by=user,
                purpose=Document.Purpose.DOSSIER,
            )
            created.append(document)
        catalogue = item if not isinstance(item, DossierComponent) else item.catalogue_component
        inputs.append(
            services.ComponentInput(
                catalogue_component=catalogue,
                document=document,
                name=item.name,
                exemption="" if document else exemption,
            )
        )
    return inputs


@contextmanager
def uploads_removed_on_failure() -> Iterator[list[Document]]:
    """Yield a list for the documents created; if the block fails, their stored files go too."""
    created: list[Document] = []
    with document_services.atomic_with_files():
        yield created


def add_errors(form: Any, error: ValidationError) -> None:
    """Put a service's errors on the form's fields when it names them, else on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            if field == "components" and "missing" in form.fields:
                target = None
            form.add_error(target, errors)
    else:
        form.add_error(None, error)
