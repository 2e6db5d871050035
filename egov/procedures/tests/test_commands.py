import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from egov.procedures import exchange
from egov.procedures.models import Procedure
from egov.procedures.tests.documents import (
    decision,
    document,
    entry,
    in_force_dump,
    row_counts,
    wipe_catalogue,
)


def write(tmp_path: Path, doc: dict[str, Any], name: str = "catalogue.json") -> Path:
    path = tmp_path / name
    text = exchange.to_csv(doc) if name.endswith(".csv") else json.dumps(doc, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def call(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_command_lists_each_bad_row_and_fails(tmp_path):
    doc = document(
        decision(
            "5/QĐ-UBND",
            entry("1.000001"),
            entry("1.00002"),
            entry("1.000003", steps=[{"name": "Thẩm định", "role": "specialist", "hours": "9"}]),
        )
    )
    path = write(tmp_path, doc)
    before = row_counts()
    err = io.StringIO()

    with pytest.raises(CommandError, match="2 error"):
        call_command("import_catalogue", str(path), stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines[0].startswith("Decision 5/QĐ-UBND row 2 (code 1.00002) field code:")
    assert lines[1].startswith("Decision 5/QĐ-UBND row 3 (code 1.000003) field steps:")
    assert "9" in lines[1]
    assert row_counts() == before


@pytest.mark.django_db
def test_import_command_dry_run_then_import(tmp_path):
    path = write(tmp_path, document(decision("1/QĐ-UBND", entry("1.000001"), entry("1.000002"))))

    out, _err = call("import_catalogue", str(path), "--dry-run")
    assert "Decision 1/QĐ-UBND: 2 new" in out
    assert "dry run" in out
    assert not Procedure.objects.exists()

    out, _err = call("import_catalogue", str(path))
    assert "imported 2 new" in out
    assert Procedure.objects.count() == 2


@pytest.mark.django_db
def test_import_command_reads_csv_by_name_or_flag(tmp_path):
    doc = document(decision("1/QĐ-UBND", entry("1.000001")))
    csv_path = write(tmp_path, doc, "catalogue.csv")
    other = tmp_path / "catalogue.txt"
    other.write_bytes(csv_path.read_bytes())

    call("import_catalogue", str(other), "--format", "csv", "--dry-run")
    call("import_catalogue", str(csv_path))

    assert Procedure.objects.filter(code="1.000001").exists()


@pytest.mark.django_db
def test_import_command_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call("import_catalogue", str(tmp_path / "nope.json"))


@pytest.mark.django_db
def test_export_command_output_imports_back(tmp_path):
    call(
        "import_catalogue",
        str(write(tmp_path, document(decision("1/QĐ-UBND", entry("1.000001"), entry("1.000002"))))),
    )
    before = in_force_dump()
    json_path, csv_path = tmp_path / "out.json", tmp_path / "out.csv"

    call("export_catalogue", "--output", str(json_path))
    call("export_catalogue", "--format", "csv", "--output", str(csv_path))
    out, _err = call("export_catalogue", "--code", "1.000002")

    assert [p["code"] for p in json.loads(out)["decisions"][0]["procedures"]] == ["1.000002"]
    wipe_catalogue()
    call("import_catalogue", str(csv_path))
    assert in_force_dump() == before
    wipe_catalogue()
    call("import_catalogue", str(json_path))
    assert in_force_dump() == before
