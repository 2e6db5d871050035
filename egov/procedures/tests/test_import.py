from decimal import Decimal
from typing import Any

import pytest

from egov.accounts.models import User
from egov.core.models import AuditEntry
from egov.procedures import exchange, services
from egov.procedures.models import (
    Component,
    Fee,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    PublicationDecision,
    Sector,
)
from egov.procedures.queries import search_procedures
from egov.procedures.tests.documents import decision, document, entry, row_counts


def run(doc: dict[str, Any], *, dry_run: bool = False, user: User | None = None) -> services.ImportReport:
    return services.import_catalogue(doc, imported_by=user, dry_run=dry_run)


@pytest.mark.django_db
def test_valid_document_imports_everything(clerk):
    doc = document(
        decision(
            "1/QĐ-UBND",
            entry("1.001193", name="Đăng ký khai sinh"),
            entry(
                "2.000001",
                name="Cấp giấy phép xây dựng",
                sector={"code": "XAYDUNG", "name": "Xây dựng"},
                levels=["department", "province"],
                applicant_types=["citizen", "organisation"],
                time_limit={"value": "0.5", "unit": "working_days"},
                steps=[
                    {"name": "Tiếp nhận", "role": "desk_officer", "hours": "0.25"},
                    {"name": "Thẩm định", "role": "head_of_department", "hours": "3.75"},
                ],
                fees=[],
            ),
        )
    )

    report = run(doc, user=clerk)

    assert report.ok, report.error_lines()
    assert report.imported
    assert report.totals == {"new": 2, "amended": 0, "replaced": 0, "abolished": 0}
    procedure = Procedure.objects.get(code="1.001193")
    version = procedure.current_version
    assert version is not None
    assert (version.number, version.change, version.name) == (1, "new", "Đăng ký khai sinh")
    assert version.search_text == "1.001193 dang ky khai sinh ho tich"
    assert version.decision.number == "1/QĐ-UBND"
    assert version.time_limit_value == Decimal("1.00")
    assert [c.name for c in version.components.order_by("position")] == [
        "Tờ khai đăng ký khai sinh theo mẫu",
        "Giấy chứng sinh",
    ]
    assert list(version.components.values_list("is_required", flat=True).order_by("position")) == [
        True,
        False,
    ]
    assert list(version.fees.values_list("amount", flat=True)) == [8000]
    assert list(version.steps.order_by("position").values_list("role", "hours")) == [
        ("desk_officer", Decimal("1.00")),
        ("specialist", Decimal("5.00")),
        ("leader", Decimal("1.50")),
        ("desk_officer", Decimal("0.50")),
    ]
    other = ProcedureVersion.objects.get(procedure__code="2.000001")
    assert other.levels == ["department", "province"]
    assert other.sector.name == "Xây dựng"
    assert other.fees.count() == 0
    assert Sector.objects.count() == 2
    entry_ = AuditEntry.objects.get(action="catalogue.imported")
    assert entry_.actor_id == clerk.pk
    assert entry_.object_id == str(version.decision_id)
    assert entry_.after is not None
    assert entry_.after["counts"]["new"] == 2
    assert [c["code"] for c in entry_.after["changes"]] == ["1.001193", "2.000001"]
    assert [v.procedure.code for v in search_procedures("dang ky khai sinh")] == ["1.001193"]


@pytest.mark.django_db
def test_dry_run_writes_nothing_and_reports_counts():
    run(document(decision("1/QĐ-UBND", entry("1.000001"), entry("1.000002"))))
    before = row_counts()
    doc = document(
        decision("2/QĐ-UBND", entry("1.000003"), entry("1.000001", "amended")),
        decision("3/QĐ-UBND", entry("1.000002", "abolished"), entry("1.000004")),
    )

    report = run(doc, dry_run=True)

    assert report.ok
    assert not report.imported
    assert row_counts() == before
    assert [(d.number, d.counts) for d in report.decisions] == [
        ("2/QĐ-UBND", {"new": 1, "amended": 1, "replaced": 0, "abolished": 0}),
        ("3/QĐ-UBND", {"new": 1, "amended": 0, "replaced": 0, "abolished": 1}),
    ]
    assert report.decisions[0].changes == [("1.000003", "new"), ("1.000001", "amended")]
    assert report.totals == {"new": 2, "amended": 1, "replaced": 0, "abolished": 1}


