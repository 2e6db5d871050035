import json
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import User
from egov.procedures import exchange
from egov.procedures.models import Procedure, ProcedureVersion
from egov.procedures.tests.documents import decision, document, entry, row_counts

IMPORT_URL = "admin:procedures_procedure_import"


def logged_in(client: Client, user: User) -> Client:
    """Log in and pass two-factor verification, in case the admin site requires OTP."""
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def superuser_client(client, db):
    user = User.objects.create_superuser("sieuquantri", "quantri@example.vn", "mat-khau-dai-123")
    return logged_in(client, user)


def upload(doc: dict[str, Any], name: str = "catalogue.json") -> SimpleUploadedFile:
    text = exchange.to_csv(doc) if name.endswith(".csv") else json.dumps(doc, ensure_ascii=False)
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/octet-stream")


def test_changelist_links_to_import_and_export(superuser_client):
    response = superuser_client.get(reverse("admin:procedures_procedure_changelist"))

    assert response.status_code == 200
    assert reverse(IMPORT_URL) in response.text
    assert reverse("admin:procedures_procedure_export") in response.text


def test_import_screen_shows_every_error_and_imports_nothing(superuser_client):
    doc = document(
        decision(
            "1/QĐ-UBND",
            entry("1.000001"),
            entry("1.000002", fees=[{"description": "Phí", "amount": -1}]),
            entry("1.000003", steps=[{"name": "Duyệt", "role": "boss", "hours": "8"}]),
        )
    )
    before = row_counts()

    response = superuser_client.post(reverse(IMPORT_URL), {"file": upload(doc)})

    assert response.status_code == 200
    assert response.context["report"].imported is False
    assert response.text.count('class="catalogue-error"') == 2
    assert "fees[1].amount" in response.text
    assert "steps[1].role" in response.text
    assert row_counts() == before


def test_import_screen_dry_run_then_import(superuser_client):
    doc = document(decision("1/QĐ-UBND", entry("1.000001"), entry("1.000002")))

    response = superuser_client.post(
        reverse(IMPORT_URL), {"file": upload(doc, "catalogue.csv"), "dry_run": "on"}
    )
    assert response.status_code == 200
    assert response.context["report"].ok
    assert not Procedure.objects.exists()

    response = superuser_client.post(reverse(IMPORT_URL), {"file": upload(doc)})
    assert response.status_code == 200
    assert response.context["report"].imported
    assert Procedure.objects.count() == 2


def test_export_link_downloads_the_catalogue(superuser_client):
    superuser_client.post(
        reverse(IMPORT_URL), {"file": upload(document(decision("1/QĐ-UBND", entry("1.000001"))))}
    )

    response = superuser_client.get(reverse("admin:procedures_procedure_export"))
    as_csv = superuser_client.get(reverse("admin:procedures_procedure_export") + "?format=csv")

    assert response.status_code == 200
    assert json.loads(response.content)["decisions"][0]["procedures"][0]["code"] == "1.000001"
    assert as_csv["Content-Type"].startswith("text/csv")
    assert exchange.parse_csv(as_csv.content).ok


def test_versions_are_view_only(superuser_client):
    superuser_client.post(
        reverse(IMPORT_URL), {"file": upload(document(decision("1/QĐ-UBND", entry("1.000001"))))}
    )
    version = ProcedureVersion.objects.get()

    page = superuser_client.get(reverse("admin:procedures_procedureversion_change", args=[version.pk]))
    add = superuser_client.get(reverse("admin:procedures_procedureversion_add"))
    changed = superuser_client.post(
        reverse("admin:procedures_procedureversion_change", args=[version.pk]), {"name": "Khác"}
    )

    assert page.status_code == 200
    assert "Tiếp nhận, kiểm tra hồ sơ" in page.text
    assert add.status_code == 403
    # Only the province's forwarding cut-off is editable (test_forward_cutoff_catalogue.py).
    assert changed.status_code != 302
    version.refresh_from_db()
    assert version.name != "Khác"
    for name in ("procedure", "publicationdecision", "sector"):
        listing = superuser_client.get(reverse(f"admin:procedures_{name}_changelist"))
        assert listing.status_code == 200
    for name, pk in (("procedure", version.procedure_id), ("publicationdecision", version.decision_id)):
        detail = superuser_client.get(reverse(f"admin:procedures_{name}_change", args=[pk]))
        assert detail.status_code == 200
        assert version.name in detail.text


@pytest.mark.django_db
def test_import_needs_the_add_procedure_permission(client):
    staff = User.objects.create_user("nhanvien", password="mat-khau-dai-123", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_procedure"))
    logged_in(client, staff)

    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert reverse(IMPORT_URL) not in client.get(reverse("admin:procedures_procedure_changelist")).text

    staff.user_permissions.add(Permission.objects.get(codename="add_procedure"))
    assert client.get(reverse(IMPORT_URL)).status_code == 200


def test_the_provinces_administrator_opens_and_imports_the_catalogue(client, admin_user):
    """quantri holds no ticked permission: the administrator role grants them (organization.backends)."""
    logged_in(client, admin_user)

    listing = client.get(reverse("admin:procedures_procedure_changelist"))
    response = client.post(
        reverse(IMPORT_URL), {"file": upload(document(decision("1/QĐ-UBND", entry("1.000001"))))}
    )

    assert listing.status_code == 200
    assert reverse(IMPORT_URL) in listing.text
    assert response.status_code == 200
    assert response.context["report"].imported
    assert Procedure.objects.filter(code="1.000001").exists()
    assert client.get(reverse("admin:procedures_procedure_export")).status_code == 200


def test_a_specialist_and_a_citizen_are_refused_the_catalogue(client, specialist, citizen):
    for user in (specialist, citizen):
        logged_in(client, user)

        assert client.get(reverse("admin:procedures_procedure_changelist")).status_code == 403
        assert client.get(reverse(IMPORT_URL)).status_code == 403
