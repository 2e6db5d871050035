"""The invented people the population-database simulator knows: a few fixed ones, 200 generated.

Nobody here is real. Names are drawn from common Vietnamese name parts with a fixed seed, so the
set is the same on every machine; numbers follow the layout the adapter checks (province 019
Thái Nguyên or 006 Bắc Kạn, century/sex digit matching birth year and sex). Records are kept in
the simulator's wire format (the national API's Vietnamese keys), not as CitizenRecord, so the
tests exercise the adapter's parsing for real.
"""

import functools
import random
from datetime import date, timedelta
from typing import Any

from egov.core.text import fold

SEED = 20231127  # the day Luật Căn cước 2023 was passed
GENERATED_COUNT = 200
PROVINCE = "tỉnh Thái Nguyên"
OLD_PROVINCE = "tỉnh Bắc Kạn"  # merged into Thái Nguyên in 2025; birth registrations keep its name

# Fixed people for demos and tests (docs/howto/integrations.md lists them).
FIXED: list[dict[str, Any]] = [
    {
        "hoVaTen": "Nguyễn Văn An",
        "tenGoiKhac": "",
        "soDinhDanh": "019090001234",
        "ngaySinh": "1990-03-15",
        "gioiTinh": "Nam",
        "noiSinh": f"xã Đồng Hỷ, {PROVINCE}",
        "noiDangKyKhaiSinh": f"UBND xã Đồng Hỷ, {PROVINCE}",
        "queQuan": f"xã Đồng Hỷ, {PROVINCE}",
        "danToc": "Kinh",
        "tonGiao": "Không",
        "quocTich": "Việt Nam",
        "nhomMau": "O",
        "soCMND": "090912345",
        "ngayCapCCCD": "2021-05-04",
        "noiThuongTru": f"Xóm Làng Mới, xã Đồng Hỷ, {PROVINCE}",
        "noiTamTru": "",
        "noiOHienTai": f"Xóm Làng Mới, xã Đồng Hỷ, {PROVINCE}",
        "tinhTrangHonNhan": "Đã kết hôn",
        "hoTenChuHo": "Nguyễn Văn An",
        "quanHeVoiChuHo": "Chủ hộ",
        "soDienThoai": "0912345678",
        "email": "nguyenvanan@example.com",
    },
    {
        "hoVaTen": "Trần Thị Bình",
        "tenGoiKhac": "",
        "soDinhDanh": "019195004567",
        "ngaySinh": "1995-08-20",
        "gioiTinh": "Nữ",
        "noiSinh": f"xã Phú Lương, {PROVINCE}",
        "noiDangKyKhaiSinh": f"UBND xã Phú Lương, {PROVINCE}",
        "queQuan": f"xã Phú Lương, {PROVINCE}",
        "danToc": "Tày",
        "tonGiao": "Không",
        "quocTich": "Việt Nam",
        "nhomMau": "A",
        "soCMND": "",
        "ngayCapCCCD": "2022-01-12",
        "noiThuongTru": f"Xóm Làng Mới, xã Đồng Hỷ, {PROVINCE}",
        "noiTamTru": f"Tổ dân phố 5, phường Phan Đình Phùng, {PROVINCE}",
        "noiOHienTai": f"Tổ dân phố 5, phường Phan Đình Phùng, {PROVINCE}",
        "tinhTrangHonNhan": "Đã kết hôn",
        "hoTenChuHo": "Nguyễn Văn An",
        "quanHeVoiChuHo": "Vợ",
        "soDienThoai": "0987654321",
        "email": "",
    },
    {
        "hoVaTen": "Hoàng Thị Mai",
        "tenGoiKhac": "",
        "soDinhDanh": "006305001122",
        "ngaySinh": "2005-01-10",
        "gioiTinh": "Nữ",
        "noiSinh": f"xã Chợ Đồn, {OLD_PROVINCE}",
        "noiDangKyKhaiSinh": f"UBND xã Chợ Đồn, {OLD_PROVINCE}",
        "queQuan": f"xã Chợ Đồn, {OLD_PROVINCE}",
        "danToc": "Nùng",
        "tonGiao": "Không",
        "quocTich": "Việt Nam",
        "nhomMau": "",
        "soCMND": "",
        "ngayCapCCCD": "2023-09-01",
        "noiThuongTru": f"Thôn Nà Pài, xã Chợ Đồn, {PROVINCE}",
        "noiTamTru": "",
        "noiOHienTai": f"Thôn Nà Pài, xã Chợ Đồn, {PROVINCE}",
        "tinhTrangHonNhan": "Chưa kết hôn",
        "hoTenChuHo": "Hoàng Văn Thắng",
        "quanHeVoiChuHo": "Con",
        "soDienThoai": "",
        "email": "",
    },
    {
        "hoVaTen": "Lý Văn Dũng",
        "tenGoiKhac": "Dũng Dao",
        "soDinhDanh": "019078005678",
        "ngaySinh": "1978-11-02",
        "gioiTinh": "Nam",
        "noiSinh": f"xã Võ Nhai, {PROVINCE}",
        "noiDangKyKhaiSinh": f"UBND xã Võ Nhai, {PROVINCE}",
        "queQuan": f"xã Võ Nhai, {PROVINCE}",
        "danToc": "Dao",
        "tonGiao": "Không",
        "quocTich": "Việt Nam",
        "nhomMau": "B",
        "soCMND": "091234567",
        "ngayCapCCCD": "2021-03-22",
        "noiThuongTru": f"Xóm Cây Thị, xã Võ Nhai, {PROVINCE}",
        "noiTamTru": "",
        "noiOHienTai": f"Xóm Cây Thị, xã Võ Nhai, {PROVINCE}",
        "tinhTrangHonNhan": "Đã kết hôn",
        "hoTenChuHo": "Lý Văn Dũng",
        "quanHeVoiChuHo": "Chủ hộ",
        # Ends in 0000: the SMS simulator reports messages to it as failed (demo of a failure).
        "soDienThoai": "0388880000",
        "email": "",
    },
]

