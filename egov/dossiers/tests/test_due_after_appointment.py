"""A step's, a forward's or a consultation's deadline later than the dossier's appointment is
never shown without saying why (issue 11 item 7; QĐ 1085/QĐ-TTg, ND 61/2018 Điều 18, 19).

Each case is built through the services at fixed moments and read on the officer's dossier page.
"""

import datetime as dt
import json
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from egov.demo.seed import CATALOGUE_PATH
from egov.dossiers import online, services
from egov.dossiers.models import Dossier
from egov.dossiers.tests.factories import commune_procedure, draft_result, receive
from egov.dossiers.tests.online_factories import FORM, citizen
from egov.organization.models import Role
from egov.organization.tests.factories import make_member
from egov.procedures.models import Procedure
from egov.procedures.services import import_catalogue
from egov.procedures.tests.documents import decision, document, entry

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)
NOTE = re.compile(r"data-after-appointment>([^<]*)<")


@pytest.fixture
def staff(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.hh"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "tuphap.hh"),
    }


def notes(client, user, code: str) -> list[str]:
    client.force_login(user)
    page = client.get(reverse("dossiers:detail", args=[code]))
    assert page.status_code == 200
    return [" ".join(n.split()) for n in NOTE.findall(page.content.decode())]


def test_a_step_on_schedule_has_no_note(client, province, staff):
    with time_machine.travel(MONDAY, tick=False):
        dossier = receive(commune_procedure(), province.commune, staff["desk"])
        services.forward_dossier(dossier, by=staff["desk"])

        assert notes(client, staff["specialist"], dossier.code) == []


def test_a_step_started_late_says_so(client, province, staff):
    # 2 working days: appointment Wednesday 09:00. Forwarded on Tuesday at 16:00, the appraisal's
    # 12 working hours end on Thursday.
    with time_machine.travel(MONDAY, tick=False):
        dossier = receive(commune_procedure(), province.commune, staff["desk"])
    tuesday = dt.datetime(2026, 3, 3, 16, 0, tzinfo=VN)
    with time_machine.travel(tuesday, tick=False):
        services.forward_dossier(dossier, by=staff["desk"])
        dossier.refresh_from_db()
        assert dossier.current_step_due_at is not None
        assert dossier.due_at is not None
        assert dossier.current_step_due_at > dossier.due_at

        shown = notes(client, staff["specialist"], dossier.code)

    expected = (
        "Sau ngày hẹn trả kết quả (09:00 04/03/2026) vì bước này bắt đầu lúc 16:00 03/03/2026, do các "
        "bước trước chậm, và có 12 giờ làm việc."
    )
    # Beside "Current step due" and on the timeline row of the step's start.
    assert shown == [expected, expected]


def test_a_consultation_past_the_appointment_says_so(client, province, staff):
    with time_machine.travel(MONDAY, tick=False):
        dossier = receive(commune_procedure(), province.commune, staff["desk"])
        services.forward_dossier(dossier, by=staff["desk"])
        services.consult_units(
            dossier,
            by=staff["specialist"],
            units=[province.other_commune],
            content="Xác minh nơi cư trú",
            mode="parallel",
            hours_each=24,
        )

        shown = notes(client, staff["specialist"], dossier.code)

    assert shown == [
        "Sau ngày hẹn trả kết quả (09:00 04/03/2026) vì đơn vị được hỏi ý kiến lúc 09:00 02/03/2026 "
        "với thời hạn 24 giờ làm việc."
    ]


def one_hour_procedure():
    row = entry(
        "1.009999",
        time_limit={"value": "1", "unit": "working_hours"},
        steps=[
            {"name": "Tiếp nhận, kiểm tra hồ sơ", "role": "desk_officer", "hours": "0.5"},
            {"name": "Giải quyết", "role": "specialist", "hours": "0.5"},
        ],
    )
    report = import_catalogue(document(decision("1.009999/QĐ-UBND", row)), imported_by=None, dry_run=False)
    assert report.ok, report.error_lines()
    version = Procedure.objects.get(code="1.009999").current_version
    assert version is not None
    return version


def test_a_forward_after_the_cut_off_is_due_by_a_one_hour_appointment(client, province, staff):
    # Received 16:30: the 15:00 rule says the next morning (08:00), the appointment is 07:30.
    late = dt.datetime(2026, 3, 2, 16, 30, tzinfo=VN)
    with time_machine.travel(late, tick=False):
        dossier = receive(one_hour_procedure(), province.commune, staff["desk"])

        shown = notes(client, staff["desk"], dossier.code)

    assert dossier.due_at == dt.datetime(2026, 3, 3, 7, 30, tzinfo=VN)
    assert dossier.forward_due_at == dossier.due_at
    assert shown == []


