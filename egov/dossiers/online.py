"""Online submission (dịch vụ công trực tuyến) and its reception at the one-stop desk.

ND 45/2020/NĐ-CP: the citizen fills the e-form, attaches electronic papers and submits; data the
State holds is taken from its databases (Điều 9, 11), never asked for again. The dossier then
waits at the receiving unit's desk (status 1) whose officer checks it within 8 working hours
(Điều 11 khoản 3) and, as at the desk (ND 61/2018 Điều 17), accepts it with an appointment,
asks for every missing paper at once, or refuses it with reasons. The citizen answers a
supplement request online on the same dossier.
"""

import datetime as dt
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.citizen_services import has_vneid_identity
from egov.accounts.models import User
from egov.core import audit
from egov.core.text import fold
from egov.documents import scan_quality, validation
from egov.documents import services as document_services
from egov.documents.models import Document
from egov.dossiers import deadlines, eforms, services
from egov.dossiers.models import Channel, Dossier, DossierComponent, Draft, DraftAttachment, Status
from egov.dossiers.permissions import can_receive_at
from egov.dossiers.services import papers
from egov.integrations.errors import IntegrationError
from egov.integrations.population import CitizenRecord, lookup_citizen
from egov.organization.calendar import get_calendar
from egov.organization.models import Unit
from egov.procedures.fees import Charge, FeeChoice
from egov.procedures.models import Component, ProcedureVersion

ONLINE_LEVELS = (ProcedureVersion.OnlineLevel.PARTIAL, ProcedureVersion.OnlineLevel.FULL)
# ND 45/2020 Điều 11 khoản 3: an online dossier is checked within 8 working hours of its arrival.
REVIEW_WORKING_HOURS = 8
LOOKUP_PURPOSE = "nộp hồ sơ trực tuyến"
# TT 03/2025/TT-VPCP Điều 5 khoản 2: papers submitted electronically need no scan.
ONLINE_EXEMPTION = "online"


def can_submit_online(version: ProcedureVersion) -> bool:
    """Partly or fully online procedures still in force (ND 42/2022 Điều 11)."""
    return version.online_level in ONLINE_LEVELS and version.is_in_force_on()


def receiving_units(version: ProcedureVersion) -> QuerySet[Unit]:
    """Where the dossier may be filed: one-stop desks; communes only when every commune decides."""
    units = Unit.objects.active().filter(receives_dossiers=True)
    if version.competent_unit_id is None:
        units = units.filter(level__code="commune")
    return units.order_by("name")


def needs_upload(component: Component) -> bool:
    """A required paper the citizen uploads; the declaration form is the e-form itself."""
    return component.is_required and not component.form


# --- Access -----------------------------------------------------------------------------------------


def drafts_of(user: User) -> QuerySet[Draft]:
    if not user.is_authenticated or not user.is_citizen:
        return Draft.objects.none()
    return Draft.objects.filter(citizen=user)


def get_draft_for_citizen(user: User, pk: int, *, for_update: bool = False) -> Draft:
    """The citizen's own draft, else Http404 (another citizen's drafts do not exist for them)."""
    drafts = drafts_of(user).select_related("procedure_version__procedure", "receiving_unit")
    if for_update:
        drafts = drafts.select_for_update(of=("self",))
    draft = drafts.filter(pk=pk).first()
    if draft is None:
        raise Http404
    return draft


# --- Drafts -----------------------------------------------------------------------------------------


