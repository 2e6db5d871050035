"""The one-stop forms as PDF (and the tracking book as Excel), filled from system data only.

TT 03/2025/TT-VPCP Phụ lục I (Mẫu 01–07) for dossiers received from 01/07/2025; the set of
TT 01/2018/TT-VPCP Điều 9 (Mẫu 01–06) for older ones. Forms are printed on A5, the tracking book
on A4 (TT 01/2018 Điều 9). TT 01/2018 Điều 10: the data come from the catalogue, the dossier and
its history, never retyped. The fixed words live in templates/dossiers/pdf/ (see docs/howto/forms.md).
"""

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, get_args

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.core.pdf import qr_svg, render_pdf
from egov.core.site import site_url
from egov.dossiers import deadlines, tracking_book
from egov.dossiers.models import Consultation, Dossier, DossierEvent, Status
from egov.organization import naming
from egov.organization.models import Unit
from egov.procedures.models import Component, ProcedureVersion

Edition = Literal["2025", "2018"]
EDITIONS: tuple[Edition, ...] = get_args(Edition)
FormKind = Literal["receipt", "supplement", "refusal", "apology", "stop", "control_slip", "tracking_book"]

# TT 03/2025/TT-VPCP replaced the forms of TT 01/2018/TT-VPCP from 01/07/2025 (with ND 118/2025).
EDITION_2025_FROM = dt.date(2025, 7, 1)

# Form numbers of each edition. TT 01/2018 had no stop notice, so its control slip is Mẫu 05 and
# its tracking book Mẫu 06; TT 03/2025 inserted "Thông báo dừng giải quyết hồ sơ" as Mẫu 05.
FORMS: dict[Edition, dict[str, FormKind]] = {
    "2025": {
        "01": "receipt",
        "02": "supplement",
        "03": "refusal",
        "04": "apology",
        "05": "stop",
        "06": "control_slip",
        "07": "tracking_book",
    },
    "2018": {
        "01": "receipt",
        "02": "supplement",
        "03": "refusal",
        "04": "apology",
        "05": "control_slip",
        "06": "tracking_book",
    },
}

# A year of a busy desk fits; more would make a PDF nobody can print in one go.
MAX_BOOK_ROWS = 20_000
MAX_BOOK_DAYS = 366

TIMELINESS_LABELS: dict[deadlines.Timeliness, str] = {
    "early": "Trước hạn",
    "on_time": "Đúng hạn",
    "late": "Quá hạn",
}

_TIME_UNITS: dict[str, str] = {
    ProcedureVersion.TimeUnit.WORKING_DAYS: "ngày làm việc",
    ProcedureVersion.TimeUnit.WORKING_HOURS: "giờ làm việc",
    ProcedureVersion.TimeUnit.CALENDAR_DAYS: "ngày",
}


class FormUnavailableError(Exception):
    """The form cannot be printed for this dossier; the message says why (for the user)."""


class UnknownFormError(FormUnavailableError):
    """No such form number in the edition."""


class FormNotApplicableError(FormUnavailableError):
    """The dossier's history holds nothing this form reports (e.g. Mẫu 04 without an extension)."""


class BookTooLargeError(ValueError):
    """The period holds more dossiers than one tracking book export allows."""


# --- Public API -----------------------------------------------------------------------------------


def default_edition(dossier: Dossier) -> Edition:
    """The edition in force when the dossier was received (registered, if never received)."""
    moment = dossier.received_at or dossier.created_at
    return "2018" if timezone.localdate(moment) < EDITION_2025_FROM else "2025"


def form_kind(form: str, edition: Edition = "2025") -> FormKind:
    """What form number `form` is in the edition; UnknownFormError when there is none."""
    try:
        return FORMS[edition][form]
    except KeyError:
        raise UnknownFormError(
            _("There is no form %(form)s in the %(edition)s edition.") % {"form": form, "edition": edition}
        ) from None


def form_number(kind: FormKind, edition: Edition = "2025") -> str:
    """The number a kind of form has in the edition (the control slip is 06 in 2025, 05 in 2018)."""
    for number, candidate in FORMS[edition].items():
        if candidate == kind:
            return number
    raise UnknownFormError(_("This form does not exist in the %(edition)s edition.") % {"edition": edition})


