"""E-forms (tờ khai điện tử): a procedure version's `form_schema` made into a Django form.

The schema format is in docs/howto/catalogue-format.md ("form"). Every form starts with the
applicant block (who submits); the procedure's own fields follow, or, when it has none, one
"Nội dung đề nghị" text. Validation is on the server only: a field shown under a condition
(`show_if`) is required only when shown, and its value is dropped when hidden.
ND 45/2020/NĐ-CP Điều 9, 11: data the State already holds is filled in from its databases and
not asked for again; such fields are shown read-only (`locked`).
"""

import datetime as dt
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _

from egov.core import display
from egov.core import forms as core_forms
from egov.integrations.population import validate_id_number
from egov.procedures.models import ProcedureVersion

Field = dict[str, Any]

APPLICANT_FIELDS: list[Field] = [
    {
        "name": "applicant_name",
        "label": "Họ, chữ đệm và tên người nộp",
        "type": "text",
        "required": True,
        "max_length": 255,
        "prefill": "population.full_name",
    },
    {
        "name": "applicant_id_number",
        "label": "Số định danh cá nhân",
        "type": "id_number",
        "required": True,
        "prefill": "account.national_id",
    },
    {
        "name": "applicant_birth_date",
        "label": "Ngày, tháng, năm sinh",
        "type": "date",
        "required": False,
        "prefill": "population.date_of_birth",
    },
    {
        "name": "applicant_address",
        "label": "Nơi cư trú",
        "type": "text",
        "required": True,
        "max_length": 500,
        "prefill": "population.current_residence",
    },
    {
        "name": "applicant_phone",
        "label": "Số điện thoại",
        "type": "phone",
        "required": True,
        "prefill": "account.phone",
    },
    {
        "name": "applicant_email",
        "label": "Thư điện tử",
        "type": "email",
        "required": False,
        "prefill": "account.email",
    },
]
REQUEST_FIELD: Field = {
    "name": "noi_dung",
    "label": "Nội dung đề nghị",
    "type": "textarea",
    "required": True,
    "max_length": 4000,
}
# The account fields a citizen proved at registration (VNeID): shown read-only like the State's data.
VERIFIED_ACCOUNT_SOURCES = ("account.national_id",)


def schema_fields(version: ProcedureVersion) -> list[Field]:
    """The applicant block, then the procedure's fields (or the default request text)."""
    own = list((version.form_schema or {}).get("fields") or [REQUEST_FIELD])
    names = {field["name"] for field in own}
    return [*(f for f in APPLICANT_FIELDS if f["name"] not in names), *own]


def _phone_validator() -> RegexValidator:
    return RegexValidator(r"^0[0-9]{9,10}$", message=_("Enter a phone number of 10 digits, e.g. 0912345678."))


def _make_field(spec: Field) -> forms.Field:
    kind = spec["type"]
    common: dict[str, Any] = {"label": spec["label"], "required": False, "help_text": spec.get("help", "")}
    limit = spec.get("max_length")
    if kind == "textarea":
        return forms.CharField(max_length=limit or 4000, widget=forms.Textarea(attrs={"rows": 4}), **common)
    if kind == "date":
        return core_forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common
        )
    if kind == "integer":
        # A count (copies, extra certificates): whole, as the fee line it may set (egov.procedures.fees).
        return forms.IntegerField(
            min_value=spec.get("min"),
            max_value=spec.get("max"),
            widget=forms.NumberInput(attrs={"step": "1", "inputmode": "numeric"}),
            error_messages={"invalid": _("Enter a whole number, without decimals (e.g. 2).")},
            **common,
        )
    if kind == "number":
        return forms.DecimalField(
            min_value=spec.get("min"), max_value=spec.get("max"), max_digits=14, decimal_places=2, **common
        )
    if kind == "select":
        choices = [("", "—"), *((choice, choice) for choice in spec["choices"])]
        return forms.ChoiceField(choices=choices, **common)
    if kind == "checkbox":
        return forms.BooleanField(**common)
    if kind == "email":
        return forms.EmailField(max_length=limit or 254, **common)
    if kind == "phone":
        return forms.CharField(
            max_length=11,
            validators=[_phone_validator()],
            widget=forms.TextInput(attrs={"type": "tel"}),
            **common,
        )
    if kind == "id_number":
        return forms.CharField(
            max_length=12,
            validators=[validate_id_number],
            widget=forms.TextInput(attrs={"inputmode": "numeric"}),
            **common,
        )
    return forms.CharField(max_length=limit or 255, **common)


