"""The /api/v1 interface: one NinjaAPI, each app's router mounted under its resource name."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from ninja.schema import NinjaGenerateJsonSchema

from egov.accounts.models import User
from egov.api import errors
from egov.api.auth import token_or_session
from egov.api.parsing import StorableParser
from egov.api.rendering import VietnamTimeRenderer
from egov.core.schemas import ErrorOut
from egov.documents.api import router as documents_router
from egov.dossiers.api import router as dossiers_router
from egov.organization.api import router as organization_router
from egov.organization.models import Membership
from egov.procedures.api import router as procedures_router
from egov.signatures.api import router as signatures_router


class EgovOpenAPISchema(OpenAPISchema):
    """ninja's spec, refusing two different schemas under one name (ninja keeps the last silently)."""

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != definition:
                raise ImproperlyConfigured(
                    f"Two different API schemas are named {name!r}; give one of them another name."
                )
        super().add_schema_definitions(definitions)


class EgovAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The spec, with the error answers every operation can give (egov.api.errors)."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        spec = EgovOpenAPISchema(api=self, path_prefix=path_prefix)
        error_schema = ErrorOut.model_json_schema(
            ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema, mode="serialization"
        )
        spec.add_schema_definitions({"ErrorOut": error_schema})
        error = {"application/json": {"schema": {"$ref": REF_TEMPLATE.format(model="ErrorOut")}}}
        for methods in spec["paths"].values():
            for method, operation in methods.items():
                answers = operation["responses"]
                for status, description in errors.documented_errors(
                    method, authenticated=bool(operation.get("security"))
                ).items():
                    answers.setdefault(status, {"description": description, "content": error})
        return spec

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """`egov_<app>_api_<function>`, whichever module of the app's api package defines it.

        Operation ids are what generated clients call; they must not change when a module is split.
        """
        app = ".".join(operation.view_func.__module__.split(".")[:3])
        return f"{app.replace('.', '_')}_{operation.view_func.__name__}"


api = EgovAPI(
    title="egov API",
    version="1",
    description=(
        "REST API of egov, the platform for administrative procedures of a province.\n\n"
        "Public resources (catalogue, units, calendar) need no authentication. Integrations "
        "authenticate with `Authorization: Bearer <token>` (tokens are issued by an administrator). "
        "Errors are JSON objects `{code, message, details}` with the message in the caller's "
        "language: Vietnamese by default, English with `Accept-Language: en`."
    ),
    urls_namespace="api-v1",
    parser=StorableParser(),
    renderer=VietnamTimeRenderer(),
)
errors.install(api)
api.add_router("/", procedures_router)
api.add_router("/", organization_router)
# Documents and signatures are never public: a token or a staff session is required.
api.add_router("/", documents_router, auth=token_or_session)
api.add_router("/", signatures_router, auth=token_or_session)
api.add_router("/", dossiers_router, auth=token_or_session)


class MembershipOut(Schema):
    unit: str
    unit_name: str
    role: str


class MeOut(Schema):
    username: str
    full_name: str
    kind: str
    memberships: list[MembershipOut]


@api.get(
    "/me",
    response=MeOut,
    auth=token_or_session,
    tags=["accounts"],
    summary="The authenticated user and their roles",
)
def me(request: HttpRequest) -> MeOut:
    user = request.user
    assert isinstance(user, User)  # the auth classes above let only real users through
    memberships = Membership.objects.current().filter(user=user).select_related("unit")
    return MeOut(
        username=user.get_username(),
        full_name=user.full_name,
        kind=user.kind,
        memberships=[
            MembershipOut(unit=m.unit.identifier, unit_name=m.unit.name, role=m.role) for m in memberships
        ],
    )


@api.get("/health", tags=["system"], summary="Liveness check", auth=None)
def health(request: HttpRequest) -> dict[str, str]:
    return {"status": "ok"}
