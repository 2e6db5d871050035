"""Printing the one-stop forms (Mẫu 01–06) of a dossier and a unit's tracking book (Mẫu 07).

Mounted by egov.dossiers.urls under /can-bo/ho-so/: "<code>/in/<form>/" and "so-theo-doi/".
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from egov.accounts.http import AuthenticatedRequest
from egov.core import audit
from egov.core.limits import parse_day
from egov.dossiers import notices, printing
from egov.dossiers import tracking_book as book_numbers
from egov.dossiers.forms import TrackingBookForm
from egov.dossiers.permissions import get_dossier_for_user, tracking_book_units
from egov.organization.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def print_form(request: AuthenticatedRequest, code: str, form: str) -> HttpResponse:
    """Mẫu `form` of the dossier as an inline PDF, numbered as in `?edition=` (default: the
    edition in force when the dossier was received)."""
    dossier = get_dossier_for_user(request.user, code)
    edition = request.GET.get("edition") or printing.default_edition(dossier)
    if edition not in printing.EDITIONS:
        return bad_query(request, _("Unknown edition; use 2025 or 2018."))
    try:
        kind = printing.form_kind(form, edition)
        # The control slip names the officers at each step: internal, not for the applicant.
        if request.user.is_citizen and kind == "control_slip":
            raise Http404
        if request.user.is_citizen:
            # The applicant's download is electronic delivery: sealed (TT 01/2018 Điều 10).
            content = notices.electronic_copy(dossier, form, edition=edition)
        else:
            content = printing.render_form(dossier, form, edition=edition)
    except printing.FormUnavailableError as problem:
        return render(
            request,
            "dossiers/pdf/not_printable.html",
            {"dossier": dossier, "form": form, "message": str(problem)},
            status=404,
        )
    audit.record(
        actor=request.user,
        action="dossier.printed",
        target=dossier,
        unit_id=dossier.current_unit_id,
        after={"form": form, "edition": edition},
    )
    return _file(content, "application/pdf", f"{dossier.code}-mau-{form}.pdf", inline=True)


@login_required
@require_GET
def tracking_book(request: AuthenticatedRequest) -> HttpResponse:
    """A desk's tracking book for `?unit=<identifier>&from=YYYY-MM-DD&to=YYYY-MM-DD`, as PDF or
    `?format=xlsx` (the month so far when no dates are given); without `unit`, the page to choose."""
    units = tracking_book_units(request.user)
    if not units.exists():
        raise PermissionDenied
    identifier = request.GET.get("unit", "").strip()
    if not identifier:
        return _tracking_book_page(request, units, status=200 if not request.GET else 400)
    unit = units.filter(identifier=identifier).first()
    if unit is None:
        raise Http404
    today = timezone.localdate()
    try:
        start = _date(request.GET.get("from"), today.replace(day=1))
        end = _date(request.GET.get("to"), today)
    except ValueError:
        return _tracking_book_page(
            request, units, error=_("Dates must be written as YYYY-MM-DD or DD/MM/YYYY."), status=400
        )
    edition = request.GET.get("edition") or "2025"
    if edition not in printing.EDITIONS:
        return _tracking_book_page(request, units, error=_("Unknown edition; use 2025 or 2018."), status=400)
    as_excel = request.GET.get("format") == "xlsx"
    try:
        if as_excel:
            content = printing.tracking_book_workbook(unit, start, end, edition=edition)
        else:
            content = printing.render_tracking_book(unit, start, end, edition=edition)
    except ValueError as problem:
        return _tracking_book_page(request, units, error=str(problem), status=400)
    audit.record(
        actor=request.user,
        action="dossier.tracking_book_printed",
        target=unit,
        unit_id=unit.pk,
        after={"from": start.isoformat(), "to": end.isoformat(), "format": "xlsx" if as_excel else "pdf"},
    )
    name = f"so-theo-doi-{unit.identifier}-{start:%Y%m%d}-{end:%Y%m%d}"
    if as_excel:
        return _file(content, XLSX, f"{name}.xlsx", inline=False)
    return _file(content, "application/pdf", f"{name}.pdf", inline=True)


@login_required
@require_POST
def close_book_year(request: AuthenticatedRequest) -> HttpResponse:
    """An administrator closes a desk's book of a past year (POST unit=<identifier>&year=YYYY)."""
    unit = tracking_book_units(request.user).filter(identifier=request.POST.get("unit", "")).first()
    if unit is None:
        raise Http404
    try:
        year = int(request.POST.get("year", ""))
        book_numbers.close_year(unit, year, by=request.user)
    except ValueError:
        messages.error(request, _("Choose the year to close."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The tracking book of %(year)s is closed; nothing can be added to it.") % {"year": year},
        )
    return redirect("dossiers:tracking_book")


def _tracking_book_page(
    request: AuthenticatedRequest, units: QuerySet[Unit], *, error: str = "", status: int = 200
) -> HttpResponse:
    """The page that chooses the desk, the period, the edition and the format (PDF or Excel)."""
    today = timezone.localdate()
    initial = {
        "unit": request.GET.get("unit", ""),
        "from": request.GET.get("from") or today.replace(day=1).isoformat(),
        "to": request.GET.get("to") or today.isoformat(),
        "edition": request.GET.get("edition") or "2025",
    }
    context = {
        "form": TrackingBookForm(units=units, initial=initial),
        # Each desk's year books: the last number given, closed or not (checklist 29).
        "books": [
            (unit, book_numbers.years_of(unit), book_numbers.may_close(request.user, unit)) for unit in units
        ],
        "this_year": today.year,
        "error": error or (_("Choose the desk whose tracking book to print.") if status == 400 else ""),
    }
    return render(request, "dossiers/tracking_book.html", context, status=status)


def bad_query(request: AuthenticatedRequest, message: str) -> HttpResponse:
    """A query value the view cannot use, answered with the site's 400 page saying which (never a
    bare text response: the printing links open in a new tab, where nothing else explains it)."""
    return render(request, "dossiers/bad_request.html", {"message": message}, status=400)


def _date(value: str | None, default: dt.date) -> dt.date:
    if not value or not value.strip():
        return default
    day = parse_day(value)
    if day is None:
        raise ValueError(value)
    return day


def _file(content: bytes, content_type: str, filename: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    # Personal data: never kept by a shared cache or the browser's disk cache.
    response["Cache-Control"] = "private, no-store"
    return response
