"""Public pages: home, the procedure catalogue and a procedure's detail."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from egov.procedures.models import ProcedureVersion
from egov.procedures.permissions import get_public_procedure
from egov.procedures.queries import search_procedures, sectors_in_force, version_with_details

PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    """The portal's front page: search box, sectors, counts."""
    in_force = ProcedureVersion.objects.in_force()
    context = {
        "sectors": sectors_in_force(),
        "procedure_count": in_force.count(),
        "full_online_count": in_force.filter(online_level=ProcedureVersion.OnlineLevel.FULL).count(),
    }
    return render(request, "portal/home.html", context)


def catalogue(request: HttpRequest) -> HttpResponse:
    """The public catalogue at /thu-tuc/: accent-insensitive search, filters, pages."""
    filters = {
        "q": request.GET.get("q", "").strip()[:200],
        "sector": request.GET.get("sector", "")[:32],
        "level": request.GET.get("level", "")[:32],
        "online": request.GET.get("online", "")[:8],
    }
    versions = search_procedures(
        filters["q"],
        sector=filters["sector"],
        level=filters["level"],
        online_level=filters["online"],
    )
    page_obj = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {key: value for key, value in filters.items() if value}
    context = {
        "page_obj": page_obj,
        "filters": filters,
        "sectors": sectors_in_force(),
        "levels": LEVEL_CHOICES,
        "online_levels": ProcedureVersion.OnlineLevel.choices,
        "query_string": urlencode(kept) + "&" if kept else "",
    }
    return render(request, "portal/procedure_list.html", context)


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """What a procedure requires today: components, time limit, fees, legal basis, where."""
    procedure = get_public_procedure(code)
    shown = procedure.version_shown_id()
    if shown is None:
        raise Http404
    version = version_with_details(shown)
    rates = sum(1 for fee in version.fees.all() if fee.is_alternative)
    # A version published but not yet effective is announced, not applied (checklist 20).
    upcoming = (
        procedure.versions.filter(number__gt=version.number)
        .select_related("decision")
        .order_by("number")
        .first()
    )
    return render(
        request,
        "portal/procedure_detail.html",
        {"procedure": procedure, "version": version, "fee_rates": rates, "upcoming": upcoming},
    )


# Implementing levels a citizen can filter by (the slugs of the demo's unit levels).
LEVEL_CHOICES = [
    ("province", "Cấp tỉnh"),
    ("department", "Sở, ban, ngành"),
    ("commune", "Cấp xã"),
]
