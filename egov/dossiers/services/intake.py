"""Receipt of a dossier: at the one-stop desk, or after an online check (ND 61/2018 Điều 17).

The one place a dossier row is born (`create_dossier_row`), its papers are saved and the desk's
single outcome (accept, supplement, refuse) is checked.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import audit
from egov.core.text import fold
from egov.documents.models import Document
from egov.dossiers import deadlines, tracking_book
from egov.dossiers.codes import allocate_code
from egov.dossiers.models import (
    Channel,
    Dossier,
    DossierComponent,
    Status,
)
from egov.dossiers.permissions import can_receive_at
from egov.dossiers.services import papers
from egov.dossiers.services.fees import charge_for, save_fee_lines
from egov.dossiers.services.transitions import (
    change_status,
    check_supplement_request,
    notify_applicant,
    queue_portal_sync,
    record_event,
    require_status,
    steps_of,
)
from egov.organization.calendar import get_calendar
from egov.organization.models import Unit
from egov.procedures.fees import Charge, FeeChoice
from egov.procedures.models import Component, ProcedureVersion

# TT 03/2025/TT-VPCP Điều 5 khoản 2: components that need no scan.
EXEMPTIONS = {
    "online": "submitted electronically",
    "shown_only": "shown only (xuất trình)",
    "inter_agency": "verification result of another agency",
    "secret": "secret document",
}


@dataclass(frozen=True)
class Applicant:
    """Who submits (người nộp) and whose dossier it is (chủ hồ sơ)."""

    name: str
    id_number: str = ""
    birth_date: dt.date | None = None
    address: str = ""
    phone: str = ""
    email: str = ""
    kind: str = Dossier.ApplicantKind.PERSON
    owner_name: str = ""
    owner_address: str = ""
    from_population_db: bool = False


@dataclass(frozen=True)
class ComponentInput:
    """A paper brought or uploaded for one catalogue component (or an extra one)."""

    catalogue_component: Component | None
    document: Document | None = None
    name: str = ""
    exemption: str = ""
    is_digitised: bool = False
    is_reused: bool = False
    from_citizen_store: bool = False


@dataclass
class DeskOutcome:
    """What the desk officer decides (exactly one): accept, ask for more, or refuse."""

    ACCEPT = "accept"
    SUPPLEMENT = "supplement"
    REFUSE = "refuse"

    decision: str
    reason: str = ""
    missing: list[str] = field(default_factory=list)


# --- Receipt at the desk --------------------------------------------------------------------------


def register_at_desk(
    *,
    version: ProcedureVersion,
    receiving_unit: Unit,
    applicant: Applicant,
    components: Sequence[ComponentInput],
    outcome: DeskOutcome,
    received_by: User,
    channel: int = Channel.DIRECT,
    competent_unit: Unit | None = None,
    submission_key: str | None = None,
    fees: FeeChoice | None = None,
    now: dt.datetime | None = None,
) -> Dossier:
    """Receive a dossier at the one-stop desk with exactly one outcome (ND 61/2018 Điều 17).

    `fees` is the desk's choice among the catalogue's fee lines (by default the standard rate
    and the least quantities).

    Accept → status 2 with the receipt (Mẫu 01) and its appointment time; supplement → status 5
    with every missing paper listed at once (Mẫu 02); refuse → status 3 with reasons (Mẫu 03).
    The same `submission_key` twice returns the first dossier (a double click makes one dossier).
    """
    if submission_key:
        existing = Dossier.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            if not can_receive_at(received_by, existing.receiving_unit):
                raise PermissionDenied
            return existing
    if not can_receive_at(received_by, receiving_unit):
        raise PermissionDenied
    if not receiving_unit.receives_dossiers:
        raise ValidationError(_("%(unit)s has no one-stop desk.") % {"unit": receiving_unit.name})
    # The version in force on the day of receipt, by its decision's effective date (checklist 20).
    if not version.is_in_force_on(timezone.localdate(now or timezone.now())):
        raise ValidationError(_("This procedure is no longer in force; choose its current version."))
    competent = competent_unit_for(version, receiving_unit, competent_unit)
    check_applicant(applicant)
    _check_outcome(version, components, outcome, channel)
    charge = charge_for(version, fees)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            dossier = create_dossier_row(
                version=version,
                receiving_unit=receiving_unit,
                competent_unit=competent,
                applicant=applicant,
                channel=channel,
                now=now,
                citizen=account_of(applicant),
                submission_key=submission_key,
                charge=charge,
            )
            _save_components(dossier, version, components, by=received_by)
            record_event(
                dossier, "registered", received_by, None, Status.REGISTERED, at=now, to_unit=receiving_unit
            )
            if outcome.decision == DeskOutcome.ACCEPT:
                accept_received(dossier, by=received_by, now=now)
            elif outcome.decision == DeskOutcome.SUPPLEMENT:
                change_status(
                    dossier,
                    Status.SUPPLEMENT_REQUESTED,
                    by=received_by,
                    kind="supplement_requested_at_desk",
                    note=outcome.reason,
                    data={"missing": _still_missing(outcome.missing, components)},
                    at=now,
                )
            else:
                change_status(
                    dossier,
                    Status.NOT_RECEIVED,
                    by=received_by,
                    kind="refused_at_desk",
                    note=outcome.reason,
                    at=now,
                )
                dossier.closed_at = now
                dossier.save(update_fields=["closed_at"])
    except IntegrityError:
        # Two clicks raced past the first check: the other request made the dossier.
        if submission_key:
            return Dossier.objects.get(submission_key=submission_key)
        raise
    return dossier


def create_dossier_row(
    *,
    version: ProcedureVersion,
    receiving_unit: Unit,
    competent_unit: Unit,
    applicant: Applicant,
    channel: int,
    now: dt.datetime,
    citizen: User | None = None,
    submission_key: str | None = None,
    charge: Charge | None = None,
    submitted_with_vneid: bool = False,
) -> Dossier:
    """Insert a new dossier in status 1 with its code and fee lines; the caller holds the transaction.

    The one place a Dossier row is born, whatever the channel: the code is taken here, inside the
    caller's transaction, so a rollback gives the number back (TT 01/2018 Điều 19). `charge` is
    what the dossier owes (`charge_for`), by default the standard rate.
    """
    charge = charge if charge is not None else charge_for(version)
    dossier = Dossier(
        code=allocate_code(receiving_unit, now),
        procedure=version.procedure,
        procedure_version=version,
        receiving_unit=receiving_unit,
        competent_unit=competent_unit,
        current_unit=receiving_unit,
        channel=channel,
        status=Status.REGISTERED,
        applicant_kind=applicant.kind,
        applicant_name=applicant.name.strip(),
        applicant_id_number=applicant.id_number,
        applicant_birth_date=applicant.birth_date,
        applicant_address=applicant.address,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        owner_name=applicant.owner_name or applicant.name.strip(),
        owner_address=applicant.owner_address or applicant.address,
        from_population_db=applicant.from_population_db,
        citizen=citizen,
        submitted_with_vneid=submitted_with_vneid,
        subject=version.name,
        fee_amount=charge.total,
        submission_key=submission_key,
        created_at=now,
    )
    dossier.search_text = fold(
        f"{dossier.code} {dossier.applicant_name} {dossier.owner_name} {dossier.applicant_id_number}"
    )
    dossier.save(force_insert=True)
    save_fee_lines(dossier, charge)
    return dossier


def accept_after_supplement(
    dossier: Dossier, *, by: User, components: Sequence[ComponentInput] = ()
) -> Dossier:
    """The applicant came back with what was missing at the desk: receive the dossier now."""
    require_status(dossier, Status.SUPPLEMENT_REQUESTED)
    if dossier.received_at is not None:
        raise ValidationError(_("This dossier was already received; record the supplement instead."))
    if not can_receive_at(by, dossier.receiving_unit):
        raise PermissionDenied
    if components:
        replace_documents(dossier, components, by=by)
    _check_outcome(
        dossier.procedure_version, _current_inputs(dossier), DeskOutcome(DeskOutcome.ACCEPT), dossier.channel
    )
    accept_received(dossier, by=by, now=timezone.now())
    return dossier


def accept_received(dossier: Dossier, *, by: User, now: dt.datetime) -> None:
    """Receive a checked dossier: appointment time, forwarding and first step deadlines (status 2)."""
    calendar = get_calendar()
    dossier.received_at = now
    tracking_book.assign_entry(dossier, now)
    dossier.due_at = deadlines.legal_due_at(calendar, dossier.procedure_version, now)
    dossier.forward_due_at = deadlines.forward_due_at(
        calendar, now, dossier.procedure_version.forward_cutoff, appointment=dossier.due_at
    )
    dossier.current_step = 1
    steps = steps_of(dossier)
    dossier.current_step_due_at = deadlines.step_due_times(calendar, steps[:1], now)[0] if steps else None
    change_status(
        dossier,
        Status.RECEIVED,
        by=by,
        kind="received",
        at=now,
        data={"due_at": dossier.due_at.isoformat()},
        also_saved=[
            "received_at",
            "book_year",
            "book_number",
            "due_at",
            "forward_due_at",
            "current_step",
            "current_step_due_at",
        ],
    )


def competent_unit_for(version: ProcedureVersion, receiving: Unit, chosen: Unit | None = None) -> Unit:
    """The unit that decides: the one chosen at the desk, the catalogue's, or the receiving commune."""
    if chosen is not None:
        return chosen
    if version.competent_unit_id is not None:
        return Unit.objects.get(pk=version.competent_unit_id)
    if receiving.level.code == "commune":
        return receiving
    raise ValidationError({"competent_unit": _("Choose the commune or ward that will decide this dossier.")})


