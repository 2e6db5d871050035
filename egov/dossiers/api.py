"""REST endpoints of the one-stop core, mounted by egov.api at /api/v1 with token-or-session auth.

Every endpoint but the public lookup assumes `request.user` is an authenticated User. Reads go
through egov.dossiers.permissions (404 for missing and forbidden alike); each action locks the
dossier row, checks the caller's expectation (`expected_status`, `expected_revision`) and calls
one service, so a replayed or stale request answers 409 and changes nothing.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Answer
from ninja.errors import HttpError

from egov.accounts.models import User
from egov.documents.models import Document
from egov.documents.permissions import get_document_for_user
from egov.dossiers import deadlines, services, statistics
from egov.dossiers.lookup import PublicStatus, public_status, throttle_lookup
from egov.dossiers.models import Channel, Consultation, Dossier, DossierEvent, Status
from egov.dossiers.permissions import dossiers_visible_to, get_dossier_for_user, with_related
from egov.organization.calendar import get_calendar
from egov.organization.models import Unit
from egov.procedures.models import Procedure, ProcedureVersion

router = Router(tags=["dossiers"])

MAX_PAGE = 100


def _user(request: HttpRequest) -> User:
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
    count: int
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


class ComponentOut(Schema):
    position: int
    catalogue_position: int | None
    name: str
    is_required: bool
    document_id: int | None
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
    applicant: ApplicantOut
    components: list[ComponentOut]
    events: list[EventOut]
    consultations: list[ConsultationOut]
    deadlines: DeadlinesOut


class ErrorOut(Schema):
    code: str
    message: str


# --- Reading --------------------------------------------------------------------------------------


def _unit_ref(unit: Unit) -> UnitRef:
    return UnitRef(identifier=unit.identifier, name=unit.name)


def _summary_fields(dossier: Dossier) -> dict[str, Any]:
    return {
        "id": dossier.pk,
        "code": dossier.code,
        "procedure": ProcedureRef(
            code=dossier.procedure.code,
            name=dossier.procedure_version.name,
            version=dossier.procedure_version.number,
        ),
        "status": dossier.status,
        "status_label": str(Status(dossier.status).label),
        "channel": dossier.channel,
        "receiving_unit": _unit_ref(dossier.receiving_unit),
        "competent_unit": _unit_ref(dossier.competent_unit),
        "current_unit": _unit_ref(dossier.current_unit),
        "assignee": dossier.assignee.get_username() if dossier.assignee else None,
        "current_step": dossier.current_step,
        "applicant_name": dossier.applicant_name,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "resolved_at": dossier.resolved_at,
        "closed_at": dossier.closed_at,
    }


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=timezone.get_current_timezone())


class DossierFilters(Schema):
    status: int | None = Field(None, description="National status code 1–10")
    unit: str = Field("", description="Agency identifier: dossiers received, decided or held in its subtree")
    procedure: str = Field("", description="Procedure code")
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    q: str = Field("", max_length=200, description="Part of the dossier code")
    limit: int = Field(20, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)
    after: int | None = Field(None, description="`next_after` of the previous page (keyset paging)")


@router.get("/dossiers", response=DossierPageOut, summary="Dossiers visible to the caller, newest first")
def list_dossiers(request: HttpRequest, filters: Query[DossierFilters]) -> DossierPageOut:
    """The same queries whatever the page size: the caller's memberships, units and consultations,
    the count, the page and its units and assignees."""
    dossiers = dossiers_visible_to(_user(request))
    if filters.status is not None:
        dossiers = dossiers.filter(status=filters.status)
    if filters.unit:
        found = Unit.objects.filter(identifier=filters.unit).values_list("path", flat=True).first()
        if found is None:
            raise ValidationError({"unit": _("No unit has this identifier.")})
        subtree = Unit.objects.filter(path__startswith=found).values("pk")
        dossiers = dossiers.filter(
            Q(receiving_unit__in=subtree) | Q(competent_unit__in=subtree) | Q(current_unit__in=subtree)
        )
    if filters.procedure:
        dossiers = dossiers.filter(procedure__code=filters.procedure)
    if filters.received_from is not None:
        dossiers = dossiers.filter(received_at__gte=_local_midnight(filters.received_from))
    if filters.received_to is not None:
        dossiers = dossiers.filter(
            received_at__lt=_local_midnight(filters.received_to + dt.timedelta(days=1))
        )
    if filters.q.strip():
        dossiers = dossiers.filter(code__icontains=filters.q.strip()[:48])
    count = dossiers.count()
    if filters.after is not None:
        dossiers = dossiers.filter(pk__lt=filters.after)
    page = list(with_related(dossiers).order_by("-pk")[filters.offset : filters.offset + filters.limit])
    return DossierPageOut(
        count=count,
        items=[DossierSummaryOut(**_summary_fields(d)) for d in page],
        next_after=page[-1].pk if len(page) == filters.limit else None,
    )


@router.get("/dossiers/{code}", response=DossierOut, summary="A dossier with its papers, timeline and clock")
def get_dossier(request: HttpRequest, code: str) -> DossierOut:
    return _detail(get_dossier_for_user(_user(request), code))


def _revision(dossier: Dossier) -> int:
    """The id of the dossier's latest event: every service writes one, so any change moves it."""
    return (
        DossierEvent.objects.filter(dossier=dossier).order_by("-pk").values_list("pk", flat=True).first() or 0
    )


