"""Login (password, then the second factor), security page, logout and password pages.

Between the password step and the second factor the user is not logged in: only a short-lived
"pending login" in the session remembers who passed the password.
"""

from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts import services
from egov.accounts.forms import (
    ChangePasswordForm,
    CodeForm,
    ConfirmPasswordForm,
    LoginForm,
    ResetPasswordForm,
)
from egov.accounts.models import User
from egov.core.site import site_url

PENDING_LOGIN_KEY = "accounts.pending_login"
# Long enough to open the authenticator app (or scan a QR code), short enough that a walked-away
# browser does not keep a half-done login.
PENDING_LOGIN_SECONDS = 5 * 60


# --- Helpers ------------------------------------------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _landing(user: User, next_url: str) -> str:
    if next_url:
        return next_url
    if user.is_citizen:
        return resolve_url("portal:home")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _start_pending(request: HttpRequest, user: User, next_url: str, login_name: str) -> None:
    request.session[PENDING_LOGIN_KEY] = {
        "user_id": user.pk,
        "expires": timezone.now().timestamp() + PENDING_LOGIN_SECONDS,
        "next": next_url,
        # Wrong codes count against the name that was typed, like wrong passwords.
        "name": login_name,
    }


def _attempt(request: HttpRequest) -> services.LoginAttempt:
    data: dict[str, Any] = request.session.get(PENDING_LOGIN_KEY) or {}
    return services.LoginAttempt(request, str(data.get("name", "")))


def _pending(request: HttpRequest) -> tuple[User, str] | None:
    """The user who passed the password step, if that was recently and they may still log in."""
    data: dict[str, Any] | None = request.session.get(PENDING_LOGIN_KEY)
    if not data or data["expires"] < timezone.now().timestamp():
        request.session.pop(PENDING_LOGIN_KEY, None)
        return None
    user = User.objects.filter(pk=data["user_id"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_LOGIN_KEY, None)
        return None
    return user, str(data["next"])


def _restart_login(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("Your login has expired. Please log in again."))
    return redirect("accounts:login")


def _refused(request: HttpRequest, refusal: services.LoginRefusedError) -> HttpResponse:
    """After a lock the half-done login is over: back to the password step with the reason."""
    request.session.pop(PENDING_LOGIN_KEY, None)
    messages.error(request, refusal.message)
    return redirect("accounts:login")


def _finish(
    request: HttpRequest, user: User, next_url: str, attempt: services.LoginAttempt, device: Any = None
) -> HttpResponse:
    request.session.pop(PENDING_LOGIN_KEY, None)
    try:
        services.complete_login(request, user, device=device, attempt=attempt)
    except services.LoginRefusedError as refusal:
        return _refused(request, refusal)
    return redirect(_landing(user, next_url))


def _code_error(refusal: services.LoginRefusedError) -> str:
    if refusal.refusal is services.Refusal.INVALID:
        return _("The code is incorrect.")
    return refusal.message


def _enrolment_context(device: Any) -> dict[str, Any]:
    # segno writes the SVG itself from the otpauth URI; nothing user-typed goes into it.
    qr: SafeString = mark_safe(segno.make(device.config_url).svg_inline(scale=4))  # noqa: S308
    return {"qr_svg": qr, "secret": services.secret_for_manual_entry(device)}


# --- Login --------------------------------------------------------------------------------------


def login(request: HttpRequest) -> HttpResponse:
    """Password step; then straight in, or on to the code (or the enrolment for administrators)."""
    next_url = _safe_next(request)
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["username"]
        try:
            user = services.check_password_step(
                request, username=name, password=form.cleaned_data["password"]
            )
        except services.LoginRefusedError as refusal:
            form.add_error(None, refusal.message)
            # The same status for every name: a lock tells nothing about whether the account exists.
            status = 429 if refusal.refusal is services.Refusal.LOCKED else 200
        else:
            if services.confirmed_device(user) is not None:
                _start_pending(request, user, next_url, name)
                return redirect("accounts:login_verify")
            if services.must_use_two_factor(user):
                _start_pending(request, user, next_url, name)
                return redirect("accounts:login_enrol")
            return _finish(request, user, next_url, services.LoginAttempt(request, name))
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=status)


def login_verify(request: HttpRequest) -> HttpResponse:
    """Second step for a user with a confirmed device: the code from the app."""
    pending = _pending(request)
    if pending is None:
        return _restart_login(request)
    user, next_url = pending
    device = services.confirmed_device(user)
    if device is None:
        return redirect("accounts:login_enrol" if services.must_use_two_factor(user) else "accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.verify_login_code(_attempt(request), user, device, form.cleaned_data["code"])
        except services.LoginRefusedError as refusal:
            if refusal.refusal is services.Refusal.LOCKED:
                return _refused(request, refusal)
            form.add_error("code", _code_error(refusal))
        else:
            return _finish(request, user, next_url, _attempt(request), device)
    return render(request, "accounts/login_verify.html", {"form": form})


def login_enrol(request: HttpRequest) -> HttpResponse:
    """Second step for an administrator without a device: set one up, then log in with it."""
    pending = _pending(request)
    if pending is None:
        return _restart_login(request)
    user, next_url = pending
    if services.confirmed_device(user) is not None:
        return redirect("accounts:login_verify")
    if not services.must_use_two_factor(user):
        return redirect("accounts:login")
    device = services.start_enrolment(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_enrolment(
                user, device, form.cleaned_data["code"], during_login=_attempt(request)
            )
        except services.LoginRefusedError as refusal:
            if refusal.refusal is services.Refusal.LOCKED:
                return _refused(request, refusal)
            form.add_error("code", _code_error(refusal))
        else:
            return _finish(request, user, next_url, _attempt(request), device)
    return render(request, "accounts/login_enrol.html", {"form": form, **_enrolment_context(device)})


class LogoutView(auth_views.LogoutView):
    """Django's POST-only logout, with an audit entry."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            services.record_logout(request.user)
        return super().post(request, *args, **kwargs)


# --- Security page ------------------------------------------------------------------------------


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """Two-factor status; enrol voluntarily, or switch it off."""
    user: User = request.user  # type: ignore[assignment]  # login_required guarantees it
    device = services.confirmed_device(user)
    context: dict[str, Any] = {
        "device": device,
        "mandatory": services.must_use_two_factor(user),
        "disable_form": ConfirmPasswordForm(),
    }
    if device is None:
        enrolment = services.start_enrolment(user)
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.confirm_enrolment(user, enrolment, form.cleaned_data["code"], during_login=None)
            except services.InvalidCodeError:
                form.add_error("code", _("The code is incorrect."))
            else:
                # The session has just proved the second factor too.
                django_otp.login(request, enrolment)
                messages.success(request, _("Two-step login is now on for your account."))
                return redirect("accounts:security")
        context |= {"form": form, **_enrolment_context(enrolment)}
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def security_disable(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login_required guarantees it
    form = ConfirmPasswordForm(request.POST)
    if form.is_valid():
        try:
            services.disable_two_factor(user, password=form.cleaned_data["password"])
        except services.TwoFactorRequiredError:
            messages.error(request, _("Administrators must use two-step login."))
        except services.WrongPasswordError:
            messages.error(request, _("The password is incorrect; two-step login is still on."))
        else:
            messages.success(request, _("Two-step login is now off for your account."))
    return redirect("accounts:security")


# --- Passwords ----------------------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # Links point at the configured site address, not at whatever Host the request carried.
        self.extra_email_context = {
            "site_url": site_url(),
            "deployment_name": settings.EGOV_DEPLOYMENT_NAME,
        }
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = ResetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:password_change_done")
