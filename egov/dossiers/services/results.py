"""The result (ND 61/2018 Điều 19–20): refusal, attach or generate it, resolve at the desk, return it."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core.pdf import render_pdf
from egov.documents.models import Document
from egov.documents.services import create_document
from egov.dossiers.models import (
    Dossier,
    Status,
)
from egov.dossiers.permissions import can_act_as, can_receive_at
from egov.dossiers.services.transitions import change_status, record_event, require_status, resolve
from egov.organization.models import Role
from egov.procedures.models import ProcedureVersion, ProcessStep


def refuse_after_appraisal(
    dossier: Dossier, *, by: User, reason: str, now: dt.datetime | None = None
) -> Dossier:
    """Not eligible: the refusal (Mẫu 03) becomes the result, within the time limit (Điều 19 khoản 8)."""
    require_status(dossier, Status.PROCESSING)
    if not can_act_as(by, dossier, Role.LEADER):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reasons for the refusal.")})
    resolve(dossier, by=by, now=now or timezone.now(), outcome=Dossier.ResultOutcome.REFUSED, note=reason)
    return dossier


def attach_result(dossier: Dossier, *, by: User, document: Document) -> Dossier:
    """The result document (generated or uploaded; signed by the leader and sealed in the signatures app)."""
    if dossier.status not in (Status.PROCESSING, Status.RESOLVED):
        raise ValidationError(_("A result can only be attached while the dossier is processed."))
    if not can_act_as(by, dossier, Role.SPECIALIST, Role.LEADER, Role.CLERK):
        raise PermissionDenied
    dossier.result_document = document
    dossier.save(update_fields=["result_document"])
    record_event(dossier, "result_attached", by, None, None, data={"document": document.pk})
    return dossier


def is_immediate(version: ProcedureVersion) -> bool:
    """A procedure whose result is given at the desk the same visit (ND 61/2018 Điều 17 khoản 4).

    Every step is done by the desk that received it, or the whole limit is half a day at most.
    """
    steps = list(version.steps.all())
    at_desk = bool(steps) and all(
        s.performer == ProcessStep.Performer.RECEIVING and s.role == Role.DESK_OFFICER for s in steps
    )
    return at_desk or (version.time_limit_hours is not None and version.time_limit_hours <= 4)


def resolve_at_desk(dossier: Dossier, *, by: User, now: dt.datetime | None = None) -> Dossier:
    """Close an immediate-result dossier at the desk: processed and handed over in one visit.

    No receipt is needed unless the applicant asks, but the status is still recorded (Điều 17 khoản 4).
    """
    require_status(dossier, Status.RECEIVED)
    if not can_receive_at(by, dossier.receiving_unit):
        raise PermissionDenied
    if not is_immediate(dossier.procedure_version):
        raise ValidationError(_("This procedure's result is not given at the desk; forward the dossier."))
    now = now or timezone.now()
    resolve(dossier, by=by, now=now, outcome=Dossier.ResultOutcome.GRANTED)
    return return_result(dossier, by=by, method=Dossier.ReturnMethod.DESK, now=now)


def generate_result(dossier: Dossier, *, by: User, note: str = "") -> Document:
    """Draft the result document from the template, for the leader to check, sign and seal.

    The document belongs to the unit that holds the dossier; it becomes the dossier's result.
    """
    if dossier.status not in (Status.PROCESSING, Status.RESOLVED):
        raise ValidationError(_("A result can only be drafted while the dossier is processed."))
    if not can_act_as(by, dossier, Role.SPECIALIST, Role.LEADER, Role.CLERK):
        raise PermissionDenied
    version = dossier.procedure_version
    unit = dossier.competent_unit
    pdf = render_pdf(
        "dossiers/pdf/result.html",
        {
            "issuer": unit.name.upper(),
            "issuer_parent": unit.parent.name.upper() if unit.parent else "",
            "number": dossier.code,
            "place": "Thái Nguyên",
            "date": timezone.localdate(),
            "result_title": version.result.split(";")[0].split("(")[0].strip() or version.name,
            "procedure": version.name,
            "legal_basis": version.legal_basis.split(";")[0],
            "dossier_code": dossier.code,
            "received_at": timezone.localtime(dossier.received_at).strftime("%H giờ %M, ngày %d/%m/%Y")
            if dossier.received_at
            else "",
            "applicant": dossier.applicant_name,
            "id_number": dossier.applicant_id_number,
            "address": dossier.applicant_address,
            "note": note,
            "signer_position": "Thủ trưởng cơ quan",
            "recipients": [dossier.applicant_name, "Lưu: VT"],
        },
        page_size="A4",
    )
    document = create_document(
        title=_("Result of dossier %(code)s") % {"code": dossier.code},
        unit=dossier.current_unit,
        file=SimpleUploadedFile(f"ket-qua-{dossier.code}.pdf", pdf, content_type="application/pdf"),
        uploaded_by=by,
    )
    attach_result(dossier, by=by, document=document)
    return document


def return_result(
    dossier: Dossier,
    *,
    by: User,
    method: str,
    carrier: str = "",
    tracking: str = "",
    now: dt.datetime | None = None,
) -> Dossier:
    """Hand over the result at the desk, by post or online (ND 61/2018 Điều 20): status 9 → 10."""
    require_status(dossier, Status.RESOLVED)
    if method not in Dossier.ReturnMethod.values:
        raise ValidationError({"method": _("Choose how the result is returned.")})
    if method == Dossier.ReturnMethod.POST and not (carrier.strip() and tracking.strip()):
        raise ValidationError(_("Give the postal carrier and the tracking number."))
    if method == Dossier.ReturnMethod.ONLINE and dossier.result_document_id is None:
        raise ValidationError(_("An online return needs the signed electronic result."))
    if not can_receive_at(by, dossier.receiving_unit):
        raise PermissionDenied
    now = now or timezone.now()
    dossier.return_method, dossier.postal_carrier, dossier.postal_tracking = method, carrier, tracking
    dossier.returned_at = dossier.closed_at = now
    dossier.save(
        update_fields=["return_method", "postal_carrier", "postal_tracking", "returned_at", "closed_at"]
    )
    change_status(
        dossier,
        Status.RETURNED,
        by=by,
        kind="returned",
        at=now,
        data={"method": method, "carrier": carrier, "tracking": tracking},
    )
    return dossier
