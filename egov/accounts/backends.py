"""The authentication backend: a username, or a citizen's ID number, e-mail or mobile, and a password.

It sits behind axes' AxesStandaloneBackend (AUTHENTICATION_BACKENDS), which refuses a locked
name before any password is checked (egov.accounts.throttle).
"""

import re
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from egov.accounts.models import User
from egov.integrations.sms import normalise_phone

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


class LoginNameBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user = user_for_login_name(username)
        if user is None:
            # Run the hasher anyway so the response time does not reveal that the name is unknown.
            User().set_password(password)
            return None
        # An inactive account costs the same hash as an active one, and gets the same refusal.
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
