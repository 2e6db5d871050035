"""A dossier's page: its timeline, papers, printable forms, and the actions the officer may take."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from egov.accounts.http import AuthenticatedRequest
from egov.accounts.models import User
from egov.core import audit
from egov.documents.downloads import download
from egov.documents.models import Document, DocumentVersion
from egov.documents.permissions import get_document_for_user
from egov.documents.services import create_document
from egov.dossiers import deadlines, forms, online, printing, services
from egov.dossiers.models import Channel, Consultation, Dossier, DossierComponent, Status
from egov.dossiers.permissions import STAFF_ROLES, get_dossier_for_user
from egov.dossiers.services import papers
from egov.dossiers.views import due_notes, originals
from egov.dossiers.views.common import (
    add_errors,
    clock_of,
    component_inputs,
    staff_view,
    uploads_removed_on_failure,
    working_time,
)
from egov.organization.calendar import WorkingCalendar, get_calendar
from egov.organization.models import Membership, Role, Unit
from egov.organization.permissions import roles_deciding_in
from egov.procedures.models import ProcessStep

EVENT_LABELS = {
    "registered": gettext_lazy("Registered"),
    "received": gettext_lazy("Received, appointment given"),
    "supplement_requested_at_desk": gettext_lazy("Supplement requested at the desk"),
    "refused_at_desk": gettext_lazy("Refused at the desk"),
    "forwarded": gettext_lazy("Forwarded"),
    "step_started": gettext_lazy("Step started"),
    "assigned": gettext_lazy("Assigned"),
    "assigned_unit": gettext_lazy("Handed to a division"),
    "appraised": gettext_lazy("Appraised"),
    "step_completed": gettext_lazy("Step completed"),
    "sent_back": gettext_lazy("Sent back"),
    "transferred": gettext_lazy("Transferred"),
    "consultation_requested": gettext_lazy("Units consulted"),
    "consultation_answered": gettext_lazy("Consultation answered"),
    "supplement_requested": gettext_lazy("Supplement requested"),
    "supplement_received": gettext_lazy("Supplement received"),
    "extended": gettext_lazy("Appointment extended"),
    "withdrawn": gettext_lazy("Withdrawn"),
    "resolved": gettext_lazy("Processed"),
    "result_attached": gettext_lazy("Result attached"),
    "result_drafted": gettext_lazy("Result drafted"),
    "returned": gettext_lazy("Result returned"),
    "fee_paid": gettext_lazy("Fee paid"),
    "submitted_online": gettext_lazy("Submitted online"),
    "supplement_supplied_online": gettext_lazy("Papers supplied online, to be checked again"),
    "supplement_received_online": gettext_lazy("Supplement received online"),
    "originals_received": gettext_lazy("Originals taken by the desk"),
    "originals_returned": gettext_lazy("Originals returned"),
}
# Forms of TT 03/2025 Phụ lục I, printed by egov.dossiers.printing when it is installed.
# What each printable form is called on the dossier page, by kind (numbers differ per edition).
PRINT_FORMS = {
    "receipt": gettext_lazy("Receipt and appointment"),
    "supplement": gettext_lazy("Supplement request"),
    "refusal": gettext_lazy("Refusal"),
    "apology": gettext_lazy("Apology and new appointment"),
    "stop": gettext_lazy("Stop notice"),
    "control_slip": gettext_lazy("Control slip"),
}


# --- A dossier ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionSpec:
    """One thing an officer may do to a dossier: its form, when it is offered, and the service."""

    label: Any
    form: type[forms.ActionForm]
    offered: Callable[["_Powers"], bool]
    run: Callable[[Any, Dossier, User, list[Document]], str]
    multipart: bool = False
    danger: bool = False


class _Powers:
    """What the user may do here, read with two queries (the services check again for real)."""

    def __init__(
        self, user: User, dossier: Dossier, step: ProcessStep | None, components: list[DossierComponent]
    ) -> None:
        self.user, self.dossier, self.step, self.components = user, dossier, step, components
        # Acting where the dossier is: its unit's or its agency's roles only (decision 0006).
        self.here = roles_deciding_in(user, dossier.current_unit)
        self.desk = self._roles(dossier.receiving_unit)

    def _roles(self, unit: Unit) -> set[str]:
        roles = set(
            Membership.objects.current()
            .filter(user=self.user, unit_id__in=unit.ancestor_ids())
            .values_list("role", flat=True)
        )
        return set(Role.values) if Role.ADMINISTRATOR in roles else roles

    def act_as(self, *roles: Role) -> bool:
        if self.dossier.assignee_id == self.user.pk and Role.SPECIALIST in roles:
            return True
        return bool(self.here & set(roles))

    @property
    def receives(self) -> bool:
        return Role.DESK_OFFICER in self.desk

    def status(self, *statuses: Status) -> bool:
        return self.dossier.status in statuses

    @property
    def step_holder(self) -> bool:
        return self.step is not None and self.act_as(Role(self.step.role))


PROCESSORS = (Role.SPECIALIST, Role.HEAD_OF_DEPARTMENT, Role.LEADER)


def _run_close_at_desk(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    services.resolve_at_desk(dossier, by=user, paper_result=form.cleaned_data["paper_result"])
    return _("The result was given at the desk and the dossier is closed.")


def _run_generate_result(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    created.append(services.generate_result(dossier, by=user, note=form.cleaned_data.get("note", "")))
    return _("The result was drafted from the template; the leader signs it next.")


def _run_forward(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    services.forward_dossier(dossier, by=user)
    return _("The dossier was forwarded to %(unit)s.") % {"unit": dossier.current_unit.name}


def _run_accept(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    inputs = component_inputs(form, dossier.receiving_unit, user, created)
    services.accept_after_supplement(
        dossier, by=user, components=[i for i in inputs if i.document or i.exemption]
    )
    return _("The dossier was received.")


def _run_assign(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    data = form.cleaned_data
    services.assign_dossier(dossier, by=user, to_user=data["to_user"], to_unit=data["to_unit"])
    return _("The dossier was assigned.")


def _run_appraise(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    services.record_appraisal(dossier, by=user, note=form.cleaned_data["note"])
    return _("The appraisal was recorded.")


def _run_complete(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    services.complete_step(dossier, by=user, note=form.cleaned_data["note"])
    if dossier.status == Status.RESOLVED:
        return _("Processing is complete; the result goes back to the desk.")
    return _("The step was completed; the dossier moved to the next step.")


def _run_send_back(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    services.send_back(dossier, by=user, reason=form.cleaned_data["reason"])
    return _("The dossier was sent back to the previous step.")


def _run_request_supplement(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    services.request_supplement(
        dossier, by=user, missing=form.missing_list(), reason=form.cleaned_data["reason"]
    )
    return _("The supplement was requested; the clock is paused.")


def _run_receive_supplement(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    inputs = component_inputs(form, dossier.receiving_unit, user, created)
    services.receive_supplement(dossier, by=user, components=[i for i in inputs if i.document or i.exemption])
    return _("The supplement was received; the time limit starts again.")


def _run_consult(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    data = form.cleaned_data
    services.consult_units(
        dossier,
        by=user,
        units=list(data["units"]),
        content=data["content"],
        mode=data["mode"],
        lead_unit=data["lead_unit"],
        hours_each=data["hours"],
    )
    return _("The units were consulted.")


def _run_answer(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    consultation: Consultation = form.cleaned_data["consultation"]
    consultation.dossier = dossier
    services.answer_consultation(consultation, by=user, answer=form.cleaned_data["answer"])
    return _("The opinion was sent.")


def _run_repin(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    component: DossierComponent = form.cleaned_data["component"]
    version = DocumentVersion.objects.filter(
        document=component.document, number=form.cleaned_data["version"]
    ).first()
    if version is None:
        raise ValidationError({"version": _("This is not a version of the paper's document.")})
    services.repin_paper(dossier, component=component, version=version, by=user)
    return _("The dossier now holds version %(number)s of “%(paper)s”.") % {
        "number": version.number,
        "paper": component.name,
    }


def _run_transfer(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    data = form.cleaned_data
    services.transfer_dossier(dossier, by=user, to_unit=data["to_unit"], reason=data["reason"])
    return _("The dossier was transferred to %(unit)s.") % {"unit": data["to_unit"].name}


def _run_extend(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    services.extend_deadline(
        dossier, by=user, new_due_at=form.new_due_at(), reason=form.cleaned_data["reason"]
    )
    return _("The new appointment was set and the applicant is told.")


def _run_refuse(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    services.refuse_after_appraisal(dossier, by=user, reason=form.cleaned_data["reason"])
    return _("The refusal is the result; it goes back to the desk.")


def _run_attach(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    document = create_document(
        title=_("Result of dossier %(code)s") % {"code": dossier.code},
        unit=dossier.current_unit,
        file=form.cleaned_data["file"],
        uploaded_by=user,
        purpose=Document.Purpose.DOSSIER,
    )
    created.append(document)
    services.attach_result(dossier, by=user, document=document)
    return _("The result was attached.")


def _run_return(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    data = form.cleaned_data
    services.return_result(
        dossier,
        by=user,
        method=data["method"],
        carrier=data["carrier"],
        tracking=data["tracking"],
        paper_result=data.get("paper_result", ""),
    )
    return _("The result was returned; the dossier is closed.")


def _run_fee(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    services.record_fee_payment(dossier, by=user, method=form.cleaned_data["method"])
    return _("The payment was recorded.")


def _run_withdraw(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    services.withdraw_dossier(dossier, by=user, reason=form.cleaned_data["reason"])
    return _("Processing was stopped at the applicant's request.")


def _run_accept_online(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    online.receive_online(dossier, by=user)
    return _("The online dossier was received; the applicant is told the appointment.")


def _run_supplement_online(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    online.request_supplement_online(
        dossier, by=user, missing=form.missing_list(), reason=form.cleaned_data["reason"]
    )
    return _("The applicant is asked online for the missing papers.")


def _run_refuse_online(form: Any, dossier: Dossier, user: User, created: list[Document]) -> str:
    online.refuse_online(dossier, by=user, reason=form.cleaned_data["reason"])
    return _("The online dossier was refused; the applicant is told the reasons.")


def _online_at_desk(p: "_Powers") -> bool:
    """An online dossier waiting for this desk's check (ND 45/2020 Điều 11 khoản 3: 8 working hours)."""
    return p.status(Status.REGISTERED) and p.dossier.channel == Channel.ONLINE and p.receives


