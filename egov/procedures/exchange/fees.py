"""A version's fee lines in the exchange format: amount, kind, least quantity, e-form binding.

    {"description": "Phí cung cấp thông tin lý lịch tư pháp", "amount": 200000, "kind": "alternative"}
    {"description": "… đối với sinh viên", "amount": 100000, "kind": "alternative",
     "when": {"field": "doi_tuong", "equals": "Sinh viên"}}
    {"description": "Phí cấp từ Phiếu thứ 3 trở đi (mỗi Phiếu)", "amount": 5000, "kind": "per_unit",
     "min_quantity": 0, "quantity_field": "so_phieu_them"}

A file without `kind` is read as egov.procedures.fees.classify reads the descriptions.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from egov.procedures.exchange.fields import Fields, not_one_of
from egov.procedures.exchange.spec import LIMITS, FeeSpec
from egov.procedures.fees import MAX_QUANTITY, classify
from egov.procedures.models import Fee

FEE_KINDS = tuple(Fee.Kind.values)
FEE_KEYS = frozenset({"description", "amount", "kind", "min_quantity", "when", "quantity_field"})


def read_fees(items: Sequence[Fields], *, maximum: int) -> list[tuple[Fields, FeeSpec]]:
    """The fee lines of one entry, each with its reader; every problem is reported at its field."""
    read: list[tuple[str, int | None, str, int | None, str, str]] = []
    for item in items:
        description = item.text("description", limit=LIMITS["fee.description"])
        amount = item.integer("amount", maximum=maximum)
        kind = item.text("kind", required=False)
        if kind and kind not in FEE_KINDS:
            item.error("kind", not_one_of(kind, FEE_KINDS))
            kind = ""
        least = None
        if "min_quantity" in item.data:
            least = item.integer("min_quantity", default=0, maximum=MAX_QUANTITY)
        field_name, value = _binding(item)
        item.unknown(FEE_KEYS)
        read.append((description, amount, kind, least, field_name, value))
    guessed = classify([row[0] for row in read])
    fees: list[tuple[Fields, FeeSpec]] = []
    for item, (description, amount, kind, least, field_name, value), (guess, guess_least) in zip(
        items, read, guessed, strict=True
    ):
        if not kind:
            kind, least = guess, guess_least if least is None else least
        least = least or 0
        if least and kind != Fee.Kind.PER_UNIT:
            item.error("min_quantity", _("Only a per-unit line has a least quantity."))
        if value and kind != Fee.Kind.ALTERNATIVE:
            item.error("when", _("Only one of the rates (an alternative) applies under a condition."))
            field_name = value = ""
        if field_name and not value and kind != Fee.Kind.PER_UNIT:
            item.error("quantity_field", _("Only a per-unit line takes its quantity from the e-form."))
            field_name = ""
        if amount is not None:
            fees.append((item, FeeSpec(description, amount, kind, least, field_name, value)))
    return fees


def _binding(item: Fields) -> tuple[str, str]:
    """The e-form field (and value) that decides the line: `when` for a rate, `quantity_field`."""
    when, quantity = item.data.get("when"), item.data.get("quantity_field")
    if when is not None and quantity is not None:
        item.error("when", _("Give either “when” or “quantity_field”, not both."))
        return "", ""
    if when is not None:
        if (
            not isinstance(when, Mapping)
            or set(when) != {"field", "equals"}
            or not all(isinstance(v, str) and v.strip() for v in when.values())
        ):
            item.error("when", _('Give {"field": <an e-form field>, "equals": <its value>}.'))
            return "", ""
        return when["field"].strip(), when["equals"].strip()[:255]
    if quantity is not None:
        if not isinstance(quantity, str) or not quantity.strip():
            item.error("quantity_field", _("Name a whole-number (integer) field of the e-form."))
            return "", ""
        return quantity.strip(), ""
    return "", ""


def check_fee_form_fields(fees: Sequence[tuple[Fields, FeeSpec]], form: Mapping[str, Any]) -> None:
    """Each e-form field a fee line names exists in the entry's e-form (a number for a quantity)."""
    fields = [spec for spec in form.get("fields", []) if isinstance(spec, Mapping)]
    types = {spec.get("name"): spec.get("type") for spec in fields}
    for item, spec in fees:
        if not spec.form_field:
            continue
        key = "when" if spec.form_value else "quantity_field"
        if spec.form_field not in types:
            item.error(key, _("The e-form has no field “%(name)s”.") % {"name": spec.form_field})
        elif not spec.form_value and types[spec.form_field] != "integer":
            # Copies are counted whole: a decimal field would let 2.5 copies through to the fee.
            item.error(
                key,
                _("“%(name)s” is not a whole-number (integer) field of the e-form.")
                % {"name": spec.form_field},
            )
