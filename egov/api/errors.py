"""One error format for the whole API: `{"code": "...", "message": "...", "details": ...}`.

Messages are in the caller's language (LocaleMiddleware: the language cookie, else
Accept-Language, else Vietnamese).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return body


def install(api: NinjaAPI) -> None:
    """Map every exception a service or schema raises to the JSON error format."""

    @api.exception_handler(SchemaValidationError)
    def invalid_input(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
        details = [
            {
                "field": ".".join(str(p) for p in error.get("loc", [])[1:]),
                "message": error.get("msg", ""),
            }
            for error in exc.errors
        ]
        return api.create_response(
            request,
            error_body("invalid_input", _("The request has invalid values."), details),
            status=400,
        )

    @api.exception_handler(ValidationError)
    def invalid_data(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return api.create_response(
            request, error_body("invalid_data", " ".join(exc.messages), details), status=400
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(request, error_body("forbidden", _("You may not do this.")), status=403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            error_body("unauthenticated", _("Log in or send a valid API token (Authorization: Bearer …).")),
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {400: "bad_request", 403: "forbidden", 404: "not_found", 409: "conflict"}.get(
            exc.status_code, "error"
        )
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)
