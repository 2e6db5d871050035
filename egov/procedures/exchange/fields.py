"""Typed reads of the JSON objects of a catalogue file; every problem is reported at its field."""

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.utils.translation import gettext as _

from egov.organization.identifiers import is_agency_identifier
from egov.procedures.exchange.spec import CatalogueError, ParsedCatalogue

# Mã TTHC as given by the national database of administrative procedures (CSDLQG về TTHC).
_CODE = re.compile(r"\d\.\d{6}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CLOCK_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


# --- Reading values ----------------------------------------------------------------------------


class Reported:
    """A cell whose problem is already reported (e.g. a CSV cell that is not valid JSON)."""


REPORTED = Reported()


class Context:
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


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def decimal_text(value: Decimal) -> str:
    """A decimal as the format writes it: "8", "0.5", "1.25" (never "1E+1" or "8.00")."""
    return f"{value.normalize():f}"


class Fields:
    """Typed reads of one JSON object; each problem is reported against its field."""

    def __init__(self, data: Mapping[str, Any], ctx: Context, prefix: str = "") -> None:
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
        if isinstance(value, Reported):
            return None
        if is_blank(value):
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
            self.error(key, not_one_of(value, allowed))
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
                self.error(key, not_one_of(str(item), allowed))
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

    def clock_time(self, key: str) -> dt.time | None:
        """An optional time of day written HH:MM (24 hours)."""
        value = self.text(key, required=False)
        if not value:
            return None
        if not _CLOCK_TIME.fullmatch(value):
            self.error(key, _("“%(value)s” is not a time of day in the form HH:MM.") % {"value": value})
            return None
        return dt.time.fromisoformat(value)

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
        if isinstance(value, Reported):
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
        if value is None or isinstance(value, Reported):
            return default
        if not isinstance(value, bool):
            self.error(key, _("Must be true or false."))
            return default
        return value

    def mapping(self, key: str) -> "Fields | None":
        value = self._present(key, required=True)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.error(key, _("Must be an object."))
            return None
        return Fields(value, self.ctx, prefix=f"{self.path(key)}.")

    def items(self, key: str, *, required: bool) -> list["Fields"]:
        """The objects of a list field, each reading as `key[n].` (n counts from 1)."""
        value = self.data.get(key)
        if isinstance(value, Reported):
            return []
        if value is None:
            value = []
        if not isinstance(value, list):
            self.error(key, _("Must be a list."))
            return []
        if required and not value:
            self.error(key, _("At least one item is required."))
        readers: list[Fields] = []
        for number, item in enumerate(value, start=1):
            item_path = f"{self.path(key)}[{number}]"
            if not isinstance(item, Mapping):
                self.ctx.add(item_path, _("Must be an object."))
                continue
            readers.append(Fields(item, self.ctx, prefix=f"{item_path}."))
        return readers


def not_one_of(value: str, allowed: Sequence[str]) -> str:
    return _("“%(value)s” is not one of: %(allowed)s.") % {
        "value": value,
        "allowed": ", ".join(allowed),
    }