def start_draft(*, citizen: User, version: ProcedureVersion, now: dt.datetime | None = None) -> Draft:
    """Open (or reopen) the citizen's draft of this procedure, prefilled from the State's data."""
    if not citizen.is_citizen:
        raise PermissionDenied
    if not can_submit_online(version):
        raise ValidationError(_("This procedure cannot be submitted online."))
    existing = Draft.objects.filter(
        citizen=citizen, procedure_version=version, submitted_dossier__isnull=True
    ).first()
    if existing is not None:
        return existing
    record, unreachable = _population_record(citizen)
    values, locked = prefill(eforms.schema_fields(version), citizen, record)
    units = receiving_units(version)
    now = now or timezone.now()
    with transaction.atomic():
        draft = Draft.objects.create(
            citizen=citizen,
            procedure_version=version,
            receiving_unit=_home_unit(units, record),
            data=values,
            prefilled=locked,
            population_unreachable=unreachable,
            created_at=now,
            updated_at=now,
        )
        audit.record(
            actor=citizen,
            action="dossier.draft_started",
            target=draft,
            after={"procedure": version.procedure.code, "prefilled": locked},
        )
    return draft


def _population_record(citizen: User) -> tuple[CitizenRecord | None, bool]:
    """The citizen's record, and whether the database could not be reached."""
    if not citizen.national_id:
        return None, False
    try:
        record = lookup_citizen(
            citizen.national_id, requested_by=citizen.get_username(), purpose=LOOKUP_PURPOSE
        )
    except IntegrationError:
        # The database is down or answered nonsense: the citizen types the data instead.
        return None, True
    except ValidationError:
        return None, False  # a malformed number on the account: nothing to look up
    return record, False


def prefill(
    specs: Sequence[eforms.Field], citizen: User, record: CitizenRecord | None
) -> tuple[dict[str, str], list[str]]:
    """Values from the population database and the account, and the fields to show read-only."""
    values: dict[str, str] = {}
    locked: list[str] = []
    for spec in specs:
        source = spec.get("prefill")
        if not source:
            continue
        kind, attr = source.split(".", 1)
        value: Any = ""
        if kind == "population" and record is not None:
            value = getattr(record, attr, "")
            if value:
                locked.append(spec["name"])
        elif kind == "account":
            value = getattr(citizen, attr, "")
            if value and source in eforms.VERIFIED_ACCOUNT_SOURCES:
                locked.append(spec["name"])
        if not value:
            value = _fallback(source, citizen, record)
        if isinstance(value, dt.date):
            value = value.isoformat()
        if value:
            values[spec["name"]] = str(value)
    return values, locked


def _fallback(source: str, citizen: User, record: CitizenRecord | None) -> str:
    if source == "population.full_name":
        return citizen.full_name
    if record is not None and source == "account.phone":
        return record.contact.phone
    if record is not None and source == "account.email":
        return record.contact.email
    return ""


def _home_unit(units: QuerySet[Unit], record: CitizenRecord | None) -> Unit | None:
    """The commune or ward named in the citizen's residence, if it is one of the desks."""
    if record is None:
        return None
    address = fold(record.current_residence or record.permanent_residence)
    for unit in units:
        if fold(unit.name) in address:
            return unit
    return None


def _own_open(draft: Draft, by: User) -> None:
    if draft.citizen_id != by.pk:
        raise PermissionDenied
    if draft.is_submitted:
        raise ValidationError(_("This draft was already submitted."))


def save_draft(
    draft: Draft,
    *,
    by: User,
    values: Mapping[str, str],
    receiving_unit: Unit | None = None,
    fees: FeeChoice | None = None,
    now: dt.datetime | None = None,
) -> Draft:
    """Keep what the citizen typed, valid or not; prefilled fields keep the State's values."""
    _own_open(draft, by)
    locked = set(draft.prefilled)
    draft.data = {**draft.data, **{k: v for k, v in values.items() if k not in locked}}
    if fees is not None:
        draft.fees = fees.as_json()
    if receiving_unit is not None:
        if not receiving_units(draft.procedure_version).filter(pk=receiving_unit.pk).exists():
            raise ValidationError({"receiving_unit": _("This unit does not receive this procedure.")})
        draft.receiving_unit = receiving_unit
    draft.updated_at = now or timezone.now()
    draft.save(update_fields=["data", "receiving_unit", "fees", "updated_at"])
    return draft


