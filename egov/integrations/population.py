"""Adapter to the national population database (Cơ sở dữ liệu quốc gia về dân cư).

`lookup_citizen` asks the database for the 20 facts a one-stop desk needs about one person, so
the applicant need not bring papers the State already holds. Reading personal data is processing
it: every lookup is written to the audit log with who asked and why (Nghị định 13/2023/NĐ-CP,
Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15: purpose-bound processing, kept logs), never with what
came back. The simulator at /mo-phong/dan-cu/ answers the same protocol from invented people.
"""

import re
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from egov.core import audit
from egov.integrations.errors import IntegrationError, IntegrationProtocolError
from egov.integrations.transport import DEFAULT_TOKEN, base_url, call, json_object, rejected, setting

SEX_MALE = "Nam"
SEX_FEMALE = "Nữ"
# Province codes of the place of birth registration run 001 (Hà Nội) to 096 (Cà Mau).
FIRST_PROVINCE_CODE, LAST_PROVINCE_CODE = 1, 96
NOT_FOUND_CODE = "KHONG_TIM_THAY"


@dataclass(frozen=True)
class IdNumber:
    """What a personal identification number says about its holder."""

    value: str
    province_code: str
    birth_year: int
    sex: str


def parse_id_number(value: str, *, today: date | None = None) -> IdNumber:
    """Check the structure of a 12-digit số định danh cá nhân and read it.

    Luật Căn cước 2023 (Điều 12) gives every citizen one 12-digit number; its layout (Thông tư
    59/2021/TT-BCA Điều 7): 3 digits province of birth registration, 1 digit century and sex
    (0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s …), 2 digits year of birth, 6 random.
    """
    number = value.strip()
    if not re.fullmatch(r"[0-9]{12}", number):
        raise ValidationError(
            gettext("A personal identification number has exactly 12 digits."), code="id_number_length"
        )
    province = int(number[:3])
    if not FIRST_PROVINCE_CODE <= province <= LAST_PROVINCE_CODE:
        raise ValidationError(
            gettext(
                "The first three digits (%(code)s) are not the code of a province of birth "
                "registration (001–096)."
            )
            % {"code": number[:3]},
            code="id_number_province",
        )
    century_sex = int(number[3])
    birth_year = 1900 + 100 * (century_sex // 2) + int(number[4:6])
    current_year = (today or timezone.localdate()).year
    if birth_year > current_year:
        raise ValidationError(
            gettext(
                "The century and sex digit (%(digit)s) with the year digits (%(year)s) gives a "
                "birth year of %(birth_year)s, which is in the future."
            )
            % {"digit": number[3], "year": number[4:6], "birth_year": birth_year},
            code="id_number_century",
        )
    return IdNumber(
        value=number,
        province_code=number[:3],
        birth_year=birth_year,
        sex=SEX_FEMALE if century_sex % 2 else SEX_MALE,
    )


def validate_id_number(value: str) -> None:
    """A form/model field validator for personal identification numbers."""
    parse_id_number(value)


@dataclass(frozen=True)
class HouseholdHead:
    """The head of the citizen's household and the citizen's relation to them (Điều 9 k.22–23)."""

    name: str
    relation: str

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})" if self.relation else self.name


@dataclass(frozen=True)
class Contact:
    """Mobile number and e-mail (Điều 9 k.25); either may be empty."""

    phone: str = ""
    email: str = ""

    def __str__(self) -> str:
        return " · ".join(part for part in (self.phone, self.email) if part)


# The label of each CitizenRecord attribute, in the order of Luật Căn cước 2023 Điều 9.
_LABELS = {
    "full_name": _("Full name"),  # k.1 họ, chữ đệm và tên khai sinh
    "other_name": _("Other name"),  # k.2
    "id_number": _("Personal identification number"),  # k.3
    "date_of_birth": _("Date of birth"),  # k.4
    "sex": _("Sex"),  # k.5
    "place_of_birth": _("Place of birth"),  # k.6
    "birth_registration_place": _("Place of birth registration"),  # k.7
    "home_town": _("Home town"),  # k.8 quê quán
    "ethnicity": _("Ethnicity"),  # k.9
    "religion": _("Religion"),  # k.10
    "nationality": _("Nationality"),  # k.11
    "blood_type": _("Blood type"),  # k.12
    "old_id_number": _("Former 9-digit ID card number"),  # k.13 số CMND 9 số
    "id_card_issued_on": _("Identity card issue date"),  # k.14
    "permanent_residence": _("Permanent residence"),  # k.16 nơi thường trú
    "temporary_residence": _("Temporary residence"),  # k.17 nơi tạm trú
    "current_residence": _("Current residence"),  # k.18 nơi ở hiện tại
    "marital_status": _("Marital status"),  # k.21
    "head_of_household": _("Head of household (relation)"),  # k.22–23
    "contact": _("Phone / e-mail"),  # k.25
}


