"""The catalogue exchange format `egov-catalogue/1`: parse, validate, serialise.

docs/howto/catalogue-format.md is the specification. Parsing collects every problem instead of
stopping at the first, so one run of the importer lists every bad row of a decision. Only
`check_references` reads the database (to test codes and decision numbers against what is already
imported, and agency identifiers against the unit tree); nothing here writes — egov.procedures.services does.
"""

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.db import models
from django.utils.translation import gettext as _

from egov.core.spreadsheet import csv_row, csv_value
from egov.organization.identifiers import is_agency_identifier
from egov.organization.models import Role, Unit
from egov.procedures.models import (
    Component,
    Fee,
    Procedure,
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
# Mã TTHC as given by the national database of administrative procedures (CSDLQG về TTHC).
_CODE = re.compile(r"\d\.\d{6}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# One working day is eight working hours (Bộ luật Lao động 2019, Điều 105).
HOURS_PER_WORKING_DAY = Decimal(8)
_MAX_SMALL = 32767
_MAX_AMOUNT = 2**63 - 1

CSV_DECISION_COLUMNS = ("decision_number", "decision_date", "effective_from", "issuer")


def _csv_broken() -> str:
    # csv.Error's own text ("new-line character seen in unquoted field") is Python's, in English.
    return _(
        "This is not valid CSV: a cell has an unmatched quotation mark or a stray line break. Save "
        "the sheet again as CSV UTF-8 and retry."
    )


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
CSV_OPTIONAL_COLUMNS = ("decision_title", "competent_unit", "form")
_CSV_LIST_COLUMNS = ("fees", "components", "steps")
# How a field of the JSON document is called in the CSV file, for error reports.
_CSV_FIELD_NAMES = {
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
_DECISION_FIELDS = frozenset({"number", "date", "effective_from", "issuer", "title", "procedures"})
_ENTRY_FIELDS = frozenset(
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


_LIMITS = {
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
            mapped = _CSV_FIELD_NAMES.get(error.field) or _CSV_FIELD_NAMES.get(head, head)
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


# --- Reading values ----------------------------------------------------------------------------


class _Reported:
    """A cell whose problem is already reported (e.g. a CSV cell that is not valid JSON)."""


REPORTED = _Reported()


class _Context:
    """Where errors of one decision or row go, and how they are located."""

    def __init__(
        self,
        parsed: ParsedCatalogue,
        *,
        decision_index: int | None = None,
        decision_number: str = "",
        position: int | None = None,
        line: int | None = None,
    ) -> None:
        self.parsed = parsed
        self.decision_index = decision_index
        self.decision_number = decision_number
        self.position = position
        self.line = line
        self.code = ""
        self.count = 0

    def add(self, field_name: str, message: str) -> None:
        self.count += 1
        self.parsed.add_error(
            CatalogueError(
                message=message,
                field=field_name,
                decision_index=self.decision_index,
                decision_number=self.decision_number,
                position=self.position,
                line=self.line,
                code=self.code,
            )
        )


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def decimal_text(value: Decimal) -> str:
    """A decimal as the format writes it: "8", "0.5", "1.25" (never "1E+1" or "8.00")."""
    return f"{value.normalize():f}"


class _Fields:
    """Typed reads of one JSON object; each problem is reported against its field."""

    def __init__(self, data: Mapping[str, Any], ctx: _Context, prefix: str = "") -> None:
        self.data = data
        self.ctx = ctx
        self.prefix = prefix

    def path(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def error(self, key: str, message: str) -> None:
        self.ctx.add(self.path(key), message)

    def _present(self, key: str, *, required: bool) -> Any:
        """The value, or None when it is missing (reported if required) or already reported."""
        value = self.data.get(key)
        if isinstance(value, _Reported):
            return None
        if _is_blank(value):
            if required:
                self.error(key, _("This field is required."))
            return None
        return value

    def unknown(self, allowed: Iterable[str]) -> None:
        for key in sorted(set(self.data) - set(allowed)):
            self.error(key, _("Unknown field."))

    def text(self, key: str, *, limit: int | None = None, required: bool = True) -> str:
        value = self._present(key, required=required)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.error(key, _("Must be text."))
            return ""
        value = value.strip()
        if limit is not None and len(value) > limit:
            self.error(
                key,
                _("At most %(limit)d characters (this has %(length)d).")
                % {"limit": limit, "length": len(value)},
            )
        return value

    def code(self, key: str) -> str:
        value = self.text(key)
        if value and not _CODE.fullmatch(value):
            self.error(
                key,
                _("“%(value)s” is not a procedure code: a digit, a dot and six digits (1.001193).")
                % {"value": value},
            )
            return ""
        return value

    def choice(self, key: str, allowed: Sequence[str]) -> str:
        value = self.text(key)
        if value and value not in allowed:
            self.error(key, _not_one_of(value, allowed))
            return ""
        return value

    def choices(self, key: str, allowed: Sequence[str]) -> tuple[str, ...]:
        value = self._present(key, required=True)
        if value is None:
            return ()
        if not isinstance(value, list) or not value:
            self.error(key, _("Must be a non-empty list."))
            return ()
        chosen: list[str] = []
        for item in value:
            if not isinstance(item, str) or item not in allowed:
                self.error(key, _not_one_of(str(item), allowed))
            elif item not in chosen:
                chosen.append(item)
        return tuple(chosen)

    def agency_identifier(self, key: str) -> str | None:
        """An optional agency identifier, checked for its shape only (check_references looks it up)."""
        value = self.text(key, required=False)
        if not value:
            return None
        if not is_agency_identifier(value):
            self.error(
                key,
                _("“%(value)s” is not an agency identifier such as H51.03 (QĐ 20/2020/QĐ-TTg).")
                % {"value": value},
            )
            return None
        return value

    def date(self, key: str) -> dt.date | None:
        value = self.text(key)
        if not value:
            return None
        try:
            if not _ISO_DATE.fullmatch(value):
                raise ValueError(value)
            return dt.date.fromisoformat(value)
        except ValueError:
            self.error(key, _("“%(value)s” is not a date in the form YYYY-MM-DD.") % {"value": value})
            return None

    def decimal(self, key: str, *, max_digits: int, decimal_places: int = 2) -> Decimal | None:
        """A positive decimal given as a string ("0.5") or a number, as the model field stores it."""
        value = self._present(key, required=True)
        if value is None:
            return None
        number: Decimal | None = None
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int | Decimal):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(str(value))
        elif isinstance(value, str):
            try:
                number = Decimal(value.strip())
            except InvalidOperation:
                number = None
        if number is None or not number.is_finite():
            self.error(key, _("Must be a decimal number such as “1” or “0.5”."))
            return None
        if number <= 0:
            self.error(key, _("Must be greater than zero."))
            return None
        if cast(int, number.normalize().as_tuple().exponent) < -decimal_places:
            self.error(key, _("At most %(places)d decimal places.") % {"places": decimal_places})
            return None
        if number >= 10 ** (max_digits - decimal_places):
            self.error(
                key,
                _("Must be less than %(limit)d.") % {"limit": 10 ** (max_digits - decimal_places)},
            )
            return None
        return number.quantize(Decimal(1).scaleb(-decimal_places))

    def integer(self, key: str, *, default: int | None = None, maximum: int) -> int | None:
        value = self.data.get(key)
        if isinstance(value, _Reported):
            return None
        if value is None and default is not None:
            return default
        if value is None:
            self.error(key, _("This field is required."))
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, _("Must be a whole number."))
            return None
        if value < 0:
            self.error(key, _("Must not be negative (%(value)d).") % {"value": value})
            return None
        if value > maximum:
            self.error(key, _("Must be at most %(limit)d.") % {"limit": maximum})
            return None
        return value

    def boolean(self, key: str, *, default: bool) -> bool:
        value = self.data.get(key)
        if value is None or isinstance(value, _Reported):
            return default
        if not isinstance(value, bool):
            self.error(key, _("Must be true or false."))
            return default
        return value

    def mapping(self, key: str) -> "_Fields | None":
        value = self._present(key, required=True)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.error(key, _("Must be an object."))
            return None
        return _Fields(value, self.ctx, prefix=f"{self.path(key)}.")

    def items(self, key: str, *, required: bool) -> list["_Fields"]:
        """The objects of a list field, each reading as `key[n].` (n counts from 1)."""
        value = self.data.get(key)
        if isinstance(value, _Reported):
            return []
        if value is None:
            value = []
        if not isinstance(value, list):
            self.error(key, _("Must be a list."))
            return []
        if required and not value:
            self.error(key, _("At least one item is required."))
        readers: list[_Fields] = []
        for number, item in enumerate(value, start=1):
            item_path = f"{self.path(key)}[{number}]"
            if not isinstance(item, Mapping):
                self.ctx.add(item_path, _("Must be an object."))
                continue
            readers.append(_Fields(item, self.ctx, prefix=f"{item_path}."))
        return readers


def _not_one_of(value: str, allowed: Sequence[str]) -> str:
    return _("“%(value)s” is not one of: %(allowed)s.") % {
        "value": value,
        "allowed": ", ".join(allowed),
    }


# --- Validation of the document ----------------------------------------------------------------


def _read_version(f: _Fields) -> VersionSpec | None:
    """The content of a new, amended or replacing entry; None if any of it is wrong."""
    ctx = f.ctx
    errors_before = ctx.count
    name = f.text("name", limit=_LIMITS["name"])
    sector_code = sector_name = ""
    sector = f.mapping("sector")
    if sector is not None:
        sector_code = sector.text("code", limit=_LIMITS["sector.code"])
        sector_name = sector.text("name", limit=_LIMITS["sector.name"])
        sector.unknown({"code", "name"})
    levels = f.choices("levels", LEVELS)
    authority = f.text("competent_authority", limit=_LIMITS["competent_authority"])
    competent_unit = f.agency_identifier("competent_unit")
    applicant_types = f.choices("applicant_types", APPLICANT_TYPES)
    limit_value: Decimal | None = None
    limit_unit = ""
    time_limit = f.mapping("time_limit")
    if time_limit is not None:
        limit_value = time_limit.decimal("value", max_digits=6)
        limit_unit = time_limit.choice("unit", TIME_UNITS)
        time_limit.unknown({"value", "unit"})

    fees: list[FeeSpec] = []
    for item in f.items("fees", required=False):
        description = item.text("description", limit=_LIMITS["fee.description"])
        amount = item.integer("amount", maximum=_MAX_AMOUNT)
        item.unknown({"description", "amount"})
        if amount is not None:
            fees.append(FeeSpec(description, amount))

    components: list[ComponentSpec] = []
    for item in f.items("components", required=True):
        counts = [
            item.integer(key, default=0, maximum=_MAX_SMALL)
            for key in ("originals", "certified_copies", "copies")
        ]
        component = ComponentSpec(
            name=item.text("name"),
            originals=counts[0] or 0,
            certified_copies=counts[1] or 0,
            copies=counts[2] or 0,
            form=item.text("form", limit=_LIMITS["component.form"], required=False),
            required=item.boolean("required", default=True),
        )
        item.unknown({"name", "originals", "certified_copies", "copies", "form", "required"})
        components.append(component)

    steps: list[StepSpec] = []
    all_hours_known = True
    for item in f.items("steps", required=False):
        step_name = item.text("name", limit=_LIMITS["step.name"])
        role = item.choice("role", STEP_ROLES)
        hours = item.decimal("hours", max_digits=7)
        performer, step_unit = _read_place(item, role)
        item.unknown({"name", "role", "hours", "unit"})
        if hours is None:
            all_hours_known = False
            continue
        steps.append(StepSpec(step_name, role, hours, performer, step_unit))

    legal_basis = f.text("legal_basis")
    result = f.text("result")
    online_level = f.choice("online_level", ONLINE_LEVELS)
    where_to_submit = f.text("where_to_submit")
    conditions = f.text("conditions", required=False)
    form_schema = _read_form(f)

    if limit_value is not None and all_hours_known:
        _check_step_hours(f, limit_value, limit_unit, steps)

    if ctx.count > errors_before or limit_value is None:
        return None
    return VersionSpec(
        name=name,
        sector_code=sector_code,
        sector_name=sector_name,
        levels=levels,
        competent_authority=authority,
        competent_unit=competent_unit,
        applicant_types=applicant_types,
        time_limit_value=limit_value,
        time_limit_unit=limit_unit,
        legal_basis=legal_basis,
        result=result,
        online_level=online_level,
        where_to_submit=where_to_submit,
        conditions=conditions,
        components=tuple(components),
        fees=tuple(fees),
        steps=tuple(steps),
        form_schema=form_schema,
    )


def _read_form(f: _Fields) -> dict[str, Any]:
    """The optional e-form; every problem is reported at its path (form.fields[n].key)."""
    value = f.data.get("form")
    if value is None or isinstance(value, _Reported) or value == {}:
        return {}
    problems = form_schema_problems(value)
    for path, message in problems:
        f.ctx.add(f"{f.path('form')}{path}", message)
    return dict(value) if not problems else {}


# --- E-forms (ND 45/2020/NĐ-CP: the citizen fills a form online; data the State holds is prefilled) ---

FORM_FIELD_TYPES = ("text", "textarea", "date", "number", "select", "checkbox", "email", "phone", "id_number")
FORM_FIELD_KEYS = frozenset(
    {"name", "label", "type", "required", "choices", "max_length", "min", "max", "show_if", "prefill", "help"}
)
# Where a value may be prefilled from: the citizen's account, or the population database
# (the attributes of egov.integrations.population.CitizenRecord that are plain text or a date).
PREFILL_ACCOUNT = ("full_name", "national_id", "email", "phone")
PREFILL_POPULATION = (
    "full_name",
    "id_number",
    "date_of_birth",
    "sex",
    "place_of_birth",
    "home_town",
    "ethnicity",
    "nationality",
    "permanent_residence",
    "temporary_residence",
    "current_residence",
    "marital_status",
)
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


def form_schema_problems(schema: object) -> list[tuple[str, str]]:
    """What is wrong with an e-form schema, as (path, message) pairs; empty when it is valid."""
    if not isinstance(schema, Mapping):
        return [("", str(_("Must be an object.")))]
    problems: list[tuple[str, str]] = []
    for key in schema:
        if key != "fields":
            problems.append((f".{key}", str(_("Unknown field."))))
    items = schema.get("fields")
    if not isinstance(items, list) or not items:
        return [*problems, (".fields", str(_("At least one item is required.")))]
    seen: dict[str, object] = {}
    for number, item in enumerate(items, start=1):
        at = f".fields[{number}]"
        if not isinstance(item, Mapping):
            problems.append((at, str(_("Must be an object."))))
            continue
        problems += [(f"{at}.{key}", str(_("Unknown field."))) for key in item if key not in FORM_FIELD_KEYS]
        problems += _form_field_problems(item, at, seen)
        if isinstance(item.get("name"), str):
            seen[item["name"]] = item.get("type")
    return problems


def _form_field_problems(
    item: Mapping[str, Any], at: str, seen: Mapping[str, object]
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    name, kind = item.get("name"), item.get("type")
    if not isinstance(name, str) or not _FIELD_NAME.fullmatch(name):
        problems.append(
            (f"{at}.name", str(_("Use lower-case letters, digits and _ (at most 40), e.g. ho_ten.")))
        )
    elif name in seen:
        problems.append((f"{at}.name", str(_("Another field already has this name."))))
    if not isinstance(item.get("label"), str) or not item["label"].strip():
        problems.append((f"{at}.label", str(_("This field is required."))))
    if kind not in FORM_FIELD_TYPES:
        problems.append((f"{at}.type", _not_one_of(str(kind), FORM_FIELD_TYPES)))
    if "required" in item and not isinstance(item["required"], bool):
        problems.append((f"{at}.required", str(_("Must be true or false."))))
    choices = item.get("choices")
    if kind == "select" and (
        not isinstance(choices, list) or not choices or not all(isinstance(c, str) and c for c in choices)
    ):
        problems.append((f"{at}.choices", str(_("A select needs a list of choices (text)."))))
    elif kind != "select" and choices is not None:
        problems.append((f"{at}.choices", str(_("Only a select has choices."))))
    for key in ("max_length",):
        if key in item and not (
            isinstance(item[key], int) and not isinstance(item[key], bool) and item[key] > 0
        ):
            problems.append((f"{at}.{key}", str(_("Must be a whole number greater than zero."))))
    for key in ("min", "max"):
        if key in item and (
            kind != "number" or not isinstance(item[key], int | float) or isinstance(item[key], bool)
        ):
            problems.append(
                (f"{at}.{key}", str(_("Only a number field has a minimum or maximum (a number).")))
            )
    show_if = item.get("show_if")
    if show_if is not None and (
        not isinstance(show_if, Mapping)
        or set(show_if) != {"field", "equals"}
        or show_if.get("field") not in seen
    ):
        problems.append((f"{at}.show_if", str(_('Give {"field": <an earlier field>, "equals": <value>}.'))))
    prefill = item.get("prefill")
    if prefill is not None and not _is_prefill_source(prefill):
        problems.append(
            (
                f"{at}.prefill",
                str(_("“%(value)s” is not account.<field> or population.<field>.") % {"value": prefill}),
            )
        )
    return problems


def _is_prefill_source(value: object) -> bool:
    if not isinstance(value, str) or "." not in value:
        return False
    source, name = value.split(".", 1)
    return (source == "account" and name in PREFILL_ACCOUNT) or (
        source == "population" and name in PREFILL_POPULATION
    )


def _read_place(item: _Fields, role: str) -> tuple[str, str]:
    """Where a step is done, as (performer, agency identifier or "")."""
    place = item.text("unit", required=False)
    if not place:
        return (RECEIVING if role == Role.DESK_OFFICER else COMPETENT), ""
    if place in (RECEIVING, COMPETENT):
        return place, ""
    if is_agency_identifier(place):
        return ProcessStep.Performer.UNIT.value, place
    item.error(
        "unit",
        _("“%(value)s” is not “receiving”, “competent” or an agency identifier such as H51.03.")
        % {"value": place},
    )
    return COMPETENT, ""


def limit_in_hours(value: Decimal, unit: str) -> Decimal | None:
    """A time limit in working hours; None for calendar days, which steps need not add up to."""
    if unit == ProcedureVersion.TimeUnit.WORKING_DAYS:
        return value * HOURS_PER_WORKING_DAY
    if unit == ProcedureVersion.TimeUnit.WORKING_HOURS:
        return value
    return None


def _check_step_hours(f: _Fields, value: Decimal, unit: str, steps: list[StepSpec]) -> None:
    # The internal process must use up exactly the published time limit (QĐ 1085/QĐ-TTg:
    # quy trình nội bộ ghi rõ thời gian từng bước), so deadlines per step add up to the promise.
    limit = limit_in_hours(value, unit)
    if limit is None:
        return
    total = sum((step.hours for step in steps), Decimal(0))
    if total != limit:
        f.error(
            "steps",
            _(
                "The step hours add up to %(total)s h but the time limit is %(limit)s h "
                "(%(value)s %(unit)s, 1 working day = 8 h); they must be equal."
            )
            % {
                "total": decimal_text(total),
                "limit": decimal_text(limit),
                "value": decimal_text(value),
                "unit": ProcedureVersion.TimeUnit(unit).label,
            },
        )


def _read_entry(raw: Any, ctx: _Context, position: int, line: int | None) -> EntrySpec | None:
    if not isinstance(raw, Mapping):
        ctx.add("", _("Each procedure must be an object."))
        return None
    f = _Fields(raw, ctx)
    raw_code = raw.get("code")
    ctx.code = raw_code.strip() if isinstance(raw_code, str) else ""
    code = f.code("code")
    change = f.choice("change", CHANGES)
    replaces: str | None = None
    if change == REPLACED:
        replaces = f.code("replaces") or None
        if replaces is not None and replaces == code:
            f.error("replaces", _("A procedure cannot replace itself."))
    elif not _is_blank(raw.get("replaces")) and not isinstance(raw.get("replaces"), _Reported):
        f.error("replaces", _("Only a “replaced” entry names the procedure it replaces."))
    f.unknown(_ENTRY_FIELDS)
    # An abolished entry needs only its code; anything else it carries is ignored.
    version = _read_version(f) if change != ABOLISHED else None
    return EntrySpec(
        position=position,
        line=line,
        code=code,
        change=change,
        replaces=replaces,
        version=version,
        referable=bool(code and change and (change != REPLACED or replaces)),
    )


def _read_decision(
    parsed: ParsedCatalogue,
    raw: Mapping[str, Any],
    rows: list[tuple[Any, int | None]],
    *,
    index: int,
    line: int | None = None,
) -> None:
    """Read one decision and its procedure rows (each with its CSV line, if any)."""
    raw_number = raw.get("number")
    ctx = _Context(
        parsed,
        decision_index=index,
        decision_number=raw_number.strip() if isinstance(raw_number, str) else "",
        line=line,
    )
    f = _Fields(raw, ctx)
    decision = DecisionSpec(
        index=index,
        number=f.text("number", limit=_LIMITS["decision.number"]),
        signed_on=f.date("date"),
        effective_from=f.date("effective_from"),
        issuer=f.text("issuer", limit=_LIMITS["decision.issuer"]),
        title=f.text("title", limit=_LIMITS["decision.title"], required=False),
        line=line,
    )
    f.unknown(_DECISION_FIELDS)
    if not rows and raw.get("procedures") in (None, []):
        f.error("procedures", _("A decision must publish at least one procedure."))
    for position, (raw_entry, entry_line) in enumerate(rows, start=1):
        entry_ctx = _Context(
            parsed,
            decision_index=index,
            decision_number=ctx.decision_number,
            position=position,
            line=entry_line,
        )
        entry = _read_entry(raw_entry, entry_ctx, position, entry_line)
        if entry is not None:
            decision.entries.append(entry)
    parsed.decisions.append(decision)


def parse_json(source: str | bytes | Mapping[str, Any]) -> ParsedCatalogue:
    """Parse and validate a JSON document (text, bytes or already decoded); no database reads."""
    parsed = ParsedCatalogue(source="json")
    top = _Context(parsed)
    if isinstance(source, Mapping):
        document: Any = source
    else:
        try:
            text = source.decode("utf-8-sig") if isinstance(source, bytes) else source
            # Decimals stay exact: 0.1 + 0.2 hours must equal 0.3.
            document = json.loads(text, parse_float=Decimal)
        except UnicodeDecodeError:
            top.add("", _("The file is not UTF-8 text."))
            return parsed
        except json.JSONDecodeError as error:
            top.add(
                "",
                _("Not valid JSON: %(problem)s (line %(line)d, column %(column)d).")
                % {"problem": error.msg, "line": error.lineno, "column": error.colno},
            )
            return parsed
    if not isinstance(document, Mapping):
        top.add("", _("The document must be a JSON object."))
        return parsed
    f = _Fields(document, top)
    fmt = document.get("format")
    if fmt != FORMAT:
        f.error(
            "format",
            _("Unsupported format “%(found)s”; expected “%(expected)s”.")
            % {"found": fmt, "expected": FORMAT},
        )
    f.unknown({"format", "decisions"})
    decisions = document.get("decisions")
    if not isinstance(decisions, list) or not decisions:
        f.error("decisions", _("The document must contain a non-empty list of decisions."))
        return parsed
    for index, raw in enumerate(decisions, start=1):
        if not isinstance(raw, Mapping):
            _Context(parsed, decision_index=index).add("", _("Each decision must be an object."))
            continue
        procedures = raw.get("procedures")
        rows: list[tuple[Any, int | None]] = []
        if isinstance(procedures, list):
            rows = [(item, None) for item in procedures]
        elif procedures is not None:
            _Context(parsed, decision_index=index).add("procedures", _("Must be a list."))
        _read_decision(parsed, raw, rows, index=index)
    _check_duplicate_numbers(parsed)
    return parsed


def parse_csv(source: str | bytes) -> ParsedCatalogue:
    """Parse and validate a CSV file: one row per procedure, rows grouped by decision number."""
    parsed = ParsedCatalogue(source="csv")
    top = _Context(parsed)
    try:
        text = source.decode("utf-8-sig") if isinstance(source, bytes) else source.lstrip("\ufeff")
    except UnicodeDecodeError:
        top.add("", _("The file is not UTF-8 text."))
        return parsed
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [column.strip() for column in next(reader)]
    except StopIteration:
        top.add("", _("The file is empty."))
        return parsed
    except csv.Error:
        top.add("", _csv_broken())
        return parsed
    header_ctx = _Context(parsed, line=1)
    for column in CSV_COLUMNS:
        if column not in header:
            header_ctx.add(column, _("The column is missing."))
    for column in header:
        if column not in CSV_COLUMNS and column not in CSV_OPTIONAL_COLUMNS:
            header_ctx.add(column, _("Unknown column."))
    if not parsed.ok:
        return parsed

    groups: dict[str, tuple[dict[str, Any], int, list[tuple[Any, int | None]]]] = {}
    previous_line = reader.line_num
    try:
        for cells in reader:
            line = previous_line + 1
            previous_line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                _Context(parsed, line=line).add(
                    "",
                    _("The row has %(found)d cells but the header has %(expected)d.")
                    % {"found": len(cells), "expected": len(header)},
                )
                continue
            row = dict(zip(header, (csv_value(cell) for cell in cells), strict=True))
            _group_csv_row(parsed, groups, row, line)
    except csv.Error:
        _Context(parsed, line=reader.line_num).add("", _csv_broken())
        return parsed
    if not groups and parsed.ok:
        top.add("", _("The file has no procedure rows."))
    for index, (decision, line, rows) in enumerate(groups.values(), start=1):
        _read_decision(parsed, decision, rows, index=index, line=line)
    _check_duplicate_numbers(parsed)
    return parsed


def _group_csv_row(
    parsed: ParsedCatalogue,
    groups: dict[str, tuple[dict[str, Any], int, list[tuple[Any, int | None]]]],
    row: dict[str, str],
    line: int,
) -> None:
    """File a CSV row under its decision, turned into the JSON shape of a procedure entry."""
    number = row["decision_number"].strip()
    decision = {
        "number": number,
        "date": row["decision_date"],
        "effective_from": row["effective_from"],
        "issuer": row["issuer"],
        "title": row.get("decision_title", ""),
    }
    if number not in groups:
        groups[number] = (decision, line, [])
    first, _first_line, rows = groups[number]
    index = list(groups).index(number) + 1
    if first is not decision:
        ctx = _Context(
            parsed, decision_index=index, decision_number=number, position=len(rows) + 1, line=line
        )
        for key, column in (
            ("date", "decision_date"),
            ("effective_from", "effective_from"),
            ("issuer", "issuer"),
            ("title", "decision_title"),
        ):
            if str(first[key]).strip() != str(decision[key]).strip():
                ctx.add(column, _("Differs from the first row of this decision."))
    ctx = _Context(parsed, decision_index=index, decision_number=number, position=len(rows) + 1, line=line)
    ctx.code = row["code"].strip()
    entry: dict[str, Any] = {
        key: row[key]
        for key in (
            "code",
            "change",
            "replaces",
            "name",
            "competent_authority",
            "legal_basis",
            "result",
            "online_level",
            "where_to_submit",
            "conditions",
        )
    }
    if row["change"].strip() != ABOLISHED:
        entry["sector"] = {"code": row["sector_code"], "name": row["sector_name"]}
        entry["time_limit"] = {"value": row["time_limit_value"], "unit": row["time_limit_unit"]}
        entry["levels"] = _split_list(row["levels"])
        entry["applicant_types"] = _split_list(row["applicant_types"])
        entry["competent_unit"] = row.get("competent_unit")
        for column in _CSV_LIST_COLUMNS:
            entry[column] = _json_cell(ctx, column, row[column])
        if row.get("form", "").strip():
            entry["form"] = _json_form_cell(ctx, row["form"])
    rows.append((entry, line))


def _split_list(cell: str) -> list[str] | None:
    items = [item.strip() for item in cell.split(";") if item.strip()]
    return items or None


def _json_cell(ctx: _Context, column: str, cell: str) -> Any:
    if not cell.strip():
        return []
    try:
        return json.loads(cell, parse_float=Decimal)
    except json.JSONDecodeError as error:
        ctx.add(column, _("Not a valid JSON array: %(problem)s.") % {"problem": error.msg})
        return REPORTED


def _json_form_cell(ctx: _Context, cell: str) -> Any:
    try:
        return json.loads(cell)
    except json.JSONDecodeError as error:
        ctx.add("form", _("Not a valid JSON object: %(problem)s.") % {"problem": error.msg})
        return REPORTED


def _check_duplicate_numbers(parsed: ParsedCatalogue) -> None:
    seen: set[str] = set()
    for decision in parsed.decisions:
        if decision.number and decision.number in seen:
            _Context(
                parsed,
                decision_index=decision.index,
                decision_number=decision.number,
                line=decision.line,
            ).add("number", _("This decision number appears twice in the file."))
        seen.add(decision.number)


def parse(source: str | bytes, *, fmt: str = "json") -> ParsedCatalogue:
    """Parse a file in either format (`json` or `csv`)."""
    return parse_csv(source) if fmt == "csv" else parse_json(source)


def guess_format(filename: str) -> str:
    return "csv" if filename.lower().endswith(".csv") else "json"


# --- Checks against the database ----------------------------------------------------------------

_LIVE = "live"


def check_references(parsed: ParsedCatalogue) -> ParsedCatalogue:
    """Check codes, decision numbers and unit identifiers against the database and earlier rows.

    Walks the decisions in file order, so a file may create a procedure in one decision and amend
    it in a later one. Adds to `parsed.errors` (replacing the results of an earlier call, since the
    database may have changed); reads, never writes.
    """
    if parsed.parse_errors is None:
        parsed.parse_errors = list(parsed.errors)
    else:
        parsed.errors = list(parsed.parse_errors)
    decisions = parsed.decisions
    numbers = [d.number for d in decisions if d.number]
    imported = set(PublicationDecision.objects.filter(number__in=numbers).values_list("number", flat=True))
    codes = {e.code for d in decisions for e in d.entries if e.code}
    codes |= {e.replaces for d in decisions for e in d.entries if e.replaces}
    # State of each code: "live", "abolished" or the code that replaced it.
    state: dict[str, str] = {}
    for code, abolished, replaced_by in Procedure.objects.filter(code__in=codes).values_list(
        "code", "is_abolished", "replaced_by__code"
    ):
        state[code] = "abolished" if abolished else (replaced_by or _LIVE)
    units = _units_by_identifier(parsed)

    for decision in decisions:
        if decision.number in imported:
            _Context(
                parsed,
                decision_index=decision.index,
                decision_number=decision.number,
                line=decision.line,
            ).add(
                "number",
                _("Decision %(number)s has already been imported.") % {"number": decision.number},
            )
        seen: set[str] = set()
        for entry in decision.entries:
            ctx = _Context(
                parsed,
                decision_index=decision.index,
                decision_number=decision.number,
                position=entry.position,
                line=entry.line,
            )
            ctx.code = entry.code
            if entry.version is not None:
                _check_units(ctx, entry.version, units)
            if not entry.referable:
                continue
            if entry.code in seen:
                ctx.add("code", _("The procedure appears more than once in this decision."))
                continue
            seen.add(entry.code)
            _check_entry_references(ctx, entry, state)
    parsed.sort_errors()
    return parsed


def unit_identifiers(parsed: ParsedCatalogue) -> set[str]:
    """Every agency identifier the file names, as competent unit or as the place of a step."""
    identifiers: set[str] = set()
    for decision in parsed.decisions:
        for entry in decision.entries:
            if entry.version is None:
                continue
            if entry.version.competent_unit:
                identifiers.add(entry.version.competent_unit)
            identifiers |= {step.unit for step in entry.version.steps if step.unit}
    return identifiers


def _units_by_identifier(parsed: ParsedCatalogue) -> dict[str, Unit]:
    """The units the file names, read in one query."""
    identifiers = unit_identifiers(parsed)
    if not identifiers:
        return {}
    return {unit.identifier: unit for unit in Unit.objects.filter(identifier__in=identifiers)}


def _check_units(ctx: _Context, spec: VersionSpec, units: Mapping[str, Unit]) -> None:
    """Every unit a row names exists and still exists: dossiers will be routed to it."""
    named = [("competent_unit", spec.competent_unit)]
    named += [(f"steps[{n}].unit", step.unit) for n, step in enumerate(spec.steps, start=1)]
    for field_name, identifier in named:
        if not identifier:
            continue
        unit = units.get(identifier)
        if unit is None:
            ctx.add(
                field_name,
                _("No unit has the agency identifier %(identifier)s.") % {"identifier": identifier},
            )
        elif unit.dissolved_on is not None:
            ctx.add(
                field_name,
                _("%(name)s (%(identifier)s) was dissolved on %(date)s.")
                % {
                    "name": unit.name,
                    "identifier": identifier,
                    "date": unit.dissolved_on.strftime("%d/%m/%Y"),
                },
            )


def _check_entry_references(ctx: _Context, entry: EntrySpec, state: dict[str, str]) -> None:
    """Check one row against the state so far, then apply it to that state."""
    if entry.change in (NEW, REPLACED) and state.get(entry.code) == _LIVE:
        ctx.add(
            "code",
            _("Procedure %(code)s is in force; publish changes to it as “amended”.") % {"code": entry.code},
        )
    if entry.change in (AMENDED, ABOLISHED):
        _require_live(ctx, "code", entry.code, state)
    if entry.change == REPLACED and entry.replaces:
        _require_live(ctx, "replaces", entry.replaces, state)
    # Apply the row even if it was wrong, so one mistake does not cascade into the next rows.
    if entry.change == ABOLISHED:
        state[entry.code] = "abolished"
    else:
        state[entry.code] = _LIVE
    if entry.change == REPLACED and entry.replaces:
        state[entry.replaces] = entry.code


def _require_live(ctx: _Context, field_name: str, code: str, state: dict[str, str]) -> None:
    status = state.get(code)
    if status is None:
        ctx.add(
            field_name,
            _("Procedure %(code)s does not exist (neither imported nor earlier in this file).")
            % {"code": code},
        )
    elif status == "abolished":
        ctx.add(field_name, _("Procedure %(code)s has been abolished.") % {"code": code})
    elif status != _LIVE:
        ctx.add(
            field_name,
            _("Procedure %(code)s has been replaced by %(by)s.") % {"code": code, "by": status},
        )


# --- Serialisation -----------------------------------------------------------------------------


def step_place(step: ProcessStep) -> str:
    """A step's "unit" key: "receiving", "competent" or the identifier of the named unit."""
    if step.performer == ProcessStep.Performer.UNIT and step.unit is not None:
        return step.unit.identifier
    return step.performer


def version_entry(version: ProcedureVersion, *, change: str = NEW) -> dict[str, Any]:
    """A version as one procedure entry (competent unit, components, fees, steps and units loaded)."""
    entry: dict[str, Any] = {
        "code": version.procedure.code,
        "change": change,
        "replaces": None,
        "name": version.name,
        "sector": {"code": version.sector.code, "name": version.sector.name},
        "levels": list(version.levels),
        "competent_authority": version.competent_authority,
    }
    # Written only when set: a commune procedure (every commune decides) reads as it always did.
    if version.competent_unit is not None:
        entry["competent_unit"] = version.competent_unit.identifier
    entry |= {
        "applicant_types": list(version.applicant_types),
        "time_limit": {
            "value": decimal_text(version.time_limit_value),
            "unit": version.time_limit_unit,
        },
        "fees": [{"description": fee.description, "amount": fee.amount} for fee in version.fees.all()],
        "components": [
            {
                "name": component.name,
                "originals": component.originals,
                "certified_copies": component.certified_copies,
                "copies": component.copies,
                "form": component.form,
                "required": component.is_required,
            }
            for component in version.components.all()
        ],
        "steps": [
            {
                "name": step.name,
                "role": step.role,
                "hours": decimal_text(step.hours),
                "unit": step_place(step),
            }
            for step in version.steps.all()
        ],
        "legal_basis": version.legal_basis,
        "result": version.result,
        "online_level": version.online_level,
        "where_to_submit": version.where_to_submit,
        "conditions": version.conditions,
    }
    # Written only when set: a procedure without its own e-form reads as it always did.
    if version.form_schema:
        entry["form"] = version.form_schema
    return entry


def decision_header(decision: PublicationDecision) -> dict[str, Any]:
    return {
        "number": decision.number,
        "date": decision.signed_on.isoformat(),
        "effective_from": decision.effective_from.isoformat(),
        "issuer": decision.issuer,
        "title": decision.title,
    }


def to_json(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def to_csv(document: Mapping[str, Any]) -> str:
    """The same document as CSV: one row per procedure, list cells as JSON arrays."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*CSV_COLUMNS, *CSV_OPTIONAL_COLUMNS])
    for decision in document["decisions"]:
        for entry in decision["procedures"]:
            sector = entry.get("sector") or {}
            time_limit = entry.get("time_limit") or {}
            values: dict[str, Any] = {
                "decision_number": decision["number"],
                "decision_date": decision["date"],
                "effective_from": decision["effective_from"],
                "issuer": decision["issuer"],
                "decision_title": decision.get("title", ""),
                "sector_code": sector.get("code", ""),
                "sector_name": sector.get("name", ""),
                "time_limit_value": time_limit.get("value", ""),
                "time_limit_unit": time_limit.get("unit", ""),
                "levels": ";".join(entry.get("levels") or []),
                "applicant_types": ";".join(entry.get("applicant_types") or []),
                "competent_unit": entry.get("competent_unit") or "",
                "form": json.dumps(entry["form"], ensure_ascii=False) if entry.get("form") else "",
            }
            for column in _CSV_LIST_COLUMNS:
                if column in entry:
                    values[column] = json.dumps(entry[column], ensure_ascii=False)
            for column in CSV_COLUMNS:
                if column not in values:
                    values[column] = entry.get(column) or ""
            writer.writerow(csv_row(values.get(c, "") for c in (*CSV_COLUMNS, *CSV_OPTIONAL_COLUMNS)))
    return out.getvalue()
