"""Forms of the officer's workspace: queue filters, desk intake, and one small form per action."""

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import User
from egov.core import forms as core_forms
from egov.documents import scan_quality, validation
from egov.documents.forms import ACCEPT
from egov.dossiers.models import Channel, Consultation, Dossier, DossierComponent, Status
from egov.dossiers.queries import QueueFilters
from egov.dossiers.services import EXEMPTIONS, DeskOutcome
from egov.integrations.population import validate_id_number
from egov.organization.forms import UnitChoiceField, UnitMultipleChoiceField
from egov.organization.models import Role, Unit
from egov.organization.permissions import deciding_units
from egov.procedures import fees as fee_rules
from egov.procedures.fees import FeeChoice
from egov.procedures.models import Component, Fee, ProcedureVersion, Sector

EXEMPTION_LABELS = {
    "online": _("Submitted electronically"),
    "shown_only": _("Shown only (original presented)"),
    "inter_agency": _("Verification result of another agency"),
    "secret": _("Secret document"),
}
EXEMPTION_CHOICES = [("", _("— scan uploaded —")), *((key, EXEMPTION_LABELS[key]) for key in EXEMPTIONS)]
DESK_CHANNELS = [(Channel.DIRECT.value, Channel.DIRECT.label), (Channel.POSTAL.value, Channel.POSTAL.label)]
PAYMENT_METHODS = [
    ("direct", _("Paid directly")),
    ("postal", _("Through the postal operator")),
    ("online", _("Online")),
]
TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class QueueFilterForm(forms.Form):
    """The queue's filters (GET); invalid values are ignored rather than shown as errors."""

    q = forms.CharField(label=_("Code or applicant"), required=False, max_length=100)
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), required=False, to_field_name="code"
    )
    procedure = forms.CharField(label=_("Procedure code"), required=False, max_length=16)
    status = forms.TypedChoiceField(
        label=_("Status"),
        choices=[("", _("Any")), *Status.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    channel = forms.TypedChoiceField(
        label=_("Channel"),
        choices=[("", _("Any")), *Channel.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    received_from = core_forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = core_forms.DateField(
        label=_("Received until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, sectors: Iterable[Sector], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sector_field = self.fields["sector"]
        assert isinstance(sector_field, forms.ModelChoiceField)
        sector_field.queryset = sectors  # type: ignore[assignment]

    def filters(self) -> QueueFilters:
        """The valid filters; a field with a bad value counts as empty."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        sector = data.get("sector")
        return QueueFilters(
            sector=sector.code if sector else "",
            procedure=data.get("procedure") or "",
            status=data.get("status"),
            channel=data.get("channel"),
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            query=data.get("q") or "",
        )


class ComponentFieldsMixin(forms.Form):
    """One file input and one exemption select per paper, named file_<id> and exemption_<id>."""

    def add_component_fields(self, items: Iterable[Component | DossierComponent]) -> None:
        self.component_items = list(items)
        for item in self.component_items:
            self.fields[f"file_{item.pk}"] = forms.FileField(
                label=item.name,
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                # Django's own wording differs from the one every other upload shows (egov.documents).
                error_messages={"empty": _("The file is empty.")},
            )
            self.fields[f"exemption_{item.pk}"] = forms.ChoiceField(
                label=_("No scan needed because"), choices=EXEMPTION_CHOICES, required=False
            )

    def component_rows(self) -> list[tuple[Component | DossierComponent, forms.BoundField, forms.BoundField]]:
        return [
            (item, self[f"file_{item.pk}"], self[f"exemption_{item.pk}"]) for item in self.component_items
        ]

    def check_component_files(self) -> None:
        """Check every upload before anything is written, so a bad file names its row."""
        for item in self.component_items:
            upload = self.cleaned_data.get(f"file_{item.pk}")
            if upload is None:
                continue
            try:
                validation.check_upload(upload)
                # A paper scanned at intake is at least 200 dpi (checklist 35).
                scan_quality.check_scan(upload)
            except ValidationError as error:
                self.add_error(f"file_{item.pk}", error)
            finally:
                upload.seek(0)


def vnd(amount: int) -> str:
    """An amount the Vietnamese way: 200.000 đ."""
    return f"{amount:,} đ".replace(",", ".")


class FeeFieldsMixin(forms.Form):
    """The fee lines someone decides: which rate applies (a radio group) and how many extra units.

    Lines that need no decision (the only rate, what is always added) are shown, not asked. With
    `form_decides`, lines that name an e-form field are left to the e-form (the citizen's form).
    """

    def add_fee_fields(self, fees: Iterable[Fee], *, form_decides: bool = False) -> None:
        self.fee_lines = list(fees)
        alternatives = fee_rules.alternatives(self.fee_lines)
        self.fee_rate_by_form = form_decides and any(fee.form_field for fee in alternatives)
        if len(alternatives) > 1 and not self.fee_rate_by_form:
            self.fields[fee_rules.ALTERNATIVE_FIELD] = forms.TypedChoiceField(
                label=_("Which fee rate applies"),
                choices=[(fee.pk, f"{fee.description}: {vnd(fee.amount)}") for fee in alternatives],
                coerce=int,
                widget=forms.RadioSelect,
                initial=alternatives[0].pk,
            )
        for fee in fee_rules.per_unit(self.fee_lines):
            if form_decides and fee.form_field:
                continue
            self.fields[fee_rules.quantity_field(fee)] = forms.IntegerField(
                label=fee.description,
                required=False,  # empty: the least quantity
                min_value=fee.min_quantity,
                max_value=fee_rules.MAX_QUANTITY,
                initial=fee.min_quantity,
                help_text=_("%(amount)s each") % {"amount": vnd(fee.amount)},
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def fee_inputs(self) -> list[forms.BoundField]:
        names = [fee_rules.ALTERNATIVE_FIELD, *(fee_rules.quantity_field(f) for f in self.fee_lines)]
        return [self[name] for name in names if name in self.fields]

    def fee_notes(self) -> list[Fee]:
        """The lines charged without a decision: the only rate, and what is always added."""
        alternatives = fee_rules.alternatives(self.fee_lines)
        return [f for f in self.fee_lines if f.is_fixed or (f.is_alternative and len(alternatives) == 1)]

    def fee_by_form(self) -> list[Fee]:
        """The lines the e-form decides (shown so the citizen knows what their answers cost)."""
        return [
            f
            for f in self.fee_lines
            if f.form_field
            and (f.is_per_unit or (self.fee_rate_by_form and f.is_alternative))
            and fee_rules.quantity_field(f) not in self.fields
        ]

    def fee_choice(self) -> FeeChoice:
        data = getattr(self, "cleaned_data", {})
        quantities = {
            fee.pk: data[fee_rules.quantity_field(fee)]
            for fee in fee_rules.per_unit(self.fee_lines)
            if data.get(fee_rules.quantity_field(fee)) is not None
        }
        return FeeChoice(alternative=data.get(fee_rules.ALTERNATIVE_FIELD), quantities=quantities)


class FeeChoiceForm(FeeFieldsMixin):
    """The fee choice alone, beside the citizen's e-form (prefixed, so no e-form name collides)."""

    def __init__(self, *args: Any, fees: Iterable[Fee], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "phi")
        super().__init__(*args, **kwargs)
        self.add_fee_fields(fees, form_decides=True)

    @classmethod
    def initial_for(cls, choice: FeeChoice, fees: Iterable[Fee]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        if choice.alternative is not None:
            initial[fee_rules.ALTERNATIVE_FIELD] = choice.alternative
        for fee in fee_rules.per_unit(fees):
            if fee.pk in choice.quantities:
                initial[fee_rules.quantity_field(fee)] = choice.quantities[fee.pk]
        return initial


class IntakeForm(FeeFieldsMixin, ComponentFieldsMixin):
    """Everything the desk officer enters to receive one dossier, and the decision."""

    receiving_unit = UnitChoiceField(
        label=_("Receiving desk"), queryset=Unit.objects.none(), empty_label=None
    )
    competent_unit = UnitChoiceField(
        label=_("Commune or ward that decides"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Needed when the dossier is received at a desk that is not the commune's own."),
    )
    channel = forms.TypedChoiceField(label=_("Channel"), choices=DESK_CHANNELS, coerce=int)
    applicant_name = forms.CharField(label=_("Applicant's full name"), max_length=255)
    applicant_id_number = forms.CharField(
        label=_("Personal identification number"),
        max_length=12,
        required=False,
        validators=[validate_id_number],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_birth_date = core_forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    applicant_address = forms.CharField(label=_("Address"), max_length=500, required=False)
    applicant_phone = forms.CharField(
        label=_("Phone"), max_length=11, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    applicant_email = forms.EmailField(label=_("E-mail"), required=False)
    owner_name = forms.CharField(
        label=_("Dossier owner"), max_length=255, required=False, help_text=_("Leave empty if the applicant.")
    )
    owner_address = forms.CharField(label=_("Owner's address"), max_length=500, required=False)
    missing = forms.CharField(
        label=_("Missing papers (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For “Request a supplement”: list everything at once."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=TEXTAREA,
        help_text=_(
            "Required to refuse or to ask for papers; printed on the slip and sent to the applicant."
        ),
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(
        self, *args: Any, version: ProcedureVersion, desks: Iterable[Unit], decision: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.decision = decision
        components = list(version.components.all())
        required = [c.name for c in components if c.is_required]
        self.fields["missing"].initial = "\n".join(required)
        self.fields["submission_key"].initial = uuid.uuid4().hex
        desk_field = self.fields["receiving_unit"]
        assert isinstance(desk_field, forms.ModelChoiceField)
        desk_field.queryset = desks  # type: ignore[assignment]
        competent_field = self.fields["competent_unit"]
        assert isinstance(competent_field, forms.ModelChoiceField)
        if version.competent_unit_id is None and any(desk.level.code != "commune" for desk in desks):
            competent_field.queryset = Unit.objects.active().filter(level__code="commune")
        else:
            del self.fields["competent_unit"]
        self.add_component_fields(components)
        self.add_fee_fields(version.fees.all())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        desk = data.get("receiving_unit")
        if (
            "competent_unit" in self.fields
            and desk is not None
            and desk.level.code != "commune"
            and data.get("competent_unit") is None
        ):
            self.add_error("competent_unit", _("Choose the commune or ward that will decide this dossier."))
        self.check_component_files()
        if self.decision == DeskOutcome.ACCEPT:
            for component in self.component_items:
                # A file refused above already says what is wrong with that row.
                if (
                    component.is_required
                    and f"file_{component.pk}" not in self.errors
                    and not (data.get(f"file_{component.pk}") or data.get(f"exemption_{component.pk}"))
                ):
                    self.add_error(
                        f"file_{component.pk}",
                        _("Required: upload the scan, or choose why no scan is needed."),
                    )
        elif self.decision == DeskOutcome.SUPPLEMENT:
            # ND 61/2018 Điều 17 khoản 1 điểm a: Mẫu 02 lists the papers and states the reason.
            if not _lines(data.get("missing", "")):
                self.add_error("missing", _("List every paper to add or correct, all at once."))
            if not data.get("reason", "").strip():
                self.add_error("reason", _("Give the reason the papers are needed."))
        elif self.decision == DeskOutcome.REFUSE:
            if not data.get("reason", "").strip():
                self.add_error("reason", _("Give the reasons for the refusal."))
        else:
            raise ValidationError(_("Choose exactly one outcome: accept, request a supplement or refuse."))
        return data

    def missing_list(self) -> list[str]:
        return _lines(self.cleaned_data.get("missing", ""))


class TrackingBookForm(forms.Form):
    """The tracking book page's choices (GET): the desk, the period and the form's edition.

    It only shows them, through the shared field template: the view reads and checks the query
    itself (print_views.tracking_book), since a wrong value there is answered with a message.
    The names are the query's, `from` and `to` included, so the fields are set in __init__.
    """

    unit = UnitChoiceField(label=_("Desk"), to_field_name="identifier", empty_label=None)
    edition = forms.ChoiceField(
        label=_("Form edition"),
        widget=forms.RadioSelect,
        choices=[("2025", _("TT 03/2025/TT-VPCP (in force)")), ("2018", _("TT 01/2018/TT-VPCP"))],
    )

    def __init__(self, *args: Any, units: Iterable[Unit], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "book-%s")
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)
        unit_field.queryset = units  # type: ignore[assignment]
        for name, label in (("from", _("From")), ("to", _("To"))):
            self.fields[name] = core_forms.DateField(
                label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            )
        self.order_fields(["unit", "from", "to", "edition"])


class LookupForm(forms.Form):
    """The number to look up in the population database."""

    applicant_id_number = forms.CharField(max_length=12, validators=[validate_id_number])


# --- Actions on a dossier ------------------------------------------------------------------------


class ActionForm(forms.Form):
    """Every action form carries the state it was shown for, so a stale form changes nothing."""

    expected_status = forms.IntegerField(widget=forms.HiddenInput)
    expected_event = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, dossier: Dossier, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.user = user

    def plain_fields(self) -> list[forms.BoundField]:
        """Visible fields except the per-paper inputs (rendered as the papers' checklist)."""
        items = getattr(self, "component_items", [])
        skip = {f"{prefix}_{item.pk}" for item in items for prefix in ("file", "exemption")}
        return [field for field in self.visible_fields() if field.name not in skip]


class PlainForm(ActionForm):
    """An action with no fields of its own (forward, hand-over)."""


class NoteForm(ActionForm):
    note = forms.CharField(label=_("Note"), required=False, widget=TEXTAREA)


class AppraisalForm(ActionForm):
    note = forms.CharField(label=_("What the appraisal found"), widget=TEXTAREA)


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA)


def _display_name(user: User) -> str:
    return user.display_name


class AssignForm(ActionForm):
    to_user = forms.ModelChoiceField(label=_("Specialist"), queryset=User.objects.none(), required=False)
    to_unit = UnitChoiceField(label=_("Division"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The unit and its divisions: where the people who may take the dossier work (decision 0006).
        units = deciding_units([self.dossier.current_unit])[self.dossier.current_unit_id]
        user_field = self.fields["to_user"]
        assert isinstance(user_field, forms.ModelChoiceField)
        user_field.queryset = (
            User.objects.filter(
                memberships__unit__in=units,
                memberships__role__in=[Role.SPECIALIST, Role.HEAD_OF_DEPARTMENT],
                memberships__ended_on__isnull=True,
                is_active=True,
            )
            .distinct()
            .order_by("full_name", "username")
        )
        user_field.label_from_instance = _display_name  # type: ignore[method-assign,assignment]
        unit_field = self.fields["to_unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.active().filter(pk__in=units[1:])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("to_user") and not data.get("to_unit"):
            raise ValidationError(_("Choose a specialist, a division, or both."))
        return data


# Both halves of a supplement request are required, with messages that say what to write
# (ND 61/2018 Điều 15 khoản 3, Điều 17 khoản 1 điểm a and khoản 2).
SUPPLEMENT_MISSING_ERRORS = {"required": _("List every paper to add or correct, all at once.")}
SUPPLEMENT_REASON_ERRORS = {"required": _("Give the reason the papers are needed.")}


class SupplementRequestForm(ActionForm):
    missing = forms.CharField(
        label=_("Missing papers (one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=SUPPLEMENT_MISSING_ERRORS,
    )
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA, error_messages=SUPPLEMENT_REASON_ERRORS)

    def missing_list(self) -> list[str]:
        return _lines(self.cleaned_data["missing"])


class ComponentsActionForm(ActionForm, ComponentFieldsMixin):
    """Papers brought later: a scan or exemption for each paper not yet scanned."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_component_fields(
            c for c in self.dossier.components.all() if c.document_id is None and not c.exemption
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.check_component_files()
        return data


class ConsultForm(ActionForm):
    units = UnitMultipleChoiceField(
        label=_("Units to consult"),
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    mode = forms.ChoiceField(label=_("How"), choices=Consultation.Mode.choices)
    lead_unit = UnitChoiceField(label=_("Lead unit (all at once)"), required=False)
    content = forms.CharField(label=_("What is asked"), widget=TEXTAREA)
    hours = forms.IntegerField(label=_("Working hours for each unit"), min_value=1, max_value=400, initial=8)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.active().exclude(level__code="division").exclude(pk=self.dossier.current_unit_id)
        for name in ("units", "lead_unit"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = units


class AnswerForm(ActionForm):
    consultation = forms.ModelChoiceField(
        queryset=Consultation.objects.none(), widget=forms.HiddenInput, label=_("Consultation")
    )
    answer = forms.CharField(label=_("The unit's opinion"), widget=TEXTAREA)

    def __init__(self, *args: Any, consultations: Iterable[Consultation] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["consultation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Consultation.objects.filter(
            dossier=self.dossier, answered_at__isnull=True, started_at__isnull=False
        )


class RepinForm(ActionForm):
    """Make the dossier hold another version of one of its papers (services.papers.repin_paper)."""

    component = forms.ModelChoiceField(
        queryset=DossierComponent.objects.none(), widget=forms.HiddenInput, label=_("Paper")
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1, label=_("Version")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["component"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = DossierComponent.objects.filter(dossier=self.dossier, document__isnull=False)


class TransferForm(ActionForm):
    to_unit = UnitChoiceField(label=_("Transfer to"))
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            Unit.objects.active().exclude(level__code="division").exclude(pk=self.dossier.competent_unit_id)
        )


class ExtendForm(ActionForm):
    new_date = core_forms.DateField(
        label=_("New appointment date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    new_time = forms.TimeField(
        label=_("Time"), initial=dt.time(16, 30), widget=forms.TimeInput(attrs={"type": "time"})
    )
    reason = forms.CharField(label=_("Reason for the delay"), widget=TEXTAREA)

    def new_due_at(self) -> dt.datetime:
        moment = dt.datetime.combine(self.cleaned_data["new_date"], self.cleaned_data["new_time"])
        return timezone.make_aware(moment)


class AttachResultForm(ActionForm):
    file = forms.FileField(
        label=_("Result (PDF)"), widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"})
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        checked = validation.check_upload(upload)
        upload.seek(0)
        if checked.mime_type != validation.PDF:
            raise ValidationError(_("The result must be a PDF file."))
        return upload


class ReturnResultForm(ActionForm):
    method = forms.ChoiceField(
        label=_("How the result is returned"), choices=Dossier.ReturnMethod.choices, widget=forms.RadioSelect
    )
    carrier = forms.CharField(label=_("Postal carrier"), required=False, max_length=100)
    tracking = forms.CharField(label=_("Tracking number"), required=False, max_length=100)
    paper_result = forms.CharField(
        label=_("Paper result handed over (what it is and its number)"),
        required=False,
        max_length=255,
        help_text=_("Only when there is no electronic result, e.g. “Giấy khai sinh bản chính số 125”."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.dossier.result_document_id is not None or self.dossier.paper_result:
            del self.fields["paper_result"]


class PaperResultForm(ActionForm):
    """The result given at the desk in the same visit: the paper handed over, unless one is attached."""

    paper_result = forms.CharField(
        label=_("Paper result handed over (what it is and its number)"),
        required=True,
        max_length=255,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.dossier.result_document_id is not None:
            self.fields["paper_result"].required = False


class FeeForm(ActionForm):
    method = forms.ChoiceField(label=_("Payment method"), choices=PAYMENT_METHODS)


# --- Online reception (egov.dossiers.online) -------------------------------------------------------


def _declaration(dossier: Dossier) -> str:
    from egov.dossiers import eforms, online

    values = online.form_values(dossier)
    rows = eforms.display_rows(eforms.schema_fields(dossier.procedure_version), values)
    return "\n".join(f"{label}: {value}" for label, value in rows)


class OnlineReviewForm(ActionForm):
    """Accept an online dossier; shows the e-form as the citizen submitted it (read-only)."""

    declaration = forms.CharField(
        label=_("The e-form as submitted"),
        required=False,
        disabled=True,
        widget=forms.Textarea(attrs={"rows": 6, "readonly": True}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["declaration"].initial = _declaration(self.dossier)


class OnlineSupplementForm(ActionForm):
    """Everything missing from an online dossier, at once (ND 61/2018 Điều 17 khoản 1 b)."""

    missing = forms.CharField(
        label=_("Missing papers (one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=SUPPLEMENT_MISSING_ERRORS,
    )
    reason = forms.CharField(label=_("Reason"), widget=TEXTAREA, error_messages=SUPPLEMENT_REASON_ERRORS)

    def missing_list(self) -> list[str]:
        return _lines(self.cleaned_data["missing"])
