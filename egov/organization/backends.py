"""The administrator role as Django permissions: the one place that says what it may change.

The admin and the administration pages ask `user.has_perm(...)`. Rather than keeping groups in
step with memberships (a membership that ends would leave its group behind), this backend reads
the memberships in force at each request. It grants the permissions to a staff account (is_staff:
it must log in with a second factor, accounts.services.must_use_two_factor) holding the
administrator role in a top unit of the tree. The admin site itself also asks for a verified
second factor (EgovAdminSite).

A lower unit's administrator acts in every role of its subtree's work (permissions.units_where),
but the installation's catalogue, calendar, accounts and API tokens are province-wide, so model
permissions — which are not scoped to a subtree — stay with the province's administrators.
"""

from typing import Any

from django.contrib.auth.backends import BaseBackend

from egov.organization.models import Membership, Role

# app_label.model → actions. Rows the services write (dossiers, documents, payments, audit) stay
# read-only for everyone in their admin classes, whatever the permissions say.
_GRANTS: dict[str, tuple[str, ...]] = {
    # Units, their levels, who holds which role where, and the working calendar.
    "organization.unit": ("view", "add", "change"),
    "organization.unitlevel": ("view", "add", "change"),
    "organization.membership": ("view", "add", "change"),
    "organization.calendaroverride": ("view", "add", "change", "delete"),
    "organization.officehours": ("view", "add", "change"),
    # Staff accounts (the user admin keeps superuser and raw permission fields to superusers).
    "accounts.user": ("view", "add", "change"),
    # API tokens: issued and revoked through accounts.services, never deleted.
    "accounts.apitoken": ("view", "add", "change"),
    # The catalogue: importing a publication decision is "adding procedures".
    "procedures.procedure": ("view", "add"),
    "procedures.procedureversion": ("view",),
    "procedures.publicationdecision": ("view",),
    "procedures.sector": ("view",),
    # Outboxes: an administrator sends again what failed (issue 11 item 24).
    "dossiers.portalsync": ("view", "change"),
    "dossiers.notification": ("view", "change"),
    # Login lockouts (django-axes), to see who was locked and why.
    "axes.accessattempt": ("view",),
}

ADMINISTRATOR_PERMISSIONS: frozenset[str] = frozenset(
    f"{model.split('.')[0]}.{action}_{model.split('.')[1]}"
    for model, actions in _GRANTS.items()
    for action in actions
)

_CACHE = "_egov_role_perm_cache"


def administers_installation(user: Any) -> bool:
    """A staff account holding the administrator role in a top unit, today."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return (
        Membership.objects.current()
        .filter(
            user=user, role=Role.ADMINISTRATOR, unit__parent__isnull=True, unit__dissolved_on__isnull=True
        )
        .exists()
    )


class RolePermissionBackend(BaseBackend):
    """Grants ADMINISTRATOR_PERMISSIONS to the installation's administrators; authenticates no one."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if obj is not None or user_obj.is_anonymous:
            return set()
        if not hasattr(user_obj, _CACHE):
            granted = ADMINISTRATOR_PERMISSIONS if administers_installation(user_obj) else frozenset()
            setattr(user_obj, _CACHE, granted)
        return set(getattr(user_obj, _CACHE))

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions(user_obj))