@pytest.mark.parametrize(
    ("received", "stored", "reason"),
    [
        (
            dt.datetime(2026, 3, 2, 16, 30, tzinfo=VN),
            dt.datetime(2026, 3, 3, 8, 0, tzinfo=VN),
            "hồ sơ được tiếp nhận sau 15:00 nên được chuyển vào đầu giờ ngày làm việc tiếp theo",
        ),
        (
            dt.datetime(2026, 3, 2, 10, 20, tzinfo=VN),
            dt.datetime(2026, 3, 2, 17, 0, tzinfo=VN),
            "hồ sơ được tiếp nhận trước 15:00 và theo quy định được chuyển trong ngày làm việc đó, chậm "
            "nhất đến hết giờ làm việc",
        ),
    ],
)
def test_a_forward_stored_after_the_appointment_gives_the_true_reason(
    client, province, staff, received, stored, reason
):
    # Deadlines stored before the cap keep their explanation, read from the receipt time.
    with time_machine.travel(dt.datetime(2026, 3, 2, 14, 0, tzinfo=VN), tick=False):
        dossier = receive(one_hour_procedure(), province.commune, staff["desk"])
    Dossier.objects.filter(pk=dossier.pk).update(received_at=received, forward_due_at=stored)
    with time_machine.travel(dt.datetime(2026, 3, 2, 14, 5, tzinfo=VN), tick=False):
        shown = notes(client, staff["desk"], dossier.code)

    assert shown == [
        f"Sau ngày hẹn trả kết quả (15:00 02/03/2026) vì {reason} (Điều 18 Nghị định 61/2018/NĐ-CP)."
    ]


def test_a_step_given_back_late_says_it_was_sent_back(client, province, staff):
    leader = make_member(Role.LEADER, province.commune, "chutich.hh")
    with time_machine.travel(MONDAY, tick=False):
        dossier = receive(commune_procedure(), province.commune, staff["desk"])
        services.forward_dossier(dossier, by=staff["desk"])
        draft_result(dossier, staff["specialist"])
        services.complete_step(dossier, by=staff["specialist"])
    with time_machine.travel(dt.datetime(2026, 3, 3, 16, 0, tzinfo=VN), tick=False):
        services.send_back(dossier, by=leader, reason="Thẩm định lại nơi cư trú")

        shown = notes(client, staff["specialist"], dossier.code)

    expected = (
        "Sau ngày hẹn trả kết quả (09:00 04/03/2026) vì hồ sơ được trả lại bước này lúc 16:00 03/03/2026 "
        "và bước được tính lại 12 giờ làm việc."
    )
    assert shown == [expected, expected]


def demo_entry(code: str) -> dict[str, Any]:
    """The demo catalogue's entry of a procedure, as published."""
    catalogue = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    return next(e for d in catalogue["decisions"] for e in d["procedures"] if e["code"] == code)


def test_an_early_morning_online_receipt_is_forwarded_by_a_short_appointment(client, province, staff):
    """Trích lục (4 working hours) submitted online, accepted at 07:20: the appointment is 11:20.

    Received before 15:00, the dossier is forwarded that working day (ND 61/2018 Art. 18), and
    never after its appointment: the whole time limit includes the forwarding. The page must not
    say it was received after 15:00.
    """
    row = demo_entry("2.000635")
    report = import_catalogue(document(decision("2.000635/QĐ-UBND", row)), imported_by=None, dry_run=False)
    assert report.ok, report.error_lines()
    version = Procedure.objects.get(code="2.000635").current_version
    assert version is not None
    owner = citizen()
    values = {
        **{k: v for k, v in FORM.items() if k.startswith("applicant_")},
        "loai_trich_luc": "Khai sinh",
        "ho_ten_nguoi_duoc_cap": "Nguyễn Văn An",
        "so_ban": "2",
    }
    with time_machine.travel(dt.datetime(2026, 12, 8, 7, 18, tzinfo=VN), tick=False):
        draft = online.start_draft(citizen=owner, version=version)
        online.save_draft(draft, by=owner, values=values, receiving_unit=province.commune)
        dossier = online.submit_online(draft, by=owner)
    with time_machine.travel(dt.datetime(2026, 12, 8, 7, 20, tzinfo=VN), tick=False):
        client.force_login(staff["desk"])
        accepted = client.post(
            reverse("dossiers:act", args=[dossier.code, "accept_online"]),
            {"expected_status": dossier.status},
        )
        assert accepted.status_code == 302
        dossier.refresh_from_db()
        page = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()

    assert dossier.due_at == dt.datetime(2026, 12, 8, 11, 20, tzinfo=VN)
    assert dossier.forward_due_at == dossier.due_at
    assert "sau 15:00" not in page
    assert NOTE.findall(page) == []
