"""The PAKN history names each step in the reader's language (issue 11, item 10).

The history table printed the stored codes ("received", "info_requested", "answered"), English
on a Vietnamese page. A refused PAKN and a refused dossier are different things, so each
"Refused" carries its own context.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from egov.dossiers.models import Dossier
from egov.feedback.services import FeedbackInput, answer_feedback, refuse_feedback, submit_feedback
from egov.signatures.models import SignatureValidation

pytestmark = pytest.mark.django_db


def _history(client, feedback, **headers):
    html = client.get(reverse("feedback_staff:detail", args=[feedback.pk]), **headers).content.decode()
    return html.split('<table class="timeline">')[1].split("</table>")[0]


def test_each_step_is_named_in_vietnamese_and_in_english(client, citizen, dossier, commune_specialist):
    feedback = submit_feedback(
        FeedbackInput(kind="report", title="Trễ hẹn", content="…", about="dossier", dossier=dossier),
        by=citizen,
    )
    answer_feedback(feedback, by=commune_specialist, answer="Đã xử lý.")
    client.force_login(commune_specialist)

    history = _history(client, feedback, HTTP_ACCEPT_LANGUAGE="vi")
    assert "<td>Tiếp nhận</td>" in history
    assert "<td>Trả lời</td>" in history
    for code in ("received", "answered"):
        assert code not in history
    english = _history(client, feedback, HTTP_ACCEPT_LANGUAGE="en")
    assert "<td>Received</td>" in english
    assert "<td>Answered</td>" in english


def test_a_refused_pakn_is_not_a_refused_dossier(client, citizen, dossier, commune_specialist):
    feedback = submit_feedback(
        FeedbackInput(kind="report", title="Đề nghị", content="…", about="dossier", dossier=dossier),
        by=citizen,
    )
    refuse_feedback(feedback, by=commune_specialist, reason="Không thuộc thẩm quyền")
    client.force_login(commune_specialist)

    assert "<td>Từ chối xử lý</td>" in _history(client, feedback, HTTP_ACCEPT_LANGUAGE="vi")
    page = client.get(reverse("feedback_staff:detail", args=[feedback.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    assert "<dd>Từ chối xử lý</dd>" in page.content.decode()
    with translation.override("vi"):
        assert str(Dossier.ResultOutcome.REFUSED.label) == "Từ chối giải quyết"
        assert str(SignatureValidation.Status.VALID.label) == "Hợp lệ"
