"""The citizen's data store (ND 45/2020 Điều 16): results and past papers, reuse, signed results."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egov.documents.models import Document
from egov.documents.services import create_document
from egov.documents.tests.files import pdf_bytes
from egov.dossiers import online, services
from egov.dossiers.models import Dossier, Draft, DraftAttachment, Status
from egov.dossiers.tests.factories import tiny_pdf
from egov.dossiers.tests.online_factories import FORM, citizen, online_procedure, submitted
from egov.organization.models import Role
from egov.organization.tests.factories import make_member
from egov.signatures import pki
from egov.signatures import services as signature_services

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PIN = "123456"


@pytest.fixture(autouse=True)
def no_population(settings):
    settings.EGOV_POPULATION_URL = "http://127.0.0.1:9/dan-cu/"


@pytest.fixture(scope="module")
def pki_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("pki")


@pytest.fixture
def demo_pki(settings, pki_dir) -> pki.DemoPki:
    settings.EGOV_PKI_DIR = pki_dir
    settings.EGOV_TRUST_ROOTS = []
    return pki.ensure_demo_pki()


def resolved(dossier: Dossier, document_title: str = "Giấy khai sinh", *, signed_by=None) -> Dossier:
    """Give the dossier an electronic result and mark it processed."""
    unit = dossier.receiving_unit
    uploader = signed_by or make_member(Role.LEADER, unit)
    document = create_document(
        title=document_title,
        unit=unit,
        file=SimpleUploadedFile("ket-qua.pdf", pdf_bytes("Giay khai sinh"), content_type="application/pdf"),
        uploaded_by=uploader,
        purpose=Document.Purpose.DOSSIER,  # as attach_result dedicates it
    )
    if signed_by is not None:
        certificate = signature_services.issue_certificate(
            kind="personal", pin=PIN, issued_by=None, owner=signed_by, unit=unit
        )
        signature_services.sign_version(
            document.current_version,  # type: ignore[arg-type]
            certificate=certificate,
            pin=PIN,
            level="B-B",
            signed_by=signed_by,
            validate=False,
        )
    Dossier.objects.filter(pk=dossier.pk).update(result_document=document, status=Status.RESOLVED)
    dossier.refresh_from_db()
    return dossier


def test_the_store_lists_my_results_and_papers_and_nothing_of_others(client, province):
    version = online_procedure()
    owner = citizen()
    mine = resolved(submitted(version, owner, province.commune))
    paper = DraftAttachment.objects.get(draft__citizen=owner)
    other = citizen("congdan.khac", national_id="019195004567")
    theirs = resolved(submitted(version, other, province.commune), "Kết quả của người khác")
    their_paper = DraftAttachment.objects.get(draft__citizen=other)

    client.force_login(owner)
    page = client.get(reverse("portal:data_store"), **EN)
    assert page.status_code == 200
    result_url = reverse("portal:store_file", args=[mine.result_document_id])
    paper_url = reverse("portal:store_file", args=[paper.document_id])
    assert result_url in page.text
    assert paper_url in page.text
    assert mine.code in page.text
    assert theirs.code not in page.text
    assert client.get(result_url).status_code == 200
    assert client.get(paper_url).status_code == 200
    for document_id in (theirs.result_document_id, their_paper.document_id):
        assert client.get(reverse("portal:store_file", args=[document_id])).status_code == 404
    assert "/kho-du-lieu/" in client.get(reverse("portal:my_dossiers"), **EN).text


def test_the_store_is_for_citizens_only(client, province):
    assert client.get(reverse("portal:data_store")).status_code == 302
    client.force_login(make_member(Role.DESK_OFFICER, province.commune, "motcua.kho"))
    assert client.get(reverse("portal:data_store")).status_code == 403


def test_the_result_page_shows_the_signature_check(client, province, demo_pki):
    owner = citizen()
    leader = make_member(Role.LEADER, province.commune, "chutich.xa")
    leader.full_name = "Trần Văn Chủ Tịch"
    leader.save(update_fields=["full_name"])
    dossier = resolved(submitted(online_procedure(), owner, province.commune), signed_by=leader)
    assert dossier.result_document is not None
    version = dossier.result_document.current_version
    assert version is not None
    assert version.has_signatures
    assert signature_services.latest_validation(version) is None

    client.force_login(owner)
    page = client.get(reverse("portal:citizen_dossier", args=[dossier.code]), **EN)

    assert "Download the result" in page.text
    assert "validation-panel" in page.text
    assert "Trần Văn Chủ Tịch" in page.text
    assert signature_services.latest_validation(version) is not None
    client.get(reverse("portal:citizen_dossier", args=[dossier.code]))
    assert version.signature_validations.count() == 1  # checked once


def test_a_later_draft_reuses_a_store_document_without_upload(client, province):
    version = online_procedure()
    owner = citizen()
    first = resolved(submitted(version, owner, province.commune))
    client.force_login(owner)
    response = client.post(reverse("portal:online_start", args=["1.001193"]))
    draft = Draft.objects.get(citizen=owner, submitted_dossier__isnull=True)
    assert response.url == reverse("portal:online_draft", args=[draft.pk])
    paper = version.components.get(form="")
    page = client.get(reverse("portal:online_draft", args=[draft.pk]), **EN)
    assert f'name="store_{paper.pk}"' in page.text
    assert "Choose from my data store" in page.text

    documents_before = set(first.components.values_list("document_id", flat=True))
    reused = next(iter(documents_before - {None}))
    done = client.post(
        reverse("portal:online_draft", args=[draft.pk]),
        {**FORM, "do": "submit", "receiving_unit": province.commune.pk, f"store_{paper.pk}": reused},
    )

    second = Dossier.objects.exclude(pk=first.pk).get()
    assert done.url == reverse("portal:online_submitted", args=[second.code])
    attachment = DraftAttachment.objects.get(draft=draft)
    assert (attachment.document_id, attachment.from_store) == (reused, True)
    component = second.components.get(catalogue_component=paper)
    assert (component.document_id, component.from_citizen_store, component.is_reused) == (reused, True, True)
    payload = services.portal_payload(second)
    assert payload["DuocLayTuKhoDMQG"] == 1
    assert payload["HoSoCoThanhPhanSoHoa"] == 1
    assert services.portal_payload(first)["DuocLayTuKhoDMQG"] == 0


def test_a_document_outside_my_store_cannot_be_attached(province):
    version = online_procedure()
    owner = citizen()
    other = citizen("congdan.khac", national_id="019195004567")
    theirs = submitted(version, other, province.commune)
    draft = online.start_draft(citizen=owner, version=version)
    online.save_draft(draft, by=owner, values=FORM, receiving_unit=province.commune)
    paper = version.components.get(form="")
    foreign = theirs.components.exclude(document=None).get().document
    assert foreign is not None
    with pytest.raises(ValidationError):
        online.attach_from_store(draft, component=paper, document=foreign, by=owner)
    assert not DraftAttachment.objects.filter(draft=draft).exists()
    online.attach_to_draft(draft, by=owner, component=paper, file=tiny_pdf())
    assert not DraftAttachment.objects.get(draft=draft).from_store


def test_a_result_sent_by_post_shows_the_carrier_and_the_tracking_number(client, province, demo_pki):
    owner = citizen()
    leader = make_member(Role.LEADER, province.commune, "chutich.buudien")
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.buudien")
    dossier = resolved(submitted(online_procedure(), owner, province.commune), signed_by=leader)
    services.return_result(
        dossier, by=desk, method="post", carrier="Bưu điện Việt Nam", tracking="EI123456789VN"
    )

    client.force_login(owner)
    page = client.get(reverse("portal:citizen_dossier", args=[dossier.code]))

    assert "Bưu điện Việt Nam" in page.text
    assert "EI123456789VN" in page.text
    assert "Kết quả gửi qua bưu chính" in page.text
