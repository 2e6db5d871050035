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
from egov.dossiers import drafting
from egov.dossiers.models import (
    Dossier,
    Status,
)
from egov.dossiers.permissions import can_act_as, can_receive_at
from egov.dossiers.services import papers
from egov.dossiers.services.transitions import (
    change_status,
    record_event,
    require_status,
    require_step_role,
    resolve,
)
from egov.organization.models import Role
from egov.organization.permissions import decides_in
from egov.procedures.models import ProcedureVersion, ProcessStep
from egov.signatures.appearance import reserved_space
from egov.signatures.models import SignatureValidation, SigningCertificate
from egov.signatures.services import latest_validation, validate_version

RESULT_TEMPLATES = {"decision": "dossiers/pdf/result.html", "paper": "dossiers/pdf/result_paper.html"}


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


def attach_result(
    dossier: Dossier, *, by: User, document: Document, kind: str = "result_attached"
) -> Dossier:
    """The result document (generated or uploaded; signed by the leader and sealed in the signatures app).

    `kind`: the history tells a result drafted from the template ("result_drafted") from one attached."""
    if dossier.status == Status.PROCESSING:
        require_step_role(dossier, by)
    elif dossier.status == Status.RESOLVED and dossier.result_document_id is None:
        # A result issued outside egov (e.g. a refusal or a paper certificate) scanned at the desk.
        if not can_act_as(by, dossier, Role.SPECIALIST, Role.LEADER, Role.CLERK, Role.DESK_OFFICER):
            raise PermissionDenied
    else:
        raise ValidationError(_("A result can only be attached while the dossier is processed."))
    papers.hold(dossier, document, by=by)
    dossier.result_document = document
    dossier.save(update_fields=["result_document"])
    record_event(dossier, kind, by, None, None, data={"document": document.pk})
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


def resolve_at_desk(
    dossier: Dossier, *, by: User, paper_result: str = "", now: dt.datetime | None = None
) -> Dossier:
    """Close an immediate-result dossier at the desk: processed and handed over in one visit.

    No receipt is needed unless the applicant asks, but the status is still recorded (Điều 17 khoản 4).
    """
    require_status(dossier, Status.RECEIVED)
    if not can_receive_at(by, dossier.receiving_unit):
        raise PermissionDenied
    if not is_immediate(dossier.procedure_version):
        raise ValidationError(_("This procedure's result is not given at the desk; forward the dossier."))
    _require_something_to_return(dossier, paper_result)
    now = now or timezone.now()
    resolve(dossier, by=by, now=now, outcome=Dossier.ResultOutcome.GRANTED)
    return return_result(dossier, by=by, method=Dossier.ReturnMethod.DESK, paper_result=paper_result, now=now)


def generate_result(dossier: Dossier, *, by: User, note: str = "") -> Document:
    """Draft the result document from the template, for the leader to check, sign and seal.

    The document belongs to the unit that holds the dossier; it becomes the dossier's result.
    """
    require_status(dossier, Status.PROCESSING)
    require_step_role(dossier, by)
    context = drafting.result_context(dossier, note=note)
    # The layout follows what the result is: a decision, or the paper issued (a Giấy khai sinh is
    # an extract of the civil-status register, not a decision). Both keep the same signature box.
    template = RESULT_TEMPLATES[context["result_kind"]]
    pdf = render_pdf(template, {**context, "signature_box": reserved_space()}, page_size="A4")
    document = create_document(
        title=_("Result of dossier %(code)s") % {"code": dossier.code},
        unit=dossier.current_unit,
        file=SimpleUploadedFile(f"ket-qua-{dossier.code}.pdf", pdf, content_type="application/pdf"),
        uploaded_by=by,
        purpose=Document.Purpose.DOSSIER,
        owner=dossier.citizen,
    )
    attach_result(dossier, by=by, document=document, kind="result_drafted")
    return document


def return_result(
    dossier: Dossier,
    *,
    by: User,
    method: str,
    carrier: str = "",
    tracking: str = "",
    paper_result: str = "",
    now: dt.datetime | None = None,
) -> Dossier:
    """Hand over the result at the desk, by post or online (ND 61/2018 Điều 20): status 9 → 10.

    There must be something to hand over: the electronic result, or the paper result recorded here.
    A refusal needs neither: its notice (Mẫu 03) is the result (Điều 19 khoản 8).
    """
    require_status(dossier, Status.RESOLVED)
    if dossier.outcome != Dossier.ResultOutcome.REFUSED:
        _require_something_to_return(dossier, paper_result)
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
    dossier.paper_result = paper_result.strip() or dossier.paper_result
    dossier.returned_at = dossier.closed_at = now
    dossier.save(
        update_fields=[
            "return_method",
            "postal_carrier",
            "postal_tracking",
            "paper_result",
            "returned_at",
            "closed_at",
        ]
    )
    change_status(
        dossier,
        Status.RETURNED,
        by=by,
        kind="returned",
        at=now,
        data={"method": method, "carrier": carrier, "tracking": tracking, "paper_result": paper_result},
    )
    return dossier


def _require_something_to_return(dossier: Dossier, paper_result: str) -> None:
    if dossier.result_document_id is None and not (paper_result.strip() or dossier.paper_result):
        raise ValidationError(
            {
                "paper_result": _(
                    "There is no result to hand over: attach the electronic result, or record the "
                    "paper result (what it is and its number)."
                )
            },
            code="no_result",
        )


def check_step_output(dossier: Dossier, step: ProcessStep) -> None:
    """Refuse to complete a step that has not produced what it must (ND 61/2018 Điều 19 khoản 4, 7).

    A drafting step needs the result attached; a signing step needs a valid, trusted and intact
    signature on the result's current version by a person (not a seal) who holds the step's role
    where the dossier is.
    """
    if not step.output:
        return
    document = dossier.result_document
    if document is None or document.current_version is None:
        raise ValidationError(_("Draft or attach the result before completing this step."), code="no_result")
    if step.output != ProcessStep.Output.SIGNATURE:
        return
    version = document.current_version
    validation = latest_validation(version) or validate_version(version, validated_by=None)
    if not _signed_for_step(validation, dossier, step):
        raise ValidationError(
            _(
                "The result is not yet signed by the competent person with a valid signature; "
                "sign it before completing this step."
            ),
            code="not_signed",
        )


def _signed_for_step(validation: SignatureValidation, dossier: Dossier, step: ProcessStep) -> bool:
    good = [
        entry["serial"]
        for entry in validation.report
        if entry.get("signature_valid")
        and entry.get("intact")
        and entry.get("trusted")
        and not entry.get("is_seal")
        and entry.get("revocation", {}).get("status") != "revoked"
        and entry.get("serial")
    ]
    certificates = SigningCertificate.objects.filter(
        serial__in=good, kind=SigningCertificate.Kind.PERSONAL, owner__isnull=False
    ).select_related("owner")
    return any(
        certificate.owner is not None and decides_in(certificate.owner, dossier.current_unit, Role(step.role))
        for certificate in certificates
    )
