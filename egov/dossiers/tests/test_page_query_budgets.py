"""The pages officers and citizens open most read a fixed number of queries, whatever the size of
the dossier: a longer history or more papers must not add a query per row (issue 12)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egov.dossiers import services
from egov.dossiers.models import Status
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)


@pytest.fixture
def staff(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.dh"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "tuphap.dh"),
        "leader": make_member(Role.LEADER, province.commune, "chutich.dh"),
    }


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def lengthen_history(dossier, staff, province, lines: int) -> None:
    """More timeline lines, each with another actor and unit, as a long-running dossier has."""
    people = [staff["desk"], staff["specialist"], staff["leader"]]
    units = [province.commune, province.other_commune]
    for n in range(lines):
        services.record_event(
            dossier,
            "note",
            people[n % 3],
            Status.PROCESSING,
            Status.PROCESSING,
            from_unit=units[n % 2],
            to_unit=units[(n + 1) % 2],
            to_user=people[(n + 1) % 3],
            note=f"Ghi chú {n}",
        )


@time_machine.travel(MONDAY, tick=False)
def test_the_dossier_page_and_the_lookup_read_as_many_queries_for_a_long_history(client, province, staff):
    version = commune_procedure()
    short = receive(version, province.commune, staff["desk"], name="Nguyễn Văn An")
    long = receive(version, province.commune, staff["desk"], name="Trần Thị Bình")
    services.forward_dossier(short, by=staff["desk"])
    services.forward_dossier(long, by=staff["desk"])
    lengthen_history(long, staff, province, lines=12)
    client.force_login(staff["leader"])

    officer = [queries_of(client, reverse("dossiers:detail", args=[d.code])) for d in (short, long)]
    client.logout()
    public = [queries_of(client, reverse("portal:lookup_detail", args=[d.code])) for d in (short, long)]

    assert officer[0] == officer[1], officer
    assert public[0] == public[1], public
    # Budgets, so a new per-page query is a decision: the officer's page reads the session, the
    # user, their memberships and units, the calendar, the dossier with its papers, timeline,
    # fees, consultations and the actions allowed; the public page one query, the dossier with its
    # step and units.
    assert officer[0] <= 27, officer
    assert public[0] == 1, public