def account_of(applicant: Applicant) -> User | None:
    """The citizen account of a person filing at the desk, by the personal ID the desk checked
    on their card: they then follow the dossier online as if they had filed it there.

    An account's ID number is proven when it is claimed (by VNeID or a code sent to the phone the
    population database holds) and unique, so it names one person.
    """
    if applicant.kind != Dossier.ApplicantKind.PERSON or not applicant.id_number:
        return None
    return User.objects.filter(
        kind=User.Kind.CITIZEN, national_id=applicant.id_number, is_active=True
    ).first()


def check_applicant(applicant: Applicant) -> None:
    """The applicant's name, 12-digit personal ID and phone, before any row is written."""
    errors: dict[str, str] = {}
    if not applicant.name.strip():
        errors["applicant_name"] = _("Enter the applicant's name.")
    is_person = applicant.kind == Dossier.ApplicantKind.PERSON
    if (
        is_person
        and applicant.id_number
        and not (applicant.id_number.isdigit() and len(applicant.id_number) == 12)
    ):
        errors["applicant_id_number"] = _("A personal identification number has 12 digits.")
    if applicant.phone and not (applicant.phone.isdigit() and len(applicant.phone) in (10, 11)):
        errors["applicant_phone"] = _("Enter a phone number of 10 digits, e.g. 0912345678.")
    if errors:
        raise ValidationError(errors)


