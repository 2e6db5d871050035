"""How integrations and logged-in staff prove who they are to the API."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from egov.accounts.services import authenticate_api_token


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer egov_…` with a token made in the admin or by `create_api_token`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_api_token(token)
        if user is not None:
            request.user = user
        return user


# Token first (integrations), then the browser session (staff pages calling the API).
token_or_session = [ApiTokenAuth(), django_auth]
