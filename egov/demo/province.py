"""The demo province: Tỉnh Thái Nguyên after the 1/7/2025 merger (it now includes former Bắc Kạn).

Communes and wards come from `vietnam-provinces` (official 2025 list and codes). Agency
identifiers follow the QĐ 20/2020 shape but are illustrative, not the province's real codes.
"""

import datetime as dt
from dataclasses import dataclass

import vietnam_provinces as vp

from egov.organization.models import Role

PROVINCE_CODE = vp.ProvinceCode.P_19  # Tỉnh Thái Nguyên
PROVINCE_IDENTIFIER = "H51"
PROVINCE_ADDRESS = "Số 18 đường Nha Trang, phường Phan Đình Phùng, tỉnh Thái Nguyên"
DEMO_PASSWORD = "egov-demo-2026"  # noqa: S105 — printed by `make run`; demo only
MERGER_DATE = dt.date(2025, 7, 1)
# A citizen of Xã Đồng Hỷ known to the population-database simulator (invented, not a real person).
DEMO_CITIZEN_ID = "019090001234"

LEVELS = [
    # code, name, order, may sit under, historic only
    ("province", "Tỉnh", 1, [], False),
    ("department", "Sở, ban, ngành", 2, ["province"], False),
    ("service_centre", "Trung tâm Phục vụ hành chính công", 2, ["province"], False),
    ("district", "Huyện, thành phố (trước 01/7/2025)", 2, ["province"], True),
    ("commune", "Xã, phường", 3, ["province", "district"], False),
    (
        "division",
        "Phòng, ban chuyên môn",
        4,
        ["department", "commune", "district", "province"],
        False,
    ),
]

