"""PAKN are published only as a reviewer approved them, without personal data (issue 11, item 18).

The form promises the sender that their personal details are not published; until now the portal
showed the subject, content and answer exactly as written, name and phone included, as soon as
an officer pressed "publish".
"""

import pytest
from django.test import Client
from django.urls import reverse

from egov.feedback import redaction
from egov.feedback.models import Feedback
from egov.feedback.services import FeedbackInput, answer_feedback, submit_feedback

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
CONTENT = (
    "Tôi là Lò Văn Páo, số định danh 019092007788, điện thoại 0912 000 111, thư lopao@example.vn, "
    "nhà ở xóm Làng Mới. Hồ sơ nộp ngày 20/11 đến nay chưa có kết quả; chị Trần Thị Bình ở bộ phận "
    "một cửa hẹn lại ba lần. Lệ phí 200.000 đồng."
)
ANSWER = "Kính gửi ông Lò Văn Páo: hồ sơ đã có kết quả, cán bộ Trần Thị Bình đã được nhắc nhở."
PERSONAL = (
    "Lò Văn Páo",
    "Páo",
    "019092007788",
    "0912 000 111",
    "lopao@example.vn",
    "Làng Mới",
    "Trần Thị Bình",
)


@pytest.fixture
def answered(province, commune_specialist) -> Feedback:
    feedback = submit_feedback(
        FeedbackInput(
            kind="report",
            title="Lò Văn Páo: hồ sơ trễ hẹn",
            content=CONTENT,
            name="Lò Văn Páo",
            phone="0912000111",
        ),
        by=None,
    )
    Feedback.objects.filter(pk=feedback.pk).update(unit=province.commune)
    feedback.refresh_from_db()
    return answer_feedback(feedback, by=commune_specialist, answer=ANSWER)


def _review(pk: int) -> str:
    return reverse("feedback_staff:review", args=[pk])


def _public_pages(client: Client, feedback: Feedback, query: str = "") -> str:
    client.logout()
    listing = client.get(reverse("feedback:published"), {"q": query}).content.decode()
    detail = client.get(reverse("feedback:published_detail", args=[feedback.pk])).content.decode()
    return listing + detail


def test_the_form_says_tieu_de_and_what_is_published(client, province):
    html = client.get(reverse("feedback:submit")).content.decode()

    assert '<label for="id_title">Tiêu đề <span class="required"' in html
    assert "chỉ sau khi cán bộ đã xóa họ tên" in html


def test_the_suggestion_takes_out_names_numbers_contacts_and_addresses():
    suggested = redaction.suggest(CONTENT, names=["Lò Văn Páo"])

    assert suggested == (
        "Tôi là [họ tên], số định danh [số giấy tờ], điện thoại [số điện thoại], thư [thư điện tử], "
        "nhà ở xóm [địa chỉ]. Hồ sơ nộp ngày 20/11 đến nay chưa có kết quả; chị [họ tên] ở bộ phận "
        "một cửa hẹn lại ba lần. Lệ phí 200.000 đồng."
    )
    assert redaction.personal_data_left(suggested, names=["Lò Văn Páo"]) == []


def test_publishing_goes_through_the_review_page_only(client, answered, commune_specialist):
    client.force_login(commune_specialist)

    bare = client.post(reverse("feedback_staff:action", args=[answered.pk, "publish"]))

    assert bare.status_code == 404
    answered.refresh_from_db()
    assert not answered.published
    assert client.get(reverse("feedback:published_detail", args=[answered.pk])).status_code == 404


def test_the_review_page_starts_from_the_suggested_redaction(client, answered, commune_specialist):
    client.force_login(commune_specialist)

    response = client.get(_review(answered.pk), **EN)

    form = response.context["form"]
    assert form["public_title"].value() == "[họ tên]: hồ sơ trễ hẹn"
    assert form["public_content"].value() == redaction.suggest(CONTENT, names=["Lò Văn Páo"])
    assert form["public_answer"].value() == (
        "Kính gửi ông [họ tên]: hồ sơ đã có kết quả, cán bộ [họ tên] đã được nhắc nhở."
    )
    assert form["checked"].value() in (None, False)


def test_nothing_is_published_without_the_reviewers_confirmation(client, answered, commune_specialist):
    client.force_login(commune_specialist)
    data = client.get(_review(answered.pk)).context["form"].initial

    response = client.post(_review(answered.pk), data, **EN)

    assert response.status_code == 400
    answered.refresh_from_db()
    assert (answered.published, answered.status) == (False, Feedback.Status.ANSWERED)


def test_text_that_still_holds_personal_data_is_refused(client, answered, commune_specialist):
    client.force_login(commune_specialist)
    data = client.get(_review(answered.pk)).context["form"].initial | {"checked": "on"}
    data["public_content"] += " Gọi lại cho tôi: 0987 654 321."

    response = client.post(_review(answered.pk), data, **EN)

    assert response.status_code == 400
    assert "0987 654 321" in response.context["form"].non_field_errors()[0]
    answered.refresh_from_db()
    assert not answered.published


def test_the_portal_shows_only_the_reviewed_texts(client, answered, commune_specialist):
    client.force_login(commune_specialist)
    data = client.get(_review(answered.pk)).context["form"].initial | {"checked": "on"}
    # The reviewer also rewords what the suggestion kept.
    data["public_content"] = data["public_content"].replace("hẹn lại ba lần", "hẹn lại nhiều lần")

    response = client.post(_review(answered.pk), data, **EN)

    assert response.status_code == 302
    answered.refresh_from_db()
    assert (answered.status, answered.redaction_approved_by) == (
        Feedback.Status.PUBLISHED,
        commune_specialist,
    )
    assert answered.published_on_time is True
    pages = _public_pages(client, answered)
    assert "hẹn lại nhiều lần" in pages
    assert "[họ tên]" in pages
    for personal in PERSONAL:
        assert personal not in pages

    # Nobody finds it by the sender's name; the redacted words are searchable.
    def found(query: str) -> list[int]:
        return [f.pk for f in client.get(reverse("feedback:published"), {"q": query}).context["page_obj"]]

    assert found("lo van pao") == []
    assert found("tre hen") == [answered.pk]


def test_officers_of_other_units_cannot_review(client, answered, outsider):
    client.force_login(outsider)

    assert client.get(_review(answered.pk)).status_code == 404
    assert client.post(_review(answered.pk), {"checked": "on"}).status_code == 404
