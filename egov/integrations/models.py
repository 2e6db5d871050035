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
        PAYMENT = "payment", _("Payment gateway")

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


class SimulatedPayment(models.Model):
    """One order the payment-gateway simulator was asked to collect, and what the "citizen" chose."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the customer")
        PAID = "paid", _("paid")
        CANCELLED = "cancelled", _("cancelled")

    order_id = models.CharField(_("order"), max_length=100, unique=True)
    merchant = models.CharField(_("merchant"), max_length=32)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    order_info = models.CharField(_("description"), max_length=255, blank=True)
    return_url = models.URLField(max_length=500)
    ipn_url = models.URLField(max_length=500)
    expires_at = models.DateTimeField(_("expires at"))
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.PENDING)
    transaction_no = models.CharField(_("transaction number"), max_length=20, blank=True)
    callback_sent = models.BooleanField(_("callback delivered"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("simulated payment")
        verbose_name_plural = _("simulated payments")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.amount:,} đ ({self.status})"


class SimulatedOidcGrant(models.Model):
    """One consent given at the VNeID simulator: its authorization code, then its access token.

    Kept in the database (not in a process's memory) so that any worker can redeem the code, and
    so that a code is redeemed only once. Only hashes of the code and the token are stored.
    """

    code_hash = models.CharField(max_length=64, unique=True)
    client_id = models.CharField(max_length=200)
    redirect_uri = models.CharField(max_length=1000)
    code_challenge = models.CharField(max_length=128)
    nonce = models.CharField(max_length=255, blank=True)
    national_id = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    code_expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)
    access_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("simulated VNeID grant")
        verbose_name_plural = _("simulated VNeID grants")

    def __str__(self) -> str:
        return f"{self.client_id}: {self.national_id}"