def _still_missing(missing: Sequence[str], components: Sequence[ComponentInput]) -> list[str]:
    """The listed papers less those scanned at this visit: Mẫu 02 asks only for what is missing
    (the desk's list starts as every required paper, before any scan is attached). When every
    listed paper was scanned, the desk asks to correct them (hoàn thiện), and the list stays."""
    scanned = {
        (item.catalogue_component.name if item.catalogue_component else item.name).strip().casefold()
        for item in components
        if item.document is not None
    }
    listed = [name.strip() for name in missing if name.strip()]
    return [name for name in listed if name.casefold() not in scanned] or listed


def _check_outcome(
    version: ProcedureVersion, components: Sequence[ComponentInput], outcome: DeskOutcome, channel: int
) -> None:
    if outcome.decision not in (DeskOutcome.ACCEPT, DeskOutcome.SUPPLEMENT, DeskOutcome.REFUSE):
        raise ValidationError(_("Choose exactly one outcome: accept, request a supplement or refuse."))
    if outcome.decision == DeskOutcome.REFUSE and not outcome.reason.strip():
        raise ValidationError({"reason": _("Give the reasons for the refusal.")})
    if outcome.decision == DeskOutcome.SUPPLEMENT:
        check_supplement_request(outcome.missing, outcome.reason)
    for item in components:
        if item.exemption and item.exemption not in EXEMPTIONS:
            raise ValidationError(
                {"components": _("Unknown exemption “%(value)s”.") % {"value": item.exemption}}
            )
    if outcome.decision != DeskOutcome.ACCEPT:
        return
    # TT 03/2025 Điều 5: paper dossiers are digitised before they are accepted, except exemptions.
    present = {
        item.catalogue_component.pk
        for item in components
        if item.catalogue_component is not None and (item.document is not None or item.exemption)
    }
    missing = [c.name for c in version.components.all() if c.is_required and c.pk not in present]
    if missing:
        raise ValidationError(
            {"components": [_("Missing or not scanned: %(name)s") % {"name": name} for name in missing]}
        )


