"""The catalogue exchange format `egov-catalogue/1`: parse, validate, serialise.

docs/howto/catalogue-format.md is the specification. Parsing (`reading`) collects every problem
instead of stopping at the first, so one run of the importer lists every bad row of a decision.
Only `check_references` (`references`) reads the database (to test codes and decision numbers
against what is already imported, and agency identifiers against the unit tree); nothing here
writes — egov.procedures.services does. `spec` holds the parsed form, `fields` the typed reads,
`eforms` the e-form schema check, `writing` the export.
"""

from egov.procedures.exchange.eforms import form_schema_problems
from egov.procedures.exchange.fields import decimal_text
from egov.procedures.exchange.reading import guess_format, limit_in_hours, parse, parse_csv, parse_json
from egov.procedures.exchange.references import check_references, unit_identifiers
from egov.procedures.exchange.spec import (
    ABOLISHED,
    AMENDED,
    CHANGES,
    CSV_COLUMNS,
    CSV_OPTIONAL_COLUMNS,
    FORMAT,
    NEW,
    REPLACED,
    CatalogueError,
    ComponentSpec,
    DecisionSpec,
    EntrySpec,
    FeeSpec,
    ParsedCatalogue,
    StepSpec,
    VersionSpec,
    format_error,
)
from egov.procedures.exchange.writing import decision_header, step_place, to_csv, to_json, version_entry

__all__ = [
    "ABOLISHED",
    "AMENDED",
    "CHANGES",
    "CSV_COLUMNS",
    "CSV_OPTIONAL_COLUMNS",
    "FORMAT",
    "NEW",
    "REPLACED",
    "CatalogueError",
    "ComponentSpec",
    "DecisionSpec",
    "EntrySpec",
    "FeeSpec",
    "ParsedCatalogue",
    "StepSpec",
    "VersionSpec",
    "check_references",
    "decimal_text",
    "decision_header",
    "form_schema_problems",
    "format_error",
    "guess_format",
    "limit_in_hours",
    "parse",
    "parse_csv",
    "parse_json",
    "step_place",
    "to_csv",
    "to_json",
    "unit_identifiers",
    "version_entry",
]
