"""Parse and validate a catalogue file (JSON or CSV) into specs, collecting every problem.

Parsing collects every problem instead of stopping at the first, so one run of the importer lists
every bad row of a decision. Nothing here reads the database (see references.py).
"""

import csv
import io
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from egov.core.spreadsheet import csv_value
from egov.organization.identifiers import is_agency_identifier
from egov.organization.models import Role
from egov.procedures.exchange.eforms import form_schema_problems
from egov.procedures.exchange.fees import check_fee_form_fields, read_fees
from egov.procedures.exchange.fields import REPORTED, Context, Fields, Reported, decimal_text, is_blank
from egov.procedures.exchange.spec import (
    ABOLISHED,
    APPLICANT_TYPES,
    CHANGES,
    COMPETENT,
    CSV_COLUMNS,
    CSV_LIST_COLUMNS,
    CSV_OPTIONAL_COLUMNS,
    DECISION_FIELDS,
    ENTRY_FIELDS,
    FORMAT,
    LEVELS,
    LIMITS,
    ONLINE_LEVELS,
    RECEIVING,
    REPLACED,
    STEP_ROLES,
    TIME_UNITS,
    ComponentSpec,
    DecisionSpec,
    EntrySpec,
    ParsedCatalogue,
    StepSpec,
    VersionSpec,
)
from egov.procedures.models import ProcedureVersion, ProcessStep

# One working day is eight working hours (Bộ luật Lao động 2019, Điều 105).
HOURS_PER_WORKING_DAY = Decimal(8)
_MAX_SMALL = 32767
_MAX_AMOUNT = 2**63 - 1


def _csv_broken() -> str:
    # csv.Error's own text ("new-line character seen in unquoted field") is Python's, in English.
    return _(
        "This is not valid CSV: a cell has an unmatched quotation mark or a stray line break. Save "
        "the sheet again as CSV UTF-8 and retry."
    )


# --- Validation of the document ----------------------------------------------------------------


def _read_version(f: Fields) -> VersionSpec | None:
    """The content of a new, amended or replacing entry; None if any of it is wrong."""
    ctx = f.ctx
    errors_before = ctx.count
    name = f.text("name", limit=LIMITS["name"])
    sector_code = sector_name = ""
    sector = f.mapping("sector")
    if sector is not None:
        sector_code = sector.text("code", limit=LIMITS["sector.code"])
        sector_name = sector.text("name", limit=LIMITS["sector.name"])
        sector.unknown({"code", "name"})
    levels = f.choices("levels", LEVELS)
    authority = f.text("competent_authority", limit=LIMITS["competent_authority"])
    competent_unit = f.agency_identifier("competent_unit")
    applicant_types = f.choices("applicant_types", APPLICANT_TYPES)
    limit_value: Decimal | None = None
    limit_unit = ""
    time_limit = f.mapping("time_limit")
    if time_limit is not None:
        limit_value = time_limit.decimal("value", max_digits=6)
        limit_unit = time_limit.choice("unit", TIME_UNITS)
        time_limit.unknown({"value", "unit"})
    # Optional: after this hour a desk dossier is forwarded the next working morning (checklist 53).
    forward_cutoff = f.clock_time("forward_cutoff")

    fees = read_fees(f.items("fees", required=False), maximum=_MAX_AMOUNT)

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
            form=item.text("form", limit=LIMITS["component.form"], required=False),
            required=item.boolean("required", default=True),
        )
        item.unknown({"name", "originals", "certified_copies", "copies", "form", "required"})
        components.append(component)

    steps: list[StepSpec] = []
    all_hours_known = True
    for item in f.items("steps", required=False):
        step_name = item.text("name", limit=LIMITS["step.name"])
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
    check_fee_form_fields(fees, form_schema)

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
        fees=tuple(spec for _item, spec in fees),
        steps=tuple(steps),
        form_schema=form_schema,
        forward_cutoff=forward_cutoff,
    )


def _read_form(f: Fields) -> dict[str, Any]:
    """The optional e-form; every problem is reported at its path (form.fields[n].key)."""
    value = f.data.get("form")
    if value is None or isinstance(value, Reported) or value == {}:
        return {}
    problems = form_schema_problems(value)
    for path, message in problems:
        f.ctx.add(f"{f.path('form')}{path}", message)
    return dict(value) if not problems else {}


def _read_place(item: Fields, role: str) -> tuple[str, str]:
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


def _check_step_hours(f: Fields, value: Decimal, unit: str, steps: list[StepSpec]) -> None:
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


