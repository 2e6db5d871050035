"""The desk checks an online dossier: accept with an appointment, ask for papers, or refuse."""

import datetime as dt

import pytest
from django.urls import reverse

from egov.core.models import AuditEntry
from egov.dossiers import online, services
from egov.dossiers.models import Channel, Dossier, Notification, PortalSync, Status
from egov.dossiers.tests.factories import tiny_pdf
from egov.dossiers.tests.online_factories import citizen, online_procedure, submitted
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def no_population(settings):
    settings.EGOV_POPULATION_URL = "http://127.0.0.1:9/dan-cu/"  # nothing listens: typed by hand


@pytest.fixture
def dossier(province) -> Dossier:
    return submitted(online_procedure(), citizen(), province.commune)


@pytest.fixture
def desk(province):
    return make_member(Role.DESK_OFFICER, province.commune, "motcua.online")


def act(client, dossier: Dossier, action: str, **data):
    url = reverse("dossiers:act", args=[dossier.code, action])
    return client.post(url, {"expected_status": dossier.status, **data}, **EN)


def test_submission_makes_an_online_dossier_waiting_at_the_desk(dossier, province):
    assert (dossier.channel, dossier.status, dossier.receiving_unit) == (Channel.ONLINE, 1, province.commune)
    assert dossier.code.startswith("H51.60-")
    assert dossier.citizen is not None
    assert dossier.received_at is None
    event = dossier.events.get(kind="submitted_online")
    due = dt.datetime.fromisoformat(event.data["online_review_due_at"])
    assert due > event.at
    assert event.data["form"]["ho_ten_tre"] == "Nguyễn Bình An"
    papers = list(dossier.components.order_by("position"))
    assert [(c.exemption, c.is_digitised, c.document_id is not None) for c in papers] == [
        ("online", False, False),
        ("online", False, True),
    ]
    assert Notification.objects.filter(dossier=dossier, channel="email").exists()
    assert PortalSync.objects.filter(dossier=dossier, payload__KenhThucHien=2).exists()
    audit = AuditEntry.objects.get(action="dossier.submitted_online")
    assert "Nguyễn Bình An" not in str(audit.after)  # the form stays out of the audit log


def test_the_queue_shows_online_dossiers_due_within_8_working_hours(client, desk, dossier):
    client.force_login(desk)
    response = client.get(reverse("dossiers:queue"), **EN)
    assert "Online dossiers to check" in response.text
    assert dossier.code in response.text
    assert "Due within 8 working hours" in response.text


def test_the_desk_accepts_with_an_appointment(client, desk, dossier):
    client.force_login(desk)
    page = client.get(reverse("dossiers:detail", args=[dossier.code]), **EN)
    assert "Receive the online dossier" in page.text
    assert "Nguyễn Bình An" in page.text  # the e-form, read-only

    response = act(client, dossier, "accept_online")

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.received_at is not None
    assert dossier.due_at is not None
    assert dossier.events.filter(kind="received").exists()


def test_supplement_round_trip_at_the_desk(client, desk, dossier):
    client.force_login(desk)
    act(
        client,
        dossier,
        "supplement_online",
        missing="Giấy chứng sinh (bản chính)\nGiấy ủy quyền",
        reason="Thiếu",
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert online.missing_items(dossier) == ["Giấy chứng sinh (bản chính)", "Giấy ủy quyền"]
    assert Notification.objects.filter(dossier=dossier, channel="sms").count() == 2  # submitted, supplement

    owner = dossier.citizen
    assert owner is not None
    client.force_login(owner)
    page = client.get(reverse("portal:citizen_dossier", args=[dossier.code]), **EN)
    assert "Giấy ủy quyền" in page.text
    assert "Send the papers" in page.text
    response = client.post(
        reverse("portal:citizen_supply", args=[dossier.code]), {"file_1": tiny_pdf("chung-sinh.pdf")}, **EN
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.REGISTERED
    assert dossier.events.filter(kind="supplement_supplied_online").exists()
    assert dossier.components.filter(name="Giấy chứng sinh (bản chính)", document__isnull=False).exists()

    client.force_login(desk)
    act(client, dossier, "accept_online")
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_supplement_after_appraisal_restarts_the_clock(client, province, dossier):
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.xuly")
    specialist = make_member(Role.SPECIALIST, province.commune, "chuyenvien.xuly")
    online.receive_online(dossier, by=desk)
    services.forward_dossier(dossier, by=desk)
    services.request_supplement(dossier, by=specialist, missing=["Giấy chứng sinh"], reason="Mờ")
    owner = dossier.citizen
    assert owner is not None
    client.force_login(owner)

    client.post(reverse("portal:citizen_supply", args=[dossier.code]), {"file_1": tiny_pdf()}, **EN)

    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert dossier.paused_at is None
    event = dossier.events.get(kind="supplement_received_online")
    assert event.actor == owner
    assert dt.datetime.fromisoformat(event.data["due_at"]) == dossier.due_at


def test_the_desk_refuses_with_reasons(client, desk, dossier):
    client.force_login(desk)
    empty = act(client, dossier, "refuse_online", reason="")
    assert empty.status_code == 200
    act(client, dossier, "refuse_online", reason="Không thuộc thẩm quyền")
    dossier.refresh_from_db()
    assert (dossier.status, dossier.closed_at is not None) == (Status.NOT_RECEIVED, True)
    client.force_login(dossier.citizen)
    page = client.get(reverse("portal:citizen_dossier", args=[dossier.code]), **EN)
    assert "The dossier could not be received." in page.text


def test_a_desk_elsewhere_cannot_receive_it(client, province, dossier):
    other = make_member(Role.DESK_OFFICER, province.other_commune, "motcua.khac")
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied or Http404
        online.receive_online(dossier, by=other)
    client.force_login(other)
    assert act(client, dossier, "accept_online").status_code == 404
