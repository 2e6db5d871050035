"""Local stand-ins for the national systems egov cannot reach here, speaking their HTTP protocol.

They answer the adapters in the demo and the tests (the contract: every unreachable national
system has a simulator). Each checks the bearer token the adapter is configured with, and a
SimulatorSwitch can make it answer 503 so retries can be shown. They hold invented data only.
"""

import hmac
import json
import re
import uuid
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from egov.integrations.models import SimulatedSms, SimulatedSync, SimulatorSwitch
from egov.integrations.simulated_citizens import citizens
from egov.integrations.transport import DEFAULT_TOKEN, setting

# The simulated national systems answer in Vietnamese, as the real ones do; these texts are
# their protocol, not egov's interface, so they are not translated.
INBOX_SIZE = 50
SMS_MAX_LENGTH = 612  # the gateway's own limit: 4 concatenated segments
PUSH_LIST_SIZE = 100
_MOBILE = re.compile(r"0[35789][0-9]{8}")
_AGENCY_ID = re.compile(r"[0-9A-Z.]{1,35}")  # QĐ 20/2020/QĐ-TTg identifier alphabet and length


def _answer(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _error(status: int, code: str, message: str) -> JsonResponse:
    return _answer({"maLoi": code, "thongBao": message}, status)


def _refuse(request: HttpRequest, switch: str, token_setting: str) -> JsonResponse | None:
    """503 when switched off, 401 without the configured bearer token; None to go on."""
    if SimulatorSwitch.is_failing(switch):
        return _error(503, "TAM_NGUNG", "Hệ thống tạm ngừng phục vụ, vui lòng thử lại sau.")
    expected = f"Bearer {setting(token_setting, DEFAULT_TOKEN)}".encode()
    given = request.headers.get("Authorization", "").encode()
    if not hmac.compare_digest(given, expected):
        return _error(401, "SAI_MA_XAC_THUC", "Mã xác thực không hợp lệ.")
    return None


def _json_body(request: HttpRequest) -> dict[str, Any] | None:
    try:
        body = json.loads(request.body)
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _require_administrator(request: HttpRequest) -> None:
    """The inspection pages list citizens' phone numbers and dossiers: administrators only.

    integrations sits below accounts, so it reads Django's staff flag (set for administrators,
    who log in with a second factor) rather than the roles; anyone else, logged in or not, gets
    404, as if the page did not exist (not a login page that would confirm it does).
    """
    if not (request.user.is_authenticated and request.user.is_staff):
        raise Http404


# --- Population database (CSDLQG về dân cư) ---------------------------------------------------


@csrf_exempt
@require_POST
def population_lookup(request: HttpRequest) -> JsonResponse:
    """POST /mo-phong/dan-cu/tra-cuu {"soDinhDanh", "mucDich"} → {"congDan": {…}} or 404."""
    if refusal := _refuse(request, SimulatorSwitch.Name.POPULATION, "EGOV_POPULATION_TOKEN"):
        return refusal
    body = _json_body(request)
    if body is None or not isinstance(body.get("soDinhDanh"), str):
        return _error(400, "YEU_CAU_KHONG_HOP_LE", "Thiếu soDinhDanh.")
    if not isinstance(body.get("mucDich"), str) or not body["mucDich"].strip():
        # The real database answers only a stated purpose (ND 13/2023: purpose-bound processing).
        return _error(400, "THIEU_MUC_DICH", "Thiếu mục đích tra cứu (mucDich).")
    person = citizens().get(body["soDinhDanh"])
    if person is None:
        return _error(404, "KHONG_TIM_THAY", "Không tìm thấy công dân có số định danh này.")
    return _answer({"congDan": dict(person)})


# --- SMS gateway ----------------------------------------------------------------------------------


@csrf_exempt
@require_POST
def sms_send(request: HttpRequest) -> JsonResponse:
    """POST /mo-phong/sms/gui {"soDienThoai", "noiDung", "tenThuongHieu"} → message id and status."""
    if refusal := _refuse(request, SimulatorSwitch.Name.SMS, "EGOV_SMS_TOKEN"):
        return refusal
    body = _json_body(request) or {}
    phone, text = body.get("soDienThoai"), body.get("noiDung")
    if not isinstance(phone, str) or not _MOBILE.fullmatch(phone):
        return _error(400, "SO_DIEN_THOAI_KHONG_HOP_LE", "Số điện thoại không hợp lệ.")
    if not isinstance(text, str) or not text or len(text) > SMS_MAX_LENGTH:
        return _error(400, "NOI_DUNG_KHONG_HOP_LE", f"Nội dung trống hoặc dài quá {SMS_MAX_LENGTH} ký tự.")
    sender = body.get("tenThuongHieu")
    message = SimulatedSms.objects.create(
        phone=phone,
        text=text,
        sender=sender[:32] if isinstance(sender, str) else "",
        # Numbers ending in 0000 fail, so tests and demos can show an undelivered notice.
        status=SimulatedSms.Status.FAILED if phone.endswith("0000") else SimulatedSms.Status.DELIVERED,
    )
    return _answer({"maTinNhan": str(message.message_id), "trangThai": message.status})


@require_GET
def sms_status(request: HttpRequest, message_id: str) -> JsonResponse:
    """GET /mo-phong/sms/trang-thai/<id> → {"trangThai"}."""
    if refusal := _refuse(request, SimulatorSwitch.Name.SMS, "EGOV_SMS_TOKEN"):
        return refusal
    try:
        message = SimulatedSms.objects.get(message_id=uuid.UUID(message_id))
    except (ValueError, SimulatedSms.DoesNotExist):
        return _error(404, "KHONG_TIM_THAY", "Không có tin nhắn này.")
    return _answer({"maTinNhan": str(message.message_id), "trangThai": message.status})


@require_GET
def sms_inbox(request: HttpRequest) -> HttpResponse:
    """The demo inbox: the latest messages that would have reached citizens' phones."""
    _require_administrator(request)
    messages = SimulatedSms.objects.all()[:INBOX_SIZE]
    return render(request, "integrations/sms_inbox.html", {"sms_list": messages})


# --- National public-service portal (Cổng DVCQG) ----------------------------------------------

_REQUIRED_TEXT = ("MaHoSo", "MaTTHC", "MaDonVi")
_MAX_CODE_LENGTH = 64
_CODES = {
    "KenhThucHien": range(1, 4),
    "TrangThaiHoSo": range(1, 11),
    "DuocThanhToanTrucTuyen": range(3),
    "DuocSoHoa": range(2),
    "HoSoCoThanhPhanSoHoa": range(2),
    "DuocLayTuKhoDMQG": range(2),
    "TaiKhoanDuocXacThucVoiVNeID": range(2),
}
_OPTIONAL_CODES = {"DuocSoHoa"}
_DATES = ("NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy")
_STATUS_NEW = 1
_STATUSES_FINISHED = {9, 10}  # Đã xử lý xong, Đã trả kết quả


def sync_problems(data: dict[str, Any]) -> list[str]:
    """Everything wrong with a pushed dossier status, as the portal would list it."""
    problems = [
        f"{name} bắt buộc" for name in _REQUIRED_TEXT if not isinstance(data.get(name), str) or not data[name]
    ]
    if isinstance(data.get("MaHoSo"), str) and len(data["MaHoSo"]) > _MAX_CODE_LENGTH:
        problems.append(f"MaHoSo dài quá {_MAX_CODE_LENGTH} ký tự")
    if isinstance(data.get("MaDonVi"), str) and data["MaDonVi"] and not _AGENCY_ID.fullmatch(data["MaDonVi"]):
        problems.append("MaDonVi không đúng mã định danh (QĐ 20/2020/QĐ-TTg)")
    for name, allowed in _CODES.items():
        value = data.get(name)
        if value is None and name in _OPTIONAL_CODES:
            continue
        if type(value) is not int or value not in allowed:
            problems.append(f"{name} phải là một trong {list(allowed)}")
    if not isinstance(data.get("MaCSDL", ""), str):
        problems.append("MaCSDL phải là chuỗi")
    problems += _component_problems(data.get("ThanhPhanHoSo", []))
    moments: dict[str, datetime] = {}
    for name in _DATES:
        value = data.get(name)
        if value is None:
            continue
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            problems.append(f"{name} phải theo ISO 8601 có múi giờ (+07:00)")
        else:
            moments[name] = moment
    status = data.get("TrangThaiHoSo")
    if status in _CODES["TrangThaiHoSo"] and status != _STATUS_NEW and data.get("NgayTiepNhan") is None:
        problems.append("NgayTiepNhan bắt buộc khi hồ sơ đã qua bước đăng ký")
    if status in _STATUSES_FINISHED and data.get("NgayKetThucXuLy") is None:
        problems.append("NgayKetThucXuLy bắt buộc khi hồ sơ đã xử lý xong")
    if (
        "NgayTiepNhan" in moments
        and "NgayHenTra" in moments
        and moments["NgayHenTra"] < moments["NgayTiepNhan"]
    ):
        problems.append("NgayHenTra trước NgayTiepNhan")
    return problems


_COMPONENT_FLAGS = ("DuocSoHoa", "TaiSuDung", "DuocLayTuKhoDMQG")


def _component_problems(components: Any) -> list[str]:
    """The per-paper list: a name and 0/1 flags; scanned now and reused exclude each other."""
    if not isinstance(components, list):
        return ["ThanhPhanHoSo phải là danh sách"]
    problems = []
    for number, item in enumerate(components, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("TenThanhPhan"), str):
            problems.append(f"ThanhPhanHoSo[{number}]: TenThanhPhan bắt buộc")
            continue
        flags = {name: item.get(name, 0) for name in _COMPONENT_FLAGS}
        if any(type(value) is not int or value not in (0, 1) for value in flags.values()):
            problems.append(f"ThanhPhanHoSo[{number}]: cờ phải là 0 hoặc 1")
        elif flags["DuocSoHoa"] and flags["TaiSuDung"]:
            problems.append(f"ThanhPhanHoSo[{number}]: không thể vừa số hóa vừa tái sử dụng")
    return problems


@csrf_exempt
@require_POST
def portal_sync(request: HttpRequest) -> JsonResponse:
    """POST /mo-phong/dvcqg/dong-bo-ho-so with Idempotency-Key → 201, 409 (repeat), 400, 503."""
    if refusal := _refuse(request, SimulatorSwitch.Name.NATIONAL_PORTAL, "EGOV_NATIONAL_PORTAL_TOKEN"):
        return refusal
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 200:
        return _error(400, "THIEU_IDEMPOTENCY_KEY", "Thiếu tiêu đề Idempotency-Key.")
    earlier = SimulatedSync.objects.filter(idempotency_key=key).first()
    if earlier is not None:
        return _duplicate(earlier)
    body = _json_body(request)
    if body is None:
        return _error(400, "YEU_CAU_KHONG_HOP_LE", "Nội dung không phải JSON.")
    if problems := sync_problems(body):
        return _error(400, "DU_LIEU_KHONG_HOP_LE", "; ".join(problems))
    try:
        with transaction.atomic():
            sync = SimulatedSync.objects.create(
                idempotency_key=key, dossier_code=body["MaHoSo"], payload=body
            )
    except IntegrityError:
        # The same key arrived twice at once: the other request stored it first.
        return _duplicate(SimulatedSync.objects.get(idempotency_key=key))
    return _answer({"maTiepNhan": str(sync.receipt_id), "thoiGianNhan": sync.received_at.isoformat()}, 201)


def _duplicate(earlier: SimulatedSync) -> JsonResponse:
    return _answer(
        {
            "maLoi": "TRUNG_IDEMPOTENCY_KEY",
            "thongBao": "Thay đổi này đã được tiếp nhận.",
            "maTiepNhan": str(earlier.receipt_id),
            "thoiGianNhan": earlier.received_at.isoformat(),
        },
        409,
    )


@require_GET
def portal_pushes(request: HttpRequest) -> HttpResponse:
    """What the portal received: the latest pushes, newest first, and whether it is "down"."""
    _require_administrator(request)
    pushes = SimulatedSync.objects.all()[:PUSH_LIST_SIZE]
    down = SimulatorSwitch.is_failing(SimulatorSwitch.Name.NATIONAL_PORTAL)
    return render(request, "integrations/portal_pushes.html", {"pushes": pushes, "down": down})
