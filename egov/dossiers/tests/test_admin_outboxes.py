"""Failed pushes to the national portal are visible to the administrator, who can send them again."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.dossiers.models import PortalSync
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member, make_user


@pytest.fixture
def superuser_client(client, db):
    user = make_user("sieuquantri", is_superuser=True, is_staff=True)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def test_rejected_syncs_are_listed_with_their_error_and_can_be_retried(superuser_client, province):
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.adm")
    dossier = receive(commune_procedure(), province.commune, desk)
    PortalSync.objects.filter(dossier=dossier).update(state="rejected", error="MaTTHC không tồn tại")
    url = reverse("admin:dossiers_portalsync_changelist")

    page = superuser_client.get(url, {"state__exact": "rejected"})
    assert page.status_code == 200
    assert "MaTTHC không tồn tại" in page.content.decode()

    sync = PortalSync.objects.get(dossier=dossier)
    superuser_client.post(url, {"action": "_retry_now", "_selected_action": [sync.pk]})
    sync.refresh_from_db()
    assert sync.state == "pending"
