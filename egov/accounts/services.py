"""Staff authentication: password step with lockout, TOTP two-factor, password changes, API tokens.

Every write here leaves an audit entry. The lockout counter is changed only by conditional
UPDATEs, so concurrent attempts cannot slip past the limit between a read and a write.
"""

import enum
import re
from base64 import b32encode
from datetime import datetime, timedelta
from typing import Any

import django_otp
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import ApiToken, User, hash_token
from egov.core import audit
from egov.integrations.sms import normalise_phone

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
ENROLMENT_DEVICE_NAME = "egov"
# Writing last_used_at on every API call would turn each read into a write; a minute is precise
# enough to tell whether an integration is still alive.
TOKEN_LAST_USED_GRANULARITY = timedelta(minutes=1)


class Refusal(enum.StrEnum):
    INVALID = "invalid"
    LOCKED = "locked"
    THROTTLED = "throttled"


class LoginRefusedError(Exception):
    """A login step was refused; `message` is safe to show (it never tells which part was wrong)."""

    def __init__(self, refusal: Refusal, *, locked_until: datetime | None = None) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal
        self.locked_until = locked_until

    @property
    def message(self) -> str:
        if self.refusal is Refusal.LOCKED and self.locked_until is not None:
            until = formats.date_format(timezone.localtime(self.locked_until), "d/m/Y H:i")
            return _(
                "This account is locked after too many failed login attempts. "
                "Try again after %(until)s or reset your password."
            ) % {"until": until}
        if self.refusal is Refusal.THROTTLED:
            return _("Too many wrong codes in a row. Wait a few seconds and try again.")
        return _("The username or password is incorrect.")


class InvalidCodeError(Exception):
    """The one-time code was wrong (outside the login flow, where no lockout applies)."""


class WrongPasswordError(Exception):
    """A password confirmation did not match."""


class TwoFactorRequiredError(Exception):
    """Administrators may not switch two-factor login off."""


# --- Lockout ------------------------------------------------------------------------------------


def _unlocked(now: datetime) -> Q:
    return Q(locked_until__isnull=True) | Q(locked_until__lte=now)


def _locked_until(user: User) -> datetime | None:
    return User.objects.filter(pk=user.pk).values_list("locked_until", flat=True).first()


@transaction.atomic
def record_failed_attempt(user: User, *, reason: str) -> datetime | None:
    """Count one failed attempt; lock the account when it reaches the limit.

    Returns the end of the lock if this attempt caused it. The counter restarts at zero when the
    lock is set, so the account gets a full allowance again once the lock has run out.
    """
    now = timezone.now()
    User.objects.filter(Q(pk=user.pk) & _unlocked(now)).update(failed_login_count=F("failed_login_count") + 1)
    until = now + timedelta(minutes=settings.EGOV_LOGIN_LOCKOUT_MINUTES)
    # Only the attempt that crosses the limit matches here; a concurrent one sees count 0.
    locked = User.objects.filter(
        Q(pk=user.pk) & _unlocked(now),
        failed_login_count__gte=settings.EGOV_LOGIN_MAX_FAILURES,
    ).update(locked_until=until, failed_login_count=0)
    audit.record(actor=None, action="auth.login_failed", target=user, after={"reason": reason})
    if locked:
        audit.record(
            actor=None,
            action="auth.locked",
            target=user,
            after={"locked_until": until, "failures": settings.EGOV_LOGIN_MAX_FAILURES},
        )
        return until
    return None


@transaction.atomic
def unlock_user(user: User, *, unlocked_by: User | None) -> None:
    """Lift a lock and clear the failure counter (an administrator's decision)."""
    before = audit.snapshot(user, ["failed_login_count", "locked_until"])
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
    user.failed_login_count, user.locked_until = 0, None
    audit.record(actor=unlocked_by, action="auth.unlocked", target=user, before=before)


# --- Login --------------------------------------------------------------------------------------


def check_password_step(*, username: str, password: str) -> User:
    """Return the user if the password is right and the account may log in; else LoginRefusedError.

    Unknown usernames, inactive accounts and wrong passwords give the same refusal, so the form
    cannot be used to find out which accounts exist.
    """
    user = user_for_login_name(username)
    if user is None:
        # Run the hasher anyway so the response time does not reveal that the name is unknown.
        User().set_password(password)
        audit.record(
            actor=None,
            action="auth.login_failed",
            object_type="accounts.user",
            after={"reason": "unknown_user", "username": username[:150]},
        )
        raise LoginRefusedError(Refusal.INVALID)
    if not user.is_active:
        user.check_password(password)
        audit.record(actor=None, action="auth.login_failed", target=user, after={"reason": "inactive"})
        raise LoginRefusedError(Refusal.INVALID)
    if user.is_locked():
        audit.record(actor=None, action="auth.login_failed", target=user, after={"reason": "locked"})
        raise LoginRefusedError(Refusal.LOCKED, locked_until=user.locked_until)
    if not user.check_password(password):
        until = record_failed_attempt(user, reason="password")
        if until is not None:
            raise LoginRefusedError(Refusal.LOCKED, locked_until=until)
        raise LoginRefusedError(Refusal.INVALID)
    return user


def must_use_two_factor(user: User) -> bool:
    """Administrators (those who reach the Django admin) must log in with a second factor."""
    return user.is_staff or user.is_superuser


