"""The ranges of values egov accepts from outside, decided once for the API and the pages.

Beyond them arithmetic fails instead of answering (a day after 9999-12-31 does not exist; an offset
past a 64-bit integer does not fit the database), so input outside them is refused as invalid.
"""

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, BeforeValidator, Field

# Birth dates of the oldest applicants to deadlines decades ahead; room for a year of arithmetic.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
# Offsets and page numbers: far beyond any list, far below a 64-bit integer.
MAX_OFFSET = 1_000_000_000
MAX_PAGE_NUMBER = 1_000_000
# Row ids are 64-bit signed integers (BigAutoField).
MAX_ID = 2**63 - 1

# What a date or a date-time in the API looks like: a year from 1900 to 2999 (the JSON schema of
# `format: date` cannot say "between", a pattern can).
DAY_PATTERN = r"^(19|2[0-9])[0-9]{2}-"


def day_in_range(day: dt.date) -> dt.date:
    """The day itself, or ValidationError when it lies outside FIRST_DAY … LAST_DAY."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_out_of_range",
            params={"first": FIRST_DAY.strftime("%d/%m/%Y"), "last": LAST_DAY.strftime("%d/%m/%Y")},
        )
    return day


def parse_day(value: str | None) -> dt.date | None:
    """An ISO (yyyy-mm-dd) or Vietnamese (dd/mm/yyyy) date inside the range; None when it is not one."""
    text = (value or "").strip()
    try:
        if "/" in text:
            day_text, month_text, year_text = text.split("/")
            day = dt.date(int(year_text), int(month_text), int(day_text))
        else:
            day = dt.date.fromisoformat(text)
        return day_in_range(day)
    except (ValueError, ValidationError):
        return None


def page_number(value: str | None) -> int:
    """A page number from a query string: 1 when missing or not a number, at most MAX_PAGE_NUMBER."""
    try:
        number = int(value or "1")
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE_NUMBER)


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _iso_only(pattern: re.Pattern[str], what: str) -> Callable[[object], object]:
    """pydantic reads "0" as 1970-01-01 (a Unix time); the API takes only what its schema says."""

    def check(value: object) -> object:
        if isinstance(value, (str, bytes)):
            text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
            if not pattern.match(text):
                raise ValueError(f"write the {what} in ISO 8601")
            return value
        if isinstance(value, (int, float)):
            raise ValueError(f"write the {what} in ISO 8601, not as a number")
        return value

    return check


def _api_day(day: dt.date) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"the date must lie between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}")
    return day


def _api_moment(moment: dt.datetime) -> dt.datetime:
    _api_day(moment.date())
    return moment


# Types for API schemas (pydantic): a date or date-time inside the range, said in the OpenAPI spec.
Day = Annotated[
    dt.date,
    BeforeValidator(_iso_only(_ISO_DAY, "date (yyyy-mm-dd)")),
    AfterValidator(_api_day),
    Field(json_schema_extra={"pattern": DAY_PATTERN}),
]
Moment = Annotated[
    dt.datetime,
    BeforeValidator(_iso_only(_ISO_MOMENT, "date and time (yyyy-mm-ddThh:mm:ss+07:00)")),
    AfterValidator(_api_moment),
    Field(json_schema_extra={"pattern": DAY_PATTERN}),
]
# A row id (or a version number) in a path or a body: positive and within a 64-bit integer.
RowId = Annotated[int, Field(ge=1, le=MAX_ID)]
