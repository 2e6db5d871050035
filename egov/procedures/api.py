"""REST endpoints of the catalogue (public, read-only), mounted by egov.api at /api/v1."""

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from egov.core.pagination import LimitOffsetPagination
from egov.procedures.models import ProcedureVersion, ProcessStep
from egov.procedures.permissions import get_public_procedure
from egov.procedures.queries import search_procedures, sectors_in_force, version_with_details

router = Router(tags=["procedures"])


class SectorOut(Schema):
    code: str
    name: str


class ProcedureSummaryOut(Schema):
    code: str = Field(..., alias="procedure.code")
    name: str
    sector: SectorOut
    levels: list[str]
    time_limit_value: Decimal
    time_limit_unit: str
    online_level: str


class ProcedureComponentOut(Schema):
    name: str
    originals: int
    certified_copies: int
    copies: int
    form: str
    is_required: bool


class FeeOut(Schema):
    position: int
    description: str
    amount: int
    # "alternative": exactly one of these applies; "per_unit": times a quantity of at least
    # min_quantity; "fixed": always added (egov.procedures.fees).
    kind: str
    min_quantity: int


class StepOut(Schema):
    name: str
    role: str
    # "receiving" (the one-stop desk that received the dossier), "competent" or "unit".
    performer: str
    unit: str | None = Field(None, description="Agency identifier of the named unit (performer “unit”)")
    hours: Decimal

    @staticmethod
    def resolve_unit(step: ProcessStep) -> str | None:
        return step.unit.identifier if step.unit is not None else None


class DecisionOut(Schema):
    number: str
    signed_on: dt.date
    effective_from: dt.date
    issuer: str


class ProcedureVersionOut(Schema):
    number: int
    change: str
    decision: DecisionOut
    name: str
    sector: SectorOut
    levels: list[str]
    competent_authority: str
    competent_unit: str | None = Field(
        None, description="Agency identifier of the deciding unit; null when each commune decides"
    )
    applicant_types: list[str]
    time_limit_value: Decimal
    time_limit_unit: str
    legal_basis: str
    result: str
    conditions: str
    online_level: str
    where_to_submit: str

    @staticmethod
    def resolve_competent_unit(version: ProcedureVersion) -> str | None:
        return version.competent_unit.identifier if version.competent_unit is not None else None


class ProcedureDetailOut(ProcedureVersionOut):
    code: str = Field(..., alias="procedure.code")
    in_force: bool = Field(..., alias="procedure.is_in_force")
    components: list[ProcedureComponentOut]
    fees: list[FeeOut]
    steps: list[StepOut]


@router.get("/sectors", response=list[SectorOut], summary="Sectors with procedures in force")
def list_sectors(request: HttpRequest) -> list[object]:
    return list(sectors_in_force())


@router.get("/procedures", response=list[ProcedureSummaryOut], summary="Search procedures in force")
@paginate(LimitOffsetPagination)
def list_procedures(
    request: HttpRequest, q: str = "", sector: str = "", level: str = "", online_level: str = ""
) -> object:
    """Accent-insensitive search by name, code or sector: `q=dang ky khai sinh`."""
    return search_procedures(q[:200], sector=sector, level=level, online_level=online_level)


@router.get("/procedures/{code}", response=ProcedureDetailOut, summary="A procedure as it is today")
def get_procedure(request: HttpRequest, code: str) -> ProcedureVersion:
    procedure = get_public_procedure(code)
    shown = procedure.version_shown_id()
    if shown is None:
        raise Http404
    return version_with_details(shown)


@router.get(
    "/procedures/{code}/versions",
    response=list[ProcedureVersionOut],
    summary="Every published version, newest first",
)
def list_versions(request: HttpRequest, code: str) -> list[ProcedureVersion]:
    procedure = get_public_procedure(code)
    return list(procedure.versions.select_related("decision", "sector", "competent_unit").order_by("-number"))
