"""A commune procedure with an e-form and a paper to upload, and a citizen's submitted draft."""

from typing import Any

from egov.accounts.models import User
from egov.dossiers import online
from egov.dossiers.models import Dossier, Draft
from egov.dossiers.tests.factories import commune_procedure, tiny_pdf
from egov.organization.models import Unit
from egov.organization.tests.factories import make_user
from egov.procedures.models import ProcedureVersion

SCHEMA = {
    "fields": [
        {"name": "ho_ten_tre", "label": "Họ và tên trẻ", "type": "text", "required": True},
        {"name": "ngay_sinh_tre", "label": "Ngày sinh của trẻ", "type": "date", "required": True},
        {
            "name": "quan_he",
            "label": "Quan hệ với trẻ",
            "type": "select",
            "required": True,
            "choices": ["Mẹ", "Khác"],
        },
        {
            "name": "uy_quyen",
            "label": "Văn bản ủy quyền",
            "type": "text",
            "required": True,
            "show_if": {"field": "quan_he", "equals": "Khác"},
        },
    ]
}
COMPONENTS = [
    {"name": "Tờ khai đăng ký khai sinh", "originals": 1, "form": "Mẫu TP/HT-2020-KS.1", "required": True},
    {"name": "Giấy chứng sinh", "originals": 1, "required": True},
]
FORM = {
    "applicant_name": "Nguyễn Văn An",
    "applicant_id_number": "019090001234",
    "applicant_address": "Xóm Làng Mới, xã Đồng Hỷ",
    "applicant_phone": "0912345678",
    "applicant_email": "an@example.vn",
    "ho_ten_tre": "Nguyễn Bình An",
    "ngay_sinh_tre": "2026-11-01",
    "quan_he": "Mẹ",
}


def online_procedure(code: str = "1.001193", **overrides: Any) -> ProcedureVersion:
    fields = {"form": SCHEMA, "components": COMPONENTS, **overrides}
    return commune_procedure(code, **fields)


def citizen(username: str = "congdan.an", **fields: Any) -> User:
    values = {"full_name": "Nguyễn Văn An", "national_id": "019090001234", "phone": "0912345678"}
    return make_user(username, kind=User.Kind.CITIZEN, **{**values, **fields})


def filled_draft(version: ProcedureVersion, owner: User, unit: Unit) -> Draft:
    draft = online.start_draft(citizen=owner, version=version)
    online.save_draft(draft, by=owner, values=FORM, receiving_unit=unit)
    component = version.components.get(form="")
    online.attach_to_draft(draft, by=owner, component=component, file=tiny_pdf())
    return draft


def submitted(version: ProcedureVersion, owner: User, unit: Unit) -> Dossier:
    return online.submit_online(filled_draft(version, owner, unit), by=owner)