ACTIONS: dict[str, ActionSpec] = {
    "accept_online": ActionSpec(
        gettext_lazy("Receive the online dossier"),
        forms.OnlineReviewForm,
        _online_at_desk,
        _run_accept_online,
    ),
    "supplement_online": ActionSpec(
        gettext_lazy("Ask for the missing papers (online)"),
        forms.OnlineSupplementForm,
        _online_at_desk,
        _run_supplement_online,
    ),
    "refuse_online": ActionSpec(
        gettext_lazy("Refuse the online dossier"),
        forms.ReasonForm,
        _online_at_desk,
        _run_refuse_online,
        danger=True,
    ),
    "close_at_desk": ActionSpec(
        gettext_lazy("Give the result now and close"),
        forms.PaperResultForm,
        lambda p: (
            p.status(Status.RECEIVED) and p.receives and services.is_immediate(p.dossier.procedure_version)
        ),
        _run_close_at_desk,
    ),
    "generate_result": ActionSpec(
        gettext_lazy("Draft the result from the template"),
        forms.NoteForm,
        lambda p: p.status(Status.PROCESSING) and p.step_holder and not p.dossier.result_document_id,
        _run_generate_result,
    ),
    "forward": ActionSpec(
        gettext_lazy("Forward for processing"),
        forms.PlainForm,
        lambda p: p.status(Status.RECEIVED) and p.receives,
        _run_forward,
    ),
    "accept": ActionSpec(
        gettext_lazy("Receive now (papers supplied)"),
        forms.ComponentsActionForm,
        lambda p: p.status(Status.SUPPLEMENT_REQUESTED) and p.dossier.received_at is None and p.receives,
        _run_accept,
        multipart=True,
    ),
    "assign": ActionSpec(
        gettext_lazy("Assign"),
        forms.AssignForm,
        lambda p: p.status(Status.PROCESSING) and p.act_as(Role.LEADER, Role.HEAD_OF_DEPARTMENT, Role.CLERK),
        _run_assign,
    ),
    "appraise": ActionSpec(
        gettext_lazy("Record the appraisal"),
        forms.AppraisalForm,
        lambda p: p.status(Status.PROCESSING) and p.step_holder,
        _run_appraise,
    ),
    "complete": ActionSpec(
        gettext_lazy("Complete this step"),
        forms.NoteForm,
        lambda p: p.status(Status.PROCESSING) and p.step_holder,
        _run_complete,
    ),
    "send_back": ActionSpec(
        gettext_lazy("Send back to the previous step"),
        forms.ReasonForm,
        lambda p: p.status(Status.PROCESSING) and p.step_holder and p.dossier.current_step > 2,
        _run_send_back,
    ),
    "request_supplement": ActionSpec(
        gettext_lazy("Request a supplement"),
        forms.SupplementRequestForm,
        lambda p: p.status(Status.PROCESSING) and p.step_holder,
        _run_request_supplement,
    ),
    "receive_supplement": ActionSpec(
        gettext_lazy("Receive the supplement"),
        forms.ComponentsActionForm,
        lambda p: (
            p.status(Status.SUPPLEMENT_REQUESTED)
            and p.dossier.received_at is not None
            and (p.receives or p.act_as(Role.SPECIALIST))
        ),
        _run_receive_supplement,
        multipart=True,
    ),
    "consult": ActionSpec(
        gettext_lazy("Consult other units"),
        forms.ConsultForm,
        lambda p: p.status(Status.PROCESSING) and p.step_holder,
        _run_consult,
    ),
    "transfer": ActionSpec(
        gettext_lazy("Transfer to another authority"),
        forms.TransferForm,
        lambda p: (
            p.status(Status.RECEIVED, Status.PROCESSING)
            and p.act_as(Role.LEADER, Role.HEAD_OF_DEPARTMENT, Role.DESK_OFFICER)
        ),
        _run_transfer,
    ),
    "extend": ActionSpec(
        gettext_lazy("Apologise and set a new appointment"),
        forms.ExtendForm,
        lambda p: (
            p.status(Status.RECEIVED, Status.PROCESSING)
            and p.dossier.extension_count == 0
            and p.act_as(Role.LEADER, Role.HEAD_OF_DEPARTMENT)
        ),
        _run_extend,
    ),
    "refuse": ActionSpec(
        gettext_lazy("Refuse (not eligible)"),
        forms.ReasonForm,
        lambda p: p.status(Status.PROCESSING) and p.act_as(Role.LEADER),
        _run_refuse,
        danger=True,
    ),
    "attach_result": ActionSpec(
        gettext_lazy("Attach the result"),
        forms.AttachResultForm,
        lambda p: (
            (p.status(Status.PROCESSING) and p.step_holder)
            or (
                p.status(Status.RESOLVED)
                and not p.dossier.result_document_id
                and p.act_as(Role.SPECIALIST, Role.LEADER, Role.CLERK, Role.DESK_OFFICER)
            )
        ),
        _run_attach,
        multipart=True,
    ),
    "return_result": ActionSpec(
        gettext_lazy("Return the result"),
        forms.ReturnResultForm,
        lambda p: p.status(Status.RESOLVED) and p.receives,
        _run_return,
    ),
    # ND 61/2018 Điều 20: the desk records the originals it takes and gives them back at the hand-over.
    "take_originals": ActionSpec(
        gettext_lazy("Record originals taken for comparison"),
        originals.TakeOriginalsForm,
        # At reception, or at the hand-over (an online dossier's originals are compared then).
        lambda p: (
            p.status(Status.RECEIVED, Status.SUPPLEMENT_REQUESTED, Status.RESOLVED)
            and p.receives
            and bool(services.originals_not_taken(p.components))
        ),
        originals.run_take,
    ),
    "return_originals": ActionSpec(
        gettext_lazy("Return the originals to the applicant"),
        originals.ReturnOriginalsForm,
        lambda p: p.receives and bool(services.originals_held(p.components)),
        originals.run_return,
    ),
    "pay_fee": ActionSpec(
        gettext_lazy("Record the fee payment"),
        forms.FeeForm,
        lambda p: services.payment_refusal(p.dossier) is None and p.receives,
        _run_fee,
    ),
    "withdraw": ActionSpec(
        gettext_lazy("Stop at the applicant's request"),
        forms.ReasonForm,
        lambda p: p.status(Status.REGISTERED, *services.OPEN_BEFORE_RESULT) and p.receives,
        _run_withdraw,
        danger=True,
    ),
    "answer": ActionSpec(
        gettext_lazy("Send the opinion"),
        forms.AnswerForm,
        lambda p: False,  # offered per consultation, on the consultations panel
        _run_answer,
    ),
    "repin": ActionSpec(
        gettext_lazy("Hold this version"),
        forms.RepinForm,
        lambda p: False,  # offered per paper that has a newer version, on the papers panel
        _run_repin,
    ),
}


