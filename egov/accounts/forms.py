"""Forms of the login, two-factor and password pages; the decisions live in services."""

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.accounts import citizen_services, services
from egov.accounts.models import User
from egov.core import forms as core_forms
from egov.integrations.population import parse_id_number


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


# --- Citizen accounts -----------------------------------------------------------------------------


class CitizenRegistrationForm(forms.Form):
    """Who the citizen is; the code goes to the mobile the population database holds for the number.

    Nothing here says whether an account already uses the number or the e-mail: the service
    answers every registration the same way (issue 11, item 17).
    """

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    national_id = forms.CharField(
        label=_("Personal identification number"),
        max_length=12,
        help_text=_(
            "The 12 digits on your citizen identity card. We send the code by SMS to the mobile "
            "number the national population database holds for it."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Optional: where password-reset links go."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 10 characters, not only digits, not like your name."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_national_id(self) -> str:
        return parse_id_number(self.cleaned_data["national_id"]).value

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"].strip())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password1")
        if password and password != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif password:
            candidate = User(
                username=data.get("national_id", ""),
                full_name=data.get("full_name", ""),
                email=data.get("email", ""),
            )
            try:
                validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class RegistrationCodeForm(forms.Form):
    """The 6-digit code sent by e-mail or SMS."""

    code = forms.CharField(
        label=_("6-digit code"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).replace(" ", "")
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError(_("Enter the 6 digits we sent you."))
        return code


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name of the organisation"), max_length=300)
    tax_code = forms.CharField(
        label=_("Tax code"),
        max_length=20,
        help_text=_("The enterprise code: 10 digits, or 13 for a branch (0123456789-001)."),
    )
    address = forms.CharField(label=_("Head office address"), max_length=300)
    document_reference = forms.CharField(
        label=_("Business registration certificate (number and date)"), max_length=200
    )

    def clean_tax_code(self) -> str:
        return citizen_services.normalise_tax_code(self.cleaned_data["tax_code"])


class AuthorisationForm(forms.Form):
    """Whom to authorise, by identification number, and for which days (both included)."""

    national_id = forms.CharField(
        label=_("Personal identification number of the authorised person"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    valid_from = core_forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = core_forms.DateField(
        label=_("Until (included)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    document_reference = forms.CharField(label=_("Letter of authorisation (number and date)"), max_length=200)

    def clean_national_id(self) -> str:
        return parse_id_number(self.cleaned_data["national_id"]).value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The last day cannot be before the first."))
        return data

    def period(self) -> tuple[datetime, datetime]:
        """From the start of the first day to the end of the last, in Vietnam's time."""
        zone = timezone.get_default_timezone()
        start = datetime.combine(self.cleaned_data["valid_from"], time.min, tzinfo=zone)
        end = datetime.combine(self.cleaned_data["valid_until"] + timedelta(days=1), time.min, tzinfo=zone)
        return start, end
