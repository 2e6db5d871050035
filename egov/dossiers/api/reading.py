"""Reading dossiers: the caller's list with filters and pages, and one dossier in full."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from egov.core.limits import MAX_OFFSET, Day, RowId
from egov.core.pagination import COUNT_CAP, capped_count
from egov.documents.downloads import download
from egov.documents.permissions import get_document_for_user
from egov.dossiers import deadlines
from egov.dossiers.api.common import (
    MAX_PAGE,
    ApplicantOut,
    ConsultationOut,
    DeadlinesOut,
    DossierComponentOut,
    DossierFeeOut,
    DossierOut,
    DossierPageOut,
    DossierSummaryOut,
    EventOut,
    ProcedureRef,
    UnitRef,
    caller,
    router,
)
from egov.dossiers.models import Consultation, Dossier, DossierEvent, Status
from egov.dossiers.permissions import dossiers_visible_to, get_dossier_for_user, with_related
from egov.dossiers.services import papers, steps_of
from egov.organization.calendar import get_calendar
from egov.organization.models import Unit

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
    status: int | None = Field(None, ge=1, le=10, description="National status code 1–10")
    unit: str = Field("", description="Agency identifier: dossiers received, decided or held in its subtree")
    procedure: str = Field("", description="Procedure code")
    received_from: Day | None = None
    received_to: Day | None = None
    q: str = Field("", max_length=200, description="Part of the dossier code")
    limit: int = Field(20, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
    after: RowId | None = Field(None, description="`next_after` of the previous page (keyset paging)")


@router.get("/dossiers", response=DossierPageOut, summary="Dossiers visible to the caller, newest first")
def list_dossiers(request: HttpRequest, filters: Query[DossierFilters]) -> DossierPageOut:
    """The same queries whatever the page size: the caller's memberships, units and consultations,
    the count, the page and its units and assignees."""
    dossiers = dossiers_visible_to(caller(request))
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
    # Counted up to a cap, as every list is (egov.core.pagination): counting a province's
    # millions to show "1–20 of …" costs more than the page itself.
    counted = capped_count(dossiers)
    if filters.after is not None:
        dossiers = dossiers.filter(pk__lt=filters.after)
    page = list(with_related(dossiers).order_by("-pk")[filters.offset : filters.offset + filters.limit])
    return DossierPageOut(
        count=min(counted, COUNT_CAP),
        more=counted > COUNT_CAP,
        items=[DossierSummaryOut(**_summary_fields(d)) for d in page],
        next_after=page[-1].pk if len(page) == filters.limit else None,
    )


@router.get("/dossiers/{code}", response=DossierOut, summary="A dossier with its papers, timeline and clock")
def get_dossier(request: HttpRequest, code: str) -> DossierOut:
    return dossier_out(get_dossier_for_user(caller(request), code))


@router.get(
    "/dossiers/{code}/papers/{position}/content",
    summary="A paper's file, as the dossier holds it",
    response={200: None},
)
def paper_content(request: HttpRequest, code: str, position: RowId) -> FileResponse:
    """The version the dossier holds (`version`, `sha256` in the dossier), never a later upload;
    every download is audited."""
    user = caller(request)
    dossier = get_dossier_for_user(user, code)
    component = (
        dossier.components.filter(position=position, document__isnull=False)
        .select_related("document_version")
        .first()
    )
    if component is None or component.document_version is None:
        raise Http404
    get_document_for_user(user, component.document_id or 0)  # the documents' rule agrees
    version = component.document_version
    return download(version, user=user)


def revision(dossier: Dossier) -> int:
    """The id of the dossier's latest event: every service writes one, so any change moves it."""
    return (
        DossierEvent.objects.filter(dossier=dossier).order_by("-pk").values_list("pk", flat=True).first() or 0
    )


def dossier_out(dossier: Dossier) -> DossierOut:
    steps = [step.name for step in steps_of(dossier)]
    components = papers.with_versions(
        list(
            dossier.components.select_related(
                "catalogue_component", "document_version", "document__current_version"
            ).order_by("position")
        )
    )
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
        fee_lines=[
            DossierFeeOut(
                catalogue_position=line.fee.position,
                description=line.description,
                kind=line.fee.kind,
                unit_amount=line.unit_amount,
                quantity=line.quantity,
                amount=line.amount,
            )
            for line in dossier.fee_lines.select_related("fee")
        ],
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
            DossierComponentOut(
                position=c.position,
                catalogue_position=c.catalogue_component.position if c.catalogue_component else None,
                name=c.name,
                is_required=c.is_required,
                document_id=c.document_id,
                version=c.document_version.number if c.document_version else None,
                sha256=c.document_version.sha256 if c.document_version else None,
                digitised_version=c.digitised.number if c.digitised else None,  # type: ignore[attr-defined]
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