def applicable_forms(dossier: Dossier, edition: Edition | None = None) -> list[str]:
    """Numbers of the per-dossier forms its history allows printing, in the edition's numbering."""
    edition = edition or default_edition(dossier)
    kinds = set(dossier.events.values_list("kind", flat=True))
    refused = "refused_at_desk" in kinds or dossier.outcome == Dossier.ResultOutcome.REFUSED
    present: dict[FormKind, bool] = {
        "receipt": dossier.received_at is not None,
        "supplement": bool(kinds & {"supplement_requested", "supplement_requested_at_desk"}),
        "refusal": refused,
        "apology": "extended" in kinds,
        "stop": bool(kinds & {"withdrawn", "stopped"}),
        "control_slip": dossier.received_at is not None,
    }
    return [number for number, kind in FORMS[edition].items() if present.get(kind, False)]


def lookup_url(code: str) -> str:
    """The public status page of a dossier, which the receipt's QR code opens."""
    return site_url(reverse("portal:lookup_detail", args=[code]))


def render_form(dossier: Dossier, form: str, *, edition: Edition = "2025") -> bytes:
    """Mẫu `form` (numbered as in `edition`) of the dossier as an A5 PDF.

    Raises UnknownFormError for a number the edition lacks (or the tracking book, which covers a
    unit: see render_tracking_book) and FormNotApplicableError when the history has nothing to print.
    """
    if edition not in EDITIONS:
        raise UnknownFormError(_("Unknown edition %(edition)s.") % {"edition": edition})
    kind = form_kind(form, edition)
    if kind == "tracking_book":
        raise UnknownFormError(_("The tracking book covers a unit and a period, not one dossier."))
    context = _BUILDERS[kind](dossier, edition)
    return render_pdf(f"dossiers/pdf/{kind}.html", context, page_size="A5")


def receipt_context(dossier: Dossier, edition: Edition = "2025") -> dict[str, Any]:
    """Mẫu 01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả (checklist 26)."""
    received = _latest(dossier, "received")
    if received is None or dossier.received_at is None:
        raise FormNotApplicableError(_("This dossier was not received, so it has no receipt."))
    version = dossier.procedure_version
    components = [
        _component_row(item.name, item.catalogue_component, shown_only=item.exemption == "shown_only")
        for item in dossier.components.select_related("catalogue_component").order_by("position")
    ]
    # The receipt states the appointment given at receipt; later changes have their own forms
    # (Mẫu 04 for an extension, a new appointment after a supplement).
    due_at = _parse(received.data.get("due_at")) or dossier.due_at
    qr_url = lookup_url(dossier.code)
    return {
        **_common(dossier, dossier.receiving_unit, received.at, edition, "receipt"),
        "qr": qr_svg(qr_url),
        "qr_url": qr_url,
        "components": components,
        "time_limit": time_limit_text(version),
        "fee": _fee_text(dossier.fee_amount),
        "received_at_text": vn_time(dossier.received_at),
        "due_at_text": vn_time(due_at),
        "return_place": _unit_with_address(dossier.receiving_unit),
        "receiver_name": _name(received),
    }


def render_tracking_book(unit: Unit, start: dt.date, end: dt.date, *, edition: Edition = "2025") -> bytes:
    """Sổ theo dõi hồ sơ (Mẫu 07; 2018: Mẫu 06) of the dossiers received at the unit, A4 landscape."""
    rows = tracking_book_rows(unit, start, end)
    context = {
        # The year books the period runs through, with their state (closed at year end, checklist 29).
        "books": [book for book in tracking_book.years_of(unit) if start.year <= book.year <= end.year],
        "issuer": naming.header_name(unit),
        "issuer_name": naming.authority_name(unit),
        "edition": edition,
        "form_number": form_number("tracking_book", edition),
        "unit": unit,
        "start": start,
        "end": end,
        "rows": rows,
        "title": "Sổ theo dõi hồ sơ",
    }
    return render_pdf("dossiers/pdf/tracking_book.html", context, page_size="A4")


