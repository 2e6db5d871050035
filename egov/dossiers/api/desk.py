"""Registering a dossier at the desk over the API (ND 61/2018 Điều 17), idempotent by key."""

from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja import Status as Answer

from egov.accounts.models import User
from egov.core.limits import Day, RowId
from egov.documents.models import Document
from egov.documents.permissions import get_document_for_user
from egov.dossiers import services
from egov.dossiers.api.common import DossierOut, caller, router
from egov.dossiers.api.reading import dossier_out
from egov.dossiers.models import Channel, Dossier
from egov.dossiers.permissions import get_dossier_for_user
from egov.organization.models import Unit
from egov.procedures.fees import MAX_QUANTITY, FeeChoice
from egov.procedures.models import ProcedureVersion

# --- Desk registration ----------------------------------------------------------------------------


class ApplicantIn(Schema):
    name: str = Field(..., max_length=255)
    id_number: str = Field("", max_length=20)
    birth_date: Day | None = None
    address: str = Field("", max_length=500)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    kind: Literal["person", "organisation"] = "person"
    owner_name: str = Field("", max_length=255)
    owner_address: str = Field("", max_length=500)


class ComponentIn(Schema):
    component_position: int | None = Field(
        None,
        ge=1,
        le=1000,
        description="Position of the paper in the procedure's catalogue entry; null for an extra paper",
    )
    name: str = Field("", max_length=500, description="Name of an extra paper")
    document_id: RowId | None = Field(None, description="A scanned document the caller may see")
    exemption: Literal["", "online", "shown_only", "inter_agency", "secret"] = Field(
        "", description="Why no scan is needed, if none is attached"
    )
    reused: bool = Field(
        default=False,
        description="The document was digitised before (an earlier result, the citizen's store), "
        "not scanned now (QĐ 766 4.3)",
    )


class OutcomeIn(Schema):
    decision: Literal["accept", "supplement", "refuse"]
    reason: str = ""
    missing: list[str] = []


class FeeQuantityIn(Schema):
    position: int = Field(..., description="Position of a per-unit line in the procedure's fees")
    quantity: int = Field(..., ge=0, le=MAX_QUANTITY)


class FeesIn(Schema):
    alternative: int | None = Field(
        None, description="Position of the fee rate that applies, among the procedure's alternative lines"
    )
    quantities: list[FeeQuantityIn] = []


class DossierIn(Schema):
    procedure: str = Field(..., description="Procedure code; the version in force is used")
    receiving_unit: str = Field(..., description="Agency identifier of the one-stop desk")
    competent_unit: str | None = Field(None, description="Agency identifier of the deciding unit, if chosen")
    channel: int = Field(Channel.DIRECT, ge=1, le=3, description="1 at the desk, 2 online, 3 by public post")
    applicant: ApplicantIn
    components: list[ComponentIn] = []
    outcome: OutcomeIn
    submission_key: str | None = Field(None, max_length=64, description="Same key twice → one dossier")
    fees: FeesIn | None = Field(None, description="The fee lines that apply; by default the first rate")


def unit_by_identifier(identifier: str, field: str) -> Unit:
    unit = Unit.objects.filter(identifier=identifier).select_related("level").first()
    if unit is None:
        raise ValidationError({field: _("No unit has this identifier.")})
    return unit


def document_for(user: User, document_id: int, field: str) -> Document:
    try:
        return get_document_for_user(user, document_id)
    except Http404:
        raise ValidationError(
            {field: _("Document %(id)s does not exist or you may not use it.") % {"id": document_id}}
        ) from None


def fee_choice(version: ProcedureVersion, fees: FeesIn | None) -> FeeChoice | None:
    """The desk's choice, from catalogue positions to the version's fee lines."""
    if fees is None:
        return None
    by_position = {fee.position: fee for fee in version.fees.all()}
    unknown = [
        n
        for n in [fees.alternative, *(q.position for q in fees.quantities)]
        if n is not None and n not in by_position
    ]
    if unknown:
        raise ValidationError({"fees": _("The procedure has no fee line number %(n)s.") % {"n": unknown[0]}})
    return FeeChoice(
        alternative=by_position[fees.alternative].pk if fees.alternative is not None else None,
        quantities={by_position[q.position].pk: q.quantity for q in fees.quantities},
    )


def component_inputs(
    user: User, version: ProcedureVersion, items: list[ComponentIn]
) -> list[services.ComponentInput]:
    catalogue = {c.position: c for c in version.components.all()}
    inputs = []
    for item in items:
        component = None
        if item.component_position is not None:
            component = catalogue.get(item.component_position)
            if component is None:
                raise ValidationError(
                    {
                        "components": _("The procedure has no paper number %(n)s.")
                        % {"n": item.component_position}
                    }
                )
        inputs.append(
            services.ComponentInput(
                catalogue_component=component,
                document=document_for(user, item.document_id, "components") if item.document_id else None,
                name=item.name,
                exemption=item.exemption,
                is_reused=item.reused and item.document_id is not None,
            )
        )
    return inputs


@router.post(
    "/dossiers",
    response={200: DossierOut, 201: DossierOut},
    summary="Receive a dossier at the desk (accept, ask for a supplement or refuse)",
)
def create_dossier(request: HttpRequest, payload: DossierIn) -> Answer[DossierOut]:
    """201 with the new dossier; 200 with the first one when the `submission_key` was used before."""
    user = caller(request)
    if payload.channel not in Channel.values:
        raise ValidationError({"channel": _("The channel is 1 (desk), 2 (online) or 3 (post).")})
    # The version in force today by its decision's effective date (checklist 20), with its
    # procedure in the same query.
    version = (
        ProcedureVersion.objects.filter(procedure__code=payload.procedure)
        .select_related("procedure")
        .first_in_force()
    )
    if version is None:
        raise ValidationError({"procedure": _("No procedure in force has this code.")})
    # Validation, fees, papers, deadlines and the answer all read the catalogue entry: once.
    prefetch_related_objects([version], "components", "fees", "steps")
    replay = (
        bool(payload.submission_key)
        and Dossier.objects.filter(submission_key=payload.submission_key).exists()
    )
    dossier = services.register_at_desk(
        version=version,
        receiving_unit=unit_by_identifier(payload.receiving_unit, "receiving_unit"),
        competent_unit=(
            unit_by_identifier(payload.competent_unit, "competent_unit") if payload.competent_unit else None
        ),
        applicant=services.Applicant(**payload.applicant.dict()),
        components=component_inputs(user, version, payload.components),
        outcome=services.DeskOutcome(
            payload.outcome.decision, reason=payload.outcome.reason, missing=list(payload.outcome.missing)
        ),
        received_by=user,
        channel=payload.channel,
        submission_key=payload.submission_key or None,
        fees=fee_choice(version, payload.fees),
    )
    if replay:
        return Answer(200, dossier_out(get_dossier_for_user(user, dossier.code)))
    # The new dossier as just written: the desk that received it sees it (dossiers_visible_to
    # includes the receiving unit), so no second fetch is needed to answer.
    return Answer(201, dossier_out(dossier))
