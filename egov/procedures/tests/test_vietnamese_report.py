import pytest
from django.utils import translation

from egov.procedures.services import import_catalogue
from egov.procedures.tests.documents import decision, document, entry


@pytest.mark.django_db
def test_errors_are_reported_in_vietnamese_by_default():
    bad = entry("1.000001")
    bad["steps"][0]["hours"] = "2"
    with translation.override("vi"):
        report = import_catalogue(document(decision("7/QĐ-UBND", bad)), imported_by=None, dry_run=True)
        lines = report.error_lines()

    assert len(lines) == 1
    assert "dòng 1" in lines[0]
    assert "ngày làm việc" in lines[0]
