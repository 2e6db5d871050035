"""Who may act where: a role held in a unit applies to that unit's whole subtree."""

from django.db.models import QuerySet

from egov.accounts.models import User
from egov.organization.models import Membership, Role, Unit


def units_where(user: User, *roles: Role) -> QuerySet[Unit]:
    """Units in which the user holds one of the roles, directly or through an ancestor unit.

    Administrators of a unit act in every role within their subtree.
    """
    if not user.is_authenticated:
        return Unit.objects.none()
    wanted = {*roles, Role.ADMINISTRATOR}
    roots = [
        membership.unit
        for membership in Membership.objects.current()
        .filter(user=user, role__in=wanted)
        .select_related("unit")
    ]
    return Unit.objects.subtree_of(roots)


def has_role_in(user: User, unit: Unit, *roles: Role) -> bool:
    """Whether the user holds one of the roles in the unit or above it."""
    if not user.is_authenticated:
        return False
    return (
        Membership.objects.current()
        .filter(user=user, role__in={*roles, Role.ADMINISTRATOR}, unit_id__in=unit.ancestor_ids())
        .exists()
    )


def is_administrator(user: User) -> bool:
    """Administrators (of any unit) and superusers; they must use two-factor login."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser or Membership.objects.current().filter(user=user, role=Role.ADMINISTRATOR).exists()
    )
