"""Desk intake at /can-bo/ho-so/tiep-nhan/: one form, one decision, nothing written on an error."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egov.core.models import AuditEntry
from egov.documents.models import Document, DocumentVersion
from egov.dossiers.models import Channel, Dossier, DossierComponent, Status
from egov.dossiers.tests.factories import commune_procedure
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def version(db):
    return commune_procedure()


@pytest.fixture
def desk_client(client, desk_officer):
    client.force_login(desk_officer)
    return client


def form_url(version) -> str:
    return reverse("dossiers:intake") + f"?thu_tuc={version.procedure.code}"


def intake_data(version, unit, do="accept", *, files=True, **overrides):
    data = {
        "receiving_unit": unit.pk,
        "channel": Channel.DIRECT,
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": "019090001234",
        "applicant_address": "Xóm Làng Mới, xã Đồng Hỷ",
        "applicant_phone": "0912345678",
        "applicant_email": "an@example.vn",
        "owner_name": "",
        "owner_address": "",
        "missing": "",
        "reason": "",
        "submission_key": uuid.uuid4().hex,
        "do": do,
    }
    if files:
        for component in version.components.all():
            data[f"file_{component.pk}"] = unique_pdf(f"thanh-phan-{component.position}.pdf")
    data.update(overrides)
    return data


def unique_pdf(name: str) -> SimpleUploadedFile:
    """A one-page PDF whose bytes differ every time, so it is stored as a new file."""
    from io import BytesIO

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.docinfo["/Title"] = uuid.uuid4().hex
    buffer = BytesIO()
    pdf.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def test_step_one_searches_procedures_accent_insensitively(desk_client, version):
    response = desk_client.get(reverse("dossiers:intake"), {"q": "dang ky khai sinh"}, **EN)

    assert response.status_code == 200
    assert f"?thu_tuc={version.procedure.code}" in response.text


def test_step_two_lists_the_papers_and_prefills_the_missing_list(desk_client, version):
    response = desk_client.get(form_url(version), **EN)

    assert response.status_code == 200
    required = version.components.get(is_required=True)
    assert f'name="file_{required.pk}"' in response.text
    assert 'name="submission_key"' in response.text
    assert response.context["form"]["missing"].value() == required.name


def test_intake_is_for_desk_officers_only(client, specialist, version):
    client.force_login(specialist)

    assert client.get(form_url(version)).status_code == 403


def test_accept_makes_the_dossier_with_its_scans(desk_client, desk_officer, province, version):
    response = desk_client.post(form_url(version), intake_data(version, province.commune), **EN)

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dossiers:detail", args=[dossier.code])
    assert dossier.code.startswith("H51.60-")
    assert dossier.status == Status.RECEIVED
    assert dossier.applicant_name == "Nguyễn Văn An"
    assert not dossier.from_population_db
    components = list(dossier.components.order_by("position"))
    assert [c.name for c in components] == [c.name for c in version.components.all()]
    assert all(c.document is not None and c.is_digitised for c in components)
    assert Document.objects.filter(unit=province.commune).count() == 2
    assert components[0].document.title == components[0].name
    follow = desk_client.get(response["Location"], **EN)
    assert f"Dossier {dossier.code} was received" in follow.text


def test_exempt_required_paper_needs_no_scan(desk_client, province, version):
    required = version.components.get(is_required=True)
    data = intake_data(version, province.commune, files=False, **{f"exemption_{required.pk}": "shown_only"})

    desk_client.post(form_url(version), data)

    component = DossierComponent.objects.get()
    assert (component.exemption, component.document) == ("shown_only", None)
    assert Dossier.objects.get().status == Status.RECEIVED


def test_supplement_lists_what_is_missing(desk_client, province, version):
    data = intake_data(
        version,
        province.commune,
        "supplement",
        files=False,
        missing="Tờ khai\nGiấy chứng sinh",
        reason="Thiếu",
    )

    response = desk_client.post(form_url(version), data)

    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert dossier.received_at is None
    event = dossier.events.get(kind="supplement_requested_at_desk")
    assert event.data["missing"] == ["Tờ khai", "Giấy chứng sinh"]


def test_refuse_needs_reasons(desk_client, province, version):
    data = intake_data(version, province.commune, "refuse", files=False)

    response = desk_client.post(form_url(version), data, **EN)

    assert response.status_code == 200
    assert "Give the reasons for the refusal." in response.text
    assert Dossier.objects.count() == 0

    data["reason"] = "Không thuộc thẩm quyền"
    desk_client.post(form_url(version), data)
    dossier = Dossier.objects.get()
    assert dossier.status == Status.NOT_RECEIVED
    assert dossier.closed_at is not None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"applicant_id_number": "12345"}, "applicant_id_number", "exactly 12 digits"),
        ({"applicant_id_number": "097090001234"}, "applicant_id_number", "(097)"),
        ({"applicant_name": ""}, "applicant_name", "required"),
        ({"applicant_phone": "12ab"}, "applicant_phone", "10 digits"),
    ],
)
def test_invalid_applicant_changes_nothing(desk_client, province, version, change, field, message):
    before = stored_files()

    response = desk_client.post(form_url(version), intake_data(version, province.commune, **change), **EN)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Dossier.objects.count() == 0
    assert Document.objects.count() == 0
    assert stored_files() == before


def test_a_png_named_pdf_is_refused_and_nothing_is_stored(desk_client, province, version):
    _required, optional = version.components.order_by("-is_required", "position")
    png = SimpleUploadedFile("to-khai.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="application/pdf")
    before = stored_files()

    response = desk_client.post(
        form_url(version), intake_data(version, province.commune, **{f"file_{optional.pk}": png}), **EN
    )

    assert response.status_code == 200
    assert response.context["form"].errors[f"file_{optional.pk}"]
    assert (Dossier.objects.count(), Document.objects.count(), DocumentVersion.objects.count()) == (0, 0, 0)
    assert stored_files() == before


def test_missing_required_paper_is_named_and_nothing_is_stored(desk_client, province, version):
    required, _optional = version.components.order_by("-is_required", "position")
    data = intake_data(version, province.commune)
    del data[f"file_{required.pk}"]
    before = stored_files()

    response = desk_client.post(form_url(version), data, **EN)

    assert response.status_code == 200
    assert "Required: upload the scan" in " ".join(response.context["form"].errors[f"file_{required.pk}"])
    assert (Dossier.objects.count(), Document.objects.count()) == (0, 0)
    assert stored_files() == before


def test_a_service_refusal_after_uploads_rolls_back_rows_and_files(
    desk_client, province, version, monkeypatch
):
    """A service error raised after the scans were stored leaves no row and no file behind."""
    from django.core.exceptions import ValidationError

    from egov.dossiers import services

    original = services.register_at_desk

    def refusing(**kwargs):
        original(**kwargs)
        assert len(stored_files() - before) >= 2  # the scans (and previews) were written
        raise ValidationError({"applicant_name": "refused late"})

    monkeypatch.setattr(services, "register_at_desk", refusing)
    before = stored_files()

    response = desk_client.post(form_url(version), intake_data(version, province.commune), **EN)

    assert response.status_code == 200
    assert "refused late" in response.text
    assert (Dossier.objects.count(), Document.objects.count()) == (0, 0)
    assert stored_files() == before


def test_double_submit_with_the_same_key_makes_one_dossier(desk_client, province, version):
    data = intake_data(version, province.commune)
    key = data["submission_key"]

    first = desk_client.post(form_url(version), data)
    again = intake_data(version, province.commune, submission_key=key)
    second = desk_client.post(form_url(version), again)

    assert Dossier.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert Document.objects.count() == 2


def test_a_commune_procedure_received_at_the_centre_needs_the_commune(client, province, version):
    officer = make_member(Role.DESK_OFFICER, province.centre, "motcua.tinh")
    client.force_login(officer)
    data = intake_data(version, province.centre)

    response = client.post(form_url(version), data, **EN)

    assert response.status_code == 200
    assert "Choose the commune or ward" in " ".join(response.context["form"].errors["competent_unit"])
    data = intake_data(version, province.centre, competent_unit=province.other_commune.pk)
    client.post(form_url(version), data)
    dossier = Dossier.objects.get()
    assert (dossier.receiving_unit, dossier.competent_unit) == (province.centre, province.other_commune)


live = pytest.mark.django_db(transaction=True)


@pytest.fixture
def population(live_server, settings):
    settings.EGOV_POPULATION_URL = f"{live_server.url}/mo-phong/dan-cu/"
    settings.EGOV_INTEGRATION_TIMEOUT = 5
    return live_server


@live
def test_population_lookup_fills_the_form_and_marks_the_dossier(population, client, province):
    version = commune_procedure()
    officer = make_member(Role.DESK_OFFICER, province.commune, "motcua.dancu")
    client.force_login(officer)

    response = client.post(
        form_url(version), {"do": "lookup", "applicant_id_number": "019090001234", "channel": 1}, **EN
    )

    assert response.status_code == 200
    assert len(response.context["rows"]) == 20
    assert "Place of birth registration" in response.text
    form = response.context["form"]
    assert form["applicant_name"].value() == "Nguyễn Văn An"
    assert form["applicant_birth_date"].value() == "1990-03-15"
    assert AuditEntry.objects.filter(action="population.lookup", object_id="019090001234").exists()

    client.post(form_url(version), intake_data(version, province.commune, applicant_name="Nguyễn Văn An"))
    assert Dossier.objects.get().from_population_db


@live
def test_population_lookup_with_htmx_returns_the_panel_and_the_filled_inputs(population, client, province):
    version = commune_procedure()
    officer = make_member(Role.DESK_OFFICER, province.commune, "motcua.htmx")
    client.force_login(officer)

    response = client.post(
        form_url(version),
        {"do": "lookup", "applicant_id_number": "019195004567"},
        HTTP_HX_REQUEST="true",
        **EN,
    )

    assert response.status_code == 200
    assert 'id="population-panel"' in response.text
    assert 'hx-swap-oob="true"' in response.text
    assert "Trần Thị Bình" in response.text
    assert "<html" not in response.text


def test_population_lookup_refuses_a_malformed_number_without_asking(
    client, desk_officer, version, monkeypatch
):
    import requests

    monkeypatch.setattr(requests.Session, "request", lambda *a, **k: pytest.fail("no HTTP call expected"))
    client.force_login(desk_officer)

    response = client.post(form_url(version), {"do": "lookup", "applicant_id_number": "0190"}, **EN)

    assert response.status_code == 200
    assert "exactly 12 digits" in response.text


def test_population_database_down_is_explained(client, desk_officer, version, settings):
    settings.EGOV_POPULATION_URL = "http://127.0.0.1:9/dan-cu/"
    settings.EGOV_INTEGRATION_TIMEOUT = 1
    client.force_login(desk_officer)

    response = client.post(form_url(version), {"do": "lookup", "applicant_id_number": "019090001234"}, **EN)

    assert response.status_code == 200
    assert "cannot be reached now" in response.text


def test_each_scan_is_checked_once_though_the_form_and_the_service_both_ask(
    desk_client, version, province, monkeypatch, media
):
    """The form checks every upload to name the row at fault, the document service checks what it
    stores: one upload of one request is opened and checked once (a bomb check reads it all)."""
    from egov.documents import validation

    opened = []
    real = validation.check_content

    def counting(content, filename):
        opened.append(filename)
        return real(content, filename)

    monkeypatch.setattr(validation, "check_content", counting)
    data = intake_data(version, province.commune)

    response = desk_client.post(form_url(version), data)

    assert response.status_code == 302, response.context and response.context["form"].errors
    papers = version.components.count()
    assert Dossier.objects.get().components.exclude(document=None).count() == papers
    assert sorted(opened) == sorted(f"thanh-phan-{c.position}.pdf" for c in version.components.all())


def test_an_empty_scan_is_named_once_in_egovs_words(desk_client, province, version):
    required, optional = version.components.order_by("-is_required", "position")
    empty = SimpleUploadedFile("to-khai.pdf", b"", content_type="application/pdf")
    data = intake_data(version, province.commune, **{f"file_{required.pk}": empty})

    response = desk_client.post(form_url(version), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors[f"file_{required.pk}"] == ["Tệp không có nội dung."]  # the citizen form's words
    assert f"file_{optional.pk}" not in errors
    assert "Tập tin được gửi là rỗng." not in response.text
    assert "Bắt buộc: tải lên bản quét" not in response.text
    assert Dossier.objects.count() == 0
