"""Adapter to an SMS gateway (brand-name SMS): send a text to a Vietnamese mobile and ask its fate.

Used for the notices the one-stop rules require by e-mail/SMS (Nghị định 61/2018/NĐ-CP, e.g.
incomplete online dossiers, rescheduled results). The simulator at /mo-phong/sms/ keeps what it
"sent" in an inbox staff can read; numbers ending in 0000 fail there, for tests and demos.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from egov.integrations.errors import IntegrationProtocolError
from egov.integrations.transport import DEFAULT_TOKEN, base_url, call, json_object, rejected, setting

# Four concatenated segments of 153 GSM-7 characters; longer messages cost more than they help.
MAX_TEXT_LENGTH = 612
DEFAULT_SENDER = "EGOV"
# Vietnamese mobile numbers since the 2018 renumbering: 10 digits, prefixes 03/05/07/08/09.
_MOBILE = re.compile(r"0[35789][0-9]{8}")


@dataclass(frozen=True)
class SmsReceipt:
    message_id: str
    status: str


def normalise_phone(phone: str) -> str:
    """The number as 0XXXXXXXXX; accepts spaces, dots, dashes and the +84 form."""
    compact = re.sub(r"[\s.\-()]", "", phone)
    if compact.startswith("+84"):
        compact = "0" + compact[3:]
    if not _MOBILE.fullmatch(compact):
        raise ValidationError(
            gettext(
                "%(phone)s is not a Vietnamese mobile number (10 digits starting with 03, 05, 07, "
                "08 or 09, or the same number written +84…)."
            )
            % {"phone": phone},
            code="phone",
        )
    return compact


def check_text(text: str) -> None:
    if not text.strip():
        raise ValidationError(gettext("An SMS cannot be empty."), code="sms_empty")
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            gettext("An SMS holds at most %(limit)s characters; this one has %(length)s.")
            % {"limit": MAX_TEXT_LENGTH, "length": len(text)},
            code="sms_too_long",
        )


def send_sms(phone: str, text: str) -> SmsReceipt:
    """Hand one message to the gateway; ValidationError before any call for a bad number or text."""
    number = normalise_phone(phone)
    check_text(text)
    response = call(
        "POST",
        base_url("EGOV_SMS_URL", "sms/") + "gui",
        token=setting("EGOV_SMS_TOKEN", DEFAULT_TOKEN),
        payload={
            "soDienThoai": number,
            "noiDung": text,
            "tenThuongHieu": setting("EGOV_SMS_SENDER", DEFAULT_SENDER),
        },
    )
    if response.status_code not in {200, 201, 202}:
        raise rejected(response)
    body = json_object(response)
    message_id, status = body.get("maTinNhan"), body.get("trangThai")
    if not isinstance(message_id, str) or not isinstance(status, str):
        raise IntegrationProtocolError("SMS answer: maTinNhan or trangThai missing")
    return SmsReceipt(message_id=message_id, status=status)


def sms_status(message_id: str) -> str:
    """The gateway's current status of a message ("delivered", "failed", …)."""
    response = call(
        "GET",
        base_url("EGOV_SMS_URL", "sms/") + "trang-thai/" + quote(message_id, safe=""),
        token=setting("EGOV_SMS_TOKEN", DEFAULT_TOKEN),
    )
    if response.status_code != 200:
        raise rejected(response)
    status = json_object(response).get("trangThai")
    if not isinstance(status, str):
        raise IntegrationProtocolError("SMS status answer: trangThai missing")
    return status