def _save_components(
    dossier: Dossier, version: ProcedureVersion, components: Sequence[ComponentInput], *, by: User
) -> None:
    rows = []
    for position, item in enumerate(components, start=1):
        held = papers.hold(dossier, item.document, by=by) if item.document is not None else None
        rows.append(
            DossierComponent(
                dossier=dossier,
                catalogue_component=item.catalogue_component,
                position=position,
                name=item.name or (item.catalogue_component.name if item.catalogue_component else ""),
                is_required=item.catalogue_component.is_required if item.catalogue_component else False,
                document=item.document,
                document_version=held,
                exemption=item.exemption,
                # A reused paper was digitised before (an earlier result, the citizen's store), not
                # scanned now: DuocSoHoa and reuse are separate 766 indicators (4.2 and 4.3).
                is_digitised=item.is_digitised or (item.document is not None and not item.is_reused),
                is_reused=item.is_reused,
                from_citizen_store=item.from_citizen_store,
            )
        )
    DossierComponent.objects.bulk_create(rows)


def _current_inputs(dossier: Dossier) -> list[ComponentInput]:
    return [
        ComponentInput(catalogue_component=c.catalogue_component, document=c.document, exemption=c.exemption)
        for c in dossier.components.select_related("catalogue_component", "document")
    ]


def replace_documents(dossier: Dossier, components: Sequence[ComponentInput], *, by: User) -> None:
    """Put newly brought papers in their components (a supplement), adding the extra ones."""
    by_component = {c.catalogue_component_id: c for c in dossier.components.all()}
    next_position = max((c.position for c in by_component.values()), default=0) + 1
    for item in components:
        # A paper brought now is held as it is now; one not brought keeps the version held.
        held = papers.hold(dossier, item.document, by=by) if item.document is not None else None
        existing = by_component.get(item.catalogue_component.pk if item.catalogue_component else None)
        if existing is not None:
            if item.document is not None:
                existing.document = item.document
                existing.document_version = held
            existing.exemption = item.exemption or existing.exemption
            existing.is_digitised = existing.document is not None
            existing.save(update_fields=["document", "document_version", "exemption", "is_digitised"])
        else:
            DossierComponent.objects.create(
                dossier=dossier,
                catalogue_component=item.catalogue_component,
                position=next_position,
                name=item.name or (item.catalogue_component.name if item.catalogue_component else ""),
                document=item.document,
                document_version=held,
                exemption=item.exemption,
                is_digitised=item.document is not None,
            )
            next_position += 1


def record_online_submission(
    dossier: Dossier, *, by: User, at: dt.datetime, review_due_at: dt.datetime, form: dict[str, Any]
) -> None:
    """The first event of a dossier submitted online, its audit entry, the notice and the sync row.

    The e-form's values go in the event (the dossier's record), never in the audit log.
    """
    due = review_due_at.isoformat()
    record_event(
        dossier,
        "submitted_online",
        by,
        None,
        Status.REGISTERED,
        at=at,
        to_unit=dossier.receiving_unit,
        data={"online_review_due_at": due, "form": form},
    )
    audit.record(
        actor=by,
        action="dossier.submitted_online",
        target=dossier,
        unit_id=dossier.receiving_unit_id,
        after={"status": int(Status.REGISTERED), "online_review_due_at": due},
    )
    with translation.override(settings.LANGUAGE_CODE):
        text = _(
            "Your dossier %(code)s (%(procedure)s) was received online and is waiting to be checked "
            "by the one-stop desk."
        ) % {"code": dossier.code, "procedure": dossier.subject}
    notify_applicant(dossier, text)
    queue_portal_sync(dossier)
