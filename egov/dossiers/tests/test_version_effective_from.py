"""A new procedure version applies from its decision's effective date, not from its import.

ND 63/2010/NĐ-CP Điều 15; vn-standards.md checklist 20. Imported on 15/03, effective 01/04: a
dossier received on 20/03 is received under the old version, one received on 01/04 under the new.
"""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from egov.dossiers.models import Dossier
from egov.dossiers.tests.test_views_intake import intake_data
from egov.organization.models import Role
from egov.organization.tests.factories import make_member
from egov.procedures.models import Procedure
from egov.procedures.services import import_catalogue
from egov.procedures.tests.documents import decision, document, entry

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = "1.000777"
BEFORE = dt.datetime(2026, 3, 20, 9, 0, tzinfo=VN)  # a Friday
AFTER = dt.datetime(2026, 4, 1, 9, 0, tzinfo=VN)  # a Wednesday


@pytest.fixture(autouse=True)
def no_population(settings):
    settings.EGOV_POPULATION_URL = "http://127.0.0.1:9/dan-cu/"


@pytest.fixture
def versions(db):
    old = decision("10/QĐ-UBND", entry(CODE, name="Đăng ký khai sinh (cũ)"), date="2025-07-15")
    new = decision("20/QĐ-UBND", entry(CODE, "amended", name="Đăng ký khai sinh (mới)"), date="2026-03-10")
    new["effective_from"] = "2026-04-01"
    with time_machine.travel(dt.datetime(2026, 3, 15, 9, 0, tzinfo=VN), tick=False):
        for doc in (document(old), document(new)):
            assert import_catalogue(doc, imported_by=None, dry_run=False).ok
    procedure = Procedure.objects.get(code=CODE)
    return {v.number: v for v in procedure.versions.all()}


def _desk(client, unit):
    officer = make_member(Role.DESK_OFFICER, unit, "motcua.hieuluc")
    client.force_login(officer)
    return officer


@pytest.mark.parametrize(("moment", "number"), [(BEFORE, 1), (AFTER, 2)])
def test_the_desk_receives_under_the_version_in_force_that_day(client, province, versions, moment, number):
    _desk(client, province.commune)
    url = reverse("dossiers:intake") + f"?thu_tuc={CODE}"
    with time_machine.travel(moment, tick=False):
        form = client.get(url)
        assert form.status_code == 200
        assert versions[number].name in form.text
        response = client.post(url, intake_data(versions[number], province.commune))

    assert response.status_code == 302
    assert Dossier.objects.get().procedure_version == versions[number]


def test_the_desk_api_receives_under_the_version_in_force_that_day(client, province, versions):
    _desk(client, province.commune)
    body = {
        "procedure": CODE,
        "receiving_unit": province.commune.identifier,
        "applicant": {"name": "Nguyễn Văn An", "id_number": "019090001234", "phone": "0912345678"},
        "outcome": {"decision": "supplement", "missing": ["Tờ khai"], "reason": "Thiếu tờ khai"},
    }
    with time_machine.travel(BEFORE, tick=False):
        before = client.post("/api/v1/dossiers", json.dumps(body), content_type="application/json")
    with time_machine.travel(AFTER, tick=False):
        after = client.post("/api/v1/dossiers", json.dumps(body), content_type="application/json")

    assert before.status_code == 201, before.content
    assert after.status_code == 201, after.content
    numbers = [d.procedure_version.number for d in Dossier.objects.order_by("pk")]
    assert numbers == [1, 2]


def test_the_portal_shows_the_version_in_force_and_announces_the_next(client, versions):
    url = reverse("portal:procedure_detail", args=[CODE])
    with time_machine.travel(BEFORE, tick=False):
        before = client.get(url)
        api = client.get(f"/api/v1/procedures/{CODE}").json()
    with time_machine.travel(AFTER, tick=False):
        after = client.get(url)

    assert "Đăng ký khai sinh (cũ)" in before.text
    assert "Đăng ký khai sinh (mới)" not in before.text.split("upcoming-version")[0]
    assert "Quyết định 20/QĐ-UBND sửa đổi thủ tục này từ ngày 01/04/2026." in before.text
    assert api["name"] == "Đăng ký khai sinh (cũ)"
    assert "Đăng ký khai sinh (mới)" in after.text
    assert "01/04/2026" in after.text
    assert "upcoming-version" not in after.text
