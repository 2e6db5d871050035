"""A dossier's page and its actions: one screen, only allowed actions, stale forms change nothing."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from egov.core.models import AuditEntry
from egov.dossiers.models import Consultation, Dossier, DossierEvent, Status
from egov.dossiers.tests.factories import commune_procedure, receive, sign_result, tiny_pdf
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

VN = ZoneInfo("Asia/Ho_Chi_Minh")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN)

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
        "leader": make_member(Role.LEADER, province.commune, "chutich.dh"),
    }


@pytest.fixture
def dossier(province, staff):
    return receive(commune_procedure(), province.commune, staff["desk"])


def page(client, user, dossier):
    client.force_login(user)
    response = client.get(reverse("dossiers:detail", args=[dossier.code]), **EN)
    assert response.status_code == 200
    return response


def offered(response) -> list[str]:
    return [action["name"] for action in response.context["actions"]]


def act(client, user, dossier, action, **fields):
    """Post the action's form as the page would (with the state it shows), without following."""
    client.force_login(user)
    dossier.refresh_from_db()
    last = DossierEvent.objects.filter(dossier=dossier).order_by("-pk").first()
    data = {"expected_status": dossier.status, "expected_event": last.pk, **fields}
    return client.post(reverse("dossiers:act", args=[dossier.code, action]), data, **EN), data


def test_the_page_shows_applicant_timeline_deadlines_and_logs_the_reading(client, staff, dossier):
    response = page(client, staff["desk"], dossier)

    assert dossier.code in response.text
    assert "Nguyễn Văn An" in response.text
    assert "Received, appointment given" in response.text
    assert "Newly registered" in response.text  # the timeline's status column
    assert "In time" in response.text
    assert "Waiting to be sent" in response.text  # the receipt SMS/e-mail
    assert AuditEntry.objects.filter(action="dossier.viewed", object_id=str(dossier.pk)).count() == 1


def test_only_allowed_actions_are_offered(client, staff, dossier):
    fee = ["pay_fee"] if dossier.fee_amount else []
    assert offered(page(client, staff["desk"], dossier)) == [
        "forward",
        "transfer",
        "take_originals",
        *fee,
        "withdraw",
    ]
    assert offered(page(client, staff["specialist"], dossier)) == []
    assert offered(page(client, staff["leader"], dossier)) == ["transfer", "extend"]


def test_the_whole_walk_through_the_actions(client, staff, dossier):
    response, _ = act(client, staff["desk"], dossier, "forward")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.current_step) == (Status.PROCESSING, 2)

    specialist_actions = offered(page(client, staff["specialist"], dossier))
    assert {"appraise", "complete", "request_supplement", "consult"} <= set(specialist_actions)
    assert "forward" not in specialist_actions
    assert "refuse" not in specialist_actions

    response, _ = act(client, staff["leader"], dossier, "assign", to_user=staff["specialist"].pk)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.assignee == staff["specialist"]

    response, _ = act(client, staff["specialist"], dossier, "appraise", note="Hồ sơ hợp lệ")
    assert response.status_code == 302
    assert dossier.events.filter(kind="appraised", note="Hồ sơ hợp lệ").exists()

    # Nothing to show yet: the step that drafts the result cannot be completed without it.
    response, _ = act(client, staff["specialist"], dossier, "complete", note="Trình ký")
    assert "Draft or attach the result before completing this step." in response.text
    dossier.refresh_from_db()
    assert dossier.current_step == 2
    response, _ = act(client, staff["specialist"], dossier, "generate_result", note="")
    assert response.status_code == 302
    response, _ = act(client, staff["specialist"], dossier, "complete", note="Trình ký")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.current_step == 3

    # The step has moved on: the specialist (still the assignee) has nothing left to do here.
    assert offered(page(client, staff["specialist"], dossier)) == []
    assert "send_back" in offered(page(client, staff["leader"], dossier))
    response, _ = act(client, staff["leader"], dossier, "complete")
    assert "not yet signed by the competent person" in response.text
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    sign_result(dossier, staff["leader"])
    response, _ = act(client, staff["leader"], dossier, "complete")
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED

    assert offered(page(client, staff["desk"], dossier))[0] == "return_result"
    response, _ = act(client, staff["desk"], dossier, "return_result", method="desk")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    follow = client.get(response["Location"], **EN)
    assert "The result was returned" in follow.text


def test_a_stale_replay_changes_nothing(client, staff, dossier):
    response, data = act(client, staff["desk"], dossier, "forward")
    assert response.status_code == 302
    events = DossierEvent.objects.count()

    replay = client.post(reverse("dossiers:act", args=[dossier.code, "forward"]), data, **EN)

    assert replay.status_code == 302
    assert DossierEvent.objects.count() == events
    follow = client.get(replay["Location"], **EN)
    assert "Nothing was done: the dossier changed" in follow.text


