"""Fee lines are alternatives, per-unit extras and fixed additions, not a sum (issue 11 item 3).

The judicial record (TT 244/2016/TT-BTC): 200.000 đ, or 100.000 đ for students and people with
meritorious service, plus 5.000 đ per copy from the third; summing the lines charged 305.000 đ.
"""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from egov.procedures import exchange, services
from egov.procedures.fees import FeeChoice, charge, choice_from_form, classify, default_choice
from egov.procedures.models import Fee, Procedure
from egov.procedures.tests.documents import decision, document, entry

pytestmark = pytest.mark.django_db

STANDARD = "Phí cung cấp thông tin lý lịch tư pháp"
REDUCED = "Phí cung cấp thông tin lý lịch tư pháp đối với sinh viên, người có công với cách mạng"
EXTRA = "Phí cấp từ Phiếu thứ 3 trở đi trong một lần yêu cầu (mỗi Phiếu)"
UNTYPED = [
    {"description": STANDARD, "amount": 200000},
    {"description": REDUCED, "amount": 100000},
    {"description": EXTRA, "amount": 5000},
]
FORM = {
    "fields": [
        {"name": "doi_tuong", "label": "Đối tượng", "type": "select", "choices": ["Công dân", "Sinh viên"]},
        {"name": "so_phieu_them", "label": "Số Phiếu thêm", "type": "integer", "min": 0},
    ]
}


def imported(fees, **fields):
    report = services.import_catalogue(
        document(decision("1/QĐ-UBND", entry("2.000488", fees=fees, **fields))),
        imported_by=None,
        dry_run=False,
    )
    assert report.ok, report.error_lines()
    version = Procedure.objects.get(code="2.000488").current_version
    return list(version.fees.all())


def test_a_file_without_kinds_reads_rates_as_alternatives_and_per_copy_lines_as_extras():
    standard, reduced, extra = imported(UNTYPED)

    assert [(f.kind, f.min_quantity) for f in (standard, reduced, extra)] == [
        ("alternative", 0),
        ("alternative", 0),
        ("per_unit", 0),
    ]
    fees = [standard, reduced, extra]
    assert charge(fees, default_choice(fees)).total == 200_000  # not 305.000
    assert charge(fees, FeeChoice(alternative=reduced.pk)).total == 100_000
    two_more = charge(fees, FeeChoice(alternative=standard.pk, quantities={extra.pk: 2}))
    assert two_more.total == 210_000
    assert [(line.fee.pk, line.quantity, line.amount) for line in two_more.lines] == [
        (standard.pk, 1, 200_000),
        (extra.pk, 2, 10_000),
    ]


def test_the_classifier_keeps_what_is_always_added_and_what_is_charged_per_copy():
    assert classify(["Lệ phí đăng ký doanh nghiệp", "Phí công bố nội dung đăng ký doanh nghiệp"]) == [
        ("alternative", 0),
        ("fixed", 0),
    ]
    assert classify(["Phí cấp bản sao Trích lục hộ tịch (mỗi bản)"]) == [("per_unit", 1)]
    assert classify(
        [
            "Phí chứng thực: trang thứ nhất và thứ hai (mỗi trang)",
            "Phí chứng thực: từ trang thứ ba trở lên (mỗi trang)",
        ]
    ) == [("per_unit", 1), ("per_unit", 0)]
    assert classify(["Lệ phí … tại các phường", "Lệ phí … tại các xã"]) == [("alternative", 0)] * 2


def test_a_choice_outside_the_lines_is_refused_by_field():
    standard, _reduced, extra = fees = imported(UNTYPED)

    with pytest.raises(ValidationError) as wrong:
        charge(fees, FeeChoice(alternative=extra.pk))
    assert set(wrong.value.message_dict) == {"fee_alternative"}
    with pytest.raises(ValidationError) as negative:
        charge(fees, FeeChoice(alternative=standard.pk, quantities={extra.pk: -1}))
    assert set(negative.value.message_dict) == {f"fee_quantity_{extra.pk}"}