FAMILY_NAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MINORITY_FAMILY_NAMES = ["Hoàng", "Nông", "Lý", "Ma", "Triệu", "Lục", "Đàm", "Hà"]
MIDDLE_NAMES = {
    "Nam": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công"],
    "Nữ": ["Thị", "Ngọc", "Thu", "Thanh", "Minh"],
}
GIVEN_NAMES = {
    "Nam": ["An", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân", "Sơn",
            "Thắng", "Tuấn", "Việt", "Toàn", "Hiếu", "Trung"],
    "Nữ": ["Anh", "Chi", "Dung", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngân", "Nhung",
           "Phương", "Thảo", "Trang", "Yến"],
}  # fmt: skip
ETHNICITIES = ["Kinh"] * 10 + ["Tày"] * 4 + ["Nùng"] * 2 + ["Dao"] * 2 + ["H'Mông", "Sán Chay"]
RELIGIONS = ["Không"] * 8 + ["Phật giáo", "Công giáo", "Tin lành"]
BLOOD_TYPES = ["", "", "", "A", "B", "AB", "O", "O"]
# Communes of today's Tỉnh Thái Nguyên with a few invented or common hamlet names; the second
# group lies in the former Tỉnh Bắc Kạn, where births were registered under province code 006.
COMMUNES_019 = {
    "xã Đồng Hỷ": ["Xóm Làng Mới", "Xóm Đồng Tâm", "Xóm Hợp Tiến"],
    "xã Võ Nhai": ["Xóm Cây Thị", "Xóm Trung Thành", "Xóm Đồng Mỏ"],
    "xã Phú Lương": ["Xóm Đồng Danh", "Xóm Phố Giang"],
    "xã Đại Từ": ["Xóm Đồng Cẩm", "Xóm Văn Minh"],
    "xã Định Hóa": ["Thôn Bản Cái", "Xóm Nà Mòn"],
    "phường Phan Đình Phùng": ["Tổ dân phố 5", "Tổ dân phố 12"],
    "phường Phổ Yên": ["Tổ dân phố Hòa Bình", "Tổ dân phố Thượng"],
}
COMMUNES_006 = {
    "xã Chợ Đồn": ["Thôn Nà Pài", "Thôn Bản Tàn"],
    "xã Ba Bể": ["Thôn Pác Ngòi", "Thôn Bó Lù"],
    "phường Đức Xuân": ["Tổ dân phố 3", "Tổ dân phố 8"],
    "xã Na Rì": ["Thôn Nà Lạn", "Thôn Khuổi Hai"],
}
ALL_COMMUNES = {**COMMUNES_019, **COMMUNES_006}
MOBILE_PREFIXES = ["091", "094", "088", "098", "097", "086", "038", "035", "070", "079", "056", "058"]


@functools.cache
def citizens() -> dict[str, dict[str, Any]]:
    """Every simulated citizen by number; fixed ones first, then the generated ones."""
    people = {person["soDinhDanh"]: person for person in FIXED}
    rng = random.Random(SEED)  # noqa: S311 — a fixed seed is the point: the same people everywhere
    while len(people) < len(FIXED) + GENERATED_COUNT:
        person = _invent(rng)
        people.setdefault(person["soDinhDanh"], person)
    return people


