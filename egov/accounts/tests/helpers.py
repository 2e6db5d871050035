"""Steps the account tests share."""

from typing import Any

from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from egov.accounts.models import User
from egov.accounts.tests.conftest import PASSWORD
from egov.core.models import AuditEntry


def post_login(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password, **extra})


def make_user(username: str, **fields: Any) -> User:
    """A user outside any unit (the role fixtures cover members)."""
    return User.objects.create_user(username=username, password=PASSWORD, **fields)


def code_for(device: TOTPDevice) -> str:
    """The code the user's app shows right now."""
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def make_device(user: User, *, confirmed: bool = True) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=confirmed)


def logged_in_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def force_verified_login(client: Client, user: User, device: TOTPDevice) -> None:
    """A session that has passed both steps, without going through the pages."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def actions(user: User | None = None) -> list[tuple[str, object]]:
    """(action, after) of the audit entries, oldest first; about `user` if given."""
    entries = AuditEntry.objects.order_by("id")
    if user is not None:
        entries = entries.filter(object_type="accounts.user", object_id=str(user.pk))
    return [(e.action, e.after) for e in entries if e.action.startswith(("auth.", "api_token."))]


def error_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def failures(name: str) -> int:
    """Failed steps django-axes counts under this name, from any address (egov.accounts.throttle)."""
    from axes.models import AccessAttempt
    from django.db.models import Sum

    total = AccessAttempt.objects.filter(username=name).aggregate(n=Sum("failures_since_start"))["n"]
    return int(total or 0)
