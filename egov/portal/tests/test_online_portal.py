"""The citizen's online service over HTTP: start, draft, resume, submit, follow; others get 404."""

import pytest
from django.urls import reverse

from egov.dossiers.models import Channel, Dossier, Draft, DraftAttachment, Status
from egov.dossiers.tests.factories import tiny_pdf
from egov.dossiers.tests.online_factories import FORM, citizen, online_procedure, submitted
from egov.organization.tests.factories import make_user

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def no_population(settings):
    settings.EGOV_POPULATION_URL = "http://127.0.0.1:9/dan-cu/"


def start(client, version) -> Draft:
    response = client.post(reverse("portal:online_start", args=[version.procedure.code]))
    assert response.status_code == 302
    return Draft.objects.get()


def test_the_procedure_page_offers_online_submission(client, province):
    version = online_procedure()
    url = reverse("portal:procedure_detail", args=[version.procedure.code])
    anonymous = client.get(url, **EN)
    assert "Submit online" in anonymous.text
    assert "/tai-khoan/dang-nhap/?next=/thu-tuc/1.001193/nop-truc-tuyen/" in anonymous.text
    client.force_login(citizen())
    assert 'href="/thu-tuc/1.001193/nop-truc-tuyen/"' in client.get(url, **EN).text


def test_an_information_only_procedure_cannot_be_submitted_online(client, province):
    version = online_procedure("2.000884", online_level="info")
    client.force_login(citizen())
    assert (
        "Submit online"
        not in client.get(reverse("portal:procedure_detail", args=[version.procedure.code]), **EN).text
    )
    assert client.get(reverse("portal:online_start", args=[version.procedure.code])).status_code == 404
    assert client.post(reverse("portal:online_start", args=[version.procedure.code])).status_code == 404
    assert not Draft.objects.exists()


def test_staff_and_anonymous_users_do_not_get_the_citizen_pages(client, province):
    assert client.get(reverse("portal:my_dossiers")).status_code == 302  # to the login
    client.force_login(make_user("canbo"))
    assert client.get(reverse("portal:my_dossiers")).status_code == 403


def test_a_draft_survives_logout_with_its_attachment(client, province):
    version = online_procedure()
    owner = citizen()
    client.force_login(owner)
    draft = start(client, version)
    paper = version.components.get(form="")
    response = client.post(
        reverse("portal:online_draft", args=[draft.pk]),
        {
            "do": "save",
            "receiving_unit": province.commune.pk,
            "ho_ten_tre": "Nguyễn Bình An",
            f"file_{paper.pk}": tiny_pdf("chung-sinh.pdf"),
        },
        **EN,
    )
    assert response.status_code == 302
    client.logout()

    client.force_login(owner)
    mine = client.get(reverse("portal:my_dossiers"), **EN)
    assert reverse("portal:online_draft", args=[draft.pk]) in mine.text
    page = client.get(reverse("portal:online_draft", args=[draft.pk]), **EN)
    assert 'value="Nguyễn Bình An"' in page.text
    assert "Uploaded" in page.text
    attachment = DraftAttachment.objects.get(draft=draft)
    file_url = reverse("portal:draft_file", args=[draft.pk, attachment.document_id])
    assert file_url in page.text
    assert client.get(file_url).status_code == 200
    # Starting again goes back to the same draft.
    assert client.get(reverse("portal:online_start", args=[version.procedure.code])).url == reverse(
        "portal:online_draft", args=[draft.pk]
    )


def test_submit_shows_every_problem_then_gives_the_code_and_a_qr(client, province):
    version = online_procedure()
    owner = citizen()
    client.force_login(owner)
    draft = start(client, version)
    url = reverse("portal:online_draft", args=[draft.pk])

    refused = client.post(
        url, {"do": "submit", "receiving_unit": province.commune.pk, "quan_he": "Khác"}, **EN
    )

    assert refused.status_code == 200
    assert "Fill in “Họ và tên trẻ”." in refused.text
    assert "Fill in “Văn bản ủy quyền”." in refused.text  # shown: the relationship is "Khác"
    assert "Upload: Giấy chứng sinh" in refused.text
    assert not Dossier.objects.exists()

    paper = version.components.get(form="")
    done = client.post(
        url, {**FORM, "do": "submit", "receiving_unit": province.commune.pk, f"file_{paper.pk}": tiny_pdf()}
    )

    dossier = Dossier.objects.get()
    assert done.url == reverse("portal:online_submitted", args=[dossier.code])
    assert (dossier.channel, dossier.status, dossier.citizen) == (Channel.ONLINE, Status.REGISTERED, owner)
    ack = client.get(done.url, **EN)
    assert dossier.code in ack.text
    assert "<svg" in ack.text
    assert f"/tra-cuu/{dossier.code}/" in ack.text
    assert client.get(url).url == reverse("portal:citizen_dossier", args=[dossier.code])
    mine = client.get(reverse("portal:my_dossiers"), **EN)
    assert dossier.code in mine.text
    assert "Pay the fees" in mine.text


def test_another_citizen_gets_404(client, province):
    version = online_procedure()
    owner = citizen()
    dossier = submitted(version, owner, province.commune)
    draft = Draft.objects.get()
    open_draft = Draft.objects.create(citizen=owner, procedure_version=version)
    paper = dossier.components.exclude(document=None).get()
    client.force_login(citizen("congdan.khac", national_id="019195004567"))
    for url in (
        reverse("portal:online_draft", args=[open_draft.pk]),
        reverse("portal:online_draft", args=[draft.pk]),
        reverse("portal:draft_file", args=[draft.pk, paper.document_id]),
        reverse("portal:citizen_dossier", args=[dossier.code]),
        reverse("portal:online_submitted", args=[dossier.code]),
        reverse("portal:citizen_file", args=[dossier.code, paper.document_id]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("portal:citizen_supply", args=[dossier.code])).status_code == 404


def test_the_citizen_dossier_page_hides_internal_notes(client, province):
    from egov.dossiers import online
    from egov.organization.models import Role
    from egov.organization.tests.factories import make_member

    owner = citizen()
    dossier = submitted(online_procedure(), owner, province.commune)
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.an")
    online.refuse_online(dossier, by=desk, reason="Ghi chú nội bộ XYZ")
    client.force_login(owner)
    page = client.get(reverse("portal:citizen_dossier", args=[dossier.code]), **EN)
    assert "You submitted the dossier online." in page.text
    assert "XYZ" not in page.text
    assert desk.username not in page.text
    assert "/in/" in page.text  # the refusal form can be printed


def test_a_field_required_under_a_condition_has_no_plain_star(client, province):
    """The power of attorney is asked only when the relationship is “Khác”: no star, the condition said."""
    version = online_procedure()
    client.force_login(citizen())
    draft = start(client, version)
    page = client.get(reverse("portal:online_draft", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="vi").text
    row = page[page.index('id="row-uy_quyen"') :]
    row = row[: row.index("</div>")]
    assert 'class="required"' not in row
    assert "(bắt buộc nếu câu trả lời ở trên là “Khác”)" in row
    child = page[page.index('id="row-ho_ten_tre"') :]
    assert 'class="required"' in child[: child.index("</div>")]  # an unconditional one keeps its star
