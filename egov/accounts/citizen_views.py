"""Citizen pages: registration with a code, login with VNeID, "my account", organisations.

Between the registration form and the code only the pending registration's id is in the session;
the account exists once the code is confirmed.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from egov.accounts import citizen_services, oidc, services
from egov.accounts.forms import (
    AuthorisationForm,
    CitizenRegistrationForm,
    OrganisationForm,
    RegistrationCodeForm,
)
from egov.accounts.models import PendingRegistration, Representation, User
from egov.accounts.views import _landing, _safe_next
from egov.core import ratelimit

REGISTRATION_KEY = "accounts.registration"


# --- Registration ---------------------------------------------------------------------------------


def _pending(request: HttpRequest) -> PendingRegistration | None:
    public_id = request.session.get(REGISTRATION_KEY)
    if not public_id:
        return None
    return (
        PendingRegistration.objects.select_related("code")
        .filter(public_id=public_id, user__isnull=True)
        .first()
    )


def _code_context(pending: PendingRegistration) -> dict[str, Any]:
    # Neither whether a code went out nor where: the page is the same for every number.
    return {
        "national_id": pending.national_id,
        "minutes": int(citizen_services.CODE_LIFETIME.total_seconds() // 60),
    }


def _throttled(request: HttpRequest, scope: str) -> int | None:
    """Seconds to wait when this address has registered too often this hour, else None."""
    return ratelimit.hit(
        scope,
        ratelimit.client_ip(request),
        limit=settings.EGOV_REGISTRATION_LIMIT_PER_HOUR,
        window_seconds=3600,
    )


def citizen_register(request: HttpRequest) -> HttpResponse:
    """The registration form; on success a code goes out and the confirmation page follows."""
    if request.user.is_authenticated:
        return redirect("accounts:citizen_profile")
    form = CitizenRegistrationForm(request.POST or None)
    status = 200
    # Each valid registration asks the population database and may send an SMS: those are counted.
    if request.method == "POST" and form.is_valid() and (wait := _throttled(request, "registration")):
        form.add_error(
            None,
            _("Too many registrations from this device. Try again in %(minutes)s minutes.")
            % {"minutes": max(1, wait // 60)},
        )
        status = 429
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pending = citizen_services.start_registration(
                full_name=data["full_name"],
                national_id=data["national_id"],
                email=data["email"],
                password=data["password1"],
            )
        except citizen_services.PopulationUnavailableError:
            form.add_error(
                None,
                _(
                    "The national population database cannot be reached just now, so the number cannot "
                    "be checked. Try again in a few minutes, or log in with VNeID."
                ),
            )
            status = 503
        except citizen_services.ResendTooSoonError as too_soon:
            form.add_error(
                None,
                _("A code was sent there less than a minute ago. Try again in %(seconds)s seconds.")
                % {"seconds": too_soon.wait_seconds},
            )
        except citizen_services.TooManyCodesError:
            form.add_error(
                None,
                _("Too many codes were sent for this number today. Try tomorrow, or log in with VNeID."),
            )
        except citizen_services.CodeNotSentError:
            form.add_error(None, _("We could not send the code just now. Please try again in a few minutes."))
        else:
            request.session[REGISTRATION_KEY] = str(pending.public_id)
            return redirect("accounts:citizen_register_confirm")
    return render(request, "accounts/citizen_register.html", {"form": form}, status=status)


def citizen_register_confirm(request: HttpRequest) -> HttpResponse:
    """Enter the code; a right one creates the account and logs the citizen in."""
    pending = _pending(request)
    if pending is None:
        messages.error(request, _("Your registration has expired or is finished. Please start again."))
        return redirect("accounts:citizen_register")
    form = RegistrationCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = citizen_services.confirm_registration(pending, form.cleaned_data["code"])
        except citizen_services.WrongCodeError as wrong:
            form.add_error(
                "code",
                _("The code is incorrect. %(remaining)s attempts left.") % {"remaining": wrong.remaining},
            )
        except citizen_services.CodeExpiredError:
            form.add_error("code", _("This code has expired. Ask for a new one."))
        except citizen_services.CodeBlockedError:
            request.session.pop(REGISTRATION_KEY, None)
            messages.error(request, _("Too many wrong codes. Please register again."))
            return redirect("accounts:citizen_register")
        except citizen_services.RegistrationFinishedError:
            request.session.pop(REGISTRATION_KEY, None)
            return redirect("accounts:login")
        except citizen_services.DuplicateAccountError as duplicate:
            request.session.pop(REGISTRATION_KEY, None)
            messages.error(request, duplicate.message)
            return redirect("accounts:login")
        else:
            request.session.pop(REGISTRATION_KEY, None)
            services.complete_login(request, user)
            if pending.email and user.email != pending.email:
                messages.warning(
                    request,
                    _(
                        "The e-mail address %(email)s was not added: another account uses it. The "
                        "one-stop desk can add an address of your own."
                    )
                    % {"email": pending.email},
                )
            messages.success(request, _("Your account is ready. Welcome!"))
            return redirect("accounts:citizen_profile")
    return render(request, "accounts/citizen_register_confirm.html", {"form": form, **_code_context(pending)})


@require_POST
def citizen_register_resend(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return redirect("accounts:citizen_register")
    if _throttled(request, "registration-resend") is not None:
        messages.error(request, _("Too many codes asked for from this device. Try again later."))
        return redirect("accounts:citizen_register_confirm")
    try:
        citizen_services.resend_code(pending)
    except citizen_services.ResendTooSoonError as too_soon:
        messages.error(
            request,
            _("You can ask for a new code in %(seconds)s seconds.") % {"seconds": too_soon.wait_seconds},
        )
    except citizen_services.CodeBlockedError:
        request.session.pop(REGISTRATION_KEY, None)
        messages.error(request, _("Too many codes for this registration. Please register again."))
        return redirect("accounts:citizen_register")
    except citizen_services.RegistrationFinishedError:
        return redirect("accounts:login")
    except citizen_services.CodeNotSentError:
        messages.error(request, _("We could not send the code just now. Please try again in a few minutes."))
    else:
        messages.success(request, _("A new code has been sent."))
    return redirect("accounts:citizen_register_confirm")


# --- VNeID ----------------------------------------------------------------------------------------


def _vneid_failed(request: HttpRequest, error: oidc.OidcError) -> HttpResponse:
    citizen_services.record_vneid_failure(error.reason, error.detail)
    status = 502 if error.reason == oidc.OidcError.PROVIDER_UNAVAILABLE else 400
    return render(request, "accounts/citizen_vneid_error.html", {"message": error.message}, status=status)


@require_GET
def citizen_vneid_start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the provider (authorization code flow with PKCE)."""
    try:
        url = oidc.begin(request, next_url=_safe_next(request))
    except oidc.OidcError as error:
        return _vneid_failed(request, error)
    return redirect(url)


