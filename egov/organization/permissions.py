"""Who may act where: a role held in a unit applies to that unit's whole subtree, to oversee it;
deciding what sits in a unit stays with the unit and the agency it is a division of
(decision 0006)."""

from django.db.models import Exists, Q, QuerySet

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


# The level of a part of an agency (phòng, ban chuyên môn): it acts for the agency above it.
DIVISION = "division"


def roles_deciding_in(user: User, unit: Unit) -> set[str]:
    """The roles in which the user acts on what sits in the unit: those held in the unit itself,
    or in the agency whose division it is (one query).

    Not in an authority above it: the province's leaders oversee a commune's dossiers but do not
    sign for its chairman, nor the province's for a department's director; each decides what it is
    competent for (ND 61/2018 Điều 19; Luật Tổ chức chính quyền địa phương 2025). Nor as an
    administrator, who administers the installation and processes no dossier.
    """
    if not user.is_authenticated:
        return set()
    is_division = Exists(Unit.objects.filter(pk=unit.pk, level__code=DIVISION))
    return set(
        Membership.objects.current()
        .filter(user=user)
        .exclude(role=Role.ADMINISTRATOR)
        .filter(Q(unit_id=unit.pk) | (Q(unit_id=unit.parent_id) & Q(is_division)))
        .values_list("role", flat=True)
    )


def decides_in(user: User, unit: Unit, *roles: Role) -> bool:
    """Whether the user holds one of the roles where they act on what sits in the unit
    (`roles_deciding_in`)."""
    return bool(roles_deciding_in(user, unit) & set(roles))


def deciding_units(units: list[Unit]) -> dict[int, list[int]]:
    """For each of these units, the ids of the units whose contents its members act on: itself and
    its divisions (the other side of `decides_in`), in one query."""
    found: dict[int, list[int]] = {unit.pk: [unit.pk] for unit in units}
    divisions = Unit.objects.filter(parent__in=units, level__code=DIVISION).values_list("pk", "parent_id")
    for pk, parent in divisions:
        found[parent].append(pk)
    return found


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
