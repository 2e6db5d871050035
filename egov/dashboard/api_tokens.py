"""API tokens as a staff page: the installation's administrators list, issue and revoke them.

The page is here, not in accounts, because who sees which token depends on the unit tree
(organization sits above accounts). A token belongs to an officer; an administrator of a top
unit (a province) handles the tokens of the officers of that unit's tree, and of no other:
another province's administrator gets 404. The raw token is shown once, on the page that issues
it, and never stored (accounts.services.create_api_token keeps its hash).
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from egov.accounts import services
from egov.accounts.http import AuthenticatedRequest
from egov.accounts.models import ApiToken, User
from egov.organization.models import Membership, Role, Unit
from egov.organization.permissions import is_administrator

# Model permissions the administrator role grants (organization.backends), province-wide.
ISSUE = "accounts.add_apitoken"
REVOKE = "accounts.change_apitoken"


def may_issue_api_tokens(user: User) -> bool:
    """For the menu: staff administrators holding the permission (asked last: it costs a query)."""
    return user.is_staff and is_administrator(user) and user.has_perm(ISSUE)


def administered_units(user: User) -> QuerySet[Unit]:
    """The trees of the top units the user administers today (every unit for a superuser)."""
    if user.is_superuser:
        return Unit.objects.all()
    tops = list(
        Unit.objects.filter(
            parent__isnull=True,
            memberships__in=Membership.objects.current().filter(user=user, role=Role.ADMINISTRATOR),
        )
    )
    return Unit.objects.subtree_of(tops) if tops else Unit.objects.none()


def tokens_administered_by(user: User) -> QuerySet[ApiToken]:
    """Tokens whose owner is, or was, an officer of one of the user's trees."""
    if user.is_superuser:
        return ApiToken.objects.all()
    owners = Membership.objects.filter(unit__in=administered_units(user)).values("user_id")
    return ApiToken.objects.filter(user_id__in=owners)


def officers_administered_by(user: User) -> QuerySet[User]:
    """Active staff accounts working today in one of the user's trees: who may be given a token."""
    working = Membership.objects.current().filter(unit__in=administered_units(user)).values("user_id")
    return User.objects.filter(pk__in=working, is_active=True).exclude(kind=User.Kind.CITIZEN)


class IssueForm(forms.Form):
    owner = forms.CharField(
        label=gettext_lazy("Officer (user name)"),
        max_length=150,
        help_text=gettext_lazy("The integration acts as this officer, with the officer's roles."),
    )
    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=100,
        help_text=gettext_lazy("What uses it, e.g. “Cổng dịch vụ công quốc gia”."),
    )

    def __init__(self, *args: object, officers: QuerySet[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.officers = officers

    def clean_owner(self) -> User:
        owner = self.officers.filter(username=self.cleaned_data["owner"].strip()).first()
        if owner is None:
            raise forms.ValidationError(
                _("No officer with this user name works in the units you administer.")
            )
        return owner


def _require(request: AuthenticatedRequest, permission: str) -> None:
    user = request.user
    if user.is_citizen or not user.has_perm(permission):
        raise PermissionDenied
    # As in the admin site, which also issues tokens: only a session that passed the second factor.
    if not user.is_verified():  # type: ignore[attr-defined]
        raise PermissionDenied(_("Log in with your second factor to manage API tokens."))


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: AuthenticatedRequest) -> HttpResponse:
    """Every token of the administrator's units, newest first; issuing one shows it once."""
    _require(request, ISSUE)
    user = request.user
    form = IssueForm(request.POST or None, officers=officers_administered_by(user))
    issued: tuple[ApiToken, str] | None = None
    if request.method == "POST" and form.is_valid():
        issued = services.create_api_token(
            form.cleaned_data["owner"], name=form.cleaned_data["name"], created_by=user
        )
        form = IssueForm(officers=officers_administered_by(user))
    tokens = tokens_administered_by(user).select_related("user").order_by("-created_at", "-pk")
    response = render(
        request,
        "dashboard/api_tokens.html",
        {"tokens": tokens, "form": form, "issued": issued, "may_revoke": user.has_perm(REVOKE)},
    )
    # The page may hold a raw token: never kept by a cache or shown again by the back button.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _require(request, REVOKE)
    token = get_object_or_404(tokens_administered_by(request.user), pk=pk)
    services.revoke_api_token(token, revoked_by=request.user)
    return redirect("dashboard:api_tokens")
