"""Factories for the unit tree and memberships, with a small province to act in."""

import itertools
from dataclasses import dataclass
from typing import Any

from egov.accounts.models import User
from egov.organization import services
from egov.organization.models import Role, Unit, UnitLevel

_numbers = itertools.count(1)


def default_levels() -> dict[str, UnitLevel]:
    """The two-tier levels of 2025 plus the historic district level."""
    specs = [
        ("province", "Tỉnh", 1, []),
        ("department", "Sở, ban, ngành", 2, ["province"]),
        ("service_centre", "Trung tâm Phục vụ hành chính công", 2, ["province"]),
        ("district", "Huyện (trước 1/7/2025)", 2, ["province"]),
        ("commune", "Xã, phường", 3, ["province", "district"]),
        ("division", "Phòng, ban chuyên môn", 4, ["department", "commune", "district", "province"]),
    ]
    levels: dict[str, UnitLevel] = {}
    for code, name, order, parents in specs:
        level, _ = UnitLevel.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "is_historic": code == "district"}
        )
        level.parent_levels.set([levels[p] for p in parents])
        levels[code] = level
    return levels


def make_unit(level: str, *, parent: Unit | None = None, name: str = "", identifier: str = "") -> Unit:
    levels = default_levels()
    number = next(_numbers)
    while not identifier:
        # The counter wraps at two digits: skip a code a unit of this test already holds.
        candidate = f"{parent.identifier}.{number % 100:02d}" if parent else f"H{number % 90 + 10:02d}"
        if Unit.objects.filter(identifier=candidate).exists():
            number = next(_numbers)
        else:
            identifier = candidate
    return services.create_unit(
        created_by=None,
        name=name or f"{levels[level].name} {number}",
        identifier=identifier,
        level=levels[level],
        parent=parent,
        receives_dossiers=level in {"service_centre", "commune"},
    )


def make_user(username: str = "", *, kind: str = User.Kind.STAFF, **fields: Any) -> User:
    username = username or f"user{next(_numbers)}"
    return User.objects.create_user(username=username, password="Mat-khau-dai-123", kind=kind, **fields)


def make_member(role: Role, unit: Unit, username: str = "") -> User:
    user = make_user(username)
    services.grant_role(user, granted_by=None, unit=unit, role=role)
    return user


@dataclass
class Province:
    """A small province: the province, one Sở with a division, the service centre, two communes."""

    province: Unit
    department: Unit
    division: Unit
    centre: Unit
    commune: Unit
    other_commune: Unit


def make_province() -> Province:
    province = make_unit("province", name="Tỉnh Thái Nguyên", identifier="H51")
    department = make_unit("department", parent=province, name="Sở Tư pháp", identifier="H51.10")
    division = make_unit(
        "division", parent=department, name="Phòng Hành chính tư pháp", identifier="H51.10.01"
    )
    centre = make_unit(
        "service_centre",
        parent=province,
        name="Trung tâm Phục vụ hành chính công tỉnh",
        identifier="H51.50",
    )
    commune = make_unit("commune", parent=province, name="Xã Đồng Hỷ", identifier="H51.60")
    other = make_unit("commune", parent=province, name="Xã Võ Nhai", identifier="H51.61")
    return Province(province, department, division, centre, commune, other)