@staff_view
@require_http_methods(["GET"])
def detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """One dossier on one screen: applicant, papers, timeline, deadlines and what I may do."""
    dossier = get_dossier_for_user(request.user, code)
    audit.record(actor=request.user, action="dossier.viewed", target=dossier, unit_id=dossier.current_unit_id)
    return render(request, "dossiers/detail.html", _detail_context(request.user, dossier))


@staff_view
@require_http_methods(["GET"])
def dossier_file(
    request: AuthenticatedRequest, code: str, document_id: int, number: int | None = None
) -> FileResponse:
    """A paper or the result of a dossier, for anyone who may see the dossier.

    A dossier's documents are seen by whoever may see the dossier (the documents' access rule,
    egov.documents.permissions); the link to this dossier is checked too. A paper is served as
    the dossier holds it (`number` may name its searchable copy), never a later upload.
    """
    dossier = get_dossier_for_user(request.user, code)
    document = get_document_for_user(request.user, document_id)
    version = papers.readable_version(dossier, document, number)
    if version is None:
        raise Http404
    return download(version, user=request.user)


def _detail_context(
    user: User, dossier: Dossier, failed: tuple[str, forms.ActionForm] | None = None
) -> dict[str, Any]:
    steps = list(dossier.procedure_version.steps.order_by("position"))
    step = steps[dossier.current_step - 1] if 0 < dossier.current_step <= len(steps) else None
    events = list(
        dossier.events.select_related("actor", "from_unit", "to_unit", "to_user").order_by("at", "pk")
    )
    for event in events:
        event.label = papers.describe_event(event.kind, event.data) or EVENT_LABELS.get(  # type: ignore[attr-defined]
            event.kind, event.kind
        )
    last_event = max((event.pk for event in events), default=None)
    expected = {"expected_status": dossier.status, "expected_event": last_event}
    components = papers.with_versions(
        list(
            dossier.components.select_related(
                "document_version",
                "document__current_version",
                "original_received_by",
                "original_returned_by",
            )
        )
    )
    powers = _Powers(user, dossier, step, components)
    actions = []
    for name, spec in ACTIONS.items():
        if not spec.offered(powers):
            continue
        if failed is not None and failed[0] == name:
            form = failed[1]
        else:
            form = spec.form(initial=expected, dossier=dossier, user=user)
        actions.append(
            {
                "name": name,
                "spec": spec,
                "form": form,
                "url": reverse("dossiers:act", args=[dossier.code, name]),
            }
        )
    consultations = list(dossier.consultations.select_related("unit", "answered_by", "requested_by"))
    for consultation in consultations:
        consultation.answer_form = None  # type: ignore[attr-defined]
        if consultation.answered_at is None and consultation.started_at is not None:
            if (
                failed is not None
                and failed[0] == "answer"
                and failed[1].data.get("consultation") == str(consultation.pk)
            ):
                consultation.answer_form = failed[1]  # type: ignore[attr-defined]
            elif (
                Membership.objects.current()
                .filter(
                    user=user,
                    unit_id__in=consultation.unit.ancestor_ids(),
                    role__in=[*PROCESSORS, Role.ADMINISTRATOR],
                )
                .exists()
            ):
                consultation.answer_form = forms.AnswerForm(  # type: ignore[attr-defined]
                    initial={**expected, "consultation": consultation.pk}, dossier=dossier, user=user
                )
    calendar = get_calendar()
    now = timezone.now()
    # A deadline after the appointment is shown with its reason (egov.dossiers.views.due_notes).
    notes = due_notes.step_notes(calendar, dossier, steps, events)
    for event in events:
        event.due_note = notes.get(event.pk, "")  # type: ignore[attr-defined]
    for consultation in consultations:
        consultation.due_note = due_notes.consultation_note(dossier, consultation)  # type: ignore[attr-defined]
    # A newer version of a paper may be held instead only by those who handle the dossier.
    may_repin = dossier.closed_at is None and powers.act_as(*STAFF_ROLES)
    for component in components:
        component.repin_form = (  # type: ignore[attr-defined]
            forms.RepinForm(
                initial={**expected, "component": component.pk, "version": component.newer.number},  # type: ignore[attr-defined]
                dossier=dossier,
                user=user,
            )
            if may_repin and component.newer is not None  # type: ignore[attr-defined]
            else None
        )
    return {
        "dossier": dossier,
        "step": step,
        "steps": steps,
        "events": events,
        "components": components,
        "originals_held": services.originals_held(components),
        "consultations": consultations,
        "notifications": list(dossier.notifications.order_by("created_at", "pk")),
        "clock": clock_of(calendar, dossier, dossier.due_at, now),
        "step_clock": (
            clock_of(calendar, dossier, dossier.current_step_due_at, now)
            if step and dossier.status == Status.PROCESSING
            else None
        ),
        "forward_clock": (
            clock_of(calendar, dossier, dossier.forward_due_at, now)
            if dossier.status == Status.RECEIVED and dossier.forwarded_at is None
            else None
        ),
        "step_note": due_notes.current_step_note(dossier, events, notes),
        "forward_note": due_notes.forward_note(calendar, dossier),
        "working_left": _working_left(calendar, dossier, now),
        "actions": actions,
        "print_links": _print_links(dossier),
        "exemptions": forms.EXEMPTION_LABELS,
        "fee_methods": dict(forms.PAYMENT_METHODS),
        "payment_refusal": services.payment_refusal_text(dossier),
        "fee_unpaid": _fee_unpaid(dossier),
        "repin_failed": failed[1] if failed is not None and failed[0] == "repin" else None,
    }


