"""CSV and JSON parsing, and export → import round trips."""

import csv
import io
import json
from typing import Any

import pytest

from egov.procedures import exchange, services
from egov.procedures.tests.documents import (
    decision,
    document,
    entry,
    in_force_dump,
    row_counts,
    wipe_catalogue,
)


def sample_document() -> dict[str, Any]:
    return document(
        decision(
            "1/QĐ-UBND",
            entry("1.000001", name="Đăng ký khai sinh", conditions="Trẻ sinh ra tại Việt Nam"),
            entry(
                "1.000002",
                name="Cấp phép xây dựng",
                sector={"code": "XAYDUNG", "name": "Xây dựng"},
                levels=["province", "department"],
                applicant_types=["organisation", "citizen"],
                time_limit={"value": "2.5", "unit": "working_days"},
                steps=[
                    {"name": "Tiếp nhận", "role": "desk_officer", "hours": "0.5"},
                    {"name": "Thẩm định", "role": "specialist", "hours": "15"},
                    {"name": "Ký", "role": "leader", "hours": "4.5"},
                ],
                fees=[
                    {"description": "Lệ phí cấp phép", "amount": 150000},
                    {"description": "Phí thẩm định", "amount": 0},
                ],
            ),
            entry("1.000003", time_limit={"value": "15", "unit": "calendar_days"}, steps=[]),
        ),
        decision(
            "2/QĐ-UBND",
            entry("1.000001", "amended", name="Đăng ký khai sinh (sửa đổi)"),
            entry("1.000004", "replaced", replaces="1.000003", online_level="partial"),
            entry("1.000002", "abolished"),
            date="2025-08-20",
        ),
    )


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_of_a_document_parses_to_the_same_specs_as_the_json():
    doc = sample_document()

    from_json = exchange.parse_json(json.dumps(doc))
    from_csv = exchange.parse_csv(exchange.to_csv(doc))

    assert from_json.ok, from_json.errors
    assert from_csv.ok, from_csv.errors
    assert [(d.number, d.signed_on, d.title) for d in from_csv.decisions] == [
        (d.number, d.signed_on, d.title) for d in from_json.decisions
    ]
    assert [[(e.code, e.change, e.replaces, e.version) for e in d.entries] for d in from_csv.decisions] == [
        [(e.code, e.change, e.replaces, e.version) for e in d.entries] for d in from_json.decisions
    ]
    assert [e.line for e in from_csv.decisions[1].entries] == [5, 6, 7]


@pytest.mark.django_db
def test_csv_import_is_equivalent_to_json_import():
    doc = sample_document()
    report = services.import_catalogue(doc, imported_by=None, dry_run=False)
    assert report.ok, report.error_lines()
    from_json = in_force_dump()
    wipe_catalogue()

    parsed = exchange.parse_csv(exchange.to_csv(doc).encode("utf-8-sig"))
    report = services.import_catalogue(parsed, imported_by=None, dry_run=False)

    assert report.ok, report.error_lines()
    assert in_force_dump() == from_json
    assert [d[0] for d in (row["decision"] for row in from_json)] == ["2/QĐ-UBND", "2/QĐ-UBND"]


@pytest.mark.django_db
def test_csv_errors_name_the_csv_line_and_column():
    doc = document(
        decision(
            "1/QĐ-UBND",
            entry("1.000001", legal_basis="Luật Hộ tịch 2014;\nNghị định 123/2015/NĐ-CP"),
            entry("1.000002", sector={"code": "", "name": "Hộ tịch"}),
            entry("1.000003", time_limit={"value": "abc", "unit": "working_days"}),
        )
    )
    text = exchange.to_csv(doc)
    rows = csv_rows(text)
    rows[2]["steps"] = "[not json"
    rows[2]["levels"] = "commune; ward"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

    parsed = exchange.parse_csv(out.getvalue())
    services.import_catalogue(parsed, imported_by=None, dry_run=True)

    # Line 1 is the header; row 1 spans lines 2-3 (a line break inside a cell).
    assert {(e.line, e.position, e.code, e.field) for e in parsed.errors} == {
        (4, 2, "1.000002", "sector_code"),
        (5, 3, "1.000003", "time_limit_value"),
        (5, 3, "1.000003", "steps"),
        (5, 3, "1.000003", "levels"),
    }
    assert exchange.format_error(parsed.errors[0]).startswith(
        "Decision 1/QĐ-UBND row 4 (code 1.000002) field sector_code:"
    )


