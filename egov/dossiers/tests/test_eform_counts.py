"""A count on an e-form (how many copies) is a whole number, and where a fee line is per copy the
e-form's count is the quantity charged (issue 11 item 3: the e-form decides).

The walk of the demo found "Số bản sao đề nghị cấp" of trích lục hộ tịch (2.000635) taking 2.5
(step 0.01) and the fee charging 1 × 8.000 đ whatever number of copies was asked; the judicial
record's "Số Phiếu yêu cầu thêm" took decimals too. Both are read from the demo catalogue.
"""

import json
from typing import Any

import pytest
from django.urls import reverse

from egov.demo.seed import CATALOGUE_PATH
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import tiny_pdf
from egov.dossiers.tests.online_factories import FORM, citizen
from egov.procedures.models import Procedure, ProcedureVersion
from egov.procedures.services import import_catalogue
from egov.procedures.tests.documents import decision, document

pytestmark = pytest.mark.django_db
WHOLE = "Nhập một số nguyên, không có phần thập phân (ví dụ: 2)."


@pytest.fixture(autouse=True)
def no_population(settings):
    settings.EGOV_POPULATION_URL = "http://127.0.0.1:9/dan-cu/"  # nothing listens: typed by hand


def demo_version(code: str) -> ProcedureVersion:
    """The demo catalogue's latest entry of the procedure, filed at the test commune."""
    catalogue = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    *_, row = (e for d in catalogue["decisions"] for e in d["procedures"] if e["code"] == code)
    row["change"] = "new"
    row = {**row, "levels": ["commune"]}
    row.pop("competent_unit", None)
    report = import_catalogue(document(decision(f"{code}/QĐ-UBND", row)), imported_by=None, dry_run=False)
    assert report.ok, report.error_lines()
    version = Procedure.objects.get(code=code).current_version
    assert version is not None
    return version


def open_draft(client, version: ProcedureVersion):
    owner = citizen()
    client.force_login(owner)
    client.post(reverse("portal:online_start", args=[version.procedure.code]))
    return owner, owner.dossier_drafts.get()


def submit(client, version, draft, unit, **fields):
    data: dict[str, Any] = {"do": "submit", "receiving_unit": unit.pk, **FORM, **fields}
    for paper in version.components.filter(form=""):
        data[f"file_{paper.pk}"] = tiny_pdf()
    return client.post(reverse("portal:online_draft", args=[draft.pk]), data)


TRICH_LUC = {"loai_trich_luc": "Khai sinh", "ho_ten_nguoi_duoc_cap": "Nguyễn Văn An"}


def test_the_copies_asked_are_a_whole_number_input(client, province):
    version = demo_version("2.000635")
    _owner, draft = open_draft(client, version)

    page = client.get(reverse("portal:online_draft", args=[draft.pk])).text

    [so_ban] = [tag for tag in page.split("<input")[1:] if 'name="so_ban"' in tag]
    assert 'step="1"' in so_ban
    assert 'min="1"' in so_ban
    assert "0.01" not in so_ban
    # Nothing to pick beside the e-form: the copies asked are the copies charged.
    assert "phi-fee_quantity_" not in page


def test_two_and_a_half_copies_are_refused_in_vietnamese(client, province):
    version = demo_version("2.000635")
    _owner, draft = open_draft(client, version)

    response = submit(client, version, draft, province.commune, **TRICH_LUC, so_ban="2.5")

    assert response.status_code == 200
    assert WHOLE in response.text
    assert not Dossier.objects.exists()


def test_three_copies_asked_are_charged_three_times(client, province):
    version = demo_version("2.000635")
    owner, draft = open_draft(client, version)

    response = submit(client, version, draft, province.commune, **TRICH_LUC, so_ban="3")

    assert response.status_code == 302, response.text
    dossier = Dossier.objects.get(citizen=owner)
    assert dossier.fee_amount == 24_000
    assert list(dossier.fee_lines.values_list("quantity", "amount")) == [(3, 24_000)]
    assert dossier.events.get(kind="submitted_online").data["form"]["so_ban"] == 3


def test_the_judicial_records_extra_copies_are_whole_too(client, province):
    version = demo_version("2.000488")
    _owner, draft = open_draft(client, version)
    answers = {"loai_phieu": "Phiếu lý lịch tư pháp số 1", "muc_dich": "Xin việc", "doi_tuong": "Công dân"}

    refused = submit(client, version, draft, province.commune, **answers, so_phieu_them="1.5")
    assert refused.status_code == 200
    assert WHOLE in refused.text

    response = submit(client, version, draft, province.commune, **answers, so_phieu_them="2")
    assert response.status_code == 302, response.text
    assert Dossier.objects.get().fee_amount == 210_000