def _working_left(calendar: WorkingCalendar, dossier: Dossier, now: dt.datetime) -> str:
    if dossier.due_at is None or dossier.closed_at is not None or dossier.status == Status.RESOLVED:
        return ""
    reading = deadlines.read_clock(calendar, dossier.due_at, now)
    if reading.working_minutes_left is None:
        return ""
    return working_time(abs(reading.working_minutes_left))


def _fee_unpaid(dossier: Dossier) -> int:
    """The fee still owed, warned about on the page until it is paid: processing may go on unpaid
    (ND 61/2018 Điều 17 lets the fee be collected until the result is handed over), but the
    result should not leave the desk with it owed. Nothing is owed on a refused or stopped dossier."""
    if dossier.fee_amount <= 0 or dossier.fee_paid_at is not None:
        return 0
    if dossier.status in (Status.NOT_RECEIVED, Status.WITHDRAWN, Status.STOPPED):
        return 0
    if dossier.outcome == Dossier.ResultOutcome.REFUSED:
        return 0
    return dossier.fee_amount


def _print_links(dossier: Dossier) -> list[tuple[str, str]]:
    """Links to the forms this dossier's history lets one print, in the dossier's own edition."""
    edition = printing.default_edition(dossier)
    return [
        (
            reverse("dossiers:print", args=[dossier.code, number]) + f"?edition={edition}",
            _("%(name)s (form %(number)s)")
            % {"name": PRINT_FORMS[printing.FORMS[edition][number]], "number": number},
        )
        for number in printing.applicable_forms(dossier, edition)
    ]


