"""The /api/v1 interface: one NinjaAPI, each app's router mounted under its resource name."""

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.operation import Operation

from egov.accounts.models import User
from egov.api import errors
from egov.api.auth import token_or_session
from egov.documents.api import router as documents_router
from egov.dossiers.api import router as dossiers_router
from egov.organization.api import router as organization_router
from egov.organization.models import Membership
from egov.procedures.api import router as procedures_router
from egov.signatures.api import router as signatures_router


class EgovAPI(NinjaAPI):
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