DEPARTMENTS = [
    # identifier suffix, name, short name
    ("01", "Văn phòng Ủy ban nhân dân tỉnh", "VP UBND"),
    ("02", "Sở Nội vụ", "SNV"),
    ("03", "Sở Tư pháp", "STP"),
    ("04", "Sở Tài chính", "STC"),
    ("05", "Sở Xây dựng", "SXD"),
    ("06", "Sở Nông nghiệp và Môi trường", "SNNMT"),
    ("07", "Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("08", "Sở Y tế", "SYT"),
    ("09", "Sở Công Thương", "SCT"),
    ("10", "Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
    ("11", "Sở Khoa học và Công nghệ", "SKHCN"),
    ("12", "Sở Dân tộc và Tôn giáo", "SDTTG"),
]
CENTRE = ("50", "Trung tâm Phục vụ hành chính công tỉnh Thái Nguyên", "TTPVHCC")
DIVISIONS = {
    "03": [("01", "Phòng Hành chính tư pháp"), ("02", "Phòng Bổ trợ tư pháp")],
    "05": [("01", "Phòng Quản lý xây dựng")],
    "04": [("01", "Phòng Đăng ký kinh doanh")],
}
# Districts as they were before 1/7/2025, kept for historic dossiers.
HISTORIC_DISTRICTS = [("70", "Huyện Đồng Hỷ"), ("71", "Huyện Võ Nhai"), ("72", "Thành phố Bắc Kạn")]
COMMUNE_DIVISIONS = ["Văn phòng HĐND và UBND", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội"]
FEATURED_COMMUNES = ["Xã Đồng Hỷ", "Xã Võ Nhai", "Phường Bắc Kạn"]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    full_name: str
    unit: str  # "province", a department suffix, "centre", a featured commune name or "commune-division"
    role: Role
    position: str

    def get_role_label(self) -> str:
        label = str(self.role.label)
        return label if self.position == label else f"{label} — {self.position}"

    def get_unit_label(self) -> str:
        """The unit's name as seed_demo creates it (a division with its department's name first)."""
        if self.unit == "province":
            return "UBND tỉnh Thái Nguyên"
        if self.unit == "centre":
            return CENTRE[1]
        departments = {suffix: name for suffix, name, _short in DEPARTMENTS}
        department, _slash, division = self.unit.partition("/")
        if department not in departments:
            return self.unit  # a commune or ward, by its name
        if not division:
            return departments[department]
        return f"{departments[department]} — {dict(DIVISIONS[department])[division]}"


STAFF = [
    DemoPerson("quantri", "Hoàng Minh Quân", "province", Role.ADMINISTRATOR, "Quản trị hệ thống"),
    DemoPerson("lanhdao.ubnd", "Trịnh Việt Hùng", "province", Role.LEADER, "Phó Chủ tịch UBND tỉnh"),
    DemoPerson(
        "thuky.hdnd",
        "Nguyễn Thị Thu Hà",
        "province",
        Role.MEETING_SECRETARY,
        "Chuyên viên Văn phòng",
    ),
    DemoPerson("motcua.tinh", "Lê Thị Hồng Nhung", "centre", Role.DESK_OFFICER, "Công chức tiếp nhận"),
    DemoPerson("lanhdao.trungtam", "Phạm Quốc Bảo", "centre", Role.LEADER, "Giám đốc Trung tâm"),
    DemoPerson("lanhdao.tuphap", "Đỗ Văn Thắng", "03", Role.LEADER, "Giám đốc Sở Tư pháp"),
    DemoPerson(
        "truongphong.tuphap",
        "Vũ Thị Lan",
        "03/01",
        Role.HEAD_OF_DEPARTMENT,
        "Trưởng phòng Hành chính tư pháp",
    ),
    DemoPerson("chuyenvien.tuphap", "Ngô Đức Anh", "03/01", Role.SPECIALIST, "Chuyên viên"),
    DemoPerson("vanthu.tuphap", "Bùi Thị Mai", "03", Role.CLERK, "Văn thư"),
    DemoPerson("chuyenvien.xaydung", "Đặng Hữu Phước", "05/01", Role.SPECIALIST, "Chuyên viên"),
    DemoPerson("lanhdao.xaydung", "Lý Thành Trung", "05", Role.LEADER, "Phó Giám đốc Sở Xây dựng"),
    DemoPerson(
        "chuyenvien.dkkd",
        "Tạ Minh Châu",
        "04/01",
        Role.SPECIALIST,
        "Chuyên viên Đăng ký kinh doanh",
    ),
    DemoPerson("motcua.donghy", "Hà Thị Thanh", "Xã Đồng Hỷ", Role.DESK_OFFICER, "Công chức một cửa"),
    DemoPerson(
        "chuyenvien.donghy",
        "Dương Văn Khánh",
        "Xã Đồng Hỷ",
        Role.SPECIALIST,
        "Công chức Tư pháp - Hộ tịch",
    ),
    DemoPerson("lanhdao.donghy", "Mạc Văn Tùng", "Xã Đồng Hỷ", Role.LEADER, "Chủ tịch UBND xã"),
    DemoPerson("vanthu.donghy", "Lương Thị Huyền", "Xã Đồng Hỷ", Role.CLERK, "Văn thư"),
    DemoPerson("motcua.vonhai", "Triệu Thị Sen", "Xã Võ Nhai", Role.DESK_OFFICER, "Công chức một cửa"),
    DemoPerson(
        "chuyenvien.vonhai",
        "Nông Văn Dũng",
        "Xã Võ Nhai",
        Role.SPECIALIST,
        "Công chức Tư pháp - Hộ tịch",
    ),
    DemoPerson("lanhdao.vonhai", "Hoàng Văn Sáng", "Xã Võ Nhai", Role.LEADER, "Chủ tịch UBND xã"),
    DemoPerson("motcua.backan", "Lã Thị Ngọc", "Phường Bắc Kạn", Role.DESK_OFFICER, "Công chức một cửa"),
    DemoPerson("lanhdao.backan", "Ma Văn Hòa", "Phường Bắc Kạn", Role.LEADER, "Chủ tịch UBND phường"),
]


def communes() -> list[vp.Ward]:
    """The province's communes and wards in the official order of their codes."""
    return sorted(vp.Ward.iter_by_province(PROVINCE_CODE), key=lambda ward: int(ward.code))
