"""The outbox survives a long outage: waits that grow to an hour, at least a day of retries, then
given up for an administrator, who sends the rows again."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.core.models import AuditEntry
from egov.dossiers import outbox, services
from egov.dossiers.models import Notification, PortalSync
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.integrations.errors import IntegrationUnavailable
from egov.integrations.national_portal import SyncReceipt
from egov.integrations.sms import SmsReceipt
from egov.organization.models import Role
from egov.organization.tests.factories import make_member, make_user

HOUR = dt.timedelta(hours=1)


class Outage:
    """The SMS gateway and the national portal, both down until `up` is set."""

    def __init__(self) -> None:
        self.up = False
        self.sms: list[str] = []
        self.pushes: list[int] = []

    def send_sms(self, phone: str, text: str) -> SmsReceipt:
        if not self.up:
            raise IntegrationUnavailable("HTTPConnectionPool(host='sms.gov.vn'): Max retries exceeded")
        self.sms.append(phone)
        return SmsReceipt(message_id=f"sms-{len(self.sms)}", status="accepted")

    def push(self, payload) -> SyncReceipt:
        if not self.up:
            raise IntegrationUnavailable("503 Service Unavailable")
        self.pushes.append(payload.TrangThaiHoSo)
        return SyncReceipt(receipt_id=f"p-{len(self.pushes)}", duplicate=False)


@pytest.fixture
def outage(monkeypatch):
    down = Outage()
    monkeypatch.setattr(outbox, "send_sms", down.send_sms)
    monkeypatch.setattr(outbox, "push_dossier_status", down.push)
    return down


@pytest.fixture
def dossier(province):
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.md")
    received = receive(commune_procedure(), province.commune, desk)
    services.forward_dossier(received, by=desk)  # a second portal sync, which must wait for the first
    return received


def run_until(end: dt.datetime, start: dt.datetime) -> list[dt.datetime]:
    """Outbox passes at every moment a row falls due, from `start` to `end`; the moments."""
    passes, now = [], start
    while now <= end:
        _notes, syncs = outbox.deliver_due(now)
        passes.append(now)
        due = [
            *Notification.objects.filter(state="pending").values_list("next_attempt_at", flat=True),
            *PortalSync.objects.filter(state="pending").values_list("next_attempt_at", flat=True),
        ]
        later = [moment for moment in due if moment > now]
        if syncs.sent and len(later) < len(due):
            now += dt.timedelta(seconds=1)  # the dossier's next change was waiting for the one just sent
        elif later:
            now = min(later)
        else:
            break  # nothing left, or only rows waiting behind one given up
    return passes


def test_a_day_long_outage_is_retried_with_growing_waits_and_then_delivered(outage, dossier):
    sms = Notification.objects.get(dossier=dossier, channel="sms")
    start = sms.created_at

    run_until(start + 25 * HOUR, start)

    sms.refresh_from_db()
    first, second = PortalSync.objects.filter(dossier=dossier).order_by("pk")
    assert (sms.state, first.state, second.state) == ("pending", "pending", "pending")
    assert second.attempts == 0  # the later change waits for the earlier one
    # 30 s, 1, 2, 4 … min, then every hour: about 30 tries in 25 hours, not thousands.
    assert 25 <= sms.attempts <= 40
    assert 25 <= first.attempts <= 40
    assert sms.next_attempt_at - (start + 25 * HOUR) <= HOUR

    outage.up = True
    run_until(sms.next_attempt_at + 2 * HOUR, sms.next_attempt_at)

    assert set(Notification.objects.filter(dossier=dossier).values_list("state", flat=True)) == {"sent"}
    syncs = PortalSync.objects.filter(dossier=dossier).order_by("pk")
    assert list(syncs.values_list("state", flat=True)) == ["sent", "sent"]
    assert outage.pushes == [2, 4]  # in order


@pytest.fixture
def admin_client(client, db):
    user = make_user("quantri.outbox", is_superuser=True, is_staff=True)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def test_after_the_retry_window_rows_are_given_up_and_an_administrator_sends_them_again(
    outage, dossier, admin_client, settings
):
    sms = Notification.objects.get(dossier=dossier, channel="sms")
    start = sms.created_at
    run_until(start + (settings.EGOV_OUTBOX_RETRY_HOURS + 2) * HOUR, start)

    sms.refresh_from_db()
    first, second = PortalSync.objects.filter(dossier=dossier).order_by("pk")
    assert (sms.state, first.state, second.state) == ("failed", "failed", "pending")
    assert sms.attempts >= settings.EGOV_OUTBOX_RETRY_HOURS  # hourly at the end
    assert second.attempts == 0  # still waiting behind the one given up: the order is kept
    with translation.override("en"):
        assert sms.error_summary == (
            "The service stayed unreachable through every retry, so egov stopped trying; "
            "an administrator can send it again."
        )

    listed = admin_client.get(reverse("admin:dossiers_notification_changelist"), {"state__exact": "failed"})
    assert listed.status_code == 200
    assert dossier.code in listed.text
    outage.up = True
    for model, pks in (("notification", [sms.pk]), ("portalsync", [first.pk])):
        answer = admin_client.post(
            reverse(f"admin:dossiers_{model}_changelist"), {"action": "_retry_now", "_selected_action": pks}
        )
        assert answer.status_code == 302

    sms.refresh_from_db()
    assert (sms.state, sms.attempts) == ("pending", 0)
    assert sms.retry_until > start + settings.EGOV_OUTBOX_RETRY_HOURS * HOUR
    retries = AuditEntry.objects.filter(action="outbox.sent_again", actor__username="quantri.outbox")
    assert retries.count() == 2

    moment = timezone.now()
    outbox.deliver_due(moment)
    outbox.deliver_due(moment)

    assert Notification.objects.get(pk=sms.pk).state == "sent"
    syncs = PortalSync.objects.filter(dossier=dossier).order_by("pk")
    assert list(syncs.values_list("state", flat=True)) == ["sent", "sent"]
    assert outage.pushes == [2, 4]
