"""No OCR job stays stuck: a job whose worker died is taken back once the worker's lease expires,
and the page shows its progress again; a job that keeps killing its workers ends as failed."""

import datetime as dt
import os
import signal
import subprocess
import sys

import pytest
from django.db import transaction
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from egov.core import workers
from egov.core.models import WorkerBeat
from egov.core.tests.server import ROOT, database_url, wait_for
from egov.documents import services, tasks
from egov.documents.digitisation import MAX_ATTEMPTS, request_digitisation, run_digitisation
from egov.documents.models import DigitisationJob
from egov.documents.tests.helpers import upload
from egov.documents.tests.test_ocr_engine import pdf_scan, png_scan

Status = DigitisationJob.Status
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def scan_of(user, unit, content: bytes, name: str = "to-khai.png"):
    document = services.create_document(
        title="Tờ khai khai sinh", unit=unit, file=upload(name, content), uploaded_by=user
    )
    return document, document.current_version


def dead_worker(name: str = "worker-that-died") -> str:
    """A worker whose last heartbeat is older than the lease."""
    long_ago = timezone.now() - workers.lease() - dt.timedelta(seconds=5)
    WorkerBeat.objects.create(worker_id=name, started_at=long_ago, beat_at=long_ago)
    return name


def stuck_at_ten_percent(job: DigitisationJob, worker_id: str, attempts: int = 1) -> None:
    """What a worker killed during OCR leaves behind."""
    DigitisationJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, progress=10, worker_id=worker_id, attempts=attempts, started_at=timezone.now()
    )


def test_a_job_whose_worker_died_is_taken_back_and_finished(
    client, specialist, province, django_capture_on_commit_callbacks
):
    document, scan = scan_of(specialist, province.department, png_scan("Tờ khai đăng ký khai sinh"))
    with django_capture_on_commit_callbacks(execute=False):
        job = request_digitisation(scan, requested_by=specialist)
    stuck_at_ten_percent(job, dead_worker())
    client.force_login(specialist)

    page = client.get(reverse("documents:digitisation_status", args=[document.pk]))
    assert 'value="10"' in page.text

    # The task queue runs the task again once the lease has expired (test below): it takes the job.
    job = run_digitisation(job.pk)

    assert job.status == Status.DONE, job.error
    assert (job.progress, job.attempts, job.worker_id) == (100, 2, "")
    document.refresh_from_db()
    assert document.current_version == job.result
    assert document.versions.count() == 2


def test_a_job_held_by_a_live_worker_is_left_to_it(specialist, province, django_capture_on_commit_callbacks):
    _document, scan = scan_of(specialist, province.department, png_scan("Tờ khai"))
    with django_capture_on_commit_callbacks(execute=False):
        job = request_digitisation(scan, requested_by=specialist)
    now = timezone.now()
    WorkerBeat.objects.create(worker_id="busy-worker", started_at=now, beat_at=now)
    stuck_at_ten_percent(job, "busy-worker")

    job = run_digitisation(job.pk)  # a second delivery of the same task

    assert (job.status, job.progress, job.attempts, job.worker_id) == (Status.RUNNING, 10, 1, "busy-worker")


def test_a_job_interrupted_too_often_fails_and_the_scan_can_be_sent_again(
    specialist, province, django_capture_on_commit_callbacks
):
    document, scan = scan_of(specialist, province.department, png_scan("Tờ khai"))
    with django_capture_on_commit_callbacks(execute=False):
        job = request_digitisation(scan, requested_by=specialist)
    stuck_at_ten_percent(job, dead_worker(), attempts=MAX_ATTEMPTS)

    with translation.override("en"):
        job = run_digitisation(job.pk)

    assert job.status == Status.FAILED
    assert job.error == "Digitisation was interrupted several times and stopped. Try again later."
    with django_capture_on_commit_callbacks(execute=False):
        assert request_digitisation(scan, requested_by=specialist).status == Status.QUEUED
    assert document.versions.count() == 1


