"""Immediate results closed at the desk, and results drafted from the template."""

import io

import pypdfium2 as pdfium
import pytest
from django.core.exceptions import ValidationError

from egov.dossiers import services
from egov.dossiers.models import Status
from egov.dossiers.tests.factories import commune_procedure, receive
from egov.organization.models import Role
from egov.organization.tests.factories import make_member

QUICK_STEPS = [
    {"name": "Tiếp nhận, chứng thực", "role": "desk_officer", "hours": "3"},
    {"name": "Trả kết quả", "role": "desk_officer", "hours": "1"},
]


@pytest.fixture
def staff(province):
    return {
        "desk": make_member(Role.DESK_OFFICER, province.commune, "motcua.q"),
        "specialist": make_member(Role.SPECIALIST, province.commune, "cv.q"),
    }


def test_an_immediate_result_procedure_closes_at_the_desk(province, staff):
    version = commune_procedure("2.000908", days="0.5", steps=QUICK_STEPS)
    dossier = receive(version, province.commune, staff["desk"])

    services.resolve_at_desk(dossier, by=staff["desk"], paper_result="Bản sao trích lục số 12")

    assert dossier.status == Status.RETURNED
    assert dossier.paper_result == "Bản sao trích lục số 12"
    assert list(dossier.events.filter(to_status__isnull=False).values_list("to_status", flat=True)) == [
        1,
        2,
        9,
        10,
    ]


def test_a_normal_procedure_cannot_close_at_the_desk(province, staff):
    dossier = receive(commune_procedure(days="3"), province.commune, staff["desk"])

    with pytest.raises(ValidationError):
        services.resolve_at_desk(dossier, by=staff["desk"], paper_result="Giấy xác nhận")
    assert dossier.status == Status.RECEIVED


def test_the_result_is_drafted_from_the_template_with_the_dossier_data(province, staff):
    version = commune_procedure(days="2")
    dossier = receive(version, province.commune, staff["desk"], name="Hoàng Thị Mai")
    services.forward_dossier(dossier, by=staff["desk"])

    document = services.generate_result(dossier, by=staff["specialist"])

    dossier.refresh_from_db()
    assert dossier.result_document == document
    with document.current_version.file.open("rb") as handle:
        pdf = pdfium.PdfDocument(io.BytesIO(handle.read()))
    text = pdf[0].get_textpage().get_text_range()
    assert "Hoàng Thị Mai" in text
    assert dossier.code in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text.upper()