@dataclass(frozen=True)
class CitizenRecord:
    """The 20 facts about a citizen a one-stop desk sees, from Luật Căn cước 2023 Điều 9."""

    full_name: str
    other_name: str
    id_number: str
    date_of_birth: date
    sex: str
    place_of_birth: str
    birth_registration_place: str
    home_town: str
    ethnicity: str
    religion: str
    nationality: str
    blood_type: str
    old_id_number: str
    id_card_issued_on: date | None
    permanent_residence: str
    temporary_residence: str
    current_residence: str
    marital_status: str
    head_of_household: HouseholdHead
    contact: Contact

    @classmethod
    def labels(cls) -> dict[str, str]:
        """Attribute name → its label in the active language, in field order."""
        return {field.name: str(_LABELS[field.name]) for field in fields(cls)}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates as ISO 8601, household head and contact as small objects."""
        data: dict[str, Any] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, HouseholdHead | Contact):
                value = {name: getattr(value, name) for name in value.__dataclass_fields__}
            data[field.name] = value
        return data

    def rows(self) -> list[tuple[str, str]]:
        """(label, shown value) pairs for a desk screen; dates as dd/mm/yyyy."""
        labels = self.labels()
        shown: list[tuple[str, str]] = []
        for name, label in labels.items():
            value = getattr(self, name)
            if isinstance(value, date):
                value = value.strftime("%d/%m/%Y")
            shown.append((label, "" if value is None else str(value)))
        return shown


def lookup_citizen(id_number: str, *, requested_by: str, purpose: str) -> CitizenRecord | None:
    """The citizen with this number, or None when the database has no such person.

    Raises ValidationError for a malformed number (before any call), ValueError without a
    requester or purpose, IntegrationUnavailable (also its IntegrationAuthFailed) when the
    database is unreachable or refuses our token, IntegrationRejected/IntegrationProtocolError
    for a refused question or an untrustworthy answer.
    """
    number = parse_id_number(id_number)
    if not requested_by.strip() or not purpose.strip():
        # Processing personal data needs a named processor and a stated purpose (ND 13/2023 Điều 3).
        raise ValueError("lookup_citizen needs requested_by and purpose")
    try:
        record = _fetch(number, purpose)
    except IntegrationError as error:
        _audit(number, requested_by=requested_by, purpose=purpose, outcome=type(error).__name__)
        raise
    _audit(number, requested_by=requested_by, purpose=purpose, outcome="found" if record else "not_found")
    return record


def _fetch(number: IdNumber, purpose: str) -> CitizenRecord | None:
    url = base_url("EGOV_POPULATION_URL", "dan-cu/") + "tra-cuu"
    response = call(
        "POST",
        url,
        token=setting("EGOV_POPULATION_TOKEN", DEFAULT_TOKEN),
        payload={"soDinhDanh": number.value, "mucDich": purpose},
    )
    if response.status_code == 404:
        # Only the database's own "no such person" means None; a bare 404 is a wrong URL.
        if json_object(response).get("maLoi") == NOT_FOUND_CODE:
            return None
        raise IntegrationProtocolError(f"{url}: HTTP 404 without {NOT_FOUND_CODE}; check EGOV_POPULATION_URL")
    if response.status_code != 200:
        raise rejected(response)
    citizen = json_object(response).get("congDan")
    if not isinstance(citizen, dict):
        raise IntegrationProtocolError(f"{url}: the answer has no congDan object")
    return _record_from_json(citizen, number)


def _record_from_json(data: dict[str, Any], number: IdNumber) -> CitizenRecord:
    def text(key: str, *, required: bool = False) -> str:
        value = data.get(key) or ""
        if not isinstance(value, str) or (required and not value):
            raise IntegrationProtocolError(f"population answer: {key} is missing or not text")
        return value

    def day(key: str, *, required: bool = False) -> date | None:
        value = text(key, required=required)
        try:
            return date.fromisoformat(value) if value else None
        except ValueError as error:
            raise IntegrationProtocolError(f"population answer: {key} is not a date") from error

    date_of_birth = day("ngaySinh", required=True)
    assert date_of_birth is not None  # required=True
    record = CitizenRecord(
        full_name=text("hoVaTen", required=True),
        other_name=text("tenGoiKhac"),
        id_number=text("soDinhDanh", required=True),
        date_of_birth=date_of_birth,
        sex=text("gioiTinh", required=True),
        place_of_birth=text("noiSinh"),
        birth_registration_place=text("noiDangKyKhaiSinh"),
        home_town=text("queQuan"),
        ethnicity=text("danToc"),
        religion=text("tonGiao"),
        nationality=text("quocTich"),
        blood_type=text("nhomMau"),
        old_id_number=text("soCMND"),
        id_card_issued_on=day("ngayCapCCCD"),
        permanent_residence=text("noiThuongTru"),
        temporary_residence=text("noiTamTru"),
        current_residence=text("noiOHienTai"),
        marital_status=text("tinhTrangHonNhan"),
        head_of_household=HouseholdHead(name=text("hoTenChuHo"), relation=text("quanHeVoiChuHo")),
        contact=Contact(phone=text("soDienThoai"), email=text("email")),
    )
    # The number encodes year of birth and sex: an answer that disagrees is about someone else
    # or corrupt, and must not be put in front of an officer as this citizen's data.
    if (
        record.id_number != number.value
        or record.date_of_birth.year != number.birth_year
        or record.sex != number.sex
    ):
        raise IntegrationProtocolError("population answer does not match the number asked for")
    return record


def _audit(number: IdNumber, *, requested_by: str, purpose: str, outcome: str) -> None:
    # The number asked for is kept so a citizen can learn who read their data (Luật 91/2025/QH15:
    # the data subject's right to be informed); what came back is never copied into the log.
    audit.record(
        actor=None,
        action="population.lookup",
        object_type="population.citizen",
        object_id=number.value,
        after={"requested_by": requested_by, "purpose": purpose, "outcome": outcome},
    )
