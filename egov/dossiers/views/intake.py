"""Desk intake (ND 61/2018 Điều 17): choose the procedure, look the applicant up, receive the papers."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from egov.accounts.http import AuthenticatedRequest
from egov.dossiers import forms, services
from egov.dossiers.models import Dossier, DossierComponent, Status
from egov.dossiers.permissions import receiving_desks
from egov.dossiers.views.common import add_errors, component_inputs, staff_view, uploads_removed_on_failure
from egov.integrations.errors import IntegrationError, IntegrationUnavailable
from egov.integrations.population import CitizenRecord, lookup_citizen
from egov.organization.models import Unit
from egov.procedures.models import ProcedureVersion
from egov.procedures.queries import search_procedures

PROCEDURE_RESULTS = 30
LOOKED_UP = "dossiers.population_ids"  # session: numbers found in the population database
LOOKUP_PURPOSE = "tiếp nhận hồ sơ"


# --- Desk intake ----------------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def intake(request: AuthenticatedRequest) -> HttpResponse:
    """Receive a dossier at the desk: choose the procedure, then one form and one decision."""
    desks = receiving_desks(request.user)
    if not desks.exists():
        raise PermissionDenied
    code = request.GET.get("thu_tuc", "").strip()
    if not code:
        query = request.GET.get("q", "")[:200]
        versions = list(search_procedures(query)[:PROCEDURE_RESULTS]) if query else []
        return render(request, "dossiers/intake_choose.html", {"query": query, "versions": versions})
    version = _version(code)
    decision = request.POST.get("do", "")
    if request.method == "POST" and decision == "lookup":
        return _lookup(request, version, desks)
    form = forms.IntakeForm(
        request.POST or None, request.FILES or None, version=version, desks=desks, decision=decision
    )
    if request.method == "POST" and form.is_valid():
        existing = Dossier.objects.filter(submission_key=form.cleaned_data["submission_key"]).first()
        if existing is not None:  # a second click of the same form
            return redirect(existing)
        try:
            dossier = _register(request, form)
        except _Duplicate as duplicate:
            return redirect(duplicate.dossier)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _intake_message(dossier))
            return redirect(dossier)
    return render(request, "dossiers/intake_form.html", _intake_context(version, form))


def _version(code: str) -> ProcedureVersion:
    version = (
        ProcedureVersion.objects.in_force()
        .filter(procedure__code=code)
        .select_related("procedure", "sector", "competent_unit")
        .prefetch_related("components", "fees")
        .first()
    )
    if version is None:
        raise Http404
    return version


def _intake_context(version: ProcedureVersion, form: forms.IntakeForm, **extra: Any) -> dict[str, Any]:
    return {"version": version, "form": form, **extra}


def _register(request: AuthenticatedRequest, form: forms.IntakeForm) -> Dossier:
    data = form.cleaned_data
    desk: Unit = data["receiving_unit"]
    id_number = data["applicant_id_number"]
    applicant = services.Applicant(
        name=data["applicant_name"],
        id_number=id_number,
        birth_date=data["applicant_birth_date"],
        address=data["applicant_address"],
        phone=data["applicant_phone"],
        email=data["applicant_email"],
        owner_name=data["owner_name"],
        owner_address=data["owner_address"],
        from_population_db=bool(id_number) and id_number in request.session.get(LOOKED_UP, []),
    )
    outcome = services.DeskOutcome(form.decision, reason=data["reason"], missing=form.missing_list())
    with uploads_removed_on_failure() as created, transaction.atomic():
        components = component_inputs(form, desk, request.user, created, only_given_optional=True)
        dossier = services.register_at_desk(
            version=form.version,
            receiving_unit=desk,
            applicant=applicant,
            components=components,
            outcome=outcome,
            received_by=request.user,
            channel=data["channel"],
            competent_unit=data.get("competent_unit"),
            submission_key=data["submission_key"],
            fees=form.fee_choice(),
        )
        if created and not DossierComponent.objects.filter(dossier=dossier, document__in=created).exists():
            # Another click of the same form won the race: keep its dossier, drop our uploads.
            raise _Duplicate(dossier)
    return dossier


class _Duplicate(Exception):  # noqa: N818 — control flow, not an error
    def __init__(self, dossier: Dossier) -> None:
        super().__init__(dossier.code)
        self.dossier = dossier


def _intake_message(dossier: Dossier) -> str:
    if dossier.status == Status.RECEIVED:
        due = timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y") if dossier.due_at else ""
        return _("Dossier %(code)s was received. Appointment: %(due)s. Print the receipt below.") % {
            "code": dossier.code,
            "due": due,
        }
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        return _("Dossier %(code)s was registered; print the supplement request for the applicant.") % {
            "code": dossier.code
        }
    return _("Dossier %(code)s was refused; print the refusal for the applicant.") % {"code": dossier.code}


def _lookup(request: AuthenticatedRequest, version: ProcedureVersion, desks: QuerySet[Unit]) -> HttpResponse:
    """Ask the population database about the applicant and show its 20 facts for checking."""
    lookup_form = forms.LookupForm(request.POST)
    record: CitizenRecord | None = None
    error = ""
    if not lookup_form.is_valid():
        error = " ".join(
            str(e) for e in lookup_form.errors.get("applicant_id_number", [_("Enter the number.")])
        )
    else:
        number = lookup_form.cleaned_data["applicant_id_number"]
        try:
            record = lookup_citizen(number, requested_by=request.user.get_username(), purpose=LOOKUP_PURPOSE)
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
        except IntegrationUnavailable:
            error = _(
                "The population database cannot be reached now. Enter the data from the applicant's "
                "papers, or try again later."
            )
        except IntegrationError:
            error = _("The population database did not give a usable answer. Enter the data by hand.")
        else:
            if record is None:
                error = _("The population database has no person with this number.")
            else:
                found = [n for n in request.session.get(LOOKED_UP, []) if n != number][-9:]
                request.session[LOOKED_UP] = [*found, number]
    panel = {"record": record, "rows": record.rows() if record else [], "lookup_error": error}
    prefill = _prefill(record)
    if request.htmx:  # type: ignore[attr-defined]
        # The panel, and the prefilled inputs swapped in place out of band.
        form = forms.IntakeForm(initial=prefill, version=version, desks=desks)
        widgets = [form[name].as_widget(attrs={"hx-swap-oob": "true"}) for name in prefill]
        return render(request, "dossiers/_population.html", {**panel, "oob_widgets": widgets})
    initial = {
        key: value for key, value in request.POST.dict().items() if not key.startswith(("file_", "do"))
    }
    form = forms.IntakeForm(initial={**initial, **prefill}, version=version, desks=desks)
    return render(request, "dossiers/intake_form.html", _intake_context(version, form, **panel))


def _prefill(record: CitizenRecord | None) -> dict[str, str]:
    if record is None:
        return {}
    values = {
        "applicant_name": record.full_name,
        "applicant_birth_date": record.date_of_birth.isoformat(),
        "applicant_address": record.current_residence or record.permanent_residence,
        "applicant_phone": record.contact.phone,
        "applicant_email": record.contact.email,
    }
    return {name: value for name, value in values.items() if value}
