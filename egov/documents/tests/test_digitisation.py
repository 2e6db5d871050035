"""Digitising a stored scan: a searchable PDF/A becomes the current version; signed PDFs stay untouched."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from egov.core.audit import entries_for
from egov.core.text import fold
from egov.documents import digitisation, services
from egov.documents.digitisation import request_digitisation, run_digitisation
from egov.documents.models import DigitisationJob, DocumentVersion
from egov.documents.ocr import OcrError
from egov.documents.tests.files import docx_bytes
from egov.documents.tests.helpers import stored_files, upload
from egov.documents.tests.test_ocr_engine import png_scan, signed_pdf

SCAN_TEXT = (
    "Ủy ban nhân dân xã Đồng Hỷ tiếp nhận hồ sơ đăng ký khai sinh của bà Nguyễn Thị Ánh Tuyết, "
    "hẹn trả kết quả vào ngày làm việc tiếp theo."
)
Origin = DocumentVersion.Origin


def stored(user, unit, name: str, content: bytes, origin=Origin.SCAN):
    document = services.create_document(
        title="Hồ sơ khai sinh", unit=unit, file=upload(name, content), uploaded_by=user, origin=origin
    )
    return document, document.current_version


def test_scan_becomes_a_searchable_current_version(
    specialist, province, media, django_capture_on_commit_callbacks
):
    document, scan = stored(specialist, province.department, "to-khai.png", png_scan(SCAN_TEXT))

    with django_capture_on_commit_callbacks(execute=True):
        job = request_digitisation(scan, requested_by=specialist)

    job.refresh_from_db()
    assert job.status == DigitisationJob.Status.DONE, job.error
    assert job.progress == 100
    assert (job.pages_in, job.pages_out) == (1, 1)
    assert job.mean_confidence is not None
    assert job.started_at is not None
    assert job.finished_at is not None
    document.refresh_from_db()
    ocr = document.current_version
    assert ocr == job.result
    assert ocr.origin == Origin.OCR
    assert ocr.derived_from == scan
    assert ocr.number == 2
    assert ocr.mime_type == "application/pdf"
    assert ocr.original_filename == "to-khai-ocr.pdf"
    assert ocr.is_pdfa
    assert ocr.page_count == 1
    assert "Đồng Hỷ" in ocr.text
    # Found without accents, as people type.
    assert fold("dang ky khai sinh") in ocr.search_text
    assert DocumentVersion.objects.filter(search_text__contains="nguyen thi anh tuyet").get() == ocr
    actions = list(entries_for(document).values_list("action", flat=True))
    assert actions[-3:] == ["document.digitisation_requested", "document.version_added", "document.digitised"]

    # The task may be delivered twice: the second run does nothing.
    assert run_digitisation(job.pk).result == ocr
    assert document.versions.count() == 2


def test_second_request_while_queued_is_refused(specialist, province, django_capture_on_commit_callbacks):
    _document, scan = stored(specialist, province.department, "to-khai.png", png_scan("Tờ khai"))
    with django_capture_on_commit_callbacks(execute=False):
        job = request_digitisation(scan, requested_by=specialist)
    assert job.status == DigitisationJob.Status.QUEUED

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        request_digitisation(scan, requested_by=specialist)

    assert refused.value.messages == ["This version is already being digitised."]
    assert DigitisationJob.objects.filter(source=scan).count() == 1


def test_signed_pdf_is_never_rewritten(specialist, province):
    _document, signed = stored(specialist, province.department, "quyet-dinh.pdf", signed_pdf(), Origin.UPLOAD)
    assert signed.has_signatures

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        request_digitisation(signed, requested_by=specialist)

    assert refused.value.messages[0].startswith("A signed PDF is never rewritten;")
    assert not DigitisationJob.objects.exists()


def test_office_file_is_not_digitised(specialist, province):
    _document, docx = stored(specialist, province.department, "to-trinh.docx", docx_bytes(), Origin.UPLOAD)

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        request_digitisation(docx, requested_by=specialist)

    assert refused.value.messages == ["Only a PDF or a scanned image (JPEG, PNG, TIFF) can be digitised."]


def test_failed_ocr_marks_the_job_failed_and_keeps_nothing(
    specialist, province, media, monkeypatch, django_capture_on_commit_callbacks
):
    document, scan = stored(specialist, province.department, "to-khai.png", png_scan("Tờ khai"))
    files_before = stored_files(media)

    def broken(*_args, **_kwargs):
        raise OcrError("tesseract crashed reading /tmp/egov-ocr-secret/source.png")

    monkeypatch.setattr(digitisation, "run_ocr", broken)
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        job = request_digitisation(scan, requested_by=specialist)

    job.refresh_from_db()
    assert job.status == DigitisationJob.Status.FAILED
    assert job.error == "The scan could not be read. Check that it is a legible scan and try again."
    assert job.result is None
    assert job.finished_at is not None
    document.refresh_from_db()
    assert document.current_version == scan
    assert document.versions.count() == 1
    assert stored_files(media) == files_before
    assert entries_for(document).filter(action="document.digitisation_failed").count() == 1
    # A failed job does not block a new attempt.
    with django_capture_on_commit_callbacks(execute=False):
        assert request_digitisation(scan, requested_by=specialist).status == DigitisationJob.Status.QUEUED
