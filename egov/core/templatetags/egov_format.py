"""Template filters of egov.core.display: numbers and moments as the active language writes them."""

import datetime as dt
from decimal import Decimal

from django import template

from egov.core import display

register = template.Library()


@register.filter
def number(value: int | float | Decimal | str | None, places: int | None = None) -> str:
    """{{ value|number:2 }} → "22,77" in Vietnamese, "22.77" in English (trailing zeros dropped)."""
    try:
        return display.number(value, places)
    except (ArithmeticError, ValueError):
        return str(value)


@register.filter
def day(value: dt.date | dt.datetime | None) -> str:
    """{{ moment|day }} → dd/mm/yyyy of its day in Vietnam."""
    return display.day(value)


@register.filter
def moment(value: dt.datetime | None) -> str:
    """{{ moment|moment }} → HH:MM dd/mm/yyyy in Vietnam."""
    return display.moment(value)