def _address(rng: random.Random, communes: dict[str, list[str]]) -> str:
    commune = rng.choice(sorted(communes))
    return f"{rng.choice(communes[commune])}, {commune}, {PROVINCE}"


def _invent(rng: random.Random) -> dict[str, Any]:
    sex = rng.choice(["Nam", "Nữ"])
    ethnicity = rng.choice(ETHNICITIES)
    family = rng.choice(FAMILY_NAMES if ethnicity == "Kinh" else MINORITY_FAMILY_NAMES)
    name = f"{family} {rng.choice(MIDDLE_NAMES[sex])} {rng.choice(GIVEN_NAMES[sex])}"
    born = date(rng.randint(1945, 2008), 1, 1) + timedelta(days=rng.randrange(365))
    province_code = rng.choice(["019", "019", "019", "006"])
    birth_communes = COMMUNES_019 if province_code == "019" else COMMUNES_006
    birth_province = PROVINCE if province_code == "019" else OLD_PROVINCE
    birth_commune = rng.choice(sorted(birth_communes))
    # Century and sex digit (Thông tư 59/2021/TT-BCA Điều 7): 0/1 for 1900s, 2/3 for 2000s.
    century_sex = 2 * (born.year // 100 - 19) + (1 if sex == "Nữ" else 0)
    number = f"{province_code}{century_sex}{born.year % 100:02d}{rng.randrange(10**6):06d}"
    first_issue = max(date(2021, 1, 1), date(born.year + 14, 1, 1))
    issued = first_issue + timedelta(days=rng.randrange((date(2024, 12, 31) - first_issue).days))
    home_town = f"{birth_commune}, {birth_province}"
    if rng.random() < 0.3:
        home_town = f"{rng.choice(sorted(ALL_COMMUNES))}, {PROVINCE}"
    permanent = _address(rng, ALL_COMMUNES)
    temporary = _address(rng, COMMUNES_019) if rng.random() < 0.15 else ""
    age = 2025 - born.year
    if age < 20:
        marital = "Chưa kết hôn"
    else:
        marital = rng.choice(["Đã kết hôn", "Đã kết hôn", "Đã kết hôn", "Chưa kết hôn", "Ly hôn", "Góa"])
    if age >= 30 and rng.random() < 0.5:
        head, relation = name, "Chủ hộ"
    elif marital == "Đã kết hôn" and sex == "Nữ":
        head, relation = _head_name(rng, rng.choice(FAMILY_NAMES)), "Vợ"
    else:
        head, relation = _head_name(rng, family), rng.choice(["Con", "Con", "Cháu", "Em"])
    phone = ""
    if rng.random() < 0.8:
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(1, 10**7):07d}"
        # Numbers ending 0000 make the SMS simulator fail; only the documented ones may.
        if phone.endswith("0000"):
            phone = phone[:-1] + "1"
    email = ""
    if phone and rng.random() < 0.25:
        email = f"{fold(name).replace(' ', '')}{rng.randrange(100)}@example.com"
    old_id = ""
    if born.year <= 1998 and rng.random() < 0.7:
        old_id = ("090" if province_code == "019" else "095") + f"{rng.randrange(10**6):06d}"
    return {
        "hoVaTen": name,
        "tenGoiKhac": "",
        "soDinhDanh": number,
        "ngaySinh": born.isoformat(),
        "gioiTinh": sex,
        "noiSinh": f"{birth_commune}, {birth_province}",
        "noiDangKyKhaiSinh": f"UBND {birth_commune}, {birth_province}",
        "queQuan": home_town,
        "danToc": ethnicity,
        "tonGiao": rng.choice(RELIGIONS),
        "quocTich": "Việt Nam",
        "nhomMau": rng.choice(BLOOD_TYPES),
        "soCMND": old_id,
        "ngayCapCCCD": issued.isoformat(),
        "noiThuongTru": permanent,
        "noiTamTru": temporary,
        "noiOHienTai": temporary or permanent,
        "tinhTrangHonNhan": marital,
        "hoTenChuHo": head,
        "quanHeVoiChuHo": relation,
        "soDienThoai": phone,
        "email": email,
    }


def _head_name(rng: random.Random, family: str) -> str:
    return f"{family} {rng.choice(MIDDLE_NAMES['Nam'])} {rng.choice(GIVEN_NAMES['Nam'])}"
