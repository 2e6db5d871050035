import hashlib
import secrets
import uuid
from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who logs in: a civil servant (staff) or a citizen / business representative.

    One model for both, so that a civil servant who files a dossier for themselves is one person
    with one history; what they may do comes from memberships (organization), not from here.
    """

    class Kind(models.TextChoices):
        STAFF = "staff", _("Civil servant")
        CITIZEN = "citizen", _("Citizen")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind, default=Kind.STAFF)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # Số định danh cá nhân (12-digit personal identification number, Luật Căn cước 2023).
    national_id = models.CharField(_("personal identification number"), max_length=12, blank=True)
    preferred_language = models.CharField(_("language"), max_length=8, default="vi")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"],
                condition=~models.Q(national_id=""),
                name="user_national_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_citizen(self) -> bool:
        return self.kind == self.Kind.CITIZEN


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


class ApiToken(models.Model):
    """A bearer token an integration uses for the API; only its hash is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_raw_token() -> str:
        return "egov_" + secrets.token_urlsafe(32)


# --- Citizen accounts (issue 5, item 1) -----------------------------------------------------------


class OneTimeCode(models.Model):
    """A 6-digit code sent to an e-mail address or a mobile number to prove the person controls it.

    Only a hash is stored. A resend replaces the code in the same row and keeps the attempt count,
    so asking for new codes does not buy more guesses.
    """

    class Purpose(models.TextChoices):
        REGISTRATION = "registration", _("registration")

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel)
    target = models.CharField(_("sent to"), max_length=254, db_index=True)
    code_hash = models.CharField(max_length=256, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")

    def __str__(self) -> str:
        return f"{self.purpose} → {self.channel}"


class PendingRegistration(models.Model):
    """What a citizen typed on the registration form, waiting for the code that proves the contact.

    The password is kept hashed only; the account is created when the code is confirmed.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("full name"), max_length=150)
    national_id = models.CharField(_("personal identification number"), max_length=12)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    password_hash = models.CharField(max_length=256, editable=False)
    code = models.OneToOneField(OneTimeCode, on_delete=models.PROTECT, related_name="registration")
    created_at = models.DateTimeField(default=timezone.now)
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="registration"
    )

    class Meta:
        verbose_name = _("pending registration")
        verbose_name_plural = _("pending registrations")

    def __str__(self) -> str:
        return self.full_name


class CitizenIdentity(models.Model):
    """A login identity at an OpenID Connect provider (VNeID) linked to an account.

    The provider's subject identifies the person; the national ID number is what VNeID vouched for
    (Nghị định 69/2024/NĐ-CP: the electronic identification account of the citizen).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="identities")
    issuer = models.URLField(_("provider"), max_length=300)
    subject = models.CharField(_("subject at the provider"), max_length=255)
    national_id = models.CharField(_("personal identification number"), max_length=12, blank=True)
    level = models.CharField(_("identification level"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("linked at"), default=timezone.now)
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)

    class Meta:
        verbose_name = _("VNeID identity")
        verbose_name_plural = _("VNeID identities")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="citizen_identity_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"


class Organisation(models.Model):
    """An enterprise or other organisation that files through its people.

    The tax code is the enterprise code (mã số doanh nghiệp = mã số thuế, Luật Doanh nghiệp 2020
    Điều 29): 10 digits, or 10 + "-" + 3 for a branch (Thông tư 105/2020/TT-BTC Điều 5).
    """

    name = models.CharField(_("name"), max_length=300)
    tax_code = models.CharField(_("tax code"), max_length=14, unique=True)
    address = models.CharField(_("address"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})"


class Representation(models.Model):
    """A person who may act for an organisation: its legal representative or someone authorised.

    An authorised person's filings are tied to whoever authorised them (ND 69/2024/NĐ-CP, the
    electronic identification account of the authorising person), so `authorised_by` is kept.
    """

    class Role(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_representative", _("legal representative")
        AUTHORISED_PERSON = "authorised_person", _("authorised person")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="representations")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="representations")
    role = models.CharField(_("role"), max_length=32, choices=Role)
    authorised_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="authorisations_granted"
    )
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    document_reference = models.CharField(_("document reference"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("representation")
        verbose_name_plural = _("representations")
        ordering = ["valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="legal_representative", authorised_by__isnull=True)
                | models.Q(role="authorised_person", authorised_by__isnull=False),
                name="representation_authoriser_matches_role",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="representation_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.role})"

    def is_valid_at(self, moment: datetime) -> bool:
        return self.valid_from <= moment and (self.valid_until is None or moment < self.valid_until)

    @property
    def has_ended(self) -> bool:
        return self.valid_until is not None and self.valid_until <= timezone.now()
