"""The citizen's online service: fill the e-form, keep a draft, submit, follow and answer the dossier.

Pages work without JavaScript. A citizen reaches only their own drafts and dossiers (404 for
anyone else's); their files are served here after that check, never through the staff pages.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from egov.accounts.http import AuthenticatedRequest
from egov.core.pdf import qr_svg
from egov.core.text import collation_key
from egov.documents import services as document_services
from egov.documents.downloads import download
from egov.documents.permissions import documents_visible_to, get_document_for_user
from egov.dossiers import eforms, online, printing, services
from egov.dossiers.forms import FeeChoiceForm
from egov.dossiers.models import Dossier, DossierComponent, Draft, Status
from egov.dossiers.permissions import dossiers_visible_to, get_dossier_for_user
from egov.dossiers.services import papers
from egov.feedback import services as feedback_services
from egov.organization.models import Unit
from egov.procedures.fees import Charge, FeeChoice
from egov.procedures.models import Procedure, ProcedureVersion
from egov.procedures.permissions import get_public_procedure
from egov.signatures import services as signature_services
from egov.signatures.models import SignatureValidation

# What each event means to the applicant; events not listed here are internal and not shown.
CITIZEN_EVENTS = {
    "submitted_online": gettext_lazy("You submitted the dossier online."),
    "registered": gettext_lazy("The dossier was registered."),
    "received": gettext_lazy("The dossier was received; the appointment for the result was set."),
    "supplement_requested_at_desk": gettext_lazy("The desk asked you for more papers."),
    "supplement_requested": gettext_lazy("The processing unit asked you for more papers."),
    "supplement_supplied_online": gettext_lazy("You sent the papers online; the desk checks them again."),
    "supplement_received_online": gettext_lazy("You sent the papers online; the time limit starts again."),
    "supplement_received": gettext_lazy("Your papers were received; the time limit starts again."),
    "refused_at_desk": gettext_lazy("The dossier could not be received."),
    "forwarded": gettext_lazy("The dossier was sent for processing."),
    "transferred": gettext_lazy("The dossier was transferred to another competent authority."),
    "extended": gettext_lazy("The authority apologised and set a new appointment."),
    "payment_requested": gettext_lazy("You are asked to pay the fees or charges."),
    "fee_paid": gettext_lazy("The fee was paid."),
    "resolved": gettext_lazy("The result is ready."),
    "returned": gettext_lazy("The result was returned."),
    "withdrawn": gettext_lazy("Processing stopped at your request."),
    "stopped": gettext_lazy("Processing was stopped."),
}
PRINTABLE_FOR_CITIZEN = ("receipt", "supplement", "refusal", "apology", "stop")


def citizen_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Logged-in citizens only; staff have the workspace."""

    @login_required
    @wraps(view)
    def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_citizen:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# --- Start, fill, save, submit ---------------------------------------------------------------------


def _online_version(code: str) -> ProcedureVersion:
    procedure: Procedure = get_public_procedure(code)
    version = procedure.version_in_force() or procedure.current_version
    if version is None:
        raise Http404
    return version