def _detail(dossier: Dossier) -> DossierOut:
    steps = list(dossier.procedure_version.steps.order_by("position").values_list("name", flat=True))
    components = list(dossier.components.select_related("catalogue_component").order_by("position"))
    events = list(
        dossier.events.select_related("actor", "from_unit", "to_unit", "to_user").order_by("at", "pk")
    )
    consultations = list(dossier.consultations.select_related("unit", "requested_by", "answered_by"))
    return DossierOut(
        **_summary_fields(dossier),
        revision=events[-1].pk if events else 0,
        subject=dossier.subject,
        current_step_name=steps[dossier.current_step - 1] if 0 < dossier.current_step <= len(steps) else "",
        forwarded_at=dossier.forwarded_at,
        returned_at=dossier.returned_at,
        supplement_count=dossier.supplement_count,
        extension_count=dossier.extension_count,
        counts_as_late=dossier.counts_as_late,
        outcome=dossier.outcome,
        result_document_id=dossier.result_document_id,
        return_method=dossier.return_method,
        postal_carrier=dossier.postal_carrier,
        postal_tracking=dossier.postal_tracking,
        fee_amount=dossier.fee_amount,
        fee_paid_at=dossier.fee_paid_at,
        fee_payment_method=dossier.fee_payment_method,
        applicant=ApplicantOut(
            kind=dossier.applicant_kind,
            name=dossier.applicant_name,
            id_number=dossier.applicant_id_number,
            birth_date=dossier.applicant_birth_date,
            address=dossier.applicant_address,
            phone=dossier.applicant_phone,
            email=dossier.applicant_email,
            owner_name=dossier.owner_name,
            owner_address=dossier.owner_address,
        ),
        components=[
            ComponentOut(
                position=c.position,
                catalogue_position=c.catalogue_component.position if c.catalogue_component else None,
                name=c.name,
                is_required=c.is_required,
                document_id=c.document_id,
                exemption=c.exemption,
                is_digitised=c.is_digitised,
                is_reused=c.is_reused,
                from_citizen_store=c.from_citizen_store,
            )
            for c in components
        ],
        events=[
            EventOut(
                at=e.at,
                kind=e.kind,
                actor=e.actor.get_username() if e.actor else None,
                from_status=e.from_status,
                to_status=e.to_status,
                from_unit=e.from_unit.identifier if e.from_unit else None,
                to_unit=e.to_unit.identifier if e.to_unit else None,
                to_user=e.to_user.get_username() if e.to_user else None,
                step=e.step,
                due_at=e.due_at,
                note=e.note,
                data=e.data,
            )
            for e in events
        ],
        consultations=[_consultation_out(c) for c in consultations],
        deadlines=_deadlines(dossier),
    )


