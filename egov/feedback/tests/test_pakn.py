"""PAKN: submission, the QĐ 766 deadlines across weekend and holiday, handling and publication."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from egov.core.models import AuditEntry
from egov.feedback.models import Feedback

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _at(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=HCM)


def _submit(client, **fields):
    data = {"kind": "report", "about": "general", "title": "Thái độ cán bộ", "content": "Nội dung phản ánh"}
    data.update(fields)
    return client.post(reverse("feedback:submit"), data, **EN)


def test_anonymous_sender_needs_a_way_to_be_reached(client, province):
    assert client.get(reverse("feedback:submit")).status_code == 200

    refused = _submit(client, name="Lê Văn C")
    assert refused.status_code == 400
    assert not Feedback.objects.exists()

    response = _submit(client, name="Lê Văn C", phone="0912000111")
    assert response.status_code == 200
    feedback = Feedback.objects.get()
    assert feedback.unit == province.province
    assert feedback.citizen is None
    assert feedback.status == Feedback.Status.RECEIVED
    assert AuditEntry.objects.filter(action="feedback.submit", object_id=str(feedback.pk)).exists()


def test_dossier_feedback_goes_to_the_receiving_unit_and_must_be_own(
    client, citizen, other_citizen, dossier, province
):
    client.force_login(other_citizen)
    assert _submit(client, about="dossier", dossier_code=dossier.code).status_code == 400
    assert not Feedback.objects.exists()

    client.force_login(citizen)
    assert _submit(client, about="dossier", dossier_code=dossier.code).status_code == 200
    feedback = Feedback.objects.get()
    assert (feedback.unit, feedback.dossier, feedback.citizen) == (province.commune, dossier, citizen)
    assert feedback.name == citizen.display_name
    mine = client.get(reverse("feedback:mine"))
    assert feedback.title in mine.content.decode()


def test_deadlines_skip_the_weekend_and_a_holiday(client, province):
    # Thursday 19/11/2026 10:00; 21–22/11 weekend; 24/11 Ngày Văn hóa Việt Nam (national holiday).
    with time_machine.travel(_at(2026, 11, 19, 10, 0), tick=False):
        _submit(client, name="Lê Văn C", email="c@example.vn")
    feedback = Feedback.objects.get()

    assert feedback.refuse_due_at == _at(2026, 11, 23, 10, 0)  # Fri 20, Mon 23
    assert feedback.info_due_at == _at(2026, 11, 27, 10, 0)  # Fri, Mon, Wed, Thu, Fri
    assert feedback.answer_due_at == _at(2026, 12, 11, 10, 0)  # 15 working days


def test_handling_to_publication_records_on_time_flags(client, citizen, dossier, commune_specialist):
    from egov.feedback.services import FeedbackInput, submit_feedback

    feedback = submit_feedback(
        FeedbackInput(kind="report", title="Trễ hẹn", content="Hồ sơ trễ", about="dossier", dossier=dossier),
        by=citizen,
        now=_at(2026, 11, 19, 10, 0),
    )
    client.force_login(commune_specialist)
    action = lambda name: reverse("feedback_staff:action", args=[feedback.pk, name])  # noqa: E731

    with time_machine.travel(_at(2026, 11, 30, 9, 0), tick=False):  # after the 5-day limit
        client.force_login(commune_specialist)
        client.post(action("request_information"), {"question": "Ngày hẹn trên phiếu?"})
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.INFO_REQUESTED
    assert feedback.info_on_time is False

    with time_machine.travel(_at(2026, 12, 1, 9, 0), tick=False):
        client.force_login(citizen)
        client.post(reverse("feedback:mine_detail", args=[feedback.pk]), {"reply": "Ngày 20/11"})
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.RECEIVED
    assert feedback.info_reply == "Ngày 20/11"

    client.force_login(commune_specialist)
    with time_machine.travel(_at(2026, 12, 11, 9, 0), tick=False):
        client.force_login(commune_specialist)
        client.post(action("answer"), {"answer": "Đã xin lỗi và trả kết quả."})
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.ANSWERED
    assert feedback.answered_on_time is True
    assert feedback.publish_due_at == _at(2026, 12, 15, 9, 0)  # Fri 11 → Mon 14, Tue 15

    with time_machine.travel(_at(2026, 12, 14, 9, 0), tick=False):
        client.force_login(commune_specialist)
        client.post(
            reverse("feedback_staff:review", args=[feedback.pk]),
            {
                "public_title": "Trễ hẹn",
                "public_content": "Hồ sơ trễ",
                "public_answer": "Đã xin lỗi và trả kết quả.",
                "checked": "on",
            },
        )
    feedback.refresh_from_db()
    assert feedback.published
    assert feedback.published_on_time is True
    assert [e.kind for e in feedback.events.all()] == [
        "received",
        "info_requested",
        "info_replied",
        "answered",
        "published",
    ]

    client.logout()
    listing = client.get(reverse("feedback:published"), {"q": "tre hen"})
    page = listing.content.decode()
    assert "Trễ hẹn" in page
    assert "Đã xin lỗi" not in page
    detail = client.get(reverse("feedback:published_detail", args=[feedback.pk])).content.decode()
    assert "Đã xin lỗi và trả kết quả." in detail
    for personal in (citizen.display_name, dossier.code, dossier.applicant_phone, citizen.email):
        if personal:
            assert personal not in page
            assert personal not in detail


def test_refusal_and_officers_of_other_units(client, citizen, dossier, commune_specialist, outsider, leader):
    from egov.feedback.services import FeedbackInput, submit_feedback

    feedback = submit_feedback(
        FeedbackInput(kind="recommendation", title="Đề nghị", content="…", about="dossier", dossier=dossier),
        by=citizen,
    )
    refuse = reverse("feedback_staff:action", args=[feedback.pk, "refuse"])
    for stranger in (outsider, leader):  # Xã Võ Nhai, Sở Tư pháp: not the handling unit
        client.force_login(stranger)
        assert client.get(reverse("feedback_staff:detail", args=[feedback.pk])).status_code == 404
        assert client.post(refuse, {"reason": "Không thuộc thẩm quyền"}).status_code == 404
        assert feedback.pk not in [
            f.pk for f, _ in client.get(reverse("feedback_staff:queue")).context["rows"]
        ]
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.RECEIVED

    client.force_login(commune_specialist)
    queue = client.get(reverse("feedback_staff:queue"))
    assert [f.pk for f, _ in queue.context["rows"]] == [feedback.pk]
    client.post(refuse, {"reason": "Trùng nội dung"})
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.REFUSED
    assert feedback.refused_on_time is True
    # A refused feedback cannot be answered or published.
    client.post(
        reverse("feedback_staff:review", args=[feedback.pk]),
        {"public_title": "Đề nghị", "public_content": "…", "public_answer": "…", "checked": "on"},
    )
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.REFUSED
    assert not feedback.published
    assert client.get(reverse("feedback:published_detail", args=[feedback.pk])).status_code == 404


def test_service_refuses_an_officer_without_a_role_in_the_unit(citizen, dossier, outsider):
    from django.core.exceptions import PermissionDenied

    from egov.feedback.services import FeedbackInput, answer_feedback, submit_feedback

    feedback = submit_feedback(
        FeedbackInput(kind="report", title="X", content="Y", about="dossier", dossier=dossier), by=citizen
    )
    with pytest.raises(PermissionDenied):
        answer_feedback(feedback, by=outsider, answer="Z")
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.RECEIVED


def test_overdue_feedback_is_marked_in_the_queue(client, citizen, dossier, commune_specialist):
    from egov.feedback.services import FeedbackInput, submit_feedback

    submit_feedback(
        FeedbackInput(kind="report", title="Cũ", content="…", about="dossier", dossier=dossier),
        by=citizen,
        now=_at(2026, 1, 5, 9, 0),
    )
    client.force_login(commune_specialist)
    with time_machine.travel(_at(2026, 3, 2, 9, 0)):
        client.force_login(commune_specialist)
        response = client.get(reverse("feedback_staff:queue"), **EN)
    assert "clock-late" in response.content.decode()
    assert "overdue" in response.content.decode()
