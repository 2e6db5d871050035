"""The admin shows documents read-only: versions are immutable."""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import User


@pytest.fixture
def superuser_client(client, db):
    user = User.objects.create_superuser("sieuquantri", "quantri@example.vn", "mat-khau-dai-123")
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_documents_are_read_only_in_the_admin(superuser_client, document):
    version = document.current_version

    changelist = superuser_client.get(reverse("admin:documents_document_changelist"))
    change = superuser_client.get(reverse("admin:documents_documentversion_change", args=[version.pk]))
    jobs = superuser_client.get(reverse("admin:documents_digitisationjob_changelist"))

    assert changelist.status_code == 200
    assert document.title in changelist.text
    assert change.status_code == 200
    assert 'name="_save"' not in change.text
    assert superuser_client.get(reverse("admin:documents_document_add")).status_code == 403
    assert (
        superuser_client.get(reverse("admin:documents_document_delete", args=[document.pk])).status_code
        == 403
    )
    assert jobs.status_code == 200
