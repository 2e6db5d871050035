"""Actions on a dossier: each locks the row, checks the caller's expectation and calls one service."""

from collections.abc import Callable
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja import Status as Answer
from ninja.errors import HttpError

from egov.accounts.models import User
from egov.core.limits import MAX_ID, Moment, RowId
from egov.documents.models import DocumentVersion
from egov.dossiers import services
from egov.dossiers.api.common import DossierOut, caller, router
from egov.dossiers.api.desk import ComponentIn, component_inputs, document_for, unit_by_identifier
from egov.dossiers.api.reading import dossier_out, revision
from egov.dossiers.models import Consultation, Dossier, Status
from egov.dossiers.permissions import get_dossier_for_user

# --- Actions --------------------------------------------------------------------------------------


class ActionIn(Schema):
    expected_status: int | None = Field(
        None, ge=1, le=10, description="Answer 409 unless the dossier is in this status"
    )
    expected_revision: int | None = Field(
        None, ge=0, le=MAX_ID, description="Answer 409 unless the dossier's revision is this"
    )


def _act(
    request: HttpRequest, code: str, body: ActionIn, action: Callable[[Dossier, User], object]
) -> DossierOut:
    """Lock, check the caller's expectations, run one service; a stale request changes nothing."""
    user = caller(request)
    with transaction.atomic():
        dossier = get_dossier_for_user(user, code, for_update=True)
        stale = (body.expected_status is not None and body.expected_status != dossier.status) or (
            body.expected_revision is not None and body.expected_revision != revision(dossier)
        )
        if stale:
            raise HttpError(409, _conflict_message(dossier))
        try:
            action(dossier, user)
        except ValidationError as error:
            # The service refused the action in the dossier's status: someone moved it on meanwhile.
            if getattr(error, "code", None) == "wrong_status":
                raise HttpError(409, _conflict_message(dossier)) from None
            raise
    return dossier_out(get_dossier_for_user(user, code))


def _conflict_message(dossier: Dossier) -> str:
    return _(
        "The dossier has changed since you read it (it is now “%(status)s”); reload it and try again."
    ) % {"status": Status(dossier.status).label}


def _user_by_username(username: str) -> User:
    found = User.objects.filter(username=username).first()
    if found is None:
        raise ValidationError({"username": _("No user has this name.")})
    return found


@router.post("/dossiers/{code}/forward", response=DossierOut, summary="Forward to the processing unit")
def forward(request: HttpRequest, code: str, body: ActionIn) -> DossierOut:
    return _act(request, code, body, lambda d, u: services.forward_dossier(d, by=u))


class AssignIn(ActionIn):
    username: str = Field("", description="The specialist to hand the dossier to")
    unit: str = Field("", description="Agency identifier of a division of the unit that holds the dossier")


@router.post("/dossiers/{code}/assign", response=DossierOut, summary="Hand to a specialist or a division")
def assign(request: HttpRequest, code: str, body: AssignIn) -> DossierOut:
    if not (body.username or body.unit):
        raise ValidationError(_("Name a user or a unit."))
    to_user = _user_by_username(body.username) if body.username else None
    to_unit = unit_by_identifier(body.unit, "unit") if body.unit else None
    return _act(
        request, code, body, lambda d, u: services.assign_dossier(d, by=u, to_user=to_user, to_unit=to_unit)
    )


class NoteIn(ActionIn):
    note: str = ""


class AppraisalIn(ActionIn):
    note: str
    verification: dict[str, str] | None = Field(None, description="time, place, participants, content")


@router.post("/dossiers/{code}/appraisal", response=DossierOut, summary="Record the appraisal")
def appraisal(request: HttpRequest, code: str, body: AppraisalIn) -> DossierOut:
    return _act(
        request,
        code,
        body,
        lambda d, u: services.record_appraisal(d, by=u, note=body.note, verification=body.verification),
    )


@router.post("/dossiers/{code}/complete-step", response=DossierOut, summary="Finish the current step")
def complete_step(request: HttpRequest, code: str, body: NoteIn) -> DossierOut:
    return _act(request, code, body, lambda d, u: services.complete_step(d, by=u, note=body.note))


class ReasonIn(ActionIn):
    reason: str


@router.post("/dossiers/{code}/send-back", response=DossierOut, summary="Return to the previous step")
def send_back(request: HttpRequest, code: str, body: ReasonIn) -> DossierOut:
    return _act(request, code, body, lambda d, u: services.send_back(d, by=u, reason=body.reason))


class TransferIn(ReasonIn):
    unit: str


@router.post("/dossiers/{code}/transfer", response=DossierOut, summary="Transfer to another competent unit")
def transfer(request: HttpRequest, code: str, body: TransferIn) -> DossierOut:
    to_unit = unit_by_identifier(body.unit, "unit")
    return _act(
        request,
        code,
        body,
        lambda d, u: services.transfer_dossier(d, by=u, to_unit=to_unit, reason=body.reason),
    )


class ConsultIn(ActionIn):
    units: list[str]
    mode: Literal["sequential", "parallel"]
    lead_unit: str | None = None
    content: str
    hours: int = Field(8, ge=1, le=400, description="Working hours each unit has to answer")


@router.post(
    "/dossiers/{code}/consultations", response={201: DossierOut}, summary="Ask other units for their opinion"
)
def consult(request: HttpRequest, code: str, body: ConsultIn) -> Answer[DossierOut]:
    units = [unit_by_identifier(identifier, "units") for identifier in body.units]
    lead = unit_by_identifier(body.lead_unit, "lead_unit") if body.lead_unit else None
    changed = _act(
        request,
        code,
        body,
        lambda d, u: services.consult_units(
            d, by=u, units=units, content=body.content, mode=body.mode, lead_unit=lead, hours_each=body.hours
        ),
    )
    return Answer(201, changed)


