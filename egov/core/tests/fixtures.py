"""Role fixtures for the whole suite, registered in the root conftest.py.

Each fixture is one person of the mission's table, holding a role in the small test province
(egov.organization.tests.factories.make_province).
"""

import pytest

from egov.accounts.models import User
from egov.organization.models import Role
from egov.organization.tests.factories import Province, make_member, make_province, make_user


@pytest.fixture
def province(db) -> Province:
    """Tỉnh → Sở Tư pháp (→ a division), the service centre, Xã Đồng Hỷ and Xã Võ Nhai."""
    return make_province()


@pytest.fixture
def desk_officer(province) -> User:
    """Receives dossiers at Xã Đồng Hỷ's one-stop desk."""
    return make_member(Role.DESK_OFFICER, province.commune, "motcua")


@pytest.fixture
def specialist(province) -> User:
    """Processes dossiers in Sở Tư pháp (and its divisions)."""
    return make_member(Role.SPECIALIST, province.department, "chuyenvien")


@pytest.fixture
def leader(province) -> User:
    """Approves and signs for Sở Tư pháp."""
    return make_member(Role.LEADER, province.department, "lanhdao")


@pytest.fixture
def clerk(province) -> User:
    """Registers documents for Sở Tư pháp."""
    return make_member(Role.CLERK, province.department, "vanthu")


@pytest.fixture
def admin_user(province) -> User:
    """Administers the whole province (must use two-factor login)."""
    user = make_member(Role.ADMINISTRATOR, province.province, "quantri")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def outsider(province) -> User:
    """A specialist of another unit (Xã Võ Nhai): must see nothing of Sở Tư pháp or Xã Đồng Hỷ."""
    return make_member(Role.SPECIALIST, province.other_commune, "nguoingoai")


@pytest.fixture
def citizen(db) -> User:
    """A citizen with an account and a personal identification number."""
    return make_user("congdan", kind=User.Kind.CITIZEN, full_name="Nguyễn Văn An", national_id="019090001234")
