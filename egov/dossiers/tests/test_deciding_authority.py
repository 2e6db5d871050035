"""Seeing from above is overseeing, not deciding (decision 0006): the province's leader sees a
commune's dossier but does not work its steps or sign its result; a division's specialist takes a
dossier of the agency it belongs to, and the dossier goes to the division with them."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from egov.dossiers import services
from egov.dossiers.models import DossierEvent
from egov.dossiers.permissions import can_act_as
from egov.dossiers.tests.factories import commune_procedure, draft_result, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member
from egov.signatures.models import SigningCertificate
from egov.signatures.services import check_can_sign, issue_certificate

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
pytestmark = pytest.mark.usefixtures("_monday")


@pytest.fixture
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def staff(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.dh"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "tuphap.dh"),
        "chairman": make_member(Role.LEADER, province.commune, "chutich.dh"),
        "vice_chairman": make_member(Role.LEADER, province.province, "phochutich.tinh"),
        "director": make_member(Role.LEADER, province.department, "giamdoc.stp"),
        "division_specialist": make_member(Role.SPECIALIST, province.division, "chuyenvien.hctp"),
        "department_clerk": make_member(Role.CLERK, province.department, "vanthu.stp"),
    }


def at_leader_step(province, staff):
    dossier = receive(commune_procedure(), province.commune, staff["desk"])
    services.forward_dossier(dossier, by=staff["desk"])
    draft_result(dossier, staff["specialist"])
    services.complete_step(dossier, by=staff["specialist"])
    dossier.refresh_from_db()
    return dossier


def offered(client, user, dossier) -> list[str]:
    client.force_login(user)
    response = client.get(reverse("dossiers:detail", args=[dossier.code]), **EN)
    assert response.status_code == 200  # the province oversees: it sees the dossier
    return [action["name"] for action in response.context["actions"]]


def my_work(client, user) -> list[str]:
    client.force_login(user)
    response = client.get(reverse("dossiers:queue"), {"tab": "mine"})
    return [row.code for row in response.context["rows"]]


def test_the_province_leader_oversees_a_commune_dossier_but_its_chairman_decides(client, province, staff):
    dossier = at_leader_step(province, staff)

    assert "complete" in offered(client, staff["chairman"], dossier)
    assert "complete" not in offered(client, staff["vice_chairman"], dossier)
    assert my_work(client, staff["chairman"]) == [dossier.code]
    assert my_work(client, staff["vice_chairman"]) == []

    client.force_login(staff["vice_chairman"])
    last = DossierEvent.objects.filter(dossier=dossier).order_by("-pk").first()
    posted = client.post(
        reverse("dossiers:act", args=[dossier.code, "complete"]),
        {"expected_status": dossier.status, "expected_event": last.pk},
        **EN,
    )
    assert posted.status_code == 403
    with pytest.raises(PermissionDenied):
        services.complete_step(dossier, by=staff["vice_chairman"])


def test_only_the_units_own_leader_may_sign_its_result(client, province, staff):
    dossier = at_leader_step(province, staff)
    version = dossier.result_document.current_version
    own = issue_certificate(
        kind="personal", pin="123456", issued_by=None, owner=staff["chairman"], unit=province.commune
    )
    above = issue_certificate(
        kind="personal", pin="123456", issued_by=None, owner=staff["vice_chairman"], unit=province.province
    )

    check_can_sign(staff["chairman"], version, own)
    with pytest.raises(PermissionDenied):
        check_can_sign(staff["vice_chairman"], version, above)
    client.force_login(staff["vice_chairman"])
    page = client.get(reverse("signatures:document", args=[dossier.result_document_id]), **EN)
    assert page.status_code == 200
    assert "sign_form" not in page.context
    assert SigningCertificate.objects.filter(owner=staff["vice_chairman"]).count() == 1


def test_a_division_specialist_takes_the_agencys_dossier_into_the_division(province, staff):
    dossier = receive(commune_procedure(), province.commune, staff["desk"])
    services.forward_dossier(dossier, by=staff["desk"])
    dossier.current_unit = province.department  # the Sở holds it, as after a transfer
    dossier.save(update_fields=["current_unit"])

    services.assign_dossier(dossier, by=staff["department_clerk"], to_user=staff["division_specialist"])

    dossier.refresh_from_db()
    assert (dossier.current_unit, dossier.assignee) == (province.division, staff["division_specialist"])
    kinds = list(dossier.events.order_by("pk").values_list("kind", flat=True))
    assert kinds[-2:] == ["assigned_unit", "assigned"]
    # The director of the Sở still decides for its division; the province's leader does not.
    assert can_act_as(staff["director"], dossier, Role.LEADER)
    assert not can_act_as(staff["vice_chairman"], dossier, Role.LEADER)
