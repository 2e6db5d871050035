"""Adapter to the national public-service portal (Cổng Dịch vụ công quốc gia): dossier status sync.

Every change of a dossier's status is pushed to the portal with the national field names
(TrangThaiHoSo 1–10, KenhThucHien, the payment and digitisation flags), so the citizen sees it
there and the 766 service index (Quyết định 766/QĐ-TTg) counts it. Pushes go through the caller's
outbox: `IntegrationUnavailable` → try again after `retry_delay(attempt)`; `IntegrationRejected` →
a person must fix the dossier data. Each change carries an idempotency key, so a push repeated
after a lost answer is recognised by the portal (409) and counts as done.
"""

import random
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from egov.integrations.errors import IntegrationProtocolError
from egov.integrations.transport import DEFAULT_TOKEN, base_url, call, json_object, rejected, setting

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)


@dataclass(frozen=True, kw_only=True)
class DossierSyncPayload:
    """One dossier status change, attributes named exactly as the portal's fields."""

    MaHoSo: str  # dossier code, <agency identifier>-YYMMDD-<sequence>
    MaTTHC: str  # procedure code in the national catalogue, e.g. "1.012644"
    MaDonVi: str  # receiving agency identifier (QĐ 20/2020/QĐ-TTg)
    KenhThucHien: int  # 1 direct, 2 online, 3 public postal service (ND 61/2018 Điều 16)
    TrangThaiHoSo: int  # 1 Mới đăng ký … 10 Đã trả kết quả
    NgayTiepNhan: datetime | None = None
    NgayHenTra: datetime | None = None
    NgayKetThucXuLy: datetime | None = None
    DuocThanhToanTrucTuyen: int = 0  # 0 not online, 1 via the portal, 2 via the province's gateway
    DuocSoHoa: int = 0  # a component was scanned at reception (TT 01/2023/TT-VPCP; 766 4.2)
    HoSoCoThanhPhanSoHoa: int = 0  # a component reused from already digitised data (766 4.3)
    DuocLayTuKhoDMQG: int = 0  # a component taken from the citizen's data store on the portal
    MaCSDL: str = ""  # national database the data were filled from ("" = none)
    TaiKhoanDuocXacThucVoiVNeID: int = 0  # submitted online from a VNeID-authenticated account
    # One entry per paper: {"TenThanhPhan", "DuocSoHoa", "TaiSuDung", "DuocLayTuKhoDMQG"}, each
    # flag 0/1, a paper scanned now (DuocSoHoa) never also reused (TaiSuDung). Our name for the
    # per-component list (the portal's spec text was not available): docs/howto/integrations.md.
    ThanhPhanHoSo: list[dict[str, Any]] = field(default_factory=list)
    idempotency_key: str  # dossier code + sequence of this change: make_idempotency_key()

    def to_json(self) -> dict[str, Any]:
        """The request body: national fields only, times in ISO 8601 at +07:00."""
        data = asdict(self)
        del data["idempotency_key"]
        for name in ("NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy"):
            moment: datetime | None = data[name]
            if moment is not None:
                if moment.tzinfo is None:
                    raise ValueError(f"{name} must be an aware datetime")
                data[name] = moment.astimezone(VIETNAM).isoformat(timespec="seconds")
        return data


@dataclass(frozen=True)
class SyncReceipt:
    receipt_id: str
    duplicate: bool = False  # the portal already had this change (a repeated push)


def make_idempotency_key(dossier_code: str, change_seq: int) -> str:
    """The key of the change number `change_seq` of a dossier; stable across retries."""
    return f"{dossier_code}#{change_seq}"


def push_dossier_status(payload: DossierSyncPayload) -> SyncReceipt:
    """Send one status change; IntegrationUnavailable → retry later, IntegrationRejected → do not."""
    key = payload.idempotency_key
    if not key or not key.isascii() or not key.isprintable():
        raise ValueError("idempotency_key must be non-empty printable ASCII (it travels as a header)")
    response = call(
        "POST",
        base_url("EGOV_NATIONAL_PORTAL_URL", "dvcqg/") + "dong-bo-ho-so",
        token=setting("EGOV_NATIONAL_PORTAL_TOKEN", DEFAULT_TOKEN),
        payload=payload.to_json(),
        headers={"Idempotency-Key": key},
    )
    if response.status_code == 409 or 200 <= response.status_code < 300:
        receipt_id = json_object(response).get("maTiepNhan")
        if not isinstance(receipt_id, str) or not receipt_id:
            raise IntegrationProtocolError("portal answer: maTiepNhan missing")
        return SyncReceipt(receipt_id=receipt_id, duplicate=response.status_code == 409)
    raise rejected(response)


def retry_delay(attempt: int) -> timedelta:
    """How long the outbox waits before attempt number `attempt + 1` (attempt ≥ 1 has failed).

    30 s, 1 min, 2 min, 4 min … capped at 1 h; each drawn from the upper fifth below that value,
    so many dossiers failing together do not all retry in the same second, and never above the cap.
    """
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    nominal = min(FIRST_RETRY * (1 << min(attempt - 1, 20)), MAX_RETRY)
    return nominal * random.uniform(0.8, 1.0)  # noqa: S311 — jitter, not a secret
