"""Give every request an id that the audit log and the error responses carry; refuse malformed input."""

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.defaults import bad_request

from egov.core import audit
from egov.core.request_scope import request_scope

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-Id", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        # The request's id goes to its audit entries; values read once per request live as long.
        with audit.request_context(request_id), request_scope():
            response = self.get_response(request)
        response["X-Request-Id"] = request_id
        return response


# --- Malformed input ------------------------------------------------------------------------------

# NUL cannot be stored in PostgreSQL text, and a lone UTF-16 surrogate cannot be encoded at all: both
# reach the database as a 500 unless they are refused at the door. HTTP field values must not carry
# NUL either (RFC 9110 §5.5).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _unstorable(text: str) -> bool:
    return _UNSTORABLE.search(text) is not None


def _multi_unstorable(data: QueryDict) -> bool:
    return any(_unstorable(key) or any(_unstorable(v) for v in values) for key, values in data.lists())


def malformed_part(request: HttpRequest) -> str | None:
    """The part of the request that carries text nothing can store (NUL, a lone surrogate), if any.

    The API reads its query strings and bodies through its own parser, which makes every string
    storable (egov.api.parsing); here only its path, headers and cookies are checked.
    """
    if _unstorable(request.path_info) or _unstorable(request.path):
        return "path"
    if any(isinstance(v, str) and _unstorable(v) for k, v in request.META.items() if k.startswith("HTTP_")):
        return "headers"
    if any(_unstorable(name) or _unstorable(value) for name, value in request.COOKIES.items()):
        return "cookies"
    if _is_api(request):
        return None
    if _multi_unstorable(request.GET):
        return "query"
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.content_type in _FORM_TYPES:
        try:
            return "body" if _multi_unstorable(request.POST) else None
        except MultiPartParserError:
            return "body"
    return None


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


class MalformedInputMiddleware:
    """Answer 400 before anything reads a request that carries NUL bytes or lone surrogates.

    Placed before the session middleware: a session cookie with a NUL would otherwise reach the
    session table. The API answers in its JSON error format, pages with the 400 page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        part = malformed_part(request)
        if part is None:
            return self.get_response(request)
        with translation.override(_language(request)):
            message = _("The request contains characters that are not allowed (a NUL byte).")
            if _is_api(request):
                body = {"code": "invalid_input", "message": message, "details": {"part": part}}
                return JsonResponse(body, status=400)
            return bad_request(request, SuspiciousOperation(message))


def _language(request: HttpRequest) -> str:
    language = translation.get_language_from_request(request)
    return language if not _unstorable(language) else settings.LANGUAGE_CODE
