"""The officer's work queue: my work, my units, due soon, overdue, finished."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from egov.accounts.http import AuthenticatedRequest
from egov.core.limits import page_number
from egov.dossiers import forms, queries
from egov.dossiers.permissions import may_work_on_dossiers, receiving_desks
from egov.dossiers.views.common import clock_of, staff_view
from egov.organization.calendar import get_calendar
from egov.procedures.models import Sector
from egov.procedures.queries import sectors_in_force

PAGE_SIZE = 25
TAB_LABELS = {
    queries.MINE: gettext_lazy("My work"),
    queries.UNIT: gettext_lazy("My units"),
    queries.DUE_SOON: gettext_lazy("Due soon"),
    queries.OVERDUE: gettext_lazy("Overdue"),
    queries.DONE: gettext_lazy("Finished"),
}


@staff_view
@require_http_methods(["GET"])
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """The officer's queues: my work, my units, due soon, overdue, finished; with filters."""
    if not may_work_on_dossiers(request.user):
        raise PermissionDenied
    tab = request.GET.get("tab", queries.MINE)
    if tab not in queries.TABS:
        tab = queries.MINE
    filter_form = forms.QueueFilterForm(request.GET, sectors=_sectors())
    calendar = get_calendar()
    now = timezone.now()
    dossiers = queries.queue_for(request.user, tab, filter_form.filters(), calendar=calendar, now=now)
    page = page_number(request.GET.get("page"))
    # Page numbers without a COUNT: one row more than a page tells whether a next page exists.
    rows = list(dossiers[(page - 1) * PAGE_SIZE : page * PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    for dossier in rows:
        dossier.clock = clock_of(calendar, dossier, dossier.due_at, now)  # type: ignore[attr-defined]
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("tab", None)
    filter_query = params.urlencode()
    context = {
        "tab": tab,
        "tabs": [(key, TAB_LABELS[key]) for key in queries.TABS],
        "filter_form": filter_form,
        "filter_query": filter_query,
        "rows": rows,
        "page": page,
        "has_next": has_next,
        "can_receive": receiving_desks(request.user).exists(),
        "online_review": [] if request.htmx else queries.online_awaiting_review(request.user, now=now),  # type: ignore[attr-defined]
    }
    template = "dossiers/_queue_table.html" if request.htmx else "dossiers/queue.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _sectors() -> QuerySet[Sector]:
    return sectors_in_force()