class AnswerIn(ActionIn):
    answer: str


@router.post(
    "/dossiers/{code}/consultations/{consultation_id}/answer",
    response=DossierOut,
    summary="A consulted unit answers",
)
def answer_consultation(
    request: HttpRequest, code: str, consultation_id: RowId, body: AnswerIn
) -> DossierOut:
    def answer(dossier: Dossier, user: User) -> object:
        consultation = (
            Consultation.objects.select_for_update().filter(dossier=dossier, pk=consultation_id).first()
        )
        if consultation is None:
            raise Http404
        return services.answer_consultation(consultation, by=user, answer=body.answer)

    return _act(request, code, body, answer)


class SupplementRequestIn(ActionIn):
    missing: list[str]
    reason: str


@router.post(
    "/dossiers/{code}/supplement-request", response=DossierOut, summary="Ask for more papers, all at once"
)
def supplement_request(request: HttpRequest, code: str, body: SupplementRequestIn) -> DossierOut:
    return _act(
        request,
        code,
        body,
        lambda d, u: services.request_supplement(d, by=u, missing=body.missing, reason=body.reason),
    )


class SupplementReceivedIn(ActionIn):
    components: list[ComponentIn] = []


@router.post(
    "/dossiers/{code}/supplement-received", response=DossierOut, summary="The papers came: the clock restarts"
)
def supplement_received(request: HttpRequest, code: str, body: SupplementReceivedIn) -> DossierOut:
    def receive(dossier: Dossier, user: User) -> object:
        inputs = component_inputs(user, dossier.procedure_version, body.components)
        if dossier.received_at is None and dossier.status == Status.SUPPLEMENT_REQUESTED:
            # Asked for at the desk: the dossier is received only now.
            return services.accept_after_supplement(dossier, by=user, components=inputs)
        return services.receive_supplement(dossier, by=user, components=inputs)

    return _act(request, code, body, receive)


class ExtensionIn(ReasonIn):
    new_due_at: Moment = Field(..., description="New appointment; without an offset it is Vietnam time")


@router.post("/dossiers/{code}/extension", response=DossierOut, summary="Apologise and set a new appointment")
def extension(request: HttpRequest, code: str, body: ExtensionIn) -> DossierOut:
    new_due = body.new_due_at
    if timezone.is_naive(new_due):
        new_due = timezone.make_aware(new_due)
    return _act(
        request,
        code,
        body,
        lambda d, u: services.extend_deadline(d, by=u, new_due_at=new_due, reason=body.reason),
    )


@router.post("/dossiers/{code}/withdraw", response=DossierOut, summary="The applicant withdraws the dossier")
def withdraw(request: HttpRequest, code: str, body: ReasonIn) -> DossierOut:
    return _act(request, code, body, lambda d, u: services.withdraw_dossier(d, by=u, reason=body.reason))


@router.post("/dossiers/{code}/refusal", response=DossierOut, summary="Refuse after appraisal")
def refusal(request: HttpRequest, code: str, body: ReasonIn) -> DossierOut:
    return _act(
        request, code, body, lambda d, u: services.refuse_after_appraisal(d, by=u, reason=body.reason)
    )


class ResultIn(ActionIn):
    document_id: RowId


@router.post("/dossiers/{code}/result", response=DossierOut, summary="Attach the result document")
def result(request: HttpRequest, code: str, body: ResultIn) -> DossierOut:
    document = document_for(caller(request), body.document_id, "document_id")
    return _act(request, code, body, lambda d, u: services.attach_result(d, by=u, document=document))


class ReturnIn(ActionIn):
    method: str = Field(..., description="desk | post | online")
    carrier: str = Field("", max_length=100)
    tracking: str = Field("", max_length=100)
    paper_result: str = Field(
        "", max_length=255, description="The paper result handed over, when there is no electronic one"
    )


@router.post("/dossiers/{code}/return", response=DossierOut, summary="Hand the result over")
def return_result(request: HttpRequest, code: str, body: ReturnIn) -> DossierOut:
    return _act(
        request,
        code,
        body,
        lambda d, u: services.return_result(
            d,
            by=u,
            method=body.method,
            carrier=body.carrier,
            tracking=body.tracking,
            paper_result=body.paper_result,
        ),
    )


class FeePaymentIn(ActionIn):
    method: str = Field(..., description="direct | postal | online")


@router.post("/dossiers/{code}/fee-payment", response=DossierOut, summary="Record the fee payment")
def fee_payment(request: HttpRequest, code: str, body: FeePaymentIn) -> DossierOut:
    return _act(request, code, body, lambda d, u: services.record_fee_payment(d, by=u, method=body.method))


class PinIn(ActionIn):
    version: RowId = Field(..., description="Number of the version of the paper's document to hold")


@router.post(
    "/dossiers/{code}/papers/{position}/pin",
    response=DossierOut,
    summary="Hold another version of a paper (only those who handle the dossier)",
)
def pin_paper(request: HttpRequest, code: str, position: RowId, body: PinIn) -> DossierOut:
    """A paper keeps the version it came with; this explicit choice is recorded on the timeline."""

    def repin(dossier: Dossier, user: User) -> object:
        component = dossier.components.filter(position=position, document__isnull=False).first()
        if component is None:
            raise Http404
        version = DocumentVersion.objects.filter(document=component.document, number=body.version).first()
        if version is None:
            raise ValidationError({"version": _("This is not a version of the paper's document.")})
        return services.repin_paper(dossier, component=component, version=version, by=user)

    return _act(request, code, body, repin)