def attach_to_draft(
    draft: Draft, *, by: User, component: Component, file: Any, now: dt.datetime | None = None
) -> DraftAttachment:
    """Store an uploaded paper for a component of the draft (replacing an earlier one)."""
    _own_open(draft, by)
    if component.version_id != draft.procedure_version_id:
        raise ValidationError(_("This paper is not part of the procedure."))
    if draft.receiving_unit is None:
        raise ValidationError({"receiving_unit": _("Choose where to submit before uploading papers.")})
    with document_services.atomic_with_files(), transaction.atomic():
        document = create_upload(component.name, draft.receiving_unit, file, by)
        attachment, _created = DraftAttachment.objects.update_or_create(
            draft=draft,
            catalogue_component=component,
            defaults={"document": document, "from_store": False, "created_at": now or timezone.now()},
        )
        audit.record(
            actor=by,
            action="dossier.draft_attachment",
            target=draft,
            after={"component": component.pk, "document": document.pk},
        )
    return attachment


def attach_from_store(
    draft: Draft, *, component: Component, document: Document, by: User, now: dt.datetime | None = None
) -> DraftAttachment:
    """Attach a document of the citizen's data store to the draft, without uploading it again."""
    _own_open(draft, by)
    if component.version_id != draft.procedure_version_id:
        raise ValidationError(_("This paper is not part of the procedure."))
    if component.form:
        raise ValidationError(_("This paper is the e-form itself."))
    if not in_store(by, document.pk):
        raise ValidationError(_("This document is not in your data store."))
    with transaction.atomic():
        attachment, _created = DraftAttachment.objects.update_or_create(
            draft=draft,
            catalogue_component=component,
            defaults={"document": document, "from_store": True, "created_at": now or timezone.now()},
        )
        audit.record(
            actor=by,
            action="dossier.draft_attachment_from_store",
            target=draft,
            after={"component": component.pk, "document": document.pk},
        )
    return attachment


def create_upload(title: str, unit: Unit, file: Any, by: User) -> Document:
    """A paper the citizen uploads: their own document, seen by them until a dossier holds it."""
    from egov.documents.services import TITLE_MAX_LENGTH, create_document

    # Checked first, as every upload is: measuring the scan opens its pages, which a PDF bomb or
    # a malformed file must never reach. Then the scan is held to the desk's 200 dpi (checklist 35).
    validation.check_upload(file)
    scan_quality.check_scan(file)
    return create_document(
        title=title[:TITLE_MAX_LENGTH],
        unit=unit,
        file=file,
        uploaded_by=by,
        purpose=Document.Purpose.PERSONAL,
        owner=by,
    )


# --- The citizen's data store (kho dữ liệu, ND 45/2020 Điều 16) ------------------------------------


@dataclass(frozen=True)
class StoreItem:
    """A document of the citizen's store: a result of their dossier or a paper they submitted."""

    document: Document
    kind: str  # "result" or "attachment"
    dossier_code: str
    name: str
    at: dt.datetime | None


def store_results(user: User) -> QuerySet[Dossier]:
    """The citizen's dossiers whose electronic result is ready or handed over."""
    if not user.is_authenticated or not user.is_citizen:
        return Dossier.objects.none()
    return Dossier.objects.filter(
        citizen=user, result_document__isnull=False, status__in=(Status.RESOLVED, Status.RETURNED)
    )


def store_attachments(user: User) -> QuerySet[DraftAttachment]:
    """The papers the citizen attached to drafts they submitted."""
    if not user.is_authenticated or not user.is_citizen:
        return DraftAttachment.objects.none()
    return DraftAttachment.objects.filter(draft__citizen=user, draft__submitted_dossier__isnull=False)