@pytest.mark.django_db
def test_every_bad_row_is_reported_and_nothing_is_written():
    run(document(decision("1/QĐ-UBND", entry("1.000001"), entry("1.000002"))))
    run(document(decision("2/QĐ-UBND", entry("1.000002", "abolished"))))
    before = row_counts()
    short_steps = [{"name": "Thẩm định", "role": "specialist", "hours": "7"}]
    bad_role = [{"name": "Thẩm định", "role": "director", "hours": "8"}]
    doc = document(
        decision(
            "3/QĐ-UBND",
            entry("1.000010"),  # 1: valid, but must not be written either
            entry("1.00011"),  # 2: bad code
            entry("1.000012", steps=short_steps),  # 3: 7 h for a 1-day limit
            entry("1.000013", steps=bad_role),  # 4: unknown role
            entry("1.999999", "amended"),  # 5: amends an unknown code
            entry("1.000014", fees=[{"description": "Phí", "amount": -5000}]),  # 6
            entry("1.000015", "replaced", replaces="1.000002"),  # 7: replaces an abolished one
            entry("1.000001"),  # 8: "new" with a live code
            entry("1.000016", components=[]),  # 9: no component
            entry("1.000017", time_limit={"value": "0", "unit": "working_days"}),  # 10
            entry("1.000018", online_level="online", levels=["ward"]),  # 11
            entry("1.000019", "replaced"),  # 12: replaced without `replaces`
        ),
        decision("1/QĐ-UBND", entry("1.000020")),  # already imported
    )

    report = run(doc)

    assert not report.ok
    assert not report.imported
    assert row_counts() == before
    found = {(e.decision_number, e.position, e.code, e.field) for e in report.errors}
    expected = {
        ("3/QĐ-UBND", 2, "1.00011", "code"),
        ("3/QĐ-UBND", 3, "1.000012", "steps"),
        ("3/QĐ-UBND", 4, "1.000013", "steps[1].role"),
        ("3/QĐ-UBND", 5, "1.999999", "code"),
        ("3/QĐ-UBND", 6, "1.000014", "fees[1].amount"),
        ("3/QĐ-UBND", 7, "1.000015", "replaces"),
        ("3/QĐ-UBND", 8, "1.000001", "code"),
        ("3/QĐ-UBND", 9, "1.000016", "components"),
        ("3/QĐ-UBND", 10, "1.000017", "time_limit.value"),
        ("3/QĐ-UBND", 11, "1.000018", "online_level"),
        ("3/QĐ-UBND", 11, "1.000018", "levels"),
        ("3/QĐ-UBND", 12, "1.000019", "replaces"),
        ("1/QĐ-UBND", None, "", "number"),
    }
    assert found == expected
    by_row = {e.position: e for e in report.errors if e.decision_number == "3/QĐ-UBND"}
    assert "7 h" in by_row[3].message
    assert "8 h" in by_row[3].message
    assert "abolished" in by_row[7].message
    assert by_row[2].decision_index == 1
    lines = report.error_lines()
    assert len(lines) == len(expected)
    assert any(line.startswith("Decision 3/QĐ-UBND row 3 (code 1.000012) field steps:") for line in lines)


@pytest.mark.django_db
def test_structural_errors_are_all_collected():
    doc = {
        "format": "egov-catalogue/2",
        "decisions": [
            {
                "number": "1/QĐ-UBND",
                "date": "15/07/2025",
                "effective_from": "2025-02-30",
                "issuer": "",
                "procedures": [
                    entry("1.000001", name="x" * 501, colour="blue"),
                    entry("1.000002", "abolished"),
                    "not an object",
                ],
            }
        ],
    }

    report = run(doc, dry_run=True)

    found = {(e.position, e.field) for e in report.errors}
    assert found == {
        (None, "format"),
        (None, "date"),
        (None, "effective_from"),
        (None, "issuer"),
        (1, "name"),
        (1, "colour"),
        (2, "code"),  # abolishes a procedure that does not exist
        (3, ""),
    }


@pytest.mark.django_db
def test_amended_creates_version_two_and_keeps_version_one():
    run(document(decision("1/QĐ-UBND", entry("1.000001", name="Tên cũ"))))
    old = ProcedureVersion.objects.get(procedure__code="1.000001")
    old_components = list(old.components.values_list("name", flat=True))

    report = run(
        document(
            decision(
                "2/QĐ-UBND",
                entry(
                    "1.000001",
                    "amended",
                    name="Tên mới",
                    time_limit={"value": "2", "unit": "calendar_days"},
                    steps=[{"name": "Giải quyết", "role": "specialist", "hours": "3"}],
                    components=[{"name": "Đơn đề nghị", "copies": 2}],
                ),
                date="2025-09-01",
            )
        )
    )

    assert report.ok, report.error_lines()
    procedure = Procedure.objects.get(code="1.000001")
    assert procedure.current_version is not None
    assert procedure.current_version.number == 2
    assert procedure.current_version.change == "amended"
    assert procedure.current_version.name == "Tên mới"
    old.refresh_from_db()
    assert (old.number, old.name, old.time_limit_unit) == (1, "Tên cũ", "working_days")
    assert list(old.components.values_list("name", flat=True)) == old_components
    assert old.steps.count() == 4
    assert [v.name for v in search_procedures("ten")] == ["Tên mới"]


@pytest.mark.django_db
def test_replaced_links_the_old_procedure_to_the_new_one():
    run(document(decision("1/QĐ-UBND", entry("1.000001"))))

    report = run(
        document(
            decision("2/QĐ-UBND", entry("1.000009", "replaced", replaces="1.000001", name="Thủ tục mới"))
        )
    )

    assert report.ok, report.error_lines()
    old = Procedure.objects.get(code="1.000001")
    new = Procedure.objects.get(code="1.000009")
    assert old.replaced_by == new
    assert not old.is_in_force
    assert new.current_version is not None
    assert new.current_version.change == "replaced"
    assert [v.procedure.code for v in search_procedures("")] == ["1.000009"]


