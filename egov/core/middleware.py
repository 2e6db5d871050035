"""Give every request an id that the audit log and the error responses carry."""

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from egov.core import audit

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-Id", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        with audit.request_context(request_id):
            response = self.get_response(request)
        response["X-Request-Id"] = request_id
        return response