def store_items(user: User) -> list[StoreItem]:
    """Every document of the store, once each: results first, newest first; derived, never copied."""
    items: list[StoreItem] = []
    seen: set[int] = set()
    results = store_results(user).select_related("result_document", "procedure_version")
    for dossier in results.order_by("-resolved_at", "-pk"):
        document = dossier.result_document
        if document is None or document.pk in seen:
            continue
        seen.add(document.pk)
        items.append(
            StoreItem(document, "result", dossier.code, dossier.procedure_version.name, dossier.resolved_at)
        )
    attachments = store_attachments(user).select_related(
        "document", "catalogue_component", "draft__submitted_dossier"
    )
    for attachment in attachments.order_by("-created_at", "-pk"):
        if attachment.document_id in seen:
            continue
        seen.add(attachment.document_id)
        dossier_row = attachment.draft.submitted_dossier
        items.append(
            StoreItem(
                attachment.document,
                "attachment",
                dossier_row.code if dossier_row else "",
                attachment.catalogue_component.name,
                attachment.created_at,
            )
        )
    return items


def in_store(user: User, document_id: int) -> bool:
    """Whether the document is in the citizen's store (else it is not theirs to use or see)."""
    return (
        store_results(user).filter(result_document_id=document_id).exists()
        or store_attachments(user).filter(document_id=document_id).exists()
    )


# --- Submission -------------------------------------------------------------------------------------


def check_draft(draft: Draft) -> tuple[dict[str, Any], list[DraftAttachment]]:
    """The cleaned e-form values and the attachments, or ValidationError naming every problem."""
    version = draft.procedure_version
    errors: dict[str, list[str]] = {}
    if not can_submit_online(version):
        raise ValidationError(_("This procedure cannot be submitted online."))
    form = eforms.form_for(version, locked=draft.prefilled)(data=draft.data, initial=draft.data)
    if not form.is_valid():
        for name, messages in form.errors.items():
            errors[name] = [str(message) for message in messages]
    unit = draft.receiving_unit
    if unit is None or not receiving_units(version).filter(pk=unit.pk).exists():
        errors["receiving_unit"] = [_("Choose the unit that receives your dossier.")]
    attachments = list(draft.attachments.select_related("document", "catalogue_component"))
    uploaded = {a.catalogue_component_id for a in attachments}
    missing = [c.name for c in version.components.all() if needs_upload(c) and c.pk not in uploaded]
    if missing:
        errors["components"] = [_("Upload: %(name)s") % {"name": name} for name in missing]
    try:
        draft_charge(draft, form.cleaned_data if form.is_valid() else draft.data)
    except ValidationError as invalid:
        errors.update(invalid.message_dict)
    if errors:
        raise ValidationError(errors)
    return form.cleaned_data, attachments


def draft_charge(draft: Draft, values: Mapping[str, Any]) -> Charge:
    """What the draft's dossier will be charged: the citizen's choice and what the e-form decides."""
    return services.charge_for(draft.procedure_version, FeeChoice.from_json(draft.fees), form_values=values)


def submit_online(draft: Draft, *, by: User, now: dt.datetime | None = None) -> Dossier:
    """Submit the draft: a dossier with channel 2 (online) and status 1, waiting at the desk.

    The code is allocated as at the desk (TT 01/2018 Điều 19); the desk must check it within
    8 working hours (ND 45/2020 Điều 11 khoản 3), stored as `online_review_due_at` in the event.
    A second submit of the same draft returns the first dossier.
    """
    if draft.citizen_id != by.pk:
        raise PermissionDenied
    if draft.submitted_dossier is not None:
        return draft.submitted_dossier
    cleaned, attachments = check_draft(draft)
    version = draft.procedure_version
    unit = draft.receiving_unit
    assert unit is not None  # checked
    applicant = services.Applicant(
        name=cleaned["applicant_name"],
        id_number=cleaned.get("applicant_id_number", ""),
        birth_date=cleaned.get("applicant_birth_date"),
        address=cleaned.get("applicant_address", ""),
        phone=cleaned.get("applicant_phone", ""),
        email=cleaned.get("applicant_email", ""),
        from_population_db=bool(set(draft.prefilled) - {"applicant_id_number"}),
    )
    services.check_applicant(applicant)
    competent = services.competent_unit_for(version, unit)
    now = now or timezone.now()
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        if locked.submitted_dossier_id is not None:
            return Dossier.objects.get(pk=locked.submitted_dossier_id)
        dossier = services.create_dossier_row(
            version=version,
            receiving_unit=unit,
            competent_unit=competent,
            applicant=applicant,
            channel=Channel.ONLINE,
            now=now,
            citizen=by,
            charge=draft_charge(draft, cleaned),
            submitted_with_vneid=has_vneid_identity(by),
        )
        _save_components(
            dossier,
            version,
            {a.catalogue_component_id: a.document for a in attachments},
            {a.catalogue_component_id for a in attachments if a.from_store},
            by=by,
        )
        review_due = get_calendar().add_working_hours(now, REVIEW_WORKING_HOURS)
        services.record_online_submission(
            dossier, by=by, at=now, review_due_at=review_due, form=eforms.to_json(cleaned)
        )
        locked.submitted_dossier = dossier
        locked.updated_at = now
        locked.save(update_fields=["submitted_dossier", "updated_at"])
    draft.submitted_dossier = dossier
    return dossier


