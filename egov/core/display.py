"""How numbers, durations and moments are shown to a person, in the active language.

One place so that every page, PDF and text field agrees: decimals with a comma and thousands with
a dot in Vietnamese (`1,6 giờ`, `22,77 ngày`, `1.500.000`), a dot in English; every moment in
Asia/Ho_Chi_Minh (settings.TIME_ZONE), dates as dd/mm/yyyy (the date form of Nghị định
30/2020/NĐ-CP, Phụ lục I). Templates use the filters of `egov_format` (egov/core/templatetags).
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, timezone

DAY = "%d/%m/%Y"
MOMENT = "%H:%M %d/%m/%Y"


def number(value: int | float | Decimal | str | None, places: int | None = None) -> str:
    """A number in the active language; `places` rounds it, trailing zeros are dropped.

    number(1.6) → "1,6" (vi) / "1.6" (en); number(22.771, 2) → "22,77"; number(1500000) → "1.500.000".
    """
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    if places is not None:
        amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    # normalize() alone would write 1500000 as 1.5E+6.
    amount = amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()
    shown_places = max(0, -int(amount.as_tuple().exponent))
    return formats.number_format(amount, decimal_pos=shown_places, use_l10n=True, force_grouping=True)


def local(moment: dt.datetime) -> dt.datetime:
    """An aware moment in Vietnam's time (a naive one is taken as already local)."""
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def day(value: dt.date | dt.datetime | None) -> str:
    """dd/mm/yyyy of a date, or of a moment's local day (2026-12-05T20:00Z → 06/12/2026)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local(value)
    return value.strftime(DAY)


def moment(value: dt.datetime | None) -> str:
    """HH:MM dd/mm/yyyy in Vietnam's time."""
    return local(value).strftime(MOMENT) if value is not None else ""
