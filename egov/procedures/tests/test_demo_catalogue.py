from pathlib import Path

import pytest

from egov.demo.seed import seed_levels, seed_units
from egov.procedures import exchange, services
from egov.procedures.models import ProcedureVersion
from egov.procedures.queries import sectors_in_force

DEMO = Path(__file__).resolve().parents[1] / "demo" / "catalogue.json"


@pytest.mark.django_db
def test_demo_catalogue_imports_cleanly():
    if not DEMO.exists():
        pytest.skip("the demo catalogue has not been written yet")
    # The catalogue names its competent units by identifier.
    seed_units(seed_levels())

    report = services.import_catalogue(
        exchange.parse_json(DEMO.read_bytes()), imported_by=None, dry_run=False
    )

    assert report.ok, "\n".join(report.error_lines())
    assert ProcedureVersion.objects.in_force().count() >= 50
    assert sectors_in_force().count() >= 8
