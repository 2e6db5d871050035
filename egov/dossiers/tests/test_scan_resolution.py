"""Intake refuses scans under 200 dpi, at the desk and online, with the resolution it measured.

TT 01/2023/TT-VPCP Điều 8; ND 30/2020 Phụ lục I; vn-standards.md checklist 35. Real files: an
A4 JPEG scan, and PDFs made of one page image (img2pdf, as a scanner's software makes them).
"""

import io

import img2pdf  # type: ignore[import-untyped]
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from egov.documents.models import Document
from egov.dossiers.models import Dossier, Draft, DraftAttachment
from egov.dossiers.tests.factories import commune_procedure
from egov.dossiers.tests.online_factories import citizen, online_procedure
from egov.dossiers.tests.test_views_intake import intake_data
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

pytestmark = pytest.mark.django_db
LOW_VI = "Bản quét có độ phân giải 150 dpi, cần tối thiểu 200 dpi."


@pytest.fixture(autouse=True)
def no_population(settings):
    settings.EGOV_POPULATION_URL = "http://127.0.0.1:9/dan-cu/"


def a4_jpeg(dpi: int) -> bytes:
    image = Image.new("RGB", (round(8.27 * dpi), round(11.69 * dpi)), "white")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", dpi=(dpi, dpi), quality=30)
    return buffer.getvalue()


def scan_pdf(*dpis: int, name: str = "ban-quet.pdf") -> SimpleUploadedFile:
    """One A4 page image per dpi given."""
    return SimpleUploadedFile(
        name, img2pdf.convert([a4_jpeg(d) for d in dpis]), content_type="application/pdf"
    )


def scan_jpeg(dpi: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("ban-quet.jpg", a4_jpeg(dpi), content_type="image/jpeg")


def test_the_desk_refuses_a_150_dpi_scan_and_takes_a_300_dpi_one(client, province):
    version = commune_procedure()
    client.force_login(make_member(Role.DESK_OFFICER, province.commune, "motcua.quet"))
    url = reverse("dossiers:intake") + f"?thu_tuc={version.procedure.code}"
    required = version.components.get(is_required=True)
    other = version.components.get(is_required=False)

    low = client.post(url, intake_data(version, province.commune, **{f"file_{required.pk}": scan_pdf(150)}))

    assert low.status_code == 200
    assert LOW_VI in low.text
    assert Dossier.objects.count() == 0
    assert Document.objects.count() == 0

    second_page = client.post(
        url, intake_data(version, province.commune, **{f"file_{required.pk}": scan_pdf(300, 150)})
    )
    assert "Trang 2 của bản quét có độ phân giải 150 dpi, cần tối thiểu 200 dpi." in second_page.text

    photo = client.post(url, intake_data(version, province.commune, **{f"file_{other.pk}": scan_jpeg(150)}))
    assert LOW_VI in photo.text
    assert Dossier.objects.count() == 0

    good = client.post(
        url,
        intake_data(
            version,
            province.commune,
            **{f"file_{required.pk}": scan_pdf(300), f"file_{other.pk}": scan_jpeg(200)},
        ),
    )
    assert good.status_code == 302, good.text[:500]
    assert Dossier.objects.count() == 1


def test_the_citizen_online_upload_is_held_to_200_dpi(client, province):
    version = online_procedure()
    client.force_login(citizen())
    assert client.post(reverse("portal:online_start", args=[version.procedure.code])).status_code == 302
    draft = Draft.objects.get()
    paper = version.components.get(form="")
    url = reverse("portal:online_draft", args=[draft.pk])
    data = {"do": "save", "receiving_unit": province.commune.pk, "ho_ten_tre": "Nguyễn Bình An"}

    low = client.post(url, {**data, f"file_{paper.pk}": scan_pdf(150)})

    assert low.status_code == 200
    assert LOW_VI in low.text
    assert not DraftAttachment.objects.exists()

    good = client.post(url, {**data, f"file_{paper.pk}": scan_pdf(240)})
    assert good.status_code == 302
    assert DraftAttachment.objects.filter(draft=draft).exists()


def test_a_born_digital_pdf_and_a_camera_photo_are_measured_fairly():
    from egov.documents.scan_quality import lowest_resolution

    # A camera's "72 dpi" on a 12-megapixel photo is not the paper's resolution: ≈ 342 dpi on A4.
    photo = Image.new("RGB", (3000, 4000), "white")
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", dpi=(72, 72))
    measured = lowest_resolution(buffer.getvalue())
    assert measured is not None
    assert measured.dpi >= 300
    # A PDF with no page image (text, vectors) is not a scan.
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    out = io.BytesIO()
    pdf.save(out)
    assert lowest_resolution(out.getvalue()) is None
