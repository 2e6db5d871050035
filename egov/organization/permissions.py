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
    return user.is_superuser or Role.ADMINISTRATOR in roles_held(user)


def roles_held(user: User) -> frozenset[str]:
    """The roles the user holds today in any unit, read once per user object (one request): the
    menu asks for every entry it may show."""
    if not user.is_authenticated:
        return frozenset()
    held: frozenset[str] | None = getattr(user, "_egov_roles_held", None)
    if held is None:
        held = frozenset(Membership.objects.current().filter(user=user).values_list("role", flat=True))
        user._egov_roles_held = held  # type: ignore[attr-defined]
    return held


def holds_any(user: User, *roles: Role) -> bool:
    """Whether the user holds one of the roles somewhere; administrators act in every role."""
    held = roles_held(user)
    return Role.ADMINISTRATOR in held or any(role in held for role in roles)
