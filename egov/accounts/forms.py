"""Forms of the login, two-factor and password pages; the decisions live in services."""

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from egov.accounts import services
from egov.accounts.models import User


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150, strip=True)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class CodeForm(forms.Form):
    """A 6-digit code from the authenticator app (spaces people type are ignored)."""

    code = forms.CharField(label=_("6-digit code"), max_length=12)

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).replace(" ", "")
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError(_("Enter the 6 digits shown in your app."))
        return code


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)


class ResetPasswordForm(SetPasswordForm[User]):
    """Setting the password from a reset link goes through the service (audit, unlock)."""

    def save(self, commit: bool = True) -> User:  # noqa: FBT001, FBT002 (Django's signature)
        services.reset_password(self.user, new_password=self.cleaned_data["new_password1"])
        return self.user


class ChangePasswordForm(PasswordChangeForm):
    """Changing the password while logged in goes through the service (audit)."""

    def save(self, commit: bool = True) -> Any:  # noqa: FBT001, FBT002 (Django's signature)
        user: User = self.user
        services.change_password(user, new_password=self.cleaned_data["new_password1"])
        return user