def _save_components(
    dossier: Dossier,
    version: ProcedureVersion,
    documents: Mapping[int, Document],
    from_store: Set[int] = frozenset(),
    *,
    by: User,
) -> None:
    """One row per paper; a paper taken from the store is flagged reused (QĐ 766 4.3–4.4)."""
    rows: list[DossierComponent] = []
    for component in version.components.all():
        document = documents.get(component.pk)
        if document is None and not component.form:
            continue  # an optional paper not given
        # The version current at submission is what the dossier holds (services.papers).
        held = papers.hold(dossier, document, by=by) if document is not None else None
        rows.append(
            DossierComponent(
                dossier=dossier,
                catalogue_component=component,
                position=len(rows) + 1,
                name=component.name,
                is_required=component.is_required,
                document=document,
                document_version=held,
                is_digitised=False,  # submitted electronically, nothing was scanned
                is_reused=component.pk in from_store,  # HoSoCoThanhPhanSoHoa
                from_citizen_store=component.pk in from_store,  # DuocLayTuKhoDMQG
                exemption=ONLINE_EXEMPTION,
            )
        )
    DossierComponent.objects.bulk_create(rows)


def form_values(dossier: Dossier) -> dict[str, Any]:
    """The e-form as submitted (from the submission event)."""
    event = dossier.events.filter(kind="submitted_online").first()
    return dict(event.data.get("form", {})) if event else {}


# --- Reception at the desk --------------------------------------------------------------------------


def _check_desk(dossier: Dossier, by: User) -> None:
    services.require_status(dossier, Status.REGISTERED)
    if dossier.channel != Channel.ONLINE:
        raise ValidationError(_("Only an online dossier is checked here."))
    if not can_receive_at(by, dossier.receiving_unit):
        raise PermissionDenied


def receive_online(dossier: Dossier, *, by: User, now: dt.datetime | None = None) -> Dossier:
    """Accept the online dossier: status 1 → 2 with the appointment time, as at the desk."""
    _check_desk(dossier, by)
    services.accept_received(dossier, by=by, now=now or timezone.now())
    return dossier


def request_supplement_online(
    dossier: Dossier, *, by: User, missing: Sequence[str], reason: str, now: dt.datetime | None = None
) -> Dossier:
    """Ask for every missing paper at once (ND 61/2018 Điều 17; Mẫu 02): status 5, notice sent."""
    _check_desk(dossier, by)
    items = services.check_supplement_request(list(missing), reason)
    services.change_status(
        dossier,
        Status.SUPPLEMENT_REQUESTED,
        by=by,
        kind="supplement_requested_at_desk",
        at=now or timezone.now(),
        note=reason,
        data={"missing": items, "channel": "online"},
    )
    return dossier


