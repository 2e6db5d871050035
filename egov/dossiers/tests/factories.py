"""Procedures and dossiers for the one-stop tests, built through the real services."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from egov.accounts.models import User
from egov.documents.models import Document
from egov.dossiers.models import Dossier
from egov.dossiers.services import Applicant, ComponentInput, DeskOutcome, register_at_desk
from egov.organization.models import Unit
from egov.procedures.models import Procedure, ProcedureVersion
from egov.procedures.services import import_catalogue
from egov.procedures.tests.documents import decision, document, entry


def commune_steps(days: str) -> list[dict[str, str]]:
    """Reception 1 h, appraisal, approval 2 h, return 1 h: the appraisal takes the rest of the limit."""
    appraisal = int(days) * 8 - 4
    return [
        {"name": "Tiếp nhận, kiểm tra hồ sơ", "role": "desk_officer", "hours": "1"},
        {"name": "Thẩm định hồ sơ", "role": "specialist", "hours": str(appraisal)},
        {"name": "Phê duyệt, ký kết quả", "role": "leader", "hours": "2"},
        {"name": "Trả kết quả", "role": "desk_officer", "hours": "1"},
    ]


def commune_procedure(code: str = "1.001193", days: str = "2", **overrides: Any) -> ProcedureVersion:
    """A commune-level procedure (the commune where it is filed decides), 2 working days."""
    overrides.setdefault("steps", commune_steps(days) if days.isdigit() else None)
    row = entry(code, time_limit={"value": days, "unit": "working_days"}, **overrides)
    report = import_catalogue(document(decision(f"{code}/QĐ-UBND", row)), imported_by=None, dry_run=False)
    assert report.ok, report.error_lines()
    version = Procedure.objects.get(code=code).current_version
    assert version is not None
    return version


def tiny_pdf(name: str = "giay-to.pdf") -> SimpleUploadedFile:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    from io import BytesIO

    buffer = BytesIO()
    pdf.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def scanned(unit: Unit, user: User, title: str = "Giấy tờ") -> Document:
    from egov.documents.services import create_document

    return create_document(title=title, unit=unit, file=tiny_pdf(), uploaded_by=user)


def receive(version: ProcedureVersion, unit: Unit, officer: User, **applicant: Any) -> Dossier:
    """A dossier accepted at the desk with every required component scanned."""
    components = [
        ComponentInput(catalogue_component=c, document=scanned(unit, officer, c.name))
        for c in version.components.all()
        if c.is_required
    ]
    person = Applicant(
        name=applicant.pop("name", "Nguyễn Văn An"),
        id_number=applicant.pop("id_number", "019090001234"),
        phone=applicant.pop("phone", "0912345678"),
        email=applicant.pop("email", "an@example.vn"),
        address=applicant.pop("address", "Xóm Làng Mới, xã Đồng Hỷ, tỉnh Thái Nguyên"),
    )
    return register_at_desk(
        version=version,
        receiving_unit=unit,
        applicant=person,
        components=components,
        outcome=DeskOutcome(DeskOutcome.ACCEPT),
        received_by=officer,
        **applicant,
    )


SIGNING_PIN = "246810"


def draft_result(dossier: Dossier, by: User) -> Document:
    """The result drafted from the template by whoever holds the current step."""
    from egov.dossiers.services import generate_result

    return generate_result(dossier, by=by)


def sign_result(dossier: Dossier, leader: User) -> None:
    """The leader signs the dossier's result with a personal certificate (issued when missing)."""
    from egov.signatures.models import SigningCertificate
    from egov.signatures.services import issue_certificate, sign_version, usable_certificates

    certificates = usable_certificates(leader, kind=SigningCertificate.Kind.PERSONAL)
    certificate = (
        certificates[0]
        if certificates
        else issue_certificate(
            kind="personal", pin=SIGNING_PIN, issued_by=None, owner=leader, unit=dossier.current_unit
        )
    )
    assert dossier.result_document is not None
    assert dossier.result_document.current_version is not None
    sign_version(
        dossier.result_document.current_version,
        certificate=certificate,
        pin=SIGNING_PIN,
        level="B-B",
        signed_by=leader,
    )
    dossier.result_document.refresh_from_db()


def process_to_result(dossier: Dossier, *, specialist: User, leader: User) -> Dossier:
    """From the specialist's step to resolved: draft the result, sign it, complete both steps."""
    from egov.dossiers.services import complete_step

    draft_result(dossier, specialist)
    complete_step(dossier, by=specialist)
    sign_result(dossier, leader)
    complete_step(dossier, by=leader)
    return dossier
