"""The public status lookup by dossier code, throttled per client (no login)."""

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Schema

from egov.core.schemas import ErrorOut
from egov.dossiers.api.common import router
from egov.dossiers.lookup import PublicStatus, public_status, throttle_lookup

# --- Public lookup --------------------------------------------------------------------------------


class PublicStatusOut(Schema):
    code: str
    procedure_code: str
    procedure_name: str
    status: int
    status_label: str
    step_name: str
    receiving_unit: str
    due_at: dt.datetime | None
    received_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None


def rate_limited_response(retry_after: int) -> JsonResponse:
    response = JsonResponse(
        {
            "code": "rate_limited",
            "message": _("Too many lookups from your address. Please wait a minute and try again."),
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


@router.get(
    "/lookup/{code}",
    auth=None,
    response={200: PublicStatusOut, 404: ErrorOut, 429: ErrorOut},
    summary="Public status of a dossier by its code (no personal data)",
)
def lookup(request: HttpRequest, code: str) -> PublicStatus | HttpResponse:
    """What the receipt's QR code shows; 30 lookups a minute per client address."""
    retry_after = throttle_lookup(request)
    if retry_after is not None:
        return rate_limited_response(retry_after)
    found = public_status(code)
    if found is None:
        raise Http404
    return found
