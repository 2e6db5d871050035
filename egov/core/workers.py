"""Task workers with leases: a task held by a worker that died is queued again.

The task queue is django-tasks' database backend (`manage.py run_worker`, a `db_worker` with a
heartbeat). A worker writes its heartbeat (`WorkerBeat`) every third of the lease from a thread
of its own, so a long OCR job does not stop it; the same thread writes the periodic checkpoint
of the audit chains (egov.core.audit_anchors). Whichever live worker next beats finds the tasks
marked running by a worker whose heartbeat is older than the lease and puts them back in the queue
(a task interrupted `MAX_TASK_ATTEMPTS` times is failed instead, so a task that kills its worker
does not kill every worker in turn). A task must therefore be safe to run again; the job rows
that tasks work on take themselves back with `holder_is_gone` (egov.documents.digitisation).

Tasks are enqueued with `enqueue_on_commit`: with the database backend the task row is written in
the caller's transaction, so it is committed with the change it follows up or not at all (nothing
is lost if the process dies between the commit and an on-commit hook).
"""

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.tasks import Task, TaskResultStatus
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from egov.core import audit_anchors
from egov.core.models import WorkerBeat

logger = logging.getLogger(__name__)

MAX_TASK_ATTEMPTS = 5
# Heartbeats of workers gone for this long are deleted.
FORGET_AFTER = dt.timedelta(days=1)

_current_worker_id = ""


def lease() -> dt.timedelta:
    """How long a worker may stay silent before its tasks are taken from it."""
    return dt.timedelta(seconds=settings.EGOV_WORKER_LEASE_SECONDS)


def current_worker_id() -> str:
    """The id of the task worker running this code; "" outside a worker (web, tests, shell)."""
    return _current_worker_id


def alive_worker_ids(now: dt.datetime | None = None) -> set[str]:
    now = now or timezone.now()
    return set(WorkerBeat.objects.filter(beat_at__gte=now - lease()).values_list("worker_id", flat=True))


def holder_is_gone(worker_id: str, now: dt.datetime | None = None) -> bool:
    """Whether the worker that took a job has died (no heartbeat within the lease).

    A job taken outside a worker ("") is never taken back: nothing re-runs it, and the process
    that runs it inline is the one the user is waiting on.
    """
    return bool(worker_id) and worker_id not in alive_worker_ids(now)


def enqueue_on_commit(task: Task[Any, Any], **kwargs: Any) -> None:
    """Queue `task(**kwargs)` to run once the current transaction has committed."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(**kwargs)  # written in this transaction: committed with it, or rolled back
    else:
        transaction.on_commit(lambda: task.enqueue(**kwargs))


def requeue_abandoned(now: dt.datetime | None = None) -> tuple[int, int]:
    """Put back in the queue the tasks held by dead workers; (queued again, given up)."""
    now = now or timezone.now()
    alive = alive_worker_ids(now)
    requeued = failed = 0
    running = DBTaskResult.objects.running().filter(started_at__lt=now - lease())
    for result in running.only("pk", "worker_ids", "started_at", "task_path"):
        holder = result.worker_ids[-1] if result.worker_ids else ""
        if holder in alive:
            continue
        # The start time changes with every claim: this update only takes the attempt we looked at.
        same_attempt = DBTaskResult.objects.running().filter(pk=result.pk, started_at=result.started_at)
        if len(result.worker_ids) >= MAX_TASK_ATTEMPTS:
            failed += same_attempt.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="egov.core.workers.WorkerLost",
                traceback=f"The worker running this task died {len(result.worker_ids)} times; given up.",
            )
            logger.error("task %s (%s) given up: its workers kept dying", result.pk, result.task_path)
        else:
            requeued += same_attempt.update(status=TaskResultStatus.READY, started_at=None)
            logger.warning("task %s (%s) queued again: worker %s died", result.pk, result.task_path, holder)
    return requeued, failed


def beat(worker_id: str, started_at: dt.datetime) -> None:
    """One heartbeat, then the housekeeping every live worker shares."""
    now = timezone.now()
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "beat_at": now,
            "started_at": started_at,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )
    requeue_abandoned(now)
    WorkerBeat.objects.filter(beat_at__lt=now - FORGET_AFTER).delete()


@contextmanager
def heartbeat(worker_id: str) -> Iterator[None]:
    """Beat for `worker_id` from a thread until the block ends; the worker's row goes with it."""
    global _current_worker_id
    _current_worker_id = worker_id
    started_at = timezone.now()
    stopping = threading.Event()
    beat(worker_id, started_at)  # before the first task: a fresh worker is never taken for dead

    def keep_beating() -> None:
        every = settings.EGOV_WORKER_LEASE_SECONDS / 3
        try:
            while not stopping.wait(every):
                try:
                    beat(worker_id, started_at)
                except DatabaseError:
                    logger.warning("heartbeat of worker %s not written", worker_id, exc_info=True)
                try:
                    # The periodic anchor of the audit chains, written outside the database.
                    audit_anchors.checkpoint_if_due()
                except Exception:  # this thread must live on: it is the heartbeat
                    logger.warning("audit checkpoint not written; retried at the next beat", exc_info=True)
        finally:
            connections.close_all()  # this thread's own connection

    thread = threading.Thread(target=keep_beating, name=f"heartbeat-{worker_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopping.set()
        thread.join()
        WorkerBeat.objects.filter(worker_id=worker_id).delete()
        _current_worker_id = ""
