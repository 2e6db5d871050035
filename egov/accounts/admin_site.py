"""The Django admin behind egov's own login, so lockout and two-factor login apply to it too."""

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.admin import OTPAdminSite


class EgovAdminSite(OTPAdminSite):
    """Admits only users verified by a second factor (OTPAdminSite).

    Its own login form would be a second way in that skips the lockout, so it sends people to
    accounts:login instead. What an admitted user may see and change comes from permissions, which
    the administrator role grants (egov.organization.backends).
    """

    @staticmethod
    def refuses(request: HttpRequest) -> bool:
        """Logged in, but not someone a new login would admit: a citizen, or staff without the flag.

        Staff whose session lacks the second factor are instead sent to log in with it.
        """
        user = request.user
        return user.is_authenticated and not (user.is_active and user.is_staff)

    def admin_view(
        self,
        view: Callable[..., HttpResponse],
        cacheable: bool = False,  # noqa: FBT001, FBT002 (Django's signature)
    ) -> Callable[..., HttpResponse]:
        wrapped = super().admin_view(view, cacheable)

        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if self.refuses(request) and request.path != reverse("admin:logout", current_app=self.name):
                raise PermissionDenied
            response: HttpResponse = wrapped(request, *args, **kwargs)
            return response

        return update_wrapper(inner, wrapped)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if self.refuses(request):
            raise PermissionDenied
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = index
        return redirect_to_login(next_url, login_url="accounts:login")
