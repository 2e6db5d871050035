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
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core import audit, workers
from egov.documents import services, tasks, validation
from egov.documents.models import DigitisationJob, DocumentVersion
from egov.documents.ocr import OcrError, OcrResult, PageCountError, SignedPdfError, run_ocr

logger = logging.getLogger(__name__)

Status = DigitisationJob.Status
ACTIVE = (Status.QUEUED, Status.RUNNING)
# Starts of one job (the first and those after its worker died) before it is given up.
MAX_ATTEMPTS = 3
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
        workers.enqueue_on_commit(tasks.digitise, job_id=job.pk)
    return job


def run_digitisation(job_id: int) -> DigitisationJob:
    """Do one queued job; a job already taken (or finished) is left alone, so reruns are safe.

    A job whose worker died is taken back and started again from the scan (the task queue runs
    the task again once the worker's lease has expired); after `MAX_ATTEMPTS` starts it fails,
    so the scan can be sent again. Every write of an attempt names the attempt: one that was taken
    over can no longer change the job.
    """
    attempt = _claim(job_id)
    job = DigitisationJob.objects.select_related("source__document", "requested_by").get(pk=job_id)
    if attempt is None:
        return job
    if attempt > MAX_ATTEMPTS:
        _fail(job, WorkerLostError(), attempt)
        return job
    source = job.source
    try:
        result, content = _ocr(job, source, attempt)
        with transaction.atomic():
            if not _mine(job.pk, attempt).select_for_update().exists():
                return job  # taken over meanwhile: the attempt that holds the job now finishes it
            # Stored (and audited) in the service's transaction; it removes its file if that fails.
            derived = services.add_derived_version(
                source,
                content=content,
                filename=f"{Path(source.original_filename).stem or 'scan'}-ocr.pdf",
                origin=DocumentVersion.Origin.OCR,
                created_by=job.requested_by,
                text=result.text,
                is_pdfa=result.is_pdfa,
            )
            _finish(job, attempt, result, derived)
    except Exception as error:  # every failure ends the job; the details go to the log only
        _fail(job, error, attempt)
    except BaseException:
        _release(job, attempt)  # the worker is being stopped: another one starts the job again
        raise
    job.refresh_from_db()
    return job


class WorkerLostError(Exception):
    """The workers running a job kept dying (out of memory, killed)."""


def _mine(job_id: int, attempt: int) -> QuerySet[DigitisationJob]:
    return DigitisationJob.objects.filter(pk=job_id, status=Status.RUNNING, attempts=attempt)


def _claim(job_id: int) -> int | None:
    """Take a queued job, or one whose worker died; the attempt's number, or None if not taken."""
    row = DigitisationJob.objects.filter(pk=job_id).values("status", "worker_id", "attempts").first()
    if row is None:
        return None
    now = timezone.now()
    if row["status"] == Status.RUNNING and workers.holder_is_gone(row["worker_id"], now):
        logger.warning("digitisation job %s taken back from worker %s, which died", job_id, row["worker_id"])
    elif row["status"] != Status.QUEUED:
        return None
    attempt: int = row["attempts"] + 1
    # Conditional on what was read: of two workers taking the same job, one wins.
    taken = DigitisationJob.objects.filter(
        pk=job_id, status=row["status"], worker_id=row["worker_id"], attempts=row["attempts"]
    ).update(
        status=Status.RUNNING,
        started_at=now,
        progress=0,
        worker_id=workers.current_worker_id(),
        attempts=attempt,
    )
    return attempt if taken else None


def _release(job: DigitisationJob, attempt: int) -> None:
    """Give the job back to the queue (its worker is stopping), not counting this attempt."""
    with transaction.atomic():
        if _mine(job.pk, attempt).update(status=Status.QUEUED, worker_id="", attempts=attempt - 1):
            workers.enqueue_on_commit(tasks.digitise, job_id=job.pk)


def _finish(job: DigitisationJob, attempt: int, result: OcrResult, derived: DocumentVersion) -> None:
    source = job.source
    mean = result.mean_confidence
    low_pages = result.pages_below(settings.EGOV_OCR_MIN_CONFIDENCE)
    _mine(job.pk, attempt).update(
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
            "attempts": attempt,
        },
    )


def _ocr(job: DigitisationJob, source: DocumentVersion, attempt: int) -> tuple[OcrResult, bytes]:
    """OCR a temporary copy of the source file; return the result and the new PDF's bytes."""

    def progress(percent: int) -> None:
        _mine(job.pk, attempt).update(progress=min(percent, 99))

    with tempfile.TemporaryDirectory(prefix="egov-digitise-") as work:
        input_path = Path(work) / f"source{SUFFIX_BY_TYPE[source.mime_type]}"
        output_path = Path(work) / "searchable.pdf"
        with source.file.open("rb") as stored, input_path.open("wb") as copy:
            shutil.copyfileobj(stored, copy)
        result = run_ocr(input_path, output_path, progress=progress)
        return result, output_path.read_bytes()


def _fail(job: DigitisationJob, error: Exception, attempt: int) -> None:
    logger.warning("digitisation job %s failed", job.pk, exc_info=error)
    message = _failure_message(error)
    with transaction.atomic():
        if not _mine(job.pk, attempt).update(status=Status.FAILED, error=message, finished_at=timezone.now()):
            return  # taken over meanwhile
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
    if isinstance(error, WorkerLostError):
        return _("Digitisation was interrupted several times and stopped. Try again later.")
    return _("Digitisation failed because of an internal error. Try again later.")