def confirmed_device(user: User) -> Any:
    """The user's confirmed TOTP device, or None."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def verify_login_code(user: User, device: Any, code: str) -> None:
    """Check a code during login; a wrong one counts towards the lockout like a wrong password."""
    if user.is_locked():
        raise LoginRefusedError(Refusal.LOCKED, locked_until=user.locked_until)
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        # django-otp's own back-off after a wrong code; not a new guess, so not counted.
        raise LoginRefusedError(Refusal.THROTTLED)
    if not device.verify_token(code):
        until = record_failed_attempt(user, reason="otp")
        if until is not None:
            raise LoginRefusedError(Refusal.LOCKED, locked_until=until)
        raise LoginRefusedError(Refusal.INVALID)


@transaction.atomic
def complete_login(request: HttpRequest, user: User, *, device: Any = None) -> None:
    """Log the user in (verified by `device` if given) and reset the failure counter.

    The reset is conditional on the account not being locked, so an attempt that passed its
    checks while a parallel one locked the account is still refused.
    """
    now = timezone.now()
    if not User.objects.filter(Q(pk=user.pk) & _unlocked(now)).update(
        failed_login_count=0, locked_until=None
    ):
        raise LoginRefusedError(Refusal.LOCKED, locked_until=_locked_until(user))
    user.failed_login_count, user.locked_until = 0, None
    auth_login(request, user, backend=MODEL_BACKEND)
    if device is not None:
        django_otp.login(request, device)
    audit.record(actor=user, action="auth.login", target=user, after={"two_factor": device is not None})


def record_logout(user: User) -> None:
    audit.record(actor=user, action="auth.logout", target=user)


# --- Two-factor enrolment -----------------------------------------------------------------------


def start_enrolment(user: User) -> Any:
    """The unconfirmed TOTP device being set up, created on first use.

    Reusing it keeps the QR code stable when the page is reloaded. It proves nothing until
    confirmed, so it is not audited.
    """
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=ENROLMENT_DEVICE_NAME, confirmed=False)
    return device


def secret_for_manual_entry(device: Any) -> str:
    """The base32 secret in groups of four, for authenticator apps without a camera."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def confirm_enrolment(user: User, device: Any, code: str, *, during_login: bool) -> None:
    """Confirm the device with a code from the app.

    During login a wrong code counts towards the lockout (LoginRefusedError); from the security page
    the user is already logged in, so it is only InvalidCodeError. The check stays outside the
    transaction so that a refusal does not roll back the failure it counted.
    """
    if during_login:
        verify_login_code(user, device, code)
    elif not device.verify_token(code):
        raise InvalidCodeError
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # Other half-finished enrolments would otherwise linger with secrets nobody uses.
        TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
        audit.record(actor=user, action="auth.2fa_enabled", target=user, after={"device": device.pk})


@transaction.atomic
def disable_two_factor(user: User, *, password: str) -> None:
    """Remove the user's TOTP devices after re-checking the password."""
    if must_use_two_factor(user):
        raise TwoFactorRequiredError
    if not user.check_password(password):
        raise WrongPasswordError
    TOTPDevice.objects.devices_for_user(user).delete()
    audit.record(actor=user, action="auth.2fa_disabled", target=user)


# --- Passwords ----------------------------------------------------------------------------------


@transaction.atomic
def reset_password(user: User, *, new_password: str) -> None:
    """Set a password from a reset link; proving control of the e-mail also lifts a lockout."""
    user.set_password(new_password)
    user.failed_login_count, user.locked_until = 0, None
    user.save(update_fields=["password", "failed_login_count", "locked_until"])
    audit.record(actor=user, action="auth.password_reset", target=user)


@transaction.atomic
def change_password(user: User, *, new_password: str) -> None:
    """Set a new password for a logged-in user who gave the old one."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit.record(actor=user, action="auth.password_changed", target=user)


# --- API tokens ---------------------------------------------------------------------------------


@transaction.atomic
def create_api_token(user: User, *, name: str, created_by: User | None) -> tuple[ApiToken, str]:
    """Create a token for `user`; the raw value is returned here once and never stored."""
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:8], token_hash=hash_token(raw))
    audit.record(
        actor=created_by,
        action="api_token.created",
        target=token,
        after={"user": user.pk, "name": name, "prefix": token.prefix},
    )
    return token, raw


@transaction.atomic
def revoke_api_token(token: ApiToken, *, revoked_by: User | None) -> None:
    """Revoke a token; revoking twice keeps the first time."""
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=revoked_by,
        action="api_token.revoked",
        target=token,
        after={"revoked_at": token.revoked_at},
    )


def authenticate_api_token(raw: str) -> User | None:
    """The active user a raw token belongs to, or None if it is unknown, revoked or inactive."""
    if not raw or not raw.isascii():
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at <= now - TOKEN_LAST_USED_GRANULARITY:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - TOKEN_LAST_USED_GRANULARITY)
        ).update(last_used_at=now)
    return token.user


# --- Login names --------------------------------------------------------------------------------

_ID_NUMBER = re.compile(r"[0-9]{12}")


def user_for_login_name(name: str) -> User | None:
    """The account a login name means: a username, or a citizen's ID number, e-mail or mobile.

    Citizens remember their personal identification number, e-mail or phone better than a
    username. A name that fits more than one citizen means nobody, so no one logs in as a
    stranger who happens to share a contact.
    """
    user = User.objects.filter(username=name).first()
    if user is not None:
        return user
    name = name.strip()
    citizens = User.objects.filter(kind=User.Kind.CITIZEN)
    if _ID_NUMBER.fullmatch(name):
        candidates = citizens.filter(national_id=name)
    elif "@" in name:
        candidates = citizens.filter(email__iexact=name)
    else:
        try:
            phone = normalise_phone(name)
        except ValidationError:
            return None
        candidates = citizens.filter(phone=phone)
    matches = list(candidates[:2])
    return matches[0] if len(matches) == 1 else None
