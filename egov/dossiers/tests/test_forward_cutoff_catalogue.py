"""A procedure's own forwarding cut-off comes in with the catalogue, is set in the admin and moves
the forwarding deadline of the dossiers received after it (ND 61/2018 Điều 18; checklist 53)."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from egov.accounts.models import User
from egov.core.models import AuditEntry
from egov.dossiers.models import Dossier
from egov.dossiers.tests.test_views_intake import intake_data
from egov.organization.models import Role
from egov.organization.tests.factories import make_member
from egov.procedures import exchange
from egov.procedures.models import Procedure
from egov.procedures.tests.documents import decision, document, entry
from egov.procedures.tests.test_admin import IMPORT_URL, logged_in, upload

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
# The read-only inlines' management forms, as the browser sends them (no row is posted).
NO_INLINE_ROWS = {
    f"{p}-{k}": "0" for p in ("components", "fees", "steps") for k in ("TOTAL_FORMS", "INITIAL_FORMS")
}
WEDNESDAY_1130 = dt.datetime(2026, 3, 4, 11, 30, tzinfo=VN)


@pytest.fixture(autouse=True)
def no_population(settings):
    settings.EGOV_POPULATION_URL = "http://127.0.0.1:9/dan-cu/"


@pytest.fixture
def admin_client(client):
    return logged_in(
        client, User.objects.create_superuser("quantri.tthc", "qt@example.vn", "mat-khau-dai-123")
    )


def _receive_at_desk(client, province, code: str) -> Dossier:
    version = Procedure.objects.get(code=code).current_version
    client.force_login(make_member(Role.DESK_OFFICER, province.commune, f"motcua.{code[-3:]}"))
    with time_machine.travel(WEDNESDAY_1130, tick=False):
        url = reverse("dossiers:intake") + f"?thu_tuc={code}"
        response = client.post(url, intake_data(version, province.commune))
    assert response.status_code == 302, (
        [str(e) for e in response.context["errors"]] if response.context else ""
    )
    return Dossier.objects.get(procedure__code=code)


def test_an_imported_cut_off_moves_the_forwarding_deadline(admin_client, province):
    doc = document(
        decision("5/QĐ-UBND", entry("1.000111", forward_cutoff="11:00"), entry("1.000222")),
    )
    response = admin_client.post(reverse(IMPORT_URL), {"file": upload(doc, "catalogue.csv")})
    assert response.status_code == 200
    assert response.context["report"].imported, response.context["report"].error_lines()
    assert Procedure.objects.get(code="1.000111").current_version.forward_cutoff == dt.time(11, 0)

    exported = admin_client.get(reverse("admin:procedures_procedure_export"))
    procedures = {p["code"]: p for p in json.loads(exported.content)["decisions"][0]["procedures"]}
    assert procedures["1.000111"]["forward_cutoff"] == "11:00"
    assert "forward_cutoff" not in procedures["1.000222"]
    as_csv = admin_client.get(reverse("admin:procedures_procedure_export") + "?format=csv")
    parsed = exchange.parse_csv(as_csv.content)
    assert parsed.ok
    cutoffs = {e.code: e.version.forward_cutoff for d in parsed.decisions for e in d.entries if e.version}
    assert cutoffs == {"1.000111": dt.time(11, 0), "1.000222": None}

    early = _receive_at_desk(admin_client, province, "1.000111")
    usual = _receive_at_desk(admin_client, province, "1.000222")

    # 11:30 is past this procedure's 11:00: forwarded the next working morning (Thursday).
    assert early.forward_due_at.astimezone(VN).date() == dt.date(2026, 3, 5)
    # Before the 15:00 of ND 61/2018 Điều 18: the same day.
    assert usual.forward_due_at.astimezone(VN).date() == dt.date(2026, 3, 4)


def test_a_bad_cut_off_is_reported_and_nothing_imported(admin_client):
    doc = document(decision("6/QĐ-UBND", entry("1.000333", forward_cutoff="25:00")))

    response = admin_client.post(reverse(IMPORT_URL), {"file": upload(doc)})

    assert not response.context["report"].imported
    assert "forward_cutoff" in response.text
    assert "“25:00” không phải là giờ theo dạng HH:MM." in response.text
    assert not Procedure.objects.exists()


def test_the_admin_sets_a_cut_off_and_only_that(admin_client, province):
    admin_client.post(
        reverse(IMPORT_URL), {"file": upload(document(decision("7/QĐ-UBND", entry("1.000444"))))}
    )
    version = Procedure.objects.get(code="1.000444").current_version
    url = reverse("admin:procedures_procedureversion_change", args=[version.pk])

    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="forward_cutoff"' in page.text
    assert 'name="name"' not in page.text  # the decision's content stays read-only

    response = admin_client.post(url, {"forward_cutoff": "10:00", "name": "Đổi tên", **NO_INLINE_ROWS})

    assert response.status_code == 302, (
        [str(e) for e in response.context["errors"]] if response.context else ""
    )
    version.refresh_from_db()
    assert version.forward_cutoff == dt.time(10, 0)
    assert version.name == "Đăng ký khai sinh 1.000444"
    audit = AuditEntry.objects.get(action="catalogue.forward_cutoff_set")
    assert (audit.before, audit.after) == ({"forward_cutoff": None}, {"forward_cutoff": "10:00"})

    dossier = _receive_at_desk(admin_client, province, "1.000444")
    assert dossier.forward_due_at.astimezone(VN).date() == dt.date(2026, 3, 5)


def test_a_desk_officer_cannot_change_the_cut_off(client, province):
    admin = User.objects.create_superuser("quantri.khac", "k@example.vn", "mat-khau-dai-123")
    logged_in(client, admin).post(
        reverse(IMPORT_URL), {"file": upload(document(decision("8/QĐ-UBND", entry("1.000555"))))}
    )
    version = Procedure.objects.get(code="1.000555").current_version
    officer = make_member(Role.DESK_OFFICER, province.commune, "motcua.cutoff")
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    logged_in(client, officer)

    url = reverse("admin:procedures_procedureversion_change", args=[version.pk])
    response = client.post(url, {"forward_cutoff": "09:00", **NO_INLINE_ROWS})

    assert response.status_code in (302, 403)
    version.refresh_from_db()
    assert version.forward_cutoff is None
