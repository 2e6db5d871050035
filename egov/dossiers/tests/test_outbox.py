"""Notifications and national-portal syncs leave through the outbox: at least once, in order, none lost."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection

from egov.dossiers import services
from egov.dossiers.models import Notification, PortalSync
from egov.dossiers.outbox import deliver_due
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.integrations.models import SimulatedSms, SimulatedSync, SimulatorSwitch
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(django_settings.BASE_DIR)


@pytest.fixture
def simulators(settings, live_server):
    """The SMS gateway and the national portal, spoken to over HTTP (egov's own simulators)."""
    settings.EGOV_SMS_URL = f"{live_server.url}/mo-phong/sms/"
    settings.EGOV_NATIONAL_PORTAL_URL = f"{live_server.url}/mo-phong/dvcqg/"
    # The live server's first request loads every URL module; do not mistake that for an outage.
    settings.EGOV_INTEGRATION_TIMEOUT = 30
    return live_server


@pytest.fixture
def dossier(province):
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.ob")
    return receive(commune_procedure(), province.commune, desk)


def test_notifications_are_sent_by_email_and_sms(simulators, dossier):
    notifications, syncs = deliver_due()

    assert (notifications.sent, syncs.sent) == (2, 1)
    assert [m.to for m in mail.outbox] == [["an@example.vn"]]
    assert dossier.code in mail.outbox[0].subject
    sms = SimulatedSms.objects.get()
    assert sms.phone == "0912345678"
    assert dossier.code in sms.text
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}


def test_portal_syncs_go_in_order_and_survive_an_outage(simulators, dossier, province):
    desk = dossier.events.first().actor
    services.forward_dossier(dossier, by=desk)
    SimulatorSwitch.objects.update_or_create(
        name=SimulatorSwitch.Name.NATIONAL_PORTAL, defaults={"failing": True}
    )

    _notes, syncs = deliver_due()

    assert (syncs.sent, syncs.retried) == (0, 1)  # only the first change is tried; the second waits
    first, second = PortalSync.objects.order_by("pk")
    assert (first.state, first.attempts, second.attempts) == ("pending", 1, 0)
    assert "503" in first.error or first.error

    SimulatorSwitch.objects.filter(name=SimulatorSwitch.Name.NATIONAL_PORTAL).update(failing=False)
    PortalSync.objects.update(next_attempt_at=first.created_at)  # the back-off has passed
    deliver_due()
    deliver_due()

    assert list(PortalSync.objects.order_by("pk").values_list("state", flat=True)) == ["sent", "sent"]
    statuses = list(
        SimulatedSync.objects.order_by("received_at").values_list("payload__TrangThaiHoSo", flat=True)
    )
    assert statuses == [2, 4]


def test_a_repeated_push_is_not_stored_twice(simulators, dossier):
    deliver_due()
    # As if the worker died after sending, before recording it.
    PortalSync.objects.update(state="pending", next_attempt_at=PortalSync.objects.get().created_at)

    deliver_due()

    assert SimulatedSync.objects.count() == 1
    assert PortalSync.objects.get().state == "sent"


def test_a_bad_phone_number_fails_without_retrying(simulators, dossier):
    Notification.objects.filter(channel="sms").update(recipient="12345")

    notifications, _syncs = deliver_due()

    assert notifications.failed == 1
    assert Notification.objects.get(channel="sms").state == "failed"


def test_an_unreachable_sms_gateway_reads_as_a_sentence_on_the_dossier_page(settings, dossier, client):
    settings.EGOV_SMS_URL = "http://127.0.0.1:9/sms/"  # nothing listens on the discard port

    notifications, _syncs = deliver_due()

    assert notifications.retried == 1
    sms = Notification.objects.get(channel="sms")
    assert sms.error.startswith("unavailable: ")  # the technical detail stays for the administrator
    desk = dossier.events.get(kind="received").actor
    client.force_login(desk)
    page = client.get(f"/can-bo/ho-so/{dossier.code}/")
    assert "Không kết nối được dịch vụ; hệ thống sẽ tự động gửi lại." in page.text
    assert "HTTPConnectionPool" not in page.text
    assert "ConnectionError" not in page.text


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"


def test_killing_the_worker_loses_no_notification(simulators, dossier, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "EGOV_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EGOV_VAR_DIR": str(tmp_path),
        "EGOV_SMS_URL": f"{simulators.url}/mo-phong/sms/",
        "EGOV_NATIONAL_PORTAL_URL": f"{simulators.url}/mo-phong/dvcqg/",
        "EGOV_INTEGRATION_TIMEOUT": "30",
    }
    command = [sys.executable, "manage.py", "run_outbox", "--interval", "0.2"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
    time.sleep(0.3)
    worker.send_signal(signal.SIGKILL)  # killed before or while it works
    worker.wait(timeout=10)

    restarted = subprocess.run(
        [sys.executable, "manage.py", "run_outbox", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert restarted.returncode == 0, restarted.stderr.decode()[-2000:]

    assert restarted.returncode == 0
    Notification.objects.filter(state="pending").update(
        next_attempt_at=Notification.objects.first().created_at
    )
    assert set(Notification.objects.values_list("state", flat=True)) <= {"sent", "pending"}
    subprocess.run(
        [sys.executable, "manage.py", "run_outbox", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}
    assert SimulatedSms.objects.filter(phone="0912345678").count() >= 1