@citizen_view
@require_http_methods(["GET", "POST"])
def online_start(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """GET: what is needed and a start button (or straight to the open draft); POST: open the draft."""
    version = _online_version(code)
    if not online.can_submit_online(version):
        return render(request, "portal/online_unavailable.html", {"version": version}, status=404)
    existing = Draft.objects.filter(
        citizen=request.user, procedure_version=version, submitted_dossier__isnull=True
    ).first()
    if existing is not None:
        return redirect("portal:online_draft", existing.pk)
    if request.method == "POST":
        draft = online.start_draft(citizen=request.user, version=version)
        return redirect("portal:online_draft", draft.pk)
    return render(request, "portal/online_start.html", {"version": version})


def _unit_choices(version: ProcedureVersion) -> list[Unit]:
    return sorted(online.receiving_units(version), key=lambda unit: collation_key(unit.name))


@citizen_view
@require_http_methods(["GET", "POST"])
def online_draft(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The e-form with the papers to upload; "Lưu nháp" keeps it, "Nộp hồ sơ" submits it."""
    draft = online.get_draft_for_citizen(request.user, pk)
    if draft.submitted_dossier_id is not None:
        return redirect("portal:citizen_dossier", draft.submitted_dossier.code)  # type: ignore[union-attr]
    version = draft.procedure_version
    specs = eforms.schema_fields(version)
    form_class = eforms.build_form(specs, locked=draft.prefilled)
    fee_lines = list(version.fees.all())
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        fee_form = FeeChoiceForm(request.POST, fees=fee_lines)
        errors = _save(request, draft, specs, fee_form)
        if request.POST.get("do") == "submit" and not errors:
            try:
                dossier = online.submit_online(draft, by=request.user)
            except ValidationError as invalid:
                errors = _messages(invalid)
            else:
                return redirect("portal:online_submitted", dossier.code)
        elif not errors:
            messages.success(request, _("Your draft was saved. You can come back to it from “My dossiers”."))
            return redirect("portal:online_draft", draft.pk)
        form = form_class(data=draft.data, initial=draft.data)
        form.is_valid()
        for name, field_errors in errors.items():
            target = fee_form if name in fee_form.fields else form
            if name in target.fields and name not in target.errors:
                for message in field_errors:
                    target.add_error(name, message)
        messages.error(request, _("Nothing was submitted yet; correct what is marked below."))
    else:
        form = form_class(initial=draft.data)
        choice = FeeChoice.from_json(draft.fees)
        fee_form = FeeChoiceForm(initial=FeeChoiceForm.initial_for(choice, fee_lines), fees=fee_lines)
    return render(request, "portal/online_form.html", _form_context(draft, form, errors, fee_form))


def _save(
    request: AuthenticatedRequest, draft: Draft, specs: list[eforms.Field], fee_form: FeeChoiceForm
) -> dict[str, list[str]]:
    """Save the typed values, the unit and the fee choice, store each upload; return problems by field."""
    errors: dict[str, list[str]] = {}
    fees = fee_form.fee_choice() if fee_form.is_valid() else None
    errors.update({name: [str(m) for m in messages] for name, messages in fee_form.errors.items()})
    unit = None
    unit_id = request.POST.get("receiving_unit", "")
    if unit_id.isdigit():
        unit = online.receiving_units(draft.procedure_version).filter(pk=int(unit_id)).first()
        if unit is None:
            errors["receiving_unit"] = [_("This unit does not receive this procedure.")]
    with transaction.atomic():
        online.save_draft(
            draft,
            by=request.user,
            values=eforms.raw_values(specs, request.POST),
            receiving_unit=unit,
            fees=fees,
        )
    attached = {a.catalogue_component_id: a.document_id for a in draft.attachments.all()}
    for component in draft.procedure_version.components.all():
        upload = request.FILES.get(f"file_{component.pk}")
        chosen = request.POST.get(f"store_{component.pk}", "")
        try:
            if upload is not None:
                online.attach_to_draft(draft, by=request.user, component=component, file=upload)
            elif chosen.isdigit() and attached.get(component.pk) != int(chosen):
                document = documents_visible_to(request.user).filter(pk=int(chosen)).first()
                if document is None:
                    raise ValidationError(_("This document is not in your data store."))
                online.attach_from_store(draft, component=component, document=document, by=request.user)
        except ValidationError as invalid:
            errors[f"file_{component.pk}"] = invalid.messages
    return errors


def _messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {name: ValidationError(items).messages for name, items in error.error_dict.items()}
    return {"__all__": error.messages}


def _form_context(
    draft: Draft, form: eforms.EForm, errors: dict[str, list[str]], fee_form: FeeChoiceForm
) -> dict[str, Any]:
    version = draft.procedure_version
    try:
        charge: Charge | None = online.draft_charge(draft, draft.data)
    except ValidationError:
        charge = None
    attached = {a.catalogue_component_id: a for a in draft.attachments.select_related("document")}
    papers = [
        {
            "component": component,
            "attachment": attached.get(component.pk),
            "by_form": bool(component.form),
            "needs_upload": online.needs_upload(component),
            "errors": errors.get(f"file_{component.pk}", []),
        }
        for component in version.components.all()
    ]
    store = online.store_items(draft.citizen)
    shown = form.shown_names()
    return {
        "draft": draft,
        "version": version,
        "form": form,
        "rows": [(spec, field, spec["name"] in shown) for spec, field in form.rows()],
        "papers": papers,
        "units": _unit_choices(version),
        "unit_errors": errors.get("receiving_unit", []),
        "component_errors": errors.get("components", []),
        "general_errors": errors.get("__all__", []),
        "prefilled": bool(draft.prefilled),
        "store": store,
        "fee_form": fee_form,
        "charge": charge,
    }


@citizen_view
@require_http_methods(["GET"])
def draft_file(request: AuthenticatedRequest, pk: int, document_id: int) -> FileResponse:
    """A paper the citizen uploaded to their draft."""
    draft = online.get_draft_for_citizen(request.user, pk)
    if not draft.attachments.filter(document_id=document_id).exists():
        raise Http404
    return _serve(request, document_id)


def _serve(
    request: AuthenticatedRequest,
    document_id: int,
    *,
    dossier: Dossier | None = None,
    number: int | None = None,
) -> FileResponse:
    """A document's file: through a dossier, the version the dossier holds; else the current one."""
    document = get_document_for_user(request.user, document_id)
    if dossier is not None:
        version = papers.readable_version(dossier, document, number)
    else:
        version = document.current_version
    if version is None:
        raise Http404
    return download(version, user=request.user)


@citizen_view
@require_http_methods(["GET"])
def online_submitted(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The acknowledgement: the dossier code, a QR of its public status page, what happens next."""
    dossier = get_dossier_for_user(request.user, code)
    url = printing.lookup_url(dossier.code)
    return render(
        request,
        "portal/online_submitted.html",
        {"dossier": dossier, "qr": qr_svg(url, scale=4), "lookup_url": url},
    )


# --- My dossiers -----------------------------------------------------------------------------------


def _expected(dossier: Dossier, *, on_its_page: bool = False) -> list[tuple[str, str]]:
    """What the citizen should do now, as (text, link) pairs.

    On the dossier's own page the links go to the part of the page concerned, never to the page
    itself; a result collected at the desk has nothing to link to there (link "").
    """
    page = "" if on_its_page else reverse("portal:citizen_dossier", args=[dossier.code])
    todo: list[tuple[str, str]] = []
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        todo.append((_("Supply the missing papers"), f"{page}#supply"))
    if services.payment_refusal(dossier) is None:
        todo.append((_("Pay the fees"), reverse("dossiers:pay", args=[dossier.code])))
    if dossier.status == Status.RESOLVED:
        here = f"{page}#result" if not on_its_page or _result_available(dossier) else ""
        todo.append((_("Collect the result"), here))
    return todo


@citizen_view
@require_http_methods(["GET"])
def my_dossiers(request: AuthenticatedRequest) -> HttpResponse:
    """ "Hồ sơ của tôi": open drafts and submitted dossiers, with what is expected from me."""
    drafts = (
        online.drafts_of(request.user)
        .filter(submitted_dossier__isnull=True)
        .select_related("procedure_version__procedure")
        .order_by("-updated_at")
    )
    dossiers = list(
        dossiers_visible_to(request.user)
        .select_related("procedure_version")
        .order_by("-created_at", "-pk")[:200]
    )
    rows = [{"dossier": d, "todo": _expected(d)} for d in dossiers]
    return render(request, "portal/citizen_dossiers.html", {"drafts": drafts, "rows": rows})


def _result_available(dossier: Dossier) -> bool:
    if dossier.result_document_id is None:
        return False
    return dossier.status == Status.RESOLVED or (
        dossier.status == Status.RETURNED and dossier.return_method == Dossier.ReturnMethod.ONLINE
    )


def _print_links(dossier: Dossier) -> list[tuple[str, str]]:
    edition = printing.default_edition(dossier)
    links = []
    for number in printing.applicable_forms(dossier, edition):
        kind = printing.FORMS[edition][number]
        if kind in PRINTABLE_FOR_CITIZEN:
            url = reverse("dossiers:print", args=[dossier.code, number]) + f"?edition={edition}"
            links.append((url, _("Form %(number)s") % {"number": number}))
    return links


def _feedback_url(dossier: Dossier) -> str:
    """The rating page, linked only while the page would take a rating (ND 61/2018 Điều 31)."""
    if not feedback_services.may_rate(dossier):
        return ""
    try:
        return reverse("feedback:rate", args=[dossier.code])
    except NoReverseMatch:
        return ""


@citizen_view
@require_http_methods(["GET"])
def citizen_dossier(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """One of my dossiers: status, appointment, timeline, the supplement request and the result."""
    dossier = get_dossier_for_user(request.user, code)
    return render(request, "portal/citizen_dossier.html", _dossier_context(dossier))


def _dossier_context(dossier: Dossier, upload_errors: list[str] | None = None) -> dict[str, Any]:
    events = [
        {
            "at": event.at,
            "text": papers.describe_event(event.kind, event.data) or CITIZEN_EVENTS[event.kind],
            "missing": event.data.get("missing", []),
            # The reason of a supplement request is the applicant's to read (ND 61/2018 Điều 17 k.2).
            "reason": event.note if event.kind in services.SUPPLEMENT_KINDS else "",
        }
        for event in dossier.events.order_by("at", "pk")
        if event.kind in CITIZEN_EVENTS or event.kind in papers.PAPER_EVENTS
    ]
    missing, reason = (
        online.supplement_request(dossier) if dossier.status == Status.SUPPLEMENT_REQUESTED else ([], "")
    )
    # The papers as the dossier holds them: a version uploaded later is not what was submitted.
    components = papers.with_versions(
        list(
            DossierComponent.objects.filter(dossier=dossier)
            .select_related("document_version", "document__current_version")
            .order_by("position")
        )
    )
    result = _result_available(dossier)
    return {
        "dossier": dossier,
        "events": events,
        "components": components,
        "missing": missing,
        "supplement_reason": reason,
        "can_supply": dossier.status == Status.SUPPLEMENT_REQUESTED,
        "result": result,
        "validation": _result_validation(dossier) if result else None,
        "print_links": _print_links(dossier),
        "todo": _expected(dossier, on_its_page=True),
        "payment_refusal": services.payment_refusal_text(dossier),
        "feedback_url": _feedback_url(dossier),
        "form_rows": eforms.display_rows(
            eforms.schema_fields(dossier.procedure_version), online.form_values(dossier)
        ),
        "upload_errors": upload_errors or [],
    }


def _result_validation(dossier: Dossier) -> SignatureValidation | None:
    """The signature check of the result's current version; checked once if never checked."""
    document = dossier.result_document
    version = document.current_version if document is not None else None
    if version is None:
        return None
    validation = signature_services.latest_validation(version)
    if validation is None and version.has_signatures:
        validation = signature_services.validate_version(version, validated_by=None)
    return validation


@citizen_view
@require_POST
def supply(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Upload the papers asked for, all in one go, on the same dossier."""
    try:
        with document_services.atomic_with_files(), transaction.atomic():
            dossier = get_dossier_for_user(request.user, code, for_update=True)
            if dossier.status != Status.SUPPLEMENT_REQUESTED:
                raise ValidationError(_("Nothing is asked of you for this dossier now."))
            by_name = {c.name: c for c in dossier.procedure_version.components.all()}
            supplied = []
            for number, name in enumerate(online.missing_items(dossier), start=1):
                upload = request.FILES.get(f"file_{number}")
                if upload is None:
                    continue
                document = online.create_upload(name, dossier.receiving_unit, upload, request.user)
                supplied.append(
                    online.Supplied(name=name, document=document, catalogue_component=by_name.get(name))
                )
            online.supply_online(
                dossier, by=request.user, attachments=supplied, note=request.POST.get("note", "")[:2000]
            )
    except ValidationError as invalid:
        dossier = get_dossier_for_user(request.user, code)
        messages.error(request, _("Nothing was sent; see below."))
        return render(
            request, "portal/citizen_dossier.html", _dossier_context(dossier, invalid.messages), status=400
        )
    messages.success(request, _("Your papers were sent."))
    return redirect("portal:citizen_dossier", code)


@citizen_view
@require_http_methods(["GET"])
def citizen_file(
    request: AuthenticatedRequest, code: str, document_id: int, number: int | None = None
) -> FileResponse:
    """A paper of my dossier as the dossier holds it (or its searchable copy, by `number`), or its
    result once it is ready (returned online or processed)."""
    dossier = get_dossier_for_user(request.user, code)
    own_paper = DossierComponent.objects.filter(dossier=dossier, document_id=document_id).exists()
    is_result = dossier.result_document_id == document_id and _result_available(dossier)
    if not (own_paper or is_result):
        raise Http404
    return _serve(request, document_id, dossier=dossier, number=number)


# --- My data store ---------------------------------------------------------------------------------


@citizen_view
@require_http_methods(["GET"])
def data_store(request: AuthenticatedRequest) -> HttpResponse:
    """ "Kho dữ liệu của tôi" (ND 45/2020 Điều 16): my results and the papers I submitted."""
    return render(request, "portal/data_store.html", {"items": online.store_items(request.user)})


@citizen_view
@require_http_methods(["GET"])
def store_file(request: AuthenticatedRequest, document_id: int) -> FileResponse:
    """A document of my data store; anyone else's does not exist for me."""
    if not online.in_store(request.user, document_id):
        raise Http404
    # A paper I submitted is the version my dossier holds, not one an officer added later.
    held = (
        DossierComponent.objects.filter(dossier__citizen=request.user, document_id=document_id)
        .select_related("dossier")
        .order_by("-dossier_id")
        .first()
    )
    return _serve(request, document_id, dossier=held.dossier if held is not None else None)
