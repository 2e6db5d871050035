"""A person who files at the desk follows the dossier online in their account, found by the
personal ID the desk checked on their card; nobody else does."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from egov.accounts.models import User
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member, make_user

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False)
def test_the_citizen_finds_the_dossier_filed_at_the_desk_under_their_id(client, province, citizen):
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.dh")
    other = make_user("congdan2", kind=User.Kind.CITIZEN, full_name="Lê Thị Hoa", national_id="019090009999")
    version = commune_procedure()
    theirs = receive(version, province.commune, desk, id_number=citizen.national_id)
    unknown = receive(version, province.commune, desk, id_number="019090005555")

    assert (theirs.citizen, unknown.citizen) == (citizen, None)
    client.force_login(citizen)
    listing = client.get(reverse("portal:my_dossiers")).text
    assert theirs.code in listing
    assert unknown.code not in listing
    assert client.get(reverse("portal:citizen_dossier", args=[theirs.code])).status_code == 200
    client.force_login(other)
    assert theirs.code not in client.get(reverse("portal:my_dossiers")).text
    assert client.get(reverse("portal:citizen_dossier", args=[theirs.code])).status_code == 404
