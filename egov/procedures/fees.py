"""What a dossier owes: the one place fees are computed from a version's fee lines and a choice.

A catalogue's fee lines are not a sum (Luật Phí và lệ phí 2015; the fee schedules of the Ministry
of Finance, e.g. TT 244/2016/TT-BTC for the judicial record: 200.000 đ, or 100.000 đ for students
and people with meritorious service, plus 5.000 đ per copy from the third):

* **alternatives**: exactly one applies (the standard rate, a reduced rate, a rate per area);
* **per unit**: a charge times a quantity (per copy, per page), at least `min_quantity`;
* **fixed**: always added to whatever applies (a publication fee beside the registration fee).

The desk or the citizen picks the alternative and the quantities (`FeeChoice`), or the e-form
decides when a line names an e-form field (`choice_from_form`). `charge` checks the choice and
returns the lines charged and their total; the dossier stores both, and the desk, the portal,
the receipt, the payment and the API all read what was stored.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from egov.procedures.models import Fee

# More copies than this in one request is a typing mistake, not a request.
MAX_QUANTITY = 999
ALTERNATIVE_FIELD = "fee_alternative"


def quantity_field(fee: Fee) -> str:
    """The form input of a per-unit line's quantity."""
    return f"fee_quantity_{fee.pk}"


@dataclass(frozen=True)
class FeeChoice:
    """Which alternative applies (a Fee pk) and how many units of each per-unit line (by Fee pk)."""

    alternative: int | None = None
    quantities: Mapping[int, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        quantities = {str(pk): quantity for pk, quantity in self.quantities.items()}
        return {"alternative": self.alternative, "quantities": quantities}

    @classmethod
    def from_json(cls, data: object) -> "FeeChoice":
        """A choice kept as JSON (a draft's); anything malformed is dropped, `charge` checks the rest."""
        if not isinstance(data, Mapping):
            return cls()
        alternative = data.get("alternative")
        quantities: dict[int, int] = {}
        raw = data.get("quantities")
        if isinstance(raw, Mapping):
            for key, value in raw.items():
                if str(key).isdigit() and isinstance(value, int) and not isinstance(value, bool):
                    quantities[int(key)] = value
        if not isinstance(alternative, int) or isinstance(alternative, bool):
            alternative = None
        return cls(alternative=alternative, quantities=quantities)


@dataclass(frozen=True)
class ChargedLine:
    fee: Fee
    quantity: int

    @property
    def amount(self) -> int:
        return self.fee.amount * self.quantity


@dataclass(frozen=True)
class Charge:
    lines: tuple[ChargedLine, ...]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)


def alternatives(fees: Iterable[Fee]) -> list[Fee]:
    return [fee for fee in fees if fee.is_alternative]


def per_unit(fees: Iterable[Fee]) -> list[Fee]:
    return [fee for fee in fees if fee.is_per_unit]


def needs_choice(fees: Sequence[Fee]) -> bool:
    """Whether someone must pick (two alternatives or more, or a quantity) beyond what the e-form decides."""
    alts = alternatives(fees)
    return (len(alts) > 1 and not any(a.form_field for a in alts)) or any(
        not f.form_field for f in per_unit(fees)
    )


def default_choice(fees: Sequence[Fee]) -> FeeChoice:
    """The first alternative (the standard rate comes first in the catalogue) and the least quantities."""
    alts = alternatives(fees)
    return FeeChoice(
        alternative=alts[0].pk if alts else None,
        quantities={fee.pk: fee.min_quantity for fee in per_unit(fees)},
    )


def choice_from_form(fees: Sequence[Fee], values: Mapping[str, Any], picked: FeeChoice) -> FeeChoice:
    """The choice with what the e-form decides put over what was picked.

    An alternative that names an e-form field applies when that field has its value; when none
    does, the first alternative without a condition. A per-unit line that names a field takes
    its quantity from it: copies asked on the e-form are the copies charged. That field is an
    "integer" (exchange.fees checks it at import), so the count is whole; a schema stored before
    that rule still has its decimals refused here (`_whole`).
    """
    alternative = picked.alternative
    alts = alternatives(fees)
    if any(fee.form_field for fee in alts):
        matching = [f for f in alts if f.form_field and _text(values.get(f.form_field)) == f.form_value]
        fallback = [f for f in alts if not f.form_field]
        chosen = matching or fallback
        alternative = chosen[0].pk if chosen else None
    quantities = dict(picked.quantities)
    for fee in per_unit(fees):
        if fee.form_field:
            quantities[fee.pk] = _whole(values.get(fee.form_field))
    return FeeChoice(alternative=alternative, quantities=quantities)


def charge(fees: Sequence[Fee], choice: FeeChoice) -> Charge:
    """The lines charged for this choice, in catalogue order; ValidationError names each bad input."""
    errors: dict[str, str] = {}
    alts = alternatives(fees)
    alternative = choice.alternative
    if len(alts) == 1 and alternative is None:
        alternative = alts[0].pk
    if alts and alternative not in {fee.pk for fee in alts}:
        errors[ALTERNATIVE_FIELD] = _("Choose which of the fee rates applies.")
    lines: list[ChargedLine] = []
    for fee in fees:
        if fee.is_alternative:
            if fee.pk == alternative:
                lines.append(ChargedLine(fee, 1))
        elif fee.is_fixed:
            lines.append(ChargedLine(fee, 1))
        else:
            quantity = choice.quantities.get(fee.pk, fee.min_quantity)
            if not fee.min_quantity <= quantity <= MAX_QUANTITY:
                errors[quantity_field(fee)] = _("Enter a number of units from %(least)d to %(most)d.") % {
                    "least": fee.min_quantity,
                    "most": MAX_QUANTITY,
                }
            elif quantity:
                lines.append(ChargedLine(fee, quantity))
    if errors:
        raise ValidationError(errors)
    return Charge(tuple(lines))


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else ""
    return "" if value is None else str(value)


def _whole(value: object) -> int:
    """A quantity typed in an e-form number field; -1 (refused by `charge`) when it is not whole."""
    if value is None or value == "":
        return 0
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return -1
    return int(number) if number == number.to_integral_value() else -1


# --- Catalogue files without kinds ----------------------------------------------------------------

_PER_UNIT = re.compile(r"\bmỗi\b", re.IGNORECASE)
_FROM_NTH = re.compile(r"trở đi|trở lên", re.IGNORECASE)


def classify(descriptions: Sequence[str]) -> list[tuple[str, int]]:
    """The kind and least quantity of each line of one version, read from the descriptions.

    For catalogue files (and rows imported before fee kinds existed) that do not say: a line
    "per …" (mỗi bản, mỗi trang) is per unit, charged at least once unless it counts "from the
    third … on" (từ … thứ ba trở đi); the other lines are alternatives when they are all fees
    (phí) or all charges (lệ phí); when both appear, the first kind's lines are the alternatives
    and the other's are added (lệ phí đăng ký + phí công bố).
    """
    kinds: list[tuple[str, int]] = []
    groups: list[str] = []
    for description in descriptions:
        if _PER_UNIT.search(description):
            kinds.append((Fee.Kind.PER_UNIT, 0 if _FROM_NTH.search(description) else 1))
            continue
        group = _group(description)
        if not groups:
            groups.append(group)
        kinds.append((Fee.Kind.ALTERNATIVE if group == groups[0] else Fee.Kind.FIXED, 0))
    return kinds


def _group(description: str) -> str:
    text = description.strip().lower()
    if text.startswith("lệ phí"):
        return "lệ phí"
    if text.startswith("phí"):
        return "phí"
    return ""