def _read_entry(raw: Any, ctx: Context, position: int, line: int | None) -> EntrySpec | None:
    if not isinstance(raw, Mapping):
        ctx.add("", _("Each procedure must be an object."))
        return None
    f = Fields(raw, ctx)
    raw_code = raw.get("code")
    ctx.code = raw_code.strip() if isinstance(raw_code, str) else ""
    code = f.code("code")
    change = f.choice("change", CHANGES)
    replaces: str | None = None
    if change == REPLACED:
        replaces = f.code("replaces") or None
        if replaces is not None and replaces == code:
            f.error("replaces", _("A procedure cannot replace itself."))
    elif not is_blank(raw.get("replaces")) and not isinstance(raw.get("replaces"), Reported):
        f.error("replaces", _("Only a “replaced” entry names the procedure it replaces."))
    f.unknown(ENTRY_FIELDS)
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
    ctx = Context(
        parsed,
        decision_index=index,
        decision_number=raw_number.strip() if isinstance(raw_number, str) else "",
        line=line,
    )
    f = Fields(raw, ctx)
    decision = DecisionSpec(
        index=index,
        number=f.text("number", limit=LIMITS["decision.number"]),
        signed_on=f.date("date"),
        effective_from=f.date("effective_from"),
        issuer=f.text("issuer", limit=LIMITS["decision.issuer"]),
        title=f.text("title", limit=LIMITS["decision.title"], required=False),
        line=line,
    )
    f.unknown(DECISION_FIELDS)
    if not rows and raw.get("procedures") in (None, []):
        f.error("procedures", _("A decision must publish at least one procedure."))
    for position, (raw_entry, entry_line) in enumerate(rows, start=1):
        entry_ctx = Context(
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
    top = Context(parsed)
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
    f = Fields(document, top)
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
            Context(parsed, decision_index=index).add("", _("Each decision must be an object."))
            continue
        procedures = raw.get("procedures")
        rows: list[tuple[Any, int | None]] = []
        if isinstance(procedures, list):
            rows = [(item, None) for item in procedures]
        elif procedures is not None:
            Context(parsed, decision_index=index).add("procedures", _("Must be a list."))
        _read_decision(parsed, raw, rows, index=index)
    _check_duplicate_numbers(parsed)
    return parsed


def parse_csv(source: str | bytes) -> ParsedCatalogue:
    """Parse and validate a CSV file: one row per procedure, rows grouped by decision number."""
    parsed = ParsedCatalogue(source="csv")
    top = Context(parsed)
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
    header_ctx = Context(parsed, line=1)
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
                Context(parsed, line=line).add(
                    "",
                    _("The row has %(found)d cells but the header has %(expected)d.")
                    % {"found": len(cells), "expected": len(header)},
                )
                continue
            row = dict(zip(header, (csv_value(cell) for cell in cells), strict=True))
            _group_csv_row(parsed, groups, row, line)
    except csv.Error:
        Context(parsed, line=reader.line_num).add("", _csv_broken())
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
        ctx = Context(parsed, decision_index=index, decision_number=number, position=len(rows) + 1, line=line)
        for key, column in (
            ("date", "decision_date"),
            ("effective_from", "effective_from"),
            ("issuer", "issuer"),
            ("title", "decision_title"),
        ):
            if str(first[key]).strip() != str(decision[key]).strip():
                ctx.add(column, _("Differs from the first row of this decision."))
    ctx = Context(parsed, decision_index=index, decision_number=number, position=len(rows) + 1, line=line)
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
        entry["forward_cutoff"] = row.get("forward_cutoff")
        for column in CSV_LIST_COLUMNS:
            entry[column] = _json_cell(ctx, column, row[column])
        if row.get("form", "").strip():
            entry["form"] = _json_form_cell(ctx, row["form"])
    rows.append((entry, line))


def _split_list(cell: str) -> list[str] | None:
    items = [item.strip() for item in cell.split(";") if item.strip()]
    return items or None


def _json_cell(ctx: Context, column: str, cell: str) -> Any:
    if not cell.strip():
        return []
    try:
        return json.loads(cell, parse_float=Decimal)
    except json.JSONDecodeError as error:
        ctx.add(column, _("Not a valid JSON array: %(problem)s.") % {"problem": error.msg})
        return REPORTED


def _json_form_cell(ctx: Context, cell: str) -> Any:
    try:
        return json.loads(cell)
    except json.JSONDecodeError as error:
        ctx.add("form", _("Not a valid JSON object: %(problem)s.") % {"problem": error.msg})
        return REPORTED


def _check_duplicate_numbers(parsed: ParsedCatalogue) -> None:
    seen: set[str] = set()
    for decision in parsed.decisions:
        if decision.number and decision.number in seen:
            Context(
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
