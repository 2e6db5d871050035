"""Originals taken for comparison are recorded and returned at the hand-over (ND 61/2018 Điều 20)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from egov.dossiers import services
from egov.dossiers.models import DossierComponent, DossierEvent, Status
from egov.dossiers.tests.factories import commune_procedure, process_to_result, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

VN = ZoneInfo("Asia/Ho_Chi_Minh")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)


@pytest.fixture
def staff(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.bc"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "tuphap.bc"),
        "leader": make_member(Role.LEADER, province.commune, "chutich.bc"),
        "other_desk": make_member(Role.DESK_OFFICER, province.other_commune, "motcua.khac"),
    }


@pytest.fixture
def dossier(province, staff):
    with time_machine.travel(MONDAY, tick=False):
        return receive(commune_procedure(), province.commune, staff["desk"])


def post(client, user, dossier, action, **fields):
    client.force_login(user)
    dossier.refresh_from_db()
    last = DossierEvent.objects.filter(dossier=dossier).order_by("-pk").first()
    data = {"expected_status": dossier.status, "expected_event": last.pk, **fields}
    return client.post(reverse("dossiers:act", args=[dossier.code, action]), data, **EN)


def page(client, user, dossier):
    client.force_login(user)
    return client.get(reverse("dossiers:detail", args=[dossier.code]), **EN)


def test_the_desk_takes_an_original_and_returns_it_at_the_hand_over(client, staff, dossier):
    paper = dossier.components.order_by("position").first()
    assert "take_originals" in [a["name"] for a in page(client, staff["desk"], dossier).context["actions"]]

    with time_machine.travel(MONDAY + dt.timedelta(minutes=5), tick=False):
        taken = post(client, staff["desk"], dossier, "take_originals", components=[paper.pk])
    assert taken.status_code == 302, taken.content
    paper.refresh_from_db()
    assert paper.original_received_at == MONDAY + dt.timedelta(minutes=5)
    assert paper.original_received_by == staff["desk"]
    assert paper.original_returned_at is None

    services.forward_dossier(dossier, by=staff["desk"])
    process_to_result(dossier, specialist=staff["specialist"], leader=staff["leader"])
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED

    # At the hand-over the desk sees what it still holds, and confirms the return.
    before = page(client, staff["desk"], dossier)
    assert "Originals to return to the applicant" in before.text
    assert "still held by the desk" in before.text
    assert "return_originals" in [a["name"] for a in before.context["actions"]]

    returned = post(
        client,
        staff["desk"],
        dossier,
        "return_originals",
        components=[paper.pk],
        returned_to="Nguyễn Văn An",
    )
    assert returned.status_code == 302, returned.content
    paper.refresh_from_db()
    assert paper.original_returned_by == staff["desk"]
    assert paper.original_returned_to == "Nguyễn Văn An"
    assert paper.original_returned_at is not None

    after = page(client, staff["desk"], dossier)
    assert "Originals to return to the applicant" not in after.text
    assert "return_originals" not in [a["name"] for a in after.context["actions"]]
    assert "Originals taken by the desk" in after.text
    assert "Originals returned" in after.text  # the timeline
    assert "to Nguyễn Văn An" in after.text
    kinds = list(dossier.events.values_list("kind", flat=True))
    assert kinds.count("originals_received") == 1
    assert kinds.count("originals_returned") == 1


def test_only_the_receiving_desk_records_originals(client, staff, dossier):
    paper = dossier.components.order_by("position").first()

    outsider = post(client, staff["other_desk"], dossier, "take_originals", components=[paper.pk])
    assert outsider.status_code == 404
    assert page(client, staff["other_desk"], dossier).status_code == 404
    not_desk = post(client, staff["specialist"], dossier, "take_originals", components=[paper.pk])
    assert not_desk.status_code == 403
    paper.refresh_from_db()
    assert paper.original_received_at is None

    post(client, staff["desk"], dossier, "take_originals", components=[paper.pk])
    returned = post(
        client, staff["other_desk"], dossier, "return_originals", components=[paper.pk], returned_to="X"
    )
    assert returned.status_code == 404
    paper.refresh_from_db()
    assert paper.original_returned_at is None


def test_an_original_not_taken_cannot_be_returned_nor_taken_twice(staff, dossier):
    first = dossier.components.order_by("position").first()
    desk = staff["desk"]
    with translation.override("en"):  # the messages matched below; the default language is vi
        with pytest.raises(ValidationError, match="does not hold"):
            services.return_originals(dossier, by=desk, components=[first], returned_to="An")
        services.take_originals(dossier, by=desk, components=[first])
        with pytest.raises(ValidationError, match="already taken"):
            services.take_originals(dossier, by=desk, components=[first])
        services.return_originals(dossier, by=desk, components=[first], returned_to="An")
        with pytest.raises(ValidationError, match="does not hold"):
            services.return_originals(dossier, by=desk, components=[first], returned_to="An")
    assert DossierComponent.objects.get(pk=first.pk).original_returned_to == "An"
