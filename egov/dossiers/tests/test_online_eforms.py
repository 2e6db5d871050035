"""E-forms built from a procedure's schema: required, conditional, types, Vietnamese labels."""

import pytest
from django.utils import translation

from egov.dossiers import eforms
from egov.procedures.exchange import form_schema_problems

SPECS: list[eforms.Field] = [
    {"name": "ho_ten_tre", "label": "Họ và tên trẻ", "type": "text", "required": True, "max_length": 20},
    {"name": "ngay_sinh", "label": "Ngày sinh của trẻ", "type": "date", "required": True},
    {"name": "so_ban", "label": "Số bản sao", "type": "number", "required": False, "min": 1, "max": 5},
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
    {"name": "dien_thoai", "label": "Số điện thoại", "type": "phone", "required": False},
    {"name": "so_dinh_danh", "label": "Số định danh", "type": "id_number", "required": False},
    {"name": "email", "label": "Thư điện tử", "type": "email", "required": False},
    {"name": "cam_doan", "label": "Tôi cam đoan", "type": "checkbox", "required": True},
]
VALID = {"ho_ten_tre": "Nguyễn Bình An", "ngay_sinh": "2026-11-01", "quan_he": "Mẹ", "cam_doan": "on"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def form(**data: str) -> eforms.EForm:
    return eforms.build_form(SPECS)(data={**VALID, **data})


def test_a_valid_form_cleans_to_json_ready_values():
    bound = form(so_ban="2")
    assert bound.is_valid(), bound.errors
    values = eforms.to_json(bound.cleaned_data)
    assert values["ngay_sinh"] == "2026-11-01"
    assert values["so_ban"] == "2"
    assert values["cam_doan"] is True
    assert "uy_quyen" not in values


def test_required_fields_name_their_vietnamese_label():
    bound = eforms.build_form(SPECS)(data={})
    assert not bound.is_valid()
    assert bound.errors["ho_ten_tre"] == ["Fill in “Họ và tên trẻ”."]
    assert bound.errors["cam_doan"] == ["Fill in “Tôi cam đoan”."]
    assert "uy_quyen" not in bound.errors  # hidden: not required


def test_a_conditional_field_is_required_only_when_shown_and_dropped_when_hidden():
    shown = form(quan_he="Khác")
    assert not shown.is_valid()
    assert shown.errors["uy_quyen"] == ["Fill in “Văn bản ủy quyền”."]
    hidden = form(quan_he="Mẹ", uy_quyen="Giấy ủy quyền số 12")
    assert hidden.is_valid()
    assert "uy_quyen" not in hidden.cleaned_data
    assert form(quan_he="Khác", uy_quyen="Số 12/UQ").is_valid()


def test_types_are_checked_on_the_server():
    bound = form(
        ngay_sinh="31/02/2026",
        so_ban="9",
        quan_he="Bác",
        dien_thoai="12345",
        so_dinh_danh="123",
        email="khong-phai-email",
        ho_ten_tre="x" * 21,
    )
    assert not bound.is_valid()
    assert set(bound.errors) == {
        "ngay_sinh",
        "so_ban",
        "quan_he",
        "dien_thoai",
        "so_dinh_danh",
        "email",
        "ho_ten_tre",
    }
    assert bound.errors["dien_thoai"] == ["Enter a phone number of 10 digits, e.g. 0912345678."]


def test_locked_fields_keep_the_states_value():
    bound = eforms.build_form(SPECS, locked={"ho_ten_tre"})(
        data={**VALID, "ho_ten_tre": "Kẻ giả mạo"}, initial={"ho_ten_tre": "Nguyễn Bình An"}
    )
    assert bound.is_valid()
    assert bound.cleaned_data["ho_ten_tre"] == "Nguyễn Bình An"


def test_the_default_form_is_the_applicant_block_and_the_request():
    from types import SimpleNamespace

    names = [f["name"] for f in eforms.schema_fields(SimpleNamespace(form_schema={}))]  # type: ignore[arg-type]
    assert names[:6] == [
        "applicant_name",
        "applicant_id_number",
        "applicant_birth_date",
        "applicant_address",
        "applicant_phone",
        "applicant_email",
    ]
    assert names[-1] == "noi_dung"


def test_schema_problems_are_reported_by_path():
    assert form_schema_problems({"fields": SPECS}) == []
    problems = dict(
        form_schema_problems(
            {
                "fields": [
                    {"name": "A b", "label": "", "type": "color"},
                    {"name": "x", "label": "X", "type": "select"},
                    {"name": "y", "label": "Y", "type": "text", "show_if": {"field": "z", "equals": 1}},
                    {"name": "w", "label": "W", "type": "text", "prefill": "bank.balance"},
                ]
            }
        )
    )
    assert set(problems) == {
        ".fields[1].name",
        ".fields[1].label",
        ".fields[1].type",
        ".fields[2].choices",
        ".fields[3].show_if",
        ".fields[4].prefill",
    }
