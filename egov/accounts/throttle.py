"""Login throttling on django-axes: by (login name, client address) and by client address alone.

A wrong password never locks the real owner out: five failures lock only the name *from the
address they came from* (AXES_LOCKOUT_PARAMETERS), so a stranger elsewhere cannot lock anyone's
account, and the owner's own address stays usable until the same name has failed there. An
address that fails with many names (EGOV_LOGIN_MAX_FAILURES_PER_IP) is locked for every name:
that is a guesser, not a forgetful citizen. Unknown names are counted exactly like real ones, so
the lock tells nothing about which accounts exist. TT 12/2022/TT-BTTTT (level 3): limit the
number of failed logins. Settings: docs/howto/security-settings.md.

Axes stores the attempts (name, address, browser, time) only while they matter: rows older than
the cool-off are deleted at the next failure.
"""

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db.models import Max, Sum
from django.http import HttpRequest

from egov.accounts.backends import user_for_login_name
from egov.integrations.sms import normalise_phone

ADDRESS = "ip_address"


def login_key(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The name the counters are kept under (AXES_USERNAME_CALLABLE).

    A name that means an account counts under the account's username, whichever of its names
    (username, ID number, e-mail, mobile) was typed; any other name counts as typed, so an unknown
    name is throttled exactly like a real one. Case and phone spelling open no new allowance.
    """
    name = (credentials or {}).get("username")
    if name is None and request is not None:
        name = request.POST.get("username")
    if name is None:
        return None
    return key_for(str(name))


def key_for(name: str) -> str:
    user = user_for_login_name(name)
    return normalise_name(user.username if user is not None else name)


def normalise_name(name: str) -> str:
    name = name.strip()
    if re.fullmatch(r"[+0-9 .\-()]{9,20}", name):
        try:
            return normalise_phone(name)
        except ValidationError:
            pass
    return name.casefold()[:150]


def failure_limit(request: HttpRequest | None, credentials: dict[str, Any] | None) -> int:
    """Failures of one name from one address (AXES_FAILURE_LIMIT), read on every use."""
    return int(settings.EGOV_LOGIN_MAX_FAILURES)


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """How long a lock lasts after the last counted failure (AXES_COOLOFF_TIME)."""
    return timedelta(minutes=settings.EGOV_LOGIN_LOCKOUT_MINUTES)


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per lockout parameter.

    Axes compares every parameter with one limit; here the address alone has its own, larger one.
    `get_failures` scales each count to the common limit, so axes' own comparison stays right.
    """

    def _counts(
        self, request: HttpRequest, credentials: dict[str, Any] | None
    ) -> Iterator[tuple[int, int, Any]]:
        """(failures, limit, last failure) per lockout parameter, within the cool-off."""
        parameters = get_lockout_parameters(request, credentials)
        common = get_failure_limit(request, credentials)
        for parameter, attempts in zip(parameters, self.get_user_attempts(request, credentials), strict=True):
            limit = int(settings.EGOV_LOGIN_MAX_FAILURES_PER_IP) if parameter == ADDRESS else common
            summary = attempts.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            yield summary["failures"] or 0, limit, summary["last"]

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        common = get_failure_limit(request, credentials)
        return max(
            (failures * common // limit for failures, limit, _last in self._counts(request, credentials)),
            default=0,
        )

    def locked_until(self, request: HttpRequest, credentials: dict[str, Any] | None) -> datetime | None:
        ends = [
            last + get_cool_off(request)
            for failures, limit, last in self._counts(request, credentials)
            if failures >= limit and last is not None
        ]
        return max(ends).astimezone(UTC) if ends else None


def _credentials(name: str) -> dict[str, Any]:
    return {"username": name}


def locked_until(request: HttpRequest, name: str) -> datetime | None:
    """When the lock on this name from this request's address ends, or None if it may try."""
    if AxesProxyHandler.is_allowed(request, _credentials(name)):
        return None
    handler = AxesProxyHandler.get_implementation()
    return (
        handler.locked_until(request, _credentials(name))
        if isinstance(handler, LoginThrottleHandler)
        else None
    )


def record_failure(request: HttpRequest, name: str) -> datetime | None:
    """Count one failed step (password or code) for the name; returns the lock's end if it now is.

    Told to axes the way Django's own authenticate() tells it: the user_login_failed signal.
    """
    user_login_failed.send(sender=__name__, credentials=_credentials(name), request=request)
    if not getattr(request, "axes_locked_out", False):
        return None
    return locked_until(request, name)


def lock_began(request: HttpRequest) -> bool:
    """Whether this request's own failure set the lock (not one found already in place)."""
    return bool(getattr(request, "axes_locked_out", False)) and request.axes_failures_since_start is not None  # type: ignore[attr-defined]


def forget_failures(request: HttpRequest, name: str) -> None:
    """A successful login clears the name's count at this address (not the address's total)."""
    AxesProxyHandler.update_request(request)
    address = request.axes_ip_address  # type: ignore[attr-defined]  # set by update_request
    AxesProxyHandler.reset_attempts(ip_address=address, username=key_for(name))


def unlock(names: Iterable[str]) -> int:
    """Remove every counted failure of these names, from any address; returns how many rows."""
    keys = {normalise_name(name) for name in names if name}
    return sum(AxesProxyHandler.reset_attempts(username=key) for key in keys)
