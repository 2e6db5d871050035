import pytest

from egov.accounts.models import User
from egov.dossiers.models import Dossier, Status
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member, make_user


@pytest.fixture
def dossier(province, desk_officer, citizen) -> Dossier:
    """A dossier of the citizen received at Xã Đồng Hỷ, processed and returned."""
    received = receive(commune_procedure(), province.commune, desk_officer)
    Dossier.objects.filter(pk=received.pk).update(citizen=citizen, status=Status.RETURNED)
    received.refresh_from_db()
    return received


@pytest.fixture
def other_citizen(db) -> User:
    return make_user("congdan2", kind=User.Kind.CITIZEN, full_name="Trần Thị Bình")


@pytest.fixture
def commune_specialist(province) -> User:
    """Handles feedback for Xã Đồng Hỷ."""
    return make_member(Role.SPECIALIST, province.commune, "chuyenvien.xa")