def _consultation_out(c: Consultation) -> ConsultationOut:
    return ConsultationOut(
        id=c.pk,
        unit=_unit_ref(c.unit),
        mode=c.mode,
        order=c.order,
        is_lead=c.is_lead,
        content=c.content,
        requested_by=c.requested_by.get_username(),
        requested_at=c.requested_at,
        started_at=c.started_at,
        due_at=c.due_at,
        answered_at=c.answered_at,
        answered_by=c.answered_by.get_username() if c.answered_by else None,
        answer=c.answer,
    )


def _deadlines(dossier: Dossier) -> DeadlinesOut:
    timeliness: str | None = None
    if dossier.resolved_at is not None and dossier.due_at is not None:
        # counts_as_late (a second supplement, or one asked too late) makes it late (QĐ 766, 2.1).
        timeliness = (
            "late" if dossier.counts_as_late else deadlines.timeliness(dossier.resolved_at, dossier.due_at)
        )
    running = dossier.received_at is not None and dossier.resolved_at is None and dossier.closed_at is None
    clock = (
        deadlines.read_clock(get_calendar(), dossier.due_at, timezone.now())
        if running and dossier.paused_at is None
        else None
    )
    return DeadlinesOut(
        due_at=dossier.due_at,
        forward_due_at=dossier.forward_due_at,
        step_due_at=dossier.current_step_due_at,
        working_minutes_left=clock.working_minutes_left if clock else None,
        is_overdue=clock.is_overdue if clock else False,
        is_due_soon=clock.is_due_soon if clock else False,
        paused_since=dossier.paused_at,
        paused_minutes=dossier.paused_minutes,
        timeliness=timeliness,
    )


# --- Desk registration ----------------------------------------------------------------------------


class ApplicantIn(Schema):
    name: str = Field(..., max_length=255)
    id_number: str = Field("", max_length=20)
    birth_date: dt.date | None = None
    address: str = Field("", max_length=500)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    kind: Literal["person", "organisation"] = "person"
    owner_name: str = Field("", max_length=255)
    owner_address: str = Field("", max_length=500)


class ComponentIn(Schema):
    component_position: int | None = Field(
        None, description="Position of the paper in the procedure's catalogue entry; null for an extra paper"
    )
    name: str = Field("", max_length=500, description="Name of an extra paper")
    document_id: int | None = Field(None, description="A scanned document the caller may see")
    exemption: str = Field("", description="online | shown_only | inter_agency | secret (no scan needed)")


class OutcomeIn(Schema):
    decision: Literal["accept", "supplement", "refuse"]
    reason: str = ""
    missing: list[str] = []


class DossierIn(Schema):
    procedure: str = Field(..., description="Procedure code; the version in force is used")
    receiving_unit: str = Field(..., description="Agency identifier of the one-stop desk")
    competent_unit: str | None = Field(None, description="Agency identifier of the deciding unit, if chosen")
    channel: int = Field(Channel.DIRECT, description="1 at the desk, 2 online, 3 by public post")
    applicant: ApplicantIn
    components: list[ComponentIn] = []
    outcome: OutcomeIn
    submission_key: str | None = Field(None, max_length=64, description="Same key twice → one dossier")


def _unit_by_identifier(identifier: str, field: str) -> Unit:
    unit = Unit.objects.filter(identifier=identifier).first()
    if unit is None:
        raise ValidationError({field: _("No unit has this identifier.")})
    return unit


def _document(user: User, document_id: int, field: str) -> Document:
    try:
        return get_document_for_user(user, document_id)
    except Http404:
        raise ValidationError(
            {field: _("Document %(id)s does not exist or you may not use it.") % {"id": document_id}}
        ) from None