def test_a_stale_replay_of_a_step_that_keeps_the_status_changes_nothing(client, staff, dossier):
    act(client, staff["desk"], dossier, "forward")
    response, data = act(client, staff["specialist"], dossier, "appraise", note="Đạt")
    assert response.status_code == 302
    dossier.refresh_from_db()
    before = (dossier.status, dossier.current_step, DossierEvent.objects.count())

    client.post(reverse("dossiers:act", args=[dossier.code, "appraise"]), data)

    dossier.refresh_from_db()
    assert (dossier.status, dossier.current_step, DossierEvent.objects.count()) == before


def test_an_invalid_form_is_shown_again_with_its_error(client, staff, dossier):
    act(client, staff["desk"], dossier, "forward")
    events = DossierEvent.objects.count()

    response, _ = act(client, staff["specialist"], dossier, "appraise", note="")

    assert response.status_code == 200
    assert response.context["failed_action"] == "appraise"
    assert "This field is required." in response.text
    assert DossierEvent.objects.count() == events


def test_a_service_refusal_is_shown_on_the_form(client, staff, dossier):
    act(client, staff["desk"], dossier, "forward")

    response, _ = act(
        client, staff["specialist"], dossier, "request_supplement", missing="   ", reason="Thiếu"
    )

    assert response.status_code == 200
    assert Dossier.objects.get().status == Status.PROCESSING


def test_an_action_the_user_may_not_do_is_forbidden(client, staff, dossier):
    response, _ = act(client, staff["specialist"], dossier, "forward")

    assert response.status_code == 403
    assert Dossier.objects.get().status == Status.RECEIVED


def test_unknown_action_is_404(client, staff, dossier):
    response, _ = act(client, staff["desk"], dossier, "explode")

    assert response.status_code == 404


def test_supplement_after_appraisal_then_received(client, staff, dossier):
    act(client, staff["desk"], dossier, "forward")

    response, _ = act(
        client,
        staff["specialist"],
        dossier,
        "request_supplement",
        missing="Giấy chứng sinh\nSổ hộ khẩu",
        reason="x",
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED

    assert "receive_supplement" in offered(page(client, staff["desk"], dossier))
    response, _ = act(client, staff["desk"], dossier, "receive_supplement")
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def test_consultation_is_answered_by_the_consulted_unit(client, province, staff, dossier, specialist):
    act(client, staff["desk"], dossier, "forward")

    response, _ = act(
        client,
        staff["specialist"],
        dossier,
        "consult",
        units=[province.department.pk],
        mode="sequential",
        content="Xin ý kiến",
        hours=8,
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get()

    answer_page = page(client, specialist, dossier)
    assert answer_page.context["consultations"][0].answer_form is not None
    assert page(client, staff["leader"], dossier).context["consultations"][0].answer_form is None
    response, _ = act(client, specialist, dossier, "answer", consultation=consultation.pk, answer="Đồng ý")
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.answer == "Đồng ý"


def test_attach_a_pdf_result(client, staff, dossier):
    act(client, staff["desk"], dossier, "forward")

    response, _ = act(client, staff["specialist"], dossier, "attach_result", file=tiny_pdf("ket-qua.pdf"))

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.result_document is not None


def test_leader_refuses_after_appraisal(client, staff, dossier):
    act(client, staff["desk"], dossier, "forward")

    response, _ = act(client, staff["leader"], dossier, "refuse", reason="Không đủ điều kiện")

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert (dossier.status, dossier.outcome) == (Status.RESOLVED, "refused")


def test_leader_extends_the_appointment(client, staff, dossier):
    act(client, staff["desk"], dossier, "forward")
    old = dossier.due_at

    response, _ = act(
        client,
        staff["leader"],
        dossier,
        "extend",
        new_date="2026-03-10",
        new_time="16:00",
        reason="Cần xác minh",
    )

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.due_at > old
    assert dossier.extension_count == 1
    assert "extend" not in offered(page(client, staff["leader"], dossier))


def test_desk_withdraws_at_the_applicants_request(client, staff, dossier):
    response, _ = act(client, staff["desk"], dossier, "withdraw", reason="Công dân xin rút")

    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN
    assert offered(page(client, staff["desk"], dossier)) == []


def test_htmx_action_follows_to_the_page(client, staff, dossier):
    client.force_login(staff["desk"])
    last = dossier.events.order_by("-pk").first()

    response = client.post(
        reverse("dossiers:act", args=[dossier.code, "forward"]),
        {"expected_status": dossier.status, "expected_event": last.pk},
        HTTP_HX_REQUEST="true",
        follow=True,
    )

    assert response.status_code == 200
    assert 'id="main"' in response.text
    assert Dossier.objects.get().status == Status.PROCESSING
