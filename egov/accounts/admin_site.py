"""The Django admin behind egov's own login, so lockout and two-factor login apply to it too."""

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp.admin import OTPAdminSite


class EgovAdminSite(OTPAdminSite):
    """Admits only users verified by a second factor (OTPAdminSite).

    Its own login form would be a second way in that skips the lockout, so it sends people to
    accounts:login instead.
    """

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = index
        return redirect_to_login(next_url, login_url="accounts:login")