def test_csv_header_and_decision_columns_are_checked():
    doc = document(decision("1/QĐ-UBND", entry("1.000001"), entry("1.000002")))
    rows = csv_rows(exchange.to_csv(doc))
    rows[1]["issuer"] = "UBND tỉnh khác"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

    parsed = exchange.parse_csv(out.getvalue())

    assert [(e.line, e.field) for e in parsed.errors] == [(3, "issuer")]
    missing = exchange.parse_csv("decision_number,code,colour\n1/QĐ,1.000001,blue\n")
    assert {e.field for e in missing.errors} >= {"issuer", "steps", "colour"}
    assert not exchange.parse_csv("").ok


def test_json_syntax_errors_are_reported():
    parsed = exchange.parse_json(b'{"format": "egov-catalogue/1", "decisions": [}')

    assert len(parsed.errors) == 1
    assert "line 1" in parsed.errors[0].message


def test_decimal_numbers_in_json_are_exact():
    steps = [
        {"name": "A", "role": "specialist", "hours": 0.1},
        {"name": "B", "role": "specialist", "hours": 0.2},
    ]
    doc = document(
        decision(
            "1/QĐ-UBND",
            entry("1.000001", time_limit={"value": 0.3, "unit": "working_hours"}, steps=steps),
        )
    )

    assert exchange.parse_json(json.dumps(doc)).ok
    assert exchange.parse_json(doc).ok


@pytest.mark.django_db
def test_export_then_import_into_an_empty_database_reproduces_the_catalogue():
    services.import_catalogue(sample_document(), imported_by=None, dry_run=False)
    services.import_catalogue(
        document(decision("3/QĐ-UBND", entry("2.000001", name="Khác"), date="2025-06-01")),
        imported_by=None,
        dry_run=False,
    )
    before = in_force_dump()
    exported = services.export_catalogue()
    text = exchange.to_json(exported)
    wipe_catalogue()

    report = services.import_catalogue(exchange.parse_json(text), imported_by=None, dry_run=False)

    assert report.ok, report.error_lines()
    assert in_force_dump() == before
    assert [d["number"] for d in exported["decisions"]] == ["3/QĐ-UBND", "2/QĐ-UBND"]
    # Exporting again gives the same document: the format is a fixed point.
    assert services.export_catalogue() == exported


@pytest.mark.django_db
def test_csv_export_round_trips_and_export_can_be_limited_to_codes():
    services.import_catalogue(sample_document(), imported_by=None, dry_run=False)
    before = in_force_dump()
    text = services.export_catalogue_csv()
    wipe_catalogue()

    report = services.import_catalogue(exchange.parse_csv(text), imported_by=None, dry_run=False)

    assert report.ok, report.error_lines()
    assert in_force_dump() == before
    only = services.export_catalogue(codes=["1.000004"])
    assert [[p["code"] for p in d["procedures"]] for d in only["decisions"]] == [["1.000004"]]


@pytest.mark.django_db
def test_importing_an_export_twice_is_refused():
    services.import_catalogue(sample_document(), imported_by=None, dry_run=False)
    before = row_counts()

    report = services.import_catalogue(services.export_catalogue(), imported_by=None, dry_run=False)

    assert {e.field for e in report.errors} == {"number", "code"}
    assert row_counts() == before