BOOK_COLUMNS = (
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức",
    "Địa chỉ",
    "Số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Ngày, giờ nhận hồ sơ",
    "Ngày, giờ hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết",
    "Nhận kết quả từ cơ quan giải quyết",
    "Trả kết quả cho cá nhân, tổ chức",
    "Ghi chú",
)


def tracking_book_workbook(unit: Unit, start: dt.date, end: dt.date, *, edition: Edition = "2025") -> bytes:
    """The tracking book as an Excel workbook: one header row, then one row per dossier."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from egov.core.spreadsheet import append_row

    rows = tracking_book_rows(unit, start, end)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "So theo doi ho so"
    append_row(sheet, BOOK_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        append_row(
            sheet,
            [
                row.number,
                row.code,
                row.procedure,
                row.count,
                row.applicant,
                row.address,
                row.phone,
                row.competent_unit,
                _naive(row.received_at),
                _naive(row.due_at),
                _naive(row.forwarded_at),
                _naive(row.resolved_at),
                _naive(row.returned_at),
                row.note,
            ],
        )
    for column in "IJKLM":
        for cell in sheet[column][1:]:
            cell.number_format = "dd/mm/yyyy hh:mm"
    for column, width in zip(
        "ABCDEFGHIJKLMN", (6, 24, 40, 8, 24, 36, 14, 28, 17, 17, 17, 17, 17, 24), strict=True
    ):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    # The book's heading (unit, period, form number) goes in the properties and a second sheet,
    # so the data sheet stays a plain table that filters and pivots cleanly.
    title = f"Sổ theo dõi hồ sơ (Mẫu số {form_number('tracking_book', edition)}) – {unit.name}"
    workbook.properties.title = title
    about = workbook.create_sheet("Thong tin")
    append_row(about, ["Sổ theo dõi hồ sơ", f"Mẫu số {form_number('tracking_book', edition)}"])
    append_row(about, ["Đơn vị", unit.name])
    append_row(about, ["Mã định danh", unit.identifier])
    append_row(about, ["Từ ngày", start.strftime("%d/%m/%Y")])
    append_row(about, ["Đến ngày", end.strftime("%d/%m/%Y")])
    append_row(about, ["Số hồ sơ", len(rows)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class BookRow:
    """One dossier in the tracking book."""

    number: int | None  # the entry's number in its year's book (dossiers.tracking_book)
    year: int | None
    code: str
    procedure: str
    count: int
    applicant: str
    address: str
    phone: str
    competent_unit: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    forwarded_at: dt.datetime | None
    resolved_at: dt.datetime | None
    returned_at: dt.datetime | None
    note: str

    @property
    def received_text(self) -> str:
        return _short(self.received_at)

    @property
    def due_text(self) -> str:
        return _short(self.due_at)

    @property
    def forwarded_text(self) -> str:
        return _short(self.forwarded_at)

    @property
    def resolved_text(self) -> str:
        return _short(self.resolved_at)

    @property
    def returned_text(self) -> str:
        return _short(self.returned_at)


def _short(moment: dt.datetime | None) -> str:
    """'09:30 05/02/2025' in Vietnam time: the book's columns are narrow."""
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def tracking_book_rows(unit: Unit, start: dt.date, end: dt.date) -> list[BookRow]:
    """Dossiers received at the unit between two local dates (inclusive), in one bounded query."""
    if end < start:
        raise ValueError(_("The end date is before the start date."))
    if (end - start).days >= MAX_BOOK_DAYS:
        raise BookTooLargeError(_("Choose a period of at most %(days)d days.") % {"days": MAX_BOOK_DAYS})
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    dossiers = list(
        Dossier.objects.filter(receiving_unit=unit, received_at__gte=since, received_at__lt=until)
        .select_related("procedure_version", "competent_unit")
        .order_by("received_at", "code")[: MAX_BOOK_ROWS + 1]
    )
    if len(dossiers) > MAX_BOOK_ROWS:
        raise BookTooLargeError(
            _("More than %(count)d dossiers in this period; choose a shorter one.") % {"count": MAX_BOOK_ROWS}
        )
    now = timezone.now()
    return [
        BookRow(
            number=dossier.book_number,
            year=dossier.book_year,
            code=dossier.code,
            procedure=dossier.subject or dossier.procedure_version.name,
            count=1,
            applicant=dossier.applicant_name,
            address=dossier.applicant_address,
            phone=dossier.applicant_phone,
            competent_unit=dossier.competent_unit.name,
            received_at=dossier.received_at,
            due_at=dossier.due_at,
            forwarded_at=dossier.forwarded_at,
            resolved_at=dossier.resolved_at,
            returned_at=dossier.returned_at,
            note=_book_note(dossier, now),
        )
        for dossier in dossiers
    ]


