"""Authentication: password step with throttling, TOTP two-factor, password changes, API tokens.

Every write here leaves an audit entry. Failed steps are counted by django-axes per (login name,
client address) and per address (egov.accounts.throttle), never per account, so nobody can lock
someone else out; unknown and existing names get the same answer.
"""

import enum
from base64 import b32encode
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import django_otp
from django.contrib.auth import authenticate
from django.contrib.auth import login as auth_login
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts import throttle
from egov.accounts.backends import user_for_login_name
from egov.accounts.models import ApiToken, User, hash_token
from egov.core import audit

LOGIN_BACKEND = "egov.accounts.backends.LoginNameBackend"
ENROLMENT_DEVICE_NAME = "egov"
# Writing last_used_at on every API call would turn each read into a write; a minute is precise
# enough to tell whether an integration is still alive.
TOKEN_LAST_USED_GRANULARITY = timedelta(minutes=1)

__all__ = ["user_for_login_name"]


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
        if self.refusal is Refusal.LOCKED:
            if self.locked_until is None:
                return _("Too many failed login attempts. Try again later or reset your password.")
            until = formats.date_format(timezone.localtime(self.locked_until), "d/m/Y H:i")
            return _(
                "Too many failed login attempts from this device. "
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


class LoginAttempt(NamedTuple):
    """A login in progress: its request (for the client address) and the name that was typed."""

    request: HttpRequest
    name: str


# --- Throttling ---------------------------------------------------------------------------------


def _audit_failure(name: str, reason: str, user: User | None) -> None:
    if user is None:
        audit.record(
            actor=None,
            action="auth.login_failed",
            object_type="accounts.user",
            after={"reason": reason, "username": name[:150]},
        )
    else:
        audit.record(actor=None, action="auth.login_failed", target=user, after={"reason": reason})


def _audit_lock(attempt: LoginAttempt, until: datetime | None, user: User | None) -> None:
    after = {"locked_until": until, "name": throttle.key_for(attempt.name)}
    if user is None:
        audit.record(actor=None, action="auth.locked", object_type="accounts.user", after=after)
    else:
        audit.record(actor=None, action="auth.locked", target=user, after=after)


def _refuse_failed_step(attempt: LoginAttempt, reason: str, user: User | None) -> LoginRefusedError:
    """Count a failed step; the refusal to raise (LOCKED if this failure set the lock)."""
    until = throttle.record_failure(attempt.request, attempt.name)
    _audit_failure(attempt.name, reason, user)
    if until is not None:
        _audit_lock(attempt, until, user)
        return LoginRefusedError(Refusal.LOCKED, locked_until=until)
    return LoginRefusedError(Refusal.INVALID)


@transaction.atomic
def unlock_user(user: User, *, unlocked_by: User | None) -> None:
    """Forget the failures counted against every name of this account (an administrator's decision)."""
    removed = throttle.unlock([user.username, user.national_id, user.email, user.phone])
    audit.record(actor=unlocked_by, action="auth.unlocked", target=user, after={"attempts_removed": removed})


# --- Login --------------------------------------------------------------------------------------


def check_password_step(request: HttpRequest, *, username: str, password: str) -> User:
    """Return the user if the password is right and the account may log in; else LoginRefusedError.

    Unknown names, inactive accounts and wrong passwords get the same refusal, the same status and
    the same hashing work, so the form cannot be used to find out which accounts exist; a locked
    name is refused before any password is checked, whoever it belongs to.
    """
    # axes' backend refuses a locked name; Django then sends user_login_failed, which axes counts.
    user = authenticate(request, username=username, password=password)
    if user is not None:
        return user
    known = user_for_login_name(username)
    if getattr(request, "axes_locked_out", False):
        attempt = LoginAttempt(request, username)
        until = throttle.locked_until(request, username)
        if throttle.lock_began(request):
            _audit_failure(username, _failure_reason(known), known)
            _audit_lock(attempt, until, known)
        else:
            _audit_failure(username, "locked", known)
        raise LoginRefusedError(Refusal.LOCKED, locked_until=until)
    _audit_failure(username, _failure_reason(known), known)
    raise LoginRefusedError(Refusal.INVALID)


def _failure_reason(user: User | None) -> str:
    if user is None:
        return "unknown_user"
    return "password" if user.is_active else "inactive"


def must_use_two_factor(user: User) -> bool:
    """Administrators (those who reach the Django admin) must log in with a second factor."""
    return user.is_staff or user.is_superuser


def confirmed_device(user: User) -> Any:
    """The user's confirmed TOTP device, or None."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def verify_login_code(attempt: LoginAttempt, user: User, device: Any, code: str) -> None:
    """Check a code during login; a wrong one counts like a wrong password, for the same name."""
    until = throttle.locked_until(attempt.request, attempt.name)
    if until is not None:
        raise LoginRefusedError(Refusal.LOCKED, locked_until=until)
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        # django-otp's own back-off after a wrong code; not a new guess, so not counted.
        raise LoginRefusedError(Refusal.THROTTLED)
    if not device.verify_token(code):
        raise _refuse_failed_step(attempt, "otp", user)


@transaction.atomic
def complete_login(
    request: HttpRequest, user: User, *, device: Any = None, attempt: LoginAttempt | None = None
) -> None:
    """Log the user in (verified by `device` if given).

    After a password (`attempt`), a lock set meanwhile by a parallel attempt still refuses, and
    success clears the name's failures at this address. VNeID and a confirmed registration have
    proved who the person is another way and pass no name.
    """
    if attempt is not None:
        until = throttle.locked_until(attempt.request, attempt.name)
        if until is not None:
            raise LoginRefusedError(Refusal.LOCKED, locked_until=until)
        throttle.forget_failures(attempt.request, attempt.name)
    auth_login(request, user, backend=LOGIN_BACKEND)
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


def confirm_enrolment(user: User, device: Any, code: str, *, during_login: LoginAttempt | None) -> None:
    """Confirm the device with a code from the app.

    During login a wrong code counts towards the lockout (LoginRefusedError); from the security page
    the user is already logged in, so it is only InvalidCodeError. The check stays outside the
    transaction so that a refusal does not roll back the failure it counted.
    """
    if during_login is not None:
        verify_login_code(during_login, user, device, code)
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
    """Set a password from a reset link; proving control of the e-mail also lifts every lock."""
    user.set_password(new_password)
    user.save(update_fields=["password"])
    throttle.unlock([user.username, user.national_id, user.email, user.phone])
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
