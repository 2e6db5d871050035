"""The parsed form of a catalogue file: its constants, the specs each row becomes, and its errors.

docs/howto/catalogue-format.md is the specification of the format `egov-catalogue/1`.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, cast

from django.db import models
from django.utils.translation import gettext as _

from egov.organization.models import Role
from egov.procedures.models import (
    Component,
    Fee,
    ProcedureVersion,
    ProcessStep,
    PublicationDecision,
    Sector,
)

FORMAT = "egov-catalogue/1"

NEW, AMENDED, REPLACED, ABOLISHED = "new", "amended", "replaced", "abolished"
CHANGES = (NEW, AMENDED, REPLACED, ABOLISHED)
LEVELS = ("province", "department", "commune", "district")
APPLICANT_TYPES = ("citizen", "organisation")
TIME_UNITS = tuple(ProcedureVersion.TimeUnit.values)
ONLINE_LEVELS = tuple(ProcedureVersion.OnlineLevel.values)
# Roles that carry out a step of the internal process (quy trình nội bộ, QĐ 1085/QĐ-TTg);
# the meeting secretary and the administrator never handle a dossier.
STEP_ROLES = tuple(
    role.value
    for role in (
        Role.DESK_OFFICER,
        Role.SPECIALIST,
        Role.HEAD_OF_DEPARTMENT,
        Role.LEADER,
        Role.CLERK,
    )
)
# Where a step is done when the file does not say: the desk officer works at the one-stop desk
# that received the dossier, everyone else at the competent unit.
RECEIVING = ProcessStep.Performer.RECEIVING.value
COMPETENT = ProcessStep.Performer.COMPETENT.value

CSV_DECISION_COLUMNS = ("decision_number", "decision_date", "effective_from", "issuer")

CSV_COLUMNS = (
    *CSV_DECISION_COLUMNS,
    "code",
    "change",
    "replaces",
    "name",
    "sector_code",
    "sector_name",
    "levels",
    "competent_authority",
    "applicant_types",
    "time_limit_value",
    "time_limit_unit",
    "legal_basis",
    "result",
    "online_level",
    "where_to_submit",
    "conditions",
    "fees",
    "components",
    "steps",
)
CSV_OPTIONAL_COLUMNS = ("decision_title", "competent_unit", "form", "forward_cutoff")
CSV_LIST_COLUMNS = ("fees", "components", "steps")
# How a field of the JSON document is called in the CSV file, for error reports.
CSV_FIELD_NAMES = {
    "number": "decision_number",
    "date": "decision_date",
    "title": "decision_title",
    "sector": "sector_code",
    "sector.code": "sector_code",
    "sector.name": "sector_name",
    "time_limit": "time_limit_value",
    "time_limit.value": "time_limit_value",
    "time_limit.unit": "time_limit_unit",
}
DECISION_FIELDS = frozenset({"number", "date", "effective_from", "issuer", "title", "procedures"})
ENTRY_FIELDS = frozenset(
    {
        "code",
        "change",
        "replaces",
        "name",
        "sector",
        "levels",
        "competent_authority",
        "competent_unit",
        "applicant_types",
        "time_limit",
        "forward_cutoff",
        "fees",
        "components",
        "steps",
        "legal_basis",
        "result",
        "online_level",
        "where_to_submit",
        "conditions",
        "form",
    }
)


def _max_length(model: type[models.Model], name: str) -> int:
    """The column width of a model field, so the importer rejects what the database would."""
    return cast(int, cast(models.Field[Any, Any], model._meta.get_field(name)).max_length)


LIMITS = {
    "decision.number": _max_length(PublicationDecision, "number"),
    "decision.issuer": _max_length(PublicationDecision, "issuer"),
    "decision.title": _max_length(PublicationDecision, "title"),
    "name": _max_length(ProcedureVersion, "name"),
    "competent_authority": _max_length(ProcedureVersion, "competent_authority"),
    "sector.code": _max_length(Sector, "code"),
    "sector.name": _max_length(Sector, "name"),
    "fee.description": _max_length(Fee, "description"),
    "component.form": _max_length(Component, "form"),
    "step.name": _max_length(ProcessStep, "name"),
}


# --- Parsed form -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueError:
    """One problem, located by decision, row and field (row: CSV line, else position in decision)."""

    message: str
    field: str = ""
    decision_index: int | None = None
    decision_number: str = ""
    position: int | None = None
    line: int | None = None
    code: str = ""

    @property
    def row(self) -> int | None:
        return self.line if self.line is not None else self.position

    def __str__(self) -> str:
        return format_error(self)


@dataclass(frozen=True)
class ComponentSpec:
    name: str
    originals: int
    certified_copies: int
    copies: int
    form: str
    required: bool


@dataclass(frozen=True)
class FeeSpec:
    description: str
    amount: int
    # How the line combines with the others (egov.procedures.fees); see the format's "fees".
    kind: str = "alternative"
    min_quantity: int = 0
    form_field: str = ""
    form_value: str = ""


@dataclass(frozen=True)
class StepSpec:
    name: str
    role: str
    hours: Decimal
    # A ProcessStep.Performer value; `unit` is the agency identifier when it is "unit".
    performer: str = COMPETENT
    unit: str = ""


@dataclass(frozen=True)
class VersionSpec:
    """Everything a new, amended or replacing entry publishes: becomes one ProcedureVersion."""

    name: str
    sector_code: str
    sector_name: str
    levels: tuple[str, ...]
    competent_authority: str
    # Agency identifier of the one deciding unit; None when each commune decides for itself.
    competent_unit: str | None
    applicant_types: tuple[str, ...]
    time_limit_value: Decimal
    time_limit_unit: str
    legal_basis: str
    result: str
    online_level: str
    where_to_submit: str
    conditions: str
    components: tuple[ComponentSpec, ...]
    fees: tuple[FeeSpec, ...]
    steps: tuple[StepSpec, ...]
    # The e-form for online submission ({"fields": [...]}); empty means the default form.
    form_schema: Mapping[str, Any] = field(default_factory=dict)
    # The procedure's own forwarding cut-off (checklist 53); None means 15:00 (ND 61/2018 Điều 18).
    forward_cutoff: dt.time | None = None


@dataclass(frozen=True)
class EntrySpec:
    """One procedure row of a decision. `version` is None for abolished rows and bad rows."""

    position: int
    line: int | None
    code: str
    change: str
    replaces: str | None
    version: VersionSpec | None
    # Code, change and `replaces` are well-formed, so the row can be checked against the database.
    referable: bool


@dataclass
class DecisionSpec:
    index: int
    number: str
    signed_on: dt.date | None
    effective_from: dt.date | None
    issuer: str
    title: str
    line: int | None = None
    entries: list[EntrySpec] = field(default_factory=list)


@dataclass
class ParsedCatalogue:
    """A whole file: its decisions in order and every error found so far."""

    source: str = "json"
    decisions: list[DecisionSpec] = field(default_factory=list)
    errors: list[CatalogueError] = field(default_factory=list)
    # The errors found without the database, kept so the database checks can be run again.
    parse_errors: list[CatalogueError] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, error: CatalogueError) -> None:
        if self.source == "csv" and error.field:
            head, dot, rest = error.field.partition("[")
            mapped = CSV_FIELD_NAMES.get(error.field) or CSV_FIELD_NAMES.get(head, head)
            error = replace(error, field=mapped + (dot + rest if dot else ""))
        self.errors.append(error)

    def sort_errors(self) -> None:
        self.errors.sort(key=lambda e: (e.decision_index or 0, e.position or 0, e.line or 0))


def format_error(error: CatalogueError) -> str:
    """One line of the report: "Decision 12/QĐ-UBND row 3 (code 1.000001) field steps: …"."""
    parts: list[str] = []
    if error.decision_number:
        parts.append(_("Decision %(number)s") % {"number": error.decision_number})
    elif error.decision_index is not None:
        parts.append(_("Decision #%(index)d") % {"index": error.decision_index})
    if error.row is not None:
        parts.append(_("row %(row)d") % {"row": error.row})
    if error.code:
        parts.append(_("(code %(code)s)") % {"code": error.code})
    if error.field:
        parts.append(_("field %(field)s") % {"field": error.field})
    where = " ".join(parts)
    return f"{where}: {error.message}" if where else error.message
