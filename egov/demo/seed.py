"""Seed the demo province once; every step is idempotent, so `make run` may call it every time."""

import json
from pathlib import Path

from django.db import transaction

from egov.accounts.models import User
from egov.demo.dossiers import seed_dossiers
from egov.dossiers.models import Dossier
from egov.organization import naming
from egov.organization import services as organization
from egov.organization.models import Membership, OfficeHours, Role, Unit, UnitLevel
from egov.procedures.models import Procedure
from egov.procedures.services import import_catalogue
from egov.signatures.pki import ensure_demo_pki
from egov.signatures.services import ensure_demo_certificates

from . import province as demo

CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "procedures" / "demo" / "catalogue.json"


def seed_levels() -> dict[str, UnitLevel]:
    levels: dict[str, UnitLevel] = {}
    for code, name, order, parents, historic in demo.LEVELS:
        level, _created = UnitLevel.objects.get_or_create(
            code=code, defaults={"name": name, "order": order, "is_historic": historic}
        )
        level.parent_levels.set([levels[parent] for parent in parents])
        levels[code] = level
    return levels


def _unit(
    levels: dict[str, UnitLevel],
    level: str,
    identifier: str,
    name: str,
    parent: Unit | None,
    **details: object,
) -> Unit:
    existing = Unit.objects.filter(identifier=identifier).first()
    if existing is not None:
        return existing
    return organization.create_unit(
        created_by=None,
        name=name,
        identifier=identifier,
        level=levels[level],
        parent=parent,
        **details,
    )


def commune_address(name: str) -> str:
    """ "Trụ sở UBND xã Đồng Hỷ, tỉnh Thái Nguyên": the commune's name keeps its capitals."""
    return f"Trụ sở {naming.short_authority_name(Unit(name=name))}, tỉnh Thái Nguyên"


def seed_units(levels: dict[str, UnitLevel]) -> dict[str, Unit]:
    """The province, its Sở, the service centre, 92 communes and wards, historic districts."""
    root = demo.PROVINCE_IDENTIFIER
    units: dict[str, Unit] = {}
    province = _unit(
        levels,
        "province",
        root,
        "Ủy ban nhân dân tỉnh Thái Nguyên",
        None,
        short_name="UBND tỉnh",
        division_code=str(int(demo.PROVINCE_CODE)),
        address=demo.PROVINCE_ADDRESS,
        phone="0208 3855 689",
        email="ubnd@thainguyen.gov.vn",
        website="https://thainguyen.gov.vn",
    )
    units["province"] = province
    for suffix, name, short_name in demo.DEPARTMENTS:
        department = _unit(
            levels,
            "department",
            f"{root}.{suffix}",
            name,
            province,
            short_name=short_name,
            address=demo.PROVINCE_ADDRESS,
        )
        units[suffix] = department
        for division_suffix, division_name in demo.DIVISIONS.get(suffix, []):
            units[f"{suffix}/{division_suffix}"] = _unit(
                levels, "division", f"{root}.{suffix}.{division_suffix}", division_name, department
            )
    suffix, name, short_name = demo.CENTRE
    units["centre"] = _unit(
        levels,
        "service_centre",
        f"{root}.{suffix}",
        name,
        province,
        short_name=short_name,
        receives_dossiers=True,
        address="Số 18 đường Nha Trang, phường Phan Đình Phùng",
        phone="0208 3656 789",
        email="ttpvhcc@thainguyen.gov.vn",
    )
    for suffix, name in demo.HISTORIC_DISTRICTS:
        _unit(levels, "district", f"{root}.{suffix}", name, province, dissolved_on=demo.MERGER_DATE)
    for number, ward in enumerate(demo.communes(), start=101):
        commune = _unit(
            levels,
            "commune",
            f"{root}.{number}",
            ward.name,
            province,
            short_name=ward.name.replace("Phường ", "P. ").replace("Xã ", "X. "),
            division_code=f"{int(ward.code):05d}",
            receives_dossiers=True,
            address=commune_address(ward.name),
        )
        units[ward.name] = commune
        if ward.name in demo.FEATURED_COMMUNES:
            for position, division_name in enumerate(demo.COMMUNE_DIVISIONS, start=1):
                _unit(levels, "division", f"{root}.{number}.{position:02d}", division_name, commune)
    return units


def seed_staff(units: dict[str, Unit]) -> list[User]:
    people = []
    for person in demo.STAFF:
        user = User.objects.filter(username=person.username).first()
        if user is None:
            user = User.objects.create_user(
                username=person.username,
                password=demo.DEMO_PASSWORD,
                full_name=person.full_name,
                email=f"{person.username}@demo.egov.vn",
                kind=User.Kind.STAFF,
                is_staff=person.role == Role.ADMINISTRATOR,
            )
        unit = units[person.unit]
        if not Membership.objects.filter(user=user, unit=unit, role=person.role).exists():
            organization.grant_role(
                user, granted_by=None, unit=unit, role=person.role, position_title=person.position
            )
        people.append(user)
    return people


def seed_citizen() -> User:
    """A citizen with a password account (the population simulator knows him too)."""
    citizen = User.objects.filter(username=demo.DEMO_CITIZEN_ID).first()
    if citizen is None:
        citizen = User.objects.create_user(
            username=demo.DEMO_CITIZEN_ID,
            password=demo.DEMO_PASSWORD,
            kind=User.Kind.CITIZEN,
            full_name="Nguyễn Văn An",
            national_id=demo.DEMO_CITIZEN_ID,
            email="an.nguyen@demo.egov.vn",
            phone="0912345678",
        )
    return citizen


def seed_catalogue() -> int:
    """Import the demo catalogue unless a catalogue is already there."""
    if Procedure.objects.exists():
        return 0
    # The catalogue names competent units by agency identifier: the unit tree must exist first.
    seed_units(seed_levels())
    document = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    report = import_catalogue(document, imported_by=None, dry_run=False)
    if report.errors:
        lines = "\n".join(str(error) for error in report.errors[:20])
        raise RuntimeError(f"the demo catalogue has errors:\n{lines}")
    return Procedure.objects.count()


@transaction.atomic
def seed_demo() -> dict[str, int]:
    """Seed everything; returns what exists afterwards."""
    OfficeHours.objects.get_or_create(pk=1)
    levels = seed_levels()
    units = seed_units(levels)
    seed_staff(units)
    seed_citizen()
    seed_catalogue()
    ensure_demo_pki()
    ensure_demo_certificates()
    seed_dossiers()
    return {
        "units": Unit.objects.count(),
        "staff": User.objects.filter(kind=User.Kind.STAFF).count(),
        "procedures": Procedure.objects.count(),
        "dossiers": Dossier.objects.count(),
    }
