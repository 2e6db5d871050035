"""The typed request of views that require login: `request.user` is a real User."""

from django.http import HttpRequest

from egov.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