def _component_inputs(
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
                document=_document(user, item.document_id, "components") if item.document_id else None,
                name=item.name,
                exemption=item.exemption,
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
    user = _user(request)
    if payload.channel not in Channel.values:
        raise ValidationError({"channel": _("The channel is 1 (desk), 2 (online) or 3 (post).")})
    procedure = Procedure.objects.select_related("current_version").filter(code=payload.procedure).first()
    if procedure is None or procedure.current_version is None:
        raise ValidationError({"procedure": _("No procedure in force has this code.")})
    replay = (
        bool(payload.submission_key)
        and Dossier.objects.filter(submission_key=payload.submission_key).exists()
    )
    dossier = services.register_at_desk(
        version=procedure.current_version,
        receiving_unit=_unit_by_identifier(payload.receiving_unit, "receiving_unit"),
        competent_unit=(
            _unit_by_identifier(payload.competent_unit, "competent_unit") if payload.competent_unit else None
        ),
        applicant=services.Applicant(**payload.applicant.dict()),
        components=_component_inputs(user, procedure.current_version, payload.components),
        outcome=services.DeskOutcome(
            payload.outcome.decision, reason=payload.outcome.reason, missing=list(payload.outcome.missing)
        ),
        received_by=user,
        channel=payload.channel,
        submission_key=payload.submission_key or None,
    )
    return Answer(200 if replay else 201, _detail(get_dossier_for_user(user, dossier.code)))


# --- Actions --------------------------------------------------------------------------------------


class ActionIn(Schema):
    expected_status: int | None = Field(None, description="Answer 409 unless the dossier is in this status")
    expected_revision: int | None = Field(
        None, description="Answer 409 unless the dossier's revision is this"
    )


def _act(
    request: HttpRequest, code: str, body: ActionIn, action: Callable[[Dossier, User], object]
) -> DossierOut:
    """Lock, check the caller's expectations, run one service; a stale request changes nothing."""
    user = _user(request)
    with transaction.atomic():
        dossier = get_dossier_for_user(user, code, for_update=True)
        stale = (body.expected_status is not None and body.expected_status != dossier.status) or (
            body.expected_revision is not None and body.expected_revision != _revision(dossier)
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
    return _detail(get_dossier_for_user(user, code))


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
    to_unit = _unit_by_identifier(body.unit, "unit") if body.unit else None
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
    to_unit = _unit_by_identifier(body.unit, "unit")
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
    units = [_unit_by_identifier(identifier, "units") for identifier in body.units]
    lead = _unit_by_identifier(body.lead_unit, "lead_unit") if body.lead_unit else None
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
def answer_consultation(request: HttpRequest, code: str, consultation_id: int, body: AnswerIn) -> DossierOut:
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
        inputs = _component_inputs(user, dossier.procedure_version, body.components)
        if dossier.received_at is None and dossier.status == Status.SUPPLEMENT_REQUESTED:
            # Asked for at the desk: the dossier is received only now.
            return services.accept_after_supplement(dossier, by=user, components=inputs)
        return services.receive_supplement(dossier, by=user, components=inputs)

    return _act(request, code, body, receive)


class ExtensionIn(ReasonIn):
    new_due_at: dt.datetime = Field(..., description="New appointment; without an offset it is Vietnam time")


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
    document_id: int


@router.post("/dossiers/{code}/result", response=DossierOut, summary="Attach the result document")
def result(request: HttpRequest, code: str, body: ResultIn) -> DossierOut:
    document = _document(_user(request), body.document_id, "document_id")
    return _act(request, code, body, lambda d, u: services.attach_result(d, by=u, document=document))


class ReturnIn(ActionIn):
    method: str = Field(..., description="desk | post | online")
    carrier: str = Field("", max_length=100)
    tracking: str = Field("", max_length=100)


@router.post("/dossiers/{code}/return", response=DossierOut, summary="Hand the result over")
def return_result(request: HttpRequest, code: str, body: ReturnIn) -> DossierOut:
    return _act(
        request,
        code,
        body,
        lambda d, u: services.return_result(
            d, by=u, method=body.method, carrier=body.carrier, tracking=body.tracking
        ),
    )


class FeePaymentIn(ActionIn):
    method: str = Field(..., description="direct | postal | online")


@router.post("/dossiers/{code}/fee-payment", response=DossierOut, summary="Record the fee payment")
def fee_payment(request: HttpRequest, code: str, body: FeePaymentIn) -> DossierOut:
    return _act(request, code, body, lambda d, u: services.record_fee_payment(d, by=u, method=body.method))


# --- Statistics -----------------------------------------------------------------------------------


class StatisticsRowOut(Schema):
    key: str
    name: str
    received: int
    received_direct: int
    received_online: int
    received_postal: int
    carried_over: int
    resolved: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    in_progress_on_time: int
    in_progress_overdue: int
    supplement_requested: int
    extended: int
    withdrawn: int
    stopped: int
    refused: int
    not_received: int
    indicator_base: int
    indicator_on_time: int
    on_time_percent: float | None
    indicator_score: float | None


class Indicator21Out(Schema):
    on_time: int = Field(..., description="Finished on time or still within time")
    base: int = Field(..., description="Received or processed in the period")
    rate_percent: float | None
    score: float | None = Field(None, description="20 × rate (QĐ 766 group 2)")


class StatisticsOut(Schema):
    period_from: dt.date
    period_to: dt.date
    grouping: str
    unit: str | None
    rows: list[StatisticsRowOut]
    total: StatisticsRowOut
    indicator_21: Indicator21Out


def _row_out(row: statistics.StatisticsRow) -> StatisticsRowOut:
    percent, score = row.on_time_percent, row.indicator_score
    return StatisticsRowOut(
        key=row.key,
        name=row.name,
        **{name: getattr(row, name) for name in statistics.COUNT_FIELDS},
        on_time_percent=float(percent) if percent is not None else None,
        indicator_score=float(score) if score is not None else None,
    )


class StatisticsFilters(Schema):
    period: str = Field("month", description="month | quarter | year | custom")
    year: int | None = Field(None, description="Default: this year")
    month: int | None = Field(None, description="Default: this month")
    quarter: int | None = Field(None, description="Default: this quarter")
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    unit: str = Field("", description="One of the caller's units (with its subtree); all of them when empty")
    grouping: Literal["unit", "procedure", "sector"] = "unit"
    procedure: str = Field("", description="Procedure code")
    sector: str = Field("", description="Sector code")


@router.get("/statistics", response=StatisticsOut, summary="Figures and QĐ 766 indicator 2.1 for a period")
def get_statistics(request: HttpRequest, filters: Query[StatisticsFilters]) -> StatisticsOut:
    """For leaders, heads of department, administrators and desk officers, over their units."""
    units, chosen = statistics.statistics_scope(_user(request), filters.unit)
    today = timezone.localdate()
    period = statistics.parse_period(
        filters.period,
        year=filters.year if filters.year is not None else today.year,
        month=filters.month if filters.month is not None else today.month,
        quarter=filters.quarter if filters.quarter is not None else (today.month - 1) // 3 + 1,
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    report = statistics.dossier_statistics(
        period,
        grouping=filters.grouping,
        units=units,
        procedure_code=filters.procedure,
        sector_code=filters.sector,
    )
    total = _row_out(report.total)
    return StatisticsOut(
        period_from=period.first_day,
        period_to=period.last_day,
        grouping=filters.grouping,
        unit=chosen.identifier if chosen else None,
        rows=[_row_out(row) for row in report.rows],
        total=total,
        indicator_21=Indicator21Out(
            on_time=total.indicator_on_time,
            base=total.indicator_base,
            rate_percent=total.on_time_percent,
            score=total.indicator_score,
        ),
    )


# --- Public lookup --------------------------------------------------------------------------------


class PublicStatusOut(Schema):
    code: str
    procedure_code: str
    procedure_name: str
    status: int
    status_label: str
    step_name: str
    receiving_unit: str
    due_at: dt.datetime | None
    received_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None


def rate_limited_response(retry_after: int) -> JsonResponse:
    response = JsonResponse(
        {
            "code": "rate_limited",
            "message": _("Too many lookups from your address. Please wait a minute and try again."),
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


@router.get(
    "/lookup/{code}",
    auth=None,
    response={200: PublicStatusOut, 404: ErrorOut, 429: ErrorOut},
    summary="Public status of a dossier by its code (no personal data)",
)
def lookup(request: HttpRequest, code: str) -> PublicStatus | HttpResponse:
    """What the receipt's QR code shows; 30 lookups a minute per client address."""
    retry_after = throttle_lookup(request)
    if retry_after is not None:
        return rate_limited_response(retry_after)
    found = public_status(code)
    if found is None:
        raise Http404
    return found
