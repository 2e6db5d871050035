"""Digitisation (số hóa): turning a stored scan into a searchable PDF/A, as a new version.

Rules: the copy has exactly the scan's pages, in order (TT 01/2023/TT-VPCP Điều 8 khoản 2); a
signed PDF is never rewritten, since its signature is what gives it legal value (ND 30/2020
Điều 5), so OCR makes a derived version and leaves the source as it was. The work runs in the
task worker (tasks.digitise); the job row carries status and progress for the page to poll.
"""

import logging
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import audit
from egov.documents import services, tasks, validation
from egov.documents.models import DigitisationJob, DocumentVersion
from egov.documents.ocr import OcrError, OcrResult, PageCountError, SignedPdfError, run_ocr

logger = logging.getLogger(__name__)

Status = DigitisationJob.Status
ACTIVE = (Status.QUEUED, Status.RUNNING)
SUFFIX_BY_TYPE = {
    validation.PDF: ".pdf",
    validation.JPEG: ".jpg",
    validation.PNG: ".png",
    validation.TIFF: ".tif",
}


def request_digitisation(version: DocumentVersion, *, requested_by: User | None) -> DigitisationJob:
    """Queue OCR of a scan (PDF or image) into a searchable PDF/A; the worker does the work."""
    if version.mime_type not in SUFFIX_BY_TYPE:
        raise ValidationError(
            _("Only a PDF or a scanned image (JPEG, PNG, TIFF) can be digitised."), code="type"
        )
    if version.has_signatures:
        raise ValidationError(
            _("A signed PDF is never rewritten; digitise the unsigned scan, then sign the searchable copy."),
            code="signed",
        )
    if version.origin == DocumentVersion.Origin.OCR:
        raise ValidationError(_("This version is already a searchable copy."), code="done")
    with transaction.atomic():
        # Lock the version so two clicks cannot queue two jobs for it.
        locked = DocumentVersion.objects.select_for_update().select_related("document").get(pk=version.pk)
        if DigitisationJob.objects.filter(source=locked, status__in=ACTIVE).exists():
            raise ValidationError(_("This version is already being digitised."), code="active")
        job = DigitisationJob.objects.create(source=locked, requested_by=requested_by)
        audit.record(
            actor=requested_by,
            action="document.digitisation_requested",
            target=locked.document,
            unit_id=locked.document.unit_id,
            after={"version": locked.number, "job": job.pk},
        )
        transaction.on_commit(lambda: tasks.digitise.enqueue(job_id=job.pk))
    return job


def run_digitisation(job_id: int) -> DigitisationJob:
    """Do one queued job; a job already taken (or finished) is left alone, so reruns are safe."""
    claimed = DigitisationJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now(), progress=0
    )
    job = DigitisationJob.objects.select_related("source__document", "requested_by").get(pk=job_id)
    if not claimed:
        return job
    source = job.source
    try:
        result, content = _ocr(job, source)
        # Stored (and audited) in the service's own transaction; it removes its file if that fails.
        derived = services.add_derived_version(
            source,
            content=content,
            filename=f"{Path(source.original_filename).stem or 'scan'}-ocr.pdf",
            origin=DocumentVersion.Origin.OCR,
            created_by=job.requested_by,
            text=result.text,
            is_pdfa=result.is_pdfa,
        )
    except Exception as error:  # every failure ends the job; the details go to the log only
        _fail(job, error)
        return job
    mean = result.mean_confidence
    low_pages = result.pages_below(settings.EGOV_OCR_MIN_CONFIDENCE)
    with transaction.atomic():
        DigitisationJob.objects.filter(pk=job.pk).update(
            status=Status.DONE,
            progress=100,
            result=derived,
            pages_in=result.pages_in,
            pages_out=result.pages_out,
            mean_confidence=Decimal(str(mean)) if mean is not None else None,
            low_confidence_pages=low_pages,
            error="",
            finished_at=timezone.now(),
        )
        audit.record(
            actor=job.requested_by,
            action="document.digitised",
            target=source.document,
            unit_id=source.document.unit_id,
            after={
                "job": job.pk,
                "source_version": source.number,
                "version": derived.number,
                "pages": result.pages_out,
                "mean_confidence": mean,
                "low_confidence_pages": low_pages,
                "pdfa": result.is_pdfa,
            },
        )
    job.refresh_from_db()
    return job


def _ocr(job: DigitisationJob, source: DocumentVersion) -> tuple[OcrResult, bytes]:
    """OCR a temporary copy of the source file; return the result and the new PDF's bytes."""

    def progress(percent: int) -> None:
        DigitisationJob.objects.filter(pk=job.pk).update(progress=min(percent, 99))

    with tempfile.TemporaryDirectory(prefix="egov-digitise-") as work:
        input_path = Path(work) / f"source{SUFFIX_BY_TYPE[source.mime_type]}"
        output_path = Path(work) / "searchable.pdf"
        with source.file.open("rb") as stored, input_path.open("wb") as copy:
            shutil.copyfileobj(stored, copy)
        result = run_ocr(input_path, output_path, progress=progress)
        return result, output_path.read_bytes()


def _fail(job: DigitisationJob, error: Exception) -> None:
    logger.warning("digitisation job %s failed", job.pk, exc_info=error)
    message = _failure_message(error)
    with transaction.atomic():
        DigitisationJob.objects.filter(pk=job.pk).update(
            status=Status.FAILED, error=message, finished_at=timezone.now()
        )
        audit.record(
            actor=job.requested_by,
            action="document.digitisation_failed",
            target=job.source.document,
            unit_id=job.source.document.unit_id,
            after={"job": job.pk, "version": job.source.number, "error": message},
        )
    job.refresh_from_db()


def _failure_message(error: Exception) -> str:
    """What the user is told; never the exception's own text, which may hold paths or internals."""
    if isinstance(error, SignedPdfError):
        return _(
            "A signed PDF is never rewritten; digitise the unsigned scan, then sign the searchable copy."
        )
    if isinstance(error, PageCountError):
        return _("The searchable copy did not have the same pages as the scan, so it was not kept.")
    if isinstance(error, OcrError):
        return _("The scan could not be read. Check that it is a legible scan and try again.")
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return _("Digitisation failed because of an internal error. Try again later.")