def test_explicit_kinds_and_the_e_form_binding_survive_export_and_import_in_both_formats():
    fees = [
        {"description": STANDARD, "amount": 200000, "kind": "alternative"},
        {
            "description": REDUCED,
            "amount": 100000,
            "kind": "alternative",
            "when": {"field": "doi_tuong", "equals": "Sinh viên"},
        },
        {
            "description": EXTRA,
            "amount": 5000,
            "kind": "per_unit",
            "min_quantity": 0,
            "quantity_field": "so_phieu_them",
        },
    ]
    standard, reduced, extra = imported(fees, form=FORM)
    assert (reduced.form_field, reduced.form_value, extra.form_field) == (
        "doi_tuong",
        "Sinh viên",
        "so_phieu_them",
    )

    # The e-form decides: a student asking for two more copies.
    chosen = choice_from_form(
        [standard, reduced, extra], {"doi_tuong": "Sinh viên", "so_phieu_them": "2"}, FeeChoice()
    )
    assert charge([standard, reduced, extra], chosen).total == 110_000
    other = choice_from_form([standard, reduced, extra], {"doi_tuong": "Công dân"}, FeeChoice())
    assert charge([standard, reduced, extra], other).total == 200_000

    exported = services.export_catalogue()
    assert exported["decisions"][0]["procedures"][0]["fees"] == fees
    for text, fmt in ((exchange.to_json(exported), "json"), (exchange.to_csv(exported), "csv")):
        parsed = exchange.parse(text, fmt=fmt)
        assert parsed.ok, [str(e) for e in parsed.errors]
        specs = parsed.decisions[0].entries[0].version.fees
        assert [(s.kind, s.min_quantity, s.form_field, s.form_value) for s in specs] == [
            ("alternative", 0, "", ""),
            ("alternative", 0, "doi_tuong", "Sinh viên"),
            ("per_unit", 0, "so_phieu_them", ""),
        ]


def test_a_wrong_kind_or_binding_is_reported_at_its_field():
    bad = [
        {"description": STANDARD, "amount": 200000, "kind": "sum"},
        {"description": REDUCED, "amount": 100000, "kind": "alternative", "min_quantity": 1},
        {"description": EXTRA, "amount": 5000, "kind": "per_unit", "quantity_field": "doi_tuong"},
        {"description": "Phí khác", "amount": 1000, "kind": "fixed", "when": {"field": "x", "equals": "y"}},
        {"description": "Phí nữa", "amount": 1000, "kind": "per_unit", "quantity_field": "khong_co"},
    ]
    report = services.import_catalogue(
        json.loads(json.dumps(document(decision("1/QĐ-UBND", entry("2.000488", fees=bad, form=FORM))))),
        imported_by=None,
        dry_run=True,
    )

    assert sorted(e.field for e in report.errors) == [
        "fees[1].kind",
        "fees[2].min_quantity",
        "fees[3].quantity_field",
        "fees[4].when",
        "fees[5].quantity_field",
    ]
    assert not Fee.objects.exists()


def errors_of(fees, form):
    report = services.import_catalogue(
        json.loads(json.dumps(document(decision("1/QĐ-UBND", entry("2.000488", fees=fees, form=form))))),
        imported_by=None,
        dry_run=True,
    )
    return sorted((e.field, e.message) for e in report.errors)


def test_copies_are_counted_by_a_whole_number_field():
    # 2.5 copies cannot be charged: a per-unit line takes its quantity only from an "integer" field,
    # whose bounds are whole too (the walk of the demo found "Số bản sao" with step 0.01).
    fees = [{"description": EXTRA, "amount": 5000, "kind": "per_unit", "quantity_field": "so_ban"}]
    decimal = {"fields": [{"name": "so_ban", "label": "Số bản sao", "type": "number", "min": 1}]}
    half = {"fields": [{"name": "so_ban", "label": "Số bản sao", "type": "integer", "min": 0.5}]}

    with translation.override("vi"):
        assert errors_of(fees, decimal) == [
            ("fees[1].quantity_field", "“so_ban” không phải trường số nguyên của tờ khai điện tử.")
        ]
        assert "form.fields[1].min" in [field for field, _message in errors_of(fees, half)]
        assert errors_of(fees, {"fields": [{**half["fields"][0], "min": 1}]}) == []
