"""What every dossier endpoint shares: the router, the caller, and the response schemas."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from egov.accounts.models import User
from egov.core.pagination import COUNT_CAP

router = Router(tags=["dossiers"])

MAX_PAGE = 100


def caller(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # egov.api mounts this router with auth=token_or_session
    return user


# --- Schemas --------------------------------------------------------------------------------------


class UnitRef(Schema):
    identifier: str
    name: str


class ProcedureRef(Schema):
    code: str
    name: str = Field(..., description="Name in the version the dossier was received under")
    version: int


class DossierSummaryOut(Schema):
    id: int = Field(..., description="Row id; the list's `after` cursor")
    code: str
    procedure: ProcedureRef
    status: int = Field(..., description="National status code 1–10")
    status_label: str
    channel: int = Field(..., description="1 at the desk, 2 online, 3 by public post")
    receiving_unit: UnitRef
    competent_unit: UnitRef
    current_unit: UnitRef
    assignee: str | None
    current_step: int
    applicant_name: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None


class DossierPageOut(Schema):
    count: int = Field(description=f"Matches, counted up to {COUNT_CAP}")
    more: bool = Field(description=f"True when more than {COUNT_CAP} match")
    items: list[DossierSummaryOut]
    next_after: int | None = Field(None, description="Pass as `after` for the next page (newest first)")


class ApplicantOut(Schema):
    kind: str
    name: str
    id_number: str
    birth_date: dt.date | None
    address: str
    phone: str
    email: str
    owner_name: str
    owner_address: str


class DossierComponentOut(Schema):
    position: int
    catalogue_position: int | None
    name: str
    is_required: bool
    document_id: int | None
    version: int | None = Field(
        None,
        description="Number of the document's version the dossier holds (pinned when the paper came "
        "in; a later upload does not change it); its file: /dossiers/{code}/papers/{position}/content",
    )
    sha256: str | None = Field(None, description="SHA-256 of the version the dossier holds")
    digitised_version: int | None = Field(
        None, description="Number of the searchable copy (OCR) made of the held version, if any"
    )
    exemption: str
    is_digitised: bool
    is_reused: bool
    from_citizen_store: bool


class EventOut(Schema):
    at: dt.datetime
    kind: str
    actor: str | None
    from_status: int | None
    to_status: int | None
    from_unit: str | None
    to_unit: str | None
    to_user: str | None
    step: int | None
    due_at: dt.datetime | None
    note: str
    data: dict[str, Any]


class ConsultationOut(Schema):
    id: int
    unit: UnitRef
    mode: str
    order: int
    is_lead: bool
    content: str
    requested_by: str
    requested_at: dt.datetime
    started_at: dt.datetime | None
    due_at: dt.datetime | None
    answered_at: dt.datetime | None
    answered_by: str | None
    answer: str


class DeadlinesOut(Schema):
    due_at: dt.datetime | None
    forward_due_at: dt.datetime | None
    step_due_at: dt.datetime | None
    working_minutes_left: int | None = Field(None, description="Negative when overdue; null when paused")
    is_overdue: bool
    is_due_soon: bool
    paused_since: dt.datetime | None
    paused_minutes: int
    timeliness: str | None = Field(None, description="early | on_time | late, once processed")


class DossierFeeOut(Schema):
    """A fee line charged on the dossier; `fee_amount` is the sum of their amounts."""

    catalogue_position: int = Field(..., description="Position of the line in the procedure's fees")
    description: str
    kind: str = Field(..., description="alternative | per_unit | fixed")
    unit_amount: int
    quantity: int
    amount: int


class DossierOut(DossierSummaryOut):
    revision: int = Field(..., description="Changes with every event; send as `expected_revision`")
    subject: str
    current_step_name: str
    forwarded_at: dt.datetime | None
    returned_at: dt.datetime | None
    supplement_count: int
    extension_count: int
    counts_as_late: bool
    outcome: str
    result_document_id: int | None
    return_method: str
    postal_carrier: str
    postal_tracking: str
    fee_amount: int
    fee_paid_at: dt.datetime | None
    fee_payment_method: str
    fee_lines: list[DossierFeeOut]
    applicant: ApplicantOut
    components: list[DossierComponentOut]
    events: list[EventOut]
    consultations: list[ConsultationOut]
    deadlines: DeadlinesOut