class _Stale(Exception):  # noqa: N818 — control flow
    pass


class _Invalid(Exception):  # noqa: N818 — control flow
    def __init__(self, form: forms.ActionForm) -> None:
        super().__init__("invalid form")
        self.form = form


@staff_view
@require_POST
def act(request: AuthenticatedRequest, code: str, action: str) -> HttpResponse:
    """Do one action on a dossier; a form shown for an older state of the dossier changes nothing."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    form: forms.ActionForm | None = None
    try:
        with uploads_removed_on_failure() as created, transaction.atomic():
            dossier = get_dossier_for_user(request.user, code, for_update=True)
            if _is_stale(request, dossier):
                raise _Stale
            form = spec.form(request.POST, request.FILES, dossier=dossier, user=request.user)
            if not form.is_valid():
                raise _Invalid(form)
            message = spec.run(form, dossier, request.user, created)
    except _Stale:
        messages.error(
            request,
            _(
                "Nothing was done: the dossier changed since this page was opened (it is now "
                "“%(status)s”). Check its current state and try again."
            )
            % {"status": Status(dossier.status).label},
        )
        return redirect("dossiers:detail", code)
    except _Invalid as invalid:
        return _render_failed(request, code, action, invalid.form)
    except ValidationError as error:
        assert form is not None
        add_errors(form, error)
        return _render_failed(request, code, action, form)
    messages.success(request, message)
    return redirect("dossiers:detail", code)


def _is_stale(request: AuthenticatedRequest, dossier: Dossier) -> bool:
    try:
        expected_status = int(request.POST.get("expected_status", ""))
    except ValueError:
        return True
    if expected_status != dossier.status:
        return True
    expected_event = request.POST.get("expected_event", "")
    if not expected_event:
        return False
    last = dossier.events.order_by("-pk").values_list("pk", flat=True).first()
    return str(last) != expected_event


def _render_failed(
    request: AuthenticatedRequest, code: str, action: str, form: forms.ActionForm
) -> HttpResponse:
    dossier = get_dossier_for_user(request.user, code)
    context = _detail_context(request.user, dossier, failed=(action, form))
    if not any(offered["name"] == action for offered in context["actions"]):
        # The action is not offered in this state (a fee already paid, a supplement pending), so
        # its form is not on the page: the reasons go in the message instead.
        reasons = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, " ".join([_("Nothing was done."), *reasons]))
        return redirect("dossiers:detail", code)
    messages.error(request, _("Nothing was done; correct the form below."))
    context["failed_action"] = action
    return render(request, "dossiers/detail.html", context)
