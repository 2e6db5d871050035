from typing import Any

from django_tasks_db.management.commands import db_worker

from egov.core.workers import heartbeat


class Command(db_worker.Command):
    help = (
        "Run the task worker: django-tasks' db_worker with a heartbeat, so the tasks of a worker "
        "that died are queued again once its lease has expired."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with heartbeat(options["worker_id"]):
            super().handle(*args, **options)