@require_GET
def citizen_vneid_callback(request: HttpRequest) -> HttpResponse:
    """The provider sends the browser back here with a code; verified, it logs the person in."""
    try:
        identity, next_url = oidc.finish(request)
    except oidc.OidcError as error:
        return _vneid_failed(request, error)
    try:
        user = citizen_services.log_in_with_identity(request, identity)
    except citizen_services.IdentityRefusedError:
        citizen_services.record_vneid_failure("inactive", identity.issuer)
        message = _("This account cannot be used. Please contact the one-stop desk.")
        return render(request, "accounts/citizen_vneid_error.html", {"message": message}, status=403)
    return redirect(_landing(user, next_url))


# --- My account -----------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]  # login_required guarantees it
    return user


@login_required
def citizen_profile(request: HttpRequest) -> HttpResponse:
    """Personal data, linked VNeID identities, organisations and authorisations."""
    user = _user(request)
    representations = list(citizen_services.representations_of(user))
    legally_represented = [
        r.organisation
        for r in representations
        if r.role == Representation.Role.LEGAL_REPRESENTATIVE
        and citizen_services.is_legal_representative(user, r.organisation)
    ]
    return render(
        request,
        "accounts/citizen_profile.html",
        {
            "profile": user,
            "identities": user.identities.order_by("created_at"),
            "representations": representations,
            "acting_for": citizen_services.acting_for(user),
            "legally_represented": legally_represented,
            "granted": citizen_services.authorisations_in(legally_represented),
        },
    )


@login_required
def citizen_organisation_register(request: HttpRequest) -> HttpResponse:
    """Register an organisation of which the user is the legal representative."""
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            citizen_services.register_organisation(_user(request), **form.cleaned_data)
        except citizen_services.OrganisationError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request, _("The organisation is registered with you as its legal representative.")
            )
            return redirect("accounts:citizen_profile")
    return render(request, "accounts/citizen_organisation_form.html", {"form": form})


@login_required
def citizen_authorise(request: HttpRequest, pk: int) -> HttpResponse:
    """The legal representative authorises another citizen to act for the organisation."""
    user = _user(request)
    organisation = citizen_services.get_organisation_to_authorise(user, pk)
    form = AuthorisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        valid_from, valid_until = form.period()
        try:
            citizen_services.grant_authorisation(
                user,
                organisation,
                national_id=form.cleaned_data["national_id"],
                valid_from=valid_from,
                valid_until=valid_until,
                document_reference=form.cleaned_data["document_reference"],
            )
        except citizen_services.OrganisationError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The authorisation is recorded."))
            return redirect("accounts:citizen_profile")
    return render(request, "accounts/citizen_authorise.html", {"form": form, "organisation": organisation})


@login_required
@require_POST
def citizen_authorisation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    representation = citizen_services.get_authorisation_to_revoke(user, pk)
    citizen_services.revoke_authorisation(representation, revoked_by=user)
    messages.success(request, _("The authorisation has ended."))
    return redirect("accounts:citizen_profile")
