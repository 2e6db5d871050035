"""Every upload entry point refuses a PDF bomb and a PDF with JavaScript, and stores nothing.

Each one hands the file to `documents.validation.check_upload` before anything else opens it
(issue 11 item 16): the documents pages and API, the desk's intake, the citizen's online draft
and supplement, the signature check page. The catalogue import reads only JSON or CSV and refuses
anything else, a PDF included. The answer is in Vietnamese, the default language.
"""

import io
import uuid

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egov.documents.tests.files import open_action_js
from egov.documents.tests.helpers import HOSTILE_PDFS, make_document, stored
from egov.dossiers import online
from egov.dossiers.models import Dossier, Status
from egov.dossiers.tests.factories import commune_procedure
from egov.dossiers.tests.online_factories import FORM, citizen, online_procedure, submitted
from egov.dossiers.tests.test_scan_resolution import scan_pdf
from egov.organization.models import Role
from egov.organization.tests.factories import make_member
from egov.procedures.models import Procedure
from egov.procedures.tests.test_admin import logged_in as with_second_factor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_population(settings):
    settings.EGOV_POPULATION_URL = "http://127.0.0.1:9/dan-cu/"  # nothing listens: typed by hand


def hostile(name, make) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make(), content_type="application/pdf")


def assert_refused(response, message, status=200):
    assert response.status_code == status, response.content[:500]
    assert message in response.content.decode()


@pytest.mark.parametrize(("name", "make", "message"), HOSTILE_PDFS)
def test_documents_new_version_page(client, specialist, province, media, name, make, message):
    document = make_document(specialist, province.department)
    before = stored(media)
    client.force_login(specialist)

    response = client.post(
        reverse("documents:add_version", args=[document.pk]), {"file": hostile(name, make)}
    )

    assert_refused(response, message)
    assert stored(media) == before


@pytest.mark.parametrize(("name", "make", "message"), HOSTILE_PDFS)
def test_documents_api_new_document_and_new_version(client, specialist, province, media, name, make, message):
    document = make_document(specialist, province.department)
    before = stored(media)
    client.force_login(specialist)

    created = client.post(
        "/api/v1/documents",
        {"title": "Qua API", "unit": province.department.identifier, "file": hostile(name, make)},
    )
    added = client.post(f"/api/v1/documents/{document.pk}/versions", {"file": hostile(name, make)})

    for response in (created, added):
        assert response.status_code == 422
        assert message in response.json()["message"]
    assert stored(media) == before


@pytest.mark.parametrize(("name", "make", "message"), HOSTILE_PDFS)
def test_desk_intake(client, desk_officer, province, media, name, make, message):
    version = commune_procedure()
    before = stored(media)
    client.force_login(desk_officer)
    data = {
        "receiving_unit": province.commune.pk,
        "channel": "direct",
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": "019090001234",
        "applicant_address": "Xóm Làng Mới, xã Đồng Hỷ",
        "applicant_phone": "0912345678",
        "submission_key": uuid.uuid4().hex,
        "do": "accept",
        **{f"file_{c.pk}": hostile(name, make) for c in version.components.all()},
    }

    response = client.post(reverse("dossiers:intake") + f"?thu_tuc={version.procedure.code}", data)

    assert_refused(response, message)
    assert not Dossier.objects.exists()
    assert stored(media) == before


@pytest.mark.parametrize(("name", "make", "message"), HOSTILE_PDFS)
def test_citizen_online_draft(client, province, media, name, make, message):
    version = online_procedure()
    owner = citizen()
    draft = online.start_draft(citizen=owner, version=version)
    paper = version.components.get(form="")
    before = stored(media)
    client.force_login(owner)

    response = client.post(
        reverse("portal:online_draft", args=[draft.pk]),
        {
            **FORM,
            "do": "save",
            "receiving_unit": province.commune.pk,
            f"file_{paper.pk}": hostile(name, make),
        },
    )

    assert_refused(response, message)
    assert not draft.attachments.exists()
    assert stored(media) == before


def test_citizen_online_upload_is_checked_before_its_scan_is_measured(client, province, media):
    """A 100 dpi scan with JavaScript: measuring it first would open the pages of a bomb too."""
    pdf = pikepdf.open(io.BytesIO(scan_pdf(100).read()))
    open_action_js(pdf)
    buffer = io.BytesIO()
    pdf.save(buffer)
    version = online_procedure()
    owner = citizen()
    draft = online.start_draft(citizen=owner, version=version)
    paper = version.components.get(form="")
    client.force_login(owner)

    response = client.post(
        reverse("portal:online_draft", args=[draft.pk]),
        {
            **FORM,
            "do": "save",
            "receiving_unit": province.commune.pk,
            f"file_{paper.pk}": SimpleUploadedFile("quet.pdf", buffer.getvalue()),
        },
    )

    assert_refused(response, "Tệp PDF có chứa JavaScript")
    assert "dpi" not in response.content.decode()


@pytest.mark.parametrize(("name", "make", "message"), HOSTILE_PDFS)
def test_citizen_online_supplement(client, province, media, name, make, message):
    dossier = submitted(online_procedure(), citizen(), province.commune)
    desk = make_member(Role.DESK_OFFICER, province.commune, "motcua.online")
    online.request_supplement_online(dossier, by=desk, missing=["Giấy chứng sinh"], reason="Mờ")
    before = stored(media)
    assert dossier.citizen is not None
    client.force_login(dossier.citizen)

    response = client.post(
        reverse("portal:citizen_supply", args=[dossier.code]), {"file_1": hostile(name, make)}
    )

    assert_refused(response, message, status=400)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert stored(media) == before


@pytest.mark.parametrize(("name", "make", "message"), HOSTILE_PDFS)
def test_signature_check_upload(client, specialist, media, name, make, message):
    before = stored(media)
    client.force_login(specialist)

    response = client.post(
        reverse("signatures:validate_upload"), {"title": "Văn bản nhận được", "file": hostile(name, make)}
    )

    assert_refused(response, message)
    assert stored(media) == before


@pytest.mark.parametrize(("name", "make", "message"), HOSTILE_PDFS)
def test_catalogue_import(client, admin_user, media, name, make, message):
    with_second_factor(client, admin_user)
    before = stored(media)

    response = client.post(reverse("admin:procedures_procedure_import"), {"file": hostile(name, make)})

    assert_refused(response, "Tệp danh mục phải là JSON hoặc CSV")
    assert response.context["report"] is None
    assert not Procedure.objects.exists()
    assert stored(media) == before