def test_the_page_says_a_job_started_again(client, specialist, province, django_capture_on_commit_callbacks):
    document, scan = scan_of(specialist, province.department, png_scan("Tờ khai"))
    with django_capture_on_commit_callbacks(execute=False):
        job = request_digitisation(scan, requested_by=specialist)
    DigitisationJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, progress=30, attempts=2)
    client.force_login(specialist)

    page = client.get(reverse("documents:digitisation_status", args=[document.pk]))

    assert 'value="30"' in page.text
    assert "Đã chạy lại sau khi bị gián đoạn." in page.text


# --- The task queue: leases ---------------------------------------------------------------------


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


def running_task(job_id: int, *holders: str):
    result = DBTaskResult.objects.get(pk=tasks.digitise.enqueue(job_id=job_id).id)
    for holder in holders:
        result.claim(holder)
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=timezone.now() - workers.lease() * 2)
    return result


def test_tasks_of_a_dead_worker_are_queued_again_and_a_live_one_keeps_its_own(database_tasks, db):
    now = timezone.now()
    WorkerBeat.objects.create(worker_id="alive", started_at=now, beat_at=now)
    abandoned = running_task(1, dead_worker())
    held = running_task(2, "alive")
    hopeless = running_task(3, *[dead_worker(f"dead-{n}") for n in range(workers.MAX_TASK_ATTEMPTS)])

    assert workers.requeue_abandoned() == (1, 1)

    abandoned.refresh_from_db()
    held.refresh_from_db()
    hopeless.refresh_from_db()
    assert (abandoned.status, abandoned.started_at) == (TaskResultStatus.READY, None)
    assert held.status == TaskResultStatus.RUNNING
    assert hopeless.status == TaskResultStatus.FAILED
    assert "died 5 times" in hopeless.traceback


def test_the_task_is_queued_with_the_job_or_not_at_all(
    database_tasks, specialist, province, django_capture_on_commit_callbacks
):
    _document, scan = scan_of(specialist, province.department, png_scan("Tờ khai"))

    def fails_after_queuing() -> None:
        with transaction.atomic():
            request_digitisation(scan, requested_by=specialist)
            raise RuntimeError("the request fails after queuing")

    with pytest.raises(RuntimeError):
        fails_after_queuing()
    assert not DBTaskResult.objects.exists()

    # Queued in the job's own transaction: a process dying right after the commit loses nothing.
    with django_capture_on_commit_callbacks(execute=False) as hooks:
        job = request_digitisation(scan, requested_by=specialist)
    assert hooks == []
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["kwargs"] == {"job_id": job.pk}


# --- The real worker, killed while it runs OCR -------------------------------------------------


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.django_db(transaction=True)
def test_ocr_killed_at_ten_percent_resumes_in_another_worker(database_tasks, specialist, province, media):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "EGOV_VAR_DIR": str(media.parent),  # the workers read the scans from this test's media/
        "EGOV_WORKER_LEASE_SECONDS": "2",
    }
    document, scan = scan_of(
        specialist, province.department, pdf_scan(*["Tờ khai đăng ký khai sinh"] * 4), "to-khai.pdf"
    )
    first = start_worker(env)
    second = None
    try:
        job = request_digitisation(scan, requested_by=specialist)
        jobs = DigitisationJob.objects.filter(pk=job.pk)
        wait_for(
            lambda: jobs.filter(status=Status.RUNNING, progress__gte=10).exists(),
            timeout=60,
            what="the first worker to start OCR",
            every=0.05,
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        job.refresh_from_db()
        assert (job.status, job.attempts) == (Status.RUNNING, 1), "OCR ended before the worker was killed"

        second = start_worker(env)
        finished = wait_for(
            lambda: jobs.filter(status__in=[Status.DONE, Status.FAILED]).first(),
            timeout=90,
            what="the job to finish in the second worker",
        )
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=30)

    assert finished.status == Status.DONE, finished.error
    assert (finished.progress, finished.attempts) == (100, 2)
    document.refresh_from_db()
    assert document.current_version == finished.result
    assert finished.result.page_count == 4
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert len(task.worker_ids) == 2  # the same task, run again by the second worker
