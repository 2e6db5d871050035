"""Agency identifiers (mã định danh điện tử của cơ quan, tổ chức).

QĐ 20/2020/QĐ-TTg Điều 4: at most 35 characters of `0-9`, `A-Z` and `.`; dot-separated groups
developed left to right; the first group is the level-1 code MX1X2 (M ∈ A–Y, X ∈ 0–9), e.g.
`H15.50.05.13`. The older QCVN 102:2016 / TT 10/2016 order (`000.00.06.H56`) must still parse,
because dossier codes issued before 2020 carry it (TT 01/2018 Điều 19).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 35
CURRENT_FORMAT = re.compile(r"^[A-Y]\d{2}(\.[0-9A-Z]{2,3})*$")
LEGACY_FORMAT = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Y]\d{2}$")


def is_agency_identifier(value: str) -> bool:
    if len(value) > MAX_LENGTH:
        return False
    return bool(CURRENT_FORMAT.match(value) or LEGACY_FORMAT.match(value))


def validate_agency_identifier(value: str) -> None:
    if not is_agency_identifier(value):
        raise ValidationError(
            _(
                "“%(value)s” is not a valid agency identifier (QĐ 20/2020/QĐ-TTg): up to 35 "
                "characters of A–Z, 0–9 and dots, starting with a level-1 code such as H15."
            ),
            code="invalid_agency_identifier",
            params={"value": value},
        )