def _shown(spec: Field, values: Mapping[str, Any]) -> bool:
    condition = spec.get("show_if")
    if not condition:
        return True
    value = values.get(condition["field"])
    expected = condition["equals"]
    if isinstance(expected, bool):
        return bool(value) is expected
    return str(value if value is not None else "") == str(expected)


class EForm(forms.Form):
    """A form built from a schema (see build_form); `specs` are the schema's fields in order."""

    specs: list[Field] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for spec in self.specs:
            name = spec["name"]
            if not _shown(spec, data):
                # A hidden field counts as not filled: neither its value nor its errors are kept.
                data.pop(name, None)
                self.errors.pop(name, None)
                continue
            if spec.get("required") and name not in self.errors and _empty(data.get(name)):
                self.add_error(name, _("Fill in “%(label)s”.") % {"label": spec["label"]})
        return data

    def shown_names(self) -> set[str]:
        """Names of the fields shown for the current values (for rendering without JavaScript)."""
        values: dict[str, Any] = {}
        for spec in self.specs:
            bound = self[spec["name"]]
            values[spec["name"]] = bound.value() if spec["type"] != "checkbox" else bool(bound.value())
        return {spec["name"] for spec in self.specs if _shown(spec, values)}

    def rows(self) -> list[tuple[Field, forms.BoundField]]:
        return [(spec, self[spec["name"]]) for spec in self.specs]


def _empty(value: object) -> bool:
    return value is None or value == "" or value is False


def build_form(specs: list[Field], *, locked: Collection[str] = ()) -> type[EForm]:
    """A form class with one field per spec; `locked` fields are read-only (their initial value wins)."""
    fields: dict[str, Any] = {}
    for spec in specs:
        field = _make_field(spec)
        if spec["name"] in locked:
            field.disabled = True
            field.help_text = _("From the national population database or your verified account.")
        fields[spec["name"]] = field
    return type("EFormFor", (EForm,), {**fields, "specs": list(specs)})


def form_for(version: ProcedureVersion, *, locked: Collection[str] = ()) -> type[EForm]:
    return build_form(schema_fields(version), locked=locked)


def raw_values(specs: list[Field], post: Mapping[str, Any]) -> dict[str, str]:
    """What the citizen typed, kept as text for a draft (a ticked box is "on")."""
    values: dict[str, str] = {}
    for spec in specs:
        value = post.get(spec["name"], "")
        values[spec["name"]] = ("on" if value else "") if spec["type"] == "checkbox" else str(value)[:5000]
    return values


def to_json(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned values ready for JSON: dates as ISO 8601, numbers as text."""
    out: dict[str, Any] = {}
    for name, value in cleaned.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = f"{value.normalize():f}"
        out[name] = value
    return out


def _shown_date(value: Any) -> Any:
    """A date kept as ISO 8601 is declared as dd/mm/yyyy, the way the paper form writes it."""
    try:
        return display.day(dt.date.fromisoformat(str(value)))
    except ValueError:
        return value


def _shown_number(value: Any) -> Any:
    try:
        return display.number(value)
    except (ArithmeticError, ValueError):
        return value


def display_rows(specs: list[Field], values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) of the fields that were filled, for the dossier pages."""
    rows = []
    for spec in specs:
        value = values.get(spec["name"])
        if _empty(value):
            continue
        if spec["type"] == "checkbox":
            value = "✓"
        elif spec["type"] == "date":
            value = _shown_date(value)
        elif spec["type"] in ("number", "integer"):
            value = _shown_number(value)
        rows.append((str(spec["label"]), str(value)))
    return rows
