"""Serialise catalogue versions as the exchange format, JSON or CSV."""

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from egov.core.spreadsheet import csv_row
from egov.procedures.exchange.fields import decimal_text
from egov.procedures.exchange.spec import CSV_COLUMNS, CSV_LIST_COLUMNS, CSV_OPTIONAL_COLUMNS, NEW
from egov.procedures.models import Fee, ProcedureVersion, ProcessStep, PublicationDecision

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
    }
    # Written only when set: without it the 15:00 of ND 61/2018 Điều 18 applies.
    if version.forward_cutoff is not None:
        entry["forward_cutoff"] = version.forward_cutoff.strftime("%H:%M")
    entry |= {
        "fees": [fee_entry(fee) for fee in version.fees.all()],
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


def fee_entry(fee: Fee) -> dict[str, Any]:
    """A fee line; its least quantity and e-form binding only when it has them."""
    entry: dict[str, Any] = {"description": fee.description, "amount": fee.amount, "kind": fee.kind}
    if fee.is_per_unit:
        entry["min_quantity"] = fee.min_quantity
    if fee.form_field and fee.form_value:
        entry["when"] = {"field": fee.form_field, "equals": fee.form_value}
    elif fee.form_field:
        entry["quantity_field"] = fee.form_field
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
                "forward_cutoff": entry.get("forward_cutoff") or "",
                "form": json.dumps(entry["form"], ensure_ascii=False) if entry.get("form") else "",
            }
            for column in CSV_LIST_COLUMNS:
                if column in entry:
                    values[column] = json.dumps(entry[column], ensure_ascii=False)
            for column in CSV_COLUMNS:
                if column not in values:
                    values[column] = entry.get(column) or ""
            writer.writerow(csv_row(values.get(c, "") for c in (*CSV_COLUMNS, *CSV_OPTIONAL_COLUMNS)))
    return out.getvalue()
