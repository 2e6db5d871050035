"""The public dossier lookup: a form, and the status page the receipt's QR code opens.

Anyone holding the code may see where the dossier stands (ND 61/2018 Điều 17 khoản 3), and
nothing personal (egov.dossiers.lookup). Lookups are limited per client address because codes
are sequential and could otherwise be walked.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from egov.dossiers.lookup import normalise_code, public_status, throttle_lookup


def lookup(request: HttpRequest) -> HttpResponse:
    """/tra-cuu/: the code form; a submitted code goes on to its status page."""
    code = normalise_code(request.GET.get("code", ""))
    if code:
        return redirect("portal:lookup_detail", code=code)
    return render(request, "portal/lookup.html", {"code": ""})


@never_cache
def lookup_detail(request: HttpRequest, code: str) -> HttpResponse:
    """/tra-cuu/<code>/: status, step, unit and dates of one dossier; 404 page for unknown codes."""
    retry_after = throttle_lookup(request)
    if retry_after is not None:
        response = render(request, "portal/lookup_limited.html", {"retry_after": retry_after}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    found = public_status(code)
    if found is None:
        response = render(
            request, "portal/lookup.html", {"code": normalise_code(code), "not_found": True}, status=404
        )
    else:
        response = render(request, "portal/lookup_detail.html", {"dossier": found, "code": found.code})
    # Status pages are per dossier and change over time: keep them out of search engines.
    response["X-Robots-Tag"] = "noindex"
    return response
