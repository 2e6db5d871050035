"""Which unit is competent and where each step of the internal process is done."""

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from egov.demo.seed import seed_levels, seed_units
from egov.organization.models import Unit
from egov.organization.tests.factories import make_unit
from egov.procedures import exchange, services
from egov.procedures.models import ProcedureVersion, ProcessStep
from egov.procedures.tests.documents import (
    decision,
    document,
    entry,
    in_force_dump,
    row_counts,
    wipe_catalogue,
)

DEMO = Path(__file__).resolve().parents[1] / "demo" / "catalogue.json"

# H51.10 is the test province's Sở Tư pháp, H51.10.01 its division, H51.50 the service centre.
STEPS_WITH_UNITS = [
    {"name": "Tiếp nhận, kiểm tra hồ sơ", "role": "desk_officer", "hours": "1"},
    {"name": "Lấy ý kiến phòng chuyên môn", "role": "specialist", "hours": "2", "unit": "H51.10.01"},
    {"name": "Thẩm định hồ sơ", "role": "specialist", "hours": "3"},
    {"name": "Phê duyệt, ký kết quả", "role": "leader", "hours": "1.5", "unit": "competent"},
    {"name": "Trả kết quả", "role": "desk_officer", "hours": "0.5", "unit": "receiving"},
]


def department_entry(code: str, change: str = "new", **overrides: Any) -> dict[str, Any]:
    """A procedure decided by the test province's Sở Tư pháp, one step of it at its division."""
    fields: dict[str, Any] = {
        "name": f"Cấp Phiếu lý lịch tư pháp {code}",
        "levels": ["department"],
        "competent_authority": "Sở Tư pháp",
        "competent_unit": "H51.10",
        "steps": STEPS_WITH_UNITS,
    }
    return entry(code, change, **{**fields, **overrides})


def sample_document() -> dict[str, Any]:
    return document(
        decision("1/QĐ-UBND", department_entry("2.000488"), entry("1.001193")),
        decision(
            "2/QĐ-UBND",
            department_entry("2.000488", "amended", competent_unit="H51"),
            date="2025-08-01",
        ),
    )


def step_places(code: str) -> list[tuple[str, str, str | None]]:
    """(role, performer, unit identifier) of each step of the procedure's newest version."""
    version = ProcedureVersion.objects.filter(procedure__code=code).order_by("-number").first()
    assert version is not None
    return [
        (step.role, step.performer, step.unit.identifier if step.unit else None)
        for step in version.steps.select_related("unit").order_by("position")
    ]


@pytest.mark.django_db
def test_import_stores_the_competent_unit_and_where_each_step_is_done(province):
    report = services.import_catalogue(sample_document(), imported_by=None, dry_run=False)

    assert report.ok, report.error_lines()
    first, amended = ProcedureVersion.objects.filter(procedure__code="2.000488").order_by("number")
    assert first.competent_unit == province.department
    assert amended.competent_unit == province.province
    assert step_places("2.000488") == [
        ("desk_officer", "receiving", None),
        ("specialist", "unit", "H51.10.01"),
        ("specialist", "competent", None),
        ("leader", "competent", None),
        ("desk_officer", "receiving", None),
    ]
    # A commune procedure: no competent unit (each commune decides); defaults by role.
    commune = ProcedureVersion.objects.get(procedure__code="1.001193")
    assert commune.competent_unit is None
    assert step_places("1.001193") == [
        ("desk_officer", "receiving", None),
        ("specialist", "competent", None),
        ("leader", "competent", None),
        ("desk_officer", "receiving", None),
    ]


@pytest.mark.django_db
def test_units_are_resolved_in_one_query_per_check(province, django_assert_max_num_queries):
    many = document(decision("1/QĐ-UBND", *(department_entry(f"2.{n:06d}") for n in range(1, 21))))
    few = document(decision("1/QĐ-UBND", department_entry("2.000001")))
    parsed_many, parsed_few = exchange.parse_json(many), exchange.parse_json(few)

    with django_assert_max_num_queries(3) as captured:
        exchange.check_references(parsed_few)
    with django_assert_max_num_queries(len(captured)):
        exchange.check_references(parsed_many)


@pytest.mark.django_db
def test_an_unknown_identifier_is_reported_on_its_row_and_nothing_is_written(province):
    before = row_counts()
    steps = [dict(step) for step in STEPS_WITH_UNITS]
    steps[1]["unit"] = "H51.98"
    doc = document(
        decision(
            "1/QĐ-UBND",
            department_entry("2.000001"),
            department_entry("2.000002", competent_unit="H51.99", steps=steps),
        )
    )

    report = services.import_catalogue(doc, imported_by=None, dry_run=False)

    assert {(e.position, e.code, e.field, e.message) for e in report.errors} == {
        (2, "2.000002", "competent_unit", "No unit has the agency identifier H51.99."),
        (2, "2.000002", "steps[2].unit", "No unit has the agency identifier H51.98."),
    }
    assert row_counts() == before
    assert not report.imported


