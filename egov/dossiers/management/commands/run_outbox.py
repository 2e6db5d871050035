import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egov.dossiers.outbox import deliver_due


class Command(BaseCommand):
    help = "Deliver pending notifications and national-portal syncs; loops unless --once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=3.0, help="seconds between passes")

    def handle(self, *args: Any, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        while True:
            notifications, syncs = deliver_due()
            if options["once"]:
                self.stdout.write(
                    f"notifications sent {notifications.sent}, retried {notifications.retried}, "
                    f"failed {notifications.failed}; portal syncs sent {syncs.sent}, "
                    f"retried {syncs.retried}, rejected {syncs.failed}"
                )
                return
            if stopping:
                return
            time.sleep(options["interval"])
