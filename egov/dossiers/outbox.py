"""Deliver what services wrote to the outboxes: applicant notifications and national-portal syncs.

Rows are written in the same transaction as the change they report, so nothing is lost between
commit and delivery; `manage.py run_outbox` (started by `make run`) calls `deliver_due()` every
few seconds. A crash at any point loses nothing: a row stays pending until a delivery succeeds
(at least once; the portal deduplicates by idempotency key).

A failed delivery is tried again after a growing wait (30 s, doubling to at most 1 h: `retry_delay`)
for `EGOV_OUTBOX_RETRY_HOURS` (48 h by default), so a day-long outage of the SMS gateway, the mail
server or the national portal loses nothing. Only then is the row given up ("failed"); an
administrator sends it again from the admin (`send_again`), which gives it a new retry window.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from egov.accounts.models import User
from egov.core import audit
from egov.dossiers.models import Notification, PortalSync
from egov.dossiers.payments import recover_pending_payments
from egov.integrations.errors import IntegrationError, IntegrationRejected, failure_record
from egov.integrations.national_portal import DossierSyncPayload, push_dossier_status, retry_delay
from egov.integrations.sms import send_sms

logger = logging.getLogger(__name__)


def claim_lease() -> dt.timedelta:
    """A claimed row is invisible to other passes for this long; if the outbox dies it comes back.

    Longer than any one delivery may take (EGOV_INTEGRATION_TIMEOUT, EGOV_SMTP_TIMEOUT)."""
    return dt.timedelta(seconds=settings.EGOV_OUTBOX_CLAIM_SECONDS)


# The error of a row given up after its retry window starts with this (errors.FAILURE_MESSAGES).
GAVE_UP = "gave_up"

Outbox = Notification | PortalSync


def retry_window() -> dt.timedelta:
    """How long a row is retried before it is given up."""
    return dt.timedelta(hours=settings.EGOV_OUTBOX_RETRY_HOURS)


def _out_of_time(row: Outbox, now: dt.datetime) -> bool:
    return now >= (row.retry_until or row.created_at + retry_window())


def _given_up(error: BaseException) -> str:
    return f"{GAVE_UP}: {failure_record(error)}"[:1000]


@dataclass
class OutboxReport:
    sent: int = 0
    failed: int = 0
    retried: int = 0


def _claim(model: type[Notification] | type[PortalSync], pk: int, now: dt.datetime) -> bool:
    """Take a row for this worker with a conditional UPDATE; False if another worker got it first."""
    return bool(
        model.objects.filter(pk=pk, state="pending", next_attempt_at__lte=now).update(
            next_attempt_at=now + claim_lease(), attempts=F("attempts") + 1
        )
    )


def deliver_notifications(now: dt.datetime, *, limit: int = 100) -> OutboxReport:
    report = OutboxReport()
    due = list(
        Notification.objects.filter(state=Notification.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due:
        if not _claim(Notification, pk, now):
            continue
        note = Notification.objects.get(pk=pk)
        try:
            if note.channel == Notification.Channel.EMAIL:
                send_mail(note.subject, note.body, None, [note.recipient])
                provider_id = ""
            else:
                provider_id = send_sms(note.recipient, note.body).message_id
        except (IntegrationError, ValidationError, OSError) as error:
            if isinstance(error, IntegrationRejected | ValidationError):  # never succeeds as it is
                Notification.objects.filter(pk=pk).update(
                    state=Notification.State.FAILED, error=failure_record(error)
                )
                report.failed += 1
            elif _out_of_time(note, now):
                Notification.objects.filter(pk=pk).update(
                    state=Notification.State.FAILED, error=_given_up(error)
                )
                logger.error("notification %s given up after %s attempts", pk, note.attempts)
                report.failed += 1
            else:
                Notification.objects.filter(pk=pk).update(
                    next_attempt_at=now + retry_delay(note.attempts), error=failure_record(error)
                )
                report.retried += 1
            continue
        Notification.objects.filter(pk=pk).update(
            state=Notification.State.SENT, sent_at=timezone.now(), provider_id=provider_id, error=""
        )
        report.sent += 1
    return report


def _payload(sync: PortalSync) -> DossierSyncPayload:
    data = dict(sync.payload)
    for name in ("NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy"):
        if data.get(name):
            data[name] = dt.datetime.fromisoformat(data[name])
    return DossierSyncPayload(idempotency_key=sync.idempotency_key, **data)


def deliver_portal_syncs(now: dt.datetime, *, limit: int = 100) -> OutboxReport:
    """Push status changes in order per dossier: a later change waits while an earlier one is pending
    (or was given up, until an administrator sends it again)."""
    report = OutboxReport()
    candidates: list[int] = []
    seen: set[int] = set(
        PortalSync.objects.filter(state=PortalSync.State.FAILED).values_list("dossier_id", flat=True)
    )
    pending = (
        PortalSync.objects.filter(state=PortalSync.State.PENDING)
        .order_by("pk")
        .values_list("pk", "dossier_id", "next_attempt_at")[: limit * 10]
    )
    for pk, dossier_id, next_attempt_at in pending:
        if dossier_id in seen:
            continue  # an earlier change of this dossier is still pending
        seen.add(dossier_id)
        if next_attempt_at <= now:
            candidates.append(pk)
        if len(candidates) >= limit:
            break
    for pk in candidates:
        if not _claim(PortalSync, pk, now):
            continue
        sync = PortalSync.objects.get(pk=pk)
        try:
            push_dossier_status(_payload(sync))
        except IntegrationRejected as error:
            PortalSync.objects.filter(pk=pk).update(
                state=PortalSync.State.REJECTED, error=failure_record(error)
            )
            report.failed += 1
            continue
        except (IntegrationError, OSError) as error:
            if _out_of_time(sync, now):
                PortalSync.objects.filter(pk=pk).update(state=PortalSync.State.FAILED, error=_given_up(error))
                logger.error("portal sync %s given up after %s attempts", sync.idempotency_key, sync.attempts)
                report.failed += 1
            else:
                PortalSync.objects.filter(pk=pk).update(
                    next_attempt_at=now + retry_delay(sync.attempts), error=failure_record(error)
                )
                report.retried += 1
            continue
        PortalSync.objects.filter(pk=pk).update(state=PortalSync.State.SENT, sent_at=timezone.now(), error="")
        report.sent += 1
    return report


def deliver_due(now: dt.datetime | None = None) -> tuple[OutboxReport, OutboxReport]:
    """One pass over both outboxes; safe to run from several workers at once."""
    # No transaction around the loop: each claim and each result is its own short write, and no
    # lock is held while waiting for a mail server or the portal.
    now = now or timezone.now()
    # A payment whose gateway callback never came is confirmed by asking the gateway.
    recover_pending_payments(now)
    return deliver_notifications(now), deliver_portal_syncs(now)


def send_again(rows: QuerySet[Notification] | QuerySet[PortalSync], *, by: User) -> int:
    """An administrator's retry of rows that failed or wait: due now, with a new retry window."""
    now = timezone.now()
    with transaction.atomic():
        chosen = list(rows.exclude(state="sent").values_list("pk", flat=True))
        count = rows.model.objects.filter(pk__in=chosen).update(
            state="pending", attempts=0, next_attempt_at=now, retry_until=now + retry_window()
        )
        if count:
            audit.record(
                actor=by,
                action="outbox.sent_again",
                object_type=rows.model._meta.label_lower,
                after={"ids": chosen},
            )
    return count
