"""Form fields every app's pages share, with the ranges of egov.core.limits."""

import datetime as dt
from typing import Any

from django import forms

from egov.core.limits import day_in_range


class DateField(forms.DateField):
    """A date between egov.core.limits.FIRST_DAY and LAST_DAY (a year 9999 would overflow)."""

    def to_python(self, value: Any) -> dt.date | None:
        day = super().to_python(value)
        return day_in_range(day) if day is not None else None