@pytest.mark.django_db
def test_an_unknown_identifier_in_csv_names_the_line_and_column(province):
    rows = list(csv.DictReader(io.StringIO(exchange.to_csv(sample_document()))))
    rows[0]["competent_unit"] = "H51.99"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

    parsed = exchange.parse_csv(out.getvalue())
    report = services.import_catalogue(parsed, imported_by=None, dry_run=True)

    assert [(e.line, e.field) for e in report.errors] == [(2, "competent_unit")]
    assert exchange.format_error(report.errors[0]).endswith(
        "field competent_unit: No unit has the agency identifier H51.99."
    )


@pytest.mark.django_db
def test_a_dissolved_unit_cannot_be_named(province):
    dissolved = make_unit("department", parent=province.province, name="Sở Giao thông vận tải")
    Unit.objects.filter(pk=dissolved.pk).update(dissolved_on="2025-03-01")

    report = services.import_catalogue(
        document(decision("1/QĐ-UBND", department_entry("2.000001", competent_unit=dissolved.identifier))),
        imported_by=None,
        dry_run=True,
    )

    assert [(e.field, e.message) for e in report.errors] == [
        (
            "competent_unit",
            f"Sở Giao thông vận tải ({dissolved.identifier}) was dissolved on 01/03/2025.",
        )
    ]


def test_badly_shaped_units_are_reported_without_the_database():
    steps: list[dict[str, Any]] = [dict(step) for step in STEPS_WITH_UNITS]
    steps[0]["unit"] = "the desk"
    steps[2]["unit"] = 51
    doc = document(
        decision(
            "1/QĐ-UBND",
            department_entry("2.000001", competent_unit="Sở Tư pháp", steps=steps),
            department_entry("2.000002", competent_unit=None),
        )
    )

    parsed = exchange.parse_json(doc)

    assert {(e.position, e.field) for e in parsed.errors} == {
        (1, "competent_unit"),
        (1, "steps[1].unit"),
        (1, "steps[3].unit"),
    }
    messages = {e.field: e.message for e in parsed.errors}
    assert "is not an agency identifier" in messages["competent_unit"]
    assert "“receiving”, “competent”" in messages["steps[1].unit"]
    assert parsed.decisions[0].entries[1].version is not None
    assert parsed.decisions[0].entries[1].version.competent_unit is None


@pytest.mark.django_db
def test_a_step_names_a_unit_exactly_when_it_is_performed_by_a_named_unit(province):
    services.import_catalogue(sample_document(), imported_by=None, dry_run=False)
    version = ProcedureVersion.objects.get(procedure__code="1.001193")

    def add(position: int, performer: str, unit: Unit | None) -> None:
        with transaction.atomic():
            ProcessStep.objects.create(
                version=version,
                position=position,
                name="Bước thêm",
                role="specialist",
                performer=performer,
                unit=unit,
                hours=Decimal(1),
            )

    with pytest.raises(IntegrityError):
        add(10, ProcessStep.Performer.UNIT, None)
    with pytest.raises(IntegrityError):
        add(11, ProcessStep.Performer.COMPETENT, province.department)
    with pytest.raises(IntegrityError):
        add(12, ProcessStep.Performer.RECEIVING, province.centre)
    add(13, ProcessStep.Performer.UNIT, province.department)
    add(14, ProcessStep.Performer.RECEIVING, None)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_keeps_units(province, fmt):
    services.import_catalogue(sample_document(), imported_by=None, dry_run=False)
    before = in_force_dump()
    exported = services.export_catalogue()
    text = exchange.to_csv(exported) if fmt == "csv" else exchange.to_json(exported)
    wipe_catalogue()

    report = services.import_catalogue(exchange.parse(text, fmt=fmt), imported_by=None, dry_run=False)

    assert report.ok, report.error_lines()
    assert in_force_dump() == before
    entries = {e["code"]: e for d in exported["decisions"] for e in d["procedures"]}
    assert entries["2.000488"]["competent_unit"] == "H51"
    assert "competent_unit" not in entries["1.001193"]
    assert [step["unit"] for step in entries["2.000488"]["steps"]] == [
        "receiving",
        "H51.10.01",
        "competent",
        "competent",
        "receiving",
    ]
    assert services.export_catalogue() == exported


@pytest.mark.django_db
def test_the_demo_catalogue_names_a_competent_unit_for_every_department_and_province_procedure():
    seed_units(seed_levels())

    report = services.import_catalogue(
        exchange.parse_json(DEMO.read_bytes()), imported_by=None, dry_run=False
    )

    assert report.ok, "\n".join(report.error_lines())
    versions = ProcedureVersion.objects.select_related("competent_unit", "procedure")
    assert versions.exists()
    for version in versions:
        agency_only = set(version.levels) <= {"department", "province"}
        assert (version.competent_unit is not None) == agency_only, version.procedure.code
    assert ProcessStep.objects.filter(performer=ProcessStep.Performer.UNIT).count() >= 2
