"""What the simulators remember, so the demo can show what would have reached a national system."""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SimulatorSwitch(models.Model):
    """Makes one simulator answer 503, so the demo and the tests can show retries."""

    class Name(models.TextChoices):
        POPULATION = "population", _("Population database")
        SMS = "sms", _("SMS gateway")
        NATIONAL_PORTAL = "national_portal", _("National public-service portal")

    name = models.CharField(_("simulator"), max_length=32, choices=Name, unique=True)
    failing = models.BooleanField(_("failing (answers 503)"), default=False)

    class Meta:
        verbose_name = _("simulator switch")
        verbose_name_plural = _("simulator switches")

    def __str__(self) -> str:
        return f"{self.get_name_display()}: {'down' if self.failing else 'up'}"

    @classmethod
    def is_failing(cls, name: str) -> bool:
        return cls.objects.filter(name=name, failing=True).exists()


class SimulatedSms(models.Model):
    """One text message the SMS simulator accepted: the demo inbox."""

    class Status(models.TextChoices):
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    message_id = models.UUIDField(_("message id"), default=uuid.uuid4, unique=True, editable=False)
    sender = models.CharField(_("sender"), max_length=32, blank=True)
    phone = models.CharField(_("phone"), max_length=10)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=16, choices=Status)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("simulated SMS")
        verbose_name_plural = _("simulated SMS")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.phone}: {self.text[:40]}"


class SimulatedSync(models.Model):
    """One dossier status push the national-portal simulator accepted."""

    receipt_id = models.UUIDField(_("receipt id"), default=uuid.uuid4, unique=True, editable=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    dossier_code = models.CharField(_("dossier code"), max_length=64, db_index=True)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("simulated portal sync")
        verbose_name_plural = _("simulated portal syncs")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.idempotency_key
