"""One error format for the whole API: `{"code": "...", "message": "...", "details": ...}`.

Messages are in the caller's language (LocaleMiddleware: the language cookie, else
Accept-Language, else Vietnamese).

400 `invalid_input`: the request does not match the OpenAPI schema (a wrong type, a value out of its
range); a request that matches it never gets a 400. 422 `invalid_data`: it matches, and the service
refuses what it asks (an unknown unit, a step the dossier is not at). 409 `conflict`: the dossier
moved on since the caller read it. `documented_errors` says which of these every operation can answer.
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
            request, error_body("invalid_data", " ".join(exc.messages), details), status=422
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        # A refusal that says why (e.g. a submitted paper is changed only through a supplement)
        # carries its translated reason; a bare one the general sentence.
        reason = str(exc.args[0]) if exc.args and exc.args[0] else _("You may not do this.")
        return api.create_response(request, error_body("forbidden", reason), status=403)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            error_body("unauthenticated", _("Log in or send a valid API token (Authorization: Bearer …).")),
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {
            400: "bad_request",
            403: "forbidden",
            404: "not_found",
            409: "conflict",
            422: "invalid_data",
        }.get(exc.status_code, "error")
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)


def documented_errors(method: str, *, authenticated: bool) -> dict[int, str]:
    """The error statuses an operation can answer, with their description in the spec."""
    statuses = {
        400: "The request does not match this schema (invalid_input)",
        404: "Not found, or not visible to the caller (not_found)",
        422: "Well formed, but refused by the rules (invalid_data)",
    }
    if authenticated:
        statuses[401] = "No valid token or session (unauthenticated)"
        statuses[403] = "The caller's roles do not allow this (forbidden)"
    if method.lower() != "get":
        statuses[409] = "The resource changed since the caller read it (conflict)"
    return dict(sorted(statuses.items()))