def refuse_online(dossier: Dossier, *, by: User, reason: str, now: dt.datetime | None = None) -> Dossier:
    """Refuse with reasons (Mẫu 03): status 3, the dossier is closed."""
    _check_desk(dossier, by)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reasons for the refusal.")})
    now = now or timezone.now()
    services.change_status(
        dossier,
        Status.NOT_RECEIVED,
        by=by,
        kind="refused_at_desk",
        at=now,
        note=reason,
        data={"channel": "online"},
    )
    dossier.closed_at = now
    dossier.save(update_fields=["closed_at"])
    return dossier


# --- The citizen answers a supplement request ------------------------------------------------------


@dataclass(frozen=True)
class Supplied:
    """A paper the citizen uploads in answer to a request: for a catalogue component or a named item."""

    name: str
    document: Document
    catalogue_component: Component | None = None


def missing_items(dossier: Dossier) -> list[str]:
    """What the latest supplement request lists."""
    return supplement_request(dossier)[0]


def supplement_request(dossier: Dossier) -> tuple[list[str], str]:
    """The latest supplement request's list and reason (ND 61/2018 Điều 17 khoản 2: both shown)."""
    event = dossier.events.filter(kind__in=services.SUPPLEMENT_KINDS).order_by("-at", "-pk").first()
    return (list(event.data.get("missing", [])), event.note) if event else ([], "")


def supply_online(
    dossier: Dossier,
    *,
    by: User,
    attachments: Sequence[Supplied],
    note: str = "",
    now: dt.datetime | None = None,
) -> Dossier:
    """The citizen supplies the papers online.

    Asked at the desk (never received): back to status 1 for checking, with a new 8-hour review.
    Asked after appraisal: the time limit starts again from zero (ND 61/2018 Điều 19 khoản 4).
    """
    if dossier.citizen_id != by.pk:
        raise PermissionDenied
    services.require_status(dossier, Status.SUPPLEMENT_REQUESTED)
    if not attachments:
        raise ValidationError(_("Upload at least one of the papers asked for."))
    now = now or timezone.now()
    calendar = get_calendar()
    documents = _add_supplied(dossier, attachments, by=by)
    if dossier.received_at is None:
        review_due = calendar.add_working_hours(now, REVIEW_WORKING_HOURS)
        services.change_status(
            dossier,
            Status.REGISTERED,
            by=by,
            kind="supplement_supplied_online",
            at=now,
            note=note,
            data={"online_review_due_at": review_due.isoformat(), "documents": documents},
        )
        return dossier
    assert dossier.paused_at is not None
    dossier.paused_minutes += calendar.working_minutes_between(dossier.paused_at, now)
    dossier.paused_at = None
    dossier.due_at = deadlines.restarted_due_at(calendar, dossier.procedure_version, now)
    dossier.save(update_fields=["paused_minutes", "paused_at", "due_at"])
    services.change_status(
        dossier,
        Status.PROCESSING,
        by=by,
        kind="supplement_received_online",
        at=now,
        note=note,
        data={"due_at": dossier.due_at.isoformat(), "documents": documents},
    )
    return dossier


def _add_supplied(dossier: Dossier, attachments: Sequence[Supplied], *, by: User) -> list[int]:
    rows = {c.catalogue_component_id: c for c in dossier.components.all() if c.catalogue_component_id}
    position = max(dossier.components.values_list("position", flat=True), default=0)
    for item in attachments:
        held = papers.hold(dossier, item.document, by=by)
        existing = rows.get(item.catalogue_component.pk) if item.catalogue_component else None
        if existing is not None:
            existing.document = item.document
            existing.document_version = held
            existing.exemption = ONLINE_EXEMPTION
            existing.is_digitised = False
            existing.save(update_fields=["document", "document_version", "exemption", "is_digitised"])
            continue
        position += 1
        DossierComponent.objects.create(
            dossier=dossier,
            catalogue_component=item.catalogue_component,
            position=position,
            name=item.name,
            is_required=False,
            document=item.document,
            document_version=held,
            exemption=ONLINE_EXEMPTION,
        )
    return [item.document.pk for item in attachments]