# --- Formatting -----------------------------------------------------------------------------------


def vn_time(moment: dt.datetime | None) -> str:
    """'09 giờ 30 phút, ngày 05/02/2025' in Vietnam time, the format of Mẫu 01 and the slip."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def time_limit_text(version: ProcedureVersion) -> str:
    """The legal time limit with its unit, e.g. '3 ngày làm việc' or '1,5 ngày làm việc'."""
    return f"{_number(version.time_limit_value)} {_TIME_UNITS.get(version.time_limit_unit, '')}".strip()


def _number(value: Decimal) -> str:
    # Vietnamese writes the decimal comma (1,5); whole numbers lose their ".00".
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


def _fee_text(amount: int) -> str:
    if amount <= 0:
        return "Không thu phí, lệ phí"
    # ND 61/2018 Điều 17: fees are collected when the dossier is received (thu trước).
    return f"{amount:,} đồng".replace(",", ".") + " – hình thức thu: thu trước"


def _naive(moment: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: write the Vietnam wall-clock time.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _parse(value: object) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _name(event: DossierEvent | None) -> str:
    return event.actor.display_name if event is not None and event.actor is not None else ""


def _unit_with_address(unit: Unit) -> str:
    name = naming.authority_name(unit)
    return f"{name}, {unit.address}" if unit.address else name


# --- Building the forms ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentRow:
    """A paper with how many originals, certified copies and photocopies the catalogue asks for."""

    name: str
    originals: int | None
    certified_copies: int | None
    copies: int | None


def _component_row(name: str, component: Component | None, *, shown_only: bool = False) -> ComponentRow:
    label = f"{name} (xuất trình)" if shown_only else name
    if component is None:
        return ComponentRow(label, None, None, None)
    return ComponentRow(label, component.originals, component.certified_copies, component.copies)


def _latest(dossier: Dossier, *kinds: str) -> DossierEvent | None:
    return dossier.events.filter(kind__in=kinds).select_related("actor").order_by("-at", "-pk").first()


def _common(
    dossier: Dossier, issuer: Unit, moment: dt.datetime, edition: Edition, kind: FormKind
) -> dict[str, Any]:
    """Header (ND 30/2020 Phụ lục I) and applicant block shared by forms 01–06."""
    ancestors = list(Unit.objects.filter(pk__in=issuer.ancestor_ids()).exclude(pk=issuer.pk))
    parent = next((unit for unit in ancestors if unit.pk == issuer.parent_id), None)
    person = dossier.applicant_kind == Dossier.ApplicantKind.PERSON
    return {
        "dossier": dossier,
        "edition": edition,
        "form_number": form_number(kind, edition),
        # Ô 2 of ND 30/2020 Phụ lục I: a commune's desk issues as its people's committee.
        "issuer": naming.header_name(issuer),
        "issuer_name": naming.authority_name(issuer),
        "issuer_unit": issuer,
        "receiving_name": naming.authority_name(dossier.receiving_unit),
        "issuer_parent": naming.governing_name(issuer, parent),
        "place": naming.place_name(issuer, ancestors),
        "date": timezone.localdate(moment),
        "procedure_name": dossier.subject or dossier.procedure_version.name,
        "addressee": f"Ông/Bà {dossier.applicant_name}" if person else dossier.applicant_name,
        "id_label": "Số định danh cá nhân/CCCD/Hộ chiếu" if person else "Mã số doanh nghiệp/tổ chức",
        "owner_name": dossier.owner_name or dossier.applicant_name,
        "owner_address": dossier.owner_address or dossier.applicant_address,
    }


def _supplement_context(dossier: Dossier, edition: Edition) -> dict[str, Any]:
    """Mẫu 02: every missing paper of the latest request, with quantities from the catalogue."""
    event = _latest(dossier, "supplement_requested", "supplement_requested_at_desk")
    if event is None:
        raise FormNotApplicableError(_("No supplement was requested for this dossier."))
    catalogue = {c.name.strip().casefold(): c for c in dossier.procedure_version.components.all()}
    missing = [str(item) for item in event.data.get("missing", [])]
    at_desk = event.kind == "supplement_requested_at_desk"
    issuer = dossier.receiving_unit if at_desk else dossier.competent_unit
    contact = dossier.receiving_unit
    return {
        **_common(dossier, issuer, event.at, edition, "supplement"),
        "number": dossier.code,
        "symbol": "HDHS",
        "missing": [_component_row(name, catalogue.get(name.strip().casefold())) for name in missing],
        "reason": event.note,
        "contact_unit": contact,
        "contact_name": naming.authority_name(contact),
        "guide_name": _name(event),
        "requested_at_text": vn_time(event.at),
    }


def _refusal_context(dossier: Dossier, edition: Edition) -> dict[str, Any]:
    """Mẫu 03: refused at the desk (ND 61/2018 Điều 17) or after appraisal (Điều 19 khoản 8)."""
    events = dossier.events.filter(kind__in=("refused_at_desk", "resolved")).select_related("actor")
    event = next(
        (
            e
            for e in events.order_by("-at", "-pk")
            if e.kind == "refused_at_desk" or e.data.get("outcome") == Dossier.ResultOutcome.REFUSED
        ),
        None,
    )
    if event is None:
        raise FormNotApplicableError(_("This dossier was not refused."))
    at_desk = event.kind == "refused_at_desk"
    issuer = dossier.receiving_unit if at_desk else dossier.competent_unit
    return {
        **_common(dossier, issuer, event.at, edition, "refusal"),
        "number": dossier.code,
        "symbol": "TCHS",
        "at_desk": at_desk,
        "reason": event.note,
        "received_at_text": vn_time(dossier.received_at or dossier.created_at),
        "signer_name": _name(event),
    }


def _apology_context(dossier: Dossier, edition: Edition) -> dict[str, Any]:
    """Mẫu 04: apology and the new appointment (ND 61/2018 Điều 19 khoản 9)."""
    event = _latest(dossier, "extended")
    if event is None:
        raise FormNotApplicableError(_("The appointment of this dossier was never extended."))
    return {
        **_common(dossier, dossier.competent_unit, event.at, edition, "apology"),
        "number": dossier.code,
        "symbol": "PXL",
        "reason": event.note,
        "received_date": timezone.localdate(dossier.received_at or dossier.created_at).strftime("%d/%m/%Y"),
        "old_due_text": vn_time(_parse(event.data.get("old_due_at"))),
        "new_due_text": vn_time(_parse(event.data.get("new_due_at"))),
        "signer_name": _name(event),
    }


def _stop_context(dossier: Dossier, edition: Edition) -> dict[str, Any]:
    """Mẫu 05 (2025): processing stopped (ND 118/2025 Điều 21).

    Withdrawn: the applicant asked, the desk that received the request notifies. Stopped: the
    agency decided (e.g. the papers asked for never came); the competent unit notifies, and the
    notice must not say that the applicant asked.
    """
    event = _latest(dossier, "withdrawn", "stopped")
    if event is None:
        raise FormNotApplicableError(_("Processing of this dossier was not stopped."))
    by_agency = event.kind == "stopped"
    issuer = dossier.competent_unit if by_agency else dossier.receiving_unit
    return {
        **_common(dossier, issuer, event.at, edition, "stop"),
        "number": dossier.code,
        "symbol": "TBDG",
        "by_agency": by_agency,
        "request_date": timezone.localdate(event.at).strftime("%d/%m/%Y"),
        "reason": event.note,
        "signer_name": _name(event),
    }


# Events where the dossier passes from one holder to another (the control slip's rows).
HANDOVER_KINDS = (
    "received",
    "forwarded",
    "step_started",
    "sent_back",
    "assigned_unit",
    "transferred",
    "consultation_requested",
    "consultation_answered",
    "resolved",
    "returned",
)


@dataclass
class SlipRow:
    """One hand-over on the control slip (checklist 28)."""

    giver_unit: str
    receiver_unit: str
    at: dt.datetime
    giver: str
    receiver: str
    result: str
    note: str
    receiver_unit_id: int | None = None
    giver_unit_id: int | None = None

    @property
    def at_text(self) -> str:
        return vn_time(self.at)


def control_slip_rows(dossier: Dossier) -> list[SlipRow]:
    """Every hand-over of the dossier with the timeliness of the step it ended.

    A row's result judges the giver: the step that ends with the hand-over, finished at the
    event's time, against the due time recorded when that step started (deadlines.timeliness).
    The desk's own step ends with forwarding, due by the 15:00 rule (ND 61/2018 Điều 18).
    """
    events = list(
        dossier.events.filter(kind__in=(*HANDOVER_KINDS, "assigned"))
        .select_related("actor", "from_unit", "to_unit", "to_user")
        .order_by("at", "pk")
    )
    consultation_due = dict(Consultation.objects.filter(dossier=dossier).values_list("pk", "due_at"))
    consulted = _consulted_units(events)
    applicant = (
        f"Ông/Bà {dossier.applicant_name}" if dossier.applicant_kind == "person" else dossier.applicant_name
    )
    holder = dossier.receiving_unit
    step_due: dt.datetime | None = None
    rows: list[SlipRow] = []

    def judge(at: dt.datetime, due: dt.datetime | None) -> str:
        return TIMELINESS_LABELS[deadlines.timeliness(at, due)] if due is not None else ""

    index = 0
    while index < len(events):
        event = events[index]
        index += 1
        if event.kind == "assigned":
            # A named specialist received what the last row handed over.
            if rows and event.to_user is not None:
                rows[-1].receiver = event.to_user.display_name
            continue
        group = [event]
        # A forward or a result is one hand-over saved as two events in one transaction: the
        # next step's start and the status change (services.enter_step; a forward is written first).
        nxt = events[index] if index < len(events) else None
        if nxt is not None and nxt.at == event.at:
            if event.kind == "step_started" and nxt.kind in ("forwarded", "resolved"):
                group.append(nxt)
                index += 1
            elif event.kind == "forwarded" and nxt.kind == "step_started":
                event, group = nxt, [nxt, event]
                index += 1
        last = group[-1]
        giver = _name(event)
        from_unit = event.from_unit or holder
        to_unit = next((e.to_unit for e in reversed(group) if e.to_unit is not None), None) or holder
        note = "; ".join(e.note for e in group if e.note)
        step_name = next((str(e.data["step"]) for e in group if e.data.get("step")), "")
        if event.kind == "received":
            rows.append(SlipRow(applicant, holder.name, event.at, dossier.applicant_name, giver, "", note))
            rows[-1].receiver_unit_id = holder.pk
            step_due = dossier.forward_due_at
            continue
        if event.kind == "returned":
            due = step_due or dossier.due_at
            # At the desk the agency's part ends when the result is there to collect: an
            # applicant who comes after the appointment does not make the step late.
            ready = max((e.at for e in events[:index] if e.kind == "resolved"), default=None)
            finished = event.at
            if (
                event.data.get("method") == Dossier.ReturnMethod.DESK
                and ready is not None
                and ready < finished
            ):
                finished = ready
                if due is not None and event.at > due:
                    waited = f"Kết quả có từ {vn_time(ready)}; người nộp đến nhận sau ngày hẹn"
                    note = f"{note}; {waited}" if note else waited
            rows.append(
                SlipRow(
                    holder.name,
                    applicant,
                    event.at,
                    giver,
                    dossier.applicant_name,
                    judge(finished, due),
                    note,
                )
            )
            rows[-1].giver_unit_id = holder.pk
            step_due = None
            continue
        if event.kind == "consultation_requested":
            names = ", ".join(
                consulted.get(identifier, identifier) for identifier in event.data.get("units", [])
            )
            rows.append(SlipRow(holder.name, names, event.at, giver, "", "", note))
            rows[-1].giver_unit_id = holder.pk
            continue
        if event.kind == "consultation_answered":
            due = consultation_due.get(event.data.get("consultation"))
            receiver_unit = event.to_unit or holder
            row = SlipRow(from_unit.name, receiver_unit.name, event.at, giver, "", judge(event.at, due), note)
            row.giver_unit_id, row.receiver_unit_id = from_unit.pk, receiver_unit.pk
            rows.append(row)
            continue
        if event.kind in ("assigned_unit", "transferred"):
            # Within one step: the step goes on, nothing is judged yet.
            result = ""
        else:
            result = judge(last.at, step_due)
            if event.kind in ("step_started", "sent_back"):
                step_due = event.due_at
            elif event.kind == "resolved":
                step_due = None
        receiver_label = f"{to_unit.name} ({step_name})" if step_name else to_unit.name
        row = SlipRow(from_unit.name, receiver_label, last.at, giver, "", result, note)
        row.giver_unit_id, row.receiver_unit_id = from_unit.pk, to_unit.pk
        rows.append(row)
        holder = to_unit
    # Whoever handed the dossier on next, from the same unit, had received it.
    for position, row in enumerate(rows):
        if row.receiver:
            continue
        following = rows[position + 1] if position + 1 < len(rows) else None
        if following is not None and following.giver_unit_id == row.receiver_unit_id:
            row.receiver = following.giver
    return rows


def _consulted_units(events: Iterable[DossierEvent]) -> dict[str, str]:
    identifiers = {
        str(identifier)
        for event in events
        if event.kind == "consultation_requested"
        for identifier in event.data.get("units", [])
    }
    if not identifiers:
        return {}
    return dict(Unit.objects.filter(identifier__in=identifiers).values_list("identifier", "name"))


def _control_slip_context(dossier: Dossier, edition: Edition) -> dict[str, Any]:
    """Mẫu 06 (2018: Mẫu 05) Phiếu kiểm soát quá trình giải quyết hồ sơ."""
    if dossier.received_at is None:
        raise FormNotApplicableError(_("This dossier was not received, so it has no control slip."))
    return {
        **_common(dossier, dossier.receiving_unit, dossier.received_at, edition, "control_slip"),
        "rows": control_slip_rows(dossier),
        "received_at_text": vn_time(dossier.received_at),
        "due_at_text": vn_time(dossier.due_at),
    }


def _book_note(dossier: Dossier, now: dt.datetime) -> str:
    if dossier.status == Status.WITHDRAWN:
        return "Rút hồ sơ"
    if dossier.status == Status.STOPPED:
        return "Dừng giải quyết"
    refused = "Từ chối giải quyết; " if dossier.outcome == Dossier.ResultOutcome.REFUSED else ""
    if dossier.resolved_at is not None and dossier.due_at is not None:
        # A second supplement request counts the dossier late whatever the clock says (QĐ 766, 2.1).
        timeliness = (
            "late" if dossier.counts_as_late else deadlines.timeliness(dossier.resolved_at, dossier.due_at)
        )
        return refused + TIMELINESS_LABELS[timeliness]
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        return "Chờ bổ sung hồ sơ"
    if dossier.due_at is not None and now > dossier.due_at:
        return "Quá hạn, đang giải quyết"
    return "Đang giải quyết"


_BUILDERS: Mapping[FormKind, Any] = {
    "receipt": receipt_context,
    "supplement": _supplement_context,
    "refusal": _refusal_context,
    "apology": _apology_context,
    "stop": _stop_context,
    "control_slip": _control_slip_context,
}