@pytest.mark.django_db
def test_abolished_hides_the_procedure_but_keeps_its_version():
    run(document(decision("1/QĐ-UBND", entry("1.000001", name="Chứng thực bản sao"))))
    version = ProcedureVersion.objects.get(procedure__code="1.000001")
    assert [v.pk for v in search_procedures("chung thuc")] == [version.pk]

    report = run(document(decision("2/QĐ-UBND", entry("1.000001", "abolished"))))

    assert report.ok, report.error_lines()
    procedure = Procedure.objects.get(code="1.000001")
    assert procedure.is_abolished
    assert procedure.current_version == version
    assert list(search_procedures("chung thuc")) == []
    assert ProcedureVersion.objects.filter(pk=version.pk).exists()


@pytest.mark.django_db
def test_a_file_may_build_on_its_own_earlier_decisions():
    doc = document(
        decision("1/QĐ-UBND", entry("1.000001"), entry("1.000002")),
        decision(
            "2/QĐ-UBND",
            entry("1.000001", "amended", name="Sửa đổi"),
            entry("1.000003", "replaced", replaces="1.000002"),
            date="2025-08-01",
        ),
        decision("3/QĐ-UBND", entry("1.000003", "abolished"), date="2025-09-01"),
    )

    report = run(doc)

    assert report.ok, report.error_lines()
    assert PublicationDecision.objects.count() == 3
    assert AuditEntry.objects.filter(action="catalogue.imported").count() == 3
    assert Procedure.objects.get(code="1.000001").versions.count() == 2
    assert Procedure.objects.get(code="1.000002").replaced_by.code == "1.000003"
    assert Procedure.objects.get(code="1.000003").is_abolished
    assert [v.procedure.code for v in search_procedures("")] == ["1.000001"]


@pytest.mark.django_db
def test_new_may_reuse_the_code_of_an_abolished_procedure():
    run(document(decision("1/QĐ-UBND", entry("1.000001"))))
    run(document(decision("2/QĐ-UBND", entry("1.000001", "abolished"))))

    report = run(document(decision("3/QĐ-UBND", entry("1.000001", name="Công bố lại"))))

    assert report.ok, report.error_lines()
    procedure = Procedure.objects.get(code="1.000001")
    assert procedure.is_in_force
    assert procedure.current_version is not None
    assert procedure.current_version.number == 2


@pytest.mark.django_db
def test_working_hours_and_calendar_days_limits():
    hours_ok = entry(
        "1.000001",
        time_limit={"value": "4", "unit": "working_hours"},
        steps=[
            {"name": "A", "role": "desk_officer", "hours": "1.5"},
            {"name": "B", "role": "clerk", "hours": "2.5"},
        ],
    )
    hours_bad = entry("1.000002", time_limit={"value": "4", "unit": "working_hours"})
    calendar = entry("1.000003", time_limit={"value": "30", "unit": "calendar_days"}, steps=[])

    report = run(document(decision("1/QĐ-UBND", hours_ok, hours_bad, calendar)), dry_run=True)

    assert [(e.position, e.field) for e in report.errors] == [(2, "steps")]
    assert "8 h" in report.errors[0].message
    assert "4 h" in report.errors[0].message


@pytest.mark.django_db
def test_duplicates_within_the_file_are_errors():
    doc = document(
        decision("1/QĐ-UBND", entry("1.000001"), entry("1.000001")),
        decision("1/QĐ-UBND", entry("1.000002")),
    )

    report = run(doc, dry_run=True)

    assert {(e.decision_index, e.position, e.field) for e in report.errors} == {
        (1, 2, "code"),
        (2, None, "number"),
    }


@pytest.mark.django_db
def test_nothing_is_written_if_a_later_decision_is_wrong():
    before = row_counts()
    doc = document(
        decision("1/QĐ-UBND", entry("1.000001")),
        decision("2/QĐ-UBND", entry("1.000002", fees=[{"description": "Phí", "amount": 1.5}])),
    )

    report = run(doc)

    assert [(e.decision_index, e.field) for e in report.errors] == [(2, "fees[1].amount")]
    assert row_counts() == before
    assert not Component.objects.exists()
    assert not Fee.objects.exists()
    assert not ProcessStep.objects.exists()


@pytest.mark.django_db
def test_a_parsed_file_is_checked_again_against_the_database_when_imported():
    parsed = exchange.parse_json(document(decision("1/QĐ-UBND", entry("1.000001"))))
    assert services.import_catalogue(parsed, imported_by=None, dry_run=True).ok
    run(document(decision("1/QĐ-UBND", entry("1.000002"))))

    report = services.import_catalogue(parsed, imported_by=None, dry_run=False)

    assert [e.field for e in report.errors] == ["number"]
    assert not Procedure.objects.filter(code="1.000001").exists()
