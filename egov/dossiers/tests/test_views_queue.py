"""The queues at /can-bo/ho-so/: the right dossiers per role, nothing from other units, few queries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from egov.dossiers import services
from egov.dossiers.models import Status
from egov.dossiers.tests.factories import commune_procedure, process_to_result, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

VN = ZoneInfo("Asia/Ho_Chi_Minh")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)


@pytest.fixture
def staff(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.dh"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "tuphap.dh"),
        "leader": make_member(Role.LEADER, province.commune, "chutich.dh"),
    }


def codes(client, **params) -> list[str]:
    response = client.get(reverse("dossiers:queue"), params, **EN)
    assert response.status_code == 200
    return [d.code for d in response.context["rows"]]


@pytest.fixture
def dossiers(province, staff):
    """At the desk (received), with the specialist (forwarded), and returned (finished)."""
    version = commune_procedure()
    with time_machine.travel(MONDAY, tick=False):
        at_desk = receive(version, province.commune, staff["desk"], name="Lê Thị Cúc")
        processing = receive(version, province.commune, staff["desk"], name="Phạm Văn Dũng")
        services.forward_dossier(processing, by=staff["desk"])
        done = receive(version, province.commune, staff["desk"], name="Hoàng Văn Em")
        services.forward_dossier(done, by=staff["desk"])
        process_to_result(done, specialist=staff["specialist"], leader=staff["leader"])
        services.return_result(done, by=staff["desk"], method="desk")
    return {"at_desk": at_desk, "processing": processing, "done": done}


@time_machine.travel(MONDAY + dt.timedelta(hours=1), tick=False)
def test_my_work_follows_the_step_role(client, staff, dossiers):
    client.force_login(staff["desk"])
    assert codes(client) == [dossiers["at_desk"].code]

    client.force_login(staff["specialist"])
    assert codes(client, tab="mine") == [dossiers["processing"].code]

    client.force_login(staff["leader"])
    assert codes(client, tab="mine") == []


@time_machine.travel(MONDAY + dt.timedelta(hours=1), tick=False)
def test_unit_and_finished_tabs(client, staff, dossiers):
    client.force_login(staff["leader"])

    assert set(codes(client, tab="unit")) == {dossiers["at_desk"].code, dossiers["processing"].code}
    assert codes(client, tab="done") == [dossiers["done"].code]


def test_due_soon_and_overdue(client, staff, dossiers):
    client.force_login(staff["leader"])
    # Two working days from Monday 09:00: due Wednesday 09:00.
    with time_machine.travel(dt.datetime(2026, 3, 3, 10, 0, tzinfo=VN), tick=False):
        assert set(codes(client, tab="due_soon")) == {dossiers["at_desk"].code, dossiers["processing"].code}
        assert codes(client, tab="overdue") == []
        response = client.get(reverse("dossiers:queue"), {"tab": "due_soon"}, **EN)
        assert "Due soon" in response.text
        assert "clock-soon" in response.text
    with time_machine.travel(dt.datetime(2026, 3, 5, 10, 0, tzinfo=VN), tick=False):
        assert set(codes(client, tab="overdue")) == {dossiers["at_desk"].code, dossiers["processing"].code}
        assert codes(client, tab="due_soon") == []
        assert "Overdue" in client.get(reverse("dossiers:queue"), {"tab": "overdue"}, **EN).text


@time_machine.travel(MONDAY + dt.timedelta(hours=1), tick=False)
def test_filters_and_search(client, staff, dossiers):
    client.force_login(staff["leader"])

    assert codes(client, tab="unit", q=dossiers["processing"].code.lower()) == [dossiers["processing"].code]
    assert codes(client, tab="unit", q="Cúc") == [dossiers["at_desk"].code]
    assert codes(client, tab="unit", status=Status.PROCESSING) == [dossiers["processing"].code]
    assert codes(client, tab="unit", channel=3) == []
    assert (
        len(codes(client, tab="unit", sector="HOTICH", received_from="2026-03-02", received_to="2026-03-02"))
        == 2
    )
    assert codes(client, tab="unit", received_from="2026-03-03") == []
    assert len(codes(client, tab="unit", status="nonsense")) == 2  # a bad filter is ignored


@time_machine.travel(MONDAY + dt.timedelta(hours=1), tick=False)
def test_an_outsider_sees_nothing(client, outsider, dossiers):
    client.force_login(outsider)

    for tab in ("mine", "unit", "due_soon", "overdue", "done"):
        assert codes(client, tab=tab) == []
    code = dossiers["processing"].code
    assert client.get(reverse("dossiers:detail", args=[code])).status_code == 404
    response = client.post(
        reverse("dossiers:act", args=[code, "appraise"]), {"expected_status": 4, "note": "x"}
    )
    assert response.status_code == 404


def test_citizens_and_anonymous_users_are_kept_out(client, citizen):
    assert client.get(reverse("dossiers:queue")).status_code == 302
    client.force_login(citizen)
    assert client.get(reverse("dossiers:queue")).status_code == 403


def test_the_queue_page_has_a_bounded_number_of_queries(
    client, province, staff, django_assert_max_num_queries
):
    version = commune_procedure()
    with time_machine.travel(MONDAY, tick=False):
        for number in range(30):
            dossier = receive(version, province.commune, staff["desk"], name=f"Người nộp {number}")
            if number % 2:
                services.forward_dossier(dossier, by=staff["desk"])
    client.force_login(staff["leader"])

    with time_machine.travel(MONDAY + dt.timedelta(hours=1), tick=False):
        # The same count for every page size: session, user, calendar (2), the caller's memberships,
        # units and consultations (for each of the queue, the desk check and the online panel), the
        # page, the online panel and the sectors of the filter.
        for tab in ("mine", "unit", "due_soon", "done"):
            with django_assert_max_num_queries(14):
                response = client.get(reverse("dossiers:queue"), {"tab": tab, "q": "Người"})
            assert response.status_code == 200
        response = client.get(reverse("dossiers:queue"), {"tab": "unit"})
        assert len(response.context["rows"]) == 25
        assert response.context["has_next"]
        second = client.get(reverse("dossiers:queue"), {"tab": "unit", "page": 2})
        assert len(second.context["rows"]) == 5


@time_machine.travel(MONDAY + dt.timedelta(hours=1), tick=False)
def test_htmx_filter_returns_only_the_table(client, staff, dossiers):
    client.force_login(staff["leader"])

    response = client.get(reverse("dossiers:queue"), {"tab": "unit"}, HTTP_HX_REQUEST="true")

    assert 'id="queue-results"' in response.text
    assert "<html" not in response.text
