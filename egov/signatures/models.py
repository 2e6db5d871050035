"""Signing certificates, validation reports, remote signing requests and batch signing jobs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SigningCertificate(models.Model):
    """A certificate someone (or a unit's seal) signs with, and where its private key lives.

    The key itself never enters the database: a PKCS#12 file protected by the holder's PIN, a
    PKCS#11 token, or a remote signing service (ND 130/2018, ND 23/2025: the subscriber alone
    controls the private key).
    """

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal")
        SEAL = "seal", _("Organisation seal")

    class Source(models.TextChoices):
        PKCS12 = "pkcs12", _("PKCS#12 file")
        PKCS11 = "pkcs11", _("PKCS#11 token")
        REMOTE = "remote", _("Remote signing")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_certificates",
        verbose_name=_("holder"),
    )
    unit = models.ForeignKey(
        "organization.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signing_certificates",
        verbose_name=_("unit"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.PERSONAL)
    subject = models.CharField(_("subject"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=500)
    serial = models.CharField(_("serial number"), max_length=64)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    certificate_der = models.BinaryField(
        _("certificate (DER)"),
    )
    source = models.CharField(_("key store"), max_length=16, choices=Source, default=Source.PKCS12)
    pkcs12_path = models.CharField(_("PKCS#12 file"), max_length=500, blank=True)
    pkcs11_library = models.CharField(_("PKCS#11 library"), max_length=500, blank=True)
    token_label = models.CharField(_("token label"), max_length=128, blank=True)
    key_label = models.CharField(_("key label"), max_length=128, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(_("revocation reason"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "serial"], name="signing_certificate_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial[:8]}…)"

    @property
    def common_name(self) -> str:
        """The subject's CN: the holder's full name, or the unit's name for a seal."""
        for part in self.subject.split(","):
            if part.startswith("CN="):
                return part[3:].replace("\\", "")
        return self.subject

    @property
    def serial_int(self) -> int:
        return int(self.serial, 16)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_usable(self) -> bool:
        now = timezone.now()
        return not self.is_revoked and self.not_before <= now <= self.not_after


class SignatureValidation(models.Model):
    """The outcome of checking every signature of one version, kept as evidence."""

    class Status(models.TextChoices):
        VALID = "valid", pgettext_lazy("signature", "Valid")
        INVALID = "invalid", _("Invalid")
        INDETERMINATE = "indeterminate", _("Indeterminate")
        UNSIGNED = "unsigned", _("No signature")

    version = models.ForeignKey(
        "documents.DocumentVersion",
        on_delete=models.PROTECT,
        related_name="signature_validations",
        verbose_name=_("document version"),
    )
    validated_at = models.DateTimeField(_("validated at"), default=timezone.now, editable=False)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("validated by"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status)
    # One entry per signature; see validation.SignatureReport for the keys.
    report = models.JSONField(_("validation report"), default=list)

    class Meta:
        verbose_name = _("signature validation")
        verbose_name_plural = _("signature validations")
        ordering = ["-validated_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.version}: {self.status}"


class SigningRequest(models.Model):
    """A signature prepared by egov and completed by an external signer (remote signing)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the signature")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    version = models.ForeignKey(
        "documents.DocumentVersion", on_delete=models.PROTECT, related_name="signing_requests"
    )
    certificate = models.ForeignKey(SigningCertificate, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=8)
    field_name = models.CharField(max_length=64)
    prepared_pdf = models.BinaryField()
    # Where the CMS goes in prepared_pdf, and what must be signed (DER signed attributes).
    reserved_start = models.PositiveBigIntegerField()
    reserved_end = models.PositiveBigIntegerField()
    document_digest = models.BinaryField()
    signed_attributes = models.BinaryField()
    digest = models.BinaryField()
    md_algorithm = models.CharField(max_length=16, default="sha256")
    state = models.CharField(max_length=16, choices=State, default=State.PENDING)
    result = models.ForeignKey(
        "documents.DocumentVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("signing request")
        verbose_name_plural = _("signing requests")

    def __str__(self) -> str:
        return f"{self.version} ({self.state})"


class BatchSigningJob(models.Model):
    """Signing several documents after one PIN entry; progress is read by the page that polls it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey(SigningCertificate, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=8)
    version_ids = models.JSONField(default=list)
    result_ids = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.QUEUED)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("batch signing job")
        verbose_name_plural = _("batch signing jobs")
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=models.F("total")), name="batch_done_lte_total"),
        ]

    def __str__(self) -> str:
        return f"{self.done}/{self.total} ({self.status})"

    @property
    def percent(self) -> int:
        return round(100 * (self.done + self.failed) / self.total) if self.total else 100
