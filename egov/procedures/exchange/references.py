"""Checks of a parsed catalogue against the database: codes, decision numbers, unit identifiers.

Reads, never writes — egov.procedures.services does.
"""

from collections.abc import Mapping

from django.utils.translation import gettext as _

from egov.organization.models import Unit
from egov.procedures.exchange.fields import Context
from egov.procedures.exchange.spec import (
    ABOLISHED,
    AMENDED,
    NEW,
    REPLACED,
    EntrySpec,
    ParsedCatalogue,
    VersionSpec,
)
from egov.procedures.models import Procedure, PublicationDecision

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
            Context(
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
            ctx = Context(
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


def _check_units(ctx: Context, spec: VersionSpec, units: Mapping[str, Unit]) -> None:
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


def _check_entry_references(ctx: Context, entry: EntrySpec, state: dict[str, str]) -> None:
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


def _require_live(ctx: Context, field_name: str, code: str, state: dict[str, str]) -> None:
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
