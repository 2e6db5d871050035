"""The e-form schema of a procedure version (`form`), checked when a catalogue file is read."""

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from egov.procedures.exchange.fields import not_one_of

# --- E-forms (ND 45/2020/NĐ-CP: the citizen fills a form online; data the State holds is prefilled) ---

FORM_FIELD_TYPES = (
    "text",
    "textarea",
    "date",
    "number",
    "integer",
    "select",
    "checkbox",
    "email",
    "phone",
    "id_number",
)
# A count (copies, pages) is an "integer": whole, min/max whole; a per-unit fee line takes its
# quantity only from one (exchange.fees.check_fee_form_fields).
NUMBER_TYPES = ("number", "integer")
FORM_FIELD_KEYS = frozenset(
    {
        "name",
        "label",
        "type",
        "required",
        "choices",
        "max_length",
        "min",
        "max",
        "show_if",
        "prefill",
        "help",
        "result",
    }
)
# How a field's answer appears on the result drafted from the template: "subject" names whom the
# result is issued for (the child of a birth registration), "shown" prints it as "label: value",
# "title" names which of the catalogue's alternative results is issued (Phiếu số 1 or số 2).
FORM_RESULT_ROLES = ("subject", "shown", "title")
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
        problems.append((f"{at}.type", not_one_of(str(kind), FORM_FIELD_TYPES)))
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
        if key not in item:
            continue
        value = item[key]
        if kind not in NUMBER_TYPES or not isinstance(value, int | float) or isinstance(value, bool):
            problems.append(
                (f"{at}.{key}", str(_("Only a number field has a minimum or maximum (a number).")))
            )
        elif kind == "integer" and not isinstance(value, int):
            problems.append((f"{at}.{key}", str(_("A whole-number field's minimum and maximum are whole."))))
    show_if = item.get("show_if")
    if show_if is not None and (
        not isinstance(show_if, Mapping)
        or set(show_if) != {"field", "equals"}
        or show_if.get("field") not in seen
    ):
        problems.append((f"{at}.show_if", str(_('Give {"field": <an earlier field>, "equals": <value>}.'))))
    if "result" in item and item["result"] not in FORM_RESULT_ROLES:
        problems.append((f"{at}.result", not_one_of(str(item["result"]), FORM_RESULT_ROLES)))
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
